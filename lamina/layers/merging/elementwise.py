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

    Example:
    >>> import lamina
    >>> lamina.layers.Multiply()([np.ones((2, 3)), np.ones((2, 3))]).shape
    torch.Size([2, 3])
    """

    def _merge(self, inputs: list[torch.Tensor]) -> torch.Tensor:
        return functools.reduce(torch.mul, inputs)


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

    Example:
    >>> import lamina
    >>> lamina.layers.Maximum()([np.ones((2, 3)), np.zeros((2, 3))])[0, 0].item()
    1.0
    """

    def _merge(self, inputs: list[torch.Tensor]) -> torch.Tensor:
        return functools.reduce(torch.maximum, inputs)


class Minimum(Merge):
    """Element-wise minimum of a list of inputs.

    Example:
    >>> import lamina
    >>> lamina.layers.Minimum()([np.ones((2, 3)), np.zeros((2, 3))])[0, 0].item()
    0.0
    """

    def _merge(self, inputs: list[torch.Tensor]) -> torch.Tensor:
        return functools.reduce(torch.minimum, inputs)
