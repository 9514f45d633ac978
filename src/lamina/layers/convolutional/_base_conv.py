"""Shared machinery of the convolution layers: geometry, padding, kernel views."""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from lamina import activations, constraints, initializers, regularizers
from lamina.layers.base import Layer
from lamina.layers.convolutional import _conv_utils as cu
from lamina.layers.input_spec import InputSpec

CONV_FNS = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}

# Argument kinds of each weight part, and the module that parses / serializes them.
_FAMILIES = {
    "initializer": initializers,
    "regularizer": regularizers,
    "constraint": constraints,
}


def torch_kernel(kernel: torch.Tensor, rank: int) -> torch.Tensor:
    """Keras kernel `(*K, a, b)` as the torch weight `(b, a, *K)`, a view."""
    return kernel.permute(rank + 1, rank, *range(rank))


# Where a kernel's values lie in memory. A kernel keeps Keras's shape
# `(*K, a, b)` (what `kernel.shape`, get_weights and saved files show), but its
# storage is ordered as the torch weight `(b, a, *K)` that F.convNd reads with
# the data format's memory layout: `(b, *K, a)` (torch's channels_last weight)
# beside channels-last data, `(b, a, *K)` (torch's contiguous weight) beside
# channels-first data. `torch_kernel` of such a kernel is then a weight that
# torch's convolution uses without copying it, forward and backward, and the
# gradient comes back in the kernel's own layout, so neither autograd's
# accumulation nor the optimizer copies it either. An allow-list keyed by data
# format; a kernel in any other layout (Keras's contiguous one, e.g. a tensor
# the user put in `layer.kernel.data`) gives the same numbers, torch copying
# it to its own layout at each call.
KERNEL_ORDERS = {
    "channels_last": lambda rank: (rank + 1, *range(rank), rank),
    "channels_first": lambda rank: (rank + 1, rank, *range(rank)),
}


def kernel_order(rank: int, data_format: str) -> tuple:
    """The memory order (Keras's kernel axes, outermost first) for `data_format`.

    Also right for a transposed convolution's kernel `(*K, out, in)`, whose
    torch weight `(in, out, *K)` is the same permutation of it.
    """
    return KERNEL_ORDERS[data_format](rank)


def depthwise_order(rank: int) -> tuple:
    """Memory order of a depthwise kernel `(*K, channels, multiplier)`.

    Its torch weight `(channels * multiplier, 1, *K)` (see `depthwise_weight`)
    is then a view, contiguous and channels-last alike (one input channel per
    group), whatever the data format.
    """
    return (rank, rank + 1, *range(rank))


def lay_out(weight: torch.Tensor, order: tuple) -> None:
    """Stores `weight`'s values in memory `order`, in place; shape and values stay."""
    inverse = tuple(order.index(axis) for axis in range(len(order)))
    with torch.no_grad():
        weight.data = weight.data.permute(order).contiguous().permute(inverse)


