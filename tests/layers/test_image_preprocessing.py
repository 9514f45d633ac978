"""Image preprocessing and augmentation layers: Keras parity where a transform
is deterministic (degenerate factor ranges), statistics of the random draws,
inference-time identity, seeding, and errors."""

import numpy as np
import pytest
import torch

import lamina
from lamina import layers
from lamina.layers.preprocessing._affine import affine_transform
from lamina.layers.preprocessing._affine_layer import rotation_matrix

AUGMENTATIONS = [
    layers.RandomFlip(),
    layers.RandomRotation(0.2),
    layers.RandomZoom(0.3),
    layers.RandomTranslation(0.2, 0.2),
    layers.RandomContrast(0.5),
    layers.RandomBrightness(0.3),
    layers.RandomCrop(4, 4),
]


def _images(n=8, h=6, w=5, seed=0):
    return np.random.default_rng(seed).uniform(0, 255, (n, h, w, 3)).astype("float32")


def _np(x):
    return x.detach().cpu().numpy()


@pytest.mark.parametrize("layer", AUGMENTATIONS, ids=lambda x: type(x).__name__)
def test_augmentations_are_identity_in_predict_and_active_in_training(layer):
    x = _images()
    model = lamina.Sequential([lamina.Input((6, 5, 3)), layer])
    np.testing.assert_array_equal(model.predict(x, verbose=0), x)
    np.testing.assert_array_equal(_np(layer(x, training=False)), x)
    trained = _np(model(x, training=True))
    assert trained.shape[0] == 8
    if trained.shape == x.shape:
        assert not np.allclose(trained, x)


@pytest.mark.parametrize("layer_cls", [layers.RandomFlip, layers.RandomRotation])
def test_seeded_augmentations_repeat_and_direct_call_trains(layer_cls):
    args = () if layer_cls is layers.RandomFlip else (0.3,)
    x = _images()
    a, b = layer_cls(*args, seed=7), layer_cls(*args, seed=7)
    first = _np(a(x))  # a direct call augments, as in Keras
    np.testing.assert_array_equal(first, _np(b(x)))
    assert not np.array_equal(first, _np(a(x)))  # the stream moves on
    gen = a._generator(torch.device("cpu"))
    assert gen.device.type == "cpu"


def test_random_flip_statistics():
    x = np.arange(4, dtype="float32").reshape(1, 1, 4, 1).repeat(2000, 0)
    out = _np(layers.RandomFlip("horizontal", seed=3)(x))
    flipped = out[:, 0, 0, 0] == 3
    assert set(np.unique(out[:, 0, 0, 0])) == {0.0, 3.0}
    assert 0.46 < flipped.mean() < 0.54
    both = _np(layers.RandomFlip(seed=4)(x.reshape(2000, 2, 2, 1)))
    # One draw decides both flips (Keras): corners move together.
    src = x.reshape(2000, 2, 2, 1)[0, :, :, 0]
    assert all(
        np.array_equal(img[:, :, 0], src)
        or np.array_equal(img[:, :, 0], src[::-1, ::-1])
        for img in both
    )


def test_random_rotation_draws_uniform_angles_and_applies_them():
    layer = layers.RandomRotation((-0.1, 0.2), seed=5)
    x = torch.as_tensor(_images(n=3000, h=3, w=3))
    gen = torch.Generator().manual_seed(5)
    angles = -36.0 + 108.0 * torch.rand((3000,), generator=gen)
    assert float(angles.min()) >= -36 and float(angles.max()) <= 72
    assert abs(float(angles.mean()) - 18.0) < 2.0
    want = affine_transform(x, rotation_matrix(angles, 3, 3), "bilinear", "reflect")
    torch.testing.assert_close(layer(x), want)


def test_random_contrast_factor_range_is_keras():
    x = _images(n=500)
    out = _np(layers.RandomContrast(0.5, value_range=(-1e9, 1e9), seed=1)(x))
    mean = x.mean(axis=(1, 2), keepdims=True)
    c = ((out - mean) / (x - mean))[:, 0, 0, 0]
    # Keras 3: a float factor f gives contrast in [1, 1 + f].
    assert c.min() >= 1.0 and c.max() <= 1.5
    assert abs(c.mean() - 1.25) < 0.03


def test_random_brightness_statistics_and_clip():
    x = np.full((4000, 1, 1, 1), 100.0, "float32")
    delta = _np(layers.RandomBrightness(0.2, seed=2)(x))[:, 0, 0, 0] - 100.0
    assert delta.min() >= -51.0 and delta.max() <= 51.0
    assert abs(delta.mean()) < 2.0
    assert abs(delta.std() - 51.0 / np.sqrt(3)) < 2.0
    high = _np(layers.RandomBrightness((0.9, 0.9), seed=2)(x))
    np.testing.assert_array_equal(high, 255.0)


def test_random_zoom_and_translation_offsets_within_range():
    # A one-hot column reveals the horizontal shift of each image.
    x = np.zeros((500, 1, 21, 1), "float32")
    x[:, :, 10] = 1.0
    layer = layers.RandomTranslation(0.0, 0.2, fill_mode="constant", seed=3)
    out = _np(layer(x))[:, 0, :, 0]
    centre = (out * np.arange(21)).sum(1) / out.sum(1)
    shift = centre - 10
    assert np.abs(shift).max() <= 0.2 * 21 + 1e-4
    assert abs(shift.mean()) < 0.5 and shift.std() > 1.5


def test_random_crop_offsets_cover_the_image():
    x = np.arange(10, dtype="float32").reshape(1, 1, 10, 1).repeat(3, 1)
    layer = layers.RandomCrop(1, 3, seed=0)
    starts = {float(_np(layer(x))[0, 0, 0, 0]) for _ in range(200)}
    assert starts == {float(s) for s in range(8)}


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: layers.RandomFlip("diagonal"), "unknown mode argument diagonal"),
        (lambda: layers.RandomRotation(1.5), r"should be a number .*factor=1.5"),
        (lambda: layers.RandomZoom(-1.0), r"height_factor=-1.0"),
        (lambda: layers.RandomContrast(-0.2), r"in the range \[0, 1\]"),
        (lambda: layers.RandomBrightness(0.1, value_range=(1,)), "list of two numbers"),
        (lambda: layers.Resizing(2, 2, interpolation="area"), "interpolation"),
        (lambda: layers.Resizing(2, 2, fill_mode="reflect"), "Only `'constant'`"),
        (
            lambda: layers.Resizing(
                2, 2, crop_to_aspect_ratio=True, pad_to_aspect_ratio=True
            ),
            "Only one of",
        ),
    ],
)
def test_image_layer_argument_errors(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_image_layer_fill_mode_error_and_rank_error():
    with pytest.raises(NotImplementedError, match="Unknown `fill_mode` mirror"):
        layers.RandomRotation(0.1, fill_mode="mirror")
    with pytest.raises(ValueError, match="expects images of rank 3"):
        layers.Resizing(2, 2)(np.ones((2, 3), "float32"))


def test_single_image_and_integer_input():
    img = np.arange(48, dtype="uint8").reshape(4, 4, 3)
    out = layers.Resizing(2, 2)(img)
    assert tuple(out.shape) == (2, 2, 3) and out.dtype == torch.float32
    assert tuple(layers.RandomRotation(0.1)(img).shape) == (4, 4, 3)
