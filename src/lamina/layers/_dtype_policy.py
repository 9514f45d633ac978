"""Dtype policies: the dtype of a layer's weights and of its computation."""

from __future__ import annotations

from typing import Any

import torch

from lamina import backend

_GLOBAL: DTypePolicy | None = None


class DTypePolicy:
    """A dtype policy: `"float32"`, `"mixed_float16"`, `"mixed_bfloat16"`, ...

    Mixed policies keep weights in float32 and compute in the low precision.
    """

    def __init__(self, name: str | None = None) -> None:
        name = name or backend.floatx()
        if name.startswith("mixed_"):
            compute = name[len("mixed_") :]
            if compute not in ("float16", "bfloat16"):
                raise ValueError(
                    "Mixed policies are 'mixed_float16' or 'mixed_bfloat16'. "
                    f"Received: dtype={name!r}"
                )
            variable = "float32"
        else:
            compute = variable = backend.standardize_dtype(name)
            name = compute
        self.name = name
        self.mixed = compute != variable
        self.compute_dtype = compute
        self.variable_dtype = variable
        self.torch_compute_dtype = backend.to_torch_dtype(compute)

    def serialize(self) -> dict:
        return {
            "module": "keras",
            "class_name": "DTypePolicy",
            "config": {"name": self.name},
            "registered_name": None,
        }

    def __repr__(self) -> str:
        return f'<DTypePolicy "{self.name}">'


def get_policy(dtype: Any) -> DTypePolicy:
    """Resolves a layer's `dtype` argument to a policy."""
    if isinstance(dtype, DTypePolicy):
        return dtype
    if dtype is None:
        return _GLOBAL if _GLOBAL is not None else DTypePolicy()
    if isinstance(dtype, dict):
        return DTypePolicy(dtype.get("config", {}).get("name"))
    if isinstance(dtype, torch.dtype):
        return DTypePolicy(backend.standardize_dtype(dtype))
    return DTypePolicy(getattr(dtype, "name", dtype))


def set_global_policy(policy: Any) -> None:
    """Sets the policy layers get when they are given no `dtype`."""
    global _GLOBAL
    _GLOBAL = None if policy is None else get_policy(policy)


def global_policy() -> DTypePolicy:
    return _GLOBAL if _GLOBAL is not None else DTypePolicy()
