"""LoRA (low-rank adaptation) shared by Dense, Embedding and EinsumDense.

`enable_lora(rank)` freezes the layer's base weight `W` and adds two trainable
float32 weights `a` (`W.shape[:-1] + (rank,)`) and `b` (`(rank, W.shape[-1])`);
the layer then computes with `W + (lora_alpha / rank) * a @ b`. As in Keras,
saving writes the merged weight in the base weight's slot (no LoRA weights),
and loading into a LoRA-enabled layer sets the base weight and zeroes `a`, `b`.

One difference from Keras: `layer.kernel` (`layer.embeddings`) stays the frozen
base weight; Keras's property returns the merged tensor once LoRA is enabled.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from lamina import initializers
from lamina.layers.base import Layer


def check_no_quantization(layer_name: str, quantization_config: Any) -> None:
    """Refuses a quantization config: lamina has no quantized layers."""
    if quantization_config is not None:
        raise ValueError(
            f"Layer '{layer_name}': quantization is not supported in lamina. "
            f"Received: quantization_config={quantization_config!r}. Leave it "
            "as None (LoRA, via `lora_rank` or `enable_lora`, is supported)."
        )


def check_rank(layer_name: str, rank: Any, arg: str = "rank") -> int:
    """`rank` as a positive int, or a ValueError naming the layer."""
    if isinstance(rank, bool) or not isinstance(rank, (int, np.integer)) or rank <= 0:
        raise ValueError(
            f"Layer '{layer_name}': LoRA `{arg}` must be a positive integer. "
            f"Received: {arg}={rank!r}."
        )
    return int(rank)


class LoraMixin:
    """LoRA for a layer with one base weight.

    A class using it sets `_lora_base` (the base weight's attribute name),
    `_lora_names` (the two LoRA weights' names), `_lora_regularizer_attr` and
    `_lora_constraint_attr` (attributes whose regularizer the LoRA weights
    share, and whose constraint forbids LoRA), and `_lora_alpha_at_build`
    (whether `lora_rank` given to the constructor keeps `lora_alpha` when the
    layer builds: Keras's EinsumDense does, its Dense and Embedding reset it to
    the rank). It calls `_init_lora` in `__init__` and `_build_lora` at the
    end of `build`.
    """

    _lora_base = "kernel"
    _lora_names = ("lora_kernel_a", "lora_kernel_b")
    _lora_regularizer_attr = "kernel_regularizer"
    _lora_constraint_attr = "kernel_constraint"
    _lora_alpha_at_build = False

    def _init_lora(self, lora_rank: Any, lora_alpha: Any) -> None:
        if lora_rank is not None:
            lora_rank = check_rank(self.name, lora_rank, "lora_rank")
        self.lora_rank = lora_rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else lora_rank
        self.lora_enabled = False

    def _build_lora(self) -> None:
        if self.lora_rank:
            alpha = self.lora_alpha if self._lora_alpha_at_build else None
            self.enable_lora(self.lora_rank, lora_alpha=alpha)

    def enable_lora(
        self,
        rank: int,
        lora_alpha: float | None = None,
        a_initializer: Any = "he_uniform",
        b_initializer: Any = "zeros",
    ) -> None:
        """Freezes the base weight and adds trainable low-rank weights `a`, `b`.

        Args:
            rank: positive integer, the inner size of `a @ b`.
            lora_alpha: scale numerator; the update is scaled by
                `lora_alpha / rank` (default: `rank`, a scale of 1).
            a_initializer, b_initializer: initializers of `a` and `b`.

        Raises:
            ValueError: when the layer has a constraint on its base weight, is
                not built, already has LoRA, or `rank` is not positive.
        """
        constraint = getattr(self, self._lora_constraint_attr)
        if constraint is not None:
            raise ValueError(
                f"Layer '{self.name}': LoRA is incompatible with "
                f"`{self._lora_constraint_attr}`. Remove the constraint to enable "
                "LoRA on this layer."
            )
        if not self.built:
            raise ValueError(
                f"Layer '{self.name}': cannot enable LoRA on a layer that isn't "
                "built yet. Build it first (call it on data or `layer.build(shape)`)."
            )
        if self.lora_enabled:
            raise ValueError(
                f"Layer '{self.name}': LoRA is already enabled (rank="
                f"{self.lora_rank}). `enable_lora` can only be called once per layer."
            )
        rank = check_rank(self.name, rank)
        base = getattr(self, self._lora_base)
        shape = tuple(base.shape)
        regularizer = getattr(self, self._lora_regularizer_attr)
        name_a, name_b = self._lora_names
        a = self.add_weight(
            shape=shape[:-1] + (rank,),
            initializer=initializers.get(a_initializer),
            dtype="float32",
            regularizer=regularizer,
            name=name_a,
        )
        b = self.add_weight(
            shape=(rank, shape[-1]),
            initializer=initializers.get(b_initializer),
            dtype="float32",
            regularizer=regularizer,
            name=name_b,
        )
        setattr(self, name_a, a)
        setattr(self, name_b, b)
        base.trainable = False
        self.lora_enabled = True
        self.lora_rank = rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else rank

    def _effective_weight(self) -> torch.Tensor:
        """The base weight, plus the scaled LoRA update when LoRA is on."""
        base = getattr(self, self._lora_base)
        if not getattr(self, "lora_enabled", False):
            return base
        a, b = (getattr(self, n) for n in self._lora_names)
        delta = (self.lora_alpha / self.lora_rank) * torch.matmul(a, b)
        return (base + delta).to(base.dtype)

    @property
    def trainable(self) -> bool:
        return Layer.trainable.fget(self)  # type: ignore[attr-defined]

    @trainable.setter
    def trainable(self, value: bool) -> None:
        Layer.trainable.fset(self, value)  # type: ignore[attr-defined]
        if value and getattr(self, "lora_enabled", False):
            getattr(self, self._lora_base).trainable = False  # stays frozen

    def _lora_config(self, config: dict) -> dict:
        if self.lora_rank:
            config["lora_rank"] = self.lora_rank
            config["lora_alpha"] = self.lora_alpha
        return config

    def save_own_variables(self, store: Any) -> None:
        if not self.lora_enabled:
            super().save_own_variables(store)  # type: ignore[misc]
            return
        lora = {id(getattr(self, n)) for n in self._lora_names}
        base = getattr(self, self._lora_base)
        saved = [v for v in self._saved_variables() if id(v) not in lora]
        for i, variable in enumerate(saved):
            value = self._effective_weight() if variable is base else variable
            store[str(i)] = value.detach().cpu().numpy()

    def load_own_variables(self, store: Any) -> None:
        if not self.lora_enabled:
            super().load_own_variables(store)  # type: ignore[misc]
            return
        lora = {id(getattr(self, n)) for n in self._lora_names}
        saved = [v for v in self._saved_variables() if id(v) not in lora]
        if len(store) != len(saved):
            raise ValueError(
                f"Layer '{self.name}' (LoRA enabled) expected {len(saved)} "
                f"variables (the merged {self._lora_base} and the others, no LoRA "
                f"weights), but received {len(store)} variables during loading."
            )
        with torch.no_grad():
            for i, variable in enumerate(saved):
                value = torch.as_tensor(np.asarray(store[str(i)]))
                if tuple(value.shape) != tuple(variable.shape):
                    raise ValueError(
                        f"Layer '{self.name}': shape mismatch while loading "
                        f"variable {i}: expected {tuple(variable.shape)}, "
                        f"received {tuple(value.shape)}."
                    )
                variable.copy_(value.to(variable.dtype))
            for n in self._lora_names:
                getattr(self, n).zero_()
