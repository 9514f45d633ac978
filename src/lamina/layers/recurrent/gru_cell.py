"""GRUCell: one step of the gated recurrent unit."""

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


class GRUCell(DropoutCellMixin, CellWeightsMixin, Layer):
    """One step of `GRU`, gates in Keras's order z (update), r (reset), h.

    `h = z * h_prev + (1 - z) * h_hat`. With `reset_after=True` (the default,
    and what PyTorch's GRU computes) the reset gate multiplies the recurrent
    product: `h_hat = activation(x @ W_h + b_h + r * (h_prev @ U_h + rb_h))`,
    and the bias has shape (2, 3 * units): input bias, then recurrent bias.
    With `reset_after=False`: `h_hat = activation(x @ W_h + b_h + (r * h_prev) @ U_h)`.

    Args:
        units: positive integer, size of the output and of the state.
        activation: activation of the candidate (default `"tanh"`).
        recurrent_activation: activation of the gates (default `"sigmoid"`).
        use_bias: whether to add biases.
        kernel_initializer, recurrent_initializer, bias_initializer: initializers.
        kernel_regularizer, recurrent_regularizer, bias_regularizer: regularizers.
        kernel_constraint, recurrent_constraint, bias_constraint: constraints.
        dropout: fraction of the inputs dropped in training.
        recurrent_dropout: fraction of the state dropped in training.
        reset_after: apply the reset gate after the recurrent matrix product.
        seed: integer seed for the dropout masks.

    Call arguments:
        inputs: (batch, input_dim), one timestep.
        states: list holding the previous state (batch, units).
        training: whether dropout applies.

    Returns:
        `(h, [h])`.
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
        kernel_regularizer: Any = None,
        recurrent_regularizer: Any = None,
        bias_regularizer: Any = None,
        kernel_constraint: Any = None,
        recurrent_constraint: Any = None,
        bias_constraint: Any = None,
        dropout: float = 0.0,
        recurrent_dropout: float = 0.0,
        reset_after: bool = True,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.pop("implementation", None)  # Keras 2 argument, accepted and unused
        super().__init__(**kwargs)
        self.units = positive_int("units", units)
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = bool(use_bias)
        self.reset_after = bool(reset_after)
        self._init_weight_args(locals())
        self._init_dropout(dropout, recurrent_dropout, seed)
        self.state_size = self.units
        self.output_size = self.units

    def build(self, input_shape: tuple) -> None:
        self._add_kernels(input_shape[-1], 3 * self.units)
        shape = (2, 3 * self.units) if self.reset_after else (3 * self.units,)
        self._add_bias(shape, self.bias_initializer)
        self.built = True

    def _biases(self) -> tuple[Any, Any]:
        if self.bias is None:
            return 0.0, 0.0
        if self.reset_after:
            return self.bias[0], self.bias[1]
        return self.bias, 0.0

    def call(
        self, inputs: torch.Tensor, states: Any, training: bool | None = None
    ) -> tuple[torch.Tensor, list]:
        h_prev = as_state_list(states)[0]
        x = self._drop_inputs(inputs, training)
        h_rec = self._drop_state(h_prev, training)
        b_in, b_rec = self._biases()
        xz, xr, xh = (x @ self.kernel + b_in).chunk(3, dim=-1)
        u = self.recurrent_kernel
        n = self.units
        if self.reset_after:
            rz, rr, rh = (h_rec @ u + b_rec).chunk(3, dim=-1)
        else:
            rz, rr = (h_rec @ u[:, : 2 * n]).chunk(2, dim=-1)
        z = self.recurrent_activation(xz + rz)
        r = self.recurrent_activation(xr + rr)
        if self.reset_after:
            hh = self.activation(xh + r * rh)
        else:
            hh = self.activation(xh + (r * h_rec) @ u[:, 2 * n :])
        h = z * h_prev + (1.0 - z) * hh
        return h, [h]

    def _fused_kind(self, training: Any) -> str | None:
        """`"gru"` when PyTorch's fused kernel computes this cell, else None."""
        if training and self.recurrent_dropout > 0:
            return None
        if (
            self.reset_after
            and is_default(self.activation, "tanh")
            and is_default(self.recurrent_activation, "sigmoid")
        ):
            return "gru"
        return None

    def _fused_params(self) -> list:
        """PyTorch's `[w_ih, w_hh, b_ih, b_hh]` in its gate order r, z, n."""
        params = [_rzn(self.kernel).t(), _rzn(self.recurrent_kernel).t()]
        if self.bias is not None:
            params += [_rzn(self.bias[0]), _rzn(self.bias[1])]
        return params

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "recurrent_activation": activations.serialize(self.recurrent_activation),
            "use_bias": self.use_bias,
            **self._weight_config(),
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "reset_after": self.reset_after,
            "seed": self.seed,
        }


def _rzn(w: torch.Tensor) -> torch.Tensor:
    """Reorders the last axis from Keras's z, r, h blocks to PyTorch's r, z, n."""
    z, r, h = w.chunk(3, dim=-1)
    return torch.cat([r, z, h], dim=-1)
