"""Embedding: turns integer indices into dense vectors of fixed size."""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from lamina import constraints, initializers, regularizers
from lamina.layers.base import Layer
from lamina.layers.core._lora import LoraMixin, check_no_quantization

# Keras's short names for initializers, as Embedding's default uses them.
_ALIASES = {"uniform": "random_uniform", "normal": "random_normal"}


class Embedding(LoraMixin, Layer):
    """Maps each integer index `i` in `[0, input_dim)` to row `i` of `embeddings`.

    `embeddings` has shape `(input_dim, output_dim)`. With `mask_zero=True`,
    index 0 is padding: the output carries a mask `inputs != 0` that following
    layers (e.g. `LSTM`) honour; `input_dim` must then count index 0.

    Args:
        input_dim: positive integer, size of the vocabulary (largest index + 1).
        output_dim: positive integer, size of each vector.
        embeddings_initializer: initializer of `embeddings` (default `"uniform"`,
            i.e. `RandomUniform(-0.05, 0.05)`).
        embeddings_regularizer: regularizer of `embeddings`.
        embeddings_constraint: constraint of `embeddings`.
        mask_zero: whether index 0 marks padding to mask.
        weights: optional initial `[embeddings]` array, set at build.
        lora_rank: optional positive integer; when set, the layer enables LoRA
            of this rank when it builds (see `enable_lora`): the table is
            frozen and `lora_embeddings_a @ lora_embeddings_b` is learned.
        lora_alpha: optional LoRA scale numerator (the update is scaled by
            `lora_alpha / lora_rank`). As in Keras, a layer that enables LoRA
            from `lora_rank` at build uses `lora_alpha = lora_rank`.
        quantization_config: accepted for Keras compatibility; must be None
            (quantization is not supported).

    Input shape:
        `(batch, ...)` integers.

    Output shape:
        `(batch, ..., output_dim)`.

    Example:
    >>> import lamina
    >>> import numpy as np
    >>> lamina.layers.Embedding(10, 4)(np.array([[1, 2, 3]])).shape
    torch.Size([1, 3, 4])
    """

    _keeps_integer_inputs = True  # token ids index the table
    _lora_base = "embeddings"
    _lora_names = ("lora_embeddings_a", "lora_embeddings_b")
    _lora_regularizer_attr = "embeddings_regularizer"
    _lora_constraint_attr = "embeddings_constraint"

    def __init__(
        self,
        input_dim: int,
        output_dim: int,
        embeddings_initializer: Any = "uniform",
        embeddings_regularizer: Any = None,
        embeddings_constraint: Any = None,
        mask_zero: bool = False,
        weights: Any = None,
        lora_rank: int | None = None,
        lora_alpha: float | None = None,
        quantization_config: Any = None,
        **kwargs: Any,
    ) -> None:
        kwargs.pop("input_length", None)  # Keras 2 argument, accepted and unused
        super().__init__(**kwargs)
        check_no_quantization(self.name, quantization_config)
        self._init_lora(lora_rank, lora_alpha)
        self.input_dim = _positive("input_dim", input_dim)
        self.output_dim = _positive("output_dim", output_dim)
        if isinstance(embeddings_initializer, str):
            embeddings_initializer = _ALIASES.get(
                embeddings_initializer, embeddings_initializer
            )
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero = bool(mask_zero)
        self.supports_masking = self.mask_zero
        self._initial_weights = weights

    def build(self, input_shape: Any = None) -> None:
        self.embeddings = self.add_weight(
            shape=(self.input_dim, self.output_dim),
            initializer=self.embeddings_initializer,
            regularizer=self.embeddings_regularizer,
            constraint=self.embeddings_constraint,
            name="embeddings",
        )
        self.built = True
        if self._initial_weights is not None:
            self.set_weights(self._initial_weights)
            self._initial_weights = None
        self._build_lora()

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        if inputs.dtype not in (torch.int64, torch.int32):
            inputs = inputs.to(torch.int64)
        table = self._effective_weight()
        compute = getattr(torch, self.compute_dtype, None)
        if table.is_floating_point() and compute is not None and compute != table.dtype:
            # Mixed precision: the rows come out in the compute dtype, as Keras's.
            table = table.to(compute)
        if inputs.device.type != "cpu":
            # No host sync on accelerators: the check runs on the device.
            torch._assert_async(
                ((inputs >= 0) & (inputs < self.input_dim)).all(),
                f"Layer '{self.name}': an index is outside [0, input_dim="
                f"{self.input_dim}).",
            )
            return F.embedding(inputs, table)
        try:
            return F.embedding(inputs, table)
        except IndexError as err:
            raise ValueError(self._index_error(inputs)) from err

    def _index_error(self, inputs: torch.Tensor) -> str:
        """The message for out-of-range indices, naming the first bad one."""
        bad = inputs[(inputs < 0) | (inputs >= self.input_dim)]
        index = int(bad.flatten()[0]) if bad.numel() else "?"
        return (
            f"Layer '{self.name}' received index {index}, which is outside the "
            f"range [0, input_dim={self.input_dim}). Every index must be in "
            f"[0, {self.input_dim}); increase `input_dim` to cover the "
            "vocabulary, or re-map the inputs."
        )

    def compute_mask(self, inputs: Any, previous_mask: Any = None) -> Any:
        if not self.mask_zero:
            return None
        return torch.as_tensor(inputs) != 0

    def get_config(self) -> dict:
        config = {
            **super().get_config(),
            "input_dim": self.input_dim,
            "output_dim": self.output_dim,
            "embeddings_initializer": initializers.serialize(
                self.embeddings_initializer
            ),
            "embeddings_regularizer": _serialize(
                regularizers, self.embeddings_regularizer
            ),
            "activity_regularizer": _serialize(regularizers, self.activity_regularizer),
            "embeddings_constraint": _serialize(
                constraints, self.embeddings_constraint
            ),
            "mask_zero": self.mask_zero,
            "quantization_config": None,
        }
        return self._lora_config(config)


def _positive(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(
            f"`{name}` must be a positive integer. Received: {name}={value!r} "
            f"(of type {type(value).__name__})."
        )
    return value


def _serialize(family: Any, obj: Any) -> Any:
    return None if obj is None else family.serialize(obj)
