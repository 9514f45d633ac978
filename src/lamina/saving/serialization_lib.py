"""Objects as Keras 3's config dicts, and back.

A serialized object is `{"module", "class_name", "config", "registered_name"}`;
a layer adds `build_config` and a model `compile_config`. Lamina classes are
written under Keras's public modules (`keras.layers`, `keras.optimizers`, ...),
so Keras reads lamina's files, and Keras's modules are read back through the
registry that lamina's base classes fill (`lamina._registry`), or through the
family's own `deserialize` for optimizers, losses, metrics, initializers.
"""

from __future__ import annotations

import base64
import inspect
import marshal
import sys
import types
from collections.abc import Mapping
from typing import Any

import numpy as np

from lamina import _registry

# Keras's public module of each lamina package, as Keras writes it in files.
_PUBLIC_MODULES = {
    "layers": "keras.layers",
    "optimizers": "keras.optimizers",
    "losses": "keras.losses",
    "metrics": "keras.metrics",
    "initializers": "keras.initializers",
    "regularizers": "keras.regularizers",
    "constraints": "keras.constraints",
    "activations": "keras.activations",
    "distillation": "keras.distillation",
}

# Keras config keys that lamina accepts and ignores at these values. Another
# value asks for a feature lamina does not have, and is refused by name.
_KERAS_ONLY_DEFAULTS: dict[str, Any] = {
    "ragged": False,
    "quantization_config": None,
    "lora_rank": None,
    "lora_alpha": None,
    "lora_enabled": False,
}

# lamina classes whose Keras class name differs from their Python name.
_KERAS_CLASS_NAMES = {"GroupedQueryAttention": "GroupQueryAttention"}
_LAMINA_CLASS_NAMES = {v: k for k, v in _KERAS_CLASS_NAMES.items()}

_UNKNOWN_CLASS = (
    "Could not locate class '{name}'. Make sure custom classes are decorated "
    "with `@keras.saving.register_keras_serializable()`, or pass them in "
    "`custom_objects`. Full object config: {config}"
)


def public_module(cls: type) -> str | None:
    """Returns the module Keras writes for `cls` (`"keras.layers"` for Dense)."""
    module = cls.__module__
    if not module.startswith("lamina."):
        return None if module == "__main__" else module
    if cls.__name__ == "Functional":
        return "keras.src.models.functional"
    family = module.split(".")[1]
    if family == "utils":  # FeatureSpace, a layer Keras exports in keras.utils
        return "keras.utils"
    if family == "optimizers" and ".schedules" in module:
        return "keras.optimizers.schedules"
    if family in ("models", "_dtype_policy") or "dtype_policy" in module:
        return "keras"
    if family == "applications" and module.count(".") >= 2:
        # Keras finds an application's own layers (ConvNeXt's LayerScale)
        # only in the application's source module.
        return "keras.src.applications." + module.split(".")[2]
    return _PUBLIC_MODULES.get(family, "keras")


def _registered_name(cls: type, module: str | None) -> str | None:
    if cls.__module__.startswith("lamina."):
        if (module or "").startswith("keras.src.applications."):
            return cls.__name__
        return "Functional" if cls.__name__ == "Functional" else None
    return _registry.get_registered_name(cls)


# -- serialize -----------------------------------------------------------------


def serialize_keras_object(obj: Any) -> Any:
    """Returns `obj` as plain JSON-able data, in Keras 3's format.

    Args:
        obj: a layer, model, optimizer, loss, metric, initializer, function,
            or plain data (numbers, strings, lists, dicts, numpy arrays).

    Returns:
        The serialized form; `deserialize_keras_object` rebuilds the object.

    Raises:
        TypeError: for an object that has no `get_config`.
    """
    plain = _serialize_plain(obj)
    if plain is not _NOT_PLAIN:
        return plain
    if not hasattr(obj, "get_config"):
        raise TypeError(
            f"Cannot serialize {obj!r} of type {type(obj).__name__}: it has no "
            "`get_config()` method. Give its class `get_config()` (and "
            "`from_config()`) to make it serializable."
        )
    cls = type(obj)
    module = public_module(cls)
    out: dict[str, Any] = {
        "module": module,
        "class_name": _KERAS_CLASS_NAMES.get(cls.__name__, cls.__name__),
        "config": _keras_config(obj),
        "registered_name": _registered_name(cls, module),
    }
    if getattr(obj, "built", False) and hasattr(obj, "get_build_config"):
        build_config = obj.get_build_config()
        if build_config is not None:
            out["build_config"] = _plain(build_config)
    if hasattr(obj, "get_compile_config"):
        compile_config = obj.get_compile_config()
        if compile_config is not None:
            # a user's override may return objects (an optimizer, a loss): as
            # Keras, serialize them; lamina's own config is already plain.
            out["compile_config"] = serialize_keras_object(compile_config)
    return out


_NOT_PLAIN = object()


