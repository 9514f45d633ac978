"""Reshape: gives each sample a new shape."""

from __future__ import annotations

import math
from typing import Any

import torch

from lamina.layers.base import Layer


class Reshape(Layer):
    """Reshapes each sample to `target_shape` (the batch axis is kept).

    Args:
        target_shape: the new shape of one sample; one entry may be -1.

    Input shape:
        `(batch, ...)`.

    Output shape:
        `(batch, *target_shape)`.
    """

    def __init__(self, target_shape: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        target_shape = tuple(int(d) for d in target_shape)
        if sum(d == -1 for d in target_shape) > 1 or any(
            d == 0 or d < -1 for d in target_shape
        ):
            raise ValueError(
                "`target_shape` must contain positive sizes and at most one -1. "
                f"Received: target_shape={target_shape}"
            )
        self.target_shape = target_shape

    def build(self, input_shape: tuple) -> None:
        sizes = input_shape[1:]
        if None in sizes or -1 not in self.target_shape:
            known = [d for d in self.target_shape if d != -1]
            if None not in sizes and math.prod(sizes) != math.prod(known):
                raise ValueError(
                    f"Layer '{self.name}': cannot reshape samples of shape "
                    f"{tuple(sizes)} ({math.prod(sizes)} values) to "
                    f"target_shape={self.target_shape}."
                )
            return
        known = math.prod(d for d in self.target_shape if d != -1)
        if math.prod(sizes) % known:
            raise ValueError(
                f"Layer '{self.name}': cannot reshape samples of shape {tuple(sizes)} "
                f"to target_shape={self.target_shape}."
            )

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        target = self.target_shape
        if -1 in target:  # resolved here: reshape(0, -1) fails on 0 samples
            known = math.prod(d for d in target if d != -1)
            free = math.prod(inputs.shape[1:]) // known
            target = tuple(free if d == -1 else d for d in target)
        return inputs.reshape(inputs.shape[0], *target)

    def get_config(self) -> dict:
        return {**super().get_config(), "target_shape": self.target_shape}
