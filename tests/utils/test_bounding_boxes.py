"""keras.utils.bounding_boxes against Keras (torch backend) on the same inputs."""

import itertools

import numpy as np
import pytest
import torch

import lamina
from lamina.utils import bounding_boxes as bb

FORMATS = bb.convert_format.__globals__["SUPPORTED_FORMATS"]
H, W = 48, 64


def _boxes(batched=True, seed=0):
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, 40, size=(2, 3, 2))
    wh = rng.uniform(1, 20, size=(2, 3, 2))
    boxes = np.concatenate([xy, xy + wh], axis=-1).astype("float32")
    return boxes if batched else boxes[0]


def _close(ours, theirs):
    """Equal to the bit: lamina does Keras's arithmetic in Keras's order."""
    assert isinstance(ours, torch.Tensor)
    theirs = torch.as_tensor(theirs).cpu()
    assert ours.shape == theirs.shape
    assert ours.dtype == theirs.dtype
    assert torch.equal(ours.cpu(), theirs), (ours - theirs).abs().max()


def _in(fmt, boxes):
    """`boxes` (xyxy, pixels) written in `fmt`, through Keras."""
    import keras

    return keras.utils.bounding_boxes.convert_format(
        boxes, "xyxy", fmt, height=H, width=W
    ).numpy()


@pytest.mark.parametrize(
    ("source", "target"), list(itertools.product(FORMATS, FORMATS))
)
def test_convert_format_every_pair_matches_keras(keras, source, target):
    boxes = _in(source, _boxes())
    for dtype in ("float32", "float64", "float16", "bfloat16", "int32"):
        ours = bb.convert_format(boxes, source, target, H, W, dtype=dtype)
        theirs = keras.utils.bounding_boxes.convert_format(
            boxes, source, target, H, W, dtype=dtype
        )
        # Same operations in the same order: equal to the bit, in every dtype.
        assert ours.dtype == theirs.dtype
        assert torch.equal(ours, theirs.cpu()), dtype


@pytest.mark.parametrize("batched", [True, False])
@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
def test_convert_format_dtypes_torch_and_unbatched(keras, batched, dtype):
    boxes = torch.tensor(_boxes(batched))
    ours = bb.convert_format(boxes, "XYXY", "rel_center_xywh", H, W, dtype=dtype)
    theirs = keras.utils.bounding_boxes.convert_format(
        boxes, "XYXY", "rel_center_xywh", H, W, dtype=dtype
    )
    _close(ours, theirs)


def test_convert_format_int_numpy_and_list_give_float32_tensors(keras):
    ints = np.array([[10, 20, 30, 40], [50, 60, 70, 80]])
    ours = bb.convert_format(ints, "xyxy", "xywh")
    _close(ours, keras.utils.bounding_boxes.convert_format(ints, "xyxy", "xywh"))
    np.testing.assert_array_equal(ours.numpy(), [[10, 20, 20, 20], [50, 60, 20, 20]])
    same = bb.convert_format(ints.tolist(), "xyxy", "xyxy")
    assert same.dtype == torch.float32


def test_convert_format_dict_is_updated_in_place_as_keras_does(keras):
    labels = np.array([1, 2])
    ours_in = {"boxes": _boxes(False), "labels": labels}
    theirs_in = {"boxes": _boxes(False), "labels": labels}
    ours = bb.convert_format(ours_in, "xyxy", "yxyx")
    theirs = keras.utils.bounding_boxes.convert_format(theirs_in, "xyxy", "yxyx")
    assert ours is ours_in
    assert theirs is theirs_in
    _close(ours["boxes"], theirs["boxes"])
    assert ours["labels"] is labels


def test_convert_format_errors():
    with pytest.raises(ValueError, match=r"last dimension of 4.*\(2, 3\)"):
        bb.convert_format(np.zeros((2, 3)), "xyxy", "xywh")
    with pytest.raises(ValueError, match="Invalid source or target format.*'foo'"):
        bb.convert_format(np.zeros((2, 4)), "xyxy", "foo")
    with pytest.raises(ValueError, match="must receive `height` and `width`"):
        bb.convert_format(np.zeros((2, 4)), "xyxy", "rel_xyxy")
    # Keras asks for them between two relative formats too.
    with pytest.raises(ValueError, match="must receive `height` and `width`"):
        bb.convert_format(np.zeros((2, 4)), "rel_xyxy", "rel_yxyx", height=4)


def test_convert_format_hand_values():
    boxes = np.array([[10.0, 20.0, 30.0, 60.0]])  # xyxy
    expect = {
        "yxyx": [20, 10, 60, 30],
        "xywh": [10, 20, 20, 40],
        "center_xywh": [20, 40, 20, 40],
        "center_yxhw": [40, 20, 40, 20],
        "rel_xyxy": [10 / 200, 20 / 100, 30 / 200, 60 / 100],
        "rel_center_xywh": [20 / 200, 40 / 100, 20 / 200, 40 / 100],
    }
    for fmt, want in expect.items():
        got = bb.convert_format(boxes, "xyxy", fmt, height=100, width=200)
        np.testing.assert_allclose(got.numpy(), [want], rtol=1e-6)


