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
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any


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
    matches = difflib.get_close_matches(str(identifier), valid, n=3, cutoff=0.6)
    if matches:
        quoted = [f"'{m}'" for m in matches]
        suggestion = quoted[0]
        if len(quoted) > 1:
            suggestion = f"{', '.join(quoted[:-1])} or {quoted[-1]}"
        message += f" Did you mean {suggestion}?"
    message += f" Valid names: {', '.join(valid)}"
    return ValueError(message)


def lookup(kind: str, identifier: str, table: Mapping[str, Any]) -> Any:
    """Returns `table[identifier]`, or raises a helpful error.

    Args:
        kind: what is looked up, e.g. `"activation"`, used in the message.
        identifier: the name to look up.
        table: valid names mapped to objects.

    Returns:
        The object stored under `identifier`.

    Raises:
        ValueError: when the name is unknown; the message lists close matches
            and every valid name.
    """
    try:
        return table[identifier]
    except (KeyError, TypeError):
        raise unknown_name_error(kind, identifier, list(table)) from None


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
    builtin = cls.__module__.startswith("lamina.")
    return {
        "module": module if builtin else cls.__module__,
        "class_name": cls.__name__,
        "config": obj.get_config(),
        "registered_name": None if builtin else cls.__name__,
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
        raise ValueError(
            f"Could not deserialize {kind}: expected a name or a dict with "
            f"'class_name' and 'config' keys. Received: config={config!r}"
        )
    name = config.get("registered_name") or config["class_name"]
    if name not in names:
        name = config["class_name"]
    cls = lookup(kind, name, names)
    return cls.from_config(dict(config.get("config") or {}))
