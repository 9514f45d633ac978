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


__all__ = ["DTypePolicy", "get_policy", "global_policy", "set_global_policy"]
