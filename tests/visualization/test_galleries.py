"""Image galleries on matplotlib's Agg backend: the figure's panels, images and titles."""

import numpy as np
import pytest
import torch

from lamina.visualization import (
    draw_bounding_boxes,
    draw_segmentation_masks,
    plot_bounding_box_gallery,
    plot_image_gallery,
    plot_segmentation_mask_gallery,
)

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
plt = pytest.importorskip("matplotlib.pyplot")


@pytest.fixture(autouse=True)
def _no_open_figures():
    yield
    plt.close("all")


def _images(n=4, h=5, w=6, seed=0):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (n, h, w, 3)).astype("uint8")


def _shown(fig):
    """The images on the figure's panels, as uint8 arrays, in reading order."""
    return [np.asarray(ax.images[0].get_array()) for ax in fig.axes]


def test_image_gallery_grid_images_and_titles():
    images = _images(4)
    fig = plot_image_gallery(
        images,
        y_true=np.array([0, 1, 2, 1]),
        y_pred=torch.tensor([0, 2, 2, 5]),
        label_map={0: "cat", 1: "dog", 2: "owl"},
        show=False,
    )
    assert len(fig.axes) == 4
    assert tuple(fig.get_size_inches()) == (4.0, 4.0)  # 2 x 2 panels of scale 2
    for shown, image in zip(_shown(fig), images, strict=True):
        np.testing.assert_array_equal(shown, image)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == [
        "Label: cat  Pred: cat",
        "Label: dog  Pred: owl",
        "Label: owl  Pred: owl",
        "Label: dog  Pred: Unknown",
    ]
    assert not any(ax.axison for ax in fig.axes)


def test_image_gallery_keras_grid_rule_and_value_range():
    # 5 images: ceil(sqrt(5)) = 3 rows, 5 // 3 = 1 column, so 3 panels.
    images = np.linspace(0, 1, 5 * 2 * 2 * 3, dtype="float32").reshape(5, 2, 2, 3)
    fig = plot_image_gallery(images, value_range=(0, 1), show=False)
    assert len(fig.axes) == 3
    np.testing.assert_array_equal(_shown(fig)[2], (images[2] * 255).astype("uint8"))
    fig = plot_image_gallery(images, rows=1, cols=2, show=False, scale=3)
    assert len(fig.axes) == 2
    assert tuple(fig.get_size_inches()) == (6.0, 3.0)


def test_image_gallery_channels_first_and_single_panel():
    images = _images(1)
    fig = plot_image_gallery(
        images.transpose(0, 3, 1, 2), data_format="channels_first", show=False
    )
    assert len(fig.axes) == 1
    np.testing.assert_array_equal(_shown(fig)[0], images[0])


def test_image_gallery_saves_and_closes(tmp_path):
    path = tmp_path / "gallery.png"
    before = plt.get_fignums()
    assert plot_image_gallery(_images(4), path=str(path)) is None
    assert path.stat().st_size > 0
    assert plt.imread(str(path)).ndim == 3
    assert plt.get_fignums() == before


def test_image_gallery_shows_and_closes():
    before = plt.get_fignums()
    assert plot_image_gallery(_images(1)) is None  # plt.show() is a no-op on Agg
    assert plt.get_fignums() == before


def test_image_gallery_legend_handles():
    from matplotlib import patches

    handles = [patches.Patch(color="red", label="thing")]
    fig = plot_image_gallery(_images(1), legend_handles=handles, show=False)
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["thing"]


def test_image_gallery_errors(tmp_path):
    with pytest.raises(ValueError, match="either `path` to be set, or `show`"):
        plot_image_gallery(_images(1), path=str(tmp_path / "a.png"), show=True)
    with pytest.raises(ValueError, match="a `label_map` must also be provided"):
        plot_image_gallery(_images(1), y_true=[0])
    with pytest.raises(ValueError, match=r"requires you to batch.*\(5, 6, 3\)"):
        plot_image_gallery(_images(1)[0])
    with pytest.raises(ValueError, match="2 x cols=2 = 4 panels, but only 3 images"):
        plot_image_gallery(_images(3), rows=2, cols=2, show=False)


