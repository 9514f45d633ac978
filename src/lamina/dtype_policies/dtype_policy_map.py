"""`DTypePolicyMap`: dtype policies chosen by layer path.

A map given as a layer's `dtype=` lets each layer (and the sublayers it passes
its policy to) take the policy stored for its own `path`; layers the map does
not name take its default policy.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, MutableMapping
from typing import Any

import torch

from lamina.dtype_policies._serialization import deserialize, get
from lamina.dtype_policies.dtype_policy import (
    DTypePolicy,
    global_policy,
    register_policy_class,
)


class DTypePolicyMap(DTypePolicy, MutableMapping):
    """A dict-like map from layer paths to `DTypePolicy`s.

    A key is a layer path (`"encoder/dense"`) or a regular expression over
    paths (`"encoder/.*"`). A lookup takes the exact key first, then the one
    pattern that matches the whole path, then `default_policy`. A map works as
    a layer's `dtype=`: the layer computes with `map[layer.path]`.

    Args:
        default_policy: the policy of paths the map does not name (a policy
            or its name); None follows `keras.config.dtype_policy()`.
        policy_map: an optional dict of path (or pattern) to policy.

    Raises:
        ValueError: when `default_policy` is itself a map.
        TypeError: when `policy_map` is not a dict.

    Example:
    >>> policies = DTypePolicyMap(default_policy="float32")
    >>> policies["encoder/.*"] = "bfloat16"
    >>> policies["encoder/dense"].name, policies["decoder"].name
    ('bfloat16', 'float32')
    """

    def __init__(self, default_policy: Any = None, policy_map: Any = None) -> None:
        if isinstance(default_policy, DTypePolicyMap):
            raise ValueError("`default_policy` cannot be a `DTypePolicyMap`.")
        if policy_map is not None and not isinstance(policy_map, dict):
            raise TypeError(
                "If specified, `policy_map` must be a dict. "
                f"Received: policy_map={policy_map} of type {type(policy_map)}"
            )
        self._default_policy_arg = default_policy
        self._default_policy = None if default_policy is None else get(default_policy)
        self._policy_map: dict[str, DTypePolicy] = {}
        self._version = 0  # bumped by every change, for the layers' caches
        for key, policy in (policy_map or {}).items():
            self[key] = policy

    # -- the policy side --------------------------------------------------------
    @property
    def default_policy(self) -> DTypePolicy:
        """The policy of paths the map does not name."""
        if self._default_policy is None:
            return global_policy()
        return self._default_policy

    @property
    def name(self) -> str:
        return f"map_{self.default_policy.name}"

    @property
    def compute_dtype(self) -> str:
        return self.default_policy.compute_dtype

    @property
    def variable_dtype(self) -> str:
        return self.default_policy.variable_dtype

    @property
    def mixed(self) -> bool:  # type: ignore[override]
        return self.default_policy.mixed

    @property
    def torch_compute_dtype(self) -> torch.dtype:  # type: ignore[override]
        return self.default_policy.torch_compute_dtype

    # -- the mapping side -------------------------------------------------------
    def __getitem__(self, key: str) -> DTypePolicy:
        """The policy for the path `key`: an exact key, else the one pattern
        that matches all of `key` (`re.fullmatch`), else `default_policy`.

        Raises:
            ValueError: when `key` matches more than one pattern.
        """
        table = self._policy_map
        if key in table:
            return table[key]
        matches = [pattern for pattern in table if re.fullmatch(pattern, key)]
        if len(matches) > 1:
            raise ValueError(
                f"Path '{key}' matches multiple dtype policy specification keys: "
                f"{matches}. Please make sure each path only matches at most one "
                "dtype policy specification key in the DTypePolicyMap."
            )
        if matches:
            return table[matches[0]]
        return self.default_policy

    def __setitem__(self, key: str, policy: Any) -> None:
        if key in self._policy_map:
            raise ValueError(
                f"{key} already exist in the DTypePolicyMap with value "
                f"{self._policy_map[key]}. Please make sure to not use duplicated "
                "keys."
            )
        try:
            policy = get(policy)
        except Exception as err:
            raise ValueError(
                "Cannot interpret the assigned value by `keras.dtype_policies.get`. "
                f"Received: {policy} of type {type(policy)}"
            ) from err
        self._policy_map[key] = policy
        self._changed()

    def __delitem__(self, key: str) -> None:
        del self._policy_map[key]
        self._changed()

    def _changed(self) -> None:
        self._version += 1

    def __contains__(self, key: object) -> bool:
        return key in self._policy_map

    def __len__(self) -> int:
        return len(self._policy_map)

    def __iter__(self) -> Iterator[str]:
        return iter(self._policy_map)

    # -- configuration ----------------------------------------------------------
    def get_config(self) -> dict:
        """Keras's config. With no `default_policy`, the entries are written
        with `name=None` (they follow the global policy when loaded), as Keras
        writes them."""
        entries = {}
        for key, policy in self._policy_map.items():
            entry = policy.serialize()
            if self._default_policy_arg is None:
                entry["config"] = {**entry["config"], "name": None}
            entries[key] = entry
        return {"default_policy": self._default_policy_arg, "policy_map": entries}

    @classmethod
    def from_config(
        cls, config: dict, custom_objects: dict | None = None
    ) -> DTypePolicyMap:
        entries = {
            key: deserialize(entry, custom_objects)
            for key, entry in (config.get("policy_map") or {}).items()
        }
        return cls(default_policy=config.get("default_policy"), policy_map=entries)

    def serialize(self) -> dict:
        return {
            "module": "keras.dtype_policies",
            "class_name": "DTypePolicyMap",
            "config": self.get_config(),
            "registered_name": None,
        }

    def __eq__(self, other: object) -> bool:
        return self is other

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        default = None if self._default_policy is None else self._default_policy.name
        if default is None:
            default = self.default_policy.name
        mapping = [(key, policy.name) for key, policy in self._policy_map.items()]
        return (
            f"<DTypePolicyMap at {hex(id(self))} default_policy={default}, "
            f"mapping={mapping}>"
        )

    def for_path(self, path: str) -> DTypePolicy:
        """This map as seen by the layer at `path`: still this map (its
        entries, config and repr), computing with `self[path]`."""
        return _PathBoundMap(self, path)


class _PathBoundMap(DTypePolicyMap):
    """What a layer given a `DTypePolicyMap` holds: the map's entries (shared,
    so later changes reach it) with the dtypes of the layer's own entry."""

    def __init__(self, source: DTypePolicyMap, path: str) -> None:
        self._source = source
        self._path = path
        self._cache: tuple[int, DTypePolicy] | None = None

    def _policy(self) -> DTypePolicy:
        version = self._source._version
        if self._cache is None or self._cache[0] != version:
            self._cache = (version, self._source[self._path])
        return self._cache[1]

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name in ("_source", "_path", "_cache"):
            raise AttributeError(name)
        return getattr(self._source, name)  # the map's entries and default

    def __getitem__(self, key: str) -> DTypePolicy:
        return self._source[key]

    def __setitem__(self, key: str, policy: Any) -> None:
        self._source[key] = policy

    def __delitem__(self, key: str) -> None:
        del self._source[key]

    def __contains__(self, key: object) -> bool:
        return key in self._source

    def __len__(self) -> int:
        return len(self._source)

    def __iter__(self) -> Iterator[str]:
        return iter(self._source)

    @property
    def compute_dtype(self) -> str:
        return self._policy().compute_dtype

    @property
    def variable_dtype(self) -> str:
        return self._policy().variable_dtype

    @property
    def mixed(self) -> bool:  # type: ignore[override]
        return self._policy().mixed

    @property
    def torch_compute_dtype(self) -> torch.dtype:  # type: ignore[override]
        return self._policy().torch_compute_dtype

    def get_config(self) -> dict:
        return self._source.get_config()

    def for_path(self, path: str) -> DTypePolicy:
        return _PathBoundMap(self._source, path)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, _PathBoundMap):
            other = other._source
        return self._source is other

    __hash__ = None

    def __repr__(self) -> str:
        return repr(self._source)


register_policy_class(DTypePolicyMap)
