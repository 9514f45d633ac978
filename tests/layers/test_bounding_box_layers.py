"""Image layers on dict inputs: bounding boxes and segmentation masks follow the
images as in Keras (Resizing, MaxNumBoundingBoxes, RandomFlip, CenterCrop,
RandomCrop, RandomTranslation, RandomRotation, RandomZoom)."""

import warnings

import numpy as np
import pytest
import torch

from lamina import layers


def _np(x):
    return np.asarray(x.detach().cpu()) if isinstance(x, torch.Tensor) else x


def _data(batched=True, channels_first=False, seed=0):
    rng = np.random.default_rng(seed)
    images = rng.uniform(0, 255, (2, 8, 10, 3)).astype("float32")
    masks = rng.integers(0, 3, (2, 8, 10, 1)).astype("uint8")
    boxes = np.array(
        [
            [[1, 2, 5, 6], [0, 0, 9, 7], [-1, -1, -1, -1]],
            [[2, 1, 4, 3], [6, 4, 12, 9], [0, 0, 0, 0]],
        ],
        "float32",
    )
    labels = np.array([[1, 2, -1], [3, 4, -1]], "int32")
    if channels_first:
        images, masks = images.transpose(0, 3, 1, 2), masks.transpose(0, 3, 1, 2)
    data = {
        "images": images,
        "bounding_boxes": {"boxes": boxes, "labels": labels},
        "segmentation_masks": masks,
        "labels": np.array([0, 1]),
    }
    if not batched:
        data = {
            "images": images[1],
            "bounding_boxes": {"boxes": boxes[1], "labels": labels[1]},
            "segmentation_masks": masks[1],
            "labels": np.array(1),
        }
    return data


def _copy(data):
    return {k: _copy(v) if isinstance(v, dict) else np.copy(v) for k, v in data.items()}


def _assert_same(ours, theirs, atol=1e-5):
    assert sorted(ours) == sorted(theirs)
    for key in theirs:
        if isinstance(theirs[key], dict):
            _assert_same(ours[key], theirs[key], atol)
            continue
        a, b = _np(ours[key]), _np(theirs[key])
        assert a.shape == b.shape, key
        assert a.dtype == b.dtype, (key, a.dtype, b.dtype)
        np.testing.assert_allclose(a.astype("float64"), b.astype("float64"), atol=atol)


def _keras_call(layer, data, **kwargs):
    with warnings.catch_warnings():  # Keras's own torch deprecation warnings
        warnings.simplefilter("ignore")
        return layer(_copy(data), **kwargs)


def _both(keras, name, *args, data=None, training=True, **kwargs):
    data = _data() if data is None else data
    theirs = _keras_call(
        getattr(keras.layers, name)(*args, **kwargs), data, training=training
    )
    ours = getattr(layers, name)(*args, **kwargs)(_copy(data), training=training)
    return ours, theirs


@pytest.mark.parametrize("batched", [True, False])
@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"pad_to_aspect_ratio": True},
        {"crop_to_aspect_ratio": True},
        {"pad_to_aspect_ratio": True, "bounding_box_format": "rel_xyxy"},
        {"crop_to_aspect_ratio": True, "bounding_box_format": "center_xywh"},
        {"interpolation": "nearest", "bounding_box_format": "xywh"},
    ],
)
@pytest.mark.parametrize("size", [(4, 6), (6, 6), (12, 5)])
def test_resizing_matches_keras(keras, batched, kwargs, size):
    kwargs = {"bounding_box_format": "xyxy", **kwargs}
    data = _data(batched)
    if kwargs["bounding_box_format"] != "xyxy":  # boxes given in that format
        data["bounding_boxes"]["boxes"] = _np(
            keras.utils.bounding_boxes.convert_format(
                data["bounding_boxes"]["boxes"],
                "xyxy",
                kwargs["bounding_box_format"],
                height=8,
                width=10,
            )
        )
    for training in (True, False):  # Resizing resizes boxes in inference too
        ours, theirs = _both(
            keras, "Resizing", *size, data=data, training=training, **kwargs
        )
        _assert_same(ours, theirs, atol=1e-4)


