"""F1Score and FBetaScore against keras.metrics: values, state, config, errors, fit."""

import numpy as np
import pytest
import torch

import lamina
from lamina import metrics

N = 10
C = 4
AVERAGES = [None, "micro", "macro", "weighted"]


def _batches(kind, rng, n=3):
    out = []
    for _ in range(n):
        if kind == "multilabel":
            y_true = (rng.random((N, C)) > 0.5).astype("float32")
        else:  # one-hot, int labels
            y_true = np.eye(C, dtype="int64")[rng.integers(0, C, N)]
        y_pred = rng.random((N, C)).astype("float32")
        y_pred[0] = 0.0  # a row of zeros: no positive without a threshold
        y_pred[1, :2] = y_pred[1].max()  # a tie for the row maximum
        out.append((y_true, y_pred))
    return out


def _run(metric, batches, weights):
    values = []
    for (y_true, y_pred), w in zip(batches, weights, strict=True):
        if w is None:
            metric.update_state(y_true, y_pred)
        else:
            metric.update_state(y_true, y_pred, sample_weight=w)
        values.append(np.asarray(metric.result()))
    return values


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("F1Score", {}),
        ("F1Score", {"threshold": 0.5}),
        ("FBetaScore", {"beta": 2.0}),
        ("FBetaScore", {"beta": 0.5, "threshold": 0.3}),
    ],
)
@pytest.mark.parametrize("average", AVERAGES)
@pytest.mark.parametrize("kind", ["onehot", "multilabel"])
def test_matches_keras(keras, name, kwargs, average, weighted, kind):
    """Results after each of three updates, and again after `reset_state`."""
    rng = np.random.default_rng(7)
    batches = _batches(kind, rng)
    weights = [rng.random(N).astype("float32") if weighted else None for _ in batches]
    ours = getattr(metrics, name)(average=average, **kwargs)
    theirs = getattr(keras.metrics, name)(average=average, **kwargs)
    for _ in range(2):  # the second round runs after reset_state
        got = _run(ours, batches, weights)
        want = _run(theirs, batches, weights)
        for g, w in zip(got, want, strict=True):
            assert g.shape == w.shape
            assert g.dtype == w.dtype == np.float32
            np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-7)
        for a, b in zip(ours.variables, theirs.variables, strict=True):
            np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-6)
        ours.reset_state()
        theirs.reset_state()
    assert all(not v.numpy().any() for v in ours.variables)


@pytest.mark.parametrize("average", AVERAGES)
def test_state_is_built_on_the_first_update_like_keras(keras, average):
    ours = metrics.FBetaScore(average=average, beta=2.0)
    theirs = keras.metrics.FBetaScore(average=average, beta=2.0)
    assert ours.variables == [] and theirs.variables == []
    ours.reset_state()  # nothing to reset yet
    y_true, y_pred = np.eye(3, dtype="float32"), np.eye(3, dtype="float32")
    ours.update_state(y_true, y_pred)
    theirs.update_state(y_true, y_pred)
    assert [v.name for v in ours.variables] == [v.name for v in theirs.variables]
    assert [v.name for v in ours.variables] == [
        "true_positives",
        "false_positives",
        "false_negatives",
        "intermediate_weights",
    ]
    for a, b in zip(ours.variables, theirs.variables, strict=True):
        assert tuple(a.shape) == tuple(b.shape) == (() if average == "micro" else (3,))
        assert a.dtype == torch.float32
        assert a.path == f"fbeta_score/{a.name}"


def test_result_before_any_update_is_zero():
    assert float(metrics.F1Score(average="macro").result()) == 0.0


