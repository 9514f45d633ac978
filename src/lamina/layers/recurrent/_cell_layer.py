"""The shared base of SimpleRNN, LSTM and GRU: an RNN that owns its cell."""

from __future__ import annotations

from typing import Any

from lamina import regularizers
from lamina.layers.base import Layer
from lamina.layers.recurrent._cell_utils import serialize
from lamina.layers.recurrent.rnn import RNN

# Cell hyperparameters readable on the layer (`LSTM(4).units`).
_FORWARDED = frozenset(
    {
        "units",
        "activation",
        "recurrent_activation",
        "use_bias",
        "unit_forget_bias",
        "reset_after",
        "kernel_initializer",
        "recurrent_initializer",
        "bias_initializer",
        "kernel_regularizer",
        "recurrent_regularizer",
        "bias_regularizer",
        "kernel_constraint",
        "recurrent_constraint",
        "bias_constraint",
        "dropout",
        "recurrent_dropout",
        "seed",
    }
)

_RNN_ARGS = (
    "return_sequences",
    "return_state",
    "go_backwards",
    "stateful",
    "unroll",
    "zero_output_for_mask",
)


def split_kwargs(kwargs: dict) -> tuple[dict, dict]:
    """Splits a layer's keyword arguments into (cell's, RNN's)."""
    rnn = {k: kwargs.pop(k) for k in _RNN_ARGS if k in kwargs}
    kwargs.pop("implementation", None)  # Keras 2 argument, accepted and unused
    cell = {"dtype": kwargs.get("dtype"), "trainable": kwargs.get("trainable", True)}
    return cell, {**rnn, **kwargs}


def shared_with_cell(kwargs: dict) -> dict:
    """The base-layer arguments a layer hands to its cell: `dtype`, `trainable`.

    Also drops Keras 2's `implementation` from `kwargs` (accepted and unused).
    """
    kwargs.pop("implementation", None)
    return {"dtype": kwargs.get("dtype"), "trainable": kwargs.get("trainable", True)}


_USE_CUDNN = ("auto", True, False)


class CellLayer(RNN):
    """An RNN built from its cell's arguments; its config is flat, as in Keras.

    `use_cudnn`: `"auto"` (the default) or `True` run PyTorch's fused kernel
    whenever the cell allows it (cuDNN on a GPU); `False` always runs the step
    loop, which gives the same numbers.
    """

    def __init__(self, cell: Any, use_cudnn: Any = "auto", **kwargs: Any) -> None:
        if use_cudnn not in _USE_CUDNN:
            raise ValueError(
                "`use_cudnn` must be 'auto', True or False. "
                f"Received: use_cudnn={use_cudnn!r}"
            )
        super().__init__(cell, **kwargs)
        self.use_cudnn = use_cudnn

    def _run_fused(self, x: Any, states: list, mask: Any, training: Any) -> Any:
        if self.use_cudnn is False:  # the caller asked for the step loop
            return None
        return super()._run_fused(x, states, mask, training)

    def __getattr__(self, name: str) -> Any:
        if name in _FORWARDED:
            cell = self.__dict__.get("_modules", {}).get("cell")
            if cell is not None:
                return getattr(cell, name)
        return super().__getattr__(name)

    def get_config(self) -> dict:
        cell_config = self.cell.get_config()
        for key in ("name", "trainable", "dtype"):
            cell_config.pop(key, None)
        return {
            **Layer.get_config(self),
            **self._rnn_config(),
            **cell_config,
            "activity_regularizer": serialize(regularizers, self.activity_regularizer),
        }

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> CellLayer:
        return cls(**config)