def test_resizing_channels_first_and_box_follows_pixels(keras):
    data = _data(channels_first=True)
    kwargs = {"bounding_box_format": "xyxy", "data_format": "channels_first"}
    ours, theirs = _both(keras, "Resizing", 4, 5, data=data, **kwargs)
    _assert_same(ours, theirs, atol=1e-4)
    # A white rectangle on black, resized 2x with nearest: the box covers it.
    image = np.zeros((1, 6, 8, 1), "float32")
    image[0, 1:4, 2:7] = 1.0
    layer = layers.Resizing(12, 16, interpolation="nearest", bounding_box_format="xyxy")
    out = layer(
        {
            "images": image,
            "bounding_boxes": {"boxes": [[[2.0, 1.0, 7.0, 4.0]]], "labels": [[0]]},
        }
    )
    rows, cols = np.nonzero(_np(out["images"])[0, ..., 0])
    box = [cols.min(), rows.min(), cols.max() + 1, rows.max() + 1]
    np.testing.assert_allclose(_np(out["bounding_boxes"]["boxes"])[0, 0], box)


@pytest.mark.parametrize("batched", [True, False])
@pytest.mark.parametrize("max_number", [2, 3, 5])
def test_max_num_bounding_boxes_matches_keras(keras, batched, max_number):
    kwargs = {"bounding_box_format": "xyxy"}
    ours, theirs = _both(
        keras, "MaxNumBoundingBoxes", max_number, data=_data(batched), **kwargs
    )
    _assert_same(ours, theirs)
    assert tuple(ours["bounding_boxes"]["labels"].shape)[-1] == max_number
    config = layers.MaxNumBoundingBoxes(max_number, **kwargs).get_config()
    k_config = keras.layers.MaxNumBoundingBoxes(max_number, **kwargs).get_config()
    assert {**config, "name": ""} == {**k_config, "name": ""}


def test_max_num_bounding_boxes_keeps_a_non_default_fill_value():
    layer = layers.MaxNumBoundingBoxes(4, fill_value=-7, bounding_box_format="xyxy")
    clone = layers.MaxNumBoundingBoxes.from_config(layer.get_config())
    out = clone(_data())["bounding_boxes"]
    assert _np(out["labels"])[0].tolist() == [1, 2, -1, -7]


def _flipped(before, after):
    """Which images of a batch `after` shows flipped (horizontal and vertical)."""
    same = [np.allclose(a, b) for a, b in zip(after, before)]
    flip = [np.allclose(a, b[::-1, ::-1]) for a, b in zip(after, before)]
    assert all(s != f for s, f in zip(same, flip))
    return np.array(flip)


@pytest.mark.parametrize("fmt", ["xyxy", "rel_xyxy", "yxyx"])
@pytest.mark.parametrize("mode", ["horizontal", "vertical", "horizontal_and_vertical"])
def test_random_flip_boxes_match_keras_for_the_same_flips(keras, fmt, mode):
    data = _data()
    data["images"] = np.concatenate([data["images"]] * 4)  # 8 images: both outcomes
    data["segmentation_masks"] = np.concatenate([data["segmentation_masks"]] * 4)
    for key in ("boxes", "labels"):
        data["bounding_boxes"][key] = np.concatenate([data["bounding_boxes"][key]] * 4)
    data["labels"] = np.arange(8)
    data["bounding_boxes"]["boxes"] = _np(
        keras.utils.bounding_boxes.convert_format(
            data["bounding_boxes"]["boxes"], "xyxy", fmt, height=8, width=10
        )
    )
    layer = layers.RandomFlip(mode, seed=3, bounding_box_format=fmt)
    ours = layer(_copy(data))
    flips = _np(layer._draw(torch.zeros(8, 1, 1, 1), True))  # not the same draw
    assert flips.shape == (8, 1, 1, 1)
    # The images tell which were flipped; Keras transforms boxes for those flips.
    if mode == "horizontal_and_vertical":
        flip = _flipped(data["images"], _np(ours["images"]))
    else:
        axis = 1 if mode == "horizontal" else 0
        flip = np.array(
            [
                not np.allclose(a, b) or np.allclose(b, np.flip(b, axis))
                for a, b in zip(_np(ours["images"]), data["images"])
            ]
        )
    assert 0 < flip.sum() < 8
    k_layer = keras.layers.RandomFlip(mode, bounding_box_format=fmt)
    transformation = {
        "flips": torch.as_tensor(flip.reshape(8, 1, 1, 1)),
        "input_shape": (8, 8, 10, 3),
    }
    k_boxes = k_layer.transform_bounding_boxes(
        {k: torch.as_tensor(v) for k, v in data["bounding_boxes"].items()},
        transformation,
    )
    _assert_same(ours["bounding_boxes"], k_boxes)
    k_masks = k_layer.transform_segmentation_masks(
        torch.as_tensor(data["segmentation_masks"]), transformation
    )
    _assert_same({"m": ours["segmentation_masks"]}, {"m": k_masks})


