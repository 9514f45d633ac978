"""Dense: the densely connected layer."""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from lamina import activations, constraints, initializers, regularizers
from lamina.layers._checks import positive_int
from lamina.layers.base import Layer
from lamina.layers.core._lora import LoraMixin, check_no_quantization
from lamina.layers.input_spec import InputSpec


class Dense(LoraMixin, Layer):
    """Just your regular densely connected layer: `activation(x @ kernel + bias)`.

    The kernel is stored as `(input_dim, units)`, Keras's layout. Inputs of rank
    above 2 are multiplied along their last axis.

    Args:
        units: positive integer, size of the output's last axis.
        activation: activation name or function; None means linear.
        use_bias: whether to add a bias vector.
        kernel_initializer: initializer of the kernel (default `"glorot_uniform"`).
        bias_initializer: initializer of the bias (default `"zeros"`).
        kernel_regularizer, bias_regularizer, activity_regularizer: regularizers.
        kernel_constraint, bias_constraint: constraints applied after each update.
        lora_rank: optional positive integer; when set, the layer enables LoRA
            of this rank when it builds (see `enable_lora`).
        lora_alpha: optional LoRA scale numerator (the update is scaled by
            `lora_alpha / lora_rank`). As in Keras, a layer that enables LoRA
            from `lora_rank` at build uses `lora_alpha = lora_rank`.
        quantization_config: accepted for Keras compatibility; must be None
            (quantization is not supported).

    Input shape:
        `(batch_size, ..., input_dim)`.

    Output shape:
        `(batch_size, ..., units)`.

    Example:
    >>> import lamina
    >>> lamina.layers.Dense(3)(np.ones((4, 2))).shape
    torch.Size([4, 3])
    """

    def __init__(
        self,
        units: int,
        activation: Any = None,
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
        bias_constraint: Any = None,
        lora_rank: int | None = None,
        lora_alpha: float | None = None,
        quantization_config: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        check_no_quantization(self.name, quantization_config)
        self._init_lora(lora_rank, lora_alpha)
        self.units = positive_int("units", units)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(min_ndim=2)
        self.supports_masking = True

    def build(self, input_shape: tuple) -> None:
        input_dim = input_shape[-1]
        self.kernel = self.add_weight(
            shape=(input_dim, self.units),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
            name="kernel",
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                shape=(self.units,),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
                name="bias",
            )
        self.input_spec = InputSpec(min_ndim=2, axes={-1: input_dim})
        self.built = True
        self._build_lora()

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        # F.linear wants (out, in); the transposed view costs no copy.
        kernel = self._effective_weight()
        return self.activation(F.linear(inputs, kernel.t(), self.bias))

    def get_config(self) -> dict:
        config = {
            **super().get_config(),
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
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
