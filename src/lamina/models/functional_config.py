"""The config of a functional model: its layers and how their calls connect.

Same structure as Keras 3 writes in `.keras` files: each layer's config with
`inbound_nodes` (the arguments of each call, symbolic tensors written as
`__keras_tensor__` with their `keras_history` [layer, node, tensor]), and the
model's `input_layers` / `output_layers`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import torch

from lamina import _registry
from lamina.layers._symbolic import KerasTensor, flatten, map_structure
from lamina.models import _operation_io
from lamina.ops import _operation as _ops
from lamina.ops.operation import Operation as PublicOperation
from lamina.saving.serialization import deserialize_layer, serialize_layer


def _history(t: KerasTensor, op_names: dict[int, str] | None = None) -> list:
    node: Any = t.node  # set on every tensor a layer call returns
    layer = node.layer
    name = (op_names or {}).get(id(layer), getattr(layer, "name", None))
    return [name, layer._inbound_nodes.index(node), t.index]


def _arg_serializer(op_names: dict[int, str]) -> Callable[[Any], Any]:
    def serialize(x: Any) -> Any:
        if isinstance(x, KerasTensor):
            return {
                "class_name": "__keras_tensor__",
                "config": {
                    "shape": list(x.shape),
                    "dtype": x.dtype,
                    "keras_history": _history(x, op_names),
                },
            }
        return x

    return serialize


def _operation_names(model: Any) -> dict[int, str]:
    """A unique name for each operation of the graph (`add`, `add_1`, ...),
    as Keras names them, distinct from the layers' names."""
    taken = {layer.name for layer in model.layers}
    names: dict[int, str] = {}
    for node in model._nodes:
        op = node.layer
        if isinstance(op, torch.nn.Module) or id(op) in names:
            continue
        if getattr(op, "_keras_class", None) is not None or _is_custom(op):
            base = op.name  # rebuilt from a config, or a user's: keeps its name
        else:
            base = _operation_io.default_name(op)
        name, i = base, 0
        while name in taken:
            i += 1
            name = f"{base}_{i}"
        taken.add(name)
        names[id(op)] = name
    return names


def _operation_entry(op: Any, name: str, nodes: list, serialize: Callable) -> dict:
    cls = _operation_io.operation_class(op)
    module = _operation_io._SPECS[cls][0]
    calls = []
    params: dict = {}
    for node in nodes:
        params, args, kwargs = _operation_io.serialize_node(op, node)
        calls.append(
            {
                "args": _operation_io.serialize_value(map_structure(serialize, args)),
                "kwargs": map_structure(serialize, kwargs),
            }
        )
    return {
        "module": module,
        "class_name": cls,
        "config": {"name": name, **_operation_io.serialize_value(params)},
        "registered_name": cls,
        "name": name,
        "inbound_nodes": calls,
    }


def _is_custom(op: Any) -> bool:
    """A user's `keras.Operation` subclass (not one of lamina's recorded ops)."""
    return isinstance(op, PublicOperation) and not isinstance(op, _ops.Operation)


def _custom_entry(op: Any, name: str, nodes: list, serialize: Callable) -> dict:
    """A user's operation: its own config, and its calls, as Keras writes them."""
    entry = serialize_layer(op)
    entry["name"] = name
    entry["inbound_nodes"] = [
        {
            "args": [map_structure(serialize, a) for a in node.args],
            "kwargs": map_structure(serialize, node.kwargs),
        }
        for node in nodes
    ]
    return entry


