"""GroupedQueryAttention: attention where groups of query heads share keys/values."""

from __future__ import annotations

import math
from typing import Any

import torch
import torch.nn.functional as F

from lamina import constraints, initializers, regularizers
from lamina.layers._checks import positive_int, rate_in_unit_interval
from lamina.layers.attention import _masking
from lamina.layers.attention._mha_setup import (
    as_tensor_like,
    build_on_first_call,
    build_projection,
    input_mask,
)
from lamina.layers.base import Layer


class GroupedQueryAttention(Layer):
    """Grouped-query attention (GQA), as in Ainslie et al., 2023.

    `num_query_heads` query heads share `num_key_value_heads` key/value heads:
    each key/value head serves `num_query_heads // num_key_value_heads`
    consecutive query heads. With as many key/value heads as query heads this is
    multi-head attention; with one it is multi-query attention. Keras exports
    it as `GroupQueryAttention`. Weights have Keras's layouts: query `(dim,
    num_query_heads, head_dim)`, key and value `(dim, num_key_value_heads,
    head_dim)`, output `(num_query_heads, head_dim, dim)`, each with a bias.

    Args:
        head_dim: size of each attention head.
        num_query_heads: number of query heads.
        num_key_value_heads: number of key and value heads; must divide
            `num_query_heads`.
        dropout: dropout rate on the attention probabilities.
        use_bias: whether the projections have biases.
        sliding_window: if set, a query attends only to keys within
            `sliding_window - 1` positions.
        flash_attention: accepted for Keras compatibility; PyTorch picks its
            fused kernel itself.
        kernel_initializer, bias_initializer, kernel_regularizer,
        bias_regularizer, activity_regularizer, kernel_constraint,
        bias_constraint: as in Dense.
        use_gate: multiply the attention output by a sigmoid gate of the query.
        seed: seed of the dropout.

    Call arguments:
        query: `(batch, target_len, dim)`.
        value: `(batch, source_len, dim)`.
        key: optional `(batch, source_len, dim)`; defaults to `value`.
        query_mask, value_mask, key_mask: optional boolean padding masks.
        attention_mask: optional boolean `(batch, target_len, source_len)`.
        return_attention_scores: also return `(batch, heads, target, source)`.
        training: whether dropout is active.
        use_causal_mask: hide future positions.

    Output shape:
        `(batch, target_len, dim)`.

    Example:
    >>> import lamina
    >>> layer = lamina.layers.GroupQueryAttention(4, 4, 2)
    >>> x = np.ones((2, 3, 8), "float32")
    >>> layer(x, x).shape
    torch.Size([2, 3, 8])
    """

    def __init__(
        self,
        head_dim: int,
        num_query_heads: int,
        num_key_value_heads: int,
        dropout: float = 0.0,
        use_bias: bool = True,
        sliding_window: int | None = None,
        flash_attention: bool | None = None,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
        bias_constraint: Any = None,
        use_gate: bool = False,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.supports_masking = True
        self.head_dim = positive_int("head_dim", head_dim)
        self.num_query_heads = positive_int("num_query_heads", num_query_heads)
        self.num_key_value_heads = positive_int(
            "num_key_value_heads", num_key_value_heads
        )
        if num_query_heads % num_key_value_heads:
            raise ValueError(
                "`num_query_heads` must be divisible by `num_key_value_heads`. "
                f"Received: num_query_heads={num_query_heads}, "
                f"num_key_value_heads={num_key_value_heads}"
            )
        self.num_repeats = num_query_heads // num_key_value_heads
        self.dropout = rate_in_unit_interval("dropout", dropout)
        self.use_bias = bool(use_bias)
        self.use_gate = bool(use_gate)
        if sliding_window is not None:
            sliding_window = positive_int("sliding_window", sliding_window)
        self.sliding_window = sliding_window
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.seed = seed

    # -- build ------------------------------------------------------------------
    def build(  # type: ignore[override]  # Keras's signature: query, value, key
        self, query_shape: Any, value_shape: Any, key_shape: Any = None
    ) -> None:
        """Creates the query, key, (gate,) value and output projections."""
        query_shape, value_shape = tuple(query_shape), tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        if len(query_shape) != 3 or query_shape[-1] != value_shape[-1]:
            raise ValueError(
                f"Layer '{self.name}' (GroupQueryAttention) expects query and value "
                "of shape (batch, length, dim) with the same last dimension. "
                f"Received: query_shape={query_shape}, value_shape={value_shape}"
            )
        q_heads = (self.num_query_heads, self.head_dim)
        kv_heads = (self.num_key_value_heads, self.head_dim)
        self._query_dense = build_projection(self, "query", 1, q_heads, query_shape)
        self._key_dense = build_projection(self, "key", 1, kv_heads, key_shape)
        if self.use_gate:
            self._gate_dense = build_projection(self, "gate", 1, q_heads, query_shape)
        self._value_dense = build_projection(self, "value", 1, kv_heads, value_shape)
        self._output_dense = build_projection(
            self, "attention_output", 2, (query_shape[-1],), (None, None, *q_heads)
        )
        self.built = True

    def _maybe_build(self, args: tuple, kwargs: dict) -> None:
        build_on_first_call(self, "GroupQueryAttention", args, kwargs)

    # -- call -------------------------------------------------------------------
    def call(
        self,
        query: torch.Tensor,
        value: Any,
        key: Any = None,
        query_mask: Any = None,
        value_mask: Any = None,
        key_mask: Any = None,
        attention_mask: Any = None,
        return_attention_scores: bool = False,
        training: bool | None = None,
        use_causal_mask: bool = False,
    ) -> Any:
        query_mask = input_mask(query, query_mask)
        value_mask = input_mask(value, value_mask)
        key_mask = None if key is None else input_mask(key, key_mask)
        value = as_tensor_like(value, query)
        key = value if key is None else as_tensor_like(key, query)
        mask = self._attention_mask(
            query, value, query_mask, value_mask, key_mask, attention_mask,
            use_causal_mask,
        )  # fmt: skip
        # (B, heads, T, head_dim); each key/value head serves `num_repeats` heads.
        q = self._query_dense(query).transpose(1, 2)
        k = self._key_dense(key).transpose(1, 2)
        v = self._value_dense(value).transpose(1, 2)
        k = k.repeat_interleave(self.num_repeats, dim=1)
        v = v.repeat_interleave(self.num_repeats, dim=1)
        if mask is not None:
            mask = mask.unsqueeze(1) if mask.dim() == 3 else mask
        out, scores = self._attend(q, k, v, mask, return_attention_scores, training)
        out = out.transpose(1, 2)  # (B, T, heads, head_dim)
        if self.use_gate:
            out = out * torch.sigmoid(self._gate_dense(query))
        out = self._output_dense(out)
        return (out, scores) if return_attention_scores else out

    def _attention_mask(
        self,
        query: torch.Tensor,
        value: torch.Tensor,
        query_mask: Any,
        value_mask: Any,
        key_mask: Any,
        attention_mask: Any,
        causal: bool,
    ) -> torch.Tensor | None:
        """The combined boolean mask `(B, T, S)` (broadcastable), as Keras's."""
        t_q, t_k = query.shape[1], value.shape[1]
        return _masking.combine(
            None if query_mask is None else query_mask.bool().unsqueeze(-1),
            None if value_mask is None else value_mask.bool().unsqueeze(-2),
            None if key_mask is None else key_mask.bool().unsqueeze(-2),
            _masking.causal_mask(t_q, t_k, query.device) if causal else None,
            None
            if self.sliding_window is None
            else _masking.band_mask(t_q, t_k, query.device, self.sliding_window),
            _masking.as_mask(attention_mask, query),
        )

    def _attend(
        self,
        q: torch.Tensor,
        k: torch.Tensor,
        v: torch.Tensor,
        mask: torch.Tensor | None,
        want_scores: bool,
        training: Any,
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        scale = 1.0 / math.sqrt(self.head_dim)
        rate = self.dropout if training else 0.0
        if want_scores or self.dropout > 0:
            # Keras's explicit path: masked probabilities are exactly zero.
            scores = _masking.masked_softmax(
                torch.matmul(q * scale, k.transpose(-1, -2)), mask, zero_masked=True
            )
            dropped = F.dropout(scores, rate, training=True) if rate else scores
            return torch.matmul(dropped, v), scores
        out = F.scaled_dot_product_attention(
            q, k, v, attn_mask=_masking.additive(mask, q.dtype), scale=scale
        )
        return out, None

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "head_dim": self.head_dim,
            "num_query_heads": self.num_query_heads,
            "num_key_value_heads": self.num_key_value_heads,
            "use_bias": self.use_bias,
            "use_gate": self.use_gate,
            "sliding_window": self.sliding_window,
            "dropout": self.dropout,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "seed": self.seed,
        }


GroupQueryAttention = GroupedQueryAttention
