"""Utilities: seeding, one-hot labels, summaries."""

from __future__ import annotations

from typing import Any

from lamina.backend import clear_session, set_random_seed, standardize_dtype
from lamina.saving import (
    CustomObjectScope,
    custom_object_scope,
    deserialize_keras_object,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
    serialize_keras_object,
)
from lamina.utils import bounding_boxes
from lamina.utils._graph_utils import get_source_inputs, is_keras_tensor
from lamina.utils.audio_dataset import audio_dataset_from_directory
from lamina.utils.config import Config
from lamina.utils.dataset_utils import split_dataset
from lamina.utils.feature_space import FeatureSpace
from lamina.utils.file_utils import get_file
from lamina.utils.image_dataset import image_dataset_from_directory
from lamina.utils.image_utils import array_to_img, img_to_array, load_img, save_img
from lamina.utils.io_utils import (
    disable_interactive_logging,
    enable_interactive_logging,
    is_interactive_logging_enabled,
)
from lamina.utils.numerical_utils import normalize, to_categorical
from lamina.utils.packing import pack_x_y_sample_weight, unpack_x_y_sample_weight
from lamina.utils.progbar import Progbar
from lamina.utils.py_dataset import PyDataset, Sequence
from lamina.utils.sequence_utils import pad_sequences
from lamina.utils.text_dataset import text_dataset_from_directory
from lamina.utils.timeseries_dataset import timeseries_dataset_from_array

# Drawing lives in lamina.visualization, above models (which import utils): a
# true cycle, so these names are resolved on first use.
_VISUALIZATION = ("layer_outputs", "model_to_dot", "plot_model")


def __getattr__(name: str) -> Any:
    if name in _VISUALIZATION:
        from lamina import visualization

        return getattr(visualization, name)
    raise AttributeError(f"module 'lamina.utils' has no attribute '{name}'")


__all__ = [
    "Config",
    "FeatureSpace",
    "CustomObjectScope",
    "custom_object_scope",
    "deserialize_keras_object",
    "get_custom_objects",
    "get_registered_name",
    "get_registered_object",
    "register_keras_serializable",
    "serialize_keras_object",
    "standardize_dtype",
    "Progbar",
    "PyDataset",
    "layer_outputs",
    "model_to_dot",
    "plot_model",
    "Sequence",
    "array_to_img",
    "audio_dataset_from_directory",
    "bounding_boxes",
    "clear_session",
    "disable_interactive_logging",
    "enable_interactive_logging",
    "get_source_inputs",
    "get_file",
    "image_dataset_from_directory",
    "img_to_array",
    "load_img",
    "is_interactive_logging_enabled",
    "is_keras_tensor",
    "normalize",
    "pack_x_y_sample_weight",
    "pad_sequences",
    "save_img",
    "set_random_seed",
    "split_dataset",
    "text_dataset_from_directory",
    "timeseries_dataset_from_array",
    "to_categorical",
    "unpack_x_y_sample_weight",
]
