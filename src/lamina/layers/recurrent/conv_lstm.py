"""ConvLSTM1D, ConvLSTM2D, ConvLSTM3D: recurrent layers with convolutional gates."""

from __future__ import annotations

from typing import Any

import torch

from lamina.layers.convolutional import _conv_utils as cu
from lamina.layers.input_spec import InputSpec
from lamina.layers.recurrent._cell_layer import CellLayer, split_kwargs
from lamina.layers.recurrent._cell_utils import build_sublayer
from lamina.layers.recurrent.conv_lstm_cell import ConvLSTMCell

_CELL_ATTRS = frozenset(
    {
        "filters",
        "kernel_size",
        "strides",
        "padding",
        "data_format",
        "dilation_rate",
        "activation",
        "recurrent_activation",
        "use_bias",
        "unit_forget_bias",
        "dropout",
        "recurrent_dropout",
        "kernel",
        "recurrent_kernel",
        "bias",
    }
)


class ConvLSTM(CellLayer):
    """Base of the ConvLSTM layers: runs a `ConvLSTMCell` over the time axis.

    The input convolution of every timestep runs as one batched convolution
    (time folded into the batch); only the recurrent convolution loops over
    timesteps. States are `[h, c]`, each shaped like one output step.
    """

    rank = 2

    def __init__(
        self,
        filters: int,
        kernel_size: Any,
        strides: Any = 1,
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: Any = 1,
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
        return_sequences: bool = False,
        return_state: bool = False,
        go_backwards: bool = False,
        stateful: bool = False,
        **kwargs: Any,
    ) -> None:
        # One signature for the three ranks; the rank comes from the subclass.
        args = dict(locals())
        rank = self.rank
        kwargs = dict(args.pop("kwargs"))
        cell_kwargs, rnn_kwargs = split_kwargs(kwargs)
        rnn_args = {
            k: args.pop(k)
            for k in ("return_sequences", "return_state", "go_backwards", "stateful")
        }
        activity = args.pop("activity_regularizer")
        args.pop("self", None)
        args.pop("__class__", None)
        cell = ConvLSTMCell(rank, **args, name="conv_lstm_cell", **cell_kwargs)
        super().__init__(cell, activity_regularizer=activity, **rnn_args, **rnn_kwargs)
        self.input_spec = InputSpec(ndim=rank + 3)

    def __getattr__(self, name: str) -> Any:
        if name in _CELL_ATTRS:
            cell = self.__dict__.get("_modules", {}).get("cell")
            if cell is not None:
                return getattr(cell, name)
        return super().__getattr__(name)

    def build(self, input_shape: tuple) -> None:
        if len(input_shape) != self.rank + 3:
            raise ValueError(
                f"Input 0 of layer '{self.name}' is incompatible with the layer: "
                f"expected ndim={self.rank + 3} (batch, time, "
                f"{self.rank} spatial axes, channels), found "
                f"ndim={len(input_shape)}. Full shape received: {tuple(input_shape)}"
            )
        spatial = input_shape[2:-1] if self._last else input_shape[3:]
        if None in spatial:
            raise ValueError(
                "ConvLSTM layers only support static input shapes for the spatial "
                f"dimension. Received invalid input shape: input_shape={input_shape}"
            )
        build_sublayer(
            self.cell, (input_shape[0], *input_shape[2:]), self._build_device
        )
        self.input_spec = InputSpec(ndim=self.rank + 3, shape=(None, *input_shape[1:]))
        self.built = True

    @property
    def _last(self) -> bool:
        return self.cell.data_format == "channels_last"

    def call(
        self,
        sequences: torch.Tensor,
        initial_state: Any = None,
        mask: Any = None,
        training: bool | None = None,
    ) -> Any:
        cell = self.cell
        cell.reset_dropout_masks()
        if self.go_backwards:
            sequences = sequences.flip(1)
            mask = None if mask is None else torch.as_tensor(mask).flip(1)
        B, T = sequences.shape[:2]  # batch, time
        steps = cu.to_channels_first(
            cell._drop_sequence(sequences, training).reshape(
                B * T, *sequences.shape[2:]
            ),
            cell.data_format,
        )
        xz = cell.input_conv(steps)
        xz = xz.reshape(B, T, *xz.shape[1:])  # (B, T, 4F, *S')
        h, c = self._start_states(xz, initial_state)
        outputs = []
        for t in range(T):
            h_new, c_new = cell.step(xz[:, t], h, c, training)
            if mask is not None:
                m = torch.as_tensor(mask, device=h.device)[:, t].bool()
                m = m.reshape(B, *[1] * (h.dim() - 1))
                h_new, c_new = torch.where(m, h_new, h), torch.where(m, c_new, c)
            h, c = h_new, c_new
            outputs.append(h)
        return self._finish(outputs, h, c, sequences)

    def _start_states(self, xz: torch.Tensor, initial_state: Any) -> tuple:
        shape = (xz.shape[0], self.cell.filters, *xz.shape[3:])
        if initial_state is not None:
            h, c = (
                cu.to_channels_first(
                    torch.as_tensor(s, device=xz.device).to(xz.dtype),
                    self.cell.data_format,
                )
                for s in initial_state
            )
            return h, c
        if self.stateful and self.states is not None:
            return tuple(self.states)
        zeros = torch.zeros(shape, dtype=xz.dtype, device=xz.device)
        return zeros, zeros

    def _finish(self, outputs: list, h: torch.Tensor, c: torch.Tensor, x: Any) -> Any:
        if self.stateful and x.device.type != "meta":
            self.states = [h.detach(), c.detach()]
        fmt = self.cell.data_format
        if self.return_sequences:
            out = torch.stack(outputs, dim=1)  # (B, T, F, *S')
            out = out.movedim(2, -1) if fmt == "channels_last" else out
        else:
            out = cu.from_channels_first(h, fmt)
        if self.return_state:
            return out, cu.from_channels_first(h, fmt), cu.from_channels_first(c, fmt)
        return out

    def compute_mask(self, inputs: Any, previous_mask: Any = None) -> Any:
        return previous_mask if self.return_sequences else None