@pytest.mark.parametrize("fmt", ["xyxy", "rel_xyxy"])
def test_clip_to_image_size_matches_keras(keras, fmt):
    boxes = np.array(
        [[-10.0, -20, 150, 160], [50, 40, 70, 80], [200, 200, 300, 300]], "float64"
    )
    if fmt == "rel_xyxy":
        boxes = boxes / 100
    data = {"boxes": boxes, "labels": np.array([0, 1, 2])}
    ours = bb.clip_to_image_size(data, height=100, width=120, bounding_box_format=fmt)
    theirs = keras.utils.bounding_boxes.clip_to_image_size(
        dict(data), height=100, width=120, bounding_box_format=fmt
    )
    assert ours is not data
    assert data["boxes"] is boxes
    _close(ours["boxes"], theirs["boxes"])
    _close(ours["labels"], theirs["labels"])
    assert ours["labels"].tolist()[2] == -1


def test_clip_to_image_size_without_labels_and_batched(keras):
    data = {"boxes": _boxes() * 2 - 10}
    ours = bb.clip_to_image_size(data, height=30, width=50)
    theirs = keras.utils.bounding_boxes.clip_to_image_size(
        dict(data), height=30, width=50
    )
    assert set(ours) == {"boxes"}
    _close(ours["boxes"], theirs["boxes"])


def test_clip_to_image_size_errors():
    with pytest.raises(NotImplementedError, match="'xyxy' and 'rel_xyxy'.*'yxyx'"):
        bb.clip_to_image_size({"boxes": np.zeros((1, 4))}, 1, 1, "yxyx")
    with pytest.raises(ValueError, match="`height` and `width` must be set"):
        bb.clip_to_image_size({"boxes": np.zeros((1, 4))})
    with pytest.raises(TypeError, match="must be a dict with a 'boxes' entry"):
        bb.clip_to_image_size(np.zeros((1, 4)), 1, 1)


@pytest.mark.parametrize(
    "boxes", [np.array([[10, 20, 50, 60], [70, 80, 100, 120]]), _boxes()]
)
@pytest.mark.parametrize("region", [(10, 20, 40, 30), (10, 20.5, 40.5, 30.5)])
def test_crop_and_pad_match_keras(keras, boxes, region):
    # Float offsets or sizes turn integer boxes into float32 ones, as in Keras.
    ours = bb.crop(boxes, *region)
    theirs = keras.utils.bounding_boxes.crop(boxes, *region)
    _close(ours, theirs)
    ours = bb.pad(boxes, top=region[0], left=region[1])
    theirs = keras.utils.bounding_boxes.pad(boxes, top=region[0], left=region[1])
    _close(ours, theirs)


def test_crop_hand_values():
    got = bb.crop(np.array([[10, 20, 50, 60]]), top=10, left=20, height=40, width=30)
    assert got.tolist() == [[0, 10, 30, 40]]


@pytest.mark.parametrize("function", ["crop", "pad", "affine_transform"])
def test_geometry_refuses_other_formats(function):
    args = {"crop": (0, 0, 1, 1), "pad": (0, 0), "affine_transform": (0,) * 8}
    with pytest.raises(NotImplementedError, match=f"`{function}` supports only"):
        getattr(bb, function)(
            np.zeros((1, 1, 4)), *args[function], bounding_box_format="yxyx"
        )


def _affine_params(batch=2):
    rng = np.random.default_rng(3)

    def draw(lo, hi):
        return rng.uniform(lo, hi, size=(batch,)).astype("float32")

    return {
        "angle": draw(-40, 40),
        "translate_x": draw(-0.2, 0.2),
        "translate_y": draw(-0.2, 0.2),
        "scale": draw(0.8, 1.3),
        "shear_x": draw(-10, 10),
        "shear_y": draw(-10, 10),
    }


@pytest.mark.parametrize("center", [None, (0.3, 0.7)])
def test_affine_transform_matches_keras(keras, center):
    params = _affine_params()
    extra = {} if center is None else {"center_x": center[0], "center_y": center[1]}
    ours = bb.affine_transform(_boxes(), **params, height=H, width=W, **extra)
    theirs = keras.utils.bounding_boxes.affine_transform(
        _boxes(), **params, height=H, width=W, **extra
    )
    _close(ours, theirs)


