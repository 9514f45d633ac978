"""Watch the data transform: layer-by-layer outputs, plots of them, learning
curves and `plot_model` without graphviz.

`layer_outputs` needs nothing beyond lamina; the plots need matplotlib (the
optional `plot` extra). Every plot returns a matplotlib figure, except Keras's
image galleries (`plot_*_gallery`), which show or save their figure and close
it as Keras does, returning it only with `show=False`. Keras's drawing
functions (`draw_bounding_boxes`, `draw_segmentation_masks`) return arrays.
"""

from lamina.visualization._draw_boxes import draw_bounding_boxes
from lamina.visualization._draw_masks import draw_segmentation_masks
from lamina.visualization._galleries import (
    plot_bounding_box_gallery,
    plot_image_gallery,
    plot_segmentation_mask_gallery,
)
from lamina.visualization._history_plot import plot_history
from lamina.visualization._layer_outputs import LayerOutput, layer_outputs
from lamina.visualization._layer_plots import (
    plot_activation_histograms,
    plot_feature_maps,
    plot_layer_outputs,
    plot_unit_curves,
    plot_unit_maps,
    plot_weight_histograms,
)
from lamina.visualization._plot_model import model_to_dot, plot_model

__all__ = [
    "LayerOutput",
    "draw_bounding_boxes",
    "draw_segmentation_masks",
    "layer_outputs",
    "model_to_dot",
    "plot_activation_histograms",
    "plot_bounding_box_gallery",
    "plot_feature_maps",
    "plot_history",
    "plot_image_gallery",
    "plot_layer_outputs",
    "plot_model",
    "plot_segmentation_mask_gallery",
    "plot_unit_curves",
    "plot_unit_maps",
    "plot_weight_histograms",
]
