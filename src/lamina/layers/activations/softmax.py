"""Softmax: the softmax activation as a layer, with an optional mask."""

from __future__ import annotations

from typing import Any

import torch

from lamina.layers.base import Layer


def _large_negative(dtype: torch.dtype) -> float:
    """The fill value for masked logits: -1e9, or -3e4 where float16 overflows."""
    return -3e4 if dtype == torch.float16 else -1e9


class Softmax(Layer):
    """Softmax activation: `exp(x - max(x)) / sum(exp(x - max(x)))` along `axis`.

    Where a `mask` is given (1 keep, 0 drop; broadcastable to the inputs), the
    masked logits are replaced by a large negative number before the softmax and
    the masked outputs are set to 0 after it, so a fully masked row is all zeros.

    Args:
        axis: axis, or list of axes, of the normalization (default -1).

    Call arguments:
        inputs: the logits.
        mask: optional boolean (or 0/1) mask broadcastable to `inputs`.

    Input shape:
        Any.

    Output shape:
        Same as the input.

    Example:
    >>> import lamina
    >>> out = lamina.layers.Softmax()(np.array([[1.0, 1.0]]))
    >>> out.tolist()
    [[0.5, 0.5]]
    """

    def __init__(self, axis: Any = -1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.axis = axis
        self.supports_masking = True
        self.built = True

    def _check_mask(self, inputs: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        ok = mask.dim() <= inputs.dim() and all(
            m in (1, i)
            for m, i in zip(reversed(mask.shape), reversed(inputs.shape), strict=False)
        )
        if not ok:
            raise ValueError(
                f"Layer '{self.name}': the `mask` must be broadcastable to `inputs` "
                "(each mask dimension 1 or equal to the input's, no extra "
                f"dimensions). Received: inputs.shape={tuple(inputs.shape)}, "
                f"mask.shape={tuple(mask.shape)}"
            )
        return mask if mask.dtype == torch.bool else mask > 0.5

    def call(self, inputs: torch.Tensor, mask: Any = None) -> torch.Tensor:
        if mask is not None:
            mask = self._check_mask(inputs, torch.as_tensor(mask, device=inputs.device))
            inputs = inputs.masked_fill(~mask, _large_negative(inputs.dtype))
        axis = self.axis
        if isinstance(axis, (list, tuple)) and len(axis) == 1:
            axis = axis[0]
        if isinstance(axis, (list, tuple)):
            lse = torch.logsumexp(inputs, dim=tuple(axis), keepdim=True)
            outputs = torch.exp(inputs - lse)
        else:
            outputs = torch.softmax(inputs, dim=axis)
        if mask is not None:
            outputs = outputs.masked_fill(~mask, 0.0)
        return outputs

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis}
