"""MultiHeadAttention, with Keras's weights and PyTorch's fused attention."""

from __future__ import annotations

import math
from typing import Any

import torch
import torch.nn.functional as F

from lamina import constraints, initializers, regularizers
from lamina.layers import _symbolic
from lamina.layers._checks import positive_int, rate_in_unit_interval
from lamina.layers.attention import _masking
from lamina.layers.attention._layout import AttentionLayout
from lamina.layers.attention._mha_setup import (
    as_tensor_like,
    build_on_first_call,
    build_projection,
    check_shapes,
    input_mask,
    normalize_axes,
    normalize_output_shape,
)
from lamina.layers.base import Layer


class MultiHeadAttention(Layer):
    """Multi-head attention, as in "Attention is all you Need" (Vaswani et al.).

    Query, key and value are projected to `num_heads` heads
    (`softmax(q k^T / sqrt(key_dim)) v` per head), the heads' outputs are
    concatenated and projected back to the query's feature size (or
    `output_shape`). Weights keep Keras's layout: kernels
    `(dim, num_heads, key_dim)` with biases `(num_heads, key_dim)` for query
    and key, `(dim, num_heads, value_dim)` for value, and
    `(num_heads, value_dim, *output_shape)` for the output. The attention runs
    in `F.scaled_dot_product_attention` unless scores are requested.

    Args:
        num_heads: number of attention heads.
        key_dim: size of each head for query and key.
        value_dim: size of each head for value (default `key_dim`).
        dropout: dropout rate on the attention probabilities.
        use_bias: whether the projections have biases.
        output_shape: trailing output shape (int or tuple); default the query's
            last dimension.
        attention_axes: axes attended over; default all but batch and features.
        sliding_window: positive int; query `i` only sees keys with
            `|i - j| < sliding_window`.
        flash_attention: accepted for compatibility; the fused kernel is used
            whenever attention scores are not requested.
        kernel_initializer, bias_initializer, kernel_regularizer,
        bias_regularizer, activity_regularizer, kernel_constraint,
        bias_constraint: as in `Dense`, for every projection.
        use_gate: gate the heads' outputs with `sigmoid(query projection)`.
        seed: seed of the dropout (kept in the config).

    Call arguments:
        query: `(B, T, dim)`. value: `(B, S, dim)`. key: `(B, S, dim)`,
        default `value`. query_mask, value_mask, key_mask: boolean `(B, T)`
        / `(B, S)` masks, default the inputs' Keras masks. attention_mask:
        boolean `(B, T, S)`, True where attention is allowed.
        return_attention_scores: also return the probabilities
        `(B, num_heads, T, S)`. training: apply dropout.
        use_causal_mask: query `i` only sees keys `j <= i`.

    Example:
    >>> import lamina
    >>> mha = lamina.layers.MultiHeadAttention(num_heads=2, key_dim=4)
    >>> mha(np.ones((1, 3, 8)), np.ones((1, 5, 8))).shape
    torch.Size([1, 3, 8])
    """

    def __init__(
        self,
        num_heads: int,
        key_dim: int,
        value_dim: int | None = None,
        dropout: float = 0.0,
        use_bias: bool = True,
        output_shape: Any = None,
        attention_axes: Any = None,
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
        self.num_heads = positive_int("num_heads", num_heads)
        self.key_dim = positive_int("key_dim", key_dim)
        self.value_dim = (
            self.key_dim if value_dim is None else positive_int("value_dim", value_dim)
        )
        self.dropout = rate_in_unit_interval("dropout", dropout)
        self.use_bias = bool(use_bias)
        self._output_shape = normalize_output_shape(output_shape)
        self.attention_axes = normalize_axes(attention_axes)
        self.sliding_window = (
            None
            if sliding_window is None
            else positive_int("sliding_window", sliding_window)
        )
        self.flash_attention = flash_attention
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.use_gate = bool(use_gate)
        self.seed = seed
        self.supports_masking = True
        self._layout: AttentionLayout | None = None

    # -- build ------------------------------------------------------------------
    def build(self, query_shape: Any, value_shape: Any, key_shape: Any = None) -> None:
        """Creates the projections for the query, value and key shapes."""
        query_shape, value_shape = tuple(query_shape), tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        check_shapes(self.name, query_shape, value_shape, key_shape)
        rank = len(query_shape)
        axes = self.attention_axes
        if axes is None:
            axes = tuple(range(1, rank - 1))
        axes = tuple(a % rank if a < 0 else a for a in axes)
        if any(not 0 < a < rank - 1 for a in axes):
            raise ValueError(
                f"`attention_axes` must be axes of the query other than the batch "
                f"and feature axes (1 to {rank - 2}). Received: "
                f"attention_axes={self.attention_axes} for query shape {query_shape}"
            )
        self.attention_axes = axes
        self._layout = AttentionLayout(rank + 1, tuple(sorted(axes)))
        heads_k, heads_v = (
            (self.num_heads, self.key_dim),
            (self.num_heads, self.value_dim),
        )
        out_shape = self._output_shape or (query_shape[-1],)
        self._query_dense = build_projection(self, "query", 1, heads_k, query_shape)
        self._key_dense = build_projection(self, "key", 1, heads_k, key_shape)
        if self.use_gate:
            self._gate_dense = build_projection(self, "gate", 1, heads_v, query_shape)
        self._value_dense = build_projection(self, "value", 1, heads_v, value_shape)
        self._output_dense = build_projection(
            self, "attention_output", 2, out_shape, (*query_shape[:-1], *heads_v)
        )
        self.built = True

    def _maybe_build(self, args: tuple, kwargs: dict) -> None:
        build_on_first_call(self, "MultiHeadAttention", args, kwargs)

    def compute_output_shape(
        self, query_shape: Any, value_shape: Any, key_shape: Any = None
    ) -> tuple:
        """Output shape for the given query, value (and key) shapes."""
        query = _symbolic.KerasTensor(tuple(query_shape))
        value = _symbolic.KerasTensor(tuple(value_shape))
        key = None if key_shape is None else _symbolic.KerasTensor(tuple(key_shape))
        if not self.built:
            self.build(query.shape, value.shape, None if key is None else key.shape)
        return _symbolic.meta_call(self, (query, value), {"key": key}).shape

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
        key_mask = value_mask if key is None else input_mask(key, key_mask)
        value = as_tensor_like(value, query)
        key = value if key is None else as_tensor_like(key, query)
        q = self._query_dense(query)  # (B, *axes, H, key_dim)
        k = self._key_dense(key)
        v = self._value_dense(value)  # (B, *axes, H, value_dim)
        attention_mask = _masking.as_mask(attention_mask, query)
        padding = _padding_mask(query_mask, value_mask, key_mask, attention_mask)
        out, scores = self._attend(
            q, k, v, padding, use_causal_mask, return_attention_scores, bool(training)
        )
        if self.use_gate:
            out = out * torch.sigmoid(self._gate_dense(query))
        out = self._output_dense(out)
        return (out, scores) if return_attention_scores else out

    def _attend(
        self,
        q: torch.Tensor,
        k: torch.Tensor,
        v: torch.Tensor,
        padding: torch.Tensor | None,
        causal: bool,
        want_scores: bool,
        training: bool,
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        layout = self._layout
        qh, kh, vh = layout.to_heads(q), layout.to_heads(k), layout.to_heads(v)
        mask = None if padding is None else layout.flat_mask(padding, q, k)
        t_q, t_k = qh.shape[-2], kh.shape[-2]
        if causal:
            mask = _masking.combine(mask, _masking.causal_mask(t_q, t_k, qh.device))
        if self.sliding_window is not None:
            band = _masking.band_mask(t_q, t_k, qh.device, self.sliding_window)
            mask = _masking.combine(mask, band)
        scale = 1.0 / math.sqrt(self.key_dim)
        rate = self.dropout if training else 0.0
        if want_scores:
            probs = _masking.masked_softmax(
                torch.matmul(qh * scale, kh.transpose(-1, -2)), mask, zero_masked=True
            )
            dropped = F.dropout(probs, rate, training=True) if rate else probs
            out = torch.matmul(dropped, vh)
            scores = probs.reshape(layout.scores_shape(q, k))
            return layout.from_heads(out, q), scores
        only_causal = causal and padding is None and self.sliding_window is None
        out = F.scaled_dot_product_attention(
            qh,
            kh,
            vh,
            attn_mask=None if only_causal else _masking.additive(mask, qh.dtype),
            dropout_p=rate,
            is_causal=only_causal,
            scale=scale,
        )
        return layout.from_heads(out, q), None

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "num_heads": self.num_heads,
            "key_dim": self.key_dim,
            "value_dim": self.value_dim,
            "dropout": self.dropout,
            "use_bias": self.use_bias,
            "output_shape": self._output_shape,
            "attention_axes": self.attention_axes,
            "sliding_window": self.sliding_window,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "use_gate": self.use_gate,
            "seed": self.seed,
        }


def _padding_mask(
    query_mask: Any, value_mask: Any, key_mask: Any, attention_mask: Any
) -> torch.Tensor | None:
    """The combined boolean mask `(B, T, S)` (broadcastable), as Keras builds it."""
    return _masking.combine(
        None if query_mask is None else query_mask.bool().unsqueeze(-1),
        None if value_mask is None else value_mask.bool().unsqueeze(-2),
        None if key_mask is None else key_mask.bool().unsqueeze(-2),
        attention_mask,
    )
