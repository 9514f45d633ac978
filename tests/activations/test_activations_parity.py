"""Activation functions against keras.activations (torch backend) as oracle."""

import itertools

import numpy as np
import pytest
import torch

from lamina import activations

EDGES = [0.0, -0.0, 1.0, -1.0, 3.0, -3.0, 0.5, -0.5, 6.0, 20.0, -20.0, 1e-4, -1e-4]


def _inputs(shape=(4, 6)):
    torch.manual_seed(1)
    x = torch.randn(*shape) * 4
    x.view(-1)[: len(EDGES)] = torch.tensor(EDGES)
    return x


def _compare(ours, theirs, rtol=1e-6, atol=1e-6):
    theirs = np.asarray(theirs.detach().cpu().numpy())
    ours = ours.detach().cpu().numpy()
    assert ours.dtype == theirs.dtype
    np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=atol)


ELEMENTWISE = [
    "relu", "relu6", "leaky_relu", "elu", "selu", "celu", "gelu", "silu",
    "swish", "hard_silu", "hard_swish", "mish", "squareplus", "sparse_plus",
    "hard_tanh", "hard_shrink", "soft_shrink", "tanh_shrink", "sigmoid",
    "hard_sigmoid", "sparse_sigmoid", "log_sigmoid", "tanh", "softsign",
    "softplus", "exponential", "linear",
]  # fmt: skip


def test_every_keras_activation_exists(keras):
    public = {n for n in dir(keras.activations) if not n.startswith("_")}
    missing = sorted(n for n in public if not hasattr(activations, n))
    assert missing == []
    for name in public - {"get", "serialize", "deserialize"}:
        assert name in activations.ALL_ACTIVATIONS


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_elementwise_matches_keras(keras, name):
    x = _inputs()
    ours = getattr(activations, name)(x.clone())
    theirs = getattr(keras.activations, name)(x.clone())
    _compare(ours, theirs)
    assert ours.shape == x.shape


@pytest.mark.parametrize("name", ["relu", "gelu", "elu", "sigmoid", "softplus"])
def test_float64_kept(keras, name):
    x = _inputs().double()
    ours = getattr(activations, name)(x)
    assert ours.dtype == torch.float64
    _compare(ours, getattr(keras.activations, name)(x), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    ("slope", "max_value", "thr"),
    list(itertools.product([0.0, 0.3], [None, 6.0, 2.5], [0.0, 1.5, -2.0])),
)
def test_relu_arguments(keras, slope, max_value, thr):
    x = _inputs()
    ours = activations.relu(x, negative_slope=slope, max_value=max_value, threshold=thr)
    theirs = keras.activations.relu(
        x, negative_slope=slope, max_value=max_value, threshold=thr
    )
    _compare(ours, theirs)


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("leaky_relu", {"negative_slope": 0.01}),
        ("elu", {"alpha": 0.5}),
        ("celu", {"alpha": 2.0}),
        ("gelu", {"approximate": True}),
        ("squareplus", {"b": 1.5}),
        ("hard_shrink", {"threshold": 1.0}),
        ("soft_shrink", {"threshold": 1.0}),
        ("threshold", {"threshold": 0.5, "default_value": -2.0}),
    ],
)
def test_arguments_match_keras(keras, name, kwargs):
    x = _inputs()
    _compare(
        getattr(activations, name)(x, **kwargs),
        getattr(keras.activations, name)(x, **kwargs),
    )


@pytest.mark.parametrize("name", ["softmax", "log_softmax", "glu"])
@pytest.mark.parametrize("axis", [-1, 0, 1])
def test_axis_functions_match_keras(keras, name, axis):
    x = _inputs((4, 6, 2))
    _compare(
        getattr(activations, name)(x, axis=axis),
        getattr(keras.activations, name)(x, axis=axis),
    )


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_over_several_axes(keras, name):
    x = _inputs((3, 4, 5))
    _compare(
        getattr(activations, name)(x, axis=(0, 2)),
        getattr(keras.activations, name)(x, axis=(0, 2)),
    )


def _sparsemax_reference(z):
    """Projection onto the simplex, by the sorting algorithm, in float64."""
    out = np.empty_like(z, dtype=np.float64)
    for i, row in enumerate(np.asarray(z, dtype=np.float64)):
        s = np.sort(row)[::-1]
        k = np.arange(1, len(row) + 1)
        support = k[1 + k * s > np.cumsum(s)].max()
        tau = (s[:support].sum() - 1) / support
        out[i] = np.maximum(row - tau, 0)
    return out


def test_sparsemax_hand_computed():
    x = torch.tensor([[1.0, 1.2, 0.0], [0.1, 0.2, 0.15], [2.0, 0.5, 0.6]])
    out = activations.sparsemax(x)
    np.testing.assert_allclose(out.numpy(), _sparsemax_reference(x.numpy()), atol=1e-6)
    np.testing.assert_allclose(out.numpy()[0], [0.4, 0.6, 0.0], atol=1e-6)
    np.testing.assert_allclose(out.sum(-1).numpy(), 1.0, atol=1e-6)


def test_sparsemax_axis():
    x = _inputs((3, 5))
    out = activations.sparsemax(x, axis=0)
    ref = _sparsemax_reference(x.numpy().T).T
    np.testing.assert_allclose(out.numpy(), ref, atol=1e-6)


def test_sparsemax_agrees_with_keras_where_keras_is_sound(keras):
    # Keras 3.15's torch sparsemax returns non-simplex outputs for some rows
    # (e.g. [1.0, 1.2, 0.0] -> zeros); compare on rows it gets right.
    x = torch.tensor([[2.0, 0.5, 0.6], [0.0, 0.0, 0.0], [5.0, -1.0, 0.3]])
    _compare(activations.sparsemax(x), keras.activations.sparsemax(x))


def test_glu_odd_size_raises():
    with pytest.raises(ValueError, match=r"must be even. Received: x.shape=\(2, 3\)"):
        activations.glu(torch.ones(2, 3))


def test_accepts_python_lists(keras):
    x = [-10.0, -5.0, 0.0, 5.0, 10.0]
    np.testing.assert_allclose(
        activations.relu(x, threshold=5.0).numpy(), [0, 0, 0, 0, 10]
    )
    _compare(
        activations.relu(x, max_value=5.0), keras.activations.relu(x, max_value=5.0)
    )


def test_gradients_flow():
    x = _inputs().requires_grad_()
    for name in ELEMENTWISE:
        if name == "linear":
            continue
        (grad,) = torch.autograd.grad(getattr(activations, name)(x).sum(), x)
        assert torch.isfinite(grad).all(), name