def functional_config(model: Any) -> dict:
    """`get_config()` of a functional model.

    Raises:
        NotImplementedError: when the graph holds an operation that has no
            Keras config entry (a torch function), naming it.
    """
    own = {id(n) for n in model._nodes}
    op_names = _operation_names(model)
    serialize = _arg_serializer(op_names)
    layers = []
    for layer in model.layers:
        entry = serialize_layer(layer)
        entry["name"] = layer.name
        entry["inbound_nodes"] = [
            {
                "args": [map_structure(serialize, a) for a in node.args],
                "kwargs": map_structure(serialize, node.kwargs),
            }
            for node in layer._inbound_nodes
            if id(node) in own and not _is_input_layer(layer)
        ]
        layers.append(entry)
    op_nodes: dict[int, list] = {}
    ops: dict[int, Any] = {}
    for node in model._nodes:
        if id(node.layer) in op_names:
            ops[id(node.layer)] = node.layer
            op_nodes.setdefault(id(node.layer), []).append(node)
    for key, op in ops.items():
        if _is_custom(op):
            layers.append(_custom_entry(op, op_names[key], op_nodes[key], serialize))
        else:
            layers.append(_operation_entry(op, op_names[key], op_nodes[key], serialize))
    return {
        "name": model.name,
        "trainable": model.trainable,
        "layers": layers,
        "input_layers": _endpoint_struct(
            getattr(model, "_inputs_struct", model.inputs), _history
        ),
        "output_layers": _endpoint_struct(
            getattr(model, "_outputs_struct", model.outputs),
            lambda t: _history(t, op_names),
        ),
    }


def _is_input_layer(layer: Any) -> bool:
    input_layer = _registry.builtin_object("layers", "InputLayer")
    return input_layer is not None and isinstance(layer, input_layer)


def _endpoint_struct(struct: Any, history: Callable[[Any], list]) -> Any:
    """The model's inputs or outputs as Keras writes them: in the structure they
    were given (a tensor as a flat triple, a list as a list, a dict as a dict)."""
    if isinstance(struct, dict):
        return {k: _endpoint_struct(v, history) for k, v in struct.items()}
    if isinstance(struct, (list, tuple)):
        return [_endpoint_struct(v, history) for v in struct]
    return history(struct)


def _is_triple(spec: Any) -> bool:
    return isinstance(spec, (list, tuple)) and bool(spec) and isinstance(spec[0], str)


def _endpoints(spec: Any) -> list:
    """Every `["name", 0, 0]` triple of an endpoint structure, in order."""
    if _is_triple(spec):
        return [spec]
    values = spec.values() if isinstance(spec, dict) else spec
    return [triple for part in values for triple in _endpoints(part)]


def _endpoint_values(spec: Any, created: dict) -> Any:
    """An endpoint structure with each triple replaced by its tensor."""
    if _is_triple(spec):
        return created[tuple(spec)]
    if isinstance(spec, dict):
        return {k: _endpoint_values(v, created) for k, v in spec.items()}
    return [_endpoint_values(v, created) for v in spec]


def functional_from_config(
    config: dict,
    custom_objects: dict | None = None,
    make_layer: Callable[[dict], Any] | None = None,
    input_tensors: list | None = None,
) -> Any:
    """Rebuilds a functional model from `functional_config`'s output.

    Args:
        config: the config.
        custom_objects: names mapped to custom classes.
        make_layer: makes each layer from its config entry (default:
            deserialize it); `clone_model` passes its `clone_function` here.
        input_tensors: symbolic tensors to use as the inputs, in order,
            instead of new `Input`s.
    """
    functional = _registry.builtin_object("layers", "Functional")
    created: dict[tuple, KerasTensor] = {}
    layers: dict[str, Any] = {}
    calls: dict[str, int] = {}
    given = _given_inputs(config, input_tensors)
    for entry in config["layers"]:
        name = entry.get("name") or entry["config"]["name"]
        if name in given:
            created[(name, 0, 0)] = given[name]
            continue
        if _operation_io.is_operation_entry(entry):
            layer = _operation_io.operation_from_entry(entry)
        elif make_layer is None:
            layer = deserialize_layer(entry, custom_objects)
        else:
            layer = make_layer(entry)
        layers[name] = layer
        if _is_input_layer(layer):
            created[(name, 0, 0)] = cast(Any, layer).output
    pending = [
        (entry.get("name") or entry["config"]["name"], node)
        for entry in config["layers"]
        for node in entry.get("inbound_nodes", [])
    ]
    # A shared layer's later calls may need layers listed after it: run each
    # call once its inputs exist, pass after pass, as Keras does.
    while pending:
        waiting: list[tuple[str, Any]] = []
        for name, node in pending:
            if any(other == name for other, _ in waiting) or not _ready(node, created):
                waiting.append((name, node))
                continue
            args, kwargs = _resolve(node, created)
            out = layers[name](*args, **kwargs)
            index = calls.get(name, 0)
            calls[name] = index + 1
            for i, t in enumerate(flatten(out)):
                created[(name, index, i)] = t
        if len(waiting) == len(pending):
            _resolve(waiting[0][1], created)  # raises, naming the missing call
        pending = waiting
    return functional(
        _endpoint_values(config["input_layers"], created),
        _endpoint_values(config["output_layers"], created),
        name=config.get("name"),
        trainable=config.get("trainable", True),
    )


