"""ActivityRegularization: adds an L1/L2 penalty on its input to the model's loss."""

from __future__ import annotations

from typing import Any

import torch

from lamina import regularizers
from lamina.layers.base import Layer


class ActivityRegularization(Layer):
    """Identity on its input, plus a loss `(l1 * sum|x| + l2 * sum x**2) / batch`.

    The penalty is recorded at each call and appears in `layer.losses`; `fit`
    adds it to the training loss.

    Args:
        l1: non-negative L1 factor.
        l2: non-negative L2 factor.

    Input shape:
        any shape.

    Output shape:
        same as the input.
    """

    def __init__(self, l1: float = 0.0, l2: float = 0.0, **kwargs: Any) -> None:
        kwargs.pop("activity_regularizer", None)
        penalty = regularizers.L1L2(l1=l1, l2=l2)
        super().__init__(activity_regularizer=penalty, **kwargs)
        self.l1 = float(l1)
        self.l2 = float(l2)
        self.supports_masking = True

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        return inputs

    def get_config(self) -> dict:
        return {**super().get_config(), "l1": self.l1, "l2": self.l2}
