"""The shared base of SimpleRNN, LSTM and GRU: an RNN that owns its cell."""

from __future__ import annotations

import inspect
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


def cell_from_args(cell_class: type, name: str, args: dict) -> tuple[Layer, dict]:
    """Builds a layer's cell from its constructor's `locals()`.

    Every argument of `cell_class` is taken from `args` by name; `args["kwargs"]`
    is split by `split_kwargs`. Returns the cell and the keyword arguments left
    for `RNN`.
    """
    cell_kwargs, rnn_kwargs = split_kwargs(args["kwargs"])
    params = inspect.signature(cell_class).parameters
    cell_args = {key: args[key] for key in params if key != "kwargs"}
    return cell_class(**cell_args, name=name, **cell_kwargs), rnn_kwargs


class CellLayer(RNN):
    """An RNN built from its cell's arguments; its config is flat, as in Keras."""

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
