"""draw_bounding_boxes and draw_segmentation_masks: pixels by hand and against Keras.

Keras draws boxes with OpenCV, which is not installed here, so the outlines are
checked against hand-drawn pictures of OpenCV's rule (an edge widened by
ceil(t / 2) pixels, a disc of that radius on each corner).
"""

import numpy as np
import pytest
import torch

from lamina.visualization import draw_bounding_boxes, draw_segmentation_masks
from lamina.visualization._raster import rectangle_mask


def _picture(rows):
    return np.array([[c == "#" for c in row] for row in rows])


RECTANGLES = {
    1: [
        "............",
        "..#######...",
        "..#.....#...",
        "..#.....#...",
        "..#.....#...",
        "..#######...",
        "............",
        "............",
    ],
    2: [
        "..#######...",
        ".#########..",
        ".#########..",
        ".###...###..",
        ".#########..",
        ".#########..",
        "..#######...",
        "............",
    ],
    3: [
        ".#########..",
        "###########.",
        "###########.",
        "###########.",
        "###########.",
        "###########.",
        ".#########..",
        "..#######...",
    ],
    -1: [
        "............",
        "..#######...",
        "..#######...",
        "..#######...",
        "..#######...",
        "..#######...",
        "............",
        "............",
    ],
}


@pytest.mark.parametrize("thickness", sorted(RECTANGLES))
def test_rectangle_mask_by_hand(thickness):
    got = rectangle_mask(8, 12, (2, 1, 8, 5), thickness)
    np.testing.assert_array_equal(got, _picture(RECTANGLES[thickness]))
    # Corners given the other way round draw the same outline.
    np.testing.assert_array_equal(rectangle_mask(8, 12, (8, 5, 2, 1), thickness), got)


def test_rectangle_mask_clipped_by_the_image():
    got = rectangle_mask(4, 5, (-3, 1, 2, 9), 1)
    want = [".....", "###..", "..#..", "..#.."]
    np.testing.assert_array_equal(got, _picture(want))


def _boxes(boxes, labels, **extra):
    return {"boxes": np.array(boxes, "float32"), "labels": np.array(labels), **extra}


def test_draw_bounding_boxes_pixels_and_skipped_padding():
    images = np.full((2, 8, 12, 3), 10, "uint8")
    data = _boxes(
        [[[2, 1, 8, 5], [0, 0, 11, 7]], [[2.9, 1.7, 8.2, 5.9], [0, 0, 3, 3]]],
        [[1, -1], [0, -1]],
    )
    out = draw_bounding_boxes(images, data, "xyxy", color=(200, 0, 7), line_thickness=1)
    assert out.dtype == np.uint8
    assert out.shape == images.shape
    # Coordinates are truncated to integers, as Keras does: both images get one box.
    for i in range(2):
        painted = np.all(out[i] == [200, 0, 7], axis=-1)
        np.testing.assert_array_equal(painted, _picture(RECTANGLES[1]))
        assert np.all(out[i][~painted] == 10)
    assert np.all(images == 10)  # the input is left as it was


@pytest.mark.parametrize(
    ("fmt", "box"),
    [
        ("xywh", [2, 1, 6, 4]),
        ("center_yxhw", [3, 5, 4, 6]),
        ("rel_xyxy", [2 / 12, 1 / 8, 8 / 12, 5 / 8]),
    ],
)
def test_draw_bounding_boxes_converts_formats(fmt, box):
    images = np.zeros((1, 8, 12, 3), "uint8")
    out = draw_bounding_boxes(images, _boxes([[box]], [[0]]), fmt, color=(1, 2, 3))
    np.testing.assert_array_equal(
        np.all(out[0] == [1, 2, 3], -1), _picture(RECTANGLES[2])
    )


def test_draw_bounding_boxes_value_scaling_and_channels():
    # Float images with max <= 1 are taken as [0, 1]; others are clipped to [0, 255].
    unit = np.full((1, 4, 4, 3), 0.5, "float32")
    out = draw_bounding_boxes(unit, _boxes([[[9, 9, 9, 9]]], [[0]]), "xyxy")
    assert np.all(out == 127)
    big = np.full((1, 4, 4, 3), 300.0, "float32")
    assert np.all(
        draw_bounding_boxes(big, _boxes([[[9, 9, 9, 9]]], [[0]]), "xyxy") == 255
    )
    # One channel takes the colour's first value; a fourth channel gets 0 (OpenCV's rule).
    gray = np.zeros((1, 8, 12, 1), "uint8")
    out = draw_bounding_boxes(
        gray, _boxes([[[2, 1, 8, 5]]], [[0]]), "xyxy", color=(90, 5, 5)
    )
    np.testing.assert_array_equal(out[0, ..., 0] == 90, _picture(RECTANGLES[2]))
    rgba = np.full((1, 8, 12, 4), 50, "uint8")
    out = draw_bounding_boxes(
        rgba, _boxes([[[2, 1, 8, 5]]], [[0]]), "xyxy", color=(300, 5, -4)
    )
    assert out[0, 1, 3].tolist() == [255, 5, 0, 0]


