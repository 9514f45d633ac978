"""losses.Circle / losses.circle against Keras: values, masks, configs, fit."""

import numpy as np
import pytest
import torch

import lamina
from lamina import losses

LABELS = np.array([0, 0, 1, 1, 2, 3, 1, 0])  # classes 2 and 3 have one example


def _embeddings(n=8, dim=4, seed=0):
    e = np.random.default_rng(seed).normal(size=(n, dim)).astype("float32")
    return e / np.linalg.norm(e, axis=1, keepdims=True)


def _np(x):
    return np.asarray(x.detach().cpu()) if isinstance(x, torch.Tensor) else x


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"gamma": 16.0, "margin": 0.25},
        {"remove_diagonal": False},
        {"reduction": "sum"},
        {"reduction": None},
        {"reduction": "mean_with_sample_weight"},
    ],
)
def test_class_matches_keras_with_and_without_sample_weight(keras, kwargs):
    e = _embeddings()
    weights = np.random.default_rng(1).uniform(size=8).astype("float32")
    for sample_weight in (None, weights):
        theirs = keras.losses.Circle(**kwargs)(LABELS, e, sample_weight=sample_weight)
        ours = losses.Circle(**kwargs)(LABELS, e, sample_weight=sample_weight)
        np.testing.assert_allclose(_np(ours), _np(theirs), rtol=1e-5, atol=1e-6)


def test_function_matches_keras_with_references(keras):
    e, ref = _embeddings(), _embeddings(5, seed=2)
    ref_labels = np.array([[0], [1], [1], [3], [4]])
    for kwargs in (
        {},
        {"ref_embeddings": ref, "ref_labels": ref_labels, "remove_diagonal": False},
        {"gamma": 30, "margin": 0.1, "remove_diagonal": False},
    ):
        theirs = keras.losses.circle(LABELS.reshape(-1, 1), e, **kwargs)
        ours = losses.circle(LABELS.reshape(-1, 1), e, **kwargs)
        assert tuple(ours.shape) == (8,)
        np.testing.assert_allclose(_np(ours), _np(theirs), rtol=1e-5, atol=1e-6)
        assert torch.equal(ours._keras_mask, ours > 0)


def test_rows_without_a_positive_are_left_out_of_the_mean():
    values = losses.circle(LABELS, _embeddings())
    assert (values[[4, 5]] == 0).all()  # the singleton classes 2 and 3
    assert (values[[0, 1, 2, 3, 6, 7]] > 0).all()
    mean = losses.Circle()(LABELS, _embeddings())
    torch.testing.assert_close(mean, values.sum() / 6)
    # No positive pair anywhere: every row is masked and the mean is 0, not NaN.
    assert float(losses.Circle()(np.arange(4), _embeddings(4))) == 0.0


