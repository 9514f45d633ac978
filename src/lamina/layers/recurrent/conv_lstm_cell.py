"""ConvLSTMCell: one step of a convolutional LSTM (Shi et al., 2015)."""

from __future__ import annotations

from typing import Any

import torch

from lamina import activations
from lamina.layers.convolutional import _conv_utils as cu
from lamina.layers.convolutional._base_conv import CONV_FNS, ConvGeometry, torch_kernel
from lamina.layers.recurrent._cell_utils import DropoutCellMixin


class ConvLSTMCell(DropoutCellMixin, ConvGeometry):
    """The cell of `ConvLSTM1D/2D/3D`: an LSTM whose products are convolutions.

    Gates i, f, c, o come from `conv(x, kernel) + bias` (with the layer's
    strides, padding and dilation) plus `conv(h, recurrent_kernel)` (stride 1,
    `"same"` padding). Weights in Keras's layout: `kernel`
    `(*kernel_size, channels, 4 * filters)`, `recurrent_kernel`
    `(*kernel_size, filters, 4 * filters)`, `bias` `(4 * filters,)`.
    Computation runs channels first; `step` takes and returns channels-first
    tensors, `call` (Keras's cell API) takes and returns `data_format`.

    Args:
        rank: number of spatial axes (1, 2 or 3).
        filters, kernel_size, strides, padding, data_format, dilation_rate:
            as in `Conv2D` (padding `"valid"` or `"same"`).
        activation, recurrent_activation, use_bias, kernel_initializer,
        recurrent_initializer, bias_initializer, unit_forget_bias,
        kernel_regularizer, recurrent_regularizer, bias_regularizer,
        kernel_constraint, recurrent_constraint, bias_constraint, dropout,
        recurrent_dropout, seed: as in `LSTMCell`.
    """

    weight_parts = ("kernel", "recurrent", "bias")

    def __init__(
        self,
        rank: int,
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
        kernel_constraint: Any = None,
        recurrent_constraint: Any = None,
        bias_constraint: Any = None,
        dropout: float = 0.0,
        recurrent_dropout: float = 0.0,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.rank = rank
        self.filters = cu.positive_count("filters", filters)
        self._set_geometry(kernel_size, strides, padding, data_format, dilation_rate)
        self._set_weight_args(locals())
        self.recurrent_activation = activations.get(recurrent_activation)
        self.unit_forget_bias = bool(unit_forget_bias)
        self._init_dropout(dropout, recurrent_dropout, seed)
        self.state_size = -1  # spatial: states are shaped by the input

    def build(self, input_shape: tuple) -> None:
        channels = self._input_channels(input_shape)
        four = 4 * self.filters
        self.kernel = self._add_part(
            "kernel", (*self.kernel_size, channels, four), "kernel"
        )
        self.recurrent_kernel = self._add_part(
            "recurrent", (*self.kernel_size, self.filters, four), "recurrent_kernel"
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                shape=(four,),
                initializer=self._bias_init(),
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
                name="bias",
            )
        self.built = True

    def _bias_init(self) -> Any:
        if not self.unit_forget_bias:
            return self.bias_initializer
        init, f = self.bias_initializer, self.filters

        def unit_forget(shape: tuple, dtype: Any = None) -> torch.Tensor:
            parts = [
                init((f,), dtype=dtype),
                torch.ones(f),
                init((2 * f,), dtype=dtype),
            ]
            return torch.cat([torch.as_tensor(p, dtype=torch.float32) for p in parts])

        return unit_forget

    # -- computation, channels first ------------------------------------------
    def input_conv(self, x: torch.Tensor) -> torch.Tensor:
        """`conv(x, kernel) + bias` for all four gates, `(N, 4F, *S')`."""
        weight = torch_kernel(self.kernel, self.rank)
        return self._conv(x, weight, self.bias, 1)

    def recurrent_conv(self, h: torch.Tensor) -> torch.Tensor:
        """`conv(h, recurrent_kernel)`, stride 1 and `"same"` padding."""
        one = (1,) * self.rank
        pads = cu.spatial_pads(tuple(h.shape[2:]), "same", self.kernel_size, one, one)
        if any(a != b for a, b in pads):
            h, padding = cu.pad_spatial(h, pads), (0,) * self.rank
        else:
            padding = tuple(a for a, _ in pads)
        weight = torch_kernel(self.recurrent_kernel, self.rank)
        return CONV_FNS[self.rank](h, weight, None, 1, padding)

    def step(
        self, xz: torch.Tensor, h: torch.Tensor, c: torch.Tensor, training: Any
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """One step from the input convolution `xz`: the new `(h, c)`."""
        z = xz + self.recurrent_conv(self._drop_state(h, training))
        zi, zf, zc, zo = z.chunk(4, dim=1)
        act, rec = self.activation, self.recurrent_activation
        c = rec(zf) * c + rec(zi) * act(zc)
        return rec(zo) * act(c), c

    def call(self, inputs: torch.Tensor, states: Any, training: Any = None) -> Any:
        h, c = (cu.to_channels_first(s, self.data_format) for s in states)
        x = cu.to_channels_first(self._drop_inputs(inputs, training), self.data_format)
        h, c = self.step(self.input_conv(x), h, c, training)
        h, c = (cu.from_channels_first(s, self.data_format) for s in (h, c))
        return h, [h, c]

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "filters": self.filters,
            **self._geometry_config(),
            **self._weight_config(),
            "recurrent_activation": activations.serialize(self.recurrent_activation),
            "unit_forget_bias": self.unit_forget_bias,
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "seed": self.seed,
        }
