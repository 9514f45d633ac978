"""RandomSaturation, RandomHue, RandomColorDegeneration, RandomSharpness and
RandomColorJitter."""

import numpy as np
import pytest
import torch

import lamina
from lamina import layers
from lamina.layers.preprocessing._color import hsv_to_rgb, rgb_to_hsv


def _np(x):
    return x.detach().cpu().numpy()


def _images(n=4, seed=0):
    return np.random.default_rng(seed).uniform(0, 255, (n, 5, 6, 3)).astype("float32")


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("RandomSaturation", {"factor": (0.3, 0.3)}),
        ("RandomSaturation", {"factor": (0.8, 0.8)}),
        ("RandomColorDegeneration", {"factor": (0.4, 0.4)}),
        ("RandomSharpness", {"factor": (0.2, 0.2)}),
        ("RandomSharpness", {"factor": (0.9, 0.9), "value_range": (0.0, 200.0)}),
        ("RandomHue", {"factor": (0.0, 0.0)}),
    ],
)
def test_fixed_factor_outputs_match_keras(keras, name, kwargs):
    x = _images()
    k = getattr(keras.layers, name)(**kwargs)(x, training=True)
    out = getattr(layers, name)(**kwargs)(x)
    np.testing.assert_allclose(_np(out), _np(k), rtol=1e-5, atol=1e-4)


def test_hsv_round_trip():
    x = torch.rand(3, 4, 4, 3)
    torch.testing.assert_close(hsv_to_rgb(rgb_to_hsv(x)), x, rtol=1e-5, atol=1e-6)


def test_hue_shift_is_plus_or_minus_half_factor():
    x = torch.as_tensor(_images(n=200)) / 255.0
    out = layers.RandomHue((0.4, 0.4), value_range=(0, 1), seed=1)(x)
    hsv = rgb_to_hsv(x)
    signs = []
    for sign in (1.0, -1.0):
        shifted = hsv.clone()
        shifted[..., 0] = torch.remainder(shifted[..., 0] + sign * 0.2, 1.0)
        want = hsv_to_rgb(shifted).clamp(0, 1)
        signs.append((out - want).abs().amax(dim=(1, 2, 3)) < 1e-4)
    assert bool((signs[0] | signs[1]).all())
    assert 0.4 < float(signs[0].float().mean()) < 0.6


def test_color_jitter_applies_parts_in_training_only():
    x = _images()
    layer = layers.RandomColorJitter(
        brightness_factor=(0.1, 0.1), saturation_factor=(0.5, 0.5), seed=0
    )
    bright = np.clip(x + 0.1 * 255, 0, 255)
    np.testing.assert_allclose(_np(layer(x)), bright, rtol=1e-5, atol=1e-3)
    model = lamina.Sequential([lamina.Input((5, 6, 3)), layer])
    np.testing.assert_array_equal(model.predict(x, verbose=0), x)
    assert layer.get_config()["saturation_factor"] == (0.5, 0.5)


def test_hsv_layer_errors():
    with pytest.raises(ValueError, match=r"in the range \[0, 1\]"):
        layers.RandomHue(1.5)
    with pytest.raises(ValueError, match="list of two numbers"):
        layers.RandomSaturation(0.5, value_range=3)
    with pytest.raises(ValueError, match=r"in the range \[0, 1\]"):
        layers.RandomSharpness(-0.5)