class ConvGeometry(Layer):
    """Kernel size, strides, padding, dilation and data format of a conv layer.

    Also stores, builds and serializes the weight arguments shared by every
    convolution: `activation`, `use_bias` and, for each name in `weight_parts`,
    `<part>_initializer`, `<part>_regularizer` and `<part>_constraint`.
    """

    rank: int = 2
    paddings: tuple = ("valid", "same")
    weight_parts: tuple = ("kernel", "bias")
    # Keras refuses strides > 1 together with dilation > 1 for these layers.
    strided_dilation: bool = False

    def _set_geometry(
        self,
        kernel_size: Any,
        strides: Any,
        padding: Any,
        data_format: Any,
        dilation_rate: Any,
    ) -> None:
        n = self.rank
        self.kernel_size = cu.normalize_tuple(kernel_size, n, "kernel_size")
        self.strides = cu.normalize_tuple(strides, n, "strides")
        self.padding = cu.normalize_padding(padding, self.paddings)
        self.data_format = cu.normalize_data_format(data_format)
        self.dilation_rate = cu.normalize_tuple(dilation_rate, n, "dilation_rate")
        if (
            not self.strided_dilation
            and max(self.strides) > 1
            and max(self.dilation_rate) > 1
        ):
            raise ValueError(
                "`strides > 1` not supported in conjunction with `dilation_rate > 1`."
                f" Received: strides={self.strides} and "
                f"dilation_rate={self.dilation_rate}"
            )
        self.input_spec = InputSpec(ndim=n + 2)

    @property
    def _channel_axis(self) -> int:
        return -1 if self.data_format == "channels_last" else 1

    def _input_channels(self, input_shape: tuple) -> int:
        channels = input_shape[self._channel_axis]
        if channels is None:
            raise ValueError(
                f"Layer '{self.name}': the channel dimension of the inputs (axis "
                f"{self._channel_axis}) must be defined. Received input shape="
                f"{tuple(input_shape)}"
            )
        self._built_channels = int(channels)
        return int(channels)

    def _check_channels(self, x: torch.Tensor, kernel: torch.Tensor) -> None:
        got = x.shape[self._channel_axis]
        if got != self._built_channels:
            raise ValueError(
                f"Layer '{self.name}' expected inputs with {self._built_channels} "
                f"channels on axis {self._channel_axis} (data_format="
                f"'{self.data_format}', kernel shape {tuple(kernel.shape)}), but "
                f"received input with shape {(None, *x.shape[1:])} ({got} "
                f"channels). Hint: if this is the model's first layer, set its "
                f"`input_shape` to the data's sample shape {tuple(x.shape[1:])} "
                "(batch excluded), or give the data "
                f"{self._built_channels} channels."
            )

    def _pad_input(self, x: torch.Tensor) -> tuple:
        """Pads a channels-first `x`; returns it with torch's symmetric padding."""
        sizes = tuple(x.shape[2:])
        pads = cu.spatial_pads(
            sizes, self.padding, self.kernel_size, self.strides, self.dilation_rate
        )
        out = [
            s + a + b - d * (k - 1)
            for s, (a, b), k, d in zip(
                sizes, pads, self.kernel_size, self.dilation_rate, strict=True
            )
        ]
        if any(n <= 0 for n in out):  # report the shape in the user's format
            shape = tuple(cu.from_channels_first(x, self.data_format).shape)
            cu.check_output_size(self, shape, self.kernel_size, out)
        if all(a == b for a, b in pads):
            return x, tuple(a for a, _ in pads)
        return cu.pad_spatial(x, pads), (0,) * self.rank

    def _conv(
        self, x: torch.Tensor, weight: torch.Tensor, bias: Any, groups: int
    ) -> Any:
        """Pads a channels-first `x` and convolves it with a torch-layout weight."""
        x, padding = self._pad_input(x)
        fn = CONV_FNS[self.rank]
        return fn(x, weight, bias, self.strides, padding, self.dilation_rate, groups)

    def _set_weight_args(self, args: dict) -> None:
        """Stores the activation, `use_bias` and weight-part arguments of `args`.

        `args` is the constructor's `locals()`: it holds every argument by name.
        """
        self.activation = activations.get(args["activation"])
        self.use_bias = bool(args["use_bias"])
        for kind, family in _FAMILIES.items():
            for part in self.weight_parts:
                key = f"{part}_{kind}"
                setattr(self, key, family.get(args[key]))

    def _add_part(self, part: str, shape: tuple, name: str) -> torch.Tensor:
        """Adds weight `name` with the initializer, regularizer, constraint of `part`."""
        return self.add_weight(
            shape=shape,
            initializer=getattr(self, f"{part}_initializer"),
            regularizer=getattr(self, f"{part}_regularizer"),
            constraint=getattr(self, f"{part}_constraint"),
            name=name,
        )

    def _add_bias(self, size: int) -> None:
        """Adds `bias` of shape `(size,)` when `use_bias`, else sets it to None."""
        self.bias = None
        if self.use_bias:
            self.bias = self._add_part("bias", (size,), "bias")

    def _channels_first_input(
        self, inputs: torch.Tensor, kernel: torch.Tensor
    ) -> torch.Tensor:
        """Checks the channels of `inputs` and returns them channels first."""
        self._check_channels(inputs, kernel)
        return cu.to_channels_first(inputs, self.data_format)

    def _output(self, y: torch.Tensor) -> torch.Tensor:
        """The activation of a channels-first result, back in `data_format`."""
        return self.activation(cu.from_channels_first(y, self.data_format))

    def _weight_config(self) -> dict:
        """Config of the activation, `use_bias` and weight-part arguments."""
        config = {
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
        }
        for kind, family in _FAMILIES.items():
            parts = self.weight_parts
            if kind == "regularizer":
                parts = (*parts, "activity")
            for part in parts:
                key = f"{part}_{kind}"
                config[key] = family.serialize(getattr(self, key))
        return config

    def _geometry_config(self) -> dict:
        return {
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
        }


