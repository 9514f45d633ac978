"""LSTMCell: one step of the long short-term memory recurrence."""

from __future__ import annotations

from typing import Any

import torch

from lamina import activations, initializers
from lamina.layers._checks import positive_int
from lamina.layers.base import Layer
from lamina.layers.recurrent._cell_utils import (
    CellWeightsMixin,
    DropoutCellMixin,
    is_default,
)


class LSTMCell(DropoutCellMixin, CellWeightsMixin, Layer):
    """One step of `LSTM`, gates in Keras's order i, f, c, o.

    `z = x @ kernel + h @ recurrent_kernel + bias` is split into four blocks;
    `c = f * c_prev + i * activation(c_hat)`, `h = o * activation(c)` with
    `i, f, o` through `recurrent_activation`.

    Args:
        units: positive integer, size of the output and of each state.
        activation: activation of the candidate and the output (default `"tanh"`).
        recurrent_activation: activation of the gates (default `"sigmoid"`).
        use_bias: whether to add a bias vector (4 * units).
        kernel_initializer, recurrent_initializer, bias_initializer: initializers.
        unit_forget_bias: start the forget-gate bias at one (bias initializer
            used for the other gates).
        kernel_regularizer, recurrent_regularizer, bias_regularizer: regularizers.
        kernel_constraint, recurrent_constraint, bias_constraint: constraints.
        dropout: fraction of the inputs dropped in training.
        recurrent_dropout: fraction of the state `h` dropped in training.
        seed: integer seed for the dropout masks.

    Call arguments:
        inputs: (batch, input_dim), one timestep.
        states: `[h, c]`, each (batch, units).
        training: whether dropout applies.

    Returns:
        `(h, [h, c])`.
    """

    def __init__(
        self,
        units: int,
        activation: Any = "tanh",
        recurrent_activation: Any = "sigmoid",
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        recurrent_initializer: Any = "orthogonal",
        bias_initializer: Any = "zeros",
        unit_forget_bias: bool = True,
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
        kwargs.pop("implementation", None)  # Keras 2 argument, accepted and unused
        super().__init__(**kwargs)
        self.units = positive_int("units", units)
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = bool(use_bias)
        self.unit_forget_bias = bool(unit_forget_bias)
        self._init_weight_args(locals())
        self._init_dropout(dropout, recurrent_dropout, seed)
        self.state_size = [self.units, self.units]
        self.output_size = self.units

    def build(self, input_shape: tuple) -> None:
        self._add_kernels(input_shape[-1], 4 * self.units)
        init = self.bias_initializer
        if self.unit_forget_bias:
            init = _ForgetBiasInitializer(self.bias_initializer, self.units)
        self._add_bias((4 * self.units,), init)
        self.built = True

    def call(
        self, inputs: torch.Tensor, states: list, training: bool | None = None
    ) -> tuple[torch.Tensor, list]:
        h_prev, c_prev = states[0], states[1]
        x = self._drop_inputs(inputs, training)
        h_prev = self._drop_state(h_prev, training)
        z = x @ self.kernel + h_prev @ self.recurrent_kernel
        if self.bias is not None:
            z = z + self.bias
        zi, zf, zc, zo = z.chunk(4, dim=-1)
        i = self.recurrent_activation(zi)
        f = self.recurrent_activation(zf)
        c = f * c_prev + i * self.activation(zc)
        o = self.recurrent_activation(zo)
        h = o * self.activation(c)
        return h, [h, c]

    def _fused_kind(self, training: Any) -> str | None:
        """`"lstm"` when PyTorch's fused kernel computes this cell, else None."""
        if training and self.recurrent_dropout > 0:
            return None
        if is_default(self.activation, "tanh") and is_default(
            self.recurrent_activation, "sigmoid"
        ):
            return "lstm"
        return None

    def _fused_params(self) -> list:
        """`[w_ih, w_hh, b_ih, b_hh]`: PyTorch's gate order i, f, g, o is Keras's."""
        params = [self.kernel.t(), self.recurrent_kernel.t()]
        if self.bias is not None:
            params += [self.bias, torch.zeros_like(self.bias)]
        return params

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "recurrent_activation": activations.serialize(self.recurrent_activation),
            "use_bias": self.use_bias,
            "unit_forget_bias": self.unit_forget_bias,
            **self._weight_config(),
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "seed": self.seed,
        }


class _ForgetBiasInitializer:
    """`bias_initializer` for the i, c, o blocks and ones for the f block."""

    def __init__(self, base: Any, units: int) -> None:
        self.base = base
        self.units = units

    def __call__(self, shape: tuple, dtype: Any = None) -> torch.Tensor:
        n = self.units
        parts = [
            torch.as_tensor(self.base((n,), dtype=dtype)),
            torch.as_tensor(initializers.get("ones")((n,), dtype=dtype)),
            torch.as_tensor(self.base((2 * n,), dtype=dtype)),
        ]
        return torch.cat(parts)