def test_draw_bounding_boxes_channels_first_and_torch_inputs():
    images = torch.zeros((1, 3, 8, 12), dtype=torch.uint8)
    data = {"boxes": torch.tensor([[[2.0, 1, 8, 5]]]), "labels": torch.tensor([[0]])}
    out = draw_bounding_boxes(
        images, data, "xyxy", color=(9, 9, 9), data_format="channels_first"
    )
    assert out.shape == (1, 3, 8, 12)
    np.testing.assert_array_equal(out[0, 0] == 9, _picture(RECTANGLES[2]))


def test_draw_bounding_boxes_labels_above_the_box():
    pytest.importorskip("matplotlib")
    images = np.zeros((1, 80, 200, 3), "uint8")
    data = _boxes([[[20, 50, 120, 70]]], [[1]])
    plain = draw_bounding_boxes(
        images, data, "xyxy", color=(255, 0, 0), line_thickness=1
    )
    named = draw_bounding_boxes(
        images,
        data,
        "xyxy",
        class_mapping={1: "cat"},
        color=(255, 0, 0),
        line_thickness=1,
    )
    text = np.any(named != plain, axis=-1)[0]
    ys, xs = np.nonzero(text)
    # Keras writes at (x1, y1 - 8): capitals 21 pixels tall at font_scale 1.
    assert ys.max() <= 42
    assert ys.min() >= 42 - 22
    assert xs.min() >= 20
    assert np.all(named[0][text] == [255, 0, 0])
    scored = draw_bounding_boxes(
        images,
        {**data, "confidences": np.array([[0.93]])},
        "xyxy",
        class_mapping={1: "cat"},
        line_thickness=1,
    )
    assert np.any(scored != plain, axis=-1)[:, :, 70:].any()  # "cat | 0.93" runs on
    # A class missing from class_mapping gets its box but no label.
    unnamed = draw_bounding_boxes(
        images,
        data,
        "xyxy",
        class_mapping={2: "dog"},
        color=(255, 0, 0),
        line_thickness=1,
    )
    np.testing.assert_array_equal(unnamed, plain)


def test_draw_bounding_boxes_label_inside_near_the_top():
    pytest.importorskip("matplotlib")
    images = np.zeros((1, 60, 100, 3), "uint8")
    data = _boxes([[[10, 5, 90, 55]]], [[0]])
    plain = draw_bounding_boxes(images, data, "xyxy", line_thickness=1)
    named = draw_bounding_boxes(
        images, data, "xyxy", class_mapping={0: "H"}, line_thickness=1
    )
    ys, xs = np.nonzero(np.any(named != plain, axis=-1)[0])
    # No room above: the baseline goes to y1 + 2 * 12 + thickness + 3 = 33, x1 + 3.
    assert ys.max() <= 33
    assert ys.min() >= 33 - 22
    assert xs.min() >= 13


def test_draw_bounding_boxes_errors():
    data = _boxes([[[0, 0, 1, 1]]], [[0]])
    with pytest.raises(ValueError, match=r"must be batched 4D tensor.*\(4, 4, 3\)"):
        draw_bounding_boxes(np.zeros((4, 4, 3)), data, "xyxy")
    with pytest.raises(TypeError, match="`bounding_boxes` should be a dict"):
        draw_bounding_boxes(np.zeros((1, 4, 4, 3)), [data["boxes"]], "xyxy")
    with pytest.raises(ValueError, match="containing 'boxes' and 'labels' keys"):
        draw_bounding_boxes(np.zeros((1, 4, 4, 3)), {"boxes": data["boxes"]}, "xyxy")
    with pytest.raises(ValueError, match="Invalid source or target format"):
        draw_bounding_boxes(np.zeros((1, 4, 4, 3)), data, "xyz")
    unbatched = {"boxes": data["boxes"][0], "labels": data["labels"][0]}
    with pytest.raises(ValueError, match=r"must be \(batch, num_boxes, 4\).*\(1, 4\)"):
        draw_bounding_boxes(np.zeros((1, 4, 4, 3)), unbatched, "xyxy")
    with pytest.raises(ValueError, match=r"\['labels'\].*\(1, 1\).*\(1,\)"):
        draw_bounding_boxes(np.zeros((1, 4, 4, 3)), {**data, "labels": [0]}, "xyxy")
    scores = {**data, "confidences": np.zeros((1, 2))}
    with pytest.raises(ValueError, match=r"\['confidences'\].*\(1, 2\)"):
        draw_bounding_boxes(np.zeros((1, 4, 4, 3)), scores, "xyxy")


def test_draw_bounding_boxes_labels_clipped_at_the_edges():
    pytest.importorskip("matplotlib")
    images = np.zeros((1, 30, 40, 3), "uint8")
    # A long label from a box near the right edge runs off the image; one from
    # a box left of the image starts outside it.
    data = _boxes([[[30, 2, 39, 20], [-20, 2, 5, 20]]], [[0, 0]])
    names = {0: "a long class name"}
    thin = draw_bounding_boxes(images, data, "xyxy", class_mapping=names)
    thick = draw_bounding_boxes(
        images, data, "xyxy", class_mapping=names, text_thickness=3
    )
    assert thin.shape == images.shape
    plain = draw_bounding_boxes(images, data, "xyxy")
    thin_text = np.any(thin != plain, axis=-1).sum()
    assert thin_text > 0
    # Thicker strokes paint more pixels.
    assert np.any(thick != plain, axis=-1).sum() > thin_text


