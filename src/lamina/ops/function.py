"""`Function` (`keras.Function`): a graph of layers and operations between
symbolic inputs and outputs, run as one callable."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from lamina.ops._keras_tensor import KerasTensor, Node, flatten, map_structure
from lamina.ops.operation import Operation


def _graph(inputs: list[KerasTensor], outputs: list[KerasTensor]) -> list[Node]:
    """The nodes between `inputs` and `outputs`, each after those it reads.

    Raises:
        ValueError: when an output needs a tensor that is not computed from
            `inputs`, naming the output and the tensor.
    """
    fed = {id(t) for t in inputs}
    order: list[Node] = []
    done: set[int] = set()
    for index, output in enumerate(outputs):
        stack: list[tuple[KerasTensor, bool]] = [(output, False)]
        while stack:
            tensor, expanded = stack.pop()
            node = tensor.node
            if id(tensor) in fed or id(node) in done:
                continue
            if node is None or not node.parents:
                raise ValueError(
                    f"Output {index} ({output}) of the Function is not connected "
                    f"to `inputs`: it needs {tensor}, which is not among the "
                    "`inputs` nor computed from them. Add that tensor to `inputs`."
                )
            if expanded:
                done.add(id(node))
                order.append(node)
                continue
            stack.append((tensor, True))
            stack.extend((p, False) for p in reversed(node.parents))
    return order


def _symbolic_list(structure: Any, what: str) -> list[KerasTensor]:
    flat = flatten(structure)
    for t in flat:
        if not isinstance(t, KerasTensor):
            raise TypeError(
                f"All `{what}` of a Function must be symbolic tensors (from "
                f"`keras.Input()` and calls on them). Received: {t!r} (of type "
                f"{type(t).__name__})"
            )
    return flat


def _same_structure(a: Any, b: Any) -> bool:
    if isinstance(a, (list, tuple)):
        return (
            isinstance(b, (list, tuple))
            and len(a) == len(b)
            and all(_same_structure(x, y) for x, y in zip(a, b))
        )
    if isinstance(a, dict):
        return (
            isinstance(b, dict)
            and set(a) == set(b)
            and all(_same_structure(a[k], b[k]) for k in a)
        )
    return not isinstance(b, (list, tuple, dict))


class Function(Operation):
    """The computation from symbolic `inputs` to `outputs`, as one callable.

    Every layer and operation met between them runs, in graph order, when the
    function is called on tensors (or arrays); called on KerasTensors it
    records one node, like any operation.

    Args:
        inputs: the input KerasTensor(s): a tensor, or a list or dict of them.
        outputs: KerasTensors computed from `inputs`: a tensor, list or dict.
        name: the function's name.

    Raises:
        TypeError: when an input or output is not a KerasTensor.
        ValueError: when an output cannot be computed from `inputs`.

    Example:
    >>> import lamina, torch
    >>> x = lamina.Input((2,))
    >>> double = lamina.Function(x, lamina.ops.multiply(x, 2.0))
    >>> double(torch.ones(1, 2)).tolist()
    [[2.0, 2.0]]
    """

    def __init__(self, inputs: Any, outputs: Any, name: str | None = None) -> None:
        super().__init__(name=name)
        self._inputs_struct = map_structure(lambda x: x, inputs)
        self._outputs_struct = map_structure(lambda x: x, outputs)
        self._inputs = _symbolic_list(inputs, "inputs")
        self._outputs = _symbolic_list(outputs, "outputs")
        self._nodes = _graph(self._inputs, self._outputs)
        operations: list[Any] = []
        for node in [t.node for t in self._inputs] + self._nodes:
            if node is not None and not any(op is node.layer for op in operations):
                operations.append(node.layer)
        self._operations = operations

    @property
    def inputs(self) -> list[KerasTensor]:
        """The input tensors, flattened."""
        return self._inputs

    @property
    def outputs(self) -> list[KerasTensor]:
        """The output tensors, flattened."""
        return self._outputs

    @property
    def operations(self) -> list[Any]:
        """The input layers, then each layer and operation of the graph once,
        in the order they run."""
        return list(self._operations)

    def call(self, inputs: Any) -> Any:
        """Runs the graph on `inputs` (tensors or arrays, in the structure of
        the function's `inputs`) and returns the outputs in their structure."""
        values = self._feed(inputs)

        def fetch(x: Any) -> Any:
            return values[id(x)] if isinstance(x, KerasTensor) else x

        for node in self._nodes:
            args = map_structure(fetch, node.args)
            out = node.layer(*args, **map_structure(fetch, node.kwargs))
            for tensor, value in zip(flatten(node.outputs), flatten(out)):
                values[id(tensor)] = value
        return map_structure(lambda t: values[id(t)], self._outputs_struct)

    def _feed(self, inputs: Any) -> dict[int, Any]:
        if not _same_structure(self._inputs_struct, inputs):
            raise ValueError(
                "Function was called with an invalid input structure. Expected "
                f"input structure: {self._inputs_struct}\nReceived input "
                f"structure: {inputs}"
            )
        if isinstance(self._inputs_struct, dict):
            given = [inputs[k] for k in self._inputs_struct]
            expected = [self._inputs_struct[k] for k in self._inputs_struct]
            pairs = zip(flatten(expected), flatten(given))
        else:
            pairs = zip(self._inputs, flatten(inputs))
        values: dict[int, Any] = {}
        for tensor, value in pairs:
            value = _as_tensor(value)
            _check_shape(tensor, value)
            values[id(tensor)] = value
        return values

    def compute_output_spec(self, inputs: Any) -> Any:
        """The outputs' KerasTensors for symbolic `inputs` of this structure."""
        return super().compute_output_spec(inputs)

    def compute_output_shape(self, input_shape: Any) -> Any:
        """The outputs' shapes for inputs of these shapes (in the structure of
        the function's `inputs`)."""

        def to_tensor(shape: Any, like: KerasTensor) -> KerasTensor:
            return KerasTensor(tuple(shape), like.dtype)

        if isinstance(self._inputs_struct, KerasTensor):
            symbolic: Any = to_tensor(input_shape, self._inputs_struct)
        elif isinstance(self._inputs_struct, dict):
            symbolic = {
                k: to_tensor(input_shape[k], t) for k, t in self._inputs_struct.items()
            }
        else:
            symbolic = [to_tensor(s, t) for s, t in zip(input_shape, self._inputs)]
        spec = self.compute_output_spec(symbolic)
        return map_structure(lambda t: t.shape, spec)

    def get_config(self) -> dict:
        raise NotImplementedError(
            "A Function holds tensors and layers, which a config cannot; "
            "rebuild it from its inputs and outputs, or save a `keras.Model` "
            "made from them instead."
        )


def _as_tensor(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return torch.as_tensor(value)
    return value


def _check_shape(tensor: KerasTensor, value: Any) -> None:
    shape = getattr(value, "shape", None)
    if shape is None:
        return
    got = tuple(shape)
    want = tensor.shape
    if len(got) != len(want) or any(
        w is not None and w != g for w, g in zip(want, got)
    ):
        raise ValueError(
            "Function was passed incompatible inputs. For input "
            f"'{tensor.name}', expected shape {want}, but received instead a "
            f"tensor with shape {got}."
        )


__all__ = ["Function"]
