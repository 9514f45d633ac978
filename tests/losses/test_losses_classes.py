"""Loss classes against `keras.losses`: every reduction, sample weights, masks."""

import numpy as np
import pytest
import torch
from _losses_data import make_data, softmax, to_np

from lamina import losses

RTOL, ATOL = 1e-5, 1e-6
REDUCTIONS = [
    "sum_over_batch_size",
    "sum",
    "mean",
    "mean_with_sample_weight",
    "none",
    None,
]
MAIN_REDUCTIONS = ["sum_over_batch_size", "sum", "mean_with_sample_weight", "none"]

# (class name, kwargs, data kind)
CLASS_CASES = [
    ("MeanSquaredError", {}, "reg"),
    ("MeanAbsoluteError", {}, "reg"),
    ("MeanAbsolutePercentageError", {}, "reg"),
    ("MeanSquaredLogarithmicError", {}, "pos"),
    ("Huber", {"delta": 0.5}, "reg"),
    ("LogCosh", {}, "reg"),
    ("CosineSimilarity", {}, "reg"),
    ("KLDivergence", {}, "prob"),
    ("Poisson", {}, "pos"),
    ("Hinge", {}, "binary"),
    ("SquaredHinge", {}, "pm1"),
    ("CategoricalHinge", {}, "onehot"),
    ("BinaryCrossentropy", {}, "binary"),
    (
        "BinaryCrossentropy",
        {"from_logits": True, "label_smoothing": 0.1},
        "soft_binary",
    ),
    ("BinaryFocalCrossentropy", {"apply_class_balancing": True}, "binary"),
    ("BinaryFocalCrossentropy", {"from_logits": True, "gamma": 3.0}, "soft_binary"),
    ("CategoricalCrossentropy", {"label_smoothing": 0.2}, "onehot"),
    ("CategoricalCrossentropy", {"from_logits": True}, "onehot_logits"),
    ("CategoricalFocalCrossentropy", {}, "onehot"),
    (
        "CategoricalFocalCrossentropy",
        {"from_logits": True, "alpha": 0.7},
        "onehot_logits",
    ),
    ("Dice", {}, "binary"),
    ("Dice", {"axis": 1}, "binary"),  # rank-2 only: see _skip
    ("Tversky", {"alpha": 0.2, "beta": 0.8}, "binary"),
]
# (y shape, sample weights to try)
WEIGHT_CASES = [
    ((4, 3), [None, [1.0, 0.0, 2.0, 0.5], [[1.0], [0.0], [2.0], [0.5]], 3.0]),
    (
        (2, 3, 5),
        [None, [[1.0, 0.0, 2.0], [0.5, 1.5, 1.0]], [[[1.0], [2.0], [0.0]]] * 2],
    ),
]


def _skip(name, kwargs, shape):
    """Dice over axis 1 of a rank-3 batch leaves (batch, d): no per-timestep weights."""
    return name == "Dice" and "axis" in kwargs and len(shape) == 3


def _compare(k_loss, l_loss, y_true, y_pred, sw, tag):
    expected = to_np(k_loss(y_true, y_pred, sample_weight=sw))
    sw_t = None if sw is None else torch.as_tensor(np.asarray(sw, "float32"))
    got = l_loss(torch.from_numpy(y_true), torch.from_numpy(y_pred), sample_weight=sw_t)
    assert tuple(got.shape) == expected.shape, tag
    np.testing.assert_allclose(to_np(got), expected, rtol=RTOL, atol=ATOL, err_msg=tag)


@pytest.mark.parametrize(
    ("name", "kwargs", "kind"),
    CLASS_CASES,
    ids=[f"{c[0]}-{i}" for i, c in enumerate(CLASS_CASES)],
)
def test_class_matches_keras(keras, name, kwargs, kind):
    rng = np.random.default_rng(len(name))
    for shape, weights in WEIGHT_CASES:
        if _skip(name, kwargs, shape):
            continue
        y_true, y_pred = make_data(kind, shape, rng)
        for reduction in MAIN_REDUCTIONS:  # "mean" and None: test_reduction_aliases
            k_loss = getattr(keras.losses, name)(reduction=reduction, **kwargs)
            l_loss = getattr(losses, name)(reduction=reduction, **kwargs)
            for sw in weights:
                _compare(k_loss, l_loss, y_true, y_pred, sw, (shape, reduction, sw))


