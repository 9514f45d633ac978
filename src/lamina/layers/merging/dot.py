"""Dot: the batched dot product of two inputs."""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from lamina import backend
from lamina.layers.base import Layer
from lamina.layers.merging._merge import shape_list


def _check_axes(axes: Any) -> Any:
    if isinstance(axes, (list, tuple)):
        if len(axes) != 2:
            raise ValueError(
                "Invalid format for argument `axes`: it should contain two "
                f"elements. Received: axes={axes}"
            )
        if not all(isinstance(a, int) and not isinstance(a, bool) for a in axes):
            raise ValueError(
                "Invalid format for argument `axes`: list elements should be "
                f"integers. Received: axes={axes}"
            )
        return list(axes)
    if isinstance(axes, int) and not isinstance(axes, bool):
        return axes
    raise TypeError(
        "Invalid type for argument `axes`: it should be a list or an int. "
        f"Received: axes={axes}"
    )


class Dot(Layer):
    """Dot product between samples of two tensors, over the given axes.

    For inputs `x` of shape `(batch, n)` and `y` of shape `(batch, n)`, the
    output has shape `(batch, 1)` with `output[i] = sum(x[i] * y[i])`. In
    general the axes `axes` of `x` and `y` are contracted (Keras's
    `batch_dot`): the output keeps `x`'s other axes, then `y`'s.

    Args:
        axes: an int, or a pair of ints, the axis (axes) to contract.
        normalize: L2-normalize both inputs along the dot axes first, so the
            output is the cosine proximity.

    Raises:
        TypeError/ValueError: for malformed `axes`, a list of other than 2
            inputs, mismatched axis sizes or a batch axis.

    Example:
    >>> import lamina
    >>> lamina.layers.Dot(axes=1)([np.ones((2, 3)), np.ones((2, 3))])[0, 0].item()
    3.0
    """

    def __init__(self, axes: Any, normalize: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.axes = _check_axes(axes)
        self.normalize = bool(normalize)

    def _resolved_axes(self, rank1: int, rank2: int) -> tuple[int, int]:
        if isinstance(self.axes, int):
            pair = [self.axes, self.axes]
        else:
            pair = list(self.axes)
        a1 = pair[0] % rank1 if pair[0] < 0 else pair[0]
        a2 = pair[1] % rank2 if pair[1] < 0 else pair[1]
        if a1 == 0 or a2 == 0:
            raise ValueError(
                f"Cannot perform batch_dot over axis 0. Received: axes={self.axes}. "
                "If your inputs are not batched, add a dummy batch dimension to "
                "your inputs using `keras.ops.expand_dims(x, 0)`."
            )
        return a1, a2

    def build(self, input_shape: Any) -> None:
        shapes = shape_list(self, input_shape)
        if len(shapes) != 2:
            raise ValueError(
                "A `Dot` layer should be called on a list of 2 inputs. "
                f"Received: input_shape={shapes}"
            )
        shape1, shape2 = shapes
        a1, a2 = self._resolved_axes(len(shape1), len(shape2))
        if (
            shape1[a1] is not None
            and shape2[a2] is not None
            and (shape1[a1] != shape2[a2])
        ):
            raise ValueError(
                f"Incompatible input shapes: axis values {shape1[a1]} (at axis "
                f"{a1}) != {shape2[a2]} (at axis {a2}). Full input shapes: "
                f"{shape1}, {shape2}"
            )
        self.built = True

    def call(self, inputs: list[torch.Tensor]) -> torch.Tensor:
        if len(inputs) != 2:
            raise ValueError(
                "A `Dot` layer should be called on a list of 2 inputs. "
                f"Received: {len(inputs)} inputs"
            )
        x, y = inputs
        a1, a2 = self._resolved_axes(x.dim(), y.dim())
        if self.normalize:
            x = F.normalize(x, p=2.0, dim=a1, eps=backend.epsilon())
            y = F.normalize(y, p=2.0, dim=a2, eps=backend.epsilon())
        return _batch_dot(x, y, a1, a2)

    def compute_mask(self, inputs: Any, previous_mask: Any = None) -> Any:
        return None

    def get_config(self) -> dict:
        return {**super().get_config(), "axes": self.axes, "normalize": self.normalize}


def _batch_dot(x: torch.Tensor, y: torch.Tensor, a1: int, a2: int) -> torch.Tensor:
    """Contracts `x`'s axis `a1` with `y`'s axis `a2`, batch axis shared."""
    x = x.movedim(a1, -1)  # (B, *xr, K)
    y = y.movedim(a2, 1)  # (B, K, *yr)
    x_rest, y_rest = x.shape[1:-1], y.shape[2:]
    out = torch.bmm(x.reshape(x.shape[0], -1, x.shape[-1]), y.reshape(*y.shape[:2], -1))
    out = out.reshape(x.shape[0], *x_rest, *y_rest)
    return out.unsqueeze(-1) if out.dim() == 1 else out
