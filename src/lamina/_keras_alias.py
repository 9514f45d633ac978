"""An import hook that answers `import keras` and `from tensorflow import keras`
with lamina, for one process: `python -m lamina script.py` or, in a notebook,
`lamina.install_as_keras()`.

Nothing on disk changes: an installed keras or tensorflow stays as it is for
every other process, and `uninstall_as_keras()` gives them back to this one.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import types
import warnings
from collections.abc import Sequence
from typing import Any

_ROOTS = ("keras", "tensorflow.keras")
_NOT_KERAS = (
    "lamina stands in for `tensorflow.keras` only: `{name}` is TensorFlow's own "
    "and is not available. Use the Keras API (`keras.ops`, `keras.random`, "
    "`keras.utils`) or install TensorFlow and run without lamina."
)


def _lamina_name(fullname: str) -> str | None:
    """`keras.layers` -> `lamina.layers`; None for names lamina does not answer."""
    for root in _ROOTS:
        if fullname == root:
            return "lamina"
        if fullname.startswith(root + "."):
            return "lamina" + fullname[len(root) :]
    return None


class _TensorFlowStub(types.ModuleType):
    """`tensorflow` with only `keras` in it (lamina)."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        raise AttributeError(_NOT_KERAS.format(name=f"{self.__name__}.{name}"))


class _AliasLoader(importlib.abc.Loader):
    """Hands out an already imported lamina module under a Keras name."""

    def __init__(self, module: types.ModuleType) -> None:
        self.module = module
        self.spec = getattr(module, "__spec__", None)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> Any:
        return self.module

    def exec_module(self, module: types.ModuleType) -> None:
        # The import system stamped the alias spec on the module; lamina keeps
        # its own, so `lamina.x` imports and reloads go on working.
        if self.spec is not None:
            module.__spec__ = self.spec


class KerasAliasFinder(importlib.abc.MetaPathFinder):
    """Finds `keras[.x]`, `tensorflow` and `tensorflow.keras[.x]` in lamina."""

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None = None,
        target: types.ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname == "tensorflow":
            module: types.ModuleType = _tensorflow_stub()
        else:
            lamina_name = _lamina_name(fullname)
            if lamina_name is None:
                if fullname.startswith("tensorflow."):
                    raise ModuleNotFoundError(
                        _NOT_KERAS.format(name=fullname), name=fullname
                    )
                return None
            try:
                module = importlib.import_module(lamina_name)
            except ModuleNotFoundError as err:
                if err.name != lamina_name:
                    raise
                raise ModuleNotFoundError(
                    f"lamina has no `{fullname}` (looked for `{lamina_name}`).",
                    name=fullname,
                ) from None
        is_package = hasattr(module, "__path__")
        return importlib.machinery.ModuleSpec(
            fullname, _AliasLoader(module), is_package=is_package
        )


def _tensorflow_stub() -> types.ModuleType:
    # Imported here: lamina's __init__ imports this module (a cycle).
    import lamina

    stub = _TensorFlowStub("tensorflow", "lamina's stand-in for tensorflow.keras")
    stub.keras = lamina  # type: ignore[attr-defined]
    stub.__path__ = []  # a package, so `tensorflow.keras` can be imported
    # Keras tutorials seed TensorFlow with `tf.random.set_seed(n)`; lamina's
    # seeding covers what the Keras API draws.
    random = _TensorFlowStub("tensorflow.random")
    random.set_seed = lamina.utils.set_random_seed  # type: ignore[attr-defined]
    stub.random = random  # type: ignore[attr-defined]
    return stub


_FINDER = KerasAliasFinder()
_SAVED: dict[str, types.ModuleType] = {}


def _is_alias_name(name: str) -> bool:
    return name in ("keras", "tensorflow") or name.startswith(("keras.", "tensorflow."))


def install_as_keras() -> None:
    """Makes `import keras` and `from tensorflow import keras` give lamina.

    For this Python process only, until `uninstall_as_keras()`: an installed
    keras or tensorflow is left untouched on disk. Keras objects imported
    before the call stay Keras's; a warning says so.

    Example:
    >>> import lamina
    >>> lamina.install_as_keras()
    >>> import keras
    >>> keras is lamina
    True
    >>> from tensorflow.keras import layers
    >>> layers is lamina.layers
    True
    >>> lamina.uninstall_as_keras()
    """
    if _FINDER in sys.meta_path:
        return
    real = sorted(n for n in sys.modules if _is_alias_name(n))
    if real:
        warnings.warn(
            f"`{real[0]}` was imported before `install_as_keras()`: objects "
            "already taken from it stay as they are; new imports get lamina.",
            stacklevel=2,
        )
        for name in real:
            _SAVED[name] = sys.modules.pop(name)
    sys.meta_path.insert(0, _FINDER)


def uninstall_as_keras() -> None:
    """Undoes `install_as_keras()`: `keras` and `tensorflow` import as before."""
    while _FINDER in sys.meta_path:
        sys.meta_path.remove(_FINDER)
    for name in [n for n in sys.modules if _is_alias_name(n)]:
        del sys.modules[name]
    sys.modules.update(_SAVED)
    _SAVED.clear()