@pytest.mark.parametrize(
    "name", ["MeanSquaredError", "Huber", "BinaryCrossentropy", "Hinge"]
)
def test_rank_one_targets_against_column_predictions(keras, name):
    rng = np.random.default_rng(0)
    y_true = (rng.uniform(size=(5,)) > 0.5).astype("float32")
    y_pred = rng.uniform(0.05, 0.95, size=(5, 1)).astype("float32")
    for reduction in ("sum_over_batch_size", "none"):
        k_loss = getattr(keras.losses, name)(reduction=reduction)
        l_loss = getattr(losses, name)(reduction=reduction)
        for sw in (None, np.arange(5, dtype="float32"), np.ones((5, 1), "float32")):
            _compare(k_loss, l_loss, y_true, y_pred, sw, (reduction, sw))
            _compare(k_loss, l_loss, y_pred, y_true, sw, (reduction, sw, "swapped"))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(
    ("kwargs", "shape"),
    [
        ({}, (6, 4)),
        ({"from_logits": True}, (6, 4)),
        ({"from_logits": True, "ignore_class": 1}, (6, 4)),
        ({"ignore_class": -1}, (2, 3, 4)),
        ({"ignore_class": 0, "from_logits": True}, (2, 3, 4)),
    ],
)
def test_sparse_categorical_crossentropy_class(keras, reduction, kwargs, shape):
    rng = np.random.default_rng(3)
    logits = rng.standard_normal(shape).astype("float32")
    y_pred = logits if kwargs.get("from_logits") else softmax(logits)
    labels = rng.integers(0, shape[-1], shape[:-1]).astype("float32")
    if "ignore_class" in kwargs:
        labels.flat[::3] = kwargs["ignore_class"]
    k_loss = keras.losses.SparseCategoricalCrossentropy(reduction=reduction, **kwargs)
    l_loss = losses.SparseCategoricalCrossentropy(reduction=reduction, **kwargs)
    sw_full = rng.uniform(size=shape[:-1]).astype("float32")
    weights = [None, sw_full]
    if "ignore_class" not in kwargs:  # Keras fails on (batch, 1) weights with a mask
        weights.append(sw_full.reshape(shape[0], -1)[:, :1])
    for sw in weights:
        _compare(k_loss, l_loss, labels, y_pred, sw, sw)
        _compare(k_loss, l_loss, labels[..., None], y_pred, sw, sw)


def test_generalized_cross_entropy_class(keras):
    rng = np.random.default_rng(4)
    labels = torch.from_numpy(rng.integers(0, 3, (5,)))
    probs = torch.from_numpy(softmax(rng.standard_normal((5, 3)).astype("float32")))
    sw = torch.tensor([1.0, 0.0, 2.0, 1.0, 0.5])
    for reduction in REDUCTIONS:
        k = keras.losses.CategoricalGeneralizedCrossEntropy(q=0.3, reduction=reduction)
        lam = losses.CategoricalGeneralizedCrossEntropy(q=0.3, reduction=reduction)
        for w in (None, sw):
            expected = to_np(k(labels, probs, sample_weight=w))
            np.testing.assert_allclose(
                to_np(lam(labels, probs, sample_weight=w)), expected, rtol=RTOL
            )


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_keras_mask_of_predictions(keras, reduction):
    y_true = np.ones((2, 3, 4), "float32")
    y_pred = np.random.default_rng(5).uniform(size=(2, 3, 4)).astype("float32")
    mask = torch.tensor([[True, False, True], [True, True, False]])
    sw = np.array([[1.0, 2.0, 0.5], [0.0, 1.0, 3.0]], "float32")
    for w in (None, sw):
        k_pred = torch.from_numpy(y_pred.copy())
        k_pred._keras_mask = mask
        expected = keras.losses.MeanSquaredError(reduction=reduction)(
            y_true, k_pred, sample_weight=w
        )
        l_pred = torch.from_numpy(y_pred.copy())
        l_pred._keras_mask = mask
        got = losses.MeanSquaredError(reduction=reduction)(
            y_true, l_pred, sample_weight=w
        )
        np.testing.assert_allclose(to_np(got), to_np(expected), rtol=RTOL, atol=ATOL)


def test_fully_masked_batch_gives_zero():
    y_pred = torch.rand(2, 3, 4)
    y_pred._keras_mask = torch.zeros(2, 3, dtype=torch.bool)
    assert float(losses.MeanSquaredError()(torch.zeros(2, 3, 4), y_pred)) == 0.0


def test_sparse_labels_stay_integers_through_float_classes():
    labels = np.array([0, 2, 1])
    logits = torch.tensor([[2.0, 0.0, 0.0], [0.0, 0.0, 3.0], [0.0, 1.0, 0.0]])
    got = losses.SparseCategoricalCrossentropy(from_logits=True, reduction="none")(
        labels, logits
    )
    expected = -torch.log_softmax(logits, -1)[torch.arange(3), torch.tensor(labels)]
    torch.testing.assert_close(got, expected)


def test_edge_shapes_match_keras(keras):
    k, lam = keras.losses.MeanSquaredError(), losses.MeanSquaredError()
    for y_true, y_pred in (
        (np.array([1.0, 2.0]), np.array([2.0, 2.0])),  # per-sample value is a scalar
        (np.array(1.0), np.array(2.0)),
        (np.zeros((0, 2)), np.zeros((0, 2))),
    ):
        np.testing.assert_allclose(to_np(lam(y_true, y_pred)), to_np(k(y_true, y_pred)))
        assert tuple(lam(y_true, y_pred).shape) == tuple(k(y_true, y_pred).shape)


def test_numpy_integer_inputs_are_cast(keras):
    y_true = np.array([[1, 2], [3, 4]])
    y_pred = np.array([[1.5, 2.5], [2.0, 4.0]])
    got = losses.MeanAbsoluteError()(y_true, y_pred, sample_weight=np.array([1, 2]))
    expected = keras.losses.MeanAbsoluteError()(
        y_true, y_pred, sample_weight=np.array([1, 2])
    )
    assert got.dtype == torch.float32
    np.testing.assert_allclose(to_np(got), to_np(expected), rtol=RTOL)