def test_random_flip_unbatched_and_inference_match_keras(keras):
    data = _data(batched=False)
    kwargs = {"bounding_box_format": "xyxy"}
    ours, theirs = _both(
        keras, "RandomFlip", "horizontal", data=data, training=False, **kwargs
    )
    _assert_same(ours, theirs)
    for seed in range(4):  # both outcomes of the draw
        ours = layers.RandomFlip("horizontal", seed=seed, **kwargs)(_copy(data))
        flipped = not np.allclose(_np(ours["images"]), data["images"])
        k_boxes = keras.layers.RandomFlip(
            "horizontal", **kwargs
        ).transform_single_bounding_box(
            {k: torch.as_tensor(v) for k, v in data["bounding_boxes"].items()},
            {"flips": torch.tensor([[[flipped]]]), "input_shape": (8, 10, 3)},
        )
        _assert_same(ours["bounding_boxes"], k_boxes)
        assert tuple(ours["bounding_boxes"]["boxes"].shape) == (3, 4)


def test_random_flip_box_follows_the_pixels():
    image = np.zeros((6, 1, 7, 9, 1), "float32").reshape(6, 7, 9, 1)
    image[:, 1:3, 2:6] = 1.0
    boxes = np.tile(np.array([[[2.0, 1.0, 6.0, 3.0]]], "float32"), (6, 1, 1))
    layer = layers.RandomFlip(seed=0, bounding_box_format="xyxy")
    out = layer(
        {
            "images": image,
            "bounding_boxes": {"boxes": boxes, "labels": np.zeros((6, 1))},
        }
    )
    for img, box in zip(_np(out["images"]), _np(out["bounding_boxes"]["boxes"])):
        rows, cols = np.nonzero(img[..., 0])
        np.testing.assert_allclose(
            box[0], [cols.min(), rows.min(), cols.max() + 1, rows.max() + 1]
        )


@pytest.mark.parametrize("batched", [True, False])
@pytest.mark.parametrize("size", [(6, 6), (4, 9), (12, 6), (8, 12)])
@pytest.mark.parametrize("fmt", ["xyxy", "xywh"])
def test_center_crop_matches_keras(keras, batched, size, fmt):
    data = _data(batched)
    data["bounding_boxes"]["boxes"] = _np(
        keras.utils.bounding_boxes.convert_format(
            data["bounding_boxes"]["boxes"], "xyxy", fmt, height=8, width=10
        )
    )
    for training in (True, False):
        ours, theirs = _both(
            keras,
            "CenterCrop",
            *size,
            data=data,
            training=training,
            bounding_box_format=fmt,
        )
        _assert_same(ours, theirs, atol=1e-4)


@pytest.mark.parametrize("offset", [(0, 0), (1, 1), (2, 2)])
def test_random_crop_boxes_match_keras_for_the_same_window(keras, offset):
    # Keras 3.15 moves x by the top offset and y by the left one: equal offsets
    # are where its boxes are right, and there ours equal its.
    data = _data()
    k_layer = keras.layers.RandomCrop(6, 6, bounding_box_format="xyxy")
    k_boxes = k_layer.transform_bounding_boxes(
        {k: torch.as_tensor(v) for k, v in data["bounding_boxes"].items()},
        offset,
    )
    layer = layers.RandomCrop(6, 6, bounding_box_format="xyxy")
    ours = layer._apply_boxes(
        {k: torch.as_tensor(v) for k, v in data["bounding_boxes"].items()},
        tuple(torch.tensor(v) for v in offset),
        8,
        10,
    )
    _assert_same(ours, k_boxes)


