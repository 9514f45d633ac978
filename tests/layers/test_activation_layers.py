"""Activation layers (ReLU, LeakyReLU, PReLU, ELU, Softmax) beyond the battery."""

import numpy as np
import pytest
import torch

import lamina
from lamina import layers


def _np(x):
    return x.detach().cpu().numpy()


def test_relu_hand_computed():
    x = np.array([[-2.0, 0.2, 0.5, 3.0]], "float32")
    out = layers.ReLU(max_value=1.0, negative_slope=0.5, threshold=0.4)(x)
    # below the threshold: 0.5 * (x - 0.4); above: x capped at 1.
    np.testing.assert_allclose(_np(out), [[-1.2, -0.1, 0.5, 1.0]], rtol=1e-6)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"max_value": -1.0}, r"`max_value` of a ReLU layer.*max_value=-1.0"),
        ({"negative_slope": -0.1}, r"negative_slope=-0.1"),
        ({"negative_slope": None}, r"negative_slope=None"),
        ({"threshold": -2}, r"`threshold`.*threshold=-2"),
    ],
)
def test_relu_rejects_negative_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        layers.ReLU(**kwargs)


def test_leaky_relu_accepts_deprecated_alpha_with_warning():
    with pytest.warns(UserWarning, match="`alpha` is deprecated"):
        layer = layers.LeakyReLU(alpha=0.5)
    assert layer.negative_slope == 0.5
    assert _np(layer(np.array([[-2.0]], "float32"))).tolist() == [[-1.0]]
    with pytest.raises(ValueError, match="negative_slope=-1"):
        layers.LeakyReLU(negative_slope=-1)


def test_prelu_weight_shape_and_error():
    layer = layers.PReLU(shared_axes=[1, 2])
    layer(np.ones((2, 3, 4, 5), "float32"))
    assert tuple(layer.alpha.shape) == (1, 1, 5)
    assert layer.alpha.path == f"{layer.name}/alpha"
    with pytest.raises(ValueError, match="expected axis"):
        layer(np.ones((2, 3, 4, 6), "float32"))


@pytest.mark.parametrize("mask_shape", [(3, 5), (2, 1, 5), (1, 5), (2, 3, 5)])
def test_softmax_mask_matches_keras(keras, mask_shape):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 3, 5)).astype("float32")
    mask = rng.random(mask_shape) > 0.4
    mask[..., 0] = True
    k = keras.layers.Softmax()(x, mask=mask)
    out = layers.Softmax()(x, mask=mask)
    np.testing.assert_allclose(_np(out), k.detach().cpu().numpy(), atol=1e-6)


def test_softmax_fully_masked_row_is_zero_and_bad_mask_is_refused():
    x = np.ones((1, 2, 3), "float32")
    mask = np.array([[[True, True, False], [False, False, False]]])
    out = _np(layers.Softmax()(x, mask=mask))
    np.testing.assert_allclose(out, [[[0.5, 0.5, 0.0], [0.0, 0.0, 0.0]]])
    with pytest.raises(ValueError, match=r"broadcastable.*mask.shape=\(1, 4\)"):
        layers.Softmax()(x, mask=np.ones((1, 4), bool))


def test_prelu_trains_in_sequential():
    model = lamina.Sequential([lamina.Input((3,)), layers.Dense(4), layers.PReLU()])
    model.compile("sgd", "mse")
    model.fit(np.ones((4, 3)), np.ones((4, 4)), verbose=0)
    assert model.count_params() == 3 * 4 + 4 + 4
    assert torch.any(model.layers[-1].alpha != 0)