def _detections():
    boxes = np.array([[[1, 1, 4, 3]], [[0, 0, 2, 2]]], "float32")
    return {"boxes": boxes, "labels": np.array([[0], [1]])}


def test_bounding_box_gallery_draws_true_then_predicted_boxes():
    images = _images(2, 6, 8)
    y_true = _detections()
    y_pred = {"boxes": y_true["boxes"] + 1, "labels": y_true["labels"]}
    fig = plot_bounding_box_gallery(
        images, "xyxy", y_true=y_true, y_pred=y_pred, legend=True, show=False
    )
    want = draw_bounding_boxes(images, y_true, "xyxy", color=(0, 188, 212))
    want = draw_bounding_boxes(want, y_pred, "xyxy", color=(255, 235, 59))
    assert len(fig.axes) == 2  # ceil(sqrt(2)) = 2 rows, 2 // 2 = 1 column
    for shown, image in zip(_shown(fig), want, strict=True):
        np.testing.assert_array_equal(shown, image)
    assert not np.array_equal(want, images)
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert labels == ["Ground Truth", "Prediction"]


def test_bounding_box_gallery_relative_boxes_and_errors():
    images = _images(2, 6, 8)
    rel = {"boxes": _detections()["boxes"] / 8, "labels": _detections()["labels"]}
    fig = plot_bounding_box_gallery(
        images, "rel_xyxy", y_true=rel, rows=1, cols=2, show=False
    )
    want = draw_bounding_boxes(images, rel, "rel_xyxy", color=(0, 188, 212))
    for shown, image in zip(_shown(fig), want, strict=True):
        np.testing.assert_array_equal(shown, image)
    with pytest.raises(ValueError, match="Only pass `legend` OR `legend_handles`"):
        plot_bounding_box_gallery(images, "xyxy", legend=True, legend_handles=[1])
    with pytest.raises(ValueError, match="must be batched 4D tensor"):
        plot_bounding_box_gallery(images[0], "xyxy")


def test_segmentation_mask_gallery_rows_of_image_truth_prediction():
    images = _images(2, 4, 5).astype("float32")
    rng = np.random.default_rng(1)
    y_true = rng.integers(0, 3, (2, 4, 5, 1))
    y_pred = rng.integers(0, 3, (2, 4, 5))
    fig = plot_segmentation_mask_gallery(
        images, num_classes=3, y_true=y_true, y_pred=y_pred, show=False
    )
    assert len(fig.axes) == 6  # 2 rows x (image, truth, prediction)
    shown = _shown(fig)
    truth = draw_segmentation_masks(images, y_true, num_classes=3)
    pred = draw_segmentation_masks(images, y_pred, num_classes=3)
    for i in range(2):
        np.testing.assert_array_equal(shown[3 * i], images[i].astype("uint8"))
        np.testing.assert_array_equal(shown[3 * i + 1], truth[i])
        np.testing.assert_array_equal(shown[3 * i + 2], pred[i])


def test_segmentation_mask_gallery_truth_only_channels_first():
    images = _images(1, 4, 5)
    masks = np.random.default_rng(2).integers(0, 2, (1, 1, 4, 5))
    fig = plot_segmentation_mask_gallery(
        images.transpose(0, 3, 1, 2),
        num_classes=2,
        y_true=masks,
        data_format="channels_first",
        show=False,
    )
    assert len(fig.axes) == 2
    want = draw_segmentation_masks(images, masks.transpose(0, 2, 3, 1), num_classes=2)
    np.testing.assert_array_equal(_shown(fig)[1], want[0])
    with pytest.raises(ValueError, match="must be batched 4D tensor"):
        plot_segmentation_mask_gallery(images[0], num_classes=2)