def test_random_crop_box_follows_the_pixels_and_inference_passes(keras):
    image = np.zeros((1, 12, 14, 1), "float32")
    image[0, 5:9, 6:10] = 1.0
    data = {
        "images": image,
        "bounding_boxes": {"boxes": [[[6.0, 5.0, 10.0, 9.0]]], "labels": [[4]]},
    }
    for seed in range(4):
        layer = layers.RandomCrop(10, 11, seed=seed, bounding_box_format="xyxy")
        out = layer(_copy(data))
        rows, cols = np.nonzero(_np(out["images"])[0, ..., 0])
        box = [cols.min(), rows.min(), cols.max() + 1, rows.max() + 1]
        np.testing.assert_allclose(_np(out["bounding_boxes"]["boxes"])[0, 0], box)
        assert _np(out["bounding_boxes"]["labels"]).tolist() == [[4]]
    ours, theirs = _both(
        keras, "RandomCrop", 6, 6, training=False, bounding_box_format="xyxy"
    )
    # Keras crops the masks in inference while it leaves the images whole; ours
    # pass unchanged with the images.
    assert tuple(ours["segmentation_masks"].shape) == (2, 8, 10, 1)
    del ours["segmentation_masks"], theirs["segmentation_masks"]
    _assert_same(ours, theirs)


AFFINE = [
    ("RandomTranslation", ((0.2, 0.2), (-0.1, -0.1)), {}),
    ("RandomTranslation", ((-0.5, -0.5), (0.3, 0.3)), {"fill_mode": "constant"}),
    ("RandomTranslation", ((0.0, 0.0), (0.6, 0.6)), {"fill_mode": "nearest"}),
    ("RandomRotation", ((0.25, 0.25),), {}),
    ("RandomRotation", ((-0.1, -0.1),), {"fill_mode": "constant"}),
    ("RandomRotation", ((0.5, 0.5),), {"fill_mode": "wrap"}),
    ("RandomZoom", ((0.5, 0.5),), {}),
    ("RandomZoom", ((-0.5, -0.5),), {"fill_mode": "constant"}),
    ("RandomZoom", ((-0.3, -0.3), (0.2, 0.2)), {"fill_mode": "nearest"}),
]


@pytest.mark.parametrize("batched", [True, False])
@pytest.mark.parametrize(("name", "args", "kwargs"), AFFINE)
def test_affine_layers_match_keras_with_fixed_factors(
    keras, batched, name, args, kwargs
):
    kwargs = {"bounding_box_format": "xyxy", "interpolation": "nearest", **kwargs}
    data = _data(batched)
    for training in (True, False):  # inference: everything passes through
        ours, theirs = _both(keras, name, *args, data=data, training=training, **kwargs)
        if name == "RandomRotation" and training:
            # Keras's torch affine_transform edits the rotation matrix in place
            # after the images, so its masks get another warp; ours get the
            # images' warp, which is Keras's warp of the masks as images.
            masks = data["segmentation_masks"].astype("float32")
            k_layer = getattr(keras.layers, name)(*args, **kwargs)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                theirs["segmentation_masks"] = k_layer(masks).to(torch.uint8)
        _assert_same(ours, theirs, atol=1e-4)


@pytest.mark.parametrize("fmt", ["rel_xyxy", "center_xywh"])
@pytest.mark.parametrize(
    ("name", "args"),
    [("RandomTranslation", ((0.25, 0.25), (0.2, 0.2))), ("RandomZoom", ((0.5, 0.5),))],
)
def test_affine_layers_other_formats_match_keras(keras, fmt, name, args):
    data = _data()
    data["bounding_boxes"]["boxes"] = _np(
        keras.utils.bounding_boxes.convert_format(
            data["bounding_boxes"]["boxes"], "xyxy", fmt, height=8, width=10
        )
    )
    ours, theirs = _both(keras, name, *args, data=data, bounding_box_format=fmt)
    _assert_same(ours, theirs, atol=1e-5)


def test_rotation_reads_other_formats_as_boxes_in_that_format(keras):
    # Keras 3.15 feeds boxes of any format to its xyxy rotation unconverted; ours
    # convert first, so xywh boxes give the xyxy result in xywh.
    data = _data()
    xyxy = layers.RandomRotation((0.25, 0.25), bounding_box_format="xyxy")(_copy(data))
    data["bounding_boxes"]["boxes"] = _np(
        keras.utils.bounding_boxes.convert_format(
            data["bounding_boxes"]["boxes"], "xyxy", "xywh"
        )
    )
    xywh = layers.RandomRotation((0.25, 0.25), bounding_box_format="xywh")(data)
    expected = keras.utils.bounding_boxes.convert_format(
        _np(xyxy["bounding_boxes"]["boxes"]), "xyxy", "xywh"
    )
    np.testing.assert_allclose(
        _np(xywh["bounding_boxes"]["boxes"]), _np(expected), atol=1e-5
    )


