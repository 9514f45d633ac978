"""GRU: the gated recurrent unit layer (Cho et al., 2014)."""

from __future__ import annotations

from typing import Any

from lamina.layers.recurrent._cell_layer import CellLayer, shared_with_cell
from lamina.layers.recurrent.gru_cell import GRUCell


class GRU(CellLayer):
    """Gated recurrent unit layer, on PyTorch's fused GRU kernel when it can.

    Weights in Keras's layout: `kernel` (input_dim, 3 * units),
    `recurrent_kernel` (units, 3 * units), gates z, r, h; `bias` (2, 3 * units)
    with `reset_after=True` (input and recurrent biases), else (3 * units,).
    With `reset_after=True`, the default activations and no recurrent dropout
    in training, the layer calls `torch.gru` (gates reordered to PyTorch's
    r, z, n); otherwise it loops over timesteps with `GRUCell`.

    Args:
        units: positive integer, size of the output and the state.
        activation, recurrent_activation, use_bias, kernel_initializer,
        recurrent_initializer, bias_initializer, kernel_regularizer,
        recurrent_regularizer, bias_regularizer, kernel_constraint,
        recurrent_constraint, bias_constraint, dropout, recurrent_dropout,
        reset_after, seed: as in `GRUCell`.
        activity_regularizer: regularizer of the output.
        return_sequences, return_state, go_backwards, stateful, unroll: as in
            `RNN` (`zero_output_for_mask` too, by keyword).
        use_cudnn: `"auto"` or `True` use PyTorch's fused kernel when the
            layer allows it; `False` always runs the step loop.

    Input shape:
        `(batch, timesteps, features)`.

    Output shape:
        `(batch, units)` or `(batch, timesteps, units)`; with `return_state`,
        `(output, h)`.

    Example:
    >>> import lamina
    >>> import numpy as np
    >>> lamina.layers.GRU(4, return_sequences=True)(np.ones((2, 5, 3), "float32")).shape
    torch.Size([2, 5, 4])
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
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
        recurrent_constraint: Any = None,
        bias_constraint: Any = None,
        dropout: float = 0.0,
        recurrent_dropout: float = 0.0,
        seed: int | None = None,
        return_sequences: bool = False,
        return_state: bool = False,
        go_backwards: bool = False,
        stateful: bool = False,
        unroll: bool = False,
        reset_after: bool = True,
        use_cudnn: Any = "auto",
        **kwargs: Any,
    ) -> None:
        cell = GRUCell(
            units,
            activation=activation,
            recurrent_activation=recurrent_activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            reset_after=reset_after,
            seed=seed,
            name="gru_cell",
            **shared_with_cell(kwargs),
        )
        super().__init__(
            cell,
            return_sequences=return_sequences,
            return_state=return_state,
            go_backwards=go_backwards,
            stateful=stateful,
            unroll=unroll,
            use_cudnn=use_cudnn,
            activity_regularizer=activity_regularizer,
            **kwargs,
        )