def test_affine_transform_unbatched_and_scalars():
    # Keras needs batched boxes and per-image tensors; lamina also takes
    # unbatched boxes and plain numbers, and gives the same boxes.
    params = {k: v[:1] for k, v in _affine_params().items()}
    batched = bb.affine_transform(_boxes()[:1], **params, height=H, width=W)
    scalars = {k: float(v[0]) for k, v in params.items()}
    single = bb.affine_transform(_boxes()[0], **scalars, height=H, width=W)
    assert single.shape == (3, 4)
    torch.testing.assert_close(single, batched[0], rtol=1e-5, atol=1e-4)


def test_affine_transform_hand_values():
    # A pure translation by (0.1, -0.2) of (width - 1, height - 1) pixels.
    boxes = np.array([[10.0, 20.0, 30.0, 40.0]])
    got = bb.affine_transform(boxes, 0, 0.1, -0.2, 1, 0, 0, height=11, width=21)
    np.testing.assert_allclose(got.numpy(), [[12, 18, 32, 38]], atol=1e-5)
    # A 90 degree rotation about the centre (10, 5) maps corners onto corners.
    got = bb.affine_transform(boxes, 90, 0, 0, 1, 0, 0, height=11, width=21)
    x1, y1, x2, y2 = 10.0, 20.0, 30.0, 40.0
    corners = np.array([[x1, y1], [x2, y1], [x2, y2], [x1, y2]]) - [10, 5]
    turned = np.stack([corners[:, 1], -corners[:, 0]], -1) + [10, 5]
    want = [*turned.min(0), *turned.max(0)]
    np.testing.assert_allclose(got.numpy(), [want], atol=1e-4)


IOU_CASES = [
    ((3, 4), (5, 4)),
    ((2, 3, 4), (2, 5, 4)),
    ((2, 3, 4), (5, 4)),
    ((3, 4), (2, 5, 4)),
]


@pytest.mark.parametrize(("shape1", "shape2"), IOU_CASES)
@pytest.mark.parametrize("fmt", ["xyxy", "center_yxhw", "rel_xywh"])
def test_compute_iou_matches_keras(keras, shape1, shape2, fmt):
    rng = np.random.default_rng(1)

    def boxes(shape):
        xy = rng.uniform(0, 30, size=(*shape[:-1], 2))
        xyxy = np.concatenate([xy, xy + rng.uniform(1, 20, size=xy.shape)], -1)
        return _in(fmt, xyxy.astype("float32"))

    b1, b2 = boxes(shape1), boxes(shape2)
    kwargs = {"image_shape": (H, W, 3)}
    ours = bb.compute_iou(b1, b2, fmt, **kwargs)
    theirs = keras.utils.bounding_boxes.compute_iou(b1, b2, fmt, **kwargs)
    _close(ours, theirs)
    assert float(ours.max()) <= 1.0


@pytest.mark.parametrize("batched", [False, True])
def test_compute_iou_masking_matches_keras(keras, batched):
    b1 = np.array([[0, 0, 10, 10], [-1, -1, -1, -1], [5, 5, 15, 15]], "float32")
    b2 = np.array([[0, 0, 10, 10], [-1, -1, -1, -1]], "float32")
    if batched:
        b1, b2 = b1[None], b2[None]
    ours = bb.compute_iou(b1, b2, "xyxy", use_masking=True, mask_val=-7)
    theirs = keras.utils.bounding_boxes.compute_iou(
        b1, b2, "xyxy", use_masking=True, mask_val=-7
    )
    _close(ours, theirs)
    np.testing.assert_allclose(
        ours.reshape(3, 2).numpy(),
        [[1, -7], [-7, -7], [25 / 175, -7]],
        rtol=1e-5,
    )


def test_compute_iou_masking_mixed_ranks():
    # Keras fails on mixed ranks with masking; lamina masks the (batch, M, N) table.
    b1 = np.array([[0, 0, 10, 10], [-1, -1, -1, -1]], "float32")
    b2 = np.array([[[0, 0, 10, 10], [-2, -2, -2, -2]]], "float32")
    got = bb.compute_iou(b1, b2, "xyxy", use_masking=True)
    np.testing.assert_allclose(got.numpy(), [[[1, -1], [-1, -1]]], rtol=1e-5)


def test_compute_iou_errors():
    with pytest.raises(ValueError, match=r"expects boxes1 to be batched.*=4"):
        bb.compute_iou(np.zeros((1, 1, 1, 4)), np.zeros((1, 4)), "xyxy")
    with pytest.raises(ValueError, match=r"expects boxes2 to be batched.*=1"):
        bb.compute_iou(np.zeros((1, 4)), np.zeros((4,)), "xyxy")
    with pytest.raises(ValueError, match="the `image_shape` argument must be provided"):
        bb.compute_iou(np.zeros((1, 4)), np.zeros((1, 4)), "rel_xyxy")
    with pytest.raises(ValueError, match=r"\(height, width, channels\)"):
        bb.compute_iou(np.zeros((1, 4)), np.zeros((1, 4)), "xyxy", image_shape=(4, 4))


