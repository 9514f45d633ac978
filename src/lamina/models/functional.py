"""`Functional`: a model defined by calling layers on `Input()` tensors."""

from __future__ import annotations

from typing import Any

import torch

from lamina.layers._symbolic import KerasTensor, Node, flatten, map_structure
from lamina.layers.base import Layer
from lamina.layers.core.input_layer import InputLayer
from lamina.models.model import Model


def _topological_nodes(outputs: list[KerasTensor]) -> list[Node]:
    """Nodes from the inputs to `outputs`, each after the nodes it depends on."""
    order: list[Node] = []
    seen: set[int] = set()
    stack: list[tuple[Node, bool]] = [(t.node, False) for t in reversed(outputs)]
    while stack:
        node, expanded = stack.pop()
        if id(node) in seen:
            continue
        if expanded:
            seen.add(id(node))
            order.append(node)
            continue
        stack.append((node, True))
        for parent in reversed(node.parents):
            if parent.node is None:
                raise ValueError(
                    f"The tensor {parent} does not come from an `Input()`: a "
                    "functional model's inputs must be `lamina.Input` tensors."
                )
            if id(parent.node) not in seen:
                stack.append((parent.node, False))
    return order


class Functional(Model):
    """A model whose layers form a graph from `inputs` to `outputs`.

    Args:
        inputs: an `Input()` tensor, or a list or dict of them.
        outputs: tensors computed from `inputs`, or a list or dict of them.
        name: the model's name.
    """

    def __init__(
        self,
        inputs: Any,
        outputs: Any,
        name: str | None = None,
        trainable: bool = True,
        **kwargs: Any,
    ) -> None:
        Layer.__init__(self, name=name, trainable=trainable, **kwargs)
        self._init_trainer()
        self._inputs_struct = inputs
        self._outputs_struct = outputs
        self.inputs = flatten(inputs)
        self.outputs = flatten(outputs)
        for t in self.inputs + self.outputs:
            if not isinstance(t, KerasTensor):
                raise TypeError(
                    "Functional model inputs and outputs must be symbolic tensors "
                    f"(from `Input()` and layer calls). Received: {t!r}"
                )
        for t in self.inputs:
            if not isinstance(t.node.layer, InputLayer):
                raise ValueError(
                    f"Model inputs must come from `lamina.Input()`. Received: {t}"
                )
        self._nodes = _topological_nodes(self.outputs)
        # Keras lists the input layers first, in the order of `inputs`.
        firsts = [t.node for t in self.inputs if t.node in self._nodes]
        ordered = firsts + [n for n in self._nodes if n not in firsts]
        for node in ordered:
            layer = node.layer
            key = self._child_key(layer.name)
            if key in self._modules and self._modules[key] is not layer:
                raise ValueError(
                    f"The name '{layer.name}' is used 2 times in the model. All "
                    "layer names should be unique."
                )
            self.add_module(key, layer)
        missing = [t for t in self.inputs if t.node not in self._nodes]
        if missing:
            for t in missing:
                self.add_module(self._child_key(t.node.layer.name), t.node.layer)
        self.built = True

    @property
    def input_shape(self) -> Any:
        shapes = [t.shape for t in self.inputs]
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def output_shape(self) -> Any:
        shapes = [t.shape for t in self.outputs]
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def input_names(self) -> list[str]:
        return [t.node.layer.name for t in self.inputs]

    @property
    def output_names(self) -> list[str]:
        if isinstance(self._outputs_struct, dict):
            return list(self._outputs_struct.keys())
        return [t.node.layer.name for t in self.outputs]

    def _assign_inputs(self, inputs: Any) -> dict[int, Any]:
        values: dict[int, Any] = {}
        if isinstance(inputs, dict):
            for t in self.inputs:
                name = t.node.layer.name
                if name not in inputs:
                    raise ValueError(
                        f"Missing input '{name}'. The model expects inputs "
                        f"{self.input_names}; received keys {sorted(inputs)}."
                    )
                values[id(t)] = inputs[name]
            return values
        flat = [inputs] if isinstance(inputs, torch.Tensor) else flatten(inputs)
        if len(flat) != len(self.inputs):
            raise ValueError(
                f"Model '{self.name}' expects {len(self.inputs)} input(s), but it "
                f"received {len(flat)} input tensors."
            )
        for t, v in zip(self.inputs, flat):
            values[id(t)] = v
        return values

    def call(self, inputs: Any, training: bool | None = None, mask: Any = None) -> Any:
        values = self._assign_inputs(inputs)
        for node in self._nodes:
            layer = node.layer
            if isinstance(layer, InputLayer):
                t = node.outputs
                values[id(t)] = _check_input(layer, values[id(t)])
                continue

            def fetch(x: Any) -> Any:
                return values[id(x)] if isinstance(x, KerasTensor) else x

            args = map_structure(fetch, node.args)
            kwargs = map_structure(fetch, node.kwargs)
            out = layer(*args, **kwargs)
            for t, v in zip(flatten(node.outputs), flatten(out)):
                values[id(t)] = v
        return map_structure(lambda t: values[id(t)], self._outputs_struct)

    def _maybe_build(self, args: tuple, kwargs: dict) -> None:
        self.built = True

    def get_config(self) -> dict:
        from lamina.saving.functional_config import functional_config

        return functional_config(self)

    @classmethod
    def from_config(
        cls, config: dict, custom_objects: dict | None = None
    ) -> Functional:
        from lamina.saving.functional_config import functional_from_config

        return functional_from_config(config, custom_objects)


def _check_input(layer: InputLayer, value: Any) -> Any:
    if isinstance(value, torch.Tensor):
        want = layer.batch_shape
        got = tuple(value.shape)
        if len(got) != len(want) or any(
            w is not None and w != g for w, g in zip(want, got)
        ):
            raise ValueError(
                f"Input '{layer.name}' of the model expects shape {want}, but "
                f"received an input with shape {got}. Hint: the shape given to "
                "`Input(shape=...)` excludes the batch dimension."
            )
    return value
