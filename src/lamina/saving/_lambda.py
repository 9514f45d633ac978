"""Serializing the Python function of a `Lambda` layer (bytecode, base64)."""

from __future__ import annotations

import base64
import marshal
import types
from typing import Any

from lamina import _registry
from lamina.saving.serialization_lib import UNSAFE_LAMBDA_MESSAGE


def serialize_function(fn: Any) -> Any:
    """A named function by name; a lambda as marshalled bytecode."""
    if getattr(fn, "__name__", "<lambda>") != "<lambda>" and getattr(
        fn, "__module__", None
    ):
        return {
            "class_name": "function",
            "config": fn.__name__,
            "module": fn.__module__,
        }
    code = base64.b64encode(marshal.dumps(fn.__code__)).decode("ascii")
    return {
        "class_name": "__lambda__",
        "config": {"code": code, "defaults": fn.__defaults__, "closure": None},
    }


def deserialize_function(
    data: Any, custom_objects: dict | None, safe_mode: bool | None
) -> Any:
    if callable(data):
        return data
    if isinstance(data, dict) and data.get("class_name") == "function":
        name = data["config"]
        if custom_objects and name in custom_objects:
            return custom_objects[name]
        raise ValueError(
            f"Could not find function '{name}'. Pass it in `custom_objects`."
        )
    if safe_mode is None:
        safe_mode = _registry.in_safe_mode()
    if safe_mode:
        raise ValueError(UNSAFE_LAMBDA_MESSAGE)
    raw = base64.b64decode(data["config"]["code"])
    code = marshal.loads(raw)
    defaults = data["config"].get("defaults")
    return types.FunctionType(
        code, globals(), argdefs=tuple(defaults) if defaults else None
    )
