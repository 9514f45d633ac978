"""Moves MultiHeadAttention's heads and attention axes into SDPA's layout.

A projected tensor has shape `(B, *axes, H, D)`. The attention axes are
gathered and flattened into one sequence axis, the other axes are folded into
the batch: `(N, H, T, D)`, the layout `F.scaled_dot_product_attention` takes.
For the usual `(B, T, dim)` inputs this is a transposed view, no copy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class AttentionLayout:
    """The permutation between `(B, *axes, H, D)` and `(B, *batch, H, *attn, D)`.

    Attributes:
        rank: rank of the projected tensor, `len((B, *axes, H, D))`.
        attention_axes: input axes attended over (1-based, batch is 0).
    """

    rank: int
    attention_axes: tuple

    @property
    def batch_axes(self) -> tuple:
        return tuple(a for a in range(1, self.rank - 2) if a not in self.attention_axes)

    @property
    def permutation(self) -> tuple:
        h, d = self.rank - 2, self.rank - 1
        return (0, *self.batch_axes, h, *self.attention_axes, d)

    @property
    def is_standard(self) -> bool:
        """True for `(B, T, H, D)` tensors attended over `T`."""
        return self.rank == 4

    def to_heads(self, x: torch.Tensor) -> torch.Tensor:
        """`(B, *axes, H, D)` -> `(N, H, T, D)`."""
        x = x.permute(self.permutation)
        if self.is_standard:
            return x
        n_batch = 1 + len(self.batch_axes)
        n = math.prod(x.shape[:n_batch])
        t = math.prod(x.shape[n_batch + 1 : -1])
        return x.reshape(n, x.shape[n_batch], t, x.shape[-1])

    def from_heads(self, x: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
        """`(N, H, T, D)` -> `(B, *axes, H, D)`, with `like`'s axis sizes."""
        if not self.is_standard:
            perm_shape = [like.shape[p] for p in self.permutation[:-1]]
            x = x.reshape(*perm_shape, x.shape[-1])
        inverse = [0] * self.rank
        for i, p in enumerate(self.permutation):
            inverse[p] = i
        return x.permute(inverse)

    def scores_shape(self, query: torch.Tensor, key: torch.Tensor) -> tuple:
        """Keras's score layout: `(B, *batch, H, *query_attn, *key_attn)`."""
        lead = [query.shape[p] for p in self.permutation[: len(self.batch_axes) + 2]]
        return (
            *lead,
            *(query.shape[a] for a in self.attention_axes),
            *(key.shape[a] for a in self.attention_axes),
        )

    def flat_mask(
        self, mask: torch.Tensor, query: torch.Tensor, key: torch.Tensor
    ) -> torch.Tensor:
        """Mask `(B, *batch, *query_attn, *key_attn)` (broadcastable) -> `(N, 1, Tq, Tk)`."""
        n_attn = len(self.attention_axes)
        mask = mask.unsqueeze(-2 * n_attn - 1)  # the head axis
        if self.is_standard:
            return mask
        shape = list(self.scores_shape(query, key))
        shape[len(self.batch_axes) + 1] = 1
        mask = torch.broadcast_to(mask, shape)
        tq = math.prod(shape[len(shape) - 2 * n_attn : len(shape) - n_attn])
        return mask.reshape(-1, 1, tq, math.prod(shape[len(shape) - n_attn :]))
