"""The parts a `FeatureSpace` is made of: `Feature` (one input column and its
preprocessing layer), `Cross` (a hashed cross of columns) and `TFDIdentity`
(the preprocessor of plain float features).

Their configs use Keras's module, class and registered names, so a
FeatureSpace config written by Keras loads here and the other way round.
"""

from __future__ import annotations

from typing import Any

from lamina import _registry
from lamina.layers.base import Layer
from lamina.layers.preprocessing._index_lookup import IndexLookup
from lamina.saving import serialization_lib

# Where Keras keeps these classes; its files name this module.
KERAS_MODULE = "keras.src.layers.preprocessing.feature_space"

FEATURE_MODES = ("int", "one_hot", "float")
CROSS_MODES = ("int", "one_hot")
# The dtypes of a feature's input: numbers become torch tensors, strings stay
# in numpy on the host.
FEATURE_DTYPES = ("float32", "int32", "int64", "string")


def _keras_entry(class_name: str, config: dict) -> dict:
    return {
        "module": KERAS_MODULE,
        "class_name": class_name,
        "config": config,
        "registered_name": class_name,
    }


def _check_mode(mode: Any, allowed: tuple) -> None:
    if mode not in allowed:
        raise ValueError(
            "Invalid value for argument `output_mode`. Expected one of "
            f"{set(allowed)}. Received: output_mode={mode}"
        )


class TFDIdentity(Layer):
    """Passes a float feature through unchanged (float32).

    Keras's name for it; it runs on torch tensors, on the inputs' device.
    """

    def call(self, inputs: Any) -> Any:
        return inputs

    def get_config(self) -> dict:
        return super().get_config()


def serialize_preprocessor(layer: Any) -> dict:
    """`layer`'s config entry; the identity carries Keras's module name.

    An adapted StringLookup/IntegerLookup writes its vocabulary into its
    config, so a model rebuilt from the config knows each one-hot width
    before any weights load (Keras keeps it in the file's assets instead).
    """
    entry = serialization_lib.serialize_keras_object(layer)
    if isinstance(layer, TFDIdentity):
        entry = {**_keras_entry("TFDIdentity", entry["config"])}
    if isinstance(layer, IndexLookup) and layer.input_vocabulary is None:
        tokens = layer.get_vocabulary(include_special_tokens=False)
        if tokens and not layer.invert:
            config = dict(entry["config"])
            config["vocabulary"] = tokens
            idf = getattr(layer, "_idf", None)
            if config.get("output_mode") == "tf_idf" and idf is not None:
                config["idf_weights"] = idf[layer._token_start_index() :].tolist()
            entry = {**entry, "config": config}
    return entry


class Feature:
    """One feature of a `FeatureSpace`: its input dtype, the layer that
    preprocesses it, and how the result is encoded.

    Args:
        dtype: the input's dtype: `"float32"`, `"int32"`, `"int64"` or
            `"string"`.
        preprocessor: a preprocessing layer (or its serialized config).
        output_mode: `"int"` (the preprocessor's output as is), `"one_hot"`
            (integer ids encoded as one-hot vectors) or `"float"`.

    Raises:
        ValueError: for an unknown `output_mode` or `dtype`, or a
            `preprocessor` that is not a layer.
    """

    def __init__(self, dtype: str, preprocessor: Any, output_mode: str) -> None:
        _check_mode(output_mode, FEATURE_MODES)
        if dtype not in FEATURE_DTYPES:
            raise ValueError(
                f"Invalid value for argument `dtype` of a feature. Expected one of "
                f"{list(FEATURE_DTYPES)}. Received: dtype={dtype!r}"
            )
        if isinstance(preprocessor, dict):
            preprocessor = serialization_lib.deserialize_keras_object(preprocessor)
        if not callable(preprocessor):
            raise ValueError(
                "The `preprocessor` of a feature must be a preprocessing layer, "
                f"e.g. `layers.StringLookup()`. Received: {preprocessor!r}"
            )
        self.dtype = dtype
        self.preprocessor = preprocessor
        self.output_mode = output_mode

    def get_config(self) -> dict:
        return {
            "dtype": self.dtype,
            "preprocessor": serialize_preprocessor(self.preprocessor),
            "output_mode": self.output_mode,
        }

    @classmethod
    def from_config(cls, config: dict) -> Feature:
        return cls(**config)

    def serialize(self) -> dict:
        """The entry Keras writes for this feature in a FeatureSpace config."""
        return _keras_entry("Feature", self.get_config())

    def __repr__(self) -> str:
        return (
            f"<Feature dtype={self.dtype}, output_mode={self.output_mode}, "
            f"preprocessor={type(self.preprocessor).__name__}>"
        )


class Cross:
    """A cross of two or more features, hashed into `crossing_dim` bins.

    Args:
        feature_names: the names of the crossed features.
        crossing_dim: the number of hash bins.
        output_mode: `"one_hot"` (default) or `"int"`.
    """

    def __init__(
        self, feature_names: Any, crossing_dim: int, output_mode: str = "one_hot"
    ) -> None:
        _check_mode(output_mode, CROSS_MODES)
        self.feature_names = tuple(feature_names)
        if len(self.feature_names) < 2:
            raise ValueError(
                "A feature cross needs at least two feature names. Received: "
                f"feature_names={self.feature_names}"
            )
        if not isinstance(crossing_dim, int) or crossing_dim < 1:
            raise ValueError(
                "`crossing_dim` must be a positive integer (the number of hash "
                f"bins). Received: crossing_dim={crossing_dim!r}"
            )
        self.crossing_dim = crossing_dim
        self.output_mode = output_mode

    @property
    def name(self) -> str:
        """The cross's name: the feature names joined by `_X_`."""
        return "_X_".join(self.feature_names)

    def get_config(self) -> dict:
        return {
            "feature_names": self.feature_names,
            "crossing_dim": self.crossing_dim,
            "output_mode": self.output_mode,
        }

    @classmethod
    def from_config(cls, config: dict) -> Cross:
        return cls(**config)

    def serialize(self) -> dict:
        """The entry Keras writes for this cross in a FeatureSpace config."""
        config = self.get_config()
        return _keras_entry(
            "Cross", {**config, "feature_names": list(config["feature_names"])}
        )

    def __repr__(self) -> str:
        return f"<Cross {self.name}, crossing_dim={self.crossing_dim}>"


# Keras's files name these classes (registered_name "Feature", "Cross").
_registry.register_builtin("layers", Feature)
_registry.register_builtin("layers", Cross)