@pytest.mark.parametrize(
    ("layer", "expected"),
    [
        # A 2x2 square at rows 2-4, cols 3-5 of an 8x10 image.
        (layers.RandomTranslation((0.25, 0.25), (-0.2, -0.2)), [1, 4, 3, 6]),
        # Keras turns box corners about ((W - 1) / 2, (H - 1) / 2) = (4.5, 3.5).
        (layers.RandomRotation((0.5, 0.5)), [4.0, 3.0, 6.0, 5.0]),
        (layers.RandomZoom((-0.5, -0.5)), None),
    ],
)
def test_affine_box_follows_the_pixels(layer, expected):
    layer.bounding_box_format = "xyxy"
    layer.fill_mode, layer.interpolation = "constant", "nearest"
    image = np.zeros((1, 8, 10, 1), "float32")
    image[0, 2:4, 3:5] = 1.0
    boxes = {"boxes": np.array([[[3.0, 2.0, 5.0, 4.0]]], "float32"), "labels": [[1]]}
    out = layer({"images": image, "bounding_boxes": boxes})
    rows, cols = np.nonzero(_np(out["images"])[0, ..., 0])
    pixels = [cols.min(), rows.min(), cols.max() + 1, rows.max() + 1]
    box = _np(out["bounding_boxes"]["boxes"])[0, 0]
    if expected is not None:
        np.testing.assert_allclose(box, expected, atol=1e-4)
    # Nearest sampling about a pixel-centre grid: within one pixel of the box.
    np.testing.assert_allclose(box, pixels, atol=1.0)


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("Resizing", (4, 6)),
        ("RandomFlip", ()),
        ("CenterCrop", (4, 6)),
        ("RandomCrop", (4, 6)),
        ("RandomTranslation", (0.1, 0.2)),
        ("RandomRotation", (0.1,)),
        ("RandomZoom", (0.1,)),
        ("MaxNumBoundingBoxes", (4,)),
    ],
)
def test_configs_equal_keras_and_round_trip(keras, name, args):
    kwargs = {"bounding_box_format": "center_xywh"}
    if name in (
        "RandomFlip",
        "RandomCrop",
        "RandomTranslation",
        "RandomRotation",
        "RandomZoom",
    ):
        kwargs["seed"] = 5
    config = getattr(layers, name)(*args, **kwargs).get_config()
    k_config = getattr(keras.layers, name)(*args, **kwargs).get_config()
    assert {**config, "name": ""} == {**k_config, "name": ""}
    clone = getattr(layers, name).from_config(config)
    assert clone.bounding_box_format == "center_xywh"
    without = getattr(layers, name)(*args).get_config()
    assert "bounding_box_format" not in without


def test_dict_inputs_errors():
    with pytest.raises(ValueError, match="didn't specify a bounding box format"):
        layers.RandomFlip()(_data())
    with pytest.raises(ValueError, match="unknown `bounding_box_format`: 'xyz'"):
        layers.Resizing(2, 2, bounding_box_format="xyz")
    bad = _data()
    del bad["bounding_boxes"]["labels"]
    with pytest.raises(ValueError, match="dict with keys 'boxes' and 'labels'"):
        layers.Resizing(2, 2, bounding_box_format="xyxy")(bad)
    bad = _data()
    bad["bounding_boxes"]["boxes"] = bad["bounding_boxes"]["boxes"][0]
    with pytest.raises(ValueError, match=r"\(batch_size, num_boxes, 4\)"):
        layers.Resizing(2, 2, bounding_box_format="xyxy")(bad)
    with pytest.raises(ValueError, match="without an 'images' entry"):
        layers.CenterCrop(2, 2)({"image": np.ones((1, 4, 4, 3))})
    with pytest.raises(
        NotImplementedError, match="RandomElasticTransform does not support dict"
    ):
        layers.RandomElasticTransform()({"images": np.ones((1, 4, 4, 3))})


def test_images_only_dict_and_masks_without_boxes(keras):
    data = {
        "images": _data()["images"],
        "segmentation_masks": _data()["segmentation_masks"],
    }
    ours, theirs = _both(keras, "Resizing", 5, 5, data=data)
    _assert_same(ours, theirs, atol=1e-4)


