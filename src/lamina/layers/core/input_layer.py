"""InputLayer and `Input()`: the entry point of a model."""

from __future__ import annotations

import warnings
from typing import Any

from lamina import backend
from lamina.layers._checks import checked_batch_shape
from lamina.layers._symbolic import KerasTensor, Node
from lamina.layers.base import Layer

_WARNED: set[str] = set()


def _from_input_tensor(
    tensor: Any, shape: Any, batch_size: Any, batch_shape: Any, dtype: Any, sparse: Any
) -> tuple:
    """`input_tensor=` defines the input: its batch shape, dtype and sparsity
    (any of `shape`, `batch_size`, `batch_shape`, `dtype` also given must agree)."""
    if not isinstance(tensor, KerasTensor):
        raise ValueError(
            "Argument `input_tensor` must be a KerasTensor (e.g. the output of "
            f"`Input()`). Received invalid type: input_tensor={tensor!r} (of type "
            f"{type(tensor).__name__}). To start a model from data, use "
            "`Input(shape=data.shape[1:])`."
        )
    want = tuple(tensor.shape)
    clashes = {
        "batch_size": batch_size is not None and (not want or want[0] != batch_size),
        "shape": shape is not None and tuple(shape) != want[1:],
        "batch_shape": batch_shape is not None and tuple(batch_shape) != want,
        "dtype": dtype is not None and backend.standardize_dtype(dtype) != tensor.dtype,
        "sparse": sparse is not None
        and bool(sparse) != bool(getattr(tensor, "sparse", False)),
    }
    for arg, clash in clashes.items():
        if clash:
            raise ValueError(
                f"When providing the `input_tensor` argument, you cannot provide an "
                f"incompatible `{arg}` argument. The tensor has shape {want} and "
                f"dtype {tensor.dtype}."
            )
    return want, tensor.dtype, getattr(tensor, "sparse", False)


class InputLayer(Layer):
    """The layer behind `Input()`: holds the input's shape and dtype.

    Args:
        shape: shape of one sample, without the batch axis.
        batch_size: optional fixed batch size.
        dtype: dtype of the input (default floatx).
        sparse: accepted for compatibility; sparse inputs are not supported.
        ragged: only False/None: ragged tensors need Keras's TensorFlow
            backend, and `ragged=True` raises a `ValueError` (as Keras on torch).
        batch_shape: full shape with the batch axis, instead of `shape`.
        input_tensor: a `KerasTensor` whose shape and dtype define the input.
        optional: whether the input may be None.
        name: the input's name.
    """

    def __init__(
        self,
        shape: Any = None,
        batch_size: int | None = None,
        dtype: Any = None,
        sparse: bool | None = None,
        ragged: bool | None = None,
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
        if ragged:
            raise ValueError(
                "`ragged=True` is not supported with the torch backend (as in "
                f"Keras). Received: ragged={ragged!r}. Pad the sequences "
                "(`lamina.utils.pad_sequences`) and use a dense input, with "
                "masking (`mask_zero=True` or a `Masking` layer) if needed."
            )
        self.ragged = False
        if input_tensor is not None:
            batch_shape, dtype, sparse = _from_input_tensor(
                input_tensor, shape, batch_size, batch_shape, dtype, sparse
            )
            shape = None
        if shape is not None and batch_shape is not None:
            raise ValueError(
                "Pass `shape` or `batch_shape` to Input, not both. Received: "
                f"shape={shape}, batch_shape={batch_shape}"
            )
        if batch_size is not None and batch_shape is not None:
            raise ValueError(
                "Pass `batch_size` or `batch_shape` to Input, not both (the batch "
                f"size is `batch_shape[0]`). Received: batch_size={batch_size}, "
                f"batch_shape={batch_shape}"
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
        if self.sparse and "sparse" not in _WARNED:  # Keras (torch) refuses it
            _WARNED.add("sparse")
            warnings.warn(
                "`Input(sparse=True)`: lamina has no sparse tensors; the input is "
                "dense (a scipy sparse `x` is densified batch by batch in `fit`, "
                "`evaluate` and `predict`). This warning is shown once.",
                UserWarning,
                stacklevel=2,
            )
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
            "ragged": self.ragged,
            "name": self.name,
            "optional": self.optional,
        }


def Input(
    shape: Any = None,
    batch_size: int | None = None,
    dtype: Any = None,
    sparse: bool | None = None,
    ragged: bool | None = None,
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
        ragged: only False/None (ragged tensors need the TensorFlow backend).
        batch_shape: full shape including the batch axis.
        name: the input's name.
        tensor: a `KerasTensor` whose shape and dtype define the input.
        optional: whether the input may be None.

    Returns:
        A `KerasTensor` to call layers on.
    """
    layer = InputLayer(
        shape=shape,
        batch_size=batch_size,
        dtype=dtype,
        sparse=sparse,
        ragged=ragged,
        batch_shape=batch_shape,
        name=name,
        input_tensor=tensor,
        optional=optional,
    )
    return layer.output
