"""`Functional`: a model defined by calling layers on `Input()` tensors."""

from __future__ import annotations

from typing import Any, cast

import numpy as np
import torch

from lamina.layers._symbolic import KerasTensor, Node, flatten, map_structure
from lamina.layers.base import Layer
from lamina.layers.core.input_layer import InputLayer
from lamina.layers.core.torch_module_wrapper import TorchModuleWrapper
from lamina.models.functional_config import functional_config, functional_from_config
from lamina.models.model import Model
from lamina.trainers.data_adapter import adjust_rank


def _graph_nodes(inputs: list[KerasTensor], outputs: list[KerasTensor]) -> list[Node]:
    """The nodes between `inputs` and `outputs`, each after those it depends on.

    Raises:
        ValueError: when an output needs a tensor that does not come from
            `inputs` ("graph disconnected"), naming that tensor's input layer.
    """
    fed = {id(t) for t in inputs}
    order: list[Node] = []
    seen: set[int] = set()
    stack: list[tuple[Any, bool]] = [(t, False) for t in reversed(outputs)]
    while stack:
        tensor, expanded = stack.pop()
        node = tensor.node
        if id(tensor) in fed or id(node) in seen:
            continue
        if expanded:
            seen.add(id(node))
            order.append(node)
            continue
        _check_reachable(tensor, order)
        stack.append((tensor, True))
        stack.extend((p, False) for p in reversed(node.parents))
    return order


def _keras_order(outputs: list[KerasTensor], nodes: list[Node]) -> list[Node]:
    """`nodes` in the order Keras lists a functional model's layers.

    Layers come by decreasing depth (distance from the outputs); ties go to the
    layer a depth-first walk from the outputs meets first. Keras's weight files
    name layers by this position (`layers/conv2d_3`), so a file saved by Keras
    from a branching model (a ResNet block) loads only in this order.
    """
    in_graph = {id(n) for n in nodes}
    first_seen: dict[int, int] = {}
    done: set[int] = set()
    stack = list(reversed(outputs))
    while stack:
        node = stack.pop().node
        if node is None or id(node) not in in_graph or id(node) in done:
            continue
        done.add(id(node))
        first_seen.setdefault(id(node.layer), len(first_seen))
        stack.extend(reversed(node.parents))
    depth: dict[int, int] = {}
    layer_depth: dict[int, int] = {}
    for node in reversed(nodes):
        d = max(depth.setdefault(id(node), 0), layer_depth.get(id(node.layer), 0))
        layer_depth[id(node.layer)] = depth[id(node)] = d
        for parent in node.parents:
            if parent.node is not None and id(parent.node) in in_graph:
                key = id(parent.node)
                depth[key] = max(d + 1, depth.get(key, 0))
    rank = {
        id(n.layer): (-layer_depth[id(n.layer)], first_seen.get(id(n.layer), 0))
        for n in nodes
    }
    return sorted(nodes, key=lambda n: rank[id(n.layer)])


def _node(tensor: KerasTensor) -> Node:
    """The node that made `tensor`.

    Raises:
        ValueError: when no call made it (a bare `KerasTensor(...)`).
    """
    node = tensor.node
    if node is None:
        raise ValueError(
            f"The tensor {tensor} was not made by `Input()` or by a layer call: a "
            "functional model's tensors must come from `lamina.Input` tensors."
        )
    return node


def _check_reachable(tensor: KerasTensor, done: list[Node]) -> None:
    node = _node(tensor)
    if isinstance(node.layer, InputLayer):
        accessed = [n.layer.name for n in done if not isinstance(n.layer, InputLayer)]
        raise ValueError(
            f"Graph disconnected: cannot obtain value for tensor {tensor} at "
            f"layer '{node.layer.name}' (an Input): it is needed by the outputs "
            "but is not among the model's `inputs`. Add it to `inputs`. The "
            f"following previous layers were accessed without issue: {accessed}"
        )