def _given_inputs(config: dict, input_tensors: list | None) -> dict[str, Any]:
    """The input layers' names mapped to the tensors that replace them."""
    if input_tensors is None:
        return {}
    names = [e[0] for e in _endpoints(config["input_layers"])]
    if len(names) != len(input_tensors):
        raise ValueError(
            f"The model has {len(names)} inputs ({names}), but "
            f"{len(input_tensors)} `input_tensors` were given."
        )
    return dict(zip(names, input_tensors))


def _ready(node: Any, created: dict) -> bool:
    """Whether every tensor a recorded call reads has been created."""
    found = []

    def check(x: Any) -> Any:
        found.append(tuple(x["config"]["keras_history"]) in created)
        return x

    if isinstance(node, dict):
        _map_json(check, node.get("args", []))
        _map_json(check, node.get("kwargs", {}))
    else:
        found.extend(tuple(entry[:3]) in created for entry in node)
    return all(found)


def _resolve(node: Any, created: dict) -> tuple[list, dict]:
    def fetch(x: Any) -> Any:
        if isinstance(x, dict) and x.get("class_name") == "__keras_tensor__":
            key = tuple(x["config"]["keras_history"])
            if key not in created:
                raise ValueError(
                    f"The model config refers to the output {list(key)} of a layer "
                    "call that is not defined before it."
                )
            return created[key]
        return x

    if isinstance(node, dict):
        args = [_map_json(fetch, a) for a in node.get("args", [])]
        kwargs = {k: _map_json(fetch, v) for k, v in node.get("kwargs", {}).items()}
        return args, kwargs
    if isinstance(node, list) and all(isinstance(e, list) for e in node):
        return _resolve_legacy(node, fetch)
    raise ValueError(f"Unsupported inbound node format: {node!r}")


def _resolve_legacy(node: list, fetch: Any) -> tuple[list, dict]:
    """Keras 2's node: `[[layer, node_index, tensor_index, kwargs], ...]`, one
    entry per input tensor; a single input is passed alone, several as a list."""
    tensors = [
        fetch({"class_name": "__keras_tensor__", "config": {"keras_history": e[:3]}})
        for e in node
    ]
    kwargs = dict(node[0][3]) if node and len(node[0]) > 3 and node[0][3] else {}
    return [tensors[0] if len(tensors) == 1 else tensors], kwargs


def _map_json(fn: Any, value: Any) -> Any:
    if isinstance(value, dict) and value.get("class_name") == "__keras_tensor__":
        return fn(value)
    if isinstance(value, list):
        return [_map_json(fn, v) for v in value]
    if isinstance(value, tuple):
        return tuple(_map_json(fn, v) for v in value)
    if isinstance(value, dict):
        return {k: _map_json(fn, v) for k, v in value.items()}
    return value
