"""LSTM: the long short-term memory layer (Hochreiter & Schmidhuber, 1997)."""

from __future__ import annotations

from typing import Any

from lamina.layers.recurrent._cell_layer import CellLayer, cell_from_args
from lamina.layers.recurrent.lstm_cell import LSTMCell


class LSTM(CellLayer):
    """Long short-term memory layer, on PyTorch's fused LSTM kernel when it can.

    Weights in Keras's layout: `kernel` (input_dim, 4 * units),
    `recurrent_kernel` (units, 4 * units), `bias` (4 * units,), gates i, f, c, o.
    With the default activations and no recurrent dropout in training, the
    layer calls `torch.lstm` (views of the same weights); otherwise it loops
    over timesteps with `LSTMCell`.

    Args:
        units: positive integer, size of the output and the states.
        activation, recurrent_activation, use_bias, kernel_initializer,
        recurrent_initializer, bias_initializer, unit_forget_bias,
        kernel_regularizer, recurrent_regularizer, bias_regularizer,
        kernel_constraint, recurrent_constraint, bias_constraint, dropout,
        recurrent_dropout, seed: as in `LSTMCell`.
        activity_regularizer: regularizer of the output.
        return_sequences, return_state, go_backwards, stateful, unroll,
        zero_output_for_mask: as in `RNN`.

    Input shape:
        `(batch, timesteps, features)`.

    Output shape:
        `(batch, units)` or `(batch, timesteps, units)`; with `return_state`,
        `(output, h, c)`.

    Example:
    >>> import lamina
    >>> import numpy as np
    >>> lamina.layers.LSTM(4)(np.ones((2, 5, 3), "float32")).shape
    torch.Size([2, 4])
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
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
        recurrent_constraint: Any = None,
        bias_constraint: Any = None,
        dropout: float = 0.0,
        recurrent_dropout: float = 0.0,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        cell, rnn_kwargs = cell_from_args(LSTMCell, "lstm_cell", locals())
        super().__init__(cell, activity_regularizer=activity_regularizer, **rnn_kwargs)
