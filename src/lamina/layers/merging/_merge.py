"""`Merge`: the base of the element-wise merging layers (Add, Multiply, ...)."""

from __future__ import annotations

from typing import Any

import torch

from lamina.layers.base import Layer


def shape_list(layer: Layer, input_shape: Any) -> list[tuple]:
    """Returns `input_shape` as a list of shape tuples, or raises like Keras."""
    if (
        not isinstance(input_shape, (list, tuple))
        or not input_shape
        or not all(isinstance(s, (list, tuple)) for s in input_shape)
    ):
        raise ValueError(
            f"A merge layer should be called on a list of inputs. Received: "
            f"input_shape={input_shape} (not a list of shapes)"
        )
    return [tuple(s) for s in input_shape]


def check_batch_sizes(shapes: list[tuple]) -> None:
    """Raises when two known batch sizes differ."""
    batches = {s[0] for s in shapes if s and s[0] is not None}
    if len(batches) > 1:
        raise ValueError(
            "Cannot merge tensors with different batch sizes. Received tensors "
            f"with shapes {shapes}"
        )


def broadcast_shapes(shape1: tuple, shape2: tuple) -> tuple:
    """Broadcasts two shapes (without batch axis) from the right, like Keras."""
    if len(shape1) < len(shape2):
        shape1, shape2 = shape2, shape1
    out = list(shape1[: len(shape1) - len(shape2)])
    for a, b in zip(shape1[len(shape1) - len(shape2) :], shape2, strict=True):
        if a is None or b is None:
            out.append(None)
        elif a == 1 or b == 1 or a == b:
            out.append(a if b == 1 else b)
        else:
            raise ValueError(
                "Inputs have incompatible shapes. Received shapes "
                f"{shape1} and {shape2}"
            )
    return tuple(out)


class Merge(Layer):
    """Base of the layers that merge a list of tensors element by element.

    Inputs of lower rank gain axes right after the batch axis until every input
    has the same rank; then ordinary broadcasting applies. The output mask is
    the union of the input masks, or None when any input has no mask.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.supports_masking = True

    def build(self, input_shape: Any) -> None:
        shapes = shape_list(self, input_shape)
        check_batch_sizes(shapes)
        out = shapes[0][1:]
        for shape in shapes[1:]:
            out = broadcast_shapes(out, shape[1:])
        self.built = True

    def _merge(self, inputs: list[torch.Tensor]) -> torch.Tensor:
        raise NotImplementedError

    def _merge_masked(
        self, inputs: list[torch.Tensor], masks: list[torch.Tensor]
    ) -> torch.Tensor:
        """Merges with input masks; by default the masks leave values alone."""
        return self._merge(inputs)

    def call(self, inputs: list[torch.Tensor], mask: Any = None) -> torch.Tensor:
        rank = max(x.dim() for x in inputs)
        if mask is not None and isinstance(mask, (list, tuple)):
            masks = [_full_mask(x, m, rank) for x, m in zip(inputs, mask, strict=False)]
            inputs = [_expand_after_batch(x, rank) for x in inputs]
            return self._merge_masked(inputs, masks)
        return self._merge([_expand_after_batch(x, rank) for x in inputs])

    def compute_mask(self, inputs: Any, previous_mask: Any = None) -> Any:
        if previous_mask is None:
            return None
        if not isinstance(previous_mask, (list, tuple)):
            raise ValueError(f"`mask` should be a list. Received: mask={previous_mask}")
        if any(m is None for m in previous_mask):
            return None
        out = previous_mask[0].bool()
        for m in previous_mask[1:]:
            out = out | m.bool()
        return out


def _expand_after_batch(x: torch.Tensor, rank: int) -> torch.Tensor:
    if x.dim() == rank:
        return x
    return x.reshape(x.shape[0], *([1] * (rank - x.dim())), *x.shape[1:])


def _full_mask(x: torch.Tensor, mask: Any, rank: int) -> torch.Tensor:
    """`x`'s mask (all True when None) with `x`'s rank, expanded like `x`."""
    if mask is None:
        return torch.ones((), dtype=torch.bool, device=x.device)
    mask = torch.as_tensor(mask, device=x.device).bool()
    while mask.dim() < x.dim():
        mask = mask.unsqueeze(-1)
    return _expand_after_batch(mask, rank)