class Functional(Model):
    """A model whose layers form a graph from `inputs` to `outputs`.

    Any tensors of an existing graph serve: `Model(model.inputs,
    [layer.output for layer in model.layers])` extracts every layer's output.
    Layers called twice (shared layers) run once per call; models called on
    tensors are layers of the outer model. A subclass of `Model` that calls
    `super().__init__(inputs=..., outputs=...)` becomes a `Functional` whose
    methods it may override, as in Keras.

    Args:
        inputs: the input tensor(s): a tensor, or a list or dict of them.
        outputs: tensors computed from `inputs`: a tensor, or a list or dict.
        name: the model's name.

    Raises:
        ValueError: when an output cannot be computed from `inputs`.
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
        if isinstance(outputs, KerasTensor) and isinstance(inputs, (list, tuple)):
            inputs = list(inputs)
        self._inputs_struct = inputs
        self._outputs_struct = outputs
        self.inputs = _symbolic_list(inputs, "inputs")
        self.outputs = _symbolic_list(outputs, "outputs")
        self._nodes = _graph_nodes(self.inputs, self.outputs)
        self._add_graph_layers()
        self.built = True

    def _add_graph_layers(self) -> None:
        """Registers the graph's layers as child modules: input layers first,
        in the order of `inputs`, then in Keras's order (`_keras_order`)."""
        firsts = [
            _node(t) for t in self.inputs if isinstance(_node(t).layer, InputLayer)
        ]
        rest = [n for n in self._nodes if n not in firsts]
        ordered = firsts + _keras_order(self.outputs, rest)
        wrappers: dict[int, Layer] = {}
        for node in ordered:
            layer = _stateful_part(node, wrappers)
            if layer is None:
                continue  # an operation (`x + y`, `ops.mean`): no state
            if any(m is layer for m in self._modules.values()):
                continue  # a shared layer, registered at its first call
            if any(
                getattr(m, "name", None) == layer.name for m in self._modules.values()
            ):
                raise ValueError(
                    f"The name '{layer.name}' is used 2 times in the model. All "
                    "layer names should be unique."
                )
            self.add_module(self._structural_key(layer), layer)

    @property
    def input(self) -> Any:
        """The `inputs` given to the constructor, in their structure."""
        return self._inputs_struct

    @property
    def output(self) -> Any:
        """The `outputs` given to the constructor, in their structure."""
        return self._outputs_struct

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
        return [_node(t).layer.name for t in self.inputs]

    @property
    def output_names(self) -> list[str]:
        if isinstance(self._outputs_struct, dict):
            return list(self._outputs_struct.keys())
        return [_node(t).layer.name for t in self.outputs]

    def _assign_inputs(self, inputs: Any) -> dict[int, Any]:
        values: dict[int, Any] = {}
        if isinstance(inputs, dict):
            for t in self.inputs:
                name = _node(t).layer.name
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

    def _convert_inputs(self, inputs: Any) -> Any:
        """Numbers become tensors; the values of string inputs
        (`Input(dtype="string")`) stay numpy arrays, on the host."""
        text = {_node(t).layer.name for t in self.inputs if t.dtype == "string"}
        if not text:
            return super()._convert_inputs(inputs)
        if isinstance(inputs, dict):
            convert = super()._convert_inputs
            return {
                k: np.asarray(v) if k in text else convert(v) for k, v in inputs.items()
            }
        if len(self.inputs) == 1 and not isinstance(inputs, torch.Tensor):
            return np.asarray(inputs)
        return super()._convert_inputs(inputs)

    def call(self, inputs: Any, training: bool | None = None, mask: Any = None) -> Any:
        values = self._assign_inputs(inputs)
        for t in self.inputs:
            layer = _node(t).layer
            if isinstance(layer, InputLayer):
                value = adjust_rank(values[id(t)], layer.batch_shape)
                values[id(t)] = _check_input(layer, value)
        if mask is not None:
            _attach_masks(self.inputs, values, mask)

        def fetch(x: Any) -> Any:
            return values[id(x)] if isinstance(x, KerasTensor) else x

        for node in self._nodes:
            args = map_structure(fetch, node.args)
            kwargs = map_structure(fetch, node.kwargs)
            if training is not None and "training" in kwargs:
                kwargs["training"] = training  # the model's mode wins, as Keras
            out = node.layer(*args, **kwargs)
            for t, v in zip(flatten(node.outputs), flatten(out)):
                values[id(t)] = v
        outputs = map_structure(lambda t: values[id(t)], self._outputs_struct)
        if isinstance(outputs, (list, tuple)) and len(outputs) == 1:
            return outputs[0]  # `Model(x, [y])(data)` is a tensor, as in Keras
        return outputs

    def _maybe_build(self, args: tuple, kwargs: dict) -> None:
        self.built = True

    def get_config(self) -> dict:
        """The graph in Keras's config format (layers, operations such as
        `x + y` or `ops.mean(x)`, and their calls).

        Raises:
            NotImplementedError: when the graph applies an operation that has
                no Keras config entry (a torch function such as
                `torch.relu(x)`), naming it.
        """
        return functional_config(self)

    @classmethod
    def from_config(
        cls, config: dict, custom_objects: dict | None = None
    ) -> Functional:
        return functional_from_config(config, custom_objects)


