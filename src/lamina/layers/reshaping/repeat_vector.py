"""RepeatVector: repeats a vector along a new time axis."""

from __future__ import annotations

from typing import Any

import torch

from lamina.layers.base import Layer
from lamina.layers.input_spec import InputSpec


class RepeatVector(Layer):
    """Repeats each `(features,)` sample `n` times: `(batch, n, features)`.

    The output is a broadcast view of the input (no copy).

    Args:
        n: positive integer, number of repetitions.

    Input shape:
        `(batch, features)`.

    Output shape:
        `(batch, n, features)`.

    Example:
    >>> import lamina
    >>> lamina.layers.RepeatVector(3)(np.ones((2, 4))).shape
    torch.Size([2, 3, 4])
    """

    def __init__(self, n: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if isinstance(n, bool) or not hasattr(n, "__index__"):
            raise TypeError(f"Expected an integer value for `n`, got {type(n)}.")
        if n <= 0:
            raise ValueError(
                f"Argument `n` should be a positive integer. Received: n={n}"
            )
        self.n = int(n)
        self.input_spec = InputSpec(ndim=2)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        return inputs.unsqueeze(1).expand(-1, self.n, -1)

    def get_config(self) -> dict:
        return {**super().get_config(), "n": self.n}
