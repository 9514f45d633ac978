"""Colour and mixing augmentations: RandomGrayscale, RandomInvert,
Solarization, AutoContrast, RandomPosterization, RandomShear and MixUp."""

import numpy as np
import pytest
import torch

import lamina
from lamina import layers


def _np(x):
    return x.detach().cpu().numpy()


def _images(n=6, seed=0):
    return np.random.default_rng(seed).uniform(0, 255, (n, 4, 5, 3)).astype("float32")


def test_grayscale_matches_keras_and_rate(keras):
    x = _images()
    k = keras.layers.RandomGrayscale(factor=1.0)(x, training=True)
    np.testing.assert_allclose(_np(layers.RandomGrayscale(1.0)(x)), _np(k), rtol=1e-6)
    out = _np(layers.RandomGrayscale(0.3, seed=1)(np.repeat(x[:1], 2000, 0)))
    gray = np.all(out[..., 0] == out[..., 1], axis=(1, 2))
    assert 0.26 < gray.mean() < 0.34


def test_invert_matches_keras_when_certain(keras):
    x = _images()
    k = keras.layers.RandomInvert(factor=(1.0, 1.0), value_range=(0, 255))
    lay = layers.RandomInvert(factor=(1.0, 1.0))
    np.testing.assert_allclose(_np(lay(x)), _np(k(x, training=True)), rtol=1e-6)
    np.testing.assert_array_equal(_np(lay(x, training=False)), x)


@pytest.mark.parametrize("value_range", [(0, 255), (0.0, 1.0)])
def test_solarization_matches_keras_at_zero_threshold(keras, value_range):
    x = _images() * (value_range[1] / 255.0)
    k = keras.layers.Solarization(value_range=value_range)(x, training=True)
    out = layers.Solarization(value_range=value_range)(x)
    np.testing.assert_allclose(_np(out), _np(k), rtol=1e-5, atol=1e-5)


def test_solarization_threshold_statistics():
    # Keras draws thresholds from [lower, upper * 255]: here [0.2, 0.6 * 255].
    x = np.full((3000, 1, 1, 1), 100.0, "float32")
    out = _np(layers.Solarization(threshold_factor=(0.2, 0.6), seed=0)(x)).ravel()
    kept = (out == 100.0).mean()  # threshold > 100: probability ~ (153-100)/152.8
    assert abs(kept - (153.0 - 100.0) / 152.8) < 0.03
    assert set(np.unique(out)) == {100.0, 155.0}


@pytest.mark.parametrize("value_range", [(0, 255), (0.0, 1.0)])
def test_auto_contrast_matches_keras(keras, value_range):
    x = _images() * (value_range[1] / 255.0)
    x[0, ..., 1] = 0.5  # a constant channel is left as it was
    k = keras.layers.AutoContrast(value_range=value_range)(x)
    np.testing.assert_allclose(
        _np(layers.AutoContrast(value_range=value_range)(x)), _np(k), rtol=1e-5
    )


def test_posterization_matches_keras_for_fixed_bits(keras):
    x = _images()
    for bits in (1, 3, 8):
        k = keras.layers.RandomPosterization(factor=(bits, bits))(x, training=True)
        out = layers.RandomPosterization(factor=(bits, bits))(x)
        np.testing.assert_array_equal(_np(out), _np(k))
    drawn = layers.RandomPosterization(4, seed=0)._bits(torch.zeros(3000))
    assert set(drawn.tolist()) == {1, 2, 3}


def test_shear_matrix_statistics_and_identity():
    layer = layers.RandomShear(x_factor=0.3, y_factor=(0.1, 0.2), seed=0)
    m = layer._matrix(torch.zeros(4000, 3, 3, 1))
    sx, sy = m[:, 1], m[:, 3]
    assert float(sx.abs().max()) <= 0.3 and float(sy.abs().min()) >= 0.1
    assert 0.45 < float((sy < 0).float().mean()) < 0.55
    x = _images()
    model = lamina.Sequential([lamina.Input((4, 5, 3)), layer])
    np.testing.assert_array_equal(model.predict(x, verbose=0), x)


def test_mixup_mixes_images_and_labels_consistently():
    x = np.arange(8, dtype="float32").reshape(8, 1, 1, 1) * np.ones(
        (1, 2, 2, 3), "float32"
    )
    labels = np.eye(8, dtype="float32")
    out = layers.MixUp(alpha=0.5, seed=3)({"images": x, "labels": labels})
    imgs, mixed = _np(out["images"]), _np(out["labels"])
    # Each mixed image equals its label's weighted index average.
    np.testing.assert_allclose(imgs[:, 0, 0, 0], mixed @ np.arange(8), rtol=1e-5)
    np.testing.assert_allclose(mixed.sum(1), 1.0, rtol=1e-6)
    again = layers.MixUp(alpha=0.5, seed=3)({"images": x, "labels": labels})
    np.testing.assert_array_equal(_np(again["labels"]), mixed)
    assert torch.equal(
        layers.MixUp()(torch.as_tensor(x), training=False), torch.as_tensor(x)
    )


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: layers.RandomGrayscale(1.5), "between 0 and 1"),
        (lambda: layers.Solarization(threshold_factor=2.0), "threshold_factor=2.0"),
        (lambda: layers.AutoContrast(value_range=(1,)), "list of two numbers"),
        (lambda: layers.RandomShear(x_factor=(0.1, 1.2)), "x_factor"),
        (lambda: layers.RandomPosterization(9), "factor=9"),
    ],
)
def test_color_layer_errors(make, match):
    with pytest.raises(ValueError, match=match):
        make()
