"""Where each object's variables live in a Keras weights file.

Keras 3 names the groups of `model.weights.h5` by walking the model: a
`Sequential` or functional model lists its layers first under `layers/`, each
named after its class in snake case (`dense`, `dense_1`, ...), never after the
layer's own name, which differs between processes; other sublayers are named
after the attribute that holds them (`cell`, `forward_layer`, `query_dense`,
private attributes under their public alias), lists as containers, and the
model's optimizer under `optimizer/`. An object reached twice is saved once, at
the first path. This module walks lamina objects the same way, so the same
model has the same paths in both libraries.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import torch

_GRAPH_MODELS = ("Sequential", "Functional")


def snake_case(name: str) -> str:
    """`SimpleRNN` -> `simple_rnn`, `Conv2D` -> `conv2d` (Keras's path rule)."""
    s = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    s = re.sub(r"([a-z])([A-Z])", r"\1_\2", s).lower()
    return s if not s.startswith("_") else f"private{s}"


def _is_graph_model(obj: Any) -> bool:
    return any(
        c.__name__ in _GRAPH_MODELS and c.__module__.startswith("lamina.models")
        for c in type(obj).__mro__
    )


def _is_model(obj: Any) -> bool:
    return any(
        c.__name__ == "Model" and c.__module__.startswith("lamina.models")
        for c in type(obj).__mro__
    )


def is_saveable(obj: Any) -> bool:
    """A layer, a plain torch module or an optimizer: something with state."""
    if isinstance(obj, (torch.nn.ModuleList, torch.nn.ModuleDict)):
        return False
    return isinstance(obj, torch.nn.Module) or hasattr(obj, "save_own_variables")


def _container_items(value: Any) -> list[Any] | None:
    if isinstance(value, torch.nn.ModuleDict):
        return list(value.values())
    if isinstance(value, torch.nn.ModuleList):
        return list(value)
    if isinstance(value, (list, tuple)):
        return list(value)
    if isinstance(value, dict):
        return list(value.values())
    return None


def _keras_layers(model: Any) -> list[Any]:
    """What Keras's `Model.layers` holds for a subclassed model: the sublayers in
    the order they were assigned, lists expanded."""
    out: list[Any] = []

    def add(value: Any) -> None:
        items = _container_items(value)
        if items is not None:
            for item in items:
                add(item)
        elif isinstance(value, torch.nn.Module) and all(v is not value for v in out):
            out.append(value)

    for module in model._modules.values():
        if module is not None:
            add(module)
    return out


def _attribute_name(obj: Any, key: str, child: Any) -> str:
    """A private attribute under the public alias Keras visits first."""
    if key.startswith("_") and not key.startswith("__"):
        public = key.lstrip("_")
        try:
            if getattr(obj, public, None) is child:
                return public
        except Exception:  # a property that fails is no alias
            return key
    return key


def _sort_key(name: str) -> str:
    return f"~{name}" if name.startswith("_") else name


def children(obj: Any) -> Iterator[tuple[str, Any]]:
    """The `(attribute, child)` pairs Keras visits under `obj`, in its order."""
    graph = _is_graph_model(obj)
    if graph:
        yield "layers", list(obj.layers)
    attrs: dict[str, Any] = {}
    # A graph model's modules are its layers (and input layers, which Keras's
    # Sequential keeps out of `layers`): all reached through "layers" only.
    if isinstance(obj, torch.nn.Module) and not graph:
        for key, child in obj._modules.items():
            if child is not None:
                attrs[_attribute_name(obj, key, child)] = child
    if _is_model(obj):
        if not graph:
            attrs["layers"] = _keras_layers(obj)
        optimizer = obj.__dict__.get("optimizer")
        if optimizer is not None and hasattr(optimizer, "save_own_variables"):
            attrs["optimizer"] = optimizer
    inner = (
        getattr(obj, "inner_optimizer", None)
        if not isinstance(obj, torch.nn.Module)
        else None
    )
    if inner is not None:
        attrs["inner_optimizer"] = inner
    # A MultiOptimizer's sub-optimizers, under `optimizers/adam`, ... as Keras.
    subs = (
        getattr(obj, "optimizers", None) if hasattr(obj, "save_own_variables") else None
    )
    if isinstance(subs, list) and subs and not isinstance(obj, torch.nn.Module):
        attrs["optimizers"] = subs
    for name in sorted(attrs, key=_sort_key):
        yield name, attrs[name]


def walk(root: Any) -> Iterator[tuple[str, Any]]:
    """Every saveable object under `root` with its path, `root` first as `""`.

    Each object appears once, at the first path Keras would give it.
    """
    visited: set[int] = set()
    yield from _visit(root, "", visited)


def _join(path: str, name: str) -> str:
    return f"{path}/{name}" if path else name


def _visit(obj: Any, path: str, visited: set[int]) -> Iterator[tuple[str, Any]]:
    if id(obj) in visited:
        return
    visited.add(id(obj))
    yield path, obj
    for name, child in children(obj):
        items = _container_items(child)
        if items is not None:
            yield from _visit_container(items, _join(path, name), visited, set())
        elif is_saveable(child):
            yield from _visit(child, _join(path, name), visited)


def _visit_container(
    items: list[Any], path: str, visited: set[int], containers: set[int]
) -> Iterator[tuple[str, Any]]:
    if id(items) in containers:
        return
    containers.add(id(items))
    used: dict[str, int] = {}
    for item in items:
        nested = _container_items(item)
        if nested is not None:
            name = _unique("container", used)
            yield from _visit_container(nested, _join(path, name), visited, containers)
        elif is_saveable(item):
            name = _unique(snake_case(type(item).__name__), used)
            yield from _visit(item, _join(path, name), visited)


def _unique(name: str, used: dict[str, int]) -> str:
    if name in used:
        used[name] += 1
        return f"{name}_{used[name]}"
    used[name] = 0
    return name
