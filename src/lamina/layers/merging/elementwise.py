"""Element-wise merging layers: Add, Subtract, Multiply, Average, Maximum, Minimum."""

from __future__ import annotations

import functools
from typing import Any

import torch

from lamina.layers.merging._merge import Merge, shape_list


class Add(Merge):
    """Adds a list of inputs element-wise.

    Takes a list of tensors of the same shape (or broadcastable shapes) and
    returns their sum, of the same shape.

    Example:
    >>> import lamina
    >>> lamina.layers.Add()([np.ones((2, 3)), np.ones((2, 3))]).shape
    torch.Size([2, 3])
    """

    def _merge(self, inputs: list[torch.Tensor]) -> torch.Tensor:
        return functools.reduce(torch.add, inputs)


class Subtract(Merge):
    """Subtracts two inputs: `inputs[0] - inputs[1]`.

    Raises:
        ValueError: when not called on exactly 2 inputs.

    Example:
    >>> import lamina
    >>> lamina.layers.Subtract()([np.ones((2, 3)), np.ones((2, 3))]).shape
    torch.Size([2, 3])
    """

    def build(self, input_shape: Any) -> None:
        shapes = shape_list(self, input_shape)
        if len(shapes) != 2:
            raise ValueError(
                "A `Subtract` layer should be called on exactly 2 inputs. "
                f"Received: input_shape={shapes}"
            )
        super().build(shapes)

    def _merge(self, inputs: list[torch.Tensor]) -> torch.Tensor:
        if len(inputs) != 2:
            raise ValueError(
                "A `Subtract` layer should be called on exactly 2 inputs. "
                f"Received: {len(inputs)} inputs"
            )
        return inputs[0] - inputs[1]


class Multiply(Merge):
    """Multiplies a list of inputs element-wise.

    With input masks, masked entries count as 1, and positions masked in every
    input give 0 (as Keras).

    Example:
    >>> import lamina
    >>> lamina.layers.Multiply()([np.ones((2, 3)), np.ones((2, 3))]).shape
    torch.Size([2, 3])
    """

    def _merge(self, inputs: list[torch.Tensor]) -> torch.Tensor:
        return functools.reduce(torch.mul, inputs)

    def _merge_masked(
        self, inputs: list[torch.Tensor], masks: list[torch.Tensor]
    ) -> torch.Tensor:
        # Masked entries count as 1; positions masked in every input give 0.
        one = torch.ones((), dtype=inputs[0].dtype, device=inputs[0].device)
        out = self._merge(
            [torch.where(m, x, one) for x, m in zip(inputs, masks, strict=True)]
        )
        return out * functools.reduce(torch.logical_or, masks).to(out.dtype)


class Average(Merge):
    """Averages a list of inputs element-wise (integer inputs give floats).

    Example:
    >>> import lamina
    >>> lamina.layers.Average()([np.ones((2, 3)), np.zeros((2, 3))])[0, 0].item()
    0.5
    """

    def _merge(self, inputs: list[torch.Tensor]) -> torch.Tensor:
        return functools.reduce(torch.add, inputs) / len(inputs)


class Maximum(Merge):
    """Element-wise maximum of a list of inputs.

    With input masks, only unmasked entries compete; where every input is
    masked, the first input's value is kept (as Keras).

    Example:
    >>> import lamina
    >>> lamina.layers.Maximum()([np.ones((2, 3)), np.zeros((2, 3))])[0, 0].item()
    1.0
    """

    def _merge(self, inputs: list[torch.Tensor]) -> torch.Tensor:
        return functools.reduce(torch.maximum, inputs)

    def _merge_masked(
        self, inputs: list[torch.Tensor], masks: list[torch.Tensor]
    ) -> torch.Tensor:
        return _extremum_masked(self._merge, inputs, masks, -float("inf"))


class Minimum(Merge):
    """Element-wise minimum of a list of inputs (masks as in `Maximum`).

    Example:
    >>> import lamina
    >>> lamina.layers.Minimum()([np.ones((2, 3)), np.zeros((2, 3))])[0, 0].item()
    0.0
    """

    def _merge(self, inputs: list[torch.Tensor]) -> torch.Tensor:
        return functools.reduce(torch.minimum, inputs)

    def _merge_masked(
        self, inputs: list[torch.Tensor], masks: list[torch.Tensor]
    ) -> torch.Tensor:
        return _extremum_masked(self._merge, inputs, masks, float("inf"))


def _extremum_masked(
    merge: Any, inputs: list[torch.Tensor], masks: list[torch.Tensor], fill: float
) -> torch.Tensor:
    """Maximum/minimum over unmasked entries; the first input where all are masked."""
    out = merge([torch.where(m, x, fill) for x, m in zip(inputs, masks, strict=True)])
    return torch.where(functools.reduce(torch.logical_or, masks), out, inputs[0])
