"""Operations on symbolic tensors: `x + y`, `x[:, 0]` and `ops.mean(x)` on a
`KerasTensor` record a graph node, as Keras does.

`install` wraps every public `lamina.ops` function: with no KerasTensor among
its arguments the function runs as it is (one cheap check); with one, an
`Operation` records a node whose output shapes come from a meta run. When a
functional model runs, the node calls the function on real tensors.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from lamina.ops._keras_tensor import KerasTensor, Node, any_symbolic, flatten
from lamina.ops._symbolic_eval import symbolic_outputs

# The unwrapped `lamina.ops` functions by name, for the KerasTensor operators.
_RAW: dict[str, Callable] = {}

# Functions that read static facts and never make nodes.
_STATIC = {"shape", "ndim", "dtype", "is_tensor", "convert_to_numpy"}


class Operation:
    """A function applied to symbolic tensors: one node per symbolic call.

    Args:
        fn: the function to run on real tensors.
        name: the name shown in errors and summaries.
    """

    def __init__(self, fn: Callable, name: str | None = None) -> None:
        self.fn = fn
        self.name = name or getattr(fn, "__name__", "operation")
        # The torch.nn.Module whose forward ran this op on symbolic tensors.
        self.module: Any = None
        self._inbound_nodes: list[Node] = []

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if any_symbolic(args) or (kwargs and any_symbolic(tuple(kwargs.values()))):
            return self.symbolic_call(*args, **kwargs)
        return self.fn(*args, **kwargs)

    def symbolic_call(self, *args: Any, **kwargs: Any) -> Any:
        outputs = symbolic_outputs(
            self.fn, args, kwargs, what=f"operation `{self.name}`"
        )
        node = Node(self, args, kwargs, outputs)
        for i, t in enumerate(flatten(outputs)):
            if isinstance(t, KerasTensor):
                t.node, t.index = node, i
        self._inbound_nodes.append(node)
        return outputs

    def __repr__(self) -> str:
        return f"<Operation name={self.name}>"


def _getitem(x: Any, key: Any) -> Any:
    return x[key]


def apply_op(name: str, *args: Any) -> Any:
    """Records `lamina.ops.<name>(*args)` (used by the KerasTensor operators)."""
    fn = _getitem if name == "getitem" else _RAW[name]
    return Operation(fn, name)(*args)


def _dispatching(fn: Callable) -> Callable:
    @functools.wraps(fn)
    def op(*args: Any, **kwargs: Any) -> Any:
        if any_symbolic(args) or (kwargs and any_symbolic(tuple(kwargs.values()))):
            return Operation(fn)(*args, **kwargs)
        return fn(*args, **kwargs)

    op.__wrapped__ = fn  # type: ignore[attr-defined]
    return op


def _static(name: str, fn: Callable) -> Callable:
    """`shape`, `ndim`, `dtype` read a KerasTensor's static facts, as in Keras."""

    @functools.wraps(fn)
    def op(x: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(x, KerasTensor):
            if name == "shape":
                return x.shape
            if name == "ndim":
                return x.ndim
            if name == "dtype":
                return x.dtype
            if name == "is_tensor":
                return False
            x.numpy()  # raises: a symbolic tensor has no value
        return fn(x, *args, **kwargs)

    return op


def install(namespace: dict, names: list[str]) -> None:
    """Wraps the public functions `names` of `namespace` (the `lamina.ops`
    module's globals) so that KerasTensor arguments record graph nodes."""
    for name in names:
        fn = namespace[name]
        if not callable(fn) or name in _RAW:
            continue
        _RAW[name] = fn
        if name in _STATIC:
            namespace[name] = _static(name, fn)
        elif name == "convert_to_tensor":
            namespace[name] = _convert_to_tensor(fn)
        else:
            namespace[name] = _dispatching(fn)


def _convert_to_tensor(fn: Callable) -> Callable:
    @functools.wraps(fn)
    def op(x: Any, dtype: Any = None, sparse: Any = None, ragged: Any = None) -> Any:
        if isinstance(x, KerasTensor):
            return x if dtype is None else apply_op("cast", x, dtype)
        return fn(x, dtype=dtype, sparse=sparse, ragged=ragged)

    return op
