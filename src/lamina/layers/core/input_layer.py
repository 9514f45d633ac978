"""InputLayer and `Input()`: the entry point of a model."""

from __future__ import annotations

import warnings
from typing import Any

from lamina import backend
from lamina.layers._checks import checked_batch_shape
from lamina.layers._symbolic import KerasTensor, Node
from lamina.layers.base import Layer


class InputLayer(Layer):
    """The layer behind `Input()`: holds the input's shape and dtype.

    Args:
        shape: shape of one sample, without the batch axis.
        batch_size: optional fixed batch size.
        dtype: dtype of the input (default floatx).
        sparse: accepted for compatibility; sparse inputs are not supported.
        batch_shape: full shape with the batch axis, instead of `shape`.
        name: the input's name.
    """

    def __init__(
        self,
        shape: Any = None,
        batch_size: int | None = None,
        dtype: Any = None,
        sparse: bool | None = None,
        batch_shape: Any = None,
        input_tensor: Any = None,
        optional: bool = False,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        if "input_shape" in kwargs:  # Keras 3 still accepts it, with a warning
            warnings.warn(
                "Argument `input_shape` is deprecated. Use `shape` instead.",
                stacklevel=2,
            )
            shape = kwargs.pop("input_shape")
        if "batch_input_shape" in kwargs:
            batch_shape = kwargs.pop("batch_input_shape")
        super().__init__(name=name, **kwargs)
        if shape is not None and batch_shape is not None:
            raise ValueError(
                "Pass `shape` or `batch_shape` to Input, not both. Received: "
                f"shape={shape}, batch_shape={batch_shape}"
            )
        if batch_shape is None:
            if shape is None:
                raise ValueError(
                    "Input needs a `shape` (the shape of one sample, without the "
                    "batch axis), e.g. `Input(shape=(3,))`."
                )
            if isinstance(shape, int):
                shape = (shape,)
            batch_shape = (batch_size, *tuple(shape))
        self._batch_shape = checked_batch_shape(batch_shape, shape)
        self._dtype = backend.standardize_dtype(dtype)
        self.sparse = bool(sparse)
        self.optional = optional
        self.built = True
        tensor = KerasTensor(self._batch_shape, self._dtype, name=self.name)
        tensor.node = Node(self, (), {}, tensor)
        self._inbound_nodes.append(tensor.node)

    @property
    def output(self) -> KerasTensor:
        """The symbolic tensor that `Input()` returns."""
        return self._inbound_nodes[0].outputs

    @property
    def input(self) -> KerasTensor:
        return self.output

    @property
    def batch_shape(self) -> tuple:
        return self._batch_shape

    @property
    def dtype(self) -> str:
        return self._dtype

    def call(self, inputs: Any) -> Any:
        return inputs

    def get_config(self) -> dict:
        return {
            "batch_shape": self._batch_shape,
            "dtype": self._dtype,
            "sparse": self.sparse,
            "name": self.name,
        }


def Input(
    shape: Any = None,
    batch_size: int | None = None,
    dtype: Any = None,
    sparse: bool | None = None,
    batch_shape: Any = None,
    name: str | None = None,
    tensor: Any = None,
    optional: bool = False,
) -> KerasTensor:
    """Creates a symbolic input for a model: `Input(shape=(3,))`.

    Args:
        shape: shape of one sample, without the batch axis.
        batch_size: optional fixed batch size.
        dtype: the input's dtype (default floatx).
        sparse: accepted for compatibility.
        batch_shape: full shape including the batch axis.
        name: the input's name.

    Returns:
        A `KerasTensor` to call layers on.
    """
    layer = InputLayer(
        shape=shape,
        batch_size=batch_size,
        dtype=dtype,
        sparse=sparse,
        batch_shape=batch_shape,
        name=name,
        optional=optional,
    )
    return layer.output
