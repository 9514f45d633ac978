"""Equalization, RandomPerspective and MaxNumBoundingBoxes."""

import warnings

import numpy as np
import pytest
import torch

import lamina
from lamina import layers
from lamina.layers.preprocessing._affine import affine_transform
from lamina.layers.preprocessing.random_perspective import homography


def _np(x):
    return x.detach().cpu().numpy()


def _images(n=3, seed=0):
    return np.random.default_rng(seed).uniform(0, 255, (n, 5, 6, 3)).astype("float32")


@pytest.mark.parametrize("kwargs", [{}, {"bins": 16}, {"value_range": (0, 100)}])
def test_equalization_matches_keras(keras, kwargs):
    x = _images() ** 1.3 / 10
    x[..., 2] = 7.0  # one occupied bin: left alone
    with warnings.catch_warnings():  # Keras's own torch deprecation warning
        warnings.simplefilter("ignore")
        k = keras.layers.Equalization(**kwargs)(x)
    out = layers.Equalization(**kwargs)(x)
    np.testing.assert_allclose(_np(out), _np(k), atol=1e-4)
    model = lamina.Sequential([lamina.Input((5, 6, 3)), layers.Equalization(**kwargs)])
    np.testing.assert_array_equal(model.predict(x, verbose=0), x)


def test_perspective_warp_matches_keras_backend_op(keras):
    from keras.src.backend.torch.image import perspective_transform

    x = torch.as_tensor(_images(2))
    start = torch.tensor([[[0.0, 0.0], [5.0, 0.0], [0.0, 4.0], [5.0, 4.0]]]).repeat(
        2, 1, 1
    )
    shift = np.random.default_rng(1).uniform(-0.3, 0.3, (2, 4, 2))
    end = start + start * torch.as_tensor(shift, dtype=torch.float32)
    want = perspective_transform(
        x,
        start,
        end,
        interpolation="bilinear",
        fill_value=2.0,
        data_format="channels_last",
    )
    got = affine_transform(x, homography(start, end), "bilinear", "constant", 2.0, True)
    np.testing.assert_allclose(_np(got), _np(want), atol=1e-4)


def test_random_perspective_statistics_and_identity():
    x = _images(200)
    layer = layers.RandomPerspective(factor=(0.5, 0.5), scale=0.5, seed=0)
    out = _np(layer(x))
    changed = np.any(out != x, axis=(1, 2, 3))
    assert 0.4 < changed.mean() < 0.6
    np.testing.assert_array_equal(out[0, 0, 0], x[0, 0, 0])  # top-left corner stays
    np.testing.assert_array_equal(_np(layer(x, training=False)), x)
    with pytest.raises(ValueError, match=r"`scale` argument .* \[0,1\]"):
        layers.RandomPerspective(scale=2.0)


def test_max_num_bounding_boxes_pads_and_truncates():
    boxes = {
        "boxes": np.ones((2, 3, 4), "float32"),
        "labels": np.ones((2, 3), "float32"),
    }
    data = {"images": np.ones((2, 4, 4, 3), "float32"), "bounding_boxes": boxes}
    padded = layers.MaxNumBoundingBoxes(5, fill_value=-2, bounding_box_format="xyxy")(
        data
    )["bounding_boxes"]
    assert tuple(padded["boxes"].shape) == (2, 5, 4)
    assert _np(padded["labels"])[0].tolist() == [1, 1, 1, -2, -2]
    cut = layers.MaxNumBoundingBoxes(2, bounding_box_format="xyxy")(data)[
        "bounding_boxes"
    ]
    assert tuple(cut["labels"].shape) == (2, 2)
    bad = {
        "images": data["images"],
        "bounding_boxes": {**boxes, "scores": boxes["labels"]},
    }
    with pytest.raises(KeyError, match="unsupported keys in `bounding_boxes`"):
        layers.MaxNumBoundingBoxes(2, bounding_box_format="xyxy")(bad)


@pytest.mark.parametrize(
    ("shape", "kwargs"),
    [
        ((2, 16, 16, 3), {}),
        ((2, 13, 10, 1), {"tile_grid_size": (3, 2)}),
        ((1, 60, 50, 1), {"tile_grid_size": (3, 4), "clip_limit": 9.0}),
        ((1, 9, 11, 3), {"clip_limit": 0, "tile_grid_size": (2, 3)}),
        (
            (2, 8, 8, 3),
            {"value_range": (0, 1), "clip_limit": 2.0, "tile_grid_size": (2, 2)},
        ),
    ],
)
def test_clahe_matches_keras(keras, shape, kwargs):
    x = np.round(np.random.default_rng(0).uniform(0, 255, shape) ** 0.9).astype(
        "float32"
    )
    if kwargs.get("value_range") == (0, 1):
        x = x / 255.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        k = keras.layers.ContrastLimitedAdaptiveHistogramEqualization(**kwargs)(x)
    out = layers.ContrastLimitedAdaptiveHistogramEqualization(**kwargs)(x)
    np.testing.assert_allclose(_np(out), _np(k), atol=1e-4)