def _doc(rank: int) -> str:
    shape = {1: "steps", 2: "rows, cols", 3: "depth, rows, cols"}[rank]
    return f"""{rank}D convolutional LSTM over `(batch, time, {shape}, channels)`.

    An LSTM whose input and recurrent transformations are {rank}D convolutions.
    Weights in Keras's layout: `kernel` `(*kernel_size, channels, 4 * filters)`,
    `recurrent_kernel` `(*kernel_size, filters, 4 * filters)`, `bias`
    `(4 * filters,)`, gates i, f, c, o.

    Args:
        filters: number of output channels.
        kernel_size, strides, padding, data_format, dilation_rate: as in
            `Conv{rank}D` (padding `"valid"` or `"same"`).
        activation, recurrent_activation, use_bias, kernel_initializer,
        recurrent_initializer, bias_initializer, unit_forget_bias,
        kernel_regularizer, recurrent_regularizer, bias_regularizer,
        activity_regularizer, kernel_constraint, recurrent_constraint,
        bias_constraint, dropout, recurrent_dropout, seed: as in `LSTM`.
        return_sequences, return_state, go_backwards, stateful: as in `RNN`.

    Input shape:
        `(batch, time, {shape}, channels)`, or `(batch, time, channels, {shape})`
        with channels_first.

    Output shape:
        `(batch, new_{shape.split(", ")[0]}..., filters)` for the last step, or
        with a time axis with `return_sequences`; with `return_state`,
        `(output, h, c)`.
    """


class ConvLSTM1D(ConvLSTM):
    __doc__ = _doc(1)
    rank = 1


class ConvLSTM2D(ConvLSTM):
    __doc__ = _doc(2)
    rank = 2


class ConvLSTM3D(ConvLSTM):
    __doc__ = _doc(3)
    rank = 3
