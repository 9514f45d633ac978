"""Symbolic tensors (`KerasTensor`), the calls that make them (`Node`), and
helpers over nested structures.

A `KerasTensor` has a shape (`None` for sizes unknown until data arrives) and a
dtype, and remembers the call (`Node`) that produced it: a layer's, or an
operation's such as `x + y` or `ops.mean(x)`. Following `node.parents` from a
model's outputs back to its inputs gives the model's graph.
"""

from __future__ import annotations

import sys
from typing import Any

import torch

from lamina import backend

_CALL_IMPL = torch.nn.Module._call_impl.__code__


class KerasTensor:
    """A symbolic tensor: shape, dtype and the call that produced it.

    Arithmetic, comparison and indexing (`x + y`, `x * 2.0`, `x[:, 0]`,
    `x @ w`) and every `lamina.ops` function applied to a `KerasTensor` record
    a graph node and return a new `KerasTensor`, as in Keras.
    """

    def __init__(
        self,
        shape: Any,
        dtype: Any = "float32",
        sparse: bool = False,
        ragged: bool = False,
        record_history: bool = True,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        if sparse or ragged:
            raise ValueError(
                "lamina tensors are dense: `sparse` and `ragged` must be False. "
                f"Received: sparse={sparse}, ragged={ragged}"
            )
        self.shape = tuple(None if d is None else int(d) for d in shape)
        self.dtype = backend.standardize_dtype(dtype)
        self.sparse = False
        self.ragged = False
        self.name = name
        self.record_history = record_history
        # Set by the call that makes this tensor: its node, and which output.
        self.node: Node | None = None
        self.index = 0

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def _keras_history(self) -> tuple:
        """(operation, node index, tensor index), Keras's name for the origin."""
        if self.node is None:
            raise AttributeError("This KerasTensor was not produced by a call.")
        layer = self.node.layer
        nodes = getattr(layer, "_inbound_nodes", [self.node])
        return (layer, nodes.index(self.node), self.index)

    def __repr__(self) -> str:
        return f"<KerasTensor shape={self.shape}, dtype={self.dtype}, name={self.name}>"

    def __len__(self) -> int:
        raise TypeError("A symbolic tensor has no length; use `.shape[0]`.")

    def __iter__(self) -> Any:
        raise TypeError("A symbolic KerasTensor cannot be iterated.")

    def __bool__(self) -> bool:
        raise TypeError(
            "A symbolic KerasTensor cannot be used as a boolean: its value is only "
            "known when the model runs on data. Use `ops.where` / `ops.cond`-style "
            "tensor operations, or write the logic in a layer's `call`."
        )

    def numpy(self) -> Any:
        raise TypeError(
            "A symbolic KerasTensor has no value. Call the model on data to get "
            "numbers, e.g. `model.predict(x)`."
        )

    __array__ = numpy
    # `np.ones(3) + x` and `np.float32(2) * x`: numpy steps aside, so Python
    # calls the KerasTensor's reflected operator, which records a node.
    __array_ufunc__ = None

    # The operators build graph nodes; each maps to the `lamina.ops` function.
    def __add__(self, other: Any) -> Any:
        return _op("add", self, other)

    def __radd__(self, other: Any) -> Any:
        return _op("add", other, self)

    def __sub__(self, other: Any) -> Any:
        return _op("subtract", self, other)

    def __rsub__(self, other: Any) -> Any:
        return _op("subtract", other, self)

    def __mul__(self, other: Any) -> Any:
        return _op("multiply", self, other)

    def __rmul__(self, other: Any) -> Any:
        return _op("multiply", other, self)

    def __matmul__(self, other: Any) -> Any:
        return _op("matmul", self, other)

    def __rmatmul__(self, other: Any) -> Any:
        return _op("matmul", other, self)

    def __truediv__(self, other: Any) -> Any:
        return _op("true_divide", self, other)

    def __rtruediv__(self, other: Any) -> Any:
        return _op("true_divide", other, self)

    def __floordiv__(self, other: Any) -> Any:
        return _op("floor_divide", self, other)

    def __rfloordiv__(self, other: Any) -> Any:
        return _op("floor_divide", other, self)

    def __mod__(self, other: Any) -> Any:
        return _op("mod", self, other)

    def __rmod__(self, other: Any) -> Any:
        return _op("mod", other, self)

    def __pow__(self, other: Any) -> Any:
        return _op("power", self, other)

    def __rpow__(self, other: Any) -> Any:
        return _op("power", other, self)

    def __neg__(self) -> Any:
        return _op("negative", self)

    def __pos__(self) -> Any:
        return self

    def __abs__(self) -> Any:
        return _op("absolute", self)

    def __invert__(self) -> Any:
        return _op("logical_not", self)

    def __lt__(self, other: Any) -> Any:
        return _op("less", self, other)

    def __le__(self, other: Any) -> Any:
        return _op("less_equal", self, other)

    def __gt__(self, other: Any) -> Any:
        return _op("greater", self, other)

    def __ge__(self, other: Any) -> Any:
        return _op("greater_equal", self, other)

    def __ne__(self, other: Any) -> Any:  # Keras defines `!=`, not `==`
        return _op("not_equal", self, other)

    __hash__ = object.__hash__

    def __and__(self, other: Any) -> Any:
        return _op("logical_and", self, other)

    def __rand__(self, other: Any) -> Any:
        return _op("logical_and", other, self)

    def __or__(self, other: Any) -> Any:
        return _op("logical_or", self, other)

    def __ror__(self, other: Any) -> Any:
        return _op("logical_or", other, self)

    def __xor__(self, other: Any) -> Any:
        return _op("logical_xor", self, other)

    def __rxor__(self, other: Any) -> Any:
        return _op("logical_xor", other, self)

    def __getitem__(self, key: Any) -> Any:
        return _op("getitem", self, key)

    def __round__(self, ndigits: Any = None) -> Any:
        return _op("round", self)

    @classmethod
    def __torch_function__(
        cls, func: Any, types: Any, args: tuple = (), kwargs: Any = None
    ) -> Any:
        """A torch function (`torch.relu(x)`) on a KerasTensor records a node."""
        # lamina.ops._operation imports this module: a true cycle.
        from lamina.ops._operation import Operation

        op = Operation(func, name=getattr(func, "__name__", "torch_op"))
        op.module = _calling_torch_module()
        return op(*args, **(kwargs or {}))


def _calling_torch_module() -> Any:
    """The outermost `torch.nn.Module` whose `forward` is running now, if any:
    `torch.nn.Linear(3, 4)(keras_tensor)` records `F.linear` nodes, and the
    model that holds them must own the module's parameters."""
    found = None
    frame = sys._getframe(2)
    while frame is not None:
        if frame.f_code is _CALL_IMPL:
            module = frame.f_locals.get("self")
            if isinstance(module, torch.nn.Module):
                found = module
        frame = frame.f_back
    return found


def _op(name: str, *args: Any) -> Any:
    # lamina.ops._operation imports this module: a true cycle.
    from lamina.ops._operation import apply_op

    return apply_op(name, *args)


class Node:
    """One call of a layer or operation on symbolic inputs.

    `layer` is the callable that was called (a layer, or an `Operation`),
    `args`/`kwargs` its arguments as given (KerasTensors among them) and
    `outputs` what it returned.
    """

    def __init__(self, layer: Any, args: tuple, kwargs: dict, outputs: Any) -> None:
        self.layer = layer
        self.args = args
        self.kwargs = kwargs
        self.outputs = outputs
        self.parents = [t for t in flatten((args, kwargs)) if is_symbolic(t)]

    @property
    def operation(self) -> Any:
        return self.layer

    @property
    def input_tensors(self) -> list:
        return list(self.parents)

    @property
    def output_tensors(self) -> list:
        return [t for t in flatten(self.outputs) if is_symbolic(t)]


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


def any_symbolic(structure: Any) -> bool:
    """Whether a KerasTensor is among the leaves (two levels deep at most,
    which covers `ops.concatenate([x, y])` and keyword arguments)."""
    for item in structure:
        if type(item) is KerasTensor:
            return True
        if type(item) in (list, tuple) and any(
            type(x) is KerasTensor or (type(x) in (list, tuple) and any_symbolic(x))
            for x in item
        ):
            return True
        if type(item) is dict and any_symbolic(tuple(item.values())):
            return True
    return False