@pytest.mark.parametrize("fmt", ["xyxy", "xywh", "center_yxhw"])
def test_compute_ciou_matches_keras(keras, fmt):
    b1, b2 = _in(fmt, _boxes(seed=1)), _in(fmt, _boxes(seed=2))
    b2[0, 0] = b1[0, 0]  # one identical pair: CIoU 1
    ours = bb.compute_ciou(b1, b2, fmt)
    theirs = keras.utils.bounding_boxes.compute_ciou(b1, b2, fmt)
    _close(ours, theirs)
    assert ours.shape == (2, 3)
    np.testing.assert_allclose(float(ours[0, 0]), 1.0, atol=1e-5)


def test_compute_ciou_relative_formats():
    boxes = _boxes()
    rel = bb.convert_format(boxes, "xyxy", "rel_xyxy", H, W)
    with pytest.raises(ValueError, match="the `image_shape` argument must be provided"):
        bb.compute_ciou(rel, rel, "rel_xyxy")
    got = bb.compute_ciou(rel, rel.flip(0), "rel_xyxy", image_shape=(H, W, 3))
    want = bb.compute_ciou(boxes, boxes[::-1].copy(), "xyxy")
    torch.testing.assert_close(got, want, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("variance", [None, [0.1, 0.1, 0.2, 0.2]])
@pytest.mark.parametrize("encoding", ["center_yxhw", "center_xywh"])
def test_encode_decode_match_keras(keras, variance, encoding):
    anchors = _boxes(False, seed=4)
    boxes = _in("xywh", _boxes(True, seed=5))
    kwargs = {"variance": variance}
    ours = bb.encode_box_to_deltas(anchors, boxes, "xyxy", "xywh", encoding, **kwargs)
    theirs = keras.utils.bounding_boxes.encode_box_to_deltas(
        anchors, boxes, "xyxy", "xywh", encoding, **kwargs
    )
    _close(ours, theirs)
    back = bb.decode_deltas_to_boxes(anchors, ours, "xyxy", "xywh", encoding, **kwargs)
    theirs_back = keras.utils.bounding_boxes.decode_deltas_to_boxes(
        anchors, theirs, "xyxy", "xywh", encoding, **kwargs
    )
    _close(back, theirs_back)
    np.testing.assert_allclose(back.numpy(), boxes, atol=1e-4)


def test_encode_decode_relative_and_levels(keras):
    shape = (H, W, 3)
    anchors = {"P3": _boxes(False, 6), "P4": _boxes(False, 7)}
    # Torch deltas: Keras's decode fails on numpy deltas without `variance`.
    deltas = {k: torch.full((2, 3, 4), 0.1) for k in anchors}
    ours = bb.decode_deltas_to_boxes(
        anchors, deltas, "xyxy", "rel_yxyx", image_shape=shape
    )
    theirs = keras.utils.bounding_boxes.decode_deltas_to_boxes(
        anchors, deltas, "xyxy", "rel_yxyx", image_shape=shape
    )
    assert set(ours) == {"P3", "P4"}
    for level in anchors:
        _close(ours[level], theirs[level])
    rel = bb.convert_format(_boxes(False, 8), "xyxy", "rel_xyxy", H, W)
    ours = bb.encode_box_to_deltas(
        anchors["P3"], rel, "xyxy", "rel_xyxy", image_shape=shape
    )
    theirs = keras.utils.bounding_boxes.encode_box_to_deltas(
        anchors["P3"], rel, "xyxy", "rel_xyxy", image_shape=shape
    )
    _close(ours, theirs)


def test_encode_decode_errors():
    anchors = np.zeros((1, 4), "float32")
    with pytest.raises(ValueError, match="`variance` must be length 4"):
        bb.encode_box_to_deltas(anchors, anchors, "xyxy", "xyxy", variance=[1, 1])
    with pytest.raises(ValueError, match="`variance` must be length 4"):
        bb.decode_deltas_to_boxes(anchors, anchors, "xyxy", "xyxy", variance=[1] * 3)
    with pytest.raises(ValueError, match="`encoding_format` should be one of"):
        bb.encode_box_to_deltas(anchors, anchors, "xyxy", "xyxy", "xyxy")
    with pytest.raises(ValueError, match="`encoded_format` should be 'center_xywh'"):
        bb.decode_deltas_to_boxes(anchors, anchors, "xyxy", "xyxy", "xyxy")


def test_public_names():
    assert lamina.utils.bounding_boxes is bb
    assert sorted(bb.__all__) == sorted(
        [
            "affine_transform",
            "clip_to_image_size",
            "compute_ciou",
            "compute_iou",
            "convert_format",
            "crop",
            "decode_deltas_to_boxes",
            "encode_box_to_deltas",
            "pad",
        ]
    )
