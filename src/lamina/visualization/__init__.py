"""Watch the data transform: layer-by-layer outputs, plots of them, learning
curves and `plot_model` without graphviz.

`layer_outputs` needs nothing beyond lamina; the plots need matplotlib (the
optional `plot` extra). Every plot returns a matplotlib figure.
"""

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
    "layer_outputs",
    "model_to_dot",
    "plot_activation_histograms",
    "plot_feature_maps",
    "plot_history",
    "plot_layer_outputs",
    "plot_model",
    "plot_unit_curves",
    "plot_unit_maps",
    "plot_weight_histograms",
]
