"""The boxes and arrows of a model's layer graph, for `plot_model`/`model_to_dot`.

A functional model gives its recorded nodes; a Sequential model is a chain; a
subclassed model, whose wiring lives in Python code, is its layers without
arrows. With `expand_nested`, a nested model becomes a cluster of its own boxes:
arrows into it go to its first layers, arrows out leave from its last ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lamina.layers.core.input_layer import InputLayer
from lamina.models.model import Model
from lamina.models.sequential import Sequential


@dataclass
class Box:
    """One layer drawn as a box."""

    key: int  # id() of the layer
    layer: Any
    cluster: str | None = None  # name of the nested model it belongs to


@dataclass
class Graph:
    boxes: list[Box] = field(default_factory=list)
    edges: list[tuple[int, int]] = field(default_factory=list)
    clusters: dict[str, list[int]] = field(default_factory=dict)


def _is_model(layer: Any) -> bool:
    return isinstance(layer, Model)


def _functional_nodes(model: Any) -> list | None:
    nodes = getattr(model, "_nodes", None)
    return list(nodes) if nodes else None


def _local_graph(model: Any) -> tuple[list, list[tuple[Any, Any]]]:
    """The model's own layers and the (source layer, target layer) arrows."""
    nodes = _functional_nodes(model)
    if nodes is not None:
        # Input layers first, in the order of the model's inputs (their nodes
        # may not be among the model's own).
        layers: list = [
            t.node.layer for t in getattr(model, "inputs", None) or [] if t.node
        ]
        edges: list = []
        for node in nodes:
            if node.layer not in layers:
                layers.append(node.layer)
            for parent in node.parents:
                src = parent.node.layer if parent.node is not None else None
                if src is not None and (src, node.layer) not in edges:
                    edges.append((src, node.layer))
        return layers, edges
    layers = [m for m in model._modules.values() if hasattr(m, "name")]
    if isinstance(model, Sequential):
        return layers, list(zip(layers, layers[1:]))
    return layers, []


def _entry_exit(model: Any) -> tuple[list, list]:
    """A nested model's first and last layers (where arrows enter and leave)."""
    layers, edges = _local_graph(model)
    targets = {id(t) for _, t in edges}
    sources = {id(s) for s, _ in edges}
    entry = [
        layer
        for layer in layers
        if id(layer) not in targets and not isinstance(layer, InputLayer)
    ]
    entry += [t for s, t in edges if isinstance(s, InputLayer)]
    exits = [layer for layer in layers if id(layer) not in sources]
    return entry or layers[:1], exits or layers[-1:]


def build_graph(model: Any, expand_nested: bool = False) -> Graph:
    """Boxes and arrows for `model`, nested models opened when asked."""
    graph = Graph()
    _add(graph, model, expand_nested, cluster=None)
    return graph


def _add(graph: Graph, model: Any, expand: bool, cluster: str | None) -> tuple:
    layers, edges = _local_graph(model)
    entry: dict[int, list] = {}
    exit_: dict[int, list] = {}
    for layer in layers:
        if expand and _is_model(layer) and _local_graph(layer)[0]:
            inner_entry, inner_exit = _add(graph, layer, True, layer.name)
            graph.clusters.setdefault(layer.name, [])
            entry[id(layer)] = inner_entry
            exit_[id(layer)] = inner_exit
            continue
        if expand and isinstance(layer, InputLayer) and cluster is not None:
            entry[id(layer)] = []
            exit_[id(layer)] = []
            continue
        graph.boxes.append(Box(id(layer), layer, cluster))
        if cluster is not None:
            graph.clusters.setdefault(cluster, []).append(id(layer))
        entry[id(layer)] = [id(layer)]
        exit_[id(layer)] = [id(layer)]
    for src, dst in edges:
        for a in exit_.get(id(src), []):
            for b in entry.get(id(dst), []):
                if (a, b) not in graph.edges:
                    graph.edges.append((a, b))
    if cluster is None:
        return [], []
    firsts, lasts = _entry_exit(model)
    return (
        [k for layer in firsts for k in entry.get(id(layer), [])],
        [k for layer in lasts for k in exit_.get(id(layer), [])],
    )


def _shape_text(value: Any) -> str:
    if value is None:
        return "?"
    if isinstance(value, list):
        return ", ".join(_shape_text(v) for v in value)
    shape = getattr(value, "shape", value)
    return str(tuple(shape)) if isinstance(shape, (tuple, list)) else str(shape)


def _layer_shapes(layer: Any) -> tuple[Any, Any]:
    """Input and output shapes of a layer's first call, where they are known."""
    nodes = getattr(layer, "_inbound_nodes", None) or []
    if nodes:
        node = nodes[0]
        ins = [p.shape for p in node.parents] or None
        if ins is not None and len(ins) == 1:
            ins = ins[0]
        outs = node.outputs
        outs = (
            [o.shape for o in outs]
            if isinstance(outs, (list, tuple))
            else getattr(outs, "shape", None)
        )
        if isinstance(layer, InputLayer):
            ins = outs
        return ins, outs
    return None, None


def box_lines(
    layer: Any,
    show_shapes: bool,
    show_dtype: bool,
    show_layer_names: bool,
    show_layer_activations: bool,
    show_trainable: bool,
) -> list[str]:
    """The text of a layer's box, Keras's fields in Keras's order."""
    kind = type(layer).__name__
    lines = [f"{layer.name} ({kind})" if show_layer_names else kind]
    if show_layer_activations:
        activation = getattr(layer, "activation", None)
        if activation is not None:
            name = getattr(activation, "__name__", type(activation).__name__)
            lines.append(f"Activation: {name}")
    if show_dtype:
        lines.append(f"Output dtype: {getattr(layer, 'dtype', '?')}")
    if show_shapes:
        ins, outs = _layer_shapes(layer)
        lines.append(f"Input shape: {_shape_text(ins)}")
        lines.append(f"Output shape: {_shape_text(outs)}")
    if show_trainable:
        lines.append(f"Trainable: {bool(getattr(layer, 'trainable', True))}")
    return lines
