"""Regularizers against keras.regularizers: values, configs, lookups, errors."""

import numpy as np
import pytest
import torch

import lamina
from lamina import backend, regularizers

CASES = [
    ("L1", {}),
    ("L1", {"l1": 0.1}),
    ("L2", {}),
    ("L2", {"l2": 0.3}),
    ("L1L2", {}),
    ("L1L2", {"l1": 0.1, "l2": 0.2}),
    ("L1L2", {"l2": 0.2}),
    ("OrthogonalRegularizer", {}),
    ("OrthogonalRegularizer", {"factor": 0.1, "mode": "columns"}),
]


def _weights(dtype=torch.float32):
    torch.manual_seed(2)
    return torch.randn(4, 6, dtype=dtype)


@pytest.mark.parametrize(("name", "kwargs"), CASES)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_values_match_keras(keras, name, kwargs, dtype):
    x = _weights(dtype)
    ours = getattr(regularizers, name)(**kwargs)(x)
    theirs = getattr(keras.regularizers, name)(**kwargs)(x)
    assert ours.ndim == 0
    assert ours.dtype == dtype
    # Keras computes the orthogonal penalty partly in float32, even for float64.
    float32_inside = dtype == torch.float32 or name == "OrthogonalRegularizer"
    tol = 1e-6 if float32_inside else 1e-12
    np.testing.assert_allclose(ours.numpy(), np.asarray(theirs), rtol=tol, atol=tol)


@pytest.mark.parametrize("scale", [1e-3, 1e-6, 1e-8])
def test_orthogonal_tiny_rows_match_keras(keras, scale):
    x = _weights()
    x[:2] *= scale  # norms near epsilon(): exercises the floor
    ours = regularizers.OrthogonalRegularizer(0.1)(x)
    theirs = keras.regularizers.OrthogonalRegularizer(0.1)(x)
    np.testing.assert_allclose(ours.numpy(), np.asarray(theirs), rtol=1e-5, atol=1e-7)


def test_hand_computed():
    x = torch.tensor([[1.0, -2.0], [3.0, 0.0]])
    assert regularizers.L1(0.5)(x).item() == 3.0
    assert regularizers.L2(0.5)(x).item() == 7.0
    assert regularizers.L1L2(0.5, 0.5)(x).item() == 10.0
    assert regularizers.L1L2()(x).item() == 0.0
    assert regularizers.Regularizer()(x).item() == 0.0
    orthogonal = regularizers.OrthogonalRegularizer(1.0)(torch.eye(3))
    assert orthogonal.item() == 0.0


def test_gradient_flows():
    x = _weights().requires_grad_()
    (grad,) = torch.autograd.grad(regularizers.L1L2(0.1, 0.1)(x), x)
    torch.testing.assert_close(grad, 0.1 * torch.sign(x) + 0.2 * x)


@pytest.mark.parametrize(("name", "kwargs"), CASES)
def test_config_and_serialize_match_keras(keras, name, kwargs):
    ours = getattr(regularizers, name)(**kwargs)
    theirs = getattr(keras.regularizers, name)(**kwargs)
    assert ours.get_config() == theirs.get_config()
    assert regularizers.serialize(ours) == keras.regularizers.serialize(theirs)
    back = keras.regularizers.deserialize(regularizers.serialize(ours))
    assert back.get_config() == theirs.get_config()
    mine = regularizers.deserialize(keras.regularizers.serialize(theirs))
    assert mine.get_config() == ours.get_config()


@pytest.mark.parametrize("name", ["l1", "l2", "L1L2", "l1l2", "orthogonal_regularizer"])
def test_get_by_name_matches_keras(keras, name):
    ours = regularizers.get(name)
    theirs = keras.regularizers.get(name)
    assert type(ours).__name__ == type(theirs).__name__
    assert ours.get_config() == theirs.get_config()


def test_get_other_identifiers():
    assert regularizers.get(None) is None
    assert isinstance(regularizers.get("l1_l2"), regularizers.L1L2)
    assert isinstance(regularizers.get(regularizers.L2), regularizers.L2)
    reg = regularizers.L1(0.2)
    assert regularizers.get(reg) is reg
    assert regularizers.l1 is regularizers.L1
    assert regularizers.l1_l2 is regularizers.L1L2


def test_none_means_default():
    assert regularizers.L2(l2=None).l2 == 0.01
    assert regularizers.L1L2(l1=None, l2=None).get_config() == {"l1": 0.0, "l2": 0.0}


def test_errors():
    with pytest.raises(
        ValueError, match=r"`l1` must be a non-negative float. Received: l1=-1"
    ):
        regularizers.L1(-1)
    with pytest.raises(
        ValueError, match=r"`l2` must be a non-negative float. Received: l2='a'"
    ):
        regularizers.L2("a")
    with pytest.raises(ValueError, match=r"`factor` must be a non-negative"):
        regularizers.OrthogonalRegularizer(factor=-1)
    with pytest.raises(
        ValueError, match=r"`mode` must be 'rows' or 'columns'. Received: mode='x'"
    ):
        regularizers.OrthogonalRegularizer(mode="x")
    with pytest.raises(
        ValueError, match=r"must have rank 2. Received: inputs.shape=\(2, 2, 2\)"
    ):
        regularizers.OrthogonalRegularizer()(torch.ones(2, 2, 2))
    with pytest.raises(
        ValueError, match=r"Unknown regularizer: 'l1_l3'\. Did you mean 'l1_l2'"
    ):
        regularizers.get("l1_l3")
    with pytest.raises(
        ValueError, match=r"Could not interpret regularizer.*identifier=3"
    ):
        regularizers.get(3)


def test_epsilon_is_read_at_call_time():
    x = _weights()
    x[:2] *= 1e-4
    before = regularizers.OrthogonalRegularizer(0.1)(x)
    backend.set_epsilon(1e-2)
    try:
        after = regularizers.OrthogonalRegularizer(0.1)(x)
    finally:
        backend.set_epsilon(1e-7)
    assert not torch.allclose(before, after)


def test_frozen_weights_are_not_regularized_as_in_keras():
    keras = pytest.importorskip("keras")
    counts = []
    for lib in (lamina, keras):
        dense = lib.layers.Dense(2, kernel_regularizer="l2", bias_regularizer="l1")
        model = lib.Sequential([lib.Input((3,)), dense])
        row = [len(model.losses)]
        dense.trainable = False
        row.append(len(model.losses))
        dense.trainable = True
        row.append(len(model.losses))
        frozen = lib.Sequential(
            [
                lib.Input((3,)),
                lib.layers.Dense(2, kernel_regularizer="l2", trainable=False),
            ]
        )
        row.append(len(frozen.losses))
        counts.append(row)
    assert counts[0] == counts[1] == [2, 0, 2, 0]
