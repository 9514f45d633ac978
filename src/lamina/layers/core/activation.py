"""Activation: applies an activation function to its input."""

from __future__ import annotations

from typing import Any

import torch

from lamina import activations
from lamina.layers.base import Layer


class Activation(Layer):
    """Applies an activation function to an output.

    Args:
        activation: activation name (`"relu"`) or function.

    Input shape:
        Any.

    Output shape:
        Same as the input.

    Example:
    >>> import lamina
    >>> lamina.layers.Activation("relu")(np.array([[-1.0, 2.0]])).tolist()
    [[0.0, 2.0]]
    """

    def __init__(self, activation: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.activation = activations.get(activation)
        self.supports_masking = True

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        return self.activation(inputs)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "activation": activations.serialize(self.activation),
        }