PIXEL_ONLY = [
    ("AutoContrast", (), {}),
    ("Equalization", (), {}),
    ("RandomBrightness", (0.2,), {}),
    ("RandomContrast", (0.3,), {}),
    ("RandomColorDegeneration", (0.5,), {}),
    ("RandomColorJitter", (), {"brightness_factor": 0.2, "hue_factor": 0.1}),
    ("RandomErasing", (), {"factor": 1.0}),
    ("RandomGaussianBlur", (), {"factor": 1.0}),
    ("RandomGrayscale", (), {"factor": 1.0}),
    ("RandomHue", (0.3,), {}),
    ("RandomInvert", (), {"factor": 1.0}),
    ("RandomPosterization", (), {"factor": (1, 4)}),
    ("RandomSaturation", (0.3,), {}),
    ("RandomSharpness", (0.3,), {}),
    ("Solarization", (), {"addition_factor": 0.2, "threshold_factor": 0.5}),
]


@pytest.mark.parametrize("batched", [True, False])
@pytest.mark.parametrize(("name", "args", "kwargs"), PIXEL_ONLY)
def test_pixel_only_layers_pass_boxes_and_masks_as_keras(
    keras, batched, name, args, kwargs
):
    kwargs = {"bounding_box_format": "xyxy", **kwargs}
    if name not in ("AutoContrast", "Equalization"):
        kwargs["seed"] = 4
    data = _data(batched)
    if name == "RandomGrayscale":  # Keras 3.15's fails on any dict input
        with pytest.raises(AttributeError):
            _keras_call(getattr(keras.layers, name)(*args, **kwargs), data)
        expected = {
            k: torch.as_tensor(v) for k, v in data.items() if k != "bounding_boxes"
        }
        expected["bounding_boxes"] = {
            "boxes": torch.as_tensor(data["bounding_boxes"]["boxes"]),
            "labels": torch.as_tensor(data["bounding_boxes"]["labels"]),
        }
        ours = layers.RandomGrayscale(*args, **kwargs)(_copy(data), training=False)
        _assert_same(ours, expected)
    else:  # Inference: the dict equals Keras's (images cast, the rest unchanged).
        ours, theirs = _both(keras, name, *args, data=data, training=False, **kwargs)
        _assert_same(ours, theirs, atol=1e-4)
    # Training: the images are the layer's own images-only result; boxes and
    # masks pass unchanged, as in Keras.
    ours = getattr(layers, name)(*args, **kwargs)(_copy(data))
    alone = getattr(layers, name)(*args, **kwargs)(data["images"])
    np.testing.assert_allclose(_np(ours["images"]), _np(alone), atol=1e-5)
    if name != "RandomGrayscale":
        theirs = _keras_call(getattr(keras.layers, name)(*args, **kwargs), data)
        del ours["images"], theirs["images"]
        _assert_same(ours, theirs)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