def _serialize_plain(obj: Any) -> Any:
    """Numbers, strings, bytes, arrays, containers and functions; else
    `_NOT_PLAIN`."""
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, (np.generic,)):
        return obj.item()
    if isinstance(obj, bytes):
        return {"class_name": "__bytes__", "config": {"value": obj.decode("latin-1")}}
    if isinstance(obj, np.ndarray):
        return {
            "class_name": "__numpy__",
            "config": {"value": obj.tolist(), "dtype": str(obj.dtype)},
        }
    if isinstance(obj, (list, tuple)):
        return [serialize_keras_object(x) for x in obj]
    if isinstance(obj, Mapping):
        return {str(k): serialize_keras_object(v) for k, v in obj.items()}
    if isinstance(obj, types.FunctionType | types.BuiltinFunctionType):
        return _serialize_function(obj)
    return _NOT_PLAIN


def _keras_config(obj: Any) -> Any:
    """`obj.get_config()` as Keras writes it. A layer's `batch_input_shape`
    (from `input_shape=`) is left out: Keras 3 layers refuse it, and the model's
    InputLayer or `build_config` carries the shape."""
    config = _plain(obj.get_config())
    if isinstance(config, dict) and hasattr(obj, "get_build_config"):
        config.pop("batch_input_shape", None)
    return config


def _serialize_function(fn: Any) -> dict[str, Any]:
    module = getattr(fn, "__module__", None) or "builtins"
    if module.startswith("lamina."):
        family = module.split(".")[1]
        module = _PUBLIC_MODULES.get(family, "keras")
        registered = fn.__name__
    else:
        registered = _registry.get_registered_name(fn)
    return {
        "module": module,
        "class_name": "function",
        "config": fn.__name__,
        "registered_name": registered,
    }


def _plain(value: Any) -> Any:
    """Tuples as lists and nested objects serialized: what JSON can hold."""
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return serialize_keras_object(value)


# -- deserialize ---------------------------------------------------------------


def deserialize_keras_object(
    config: Any,
    custom_objects: Mapping[str, Any] | None = None,
    safe_mode: bool = True,
    **kwargs: Any,
) -> Any:
    """Rebuilds an object from `serialize_keras_object`'s output.

    Args:
        config: the serialized form (a dict with `class_name`, or plain data).
        custom_objects: names mapped to classes or functions, searched first.
        safe_mode: refuse to run code stored in the config (a `Lambda`'s
            bytecode). `keras.config.enable_unsafe_deserialization()` turns
            it off for the whole process.

    Returns:
        The object; a layer with a `build_config` is built, a model with a
        `compile_config` is compiled.

    Raises:
        TypeError: when a class cannot be found; the message says how to
            register it.
    """
    with _registry.safe_mode_scope(safe_mode):
        return _deserialize(config, custom_objects, **kwargs)


def _deserialize(config: Any, custom_objects: Any, compile: bool = True) -> Any:
    if config is None or isinstance(config, (bool, int, float, str)):
        return config
    if isinstance(config, (list, tuple)):
        return [_deserialize(c, custom_objects, compile) for c in config]
    if not isinstance(config, Mapping):
        return config
    if "class_name" not in config or "config" not in config:
        return {k: _deserialize(v, custom_objects, compile) for k, v in config.items()}
    special = _special(config)
    if special is not _NOT_SPECIAL:
        return special
    if config["class_name"] == "function":
        return _function(config, custom_objects)
    cls = _find_class(config, custom_objects)
    if isinstance(cls, _FamilyDeserializer):
        return cls(config, custom_objects)
    inner = config["config"]
    if isinstance(inner, Mapping):
        inner = _accept_keras_keys(cls, dict(inner))
    obj = _call_from_config(cls, inner, custom_objects)
    build_config = config.get("build_config")
    if build_config and hasattr(obj, "build_from_config") and not obj.built:
        obj.build_from_config(build_config)
    compile_config = config.get("compile_config")
    if compile and compile_config and hasattr(obj, "compile_from_config"):
        obj.compile_from_config(compile_config)
    return obj


_NOT_SPECIAL = object()


def _special(config: Mapping[str, Any]) -> Any:
    """The built-in value forms Keras writes (`__tuple__`, `__numpy__`, ...)."""
    name, inner = config["class_name"], config["config"]
    if name == "__tuple__":
        return tuple(inner["value"])
    if name == "__numpy__":
        return np.asarray(inner["value"], dtype=inner["dtype"])
    if name == "__bytes__":
        return inner["value"].encode("latin-1")
    if name == "__typespec__" or name == "__keras_tensor__":
        return config
    if name == "__lambda__":
        if _registry.in_safe_mode():
            raise ValueError(UNSAFE_LAMBDA_MESSAGE)
        return _function_from_bytecode(inner)
    return _NOT_SPECIAL


UNSAFE_LAMBDA_MESSAGE = (
    "Requested the deserialization of a Python lambda from its bytecode. This "
    "runs code stored in the file, which may be malicious. If you trust the "
    "file, pass `safe_mode=False` to the loading function, or call "
    "`keras.config.enable_unsafe_deserialization()` first."
)


