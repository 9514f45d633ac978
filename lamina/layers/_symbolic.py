"""Symbolic tensors for the functional API, and shape inference on `meta` tensors.

A `KerasTensor` has a shape (with `None` for unknown sizes) and a dtype, and
remembers the layer call (`Node`) that made it. Output shapes come from running
the layer's `call` on `meta` tensors, so layers need no shape code of their own.
"""

from __future__ import annotations

from typing import Any

import torch

from lamina import backend

# Stand-in sizes for unknown (None) dimensions while running on meta tensors;
# an output dimension equal to one of them is reported as None again.
_SENTINELS = (97, 89, 83, 79, 73, 71, 67, 61)


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
        return (
            f"<KerasTensor shape={self.shape}, dtype={self.dtype}, "
            f"name={self.name}>"
        )

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


class _SentinelSizes:
    def __init__(self) -> None:
        self.used: set[int] = set()

    def meta_tensor(self, kt: KerasTensor) -> torch.Tensor:
        dims = []
        for i, d in enumerate(kt.shape):
            if d is None:
                d = _SENTINELS[min(i, len(_SENTINELS) - 1)]
                self.used.add(d)
            dims.append(d)
        return torch.empty(dims, dtype=backend.to_torch_dtype(kt.dtype), device="meta")

    def to_keras(self, t: Any) -> Any:
        if not isinstance(t, torch.Tensor):
            return t
        shape = tuple(None if d in self.used else d for d in t.shape)
        return KerasTensor(shape, dtype=t.dtype)


def meta_call(layer: Any, args: tuple, kwargs: dict) -> Any:
    """Runs `layer` on meta stand-ins for symbolic arguments; returns KerasTensors."""
    sizes = _SentinelSizes()
    meta_args = map_structure(
        lambda x: sizes.meta_tensor(x) if is_symbolic(x) else x, (args, kwargs)
    )
    state = {
        name: torch.empty_like(t, device="meta")
        for name, t in [*layer.named_parameters(), *layer.named_buffers()]
    }
    with torch.no_grad():
        out = torch.func.functional_call(
            layer, state, tuple(meta_args[0]), dict(meta_args[1]), strict=False
        )
    return map_structure(sizes.to_keras, out)


def compute_output_spec(layer: Any, input_shape: Any) -> Any:
    """Output shape(s) of `layer` for `input_shape`, computed on meta tensors."""
    if isinstance(input_shape, (list, tuple)) and input_shape and isinstance(
        input_shape[0], (list, tuple)
    ):
        inputs: Any = [KerasTensor(tuple(s)) for s in input_shape]
    else:
        inputs = KerasTensor(tuple(input_shape))
    if not layer.built:
        layer._maybe_build((inputs,), {})
    out = meta_call(layer, (inputs,), {})
    return map_structure(lambda t: t.shape if is_symbolic(t) else t, out)