@pytest.mark.parametrize("factors", [(0.3, 0.0), (0.0, 0.4), (0.2, 0.3)])
def test_random_shear_matches_keras_for_the_same_shear(keras, seed, factors):
    kwargs = {
        "x_factor": factors[0],
        "y_factor": factors[1],
        "seed": seed,
        "bounding_box_format": "xyxy",
        "interpolation": "nearest",
    }
    data = _data()
    ours = layers.RandomShear(**kwargs)(_copy(data))
    # A fresh layer with the same seed draws the same shear first.
    matrix = layers.RandomShear(**kwargs)._draw(torch.zeros(2, 8, 10, 3), True)[
        "matrix"
    ]
    k_layer = keras.layers.RandomShear(**kwargs)
    transformation = {
        "shear_factor": torch.stack([matrix[:, 1], matrix[:, 3]], dim=1),
        "input_shape": (2, 8, 10, 3),
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        k_boxes = k_layer.transform_bounding_boxes(
            {k: torch.as_tensor(v) for k, v in data["bounding_boxes"].items()},
            transformation,
        )
        k_images = k_layer.transform_images(
            torch.as_tensor(data["images"]), transformation
        )
        k_masks = k_layer.transform_segmentation_masks(
            torch.as_tensor(data["segmentation_masks"]), transformation
        )
    _assert_same(ours["bounding_boxes"], k_boxes, atol=1e-5)
    _assert_same(
        {"images": ours["images"], "masks": ours["segmentation_masks"]},
        {"images": k_images, "masks": k_masks},
        atol=1e-4,
    )


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_perspective_matches_keras_for_the_same_warp(keras, seed):
    kwargs = {
        "factor": 0.8,
        "scale": 0.4,
        "seed": seed,
        "bounding_box_format": "xyxy",
        "interpolation": "nearest",
    }
    data = _data()
    data["images"] = np.concatenate([data["images"]] * 2)
    data["segmentation_masks"] = np.concatenate([data["segmentation_masks"]] * 2)
    for key in ("boxes", "labels"):
        data["bounding_boxes"][key] = np.concatenate([data["bounding_boxes"][key]] * 2)
    data["labels"] = np.arange(4)
    ours = layers.RandomPerspective(**kwargs)(_copy(data))
    # A fresh layer with the same seed draws the same warp first.
    drawn = layers.RandomPerspective(**kwargs)._draw(torch.zeros(4, 8, 10, 3), True)
    transformation = {
        "apply_perspective": drawn["apply"],
        "start_points": drawn["start"],
        "end_points": drawn["end"],
        "input_shape": (4, 8, 10, 3),
    }
    k_layer = keras.layers.RandomPerspective(**kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        k_boxes = k_layer.transform_bounding_boxes(
            {k: torch.as_tensor(v) for k, v in data["bounding_boxes"].items()},
            transformation,
        )
        k_images = k_layer.transform_images(
            torch.as_tensor(data["images"]), transformation
        )
        # Keras 3.15 warps uint8 masks in uint8 arithmetic (other neighbours);
        # ours equal its warp of the same masks as floats.
        k_masks = k_layer.transform_segmentation_masks(
            torch.as_tensor(data["segmentation_masks"]).float(), transformation
        ).to(torch.uint8)
    _assert_same(ours["bounding_boxes"], k_boxes, atol=1e-4)
    _assert_same(
        {"images": ours["images"], "masks": ours["segmentation_masks"]},
        {"images": k_images, "masks": k_masks},
        atol=1e-4,
    )


@pytest.mark.parametrize("size", [(480, 640, 3), (500, 333, 3)])
def test_detection_pipeline_per_sample_matches_keras(keras, size):
    # The object-detection guides' pattern: one (unbatched) sample at a time,
    # "yxyx" boxes, Resizing with pad_to_aspect_ratio, then MaxNumBoundingBoxes.
    rng = np.random.default_rng(1)
    h, w = size[:2]
    y1, x1 = rng.uniform(0, h - 40, 5), rng.uniform(0, w - 40, 5)
    boxes = np.stack([y1, x1, y1 + 30, x1 + 35], -1).astype("float32")
    sample = {
        "images": rng.uniform(0, 255, size).astype("float32"),
        "bounding_boxes": {"boxes": boxes, "labels": np.arange(5, dtype="int32")},
    }
    out = {}
    for lib in (keras, layers):
        mod = lib.layers if lib is keras else lib
        resizing = mod.Resizing(
            height=64,
            width=64,
            interpolation="bilinear",
            pad_to_aspect_ratio=True,
            bounding_box_format="yxyx",
        )
        max_boxes = mod.MaxNumBoundingBoxes(max_number=8, bounding_box_format="yxyx")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out[lib] = max_boxes(resizing(_copy(sample)))
    _assert_same(out[layers], out[keras], atol=1e-3)
    assert tuple(out[layers]["bounding_boxes"]["boxes"].shape) == (8, 4)
    assert _np(out[layers]["bounding_boxes"]["labels"]).tolist()[5:] == [-1] * 3


@pytest.mark.parametrize("batched", [True, False])
@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("CenterCrop", (6, 6)),
        ("CenterCrop", (12, 6)),
        ("RandomTranslation", ((0.25, 0.25), (-0.2, -0.2))),
        ("RandomZoom", ((0.5, 0.5), (-0.25, -0.25))),
        ("RandomRotation", ((0.25, 0.25),)),
        ("MaxNumBoundingBoxes", (4,)),
    ],
)
def test_channels_first_matches_keras(keras, batched, name, args):
    data = _data(channels_first=True)
    if not batched:
        data = {
            "images": data["images"][0],
            "bounding_boxes": {k: v[0] for k, v in data["bounding_boxes"].items()},
            "segmentation_masks": data["segmentation_masks"][0],
        }
    kwargs = {"bounding_box_format": "xyxy", "data_format": "channels_first"}
    if name.startswith("Random"):
        kwargs["interpolation"] = "nearest"
    ours, theirs = _both(keras, name, *args, data=data, **kwargs)
    if name == "RandomRotation":  # Keras's in-place matrix edit: compare boxes
        del ours["segmentation_masks"], theirs["segmentation_masks"]
    _assert_same(ours, theirs, atol=1e-4)