def test_loss_by_hand_for_two_pairs():
    # Rows 0 and 1 are one class, rows 2 and 3 another; 2-D unit vectors.
    angles = np.array([0.0, 0.3, 1.5, 2.0])
    e = np.stack([np.cos(angles), np.sin(angles)], 1).astype("float32")
    gamma, m = 10.0, 0.25
    d = np.maximum(1 - e @ e.T, 0)
    want = []
    for i in range(4):
        j = i ^ 1  # the positive partner
        negs = [k for k in range(4) if k // 2 != i // 2]
        pos = -gamma * max(m + d[i, j], 0) * (m - d[i, j])
        neg = np.log(
            sum(
                np.exp(gamma * max(1 + m - d[i, k], 0) * (1 - m - d[i, k]))
                for k in negs
            )
        )
        want.append(np.log1p(np.exp(pos + neg)))
    ours = losses.circle(np.array([0, 0, 1, 1]), e, gamma=gamma, margin=m)
    np.testing.assert_allclose(_np(ours), want, rtol=1e-5)


def test_gradients_match_keras(keras):
    e = _embeddings()
    grads = []
    for lib in (keras, lamina):
        x = torch.tensor(e, requires_grad=True)
        lib.losses.Circle(gamma=20.0)(LABELS, x).backward()
        grads.append(_np(x.grad))
    assert np.isfinite(grads[1]).all()
    np.testing.assert_allclose(grads[1], grads[0], rtol=1e-4, atol=1e-6)


def test_config_serialization_and_names_match_keras(keras):
    kwargs = {"gamma": 32.0, "margin": 0.3, "remove_diagonal": False}
    ours, theirs = losses.Circle(**kwargs), keras.losses.Circle(**kwargs)
    assert ours.get_config() == theirs.get_config()
    assert losses.serialize(ours) == keras.losses.serialize(theirs)
    back = losses.deserialize(keras.losses.serialize(theirs))
    assert isinstance(back, losses.Circle)
    assert back.get_config() == ours.get_config()
    e = _embeddings()
    np.testing.assert_allclose(
        _np(back(LABELS, e)), _np(theirs(LABELS, e)), rtol=1e-5, atol=1e-6
    )
    assert losses.serialize(losses.circle) == keras.losses.serialize(
        keras.losses.circle
    )
    assert losses.get("circle") is losses.circle
    assert isinstance(losses.get("Circle"), losses.Circle)
    assert losses.Circle().name == "circle"


def _embedding_model(lib, loss):
    model = lib.Sequential(
        [lib.Input((5,)), lib.layers.Dense(4), lib.layers.UnitNormalization()]
    )
    model.compile(optimizer=lib.optimizers.SGD(0.05), loss=loss)
    return model


@pytest.mark.parametrize("loss", ["Circle", "circle"])
def test_fit_matches_keras(keras, loss):
    x = np.random.default_rng(3).normal(size=(12, 5)).astype("float32")
    y = np.array([0, 1, 2] * 4)

    def make(lib):
        return lib.losses.Circle(gamma=16.0) if loss == "Circle" else loss

    k, lam = (
        _embedding_model(keras, make(keras)),
        _embedding_model(lamina, make(lamina)),
    )
    lam.set_weights(k.get_weights())
    fit = {"batch_size": 6, "epochs": 2, "shuffle": False, "verbose": 0}
    hk, hl = k.fit(x, y, **fit).history, lam.fit(x, y, **fit).history
    # gamma=80 (the string's default) scales logits by 80 before exp, which
    # magnifies float32 rounding; 1e-5 / 1e-6 failed in some full xdist runs.
    np.testing.assert_allclose(hl["loss"], hk["loss"], rtol=1e-4)
    for a, b in zip(lam.get_weights(), k.get_weights()):
        np.testing.assert_allclose(a, b, atol=1e-5)
    np.testing.assert_allclose(
        lam.evaluate(x, y, verbose=0), k.evaluate(x, y, verbose=0), rtol=1e-4
    )


def test_errors():
    e = _embeddings()
    with pytest.raises(ValueError, match=r"`gamma` of Circle must be a number.*'80'"):
        losses.Circle(gamma="80")
    with pytest.raises(ValueError, match=r"`margin` of Circle must be a number"):
        losses.Circle(margin=None)
    with pytest.raises(ValueError, match=r"y_pred.shape=\(8, 2, 2\)"):
        losses.circle(LABELS, e.reshape(8, 2, 2))
    with pytest.raises(
        ValueError, match=r"`y_true` of shape \(8,\) or \(8, 1\).*\(7,\)"
    ):
        losses.circle(LABELS[:7], e)
    with pytest.raises(ValueError, match=r"same embedding size.*\(5, 3\)"):
        losses.circle(LABELS, e, ref_embeddings=e[:5, :3], ref_labels=LABELS[:5])
    with pytest.raises(ValueError, match=r"need `ref_labels`.*\(5, 4\)"):
        losses.circle(LABELS, e, ref_embeddings=e[:5])
    with pytest.raises(ValueError, match=r"`ref_labels` of shape \(5,\).*\(8,\)"):
        losses.circle(LABELS, e, ref_embeddings=e[:5], ref_labels=LABELS)
    with pytest.raises(ValueError, match="Invalid value for argument `reduction`"):
        losses.Circle(reduction="max")


def test_compiled_circle_travels_in_keras_files(keras, tmp_path):
    model = _embedding_model(lamina, losses.Circle(gamma=20.0, margin=0.3))
    model.save(tmp_path / "ours.keras")
    theirs = keras.models.load_model(tmp_path / "ours.keras")
    assert theirs.loss.get_config() == model.loss.get_config()
    theirs.save(tmp_path / "theirs.keras")
    back = lamina.models.load_model(tmp_path / "theirs.keras")
    assert isinstance(back.loss, losses.Circle)
    assert back.loss.get_config() == model.loss.get_config()
