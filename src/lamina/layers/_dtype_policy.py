"""A layer's dtype policy from its `dtype` argument. The policies themselves
live in `lamina.dtype_policies`."""

from __future__ import annotations

from typing import Any

from lamina.dtype_policies import DTypePolicy, DTypePolicyMap, get
from lamina.dtype_policies.dtype_policy import global_policy, set_global_policy


def get_policy(dtype: Any, path: str | None = None) -> DTypePolicy:
    """Resolves a layer's `dtype` argument to a policy.

    Args:
        dtype: None (the global policy), a name, a dtype, a serialized policy
            or a `DTypePolicy`.
        path: the layer's path: a `DTypePolicyMap` is then bound to it, so the
            layer computes with the map's entry for its path.
    """
    policy = get(dtype)
    if path is not None and isinstance(policy, DTypePolicyMap):
        return policy.for_path(path)
    return policy


def set_policy(layer: Any, value: Any) -> None:
    """`layer.dtype_policy = value`: a map the layer holds takes a plain
    policy as the entry for the layer's path; anything else replaces it."""
    policy = get_policy(value, layer.path)
    current = layer.__dict__.get("_dtype_policy")
    if isinstance(current, DTypePolicyMap) and not isinstance(policy, DTypePolicyMap):
        if layer.path in current:
            del current[layer.path]
        current[layer.path] = policy
    else:
        layer.__dict__["_dtype_policy"] = policy
    if "_plan" in layer.__dict__:  # Sequential's cached fast plan holds dtypes
        layer.__dict__["_plan"] = None


__all__ = [
    "DTypePolicy",
    "get_policy",
    "global_policy",
    "set_global_policy",
    "set_policy",
]
