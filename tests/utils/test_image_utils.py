"""load_img, img_to_array, array_to_img, save_img, smart_resize against Keras."""

import io

import numpy as np
import pytest
import torch

import lamina
from lamina.utils import array_to_img, img_to_array, load_img, save_img
from lamina.utils.image_utils import smart_resize

PIL = pytest.importorskip("PIL.Image")


@pytest.fixture
def png(tmp_path):
    rng = np.random.default_rng(0)
    path = tmp_path / "img.png"
    PIL.fromarray(rng.integers(0, 255, (6, 10, 4), dtype=np.uint8), "RGBA").save(path)
    return path


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"color_mode": "grayscale"},
        {"color_mode": "rgba", "target_size": (3, 4)},
        {"target_size": (4, 4), "interpolation": "bilinear"},
        {"target_size": (4, 4), "interpolation": "bicubic", "keep_aspect_ratio": True},
        {"target_size": (5, 3), "keep_aspect_ratio": True},
    ],
)
def test_load_img_and_img_to_array_match_keras(keras, png, kwargs):
    ours = img_to_array(load_img(png, **kwargs))
    theirs = keras.utils.img_to_array(keras.utils.load_img(png, **kwargs))
    assert ours.dtype == theirs.dtype == np.float32
    np.testing.assert_array_equal(ours, theirs)
    ours_cf = img_to_array(load_img(png, **kwargs), data_format="channels_first")
    np.testing.assert_array_equal(
        ours_cf, keras.utils.img_to_array(theirs, data_format="channels_first")
    )


def test_load_img_from_bytes_and_errors(png):
    img = load_img(io.BytesIO(png.read_bytes()), color_mode="rgb")
    assert img.mode == "RGB" and img.size == (10, 6)
    with pytest.raises(ValueError, match="Invalid interpolation method cubic"):
        load_img(png, target_size=(2, 2), interpolation="cubic")
    with pytest.raises(ValueError, match='color_mode must be "grayscale"'):
        load_img(png, color_mode="cmyk")
    with pytest.raises(TypeError, match="path should be path-like"):
        load_img(3)


@pytest.mark.parametrize(
    ("shape", "kwargs"),
    [
        ((4, 5, 3), {}),
        ((4, 5, 1), {}),
        ((4, 5, 4), {"scale": False}),
        ((3, 4, 5), {"data_format": "channels_first"}),
    ],
)
def test_array_to_img_matches_keras(keras, shape, kwargs):
    x = np.random.default_rng(1).uniform(-2, 300, shape).astype("float32")
    if kwargs.get("scale") is False:  # unscaled values must already fit 0-255
        x = np.clip(x, 0, 255)
    ours = array_to_img(x, **kwargs)
    theirs = keras.utils.array_to_img(x, **kwargs)
    assert ours.mode == theirs.mode and ours.size == theirs.size
    np.testing.assert_array_equal(np.asarray(ours), np.asarray(theirs))


def test_array_to_img_errors():
    with pytest.raises(ValueError, match="Expected image array to have rank 3"):
        array_to_img(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="Unsupported channel number: 2"):
        array_to_img(np.zeros((2, 2, 2)))


def test_save_img_round_trips_and_warns_for_rgba_jpeg(tmp_path):
    x = np.random.default_rng(2).integers(0, 255, (4, 6, 3)).astype("float32")
    save_img(tmp_path / "a.png", x, scale=False)
    np.testing.assert_array_equal(img_to_array(load_img(tmp_path / "a.png")), x)
    with pytest.warns(UserWarning, match="JPEG format does not support RGBA"):
        save_img(tmp_path / "b.jpg", np.zeros((4, 4, 4)))
    assert load_img(tmp_path / "b.jpg").size == (4, 4)


@pytest.mark.parametrize(
    ("shape", "size", "kwargs"),
    [
        ((6, 10, 3), (4, 4), {}),
        ((2, 6, 10, 3), (3, 5), {}),
        ((6, 10, 3), (4, 4), {"interpolation": "nearest"}),
        ((3, 6, 10), (4, 4), {"data_format": "channels_first"}),
    ],
)
def test_smart_resize_matches_keras(keras, shape, size, kwargs):
    x = np.random.default_rng(3).uniform(0, 255, shape).astype("float32")
    ours = smart_resize(x, size, **kwargs)
    theirs = keras.preprocessing.image.smart_resize(x, size, **kwargs)
    assert isinstance(ours, np.ndarray) and ours.shape == np.asarray(theirs).shape
    np.testing.assert_allclose(ours, np.asarray(theirs), rtol=1e-5, atol=1e-3)
    assert torch.is_tensor(smart_resize(torch.from_numpy(x), size, **kwargs))
    assert lamina.preprocessing.image.smart_resize is smart_resize
