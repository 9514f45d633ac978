"""SimpleRNNCell: one step of the fully connected recurrence."""

from __future__ import annotations

from typing import Any

import torch

from lamina import activations
from lamina.layers._checks import positive_int
from lamina.layers.base import Layer
from lamina.layers.recurrent._cell_utils import (
    CellWeightsMixin,
    DropoutCellMixin,
    as_state_list,
    is_default,
)


class SimpleRNNCell(DropoutCellMixin, CellWeightsMixin, Layer):
    """One step of `SimpleRNN`: `h = activation(x @ kernel + h_prev @ recurrent + b)`.

    Args:
        units: positive integer, size of the output and of the state.
        activation: activation (default `"tanh"`).
        use_bias: whether to add a bias vector.
        kernel_initializer: initializer of `kernel` (input_dim, units).
        recurrent_initializer: initializer of `recurrent_kernel` (units, units).
        bias_initializer: initializer of `bias` (units,).
        kernel_regularizer, recurrent_regularizer, bias_regularizer: regularizers.
        kernel_constraint, recurrent_constraint, bias_constraint: constraints.
        dropout: fraction of the inputs dropped in training (one mask per sequence).
        recurrent_dropout: fraction of the state dropped in training.
        seed: integer seed for the dropout masks.

    Call arguments:
        inputs: (batch, input_dim) tensor, one timestep.
        states: list holding the previous output (batch, units).
        training: whether dropout applies.

    Returns:
        `(output, [output])`.
    """

    def __init__(
        self,
        units: int,
        activation: Any = "tanh",
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        recurrent_initializer: Any = "orthogonal",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        recurrent_regularizer: Any = None,
        bias_regularizer: Any = None,
        kernel_constraint: Any = None,
        recurrent_constraint: Any = None,
        bias_constraint: Any = None,
        dropout: float = 0.0,
        recurrent_dropout: float = 0.0,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.units = positive_int("units", units)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self._init_weight_args(locals())
        self._init_dropout(dropout, recurrent_dropout, seed)
        self.state_size = self.units
        self.output_size = self.units

    def build(self, input_shape: tuple) -> None:
        self._add_kernels(input_shape[-1], self.units)
        self._add_bias((self.units,), self.bias_initializer)
        self.built = True

    def call(
        self, inputs: torch.Tensor, states: Any, training: bool | None = None
    ) -> tuple[torch.Tensor, list]:
        h_prev = as_state_list(states)[0]
        x = self._drop_inputs(inputs, training)
        h_prev = self._drop_state(h_prev, training)
        z = x @ self.kernel + h_prev @ self.recurrent_kernel
        if self.bias is not None:
            z = z + self.bias
        out = self.activation(z)
        return out, [out]

    def _fused_kind(self, training: Any) -> str | None:
        """The fused kernel that computes this cell, or None for the step loop."""
        if training and self.recurrent_dropout > 0:
            return None
        if is_default(self.activation, "tanh"):
            return "rnn_tanh"
        if is_default(self.activation, "relu"):
            return "rnn_relu"
        return None

    def _fused_params(self) -> list:
        """PyTorch's `[w_ih, w_hh, b_ih, b_hh]` as views of Keras's weights."""
        params = [self.kernel.t(), self.recurrent_kernel.t()]
        if self.bias is not None:
            params += [self.bias, torch.zeros_like(self.bias)]
        return params

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            **self._weight_config(),
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "seed": self.seed,
        }