def test_hand_computed_values():
    y_true = np.array([[1, 1, 1], [1, 0, 0], [1, 1, 0]], np.int32)
    y_pred = np.array([[0.2, 0.6, 0.7], [0.2, 0.6, 0.6], [0.6, 0.8, 0.0]], np.float32)
    m = metrics.F1Score(threshold=0.5)
    m.update_state(y_true, y_pred)
    # tp = [1, 2, 1], fp = [0, 1, 1], fn = [2, 0, 0]
    np.testing.assert_allclose(m.result().numpy(), [0.5, 0.8, 2 / 3], rtol=1e-5)
    m = metrics.F1Score(threshold=0.5, average="micro")
    m.update_state(y_true, y_pred)  # tp = 4, fp = 2, fn = 2
    assert float(m.result()) == pytest.approx(2 / 3, rel=1e-5)
    m = metrics.FBetaScore(beta=2.0, threshold=0.5, average="weighted")
    m.update_state(y_true, y_pred)
    per_class = np.array(
        [5 * (1 / 3) / (4 + 1 / 3), 5 * (2 / 3) / (8 / 3 + 1), 5 * 0.5 / 3]
    )
    support = np.array([3, 2, 1]) / 6
    assert float(m.result()) == pytest.approx(
        float((per_class * support).sum()), rel=1e-5
    )


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("F1Score", {}),
        ("F1Score", {"average": "macro", "threshold": 0.4, "name": "f"}),
        ("FBetaScore", {}),
        ("FBetaScore", {"average": "weighted", "beta": 0.5, "dtype": "float64"}),
    ],
)
def test_config_matches_keras_and_round_trips(keras, name, kwargs):
    ours = getattr(metrics, name)(**kwargs)
    theirs = getattr(keras.metrics, name)(**kwargs)
    assert ours.name == theirs.name
    assert ours.dtype == theirs.dtype
    assert ours.get_config() == theirs.get_config()
    assert list(ours.get_config()) == list(theirs.get_config())
    clone = type(ours).from_config(ours.get_config())
    assert clone.get_config() == ours.get_config()
    ours_again = metrics.deserialize(keras.metrics.serialize(theirs))
    assert type(ours_again) is type(ours)
    assert ours_again.get_config() == theirs.get_config()
    theirs_again = keras.metrics.deserialize(metrics.serialize(ours))
    assert theirs_again.get_config() == ours.get_config()


def test_default_names_and_lookup(keras):
    assert metrics.F1Score().name == keras.metrics.F1Score().name == "f1_score"
    assert metrics.FBetaScore().name == keras.metrics.FBetaScore().name == "fbeta_score"
    assert type(metrics.get("f1_score")) is metrics.F1Score
    assert type(metrics.get("F1Score")) is metrics.F1Score
    assert type(metrics.get("FBetaScore")) is metrics.FBetaScore


def _keras_error(keras, build):
    with pytest.raises(ValueError, match="Invalid|expects") as err:
        build(keras.metrics)
    return str(err.value)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (
            lambda m: m.F1Score(average="samples"),
            r"Invalid `average` argument value. Expected one of: \{None, 'micro', "
            r"'macro', 'weighted'\}. Received: average=samples",
        ),
        (
            lambda m: m.FBetaScore(beta=2),
            r"Invalid `beta` argument value. It should be a Python float. "
            r"Received: beta=2 of type '<class 'int'>'",
        ),
        (
            lambda m: m.FBetaScore(beta=0.0),
            r"Invalid `beta` argument value. It should be > 0. Received: beta=0.0",
        ),
        (
            lambda m: m.F1Score(threshold=1),
            r"Invalid `threshold` argument value. It should be a Python float. "
            r"Received: threshold=1 of type '<class 'int'>'",
        ),
        (
            lambda m: m.F1Score(threshold=1.5),
            r"It should verify 0 < threshold <= 1. Received: threshold=1.5",
        ),
        (
            lambda m: m.F1Score(threshold=0.0),
            r"It should verify 0 < threshold <= 1. Received: threshold=0.0",
        ),
    ],
)
def test_bad_arguments_get_keras_messages(keras, build, message):
    with pytest.raises(ValueError, match=message) as err:
        build(metrics)
    assert str(err.value) == _keras_error(keras, build)


def test_inputs_that_are_not_2d(keras):
    message = (
        r"FBetaScore expects 2D inputs with shape \(batch_size, output_dim\). "
        r"Received input shapes: y_pred.shape=\(4,\) and y_true.shape=\(4,\)."
    )
    with pytest.raises(ValueError, match=message):
        metrics.F1Score().update_state(np.ones(4), np.ones(4))
    with pytest.raises(ValueError, match="FBetaScore expects 2D inputs"):
        keras.metrics.F1Score().update_state(np.ones(4), np.ones(4))
    with pytest.raises(ValueError, match=r"become \(batch_size, 1\) with `y.reshape"):
        metrics.F1Score().update_state(np.ones(4), np.ones((4, 1)))


def test_a_batch_with_another_number_of_classes():
    m = metrics.F1Score(average="micro")
    m.update_state(np.eye(3), np.eye(3))
    message = r"F1Score was built for 3 classes .* predictions of shape \(2, 4\)"
    with pytest.raises(ValueError, match=message):
        m.update_state(np.ones((2, 4)), np.ones((2, 4)))