def test_mix_up_appends_partner_boxes_and_mixes_masks(keras):
    data = _data()
    data["labels"] = np.eye(2, dtype="float32")
    kwargs = {"alpha": 0.4, "seed": 1, "bounding_box_format": "xyxy"}
    ours = layers.MixUp(**kwargs)(_copy(data))
    # A fresh layer with the same seed draws the same pairs and weights first.
    perm, weight = layers.MixUp(**kwargs)._draw_mix(torch.zeros(2, 8, 10, 3))
    assert _np(perm).tolist() == [1, 0]  # the images swap partners
    k_boxes = keras.layers.MixUp(**kwargs).transform_bounding_boxes(
        {k: torch.as_tensor(v) for k, v in data["bounding_boxes"].items()},
        {"permutation_order": perm},
    )
    _assert_same({"b": ours["bounding_boxes"]["boxes"]}, {"b": k_boxes["boxes"]})
    labels = data["bounding_boxes"]["labels"]
    np.testing.assert_array_equal(
        _np(ours["bounding_boxes"]["labels"]),
        np.concatenate([labels, labels[_np(perm)]], axis=1),
    )
    w = _np(weight).reshape(-1, 1, 1, 1)
    masks = data["segmentation_masks"].astype("float32")
    np.testing.assert_allclose(
        _np(ours["segmentation_masks"]),
        w * masks + (1 - w) * masks[_np(perm)],
        rtol=1e-6,
    )
    # Inference: everything passes; boxes must name their format.
    same = layers.MixUp(**kwargs)(_copy(data), training=False)
    _assert_same(
        same["bounding_boxes"],
        {k: torch.as_tensor(v) for k, v in data["bounding_boxes"].items()},
    )
    with pytest.raises(ValueError, match="didn't specify a bounding box format"):
        layers.MixUp()(_copy(data))


def test_layers_still_move_between_dtypes_and_devices():
    # Module.to/float/cpu go through nn.Module._apply: the box plumbing must
    # not shadow it.
    import lamina

    for layer in (
        layers.Resizing(4, 4, bounding_box_format="xyxy"),
        layers.RandomFlip(bounding_box_format="xyxy"),
        layers.CenterCrop(4, 4),
        layers.RandomCrop(4, 4),
        layers.RandomRotation(0.1),
        layers.RandomPerspective(),
        layers.RandomBrightness(0.1),
    ):
        assert layer.to(torch.float64) is layer
        assert layer.float().cpu() is layer
    model = lamina.Sequential(
        [lamina.Input((8, 8, 3)), layers.RandomFlip(), layers.Resizing(4, 4)]
    )
    model.to("cpu")
    assert tuple(model.predict(np.ones((2, 8, 8, 3)), verbose=0).shape) == (2, 4, 4, 3)


def test_cut_mix_pastes_masks_with_images_and_refuses_boxes(keras):
    # Each image constant (its index); masks equal the images: they must stay so.
    images = np.repeat(np.arange(4, dtype="float32"), 6 * 7).reshape(4, 6, 7, 1)
    masks = images.astype("uint8")
    out = layers.CutMix(seed=1)({"images": images, "segmentation_masks": masks})
    assert out["segmentation_masks"].dtype == torch.float32  # Keras casts them too
    np.testing.assert_array_equal(_np(out["segmentation_masks"]), _np(out["images"]))
    assert not np.array_equal(_np(out["images"]), images)  # something was pasted
    data = _data()
    with pytest.raises(NotImplementedError):  # Keras refuses boxes too
        _keras_call(keras.layers.CutMix(bounding_box_format="xyxy"), data)
    with pytest.raises(NotImplementedError, match="CutMix does not transform"):
        layers.CutMix(bounding_box_format="xyxy")(_copy(data))
