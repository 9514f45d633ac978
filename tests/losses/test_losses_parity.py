"""Loss functions and classes against `keras.losses` on random data."""

import numpy as np
import pytest
import torch
from _losses_data import make_data, softmax, to_np

from lamina import losses

RTOL, ATOL = 1e-5, 1e-6


# (function name, kwargs, data kind, shapes)
SHAPES = [(4, 3), (2, 3, 5), (5,)]
FN_CASES = [
    ("mean_squared_error", {}, "reg", SHAPES),
    ("mean_absolute_error", {}, "reg", SHAPES),
    ("mean_absolute_percentage_error", {}, "reg", SHAPES),
    ("mean_squared_logarithmic_error", {}, "reg", SHAPES),
    ("mean_squared_logarithmic_error", {}, "pos", SHAPES),
    ("huber", {}, "reg", SHAPES),
    ("huber", {"delta": 0.3}, "reg", SHAPES),
    ("log_cosh", {}, "reg", SHAPES),
    ("cosine_similarity", {}, "reg", SHAPES),
    ("cosine_similarity", {"axis": 1}, "reg", [(2, 3, 5)]),
    ("kl_divergence", {}, "prob", SHAPES),
    ("kl_divergence", {}, "reg", SHAPES),
    ("poisson", {}, "pos", SHAPES),
    ("hinge", {}, "pm1", SHAPES),
    ("hinge", {}, "binary", SHAPES),
    ("hinge", {}, "soft_binary", SHAPES),
    ("squared_hinge", {}, "pm1", SHAPES),
    ("squared_hinge", {}, "binary", SHAPES),
    ("categorical_hinge", {}, "onehot", SHAPES),
    ("binary_crossentropy", {}, "binary", SHAPES),
    ("binary_crossentropy", {"from_logits": True}, "soft_binary", SHAPES),
    ("binary_crossentropy", {"label_smoothing": 0.2}, "binary", SHAPES),
    (
        "binary_crossentropy",
        {"axis": 1, "from_logits": True},
        "soft_binary",
        [(2, 3, 5)],
    ),
    ("binary_focal_crossentropy", {}, "binary", SHAPES),
    (
        "binary_focal_crossentropy",
        {"apply_class_balancing": True, "alpha": 0.4, "gamma": 1.5},
        "binary",
        SHAPES,
    ),
    (
        "binary_focal_crossentropy",
        {"from_logits": True, "label_smoothing": 0.1, "apply_class_balancing": True},
        "soft_binary",
        SHAPES,
    ),
    ("categorical_crossentropy", {}, "onehot", SHAPES),
    ("categorical_crossentropy", {"from_logits": True}, "onehot_logits", SHAPES),
    ("categorical_crossentropy", {"label_smoothing": 0.1}, "onehot", SHAPES),
    (
        "categorical_crossentropy",
        {"label_smoothing": 0.2, "from_logits": True},
        "onehot_logits",
        SHAPES,
    ),
    ("categorical_crossentropy", {"axis": 1}, "onehot", [(2, 3, 5)]),
    ("categorical_focal_crossentropy", {}, "onehot", SHAPES),
    (
        "categorical_focal_crossentropy",
        {"from_logits": True, "alpha": 0.5, "gamma": 1.0, "label_smoothing": 0.1},
        "onehot_logits",
        SHAPES,
    ),
    ("dice", {}, "binary", SHAPES),
    ("dice", {"axis": 1}, "binary", [(4, 3)]),
    ("dice", {"axis": (1, 2)}, "binary", [(2, 3, 5)]),
    ("tversky", {"alpha": 0.3, "beta": 0.7}, "binary", SHAPES),
    ("tversky", {"alpha": 0.8, "beta": 0.1, "axis": 1}, "binary", [(4, 3)]),
]


def _fn_ids():
    return [f"{name}-{i}" for i, (name, *_) in enumerate(FN_CASES)]


@pytest.mark.parametrize(("name", "kwargs", "kind", "shapes"), FN_CASES, ids=_fn_ids())
def test_function_matches_keras(keras, name, kwargs, kind, shapes):
    rng = np.random.default_rng(len(name))
    for shape in shapes:
        y_true, y_pred = make_data(kind, shape, rng, kwargs.get("axis", -1))
        expected = to_np(getattr(keras.losses, name)(y_true, y_pred, **kwargs))
        got = getattr(losses, name)(
            torch.from_numpy(y_true), torch.from_numpy(y_pred), **kwargs
        )
        assert got.shape == expected.shape, (name, shape)
        np.testing.assert_allclose(to_np(got), expected, rtol=RTOL, atol=ATOL)
        got_np = getattr(losses, name)(y_true, y_pred, **kwargs)  # numpy inputs
        np.testing.assert_allclose(to_np(got_np), expected, rtol=RTOL, atol=ATOL)


SPARSE_CASES = [
    ({}, (6, 4), False),
    ({"from_logits": True}, (6, 4), True),
    ({"from_logits": True, "ignore_class": 2}, (6, 4), True),
    ({"ignore_class": -1}, (2, 3, 4), False),
    ({"axis": 1, "from_logits": True}, (2, 4, 3), True),
]


