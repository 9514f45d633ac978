"""SimpleRNN: the fully connected recurrent layer."""

from __future__ import annotations

from typing import Any

from lamina.layers.recurrent._cell_layer import CellLayer, shared_with_cell
from lamina.layers.recurrent.simple_rnn_cell import SimpleRNNCell


class SimpleRNN(CellLayer):
    """Fully connected RNN whose output is fed back as the next state.

    `h_t = activation(x_t @ kernel + h_{t-1} @ recurrent_kernel + bias)`. With
    a tanh or relu activation and no recurrent dropout in training, the layer
    calls PyTorch's fused `torch.rnn_tanh` / `torch.rnn_relu`; otherwise it
    loops over timesteps with `SimpleRNNCell`.

    Args:
        units: positive integer, size of the output and the state.
        activation, use_bias, kernel_initializer, recurrent_initializer,
        bias_initializer, kernel_regularizer, recurrent_regularizer,
        bias_regularizer, kernel_constraint, recurrent_constraint,
        bias_constraint, dropout, recurrent_dropout, seed: as in `SimpleRNNCell`.
        activity_regularizer: regularizer of the output.
        return_sequences, return_state, go_backwards, stateful, unroll: as in
            `RNN` (`zero_output_for_mask` too, by keyword).

    Input shape:
        `(batch, timesteps, features)`.

    Output shape:
        `(batch, units)` or `(batch, timesteps, units)`; with `return_state`,
        `(output, h)`.

    Example:
    >>> import lamina
    >>> import numpy as np
    >>> lamina.layers.SimpleRNN(4)(np.ones((2, 5, 3), "float32")).shape
    torch.Size([2, 4])
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
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
        recurrent_constraint: Any = None,
        bias_constraint: Any = None,
        dropout: float = 0.0,
        recurrent_dropout: float = 0.0,
        return_sequences: bool = False,
        return_state: bool = False,
        go_backwards: bool = False,
        stateful: bool = False,
        unroll: bool = False,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        cell = SimpleRNNCell(
            units,
            activation=activation,
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
            seed=seed,
            name="simple_rnn_cell",
            **shared_with_cell(kwargs),
        )
        super().__init__(
            cell,
            return_sequences=return_sequences,
            return_state=return_state,
            go_backwards=go_backwards,
            stateful=stateful,
            unroll=unroll,
            activity_regularizer=activity_regularizer,
            **kwargs,
        )
