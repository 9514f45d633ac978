"""EinsumDense: a dense layer whose contraction is an einsum equation."""

from __future__ import annotations

from typing import Any

import torch

from lamina import activations, constraints, initializers, regularizers
from lamina.initializers.variance_scaling import VarianceScaling
from lamina.layers.base import Layer
from lamina.layers.core._einsum_shapes import analyze
from lamina.layers.core._lora import LoraMixin, check_no_quantization
from lamina.layers.input_spec import InputSpec


class EinsumDense(LoraMixin, Layer):
    """A dense layer of any rank: `activation(einsum(equation, x, kernel) + bias)`.

    The kernel's shape is read from the equation: each weight axis takes its size
    from the output (`output_shape`) or from the input. `bias_axes` names the
    output axes that get a bias; the bias spans from the first of them to the
    last output axis, with size 1 on axes not named.

    Args:
        equation: `"ab,bc->ac"`, `"...ab,bc->...ac"` or `"ab...,bc->ac..."`.
        output_shape: the output's shape without the batch axis (and without
            elided axes); `None` for a size taken from the input.
        activation: activation name or function; None means linear.
        bias_axes: output axes (letters) that get a bias, or None.
        kernel_initializer, bias_initializer: initializers. A variance-scaling
            kernel initializer counts its fans on the kernel's input and output
            axes, as Keras does.
        kernel_regularizer, bias_regularizer, activity_regularizer: regularizers.
        kernel_constraint, bias_constraint: constraints.
        lora_rank: optional positive integer; when set, the layer enables LoRA
            of this rank when it builds (see `enable_lora`): `lora_kernel_a`
            has the kernel's shape with its last axis replaced by the rank,
            `lora_kernel_b` is `(rank, kernel.shape[-1])`.
        lora_alpha: optional LoRA scale numerator (the update is scaled by
            `lora_alpha / lora_rank`; default `lora_rank`).
        gptq_unpacked_column_size, quantization_config: accepted for Keras
            compatibility; quantization is not supported, and a value other
            than None raises.

    Input shape:
        As the equation's input spec.

    Output shape:
        `(batch, *output_shape)` with the elided axes kept.

    Example:
    >>> import lamina
    >>> layer = lamina.layers.EinsumDense("abc,cd->abd", output_shape=(None, 4))
    >>> layer(np.ones((2, 3, 5))).shape
    torch.Size([2, 3, 4])
    """

    _lora_alpha_at_build = True  # Keras's EinsumDense keeps lora_alpha at build

    def __init__(
        self,
        equation: str,
        output_shape: Any,
        activation: Any = None,
        bias_axes: str | None = None,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        kernel_constraint: Any = None,
        bias_constraint: Any = None,
        lora_rank: int | None = None,
        lora_alpha: float | None = None,
        gptq_unpacked_column_size: int | None = None,
        quantization_config: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        check_no_quantization(self.name, quantization_config)
        if gptq_unpacked_column_size:
            raise ValueError(
                f"Layer '{self.name}': quantization is not supported in lamina. "
                f"Received: gptq_unpacked_column_size={gptq_unpacked_column_size!r}."
                " Leave it as None."
            )
        self.equation = equation
        if isinstance(output_shape, int):
            output_shape = (output_shape,)
        self.partial_output_shape = tuple(output_shape)
        self.bias_axes = bias_axes
        self.activation = activations.get(activation)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self._init_lora(lora_rank, lora_alpha)
        self.supports_masking = True

    def _fan_initializer(self, input_axes: list, output_axes: list) -> Any:
        init = self.kernel_initializer
        if isinstance(init, VarianceScaling) and (
            init.input_axes is None or init.output_axes is None
        ):
            config = {**init.get_config(), "input_axes": input_axes}
            config["output_axes"] = output_axes
            return type(init).from_config(config)
        return init

    def build(self, input_shape: tuple) -> None:
        shapes = analyze(
            self.equation, self.bias_axes, tuple(input_shape), self.partial_output_shape
        )
        self.full_output_shape = tuple(shapes.output)
        self.input_spec = InputSpec(ndim=len(input_shape))
        self.kernel = self.add_weight(
            shape=tuple(shapes.kernel),
            initializer=self._fan_initializer(shapes.input_axes, shapes.output_axes),
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
            name="kernel",
        )
        self.bias = None
        if shapes.bias is not None:
            self.bias = self.add_weight(
                shape=tuple(shapes.bias),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
                name="bias",
            )
        self.built = True
        self._build_lora()

    def call(self, inputs: torch.Tensor, training: Any = None) -> torch.Tensor:
        x = torch.einsum(self.equation, inputs, self._effective_weight())
        if self.bias is not None:
            x = x + self.bias
        return self.activation(x)

    def get_config(self) -> dict:
        config = {
            **super().get_config(),
            "output_shape": self.partial_output_shape,
            "equation": self.equation,
            "activation": activations.serialize(self.activation),
            "bias_axes": self.bias_axes,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "quantization_config": None,
        }
        return self._lora_config(config)