def _function_from_bytecode(inner: Mapping[str, Any]) -> Any:
    code = marshal.loads(base64.b64decode(inner["code"]))
    defaults = inner.get("defaults")
    return types.FunctionType(
        code, {"__builtins__": __builtins__}, argdefs=tuple(defaults or ()) or None
    )


# Where Keras looks for a function saved with module `builtins` (its BUILTIN_MODULES).
_BUILTIN_FUNCTION_FAMILIES = (
    "activations", "constraints", "initializers", "losses", "metrics", "optimizers",
    "regularizers",
)  # fmt: skip


def _family(module: str | None) -> str:
    """`keras.layers` -> `layers`; `keras.src.backend.torch.optimizers.x`
    -> `optimizers`; plain `keras` and `keras.models` hold layers (models)."""
    parts = (module or "").split(".")
    for family in ("schedules", *_PUBLIC_MODULES):
        if family in parts:
            return "optimizers.schedules" if family == "schedules" else family
    return "layers"


def _find_class(config: Mapping[str, Any], custom_objects: Any) -> Any:
    name = config["class_name"]
    registered = config.get("registered_name") or name
    for key in (registered, name):
        found = _registry.get_registered_object(key, custom_objects)
        if found is not None:
            return found
    family = _family(config.get("module"))
    found = _registry.builtin_object(family, _LAMINA_CLASS_NAMES.get(name, name))
    if found is None and family == "layers":
        found = _registry.builtin_object("layers", registered)
    if found is not None:
        return found
    package = sys.modules.get(f"lamina.{family}")
    if package is not None and family != "layers":
        return _FamilyDeserializer(package, family)
    raise TypeError(_UNKNOWN_CLASS.format(name=name, config=dict(config)))


class _FamilyDeserializer:
    """Rebuilds optimizers, losses, metrics, ... through the family's own
    `deserialize`, which knows its names and aliases."""

    def __init__(self, package: types.ModuleType, family: str) -> None:
        self.package, self.family = package, family

    def __call__(self, config: Mapping[str, Any], custom_objects: Any) -> Any:
        return self.package.deserialize(dict(config), custom_objects=custom_objects)


def _call_from_config(cls: Any, inner: Any, custom_objects: Any) -> Any:
    if not hasattr(cls, "from_config"):
        if isinstance(inner, Mapping):
            return cls(**inner)
        return cls
    params = _from_config_params(cls)
    kwargs: dict[str, Any] = {}
    if "custom_objects" in params:
        kwargs["custom_objects"] = _merged_custom_objects(custom_objects)
    if "safe_mode" in params:
        kwargs["safe_mode"] = _registry.in_safe_mode()
    with _registry.CustomObjectScope(custom_objects):
        return cls.from_config(inner, **kwargs)


def _merged_custom_objects(custom_objects: Any) -> dict[str, Any] | None:
    return dict(custom_objects) if custom_objects else None


def _from_config_params(cls: Any) -> set[str]:
    try:
        return set(inspect.signature(cls.from_config).parameters)
    except (TypeError, ValueError):
        return set()


def _accept_keras_keys(cls: Any, inner: dict[str, Any]) -> dict[str, Any]:
    """Drops Keras-only keys at their default values; refuses other values."""
    if not isinstance(cls, type):
        return inner
    try:
        params = inspect.signature(cls).parameters
    except (TypeError, ValueError):
        return inner
    for key, default in _KERAS_ONLY_DEFAULTS.items():
        if key not in inner or key in params:
            continue
        value = inner.pop(key)
        if value != default:
            raise ValueError(
                f"{cls.__name__} was saved with `{key}={value!r}`, which lamina "
                f"does not support. Save the model without {key} (default "
                f"{default!r}) to load it in lamina."
            )
    return inner


def _builtin_function(name: str) -> Any:
    """The public function `name` of a lamina family, as Keras resolves a function
    saved with module `builtins` (`keras.metrics.huber`, `keras.losses.mae`)."""
    for family in _BUILTIN_FUNCTION_FAMILIES:
        found = getattr(sys.modules.get(f"lamina.{family}"), name, None)
        if inspect.isroutine(found):
            return found
    return None


def _function(config: Mapping[str, Any], custom_objects: Any) -> Any:
    name = config["config"]
    registered = config.get("registered_name") or name
    for key in (registered, name):
        found = _registry.get_registered_object(key, custom_objects)
        if found is not None:
            return found
    if config.get("module") == "builtins":
        found = _builtin_function(name)
        if found is not None:
            return found
    family = _family(config.get("module"))
    package = sys.modules.get(f"lamina.{family}")
    if package is not None and hasattr(package, "get"):
        try:
            return package.get(name)
        except (ValueError, TypeError):
            pass
    raise TypeError(
        f"Could not locate function '{name}'. Register it with "
        "`@keras.saving.register_keras_serializable()` or pass it in "
        f"`custom_objects`. Full object config: {dict(config)}"
    )
