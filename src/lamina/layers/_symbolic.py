"""Symbolic tensors for the functional API, and shape inference on `meta` tensors.

A `KerasTensor` has a shape (with `None` for unknown sizes) and a dtype, and
remembers the layer call (`Node`) that made it. Output shapes come from running
the layer's `call` on `meta` tensors, so layers need no shape code of their own.
"""

from __future__ import annotations

from typing import Any

import torch

from lamina import backend

# Stand-in sizes for unknown (None) dimensions while running on meta tensors.
# The call runs twice with two different sets; an output dimension that changes
# between the runs depends on an unknown size and is reported as None.
_SENTINELS = ((97, 89, 83, 79, 73, 71, 67, 61), (59, 53, 47, 43, 41, 37, 31, 29))


class KerasTensor:
    """A symbolic tensor: shape, dtype and the layer call that produced it."""

    def __init__(
        self,
        shape: tuple,
        dtype: Any = "float32",
        sparse: bool = False,
        name: str | None = None,
        node: Node | None = None,
        index: int = 0,
    ) -> None:
        self.shape = tuple(None if d is None else int(d) for d in shape)
        self.dtype = backend.standardize_dtype(dtype)
        self.sparse = sparse
        self.name = name
        self.node = node
        self.index = index

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def __repr__(self) -> str:
        return f"<KerasTensor shape={self.shape}, dtype={self.dtype}, name={self.name}>"

    def __len__(self) -> int:
        raise TypeError("A symbolic tensor has no length; use `.shape[0]`.")

    def __iter__(self):
        raise TypeError("A symbolic KerasTensor cannot be iterated.")


class Node:
    """One call of a layer on symbolic inputs."""

    def __init__(self, layer: Any, args: tuple, kwargs: dict, outputs: Any) -> None:
        self.layer = layer
        self.args = args
        self.kwargs = kwargs
        self.outputs = outputs
        self.parents = [t for t in flatten((args, kwargs)) if is_symbolic(t)]


def is_symbolic(x: Any) -> bool:
    return isinstance(x, KerasTensor)


def flatten(structure: Any) -> list:
    """Leaves of nested lists, tuples and dicts, in order."""
    if isinstance(structure, (list, tuple)):
        return [leaf for item in structure for leaf in flatten(item)]
    if isinstance(structure, dict):
        return [leaf for key in structure for leaf in flatten(structure[key])]
    return [structure]


def map_structure(fn: Any, structure: Any) -> Any:
    """Applies `fn` to every leaf, keeping lists, tuples and dicts."""
    if isinstance(structure, list):
        return [map_structure(fn, item) for item in structure]
    if isinstance(structure, tuple):
        return tuple(map_structure(fn, item) for item in structure)
    if isinstance(structure, dict):
        return {key: map_structure(fn, value) for key, value in structure.items()}
    return fn(structure)


def _meta_tensor(kt: KerasTensor, sentinels: tuple) -> torch.Tensor:
    dims = [
        sentinels[min(i, len(sentinels) - 1)] if d is None else d
        for i, d in enumerate(kt.shape)
    ]
    return torch.empty(dims, dtype=backend.to_torch_dtype(kt.dtype), device="meta")


def _run_on_meta(layer: Any, args: tuple, kwargs: dict, sentinels: tuple) -> Any:
    meta_args = map_structure(
        lambda x: _meta_tensor(x, sentinels) if is_symbolic(x) else x, (args, kwargs)
    )
    state = {
        name: torch.empty_like(t, device="meta")
        for name, t in [*layer.named_parameters(), *layer.named_buffers()]
    }
    with torch.no_grad():
        return torch.func.functional_call(
            layer, state, tuple(meta_args[0]), dict(meta_args[1]), strict=False
        )


def _merge(a: Any, b: Any) -> Any:
    """KerasTensors from two meta runs: sizes that differ are unknown (None)."""
    if isinstance(a, torch.Tensor):
        shape = tuple(x if x == y else None for x, y in zip(a.shape, b.shape))
        return KerasTensor(shape, dtype=a.dtype)
    if isinstance(a, (list, tuple)):
        return type(a)(_merge(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return {k: _merge(a[k], b[k]) for k in a}
    return a


def meta_call(layer: Any, args: tuple, kwargs: dict) -> Any:
    """Runs `layer` on meta stand-ins for symbolic arguments; returns KerasTensors."""
    unknown = any(None in x.shape for x in flatten((args, kwargs)) if is_symbolic(x))
    first = _run_on_meta(layer, args, kwargs, _SENTINELS[0])
    second = _run_on_meta(layer, args, kwargs, _SENTINELS[1]) if unknown else first
    return _merge(first, second)


def compute_output_spec(layer: Any, input_shape: Any) -> Any:
    """Output shape(s) of `layer` for `input_shape`, computed on meta tensors."""
    if (
        isinstance(input_shape, (list, tuple))
        and input_shape
        and isinstance(input_shape[0], (list, tuple))
    ):
        inputs: Any = [KerasTensor(tuple(s)) for s in input_shape]
    else:
        inputs = KerasTensor(tuple(input_shape))
    if not layer.built:
        layer._maybe_build((inputs,), {})
    out = meta_call(layer, (inputs,), {})
    return map_structure(lambda t: t.shape if is_symbolic(t) else t, out)
