"""StackedRNNCells: several cells run one after another at each timestep."""

from __future__ import annotations

from typing import Any

import torch

from lamina.layers.base import Layer
from lamina.layers.recurrent._cell_utils import as_state_list
from lamina.saving import deserialize_layer, serialize_layer


class StackedRNNCells(Layer):
    """Wraps a list of cells so that they behave as one cell.

    At each timestep the output of a cell is the input of the next; the states
    are the list of each cell's states.

    Args:
        cells: list of cells.

    Example:
    >>> import lamina
    >>> import numpy as np
    >>> cells = [lamina.layers.LSTMCell(4), lamina.layers.GRUCell(3)]
    >>> lamina.layers.RNN(cells)(np.ones((2, 5, 6), "float32")).shape
    torch.Size([2, 3])
    """

    def __init__(self, cells: list, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        for cell in cells:
            if not callable(getattr(cell, "call", None)) or not hasattr(
                cell, "state_size"
            ):
                raise ValueError(
                    "All cells must have a `call` method and a `state_size` "
                    f"attribute. Received: cells={cells!r}"
                )
        self.cells = list(cells)

    @property
    def state_size(self) -> list:
        return [cell.state_size for cell in self.cells]

    @property
    def output_size(self) -> int:
        last = self.cells[-1]
        return getattr(last, "output_size", None) or as_state_list(last.state_size)[0]

    def build(self, input_shape: tuple) -> None:
        shape = tuple(input_shape)
        for cell in self.cells:
            if isinstance(cell, Layer) and not cell.built:
                cell.build(shape)
                cell.built = True
            shape = (shape[0], _output_size(cell))
        self.built = True

    def reset_dropout_masks(self) -> None:
        """Forgets every cell's dropout masks."""
        for cell in self.cells:
            if hasattr(cell, "reset_dropout_masks"):
                cell.reset_dropout_masks()

    def call(
        self, inputs: torch.Tensor, states: list, training: bool | None = None
    ) -> tuple[torch.Tensor, list]:
        new_states = []
        x = inputs
        for cell, cell_states in zip(self.cells, states, strict=True):
            if getattr(cell, "_call_has_training", False):
                x, new = cell.call(x, cell_states, training=training)
            else:
                x, new = cell.call(x, cell_states)
            if isinstance(cell.state_size, int):
                new = as_state_list(new)[0]
            new_states.append(new)
        return x, new_states

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "cells": [serialize_layer(cell) for cell in self.cells],
        }

    @classmethod
    def from_config(
        cls, config: dict, custom_objects: dict | None = None
    ) -> StackedRNNCells:
        config = dict(config)
        cells = [deserialize_layer(c, custom_objects) for c in config.pop("cells")]
        return cls(cells, **config)


def _output_size(cell: Any) -> int:
    size = getattr(cell, "output_size", None)
    if size is None:
        size = cell.state_size
    return as_state_list(size)[0]
