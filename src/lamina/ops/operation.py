"""`Operation` (`keras.Operation`): the base class of a computation that can be
called on tensors and on symbolic `KerasTensor`s.

On tensors, `op(x)` runs `call(x)`. On KerasTensors it records a graph node
(so the operation can sit in a functional model or a `keras.Function`) and
returns KerasTensors whose shapes come from `compute_output_spec`, which runs
`call` on stand-in tensors unless the subclass says otherwise.
"""

from __future__ import annotations

import abc
import inspect
from typing import Any, cast

from lamina._naming import auto_name
from lamina.backend._scopes import SymbolicScope
from lamina.ops import _operation
from lamina.ops._keras_tensor import KerasTensor, Node, any_symbolic, flatten
from lamina.ops._symbolic_eval import symbolic_outputs

# Constructor arguments of these types are recorded for the automatic config.
_PLAIN = (str, int, float, bool, type(None))

_NO_CONFIG = (
    "Object {cls} was created by passing non-serializable argument values in "
    "`__init__()`, and therefore the object must override `get_config()` in order "
    "to be serializable. Please implement `get_config()`."
)


def _plain_leaves(value: Any) -> bool:
    if isinstance(value, (list, tuple)):
        return all(_plain_leaves(v) for v in value)
    if isinstance(value, dict):
        return all(_plain_leaves(v) for v in value.values())
    return isinstance(value, _PLAIN)


class Operation(metaclass=abc.ABCMeta):
    """A computation on tensors that records a graph node on symbolic tensors.

    Subclasses implement `call(*args, **kwargs)` on tensors; they may override
    `compute_output_spec` to give output shapes without running `call`.
    Layers, and the operations lamina records for `x + y` or `ops.mean(x)`,
    count as Operations too (`isinstance`), as in Keras.

    Args:
        name: the operation's name; defaults to the class name in snake case,
            made unique (`my_op`, `my_op_1`, ...).

    Raises:
        ValueError: when `name` is not a string or holds `/`.

    Example:
    >>> import lamina
    >>> class Double(lamina.Operation):
    ...     def call(self, x):
    ...         return x * 2
    >>> y = Double()(lamina.Input((3,)))
    >>> y.shape
    (None, 3)
    """

    _auto_config: dict | None

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        instance = super().__new__(cls)
        instance._auto_config = _auto_config(cls, args, kwargs)
        return instance

    def __init__(self, name: str | None = None) -> None:
        if name is None:
            name = auto_name(type(self).__name__)
        if not isinstance(name, str) or "/" in name:
            raise ValueError(
                "Argument `name` must be a string and cannot contain character `/`. "
                f"Received: name={name} (of type {type(name)})"
            )
        self.name = name
        self._inbound_nodes: list[Node] = []
        self._outbound_nodes: list[Node] = []

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if any_symbolic(args) or (kwargs and any_symbolic(tuple(kwargs.values()))):
            return self.symbolic_call(*args, **kwargs)
        return self.call(*args, **kwargs)

    def call(self, *args: Any, **kwargs: Any) -> Any:
        """The computation on tensors; subclasses implement it."""
        raise NotImplementedError(
            f"Operation {type(self).__name__} does not implement `call()`."
        )

    def quantized_call(self, *args: Any, **kwargs: Any) -> Any:
        """Keras's quantized path; lamina has no quantization."""
        raise NotImplementedError

    def compute_output_spec(self, *args: Any, **kwargs: Any) -> Any:
        """KerasTensors for the outputs of a call on these (symbolic) arguments:
        `call` runs on stand-in tensors (no data) and its outputs' shapes and
        dtypes are read."""
        with SymbolicScope():
            return symbolic_outputs(
                self.call,
                args,
                kwargs,
                what=f"{type(self).__name__}.call() of operation '{self.name}'",
            )

    def symbolic_call(self, *args: Any, **kwargs: Any) -> Any:
        """Records a node for this call and returns its symbolic outputs."""
        outputs = self.compute_output_spec(*args, **kwargs)
        node = Node(self, args, kwargs, outputs)
        for i, tensor in enumerate(flatten(outputs)):
            if isinstance(tensor, KerasTensor):
                tensor.node, tensor.index = node, i
        for parent in node.parents:
            maker = getattr(parent.node, "layer", None)
            outbound = getattr(maker, "_outbound_nodes", None)
            if isinstance(outbound, list):
                outbound.append(node)
        self._inbound_nodes.append(node)
        return outputs

    # -- the first call's tensors ------------------------------------------------
    @property
    def input(self) -> Any:
        """The input tensor(s) of the first symbolic call."""
        return self._first_node("input").args[0]

    @property
    def output(self) -> Any:
        """The output tensor(s) of the first symbolic call."""
        return self._first_node("output").outputs

    def _first_node(self, what: str) -> Node:
        if not self._inbound_nodes:
            raise AttributeError(
                f"The operation {self.name} has never been called and thus has no "
                f"defined {what}."
            )
        return self._inbound_nodes[0]

    # -- configuration ----------------------------------------------------------
    def get_config(self) -> dict:
        """`{"name": ...}` plus, when the subclass writes no `get_config`, the
        constructor arguments it was given (strings, numbers, booleans)."""
        config: dict[str, Any] = {"name": self.name}
        if type(self).get_config is not Operation.get_config:
            return config
        auto = self.__dict__.get("_auto_config")
        if auto is None:
            raise NotImplementedError(_NO_CONFIG.format(cls=type(self).__name__))
        config.update(auto)
        params = inspect.signature(type(self).__init__).parameters
        takes_kwargs = any(p.kind is p.VAR_KEYWORD for p in params.values())
        if "name" not in params and not takes_kwargs:
            config.pop("name")
        return config

    @classmethod
    def from_config(cls, config: dict) -> Operation:
        """Makes the operation from `get_config()`'s output."""
        return cls(**config)

    def __repr__(self) -> str:
        return f"<Operation name={self.name}>"


# The operations recorded for `x + y`, `ops.mean(x)`, ... are Operations too.
Operation.register(_operation.Operation)


def _auto_config(cls: type, args: tuple, kwargs: dict) -> dict | None:
    """The constructor arguments (defaults included, `name` left out) when
    they are all plain values, else None."""
    signature = inspect.signature(cast(Any, cls).__init__)
    try:
        bound = signature.bind(None, *args, **kwargs)
    except TypeError:
        return None
    bound.apply_defaults()
    params = signature.parameters
    config: dict[str, Any] = {}
    for index, (key, value) in enumerate(bound.arguments.items()):
        kind = params[key].kind
        if index == 0 or key == "name":
            continue  # `self`
        if kind is inspect.Parameter.VAR_POSITIONAL:
            if value:
                return None
            continue
        if kind is inspect.Parameter.VAR_KEYWORD:
            config.update(value)
        elif kind is inspect.Parameter.POSITIONAL_ONLY:
            return None
        else:
            config[key] = value
    config.pop("name", None)
    return config if _plain_leaves(config) else None


__all__ = ["Operation"]
