"""Name lookup and (de)serialization shared by the pluggable families.

Every family (activations, initializers, regularizers, constraints, and later
losses, metrics, optimizers) resolves user identifiers the same way. This
private module holds the shared pieces:

- `lookup(kind, identifier, table) -> object`: returns `table[identifier]`, or
  raises `ValueError("Unknown {kind}: '{identifier}'. Did you mean '...'? Valid
  names: ...")` with close matches from `difflib`.
- `unknown_name_error(kind, identifier, names) -> ValueError`: builds that
  error, for callers that look names up their own way.
- `serialize_object(obj, module) -> dict`: the Keras 3 dict
  `{"module", "class_name", "config", "registered_name"}` of an object with
  `get_config()`.
- `deserialize_object(kind, config, table, custom_objects=None) -> object`:
  rebuilds an object from a class name or from such a dict (also accepts the
  older `{"class_name", "config"}` form), calling `cls.from_config(config)`.
- `get_object(kind, identifier, deserialize, base=None, ...) -> object`: the
  common body of every family's `get` (None, name or dict, class, callable).
- `object_dict`, `function_dict`, `deserialize_error`, `registered_object` and
  `registered_class`: the pieces that losses, metrics and activations combine
  with their own rules.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from typing import Any

from lamina import _registry


def unknown_name_error(kind: str, identifier: object, names: list[str]) -> ValueError:
    """Builds the error for a name that is not in a family's table.

    Args:
        kind: what is looked up, e.g. `"activation"`.
        identifier: the name the user gave.
        names: the valid names.

    Returns:
        A `ValueError` whose message suggests the closest valid names.
    """
    valid = sorted(set(names))
    message = f"Unknown {kind}: '{identifier}'."
    matches = close_names(str(identifier), valid)
    if matches:
        quoted = [f"'{m}'" for m in matches]
        suggestion = quoted[0]
        if len(quoted) > 1:
            suggestion = f"{', '.join(quoted[:-1])} or {quoted[-1]}"
        message += f" Did you mean {suggestion}?"
    message += f" Valid names: {', '.join(valid)}"
    return ValueError(message)


def _folded(name: str) -> str:
    """A name with case, spaces, dashes and underscores ignored."""
    return "".join(c for c in name.lower() if c.isalnum())


def close_names(identifier: str, valid: list[str], n: int = 3) -> list[str]:
    """Up to `n` valid names nearest `identifier`: those equal to it but for case,
    spaces and underscores first ('ReLU' -> 'relu', 'Adam ' -> 'Adam'), then the
    closest spellings, compared without case."""
    exact = [v for v in valid if _folded(v) == _folded(identifier)]
    # 'maxnorm' -> 'max_norm' before 'MaxNorm': the same case style first.
    exact.sort(key=lambda v: v.islower() != identifier.strip().islower())
    lowered = {v.lower(): v for v in valid}
    similar = difflib.get_close_matches(
        identifier.strip().lower(), list(lowered), n=n, cutoff=0.6
    )
    ordered = exact + [lowered[m] for m in similar if lowered[m] not in exact]
    return ordered[:n]


def lookup(kind: str, identifier: str, table: Mapping[str, Any]) -> Any:
    """Returns `table[identifier]`, or raises a helpful error.

    Args:
        kind: what is looked up, e.g. `"activation"`, used in the message.
        identifier: the name to look up.
        table: valid names mapped to objects.

    Returns:
        The object stored under `identifier`, else the custom object registered
        under that name.

    Raises:
        ValueError: when the name is unknown; the message lists close matches
            and every valid name.
    """
    try:
        return table[identifier]
    except (KeyError, TypeError):
        pass
    # Names registered by users (custom_object_scope, register_keras_serializable,
    # get_custom_objects) resolve in every family, as in Keras.
    found = (
        _registry.get_registered_object(identifier)
        if isinstance(identifier, str)
        else None
    )
    if found is None:
        raise unknown_name_error(kind, identifier, list(table))
    return found


def serialize_object(obj: Any, module: str) -> dict[str, Any] | None:
    """Returns the Keras 3 serialization dict of an object with `get_config`.

    Args:
        obj: the object (an initializer, regularizer, constraint, ...).
        module: the public module name written in the file, e.g.
            `"keras.initializers"` so that Keras can read the file back.

    Returns:
        `{"module": ..., "class_name": ..., "config": ..., "registered_name": ...}`.
    """
    if obj is None:  # an unset regularizer/constraint serializes to None
        return None
    cls = type(obj)
    if cls.__module__.startswith("lamina."):
        return object_dict(obj, module, None)
    return object_dict(obj, cls.__module__, _registry.get_registered_name(cls))


def object_dict(obj: Any, module: str | None, registered_name: str | None) -> dict:
    """Returns `{"module", "class_name", "config", "registered_name"}` of `obj`.

    Args:
        obj: an object with `get_config()`.
        module: the module name to write.
        registered_name: the name it is registered under, or `None`.

    Returns:
        The serialization dict, with `obj`'s class name and config.
    """
    return {
        "module": module,
        "class_name": type(obj).__name__,
        "config": obj.get_config(),
        "registered_name": registered_name,
    }


def function_dict(name: str) -> dict[str, str]:
    """Returns the dict Keras writes for a plain function called `name`."""
    return {
        "module": "builtins",
        "class_name": "function",
        "config": name,
        "registered_name": "function",
    }


def deserialize_object(
    kind: str,
    config: str | Mapping[str, Any],
    table: Mapping[str, Any],
    custom_objects: Mapping[str, Any] | None = None,
) -> Any:
    """Rebuilds an object from its name or serialization dict.

    Args:
        kind: what is rebuilt, e.g. `"initializer"`, used in error messages.
        config: a class name / alias, or a dict with `"class_name"` and
            `"config"` keys.
        table: valid names mapped to classes.
        custom_objects: extra names mapped to classes, searched first.

    Returns:
        A new instance built with `cls.from_config(config)` (or `cls()` for a
        plain name).

    Raises:
        ValueError: when the name is unknown or the dict lacks `class_name`.
    """
    names = {**table, **(custom_objects or {})}
    if isinstance(config, str):
        return lookup(kind, config, names)()
    if not isinstance(config, Mapping) or "class_name" not in config:
        raise deserialize_error(kind, config)
    name = config.get("registered_name") or config["class_name"]
    if name not in names:
        name = config["class_name"]
    cls = lookup(kind, name, names)
    return cls.from_config(dict(config.get("config") or {}))


def deserialize_error(kind: str, config: object) -> ValueError:
    """Builds the error for a `config` that is neither a name nor a config dict.

    Args:
        kind: what is rebuilt, e.g. `"loss"`.
        config: what the user gave.

    Returns:
        The `ValueError` to raise.
    """
    return ValueError(
        f"Could not deserialize {kind}: expected a name or a dict with "
        f"'class_name' and 'config' keys. Received: config={config!r}"
    )


def registered_object(name: str, custom_objects: Mapping[str, Any] | None) -> Any:
    """Returns `custom_objects[name]`, else the object registered as `name`.

    Args:
        name: the name to look up.
        custom_objects: names mapped to objects, searched first.

    Returns:
        The object, or `None` when neither has it.
    """
    return _registry.get_registered_object(name, custom_objects)


def registered_class(
    config: Mapping[str, Any], custom_objects: Mapping[str, Any] | None
) -> Any:
    """Returns the object registered for a config dict, or `None`.

    Args:
        config: a dict with `"class_name"` and maybe `"registered_name"`.
        custom_objects: names mapped to objects, searched first.

    Returns:
        What is registered under the dict's `registered_name` (or its
        `class_name`), then under its `class_name`; `None` if nothing is.
    """
    name = config.get("registered_name") or config["class_name"]
    found = registered_object(name, custom_objects)
    return found or registered_object(config["class_name"], custom_objects)


def get_object(
    kind: str,
    identifier: object,
    deserialize: Callable[[Any], Any],
    base: type | None = None,
    *,
    default: Any = None,
    expected: str | None = None,
) -> Any:
    """The shared body of a family's `get`.

    Args:
        kind: what is looked up, e.g. `"constraint"`, used in the message.
        identifier: `None`, a name, a config dict, a class or a callable.
        deserialize: the family's `deserialize`, applied to names and dicts.
        base: the family's base class; its subclasses are instantiated with
            their defaults. `None` skips that case.
        default: what `None` resolves to.
        expected: the accepted kinds of identifier, for the message.

    Returns:
        `default`, the deserialized object, a new instance of a class, or
        the callable itself.

    Raises:
        ValueError: for an identifier of another type.
    """
    if identifier is None:
        return default
    if isinstance(identifier, (str, Mapping)):
        return deserialize(identifier)
    if (
        base is not None
        and isinstance(identifier, type)
        and issubclass(identifier, base)
    ):
        return identifier()
    if callable(identifier):
        return identifier
    message = f"Could not interpret {kind} identifier: "
    if expected is None:
        raise ValueError(f"{message}{identifier!r}")
    raise ValueError(
        f"{message}expected {expected}. Received: identifier={identifier!r}"
    )
