"""The dense projections inside MultiHeadAttention, with Keras's weight layouts.

Keras's MultiHeadAttention uses EinsumDense sublayers: the query, key, value
(and gate) projections have a kernel `(dim, num_heads, head_dim)` and a bias
`(num_heads, head_dim)`; the output projection has a kernel
`(num_heads, head_dim, *output_shape)` and a bias `output_shape`. Both run as
one `F.linear` on reshaped views of those weights.
"""

from __future__ import annotations

import math
from typing import Any

import torch
import torch.nn.functional as F

from lamina.layers.base import Layer


class HeadProjection(Layer):
    """Projects the last `in_rank` axes of the input to `out_shape`.

    Args:
        in_rank: how many trailing input axes are contracted (1 or 2).
        out_shape: the trailing output shape, e.g. `(num_heads, key_dim)`.
        use_bias: whether to add a bias of shape `out_shape`.
        kernel_initializer, bias_initializer, kernel_regularizer,
        bias_regularizer, kernel_constraint, bias_constraint: as in Dense.
    """

    def __init__(
        self,
        in_rank: int,
        out_shape: tuple,
        use_bias: bool,
        kernel_initializer: Any,
        bias_initializer: Any,
        kernel_regularizer: Any,
        bias_regularizer: Any,
        kernel_constraint: Any,
        bias_constraint: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.in_rank = in_rank
        self.out_shape = tuple(out_shape)
        self.use_bias = use_bias
        self._init = (kernel_initializer, bias_initializer)
        self._reg = (kernel_regularizer, bias_regularizer)
        self._con = (kernel_constraint, bias_constraint)

    def build(self, input_shape: tuple) -> None:
        in_shape = tuple(input_shape[-self.in_rank :])
        self.kernel = self.add_weight(
            shape=in_shape + self.out_shape,
            initializer=self._init[0],
            regularizer=self._reg[0],
            constraint=self._con[0],
            name="kernel",
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                shape=self.out_shape,
                initializer=self._init[1],
                regularizer=self._reg[1],
                constraint=self._con[1],
                name="bias",
            )
        self.built = True

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        n_in = math.prod(self.kernel.shape[: self.in_rank])
        weight = self.kernel.reshape(n_in, -1).t()  # (out, in) view for F.linear
        bias = None if self.bias is None else self.bias.reshape(-1)
        lead = inputs.shape[: inputs.dim() - self.in_rank]
        out = F.linear(inputs.reshape(*lead, n_in), weight, bias)
        return out.reshape(*lead, *self.out_shape)
