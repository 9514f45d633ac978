"""Pipeline: a sequence of (preprocessing) layers applied one after another."""

from __future__ import annotations

from typing import Any

from lamina.layers.base import Layer
from lamina.saving import serialization as _serialization


class Pipeline(Layer):
    """Applies `layers` in order; meant for preprocessing and augmentation.

    Unlike `Sequential`, a Pipeline is a plain layer: no model API, and a
    direct call runs in training mode (`training=True` by default), so that
    `Pipeline([RandomFlip(), RandomRotation(0.1)])(images)` augments, as in
    Keras. Inside a model, the model's training flag applies. Each layer's
    mask is passed to the next.

    Args:
        layers: list of layers.
        name: the layer's name.

    Example:
    >>> import lamina
    >>> pipe = lamina.layers.Pipeline([lamina.layers.Rescaling(2.0)])
    >>> pipe(np.ones((1, 2))).tolist()
    [[2.0, 2.0]]
    """

    def __init__(self, layers: list, name: str | None = None, **kwargs: Any) -> None:
        super().__init__(name=name, **kwargs)
        self._pipeline_layers = list(layers)

    @property
    def layers(self) -> list:
        return list(self._pipeline_layers)

    def _resolve_training(self, kwargs: dict, outer: bool) -> Any:
        # Keras's `call(training=True)` default: a direct call augments.
        if kwargs.get("training") is None and outer:
            kwargs["training"] = True
        return super()._resolve_training(kwargs, outer)

    def call(self, inputs: Any, training: Any = True, mask: Any = None) -> Any:
        for layer in self._pipeline_layers:
            kwargs = {}
            if getattr(layer, "_call_has_mask", False):
                kwargs["mask"] = mask
            if getattr(layer, "_call_has_training", False) and training is not None:
                kwargs["training"] = training
            inputs = layer(inputs, **kwargs)
            mask = getattr(inputs, "_keras_mask", None)
        return inputs

    def get_config(self) -> dict:
        return {
            "layers": [
                _serialization.serialize_layer(layer) for layer in self._pipeline_layers
            ],
            "name": self.name,
        }

    @classmethod
    def from_config(cls, config: dict, custom_objects: Any = None) -> Pipeline:
        layers = config.get("layers")
        if not isinstance(layers, (list, tuple)):
            raise ValueError(
                "`Pipeline` config must contain a `layers` key mapping to a list of "
                f"serialized layers. Received config with layers={layers}."
            )
        built = [
            _serialization.deserialize_layer(x, custom_objects=custom_objects)
            if isinstance(x, dict)
            else x
            for x in layers
        ]
        return cls(built, name=config.get("name"))
