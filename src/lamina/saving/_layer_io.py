"""What every `Layer` gets for saving: its own variables, its build config, and
its place in the registry of built-in classes.

`Layer` inherits `LayerSavingMixin`. Creating a subclass inside lamina records
it in `lamina._registry` (so saving finds `Dense` without importing
`lamina.layers`), and a subclass's `build` is wrapped to remember the shapes it
was built with, which `get_build_config` returns as Keras does.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Mapping
from typing import Any

import numpy as np
import torch

from lamina import _registry


class LayerSavingMixin:
    """`save_own_variables`, `load_own_variables`, `get_build_config` and
    `build_from_config`, with Keras's formats."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.__module__.startswith("lamina."):
            _registry.register_builtin("layers", cls)
        if "build" in cls.__dict__:
            cls.build = _recording_build(cls.__dict__["build"])  # type: ignore[attr-defined]

    # -- variables ----------------------------------------------------------------

    def _saved_variables(self) -> list[torch.Tensor]:
        """This layer's own weights (not its sublayers'), in Keras's order."""
        own = getattr(self, "_own_weights", None)
        if own is not None:
            return list(own())
        module: Any = self
        return [
            *module.parameters(recurse=False),
            *module.buffers(recurse=False),
        ]

    def save_own_variables(self, store: Any) -> None:
        """Writes this layer's own weights into `store` as `"0"`, `"1"`, ...

        Args:
            store: a dict-like group of the weights file.
        """
        for i, variable in enumerate(self._saved_variables()):
            store[str(i)] = variable.detach().cpu().numpy()

    def load_own_variables(self, store: Any) -> None:
        """Sets this layer's own weights from `store` (`save_own_variables`).

        Raises:
            ValueError: when the count or a shape differs; the message lists
                every expected and received shape.
        """
        variables = self._saved_variables()
        values = [np.asarray(store[str(i)]) for i in range(len(store))]
        name = getattr(self, "name", type(self).__name__)
        if len(values) != len(variables):
            raise ValueError(
                f"Layer '{name}' expected {len(variables)} variables, but received "
                f"{len(values)} variables during loading. Expected shapes: "
                f"{[tuple(v.shape) for v in variables]}; received: "
                f"{[v.shape for v in values]}"
            )
        bad = [
            f"variable {i}: expected {tuple(v.shape)}, received {a.shape}"
            for i, (v, a) in enumerate(zip(variables, values))
            if tuple(v.shape) != a.shape
        ]
        if bad:
            raise ValueError(
                f"Layer '{name}': shape mismatch while loading weights ("
                + "; ".join(bad)
                + ")."
            )
        with torch.no_grad():
            for variable, array in zip(variables, values):
                src = torch.as_tensor(np.array(array))  # a copy; 0-d stays 0-d
                variable.copy_(src.to(dtype=variable.dtype, device=variable.device))

    # -- build config -------------------------------------------------------------

    def get_build_config(self) -> dict[str, Any] | None:
        """The shapes this layer was built with: `{"input_shape": ...}`, or
        `{"shapes_dict": {...}}` for a `build` with several shape arguments."""
        return self.__dict__.get("_build_shapes_dict")

    def build_from_config(self, config: Mapping[str, Any]) -> None:
        """Builds the layer from `get_build_config()`'s output."""
        if not config:
            return
        layer: Any = self
        if config.get("input_shape") is not None:
            layer.build(_as_shape(config["input_shape"]))
        elif config.get("shapes_dict"):
            layer.build(**{k: _as_shape(v) for k, v in config["shapes_dict"].items()})
        layer.built = True


def _as_shape(value: Any) -> Any:
    """JSON lists back to shape tuples (a list of shapes stays a list)."""
    if isinstance(value, (list, tuple)):
        if all(v is None or isinstance(v, int) for v in value):
            return tuple(value)
        return [_as_shape(v) for v in value]
    return value


def _recording_build(build: Any) -> Any:
    """Wraps a `build` so that the layer remembers the shapes it received."""
    try:
        names = list(inspect.signature(build).parameters)[1:]
    except (TypeError, ValueError):
        names = []

    @functools.wraps(build)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        if "_build_shapes_dict" not in self.__dict__ or not self.built:
            record = _build_record(names, args, kwargs)
            if record is not None:
                self.__dict__["_build_shapes_dict"] = record
        return build(self, *args, **kwargs)

    return wrapper


def _build_record(names: list[str], args: tuple, kwargs: dict) -> Any:
    shapes = dict(zip(names, args))
    shapes.update(kwargs)
    shapes = {k: _plain_shape(v) for k, v in shapes.items() if v is not None}
    if not shapes:
        return None
    if len(shapes) == 1:
        return {"input_shape": next(iter(shapes.values()))}
    return {"shapes_dict": shapes}


def _plain_shape(value: Any) -> Any:
    if isinstance(value, torch.Size):
        return tuple(value)
    if isinstance(value, dict):
        return {k: _plain_shape(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_plain_shape(v) for v in value)
    return value
