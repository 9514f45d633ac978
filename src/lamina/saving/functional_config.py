"""The config of a functional model: its layers and how their calls connect.

Same structure as Keras 3 writes in `.keras` files: each layer's config with
`inbound_nodes` (the arguments of each call, symbolic tensors written as
`__keras_tensor__` with their `keras_history` [layer, node, tensor]), and the
model's `input_layers` / `output_layers`.
"""

from __future__ import annotations

from typing import Any

from lamina.layers._symbolic import KerasTensor, flatten, map_structure
from lamina.saving.serialization import deserialize_layer, serialize_layer


def _history(t: KerasTensor) -> list:
    node = t.node
    layer = node.layer
    return [layer.name, layer._inbound_nodes.index(node), t.index]


def _serialize_arg(x: Any) -> Any:
    if isinstance(x, KerasTensor):
        return {
            "class_name": "__keras_tensor__",
            "config": {
                "shape": list(x.shape),
                "dtype": x.dtype,
                "keras_history": _history(x),
            },
        }
    return x


def functional_config(model: Any) -> dict:
    """`get_config()` of a functional model."""
    from lamina.layers.core.input_layer import InputLayer

    own = {id(n) for n in model._nodes}
    layers = []
    for layer in model.layers:
        entry = serialize_layer(layer)
        entry["name"] = layer.name
        entry["inbound_nodes"] = [
            {
                "args": [map_structure(_serialize_arg, a) for a in node.args],
                "kwargs": map_structure(_serialize_arg, node.kwargs),
            }
            for node in layer._inbound_nodes
            if id(node) in own and not isinstance(layer, InputLayer)
        ]
        layers.append(entry)
    return {
        "name": model.name,
        "trainable": model.trainable,
        "layers": layers,
        "input_layers": _endpoint_list([_history(t) for t in model.inputs]),
        "output_layers": _endpoint_list([_history(t) for t in model.outputs]),
    }


def _endpoint_list(triples: list) -> list:
    """Keras writes one endpoint as a flat triple, several as a list of them."""
    return triples[0] if len(triples) == 1 else triples


def _endpoints(spec: Any) -> list:
    """`["name", 0, 0]` or a list of them, as a list of triples."""
    if spec and isinstance(spec[0], str):
        return [spec]
    return list(spec)


def functional_from_config(config: dict, custom_objects: dict | None = None) -> Any:
    """Rebuilds a functional model from `functional_config`'s output."""
    from lamina.models.functional import Functional

    created: dict[tuple, KerasTensor] = {}
    layers: dict[str, Any] = {}
    calls: dict[str, int] = {}
    for entry in config["layers"]:
        layer = deserialize_layer(entry, custom_objects)
        name = entry.get("name") or entry["config"]["name"]
        layers[name] = layer
        if hasattr(layer, "output") and not entry.get("inbound_nodes"):
            created[(name, 0, 0)] = layer.output
    for entry in config["layers"]:
        name = entry.get("name") or entry["config"]["name"]
        for node in entry.get("inbound_nodes", []):
            args, kwargs = _resolve(node, created)
            out = layers[name](*args, **kwargs)
            index = calls.get(name, 0)
            calls[name] = index + 1
            for i, t in enumerate(flatten(out)):
                created[(name, index, i)] = t
    inputs = [created[tuple(e)] for e in _endpoints(config["input_layers"])]
    outputs = [created[tuple(e)] for e in _endpoints(config["output_layers"])]
    return Functional(
        inputs[0] if len(inputs) == 1 else inputs,
        outputs[0] if len(outputs) == 1 else outputs,
        name=config.get("name"),
        trainable=config.get("trainable", True),
    )


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
    raise ValueError(f"Unsupported inbound node format: {node!r}")


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