def _fit_logs(module):
    rng = np.random.default_rng(0)
    x = rng.random((24, 3)).astype("float32")
    y = np.eye(3, dtype="float32")[rng.integers(0, 3, 24)]
    weights = rng.random(24).astype("float32")
    module.backend.clear_session(free_memory=False)
    model = module.Sequential(
        [module.Input((3,)), module.layers.Dense(3, activation="softmax")]
    )
    model.compile(
        optimizer="sgd",
        loss="categorical_crossentropy",
        metrics=[
            module.metrics.F1Score(average="macro"),
            module.metrics.FBetaScore(beta=2.0, average="weighted", threshold=0.3),
        ],
        weighted_metrics=[module.metrics.F1Score(average="micro", name="wf1")],
    )
    kernel = np.full((3, 3), 0.1, "float32") + np.eye(3, dtype="float32")
    model.set_weights([kernel, np.zeros(3, "float32")])
    history = model.fit(
        x, y, sample_weight=weights, batch_size=8, epochs=2, shuffle=False, verbose=0
    )
    evaluated = model.evaluate(x, y, batch_size=8, verbose=0, return_dict=True)
    return history.history, evaluated


def test_compile_fit_log_keys_and_values_match_keras(keras):
    ours, ours_eval = _fit_logs(lamina)
    theirs, theirs_eval = _fit_logs(keras)
    assert sorted(ours) == sorted(theirs) == ["f1_score", "fbeta_score", "loss", "wf1"]
    for key in theirs:
        np.testing.assert_allclose(ours[key], theirs[key], rtol=1e-4, atol=1e-6)
    assert sorted(ours_eval) == sorted(theirs_eval)
    for key in theirs_eval:
        np.testing.assert_allclose(
            ours_eval[key], theirs_eval[key], rtol=1e-4, atol=1e-6
        )


def test_fit_with_per_class_scores_logs_a_vector(keras):
    """`average=None` logs one score per class, as Keras's history does."""
    rng = np.random.default_rng(1)
    x = rng.random((16, 3)).astype("float32")
    y = np.eye(3, dtype="float32")[rng.integers(0, 3, 16)]
    logs = []
    for module in (lamina, keras):
        module.utils.set_random_seed(0)
        model = module.Sequential([module.Input((3,)), module.layers.Dense(3)])
        model.compile("sgd", "mse", metrics=[module.metrics.F1Score()])
        model.set_weights([np.eye(3, dtype="float32"), np.zeros(3, "float32")])
        logs.append(model.fit(x, y, batch_size=8, verbose=0, shuffle=False).history)
    ours, theirs = logs
    assert np.shape(ours["f1_score"][0]) == np.shape(theirs["f1_score"][0]) == (3,)
    np.testing.assert_allclose(ours["f1_score"][0], theirs["f1_score"][0], rtol=1e-4)


@pytest.mark.parametrize("name", ["f1_score", "fbeta_score"])
def test_callbacks_maximize_f_scores_like_keras(keras, name):
    """Keras's `mode="auto"` maximizes a metric whose `_direction` is "up"."""
    assert metrics.F1Score()._direction == keras.metrics.F1Score()._direction == "up"
    metric = {"f1_score": metrics.F1Score, "fbeta_score": metrics.FBetaScore}[name]
    model = lamina.Sequential([lamina.Input((2,)), lamina.layers.Dense(2)])
    model.compile(loss="mse", metrics=[metric(name=name)])
    model.evaluate(np.zeros((2, 2)), np.zeros((2, 2)), verbose=0)  # builds them
    for callback in (
        lamina.callbacks.EarlyStopping(monitor=f"val_{name}"),
        lamina.callbacks.ReduceLROnPlateau(monitor=name),
    ):
        callback.set_model(model)
        assert callback.mode == "max"


def test_progress_line_shows_the_mean_of_per_class_scores(capsys):
    """Keras's progress bar prints a per-class result as its mean."""
    rng = np.random.default_rng(2)
    x = rng.random((16, 3)).astype("float32")
    y = np.eye(3, dtype="float32")[rng.integers(0, 3, 16)]
    model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(3)])
    model.compile("sgd", "mse", metrics=[metrics.F1Score()])
    history = model.fit(x, y, batch_size=8, verbose=2, shuffle=False).history
    mean = float(np.mean(history["f1_score"][0]))
    assert f"f1_score: {mean:.4f}" in capsys.readouterr().out
