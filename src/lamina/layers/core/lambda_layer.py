"""Lambda: wraps an arbitrary function of tensors as a layer."""

from __future__ import annotations

import inspect
from typing import Any

from lamina.layers.base import Layer


class Lambda(Layer):
    """Wraps a function as a layer: `Lambda(lambda x: x * 2)`.

    Args:
        function: the function, called as `function(inputs, **arguments)`; it may
            also take `mask` and `training`.
        output_shape: the output shape, if it cannot be inferred.
        mask: a mask, or a function `(inputs, mask) -> mask`.
        arguments: extra keyword arguments for `function`.
    """

    def __init__(
        self,
        function: Any,
        output_shape: Any = None,
        mask: Any = None,
        arguments: dict | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if not callable(function):
            raise TypeError(
                f"`function` must be callable. Received: function={function!r}"
            )
        self.function = function
        self._output_shape = output_shape
        self.mask = mask
        self.arguments = dict(arguments or {})
        params = inspect.signature(function).parameters
        self._fn_mask = "mask" in params
        self._fn_training = "training" in params
        self.supports_masking = mask is not None

    def call(self, inputs: Any, mask: Any = None, training: Any = None) -> Any:
        kwargs = dict(self.arguments)
        if self._fn_mask:
            kwargs["mask"] = mask
        if self._fn_training:
            kwargs["training"] = training
        return self.function(inputs, **kwargs)

    def compute_mask(self, inputs: Any, previous_mask: Any = None) -> Any:
        if callable(self.mask):
            return self.mask(inputs, previous_mask)
        return self.mask

    def compute_output_shape(self, input_shape: Any) -> Any:
        if self._output_shape is None:
            return super().compute_output_shape(input_shape)
        if callable(self._output_shape):
            return self._output_shape(input_shape)
        return (input_shape[0], *tuple(self._output_shape))

    def get_config(self) -> dict:
        from lamina.saving._lambda import serialize_function

        return {
            **super().get_config(),
            "function": serialize_function(self.function),
            "output_shape": self._output_shape,
            "arguments": self.arguments,
        }

    @classmethod
    def from_config(
        cls,
        config: dict,
        custom_objects: dict | None = None,
        safe_mode: bool | None = None,
    ) -> Lambda:
        from lamina.saving._lambda import deserialize_function

        config = dict(config)
        config["function"] = deserialize_function(
            config["function"], custom_objects, safe_mode
        )
        return cls(**config)
