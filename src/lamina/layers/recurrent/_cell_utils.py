"""Helpers shared by the recurrent cells: arguments, dropout masks, step calls."""

from __future__ import annotations

from typing import Any

import torch

from lamina import activations, constraints, initializers, regularizers
from lamina.backend import SeedGenerator


def clip_rate(value: Any) -> float:
    """A dropout rate clipped into [0, 1], as Keras does for recurrent cells."""
    return min(1.0, max(0.0, float(value)))


class DropoutCellMixin:
    """One input and one recurrent dropout mask per sequence, as in Keras.

    The masks are drawn on the first step of a sequence and reused for every
    following step; the RNN layer calls `reset_dropout_masks` before a sequence.
    """

    def _init_dropout(self, dropout: Any, recurrent_dropout: Any, seed: Any) -> None:
        self.dropout = clip_rate(dropout)
        self.recurrent_dropout = clip_rate(recurrent_dropout)
        self.seed = seed
        self._seed_generator = SeedGenerator(seed) if seed is not None else None
        self.reset_dropout_masks()

    def reset_dropout_masks(self) -> None:
        """Forgets the masks, so the next sequence draws new ones."""
        self.__dict__["_dropout_masks"] = {}

    def _mask(self, key: str, like: torch.Tensor, rate: float) -> torch.Tensor:
        masks = self.__dict__["_dropout_masks"]
        if key not in masks:
            if self._seed_generator is None:
                keep = torch.rand(like.shape, device=like.device)
            else:
                gen = self._seed_generator.next_generator()
                keep = torch.rand(like.shape, generator=gen).to(like.device)
            masks[key] = (keep >= rate).to(like.dtype) / (1.0 - rate)
        return masks[key]

    def _drop_inputs(self, x: torch.Tensor, training: Any) -> torch.Tensor:
        if training and 0.0 < self.dropout < 1.0:
            return x * self._mask("input", x, self.dropout)
        return x

    def _drop_sequence(self, x: torch.Tensor, training: Any) -> torch.Tensor:
        """Input dropout over a whole (batch, time, features) sequence."""
        if training and 0.0 < self.dropout < 1.0:
            return x * self._mask("input", x[:, 0], self.dropout)[:, None]
        return x

    def _drop_state(self, h: torch.Tensor, training: Any) -> torch.Tensor:
        if training and 0.0 < self.recurrent_dropout < 1.0:
            return h * self._mask("recurrent", h, self.recurrent_dropout)
        return h


class CellWeightsMixin:
    """Stores and serializes the kernel / recurrent kernel / bias arguments."""

    def _init_weight_args(self, args: dict) -> None:
        """Stores the weight arguments of `args`, the constructor's `locals()`."""
        for kind, family in _FAMILIES.items():
            for part in _PARTS:
                key = f"{part}_{kind}"
                setattr(self, key, family.get(args[key]))

    def _add_kernels(self, input_dim: int, width: int) -> None:
        self.kernel = self.add_weight(
            shape=(input_dim, width),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
            name="kernel",
        )
        self.recurrent_kernel = self.add_weight(
            shape=(self.units, width),
            initializer=self.recurrent_initializer,
            regularizer=self.recurrent_regularizer,
            constraint=self.recurrent_constraint,
            name="recurrent_kernel",
        )

    def _add_bias(self, shape: tuple, initializer: Any) -> None:
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                shape=shape,
                initializer=initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
                name="bias",
            )

    def _weight_config(self) -> dict:
        config = {}
        for kind, family in _FAMILIES.items():
            for part in _PARTS:
                key = f"{part}_{kind}"
                config[key] = serialize(family, getattr(self, key))
        return config


_PARTS = ("kernel", "recurrent", "bias")
_FAMILIES = {
    "initializer": initializers,
    "regularizer": regularizers,
    "constraint": constraints,
}


def serialize(family: Any, obj: Any) -> Any:
    """`family.serialize(obj)`, with None kept as None."""
    return None if obj is None else family.serialize(obj)


def is_default(fn: Any, name: str) -> bool:
    """Whether the activation `fn` is the built-in `name` (fused kernels need it)."""
    return fn is getattr(activations, name)


def as_state_list(states: Any) -> list:
    """States as a list, whether given as a tensor, a tuple or a list."""
    if isinstance(states, (list, tuple)):
        return list(states)
    return [states]


def build_sublayer(layer: Any, input_shape: tuple, device: Any) -> None:
    """Builds a wrapped layer for `input_shape`, its weights on `device`."""
    if layer.built:
        return
    layer._build_device = device
    try:
        layer.build(input_shape)
    finally:
        layer._build_device = None
    layer.built = True
