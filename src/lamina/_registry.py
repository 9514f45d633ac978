"""The object registries every package uses; the bottom floor of lamina.

Two tables, and the safe-mode switch:

- built-in classes, filled by the base classes themselves: every subclass of
  `Layer` defined inside lamina registers under its family (`"layers"`) and class
  name when Python creates the class (`__init_subclass__`). Saving finds
  `Dense` or `Functional` here without importing `lamina.layers` or
  `lamina.models`;
- custom objects, filled by users: `register_keras_serializable`,
  `custom_object_scope` and `get_custom_objects()`, with Keras's names and
  lookup order (explicit `custom_objects`, then the innermost scope, then the
  global table);
- safe mode: loading never runs code stored in a file (a `Lambda`'s bytecode)
  unless the caller passes `safe_mode=False` or calls
  `enable_unsafe_deserialization()`.

This module imports nothing from lamina, so any module may import it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

_BUILTIN: dict[tuple[str, str], Any] = {}
_GLOBAL_CUSTOM_OBJECTS: dict[str, Any] = {}
_GLOBAL_CUSTOM_NAMES: dict[Any, str] = {}


class _LocalState(threading.local):
    """Per-thread stacks: custom-object scopes and safe-mode scopes."""

    def __init__(self) -> None:
        self.scopes: list[dict[str, Any]] = []
        self.safe_mode: list[bool] = []


_LOCAL = _LocalState()
_UNSAFE_ENABLED = [False]


# -- built-in classes ----------------------------------------------------------


def register_builtin(family: str, obj: Any, name: str | None = None) -> None:
    """Records a lamina class under `family` (e.g. `"layers"`) and its name."""
    _BUILTIN[(family, name or obj.__name__)] = obj


def builtin_object(family: str, name: str) -> Any:
    """Returns the lamina class registered as `name` in `family`, or `None`."""
    return _BUILTIN.get((family, name))


# -- custom objects ------------------------------------------------------------


def get_custom_objects() -> dict[str, Any]:
    """Returns the global dict of custom objects; editing it registers objects.

    Example:
    >>> import lamina
    >>> class Twice(lamina.layers.Layer):
    ...     def call(self, x):
    ...         return 2 * x
    >>> lamina.saving.get_custom_objects()["Twice"] = Twice
    >>> lamina.saving.get_registered_object("Twice") is Twice
    True
    >>> del lamina.saving.get_custom_objects()["Twice"]
    """
    return _GLOBAL_CUSTOM_OBJECTS


def register_keras_serializable(
    package: str = "Custom", name: str | None = None
) -> Callable[[Any], Any]:
    """Registers a class or function so that files naming it can be loaded.

    The object is stored as `"{package}>{name}"` (the class or function name by
    default), the `registered_name` Keras writes in configs.

    Args:
        package: the namespace of the name.
        name: the name; defaults to the object's `__name__`.

    Returns:
        A decorator that registers its argument and returns it unchanged.

    Raises:
        ValueError: for an object with `get_config` whose class lacks it, or a
            `package` containing `">"`.
    """
    if ">" in package:
        raise ValueError(
            f"`package` must not contain '>'. Received: package={package!r}"
        )

    def decorator(obj: Any) -> Any:
        key = f"{package}>{name or obj.__name__}"
        if isinstance(obj, type) and not hasattr(obj, "get_config"):
            raise ValueError(
                f"Cannot register {obj.__name__}: a registered class must "
                "implement `get_config()`."
            )
        _GLOBAL_CUSTOM_OBJECTS[key] = obj
        _GLOBAL_CUSTOM_NAMES[obj] = key
        return obj

    return decorator


def get_registered_name(obj: Any) -> str:
    """Returns the name `obj` is registered under, else its `__name__`."""
    if obj in _GLOBAL_CUSTOM_NAMES:
        return _GLOBAL_CUSTOM_NAMES[obj]
    return obj.__name__


def get_registered_object(
    name: str,
    custom_objects: Mapping[str, Any] | None = None,
    module_objects: Mapping[str, Any] | None = None,
) -> Any:
    """Returns the object registered as `name`, or `None`.

    Looks in `custom_objects`, then the innermost `custom_object_scope`
    outwards, then the global custom objects, then `module_objects`.
    """
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    for scope in reversed(_LOCAL.scopes):
        if name in scope:
            return scope[name]
    if name in _GLOBAL_CUSTOM_OBJECTS:
        return _GLOBAL_CUSTOM_OBJECTS[name]
    if module_objects and name in module_objects:
        return module_objects[name]
    return None


class CustomObjectScope:
    """Makes custom objects visible to deserialization inside a `with` block.

    Args:
        custom_objects: a dict mapping names to classes or functions.

    Example:
    >>> import lamina
    >>> def my_relu(x):
    ...     return x
    >>> with lamina.saving.custom_object_scope({"my_relu": my_relu}):
    ...     lamina.saving.get_registered_object("my_relu") is my_relu
    True
    """

    def __init__(self, custom_objects: Mapping[str, Any] | None) -> None:
        self.custom_objects: dict[str, Any] = dict(custom_objects or {})

    def __enter__(self) -> CustomObjectScope:
        _LOCAL.scopes.append(self.custom_objects)
        return self

    def __exit__(self, *exc: object) -> None:
        _LOCAL.scopes.pop()


custom_object_scope = CustomObjectScope


# -- safe mode -----------------------------------------------------------------


def enable_unsafe_deserialization() -> None:
    """Lets loading run code stored in files (a `Lambda`'s bytecode).

    Only call it for files you trust: such code runs with your permissions.
    """
    _UNSAFE_ENABLED[0] = True


def disable_unsafe_deserialization() -> None:
    """Restores the default: loading refuses to run code from files."""
    _UNSAFE_ENABLED[0] = False


def in_safe_mode() -> bool:
    """Whether loading must refuse code from files right now.

    `enable_unsafe_deserialization()` turns it off everywhere, as in Keras;
    otherwise the innermost `safe_mode_scope` decides, and the default is safe.
    """
    if _UNSAFE_ENABLED[0]:
        return False
    if _LOCAL.safe_mode:
        return _LOCAL.safe_mode[-1]
    return True


@contextmanager
def safe_mode_scope(safe_mode: bool | None) -> Iterator[None]:
    """Sets safe mode for the block; `None` keeps the current setting."""
    if safe_mode is None:
        yield
        return
    _LOCAL.safe_mode.append(bool(safe_mode))
    try:
        yield
    finally:
        _LOCAL.safe_mode.pop()