@pytest.mark.parametrize(("kwargs", "shape", "logits"), SPARSE_CASES)
def test_sparse_categorical_crossentropy_matches_keras(keras, kwargs, shape, logits):
    rng = np.random.default_rng(1)
    axis = kwargs.get("axis", -1)
    logits_np = rng.standard_normal(shape).astype("float32")
    y_pred = logits_np if logits else softmax(logits_np, axis)
    labels = rng.integers(0, shape[axis], np.delete(shape, axis))
    if "ignore_class" in kwargs:
        labels.flat[::3] = kwargs["ignore_class"]
    expected = keras.losses.sparse_categorical_crossentropy(labels, y_pred, **kwargs)
    got = losses.sparse_categorical_crossentropy(labels, y_pred, **kwargs)
    np.testing.assert_allclose(to_np(got), to_np(expected), rtol=RTOL, atol=ATOL)
    got_col = losses.sparse_categorical_crossentropy(
        labels[..., None], y_pred, **kwargs
    )
    if axis == -1:  # labels with a trailing axis of 1
        np.testing.assert_allclose(
            to_np(got_col), to_np(expected), rtol=RTOL, atol=ATOL
        )


def test_generalized_cross_entropy_matches_keras(keras):
    rng = np.random.default_rng(2)
    labels = torch.from_numpy(rng.integers(0, 4, (6,)))
    probs = torch.from_numpy(softmax(rng.standard_normal((6, 4)).astype("float32")))
    for q in (0.5, 0.2, 0.9):
        expected = keras.losses.categorical_generalized_cross_entropy(
            labels, probs, q=q
        )
        got = losses.categorical_generalized_cross_entropy(labels, probs, q=q)
        np.testing.assert_allclose(to_np(got), to_np(expected), rtol=RTOL, atol=ATOL)


def test_ctc_matches_keras(keras):
    y_true = np.array([[1, 2, 0], [2, 2, 1], [3, 0, 0]])
    y_pred = np.random.default_rng(3).standard_normal((3, 7, 4)).astype("float32")
    expected = keras.losses.ctc(torch.from_numpy(y_true), torch.from_numpy(y_pred))
    got = losses.ctc(y_true, y_pred)
    np.testing.assert_allclose(to_np(got), to_np(expected), rtol=RTOL, atol=1e-5)
    expected = keras.losses.CTC()(y_true, y_pred)
    np.testing.assert_allclose(
        to_np(losses.CTC()(y_true, y_pred)), to_np(expected), rtol=RTOL
    )


def test_extreme_probabilities_are_clipped(keras):
    y_true = np.array([[0.0, 1.0, 1.0, 0.0]], "float32")
    y_pred = np.array([[0.0, 0.0, 1.0, 1.0]], "float32")
    for name in ("binary_crossentropy", "binary_focal_crossentropy", "kl_divergence"):
        expected = getattr(keras.losses, name)(y_true, y_pred)
        got = getattr(losses, name)(y_true, y_pred)
        np.testing.assert_allclose(to_np(got), to_np(expected), rtol=RTOL, atol=ATOL)
    onehot = np.array([[0.0, 1.0, 0.0]], "float32")
    probs = np.array([[0.0, 0.0, 1.0]], "float32")
    for name in ("categorical_crossentropy", "categorical_focal_crossentropy"):
        expected = getattr(keras.losses, name)(onehot, probs)
        got = getattr(losses, name)(onehot, probs)
        np.testing.assert_allclose(to_np(got), to_np(expected), rtol=RTOL, atol=ATOL)
    zero = np.zeros((1, 3), "float32")
    tiny = np.array([[1e-4, 0.0, 0.0]], "float32")
    for a in (zero, tiny):
        expected = keras.losses.cosine_similarity(a, np.ones((1, 3), "float32"))
        got = losses.cosine_similarity(a, np.ones((1, 3), "float32"))
        np.testing.assert_allclose(to_np(got), to_np(expected), rtol=RTOL, atol=ATOL)


def test_rank_one_targets_meet_column_predictions(keras):
    y_true = np.arange(4, dtype="float32")
    y_pred = np.linspace(0, 1, 4, dtype="float32")[:, None]
    for name in (
        "mean_squared_error",
        "mean_absolute_error",
        "huber",
        "hinge",
        "poisson",
    ):
        for a, b in ((y_true, y_pred), (y_pred, y_true)):
            expected = to_np(getattr(keras.losses, name)(a, b))
            got = to_np(getattr(losses, name)(a, b))
            assert got.shape == expected.shape == (4,)
            np.testing.assert_allclose(got, expected, rtol=RTOL, atol=ATOL)


def test_dtypes_follow_keras(keras):
    y_true = np.array([[1, 2]])  # integer targets are cast to the predictions' dtype
    y_pred = np.array([[1.5, 2.5]], "float32")
    got = losses.mean_squared_error(y_true, y_pred)
    assert got.dtype == torch.float32
    np.testing.assert_allclose(to_np(got), [0.25])
    f64 = losses.mean_squared_error(
        torch.ones(1, 2), torch.zeros(1, 2, dtype=torch.float64)
    )
    assert f64.dtype == torch.float64
    loss = losses.MeanSquaredError()(
        torch.ones(1, 2, dtype=torch.float64), torch.zeros(1, 2)
    )
    assert loss.dtype == torch.float32
    assert (
        losses.MeanSquaredError(dtype="float64")(y_true, y_pred).dtype == torch.float64
    )
    assert losses.MeanSquaredError(dtype="float64").dtype == "float64"
    assert losses.MeanSquaredError().dtype == keras.losses.MeanSquaredError().dtype