def _mask_inputs(seed=0, channels=3):
    rng = np.random.default_rng(seed)
    images = rng.uniform(0, 255, (2, 4, 5, channels)).astype("float32")
    masks = rng.integers(-1, 4, (2, 4, 5, 1))
    return images, masks


@pytest.mark.parametrize(
    "kwargs",
    [
        {"num_classes": 4},
        {"num_classes": 5, "alpha": 0.3},
        {"num_classes": 4, "ignore_index": 0},
        {
            "num_classes": 4,
            "color_mapping": {i: (10 * i, 255 - i, 7) for i in range(4)},
        },
    ],
)
def test_draw_segmentation_masks_matches_keras(keras, kwargs):
    images, masks = _mask_inputs()
    ours = draw_segmentation_masks(images, masks, **kwargs)
    theirs = keras.visualization.draw_segmentation_masks(images, masks, **kwargs)
    assert isinstance(ours, np.ndarray)
    assert ours.dtype == theirs.dtype == np.uint8
    np.testing.assert_array_equal(ours, theirs)


def test_draw_segmentation_masks_unblended_is_a_float_tensor_as_in_keras(keras):
    images, masks = _mask_inputs(1)
    ours = draw_segmentation_masks(
        images.astype("uint8"), torch.tensor(masks), 4, blend=False
    )
    theirs = keras.visualization.draw_segmentation_masks(
        images.astype("uint8"), torch.tensor(masks), 4, blend=False
    )
    assert isinstance(ours, torch.Tensor)
    assert ours.dtype == theirs.dtype == torch.float32
    torch.testing.assert_close(ours, theirs.cpu())


def test_draw_segmentation_masks_channels_first_returns_channels_last(keras):
    images, masks = _mask_inputs(2)
    args = (images.transpose(0, 3, 1, 2), masks.transpose(0, 3, 1, 2))
    ours = draw_segmentation_masks(*args, num_classes=4, data_format="channels_first")
    theirs = keras.visualization.draw_segmentation_masks(
        *args, num_classes=4, data_format="channels_first"
    )
    assert ours.shape == (2, 4, 5, 3)
    np.testing.assert_array_equal(ours, theirs)


def test_draw_segmentation_masks_by_hand():
    images = np.full((1, 1, 3, 3), 100, "float32")
    masks = np.array(
        [[[0, 2, -1]]]
    )  # (batch, height, width): lamina takes 3D masks too
    out = draw_segmentation_masks(
        images, masks, color_mapping={0: (0, 0, 0), 1: (9, 9, 9), 2: (200, 50, 0)}
    )
    # num_classes is inferred as the largest class plus one, so class 2 is painted.
    assert out[0, 0].tolist() == [[20, 20, 20], [180, 60, 20], [100, 100, 100]]


def test_draw_segmentation_masks_errors():
    images, masks = _mask_inputs()
    with pytest.raises(ValueError, match=r"must be batched 4D tensor.*\(4, 5, 3\)"):
        draw_segmentation_masks(images[0], masks)
    with pytest.raises(TypeError, match="must be in integer dtype.*float32"):
        draw_segmentation_masks(images, masks.astype("float32"))
    with pytest.raises(ValueError, match="holds class 3, but num_classes=3"):
        draw_segmentation_masks(images, masks, num_classes=3)
    with pytest.raises(
        ValueError, match=r"needs a colour for every class.*Missing: \[3\]"
    ):
        draw_segmentation_masks(images, masks, 4, color_mapping={0: 0, 1: 1, 2: 2})
    with pytest.raises(ValueError, match=r"\(batch, height, width, 1\)"):
        draw_segmentation_masks(images, np.zeros((2, 4, 5, 2), "int32"), 4)


def test_draw_bounding_boxes_outlines_equal_keras_with_opencv(keras):
    # Keras draws with OpenCV, an optional package; where it is installed the
    # outlines are compared pixel for pixel (labels use another font).
    pytest.importorskip("cv2")
    rng = np.random.default_rng(0)
    for thickness in (-1, 1, 2, 3, 5):
        images = rng.uniform(0, 1, (2, 24, 32, 3)).astype("float32")
        xy = rng.uniform(-5, 30, (2, 4, 2))
        boxes = np.concatenate([xy, xy + rng.uniform(0, 15, (2, 4, 2))], -1)
        data = {"boxes": boxes.astype("float32"), "labels": rng.integers(-1, 3, (2, 4))}
        kwargs = {"color": (250, 20, 3), "line_thickness": thickness}
        ours = draw_bounding_boxes(images, data, "xyxy", **kwargs)
        theirs = keras.visualization.draw_bounding_boxes(images, data, "xyxy", **kwargs)
        np.testing.assert_array_equal(ours, theirs)