class BaseConv(ConvGeometry):
    """Convolution over `rank` spatial axes: `activation(conv(x, kernel) + bias)`.

    The kernel has Keras's shape `(*kernel_size, input_channels // groups,
    filters)` and torch's memory order (see `KERNEL_ORDERS`): it reaches
    `F.convNd` as a permuted view that torch uses without a copy.
    """

    def __init__(
        self,
        filters: int,
        kernel_size: Any,
        strides: Any = 1,
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: Any = 1,
        groups: int = 1,
        activation: Any = None,
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
        bias_constraint: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.filters = cu.positive_count("filters", filters)
        self.groups = cu.positive_count("groups", groups)
        if self.filters % self.groups:
            raise ValueError(
                "The number of filters must be evenly divisible by the number of "
                f"groups. Received: groups={groups}, filters={filters}."
            )
        self._set_geometry(kernel_size, strides, padding, data_format, dilation_rate)
        self._set_weight_args(locals())

    def build(self, input_shape: tuple) -> None:
        channels = self._input_channels(input_shape)
        if channels % self.groups:
            raise ValueError(
                "The number of input channels must be evenly divisible by the number "
                f"of groups. Received groups={self.groups}, but the input has "
                f"{channels} channels (full input shape is {tuple(input_shape)})."
            )
        kernel_shape = (*self.kernel_size, channels // self.groups, self.filters)
        self.kernel = self._add_part("kernel", kernel_shape, "kernel")
        lay_out(self.kernel, kernel_order(self.rank, self.data_format))
        self._add_bias(self.filters)
        self.built = True

    def convolution_op(self, inputs: torch.Tensor, kernel: torch.Tensor) -> Any:
        """The convolution without bias or activation; an extension point.

        Args:
            inputs: a batch in the layer's `data_format`.
            kernel: a kernel in Keras's layout `(*kernel_size, in // groups, out)`.

        Returns:
            The convolved batch, in `data_format`. Subclasses override this to
            change the kernel (e.g. weight standardization); `call` then adds the
            bias and applies the activation, as Keras does.
        """
        x = self._channels_first_input(inputs, kernel)
        groups = x.shape[1] // kernel.shape[-2]
        y = self._conv(x, torch_kernel(kernel, self.rank), None, groups)
        return cu.from_channels_first(y, self.data_format)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        if type(self).convolution_op is not BaseConv.convolution_op:
            return self._call_overridden_op(inputs)
        # Not overridden: one fused F.convNd call with the bias, in torch layout.
        x = self._channels_first_input(inputs, self.kernel)
        weight = torch_kernel(self.kernel, self.rank)
        return self._output(self._conv(x, weight, self.bias, self.groups))

    def _call_overridden_op(self, inputs: torch.Tensor) -> torch.Tensor:
        y = self.convolution_op(inputs, self.kernel)
        if self.bias is not None:
            shape = [1] * y.dim()
            shape[self._channel_axis] = -1
            y = y + self.bias.reshape(shape)
        return self.activation(y)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "filters": self.filters,
            **self._geometry_config(),
            "groups": self.groups,
            **self._weight_config(),
        }
