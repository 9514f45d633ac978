"""Attention: dot-product (Luong-style) attention over a [query, value, key] list."""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from lamina.layers._checks import rate_in_unit_interval
from lamina.layers.attention import _masking
from lamina.layers.base import Layer

_SCORE_MODES = ("dot", "concat")


def _unpack(inputs: Any, mask: Any) -> tuple:
    """Checks the input and mask lists; returns `(q, v, k, q_mask, v_mask)`."""
    if not isinstance(inputs, (list, tuple)):
        raise ValueError(
            "Attention layer must be called on a list of inputs, namely "
            "[query, value] or [query, value, key]. "
            f"Received: inputs={inputs}."
        )
    if len(inputs) not in (2, 3):
        raise ValueError(
            "Attention layer accepts inputs list of length 2 or 3, namely "
            "[query, value] or [query, value, key]. "
            f"Received length: {len(inputs)}."
        )
    q, v = inputs[0], inputs[1]
    k = inputs[2] if len(inputs) == 3 else v
    if mask is None:
        return q, v, k, None, None
    if not isinstance(mask, (list, tuple)):
        raise ValueError(
            "Attention layer mask must be a list, namely [query_mask, value_mask]. "
            f"Received: mask={mask}."
        )
    if len(mask) not in (2, 3):
        raise ValueError(
            "Attention layer accepts mask list of length 2 or 3. "
            f"Received: mask list of length {len(mask)}."
        )
    return q, v, k, _masking.as_mask(mask[0], q), _masking.as_mask(mask[1], q)


class Attention(Layer):
    """Dot-product attention layer, a.k.a. Luong-style attention.

    With `query` `(B, Tq, dim)`, `value` `(B, Tv, dim)` and `key` (default
    `value`): `scores = query @ key^T` (`"dot"`), or
    `concat_score_weight * sum(tanh(query_i + key_j))` (`"concat"`), times a
    learned scalar `scale` when `use_scale`; masked keys get a large negative;
    `softmax` over keys, dropout, then a weighted sum of `value`. Outputs at
    masked query positions are zero.

    Args:
        use_scale: learn a scalar that scales the scores.
        score_mode: `"dot"` or `"concat"`.
        dropout: dropout rate on the attention distribution.
        seed: seed of the dropout (kept in the config).

    Call arguments:
        inputs: `[query, value]` or `[query, value, key]`.
        mask: `[query_mask, value_mask]` boolean masks (default: the inputs'
            Keras masks).
        training: apply dropout.
        return_attention_scores: also return the attention distribution
            `(B, Tq, Tv)`.
        use_causal_mask: query `i` only sees keys `j <= i`.

    Example:
    >>> import lamina
    >>> lamina.layers.Attention()([np.ones((1, 2, 4)), np.ones((1, 3, 4))]).shape
    torch.Size([1, 2, 4])
    """

    def __init__(
        self,
        use_scale: bool = False,
        score_mode: str = "dot",
        dropout: float = 0.0,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if score_mode not in _SCORE_MODES:
            raise ValueError(
                "Invalid value for argument score_mode. Expected one of "
                f"{{'dot', 'concat'}}. Received: score_mode={score_mode}"
            )
        self.use_scale = bool(use_scale)
        self.score_mode = score_mode
        self.dropout = rate_in_unit_interval("dropout", dropout)
        self.seed = seed
        self.supports_masking = True

    def build(self, input_shape: Any) -> None:
        self.scale = None
        self.concat_score_weight = None
        if self.use_scale:
            self.scale = self.add_weight(shape=(), initializer="ones", name="scale")
        if self.score_mode == "concat":
            self.concat_score_weight = self.add_weight(
                shape=(), initializer="ones", name="concat_score_weight"
            )
        self.built = True

    def _calculate_scores(self, query: torch.Tensor, key: torch.Tensor) -> torch.Tensor:
        """Scores `(B, Tq, Tv)` of every query against every key."""
        if self.score_mode == "dot":
            scores = torch.matmul(query, key.transpose(-1, -2))
            return scores * self.scale if self.scale is not None else scores
        pairs = query.unsqueeze(-2) + key.unsqueeze(-3)  # (B, Tq, Tv, dim)
        if self.scale is not None:
            pairs = pairs * self.scale
        return self.concat_score_weight * torch.tanh(pairs).sum(dim=-1)

    def call(
        self,
        inputs: Any,
        mask: Any = None,
        training: bool | None = None,
        return_attention_scores: bool = False,
        use_causal_mask: bool = False,
    ) -> Any:
        q, v, k, q_mask, v_mask = _unpack(inputs, mask)
        keep = None if v_mask is None else v_mask.bool().unsqueeze(-2)
        if use_causal_mask:
            causal = _masking.causal_mask(q.shape[-2], k.shape[-2], q.device)
            keep = _masking.combine(keep, causal)
        rate = self.dropout if training else 0.0
        if self._fused(return_attention_scores):
            out = F.scaled_dot_product_attention(
                q if self.scale is None else q * self.scale,
                k,
                v,
                attn_mask=_masking.additive(keep, q.dtype),
                dropout_p=rate,
                scale=1.0,
            )
            weights = None
        else:
            weights = _masking.masked_softmax(
                self._calculate_scores(q, k), keep, zero_masked=False
            )
            if rate:
                weights = F.dropout(weights, rate, training=True)
            out = torch.matmul(weights, v)
        if q_mask is not None:
            out = out * q_mask.unsqueeze(-1).to(out.dtype)
        return (out, weights) if return_attention_scores else out

    def _fused(self, return_attention_scores: bool) -> bool:
        return self.score_mode == "dot" and not return_attention_scores

    def compute_mask(self, inputs: Any, previous_mask: Any = None) -> Any:
        if previous_mask is None or not isinstance(previous_mask, (list, tuple)):
            return None
        q_mask = previous_mask[0]
        return _masking.as_mask(q_mask, inputs[0])

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "use_scale": self.use_scale,
            "score_mode": self.score_mode,
            "dropout": self.dropout,
            "seed": self.seed,
        }
