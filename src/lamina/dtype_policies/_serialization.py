"""`get`, `serialize` and `deserialize` for dtype policies."""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Any

import numpy as np

from lamina import _registry, backend
from lamina.dtype_policies.dtype_policy import _CLASSES, DTypePolicy, global_policy

# Names of Keras's quantized policies (`"int8_from_float32"`), which lamina lacks.
_QUANTIZATION_MODES = ("int8", "float8", "int4", "gptq", "awq")


def get(identifier: Any) -> DTypePolicy:
    """The policy for `identifier`.

    Args:
        identifier: None (the global policy), a policy name (`"float32"`,
            `"mixed_bfloat16"`), a serialized policy (dict), a `DTypePolicy`,
            or a dtype (`torch.float16`, `numpy.float32`).

    Raises:
        ValueError: when `identifier` names no policy.

    Example:
    >>> get("mixed_float16")
    <DTypePolicy "mixed_float16">
    """
    if identifier is None:
        return global_policy()
    if isinstance(identifier, DTypePolicy):
        return identifier
    if isinstance(identifier, Mapping):
        return deserialize(dict(identifier))
    if isinstance(identifier, str):
        if identifier.startswith(_QUANTIZATION_MODES):
            raise ValueError(
                f"Quantized dtype policies ({identifier!r}) are not supported by "
                "lamina: it has no int8/float8/int4/GPTQ/AWQ quantization. Use a "
                "float policy such as 'float32' or 'mixed_bfloat16'."
            )
        return DTypePolicy(identifier)
    if isinstance(identifier, type) and issubclass(identifier, np.generic):
        identifier = np.dtype(identifier)  # `np.float32`, the scalar type
    try:
        return DTypePolicy(backend.standardize_dtype(identifier))
    except ValueError as err:
        raise ValueError(
            "Cannot interpret `dtype` argument. Expected a string or an instance "
            f"of DTypePolicy. Received: dtype={identifier}"
        ) from err


def serialize(dtype_policy: Any) -> Any:
    """A policy in Keras's serialized form (a dict with `class_name` and
    `config`); a plain value (a name) comes back as it is."""
    if isinstance(dtype_policy, DTypePolicy):
        return dtype_policy.serialize()
    if dtype_policy is None or isinstance(dtype_policy, (str, int, float, bool)):
        return dtype_policy
    raise TypeError(
        "`dtype_policy` must be a `DTypePolicy` (or a policy name). Received: "
        f"{dtype_policy!r} of type {type(dtype_policy).__name__}"
    )


def deserialize(config: Any, custom_objects: dict | None = None) -> Any:
    """Rebuilds a policy from `serialize`'s output.

    A class name alone (`"DTypePolicy"`) makes that class with its defaults;
    any other string comes back as it is, as in Keras.

    Raises:
        TypeError: when the config names a class that is neither a dtype
            policy nor a registered custom object.
    """
    if isinstance(config, str):
        cls = _find_class(config, custom_objects, required=False)
        return config if cls is None else cls()
    if not isinstance(config, Mapping) or "class_name" not in config:
        raise TypeError(
            "`config` must be a dict with 'class_name' and 'config' (the output "
            f"of `dtype_policies.serialize`). Received: {config!r}"
        )
    name = config.get("registered_name") or config["class_name"]
    cls = _find_class(name, custom_objects, required=True)
    inner = dict(config.get("config") or {})
    if "custom_objects" in inspect.signature(cls.from_config).parameters:
        return cls.from_config(inner, custom_objects=custom_objects)
    return cls.from_config(inner)


def _find_class(name: str, custom_objects: dict | None, required: bool) -> Any:
    found = _registry.get_registered_object(name, custom_objects)
    if found is None:
        found = _CLASSES.get(name)
    if found is None and required:
        raise TypeError(
            f"Could not locate dtype policy class '{name}'. Known: "
            f"{sorted(_CLASSES)}. A custom policy class must be registered with "
            "`keras.saving.register_keras_serializable()` or passed in "
            "`custom_objects`."
        )
    return found


__all__ = ["deserialize", "get", "serialize"]