def _stateful_part(node: Node, wrappers: dict[int, Layer]) -> Any:
    """The layer of a node; for an operation, the plain torch module that ran
    it (`torch.nn.Linear(3, 4)(x)`), wrapped once per model so that its
    parameters are the model's weights; None for a stateless operation."""
    layer = node.layer
    if isinstance(layer, torch.nn.Module):
        return layer
    module = getattr(layer, "module", None)
    if module is None:
        return None
    if id(module) not in wrappers:
        wrappers[id(module)] = TorchModuleWrapper(module)
    return wrappers[id(module)]


def init_functional_subclass(model: Model, *args: Any, **kwargs: Any) -> None:
    """`super().__init__(inputs, outputs)` in a subclass of `Model`: the class
    gets `Functional` in place of `Model` among its bases (as Keras does), so
    the model runs its graph and the subclass's overrides still win."""
    if not isinstance(model, Functional):
        _rebase_on_functional(type(model))
    # The rebase made `model` an instance of Functional.
    Functional.__init__(cast(Functional, model), *args, **kwargs)


def _rebase_on_functional(cls: type) -> None:
    for klass in cls.__mro__:
        if Model in klass.__bases__:
            klass.__bases__ = tuple(
                Functional if base is Model else base for base in klass.__bases__
            )
            return


def _attach_masks(inputs: list, values: dict, mask: Any) -> None:
    """`model(x, mask=m)`: the input masks travel on the input tensors."""
    masks = [mask] if isinstance(mask, torch.Tensor) else flatten(mask)
    for t, m in zip(inputs, masks):
        value = values[id(t)]
        if m is not None and isinstance(value, torch.Tensor):
            value = value.view_as(value)  # a new tensor object carries the mask
            # torch's stubs do not declare Keras's mask attribute on Tensor.
            value._keras_mask = m  # type: ignore[attr-defined]
            values[id(t)] = value


def _symbolic_list(structure: Any, what: str) -> list[KerasTensor]:
    flat = flatten(structure)
    for t in flat:
        if not isinstance(t, KerasTensor):
            raise TypeError(
                f"All `{what}` of a functional model must be symbolic tensors "
                "(from `Input()` and layer calls on them). Received: "
                f"{t!r} (of type {type(t).__name__})"
            )
    return flat


def _check_input(layer: InputLayer, value: Any) -> Any:
    if isinstance(value, torch.Tensor):
        want = layer.batch_shape
        got = tuple(value.shape)
        if len(got) != len(want) or any(
            w is not None and w != g for w, g in zip(want, got)
        ):
            given = (None, *got[1:]) if got else got  # the batch size is not at fault
            raise ValueError(
                f"Input '{layer.name}' of the model expects shape {want}, but "
                f"received an input with shape {given}. Hint: the shape given to "
                "`Input(shape=...)` excludes the batch dimension: for this data, "
                f"use `Input(shape={tuple(got[1:])})`."
            )
    return value
