"""`plot_model` with no graphviz: a layered layout in Python, drawn by matplotlib.

The layout is the classic layered one: each box's rank is the longest path from
a source, boxes within a rank are ordered by the mean position of their
neighbours (a few sweeps down and up, which untangles most crossings), and
ranks run top to bottom (`rankdir="TB"`) or left to right (`"LR"`).
"""

from __future__ import annotations

import os
from typing import Any

from lamina.visualization._figures import require_matplotlib
from lamina.visualization._model_graph import Graph, box_lines, build_graph

_RANKDIRS = ("TB", "LR", "BT", "RL")


def _ranks(graph: Graph) -> dict[int, int]:
    """Longest-path rank of each box (sources at rank 0)."""
    rank = {box.key: 0 for box in graph.boxes}
    for _ in range(len(graph.boxes)):  # relax until stable (graphs are DAGs)
        changed = False
        for a, b in graph.edges:
            if rank[b] < rank[a] + 1:
                rank[b] = rank[a] + 1
                changed = True
        if not changed:
            break
    return rank


def layout(graph: Graph) -> dict[int, tuple[float, float]]:
    """(position within rank, rank) for every box."""
    rank = _ranks(graph)
    rows: dict[int, list[int]] = {}
    for box in graph.boxes:
        rows.setdefault(rank[box.key], []).append(box.key)
    parents: dict[int, list[int]] = {}
    children: dict[int, list[int]] = {}
    for a, b in graph.edges:
        parents.setdefault(b, []).append(a)
        children.setdefault(a, []).append(b)
    position = {k: float(i) for row in rows.values() for i, k in enumerate(row)}
    order = sorted(rows)
    for sweep in range(4):
        ranks = order if sweep % 2 == 0 else order[::-1]
        links = parents if sweep % 2 == 0 else children
        for r in ranks:
            row = rows[r]

            def centre(k: int, links: dict = links) -> float:
                near = links.get(k)
                return (
                    sum(position[n] for n in near) / len(near) if near else position[k]
                )

            row.sort(key=centre)
            for i, k in enumerate(row):
                position[k] = float(i)
    # x: under the mean of the parents where there is room, else pushed right.
    coords: dict[int, tuple[float, float]] = {}
    for r in order:
        last = -1.0
        for k in rows[r]:
            near = [coords[p][0] for p in parents.get(k, []) if p in coords]
            want = sum(near) / len(near) if near else position[k]
            x = max(want, last + 1.0)
            coords[k] = (x, float(r))
            last = x
    return coords


def _check_args(to_file: str, rankdir: str) -> str:
    if rankdir not in _RANKDIRS:
        raise ValueError(
            f"`rankdir` must be one of {_RANKDIRS}. Received: rankdir={rankdir!r}"
        )
    suffix = os.path.splitext(str(to_file))[1].lower().lstrip(".")
    if suffix not in ("png", "svg", "pdf", "jpg", "jpeg"):
        raise ValueError(
            "`to_file` must end in .png, .svg, .pdf or .jpg (the format follows the "
            f"suffix). Received: to_file={to_file!r}"
        )
    return suffix


def draw_graph(
    model: Any,
    show_shapes: bool = False,
    show_dtype: bool = False,
    show_layer_names: bool = False,
    rankdir: str = "TB",
    expand_nested: bool = False,
    dpi: int = 200,
    show_layer_activations: bool = False,
    show_trainable: bool = False,
) -> Any:
    """The model's graph as a matplotlib figure (boxes, arrows, clusters)."""
    figure_cls = require_matplotlib()
    from matplotlib.patches import FancyBboxPatch

    graph = build_graph(model, expand_nested)
    if not graph.boxes:
        raise ValueError(
            f"Model '{model.name}' has no layers to plot. Build it first, e.g. "
            "give the first layer `input_shape=...`."
        )
    coords = layout(graph)
    texts = {
        box.key: "\n".join(
            box_lines(
                box.layer,
                show_shapes,
                show_dtype,
                show_layer_names,
                show_layer_activations,
                show_trainable,
            )
        )
        for box in graph.boxes
    }
    chars = max(max(len(s) for s in t.split("\n")) for t in texts.values())
    lines = max(t.count("\n") + 1 for t in texts.values())
    box_w, box_h = 0.075 * chars + 0.3, 0.17 * lines + 0.15  # inches
    gap_w, gap_h = 0.4, 0.45
    horizontal = rankdir in ("LR", "RL")

    def place(k: int) -> tuple[float, float]:
        across, depth = coords[k]
        if horizontal:
            x, y = depth * (box_w + gap_w * 2), -across * (box_h + gap_h)
            return (-x if rankdir == "RL" else x), y
        x, y = across * (box_w + gap_w), -depth * (box_h + gap_h * 1.5)
        return x, (-y if rankdir == "BT" else y)

    centres = {k: place(k) for k in coords}
    xs = [c[0] for c in centres.values()]
    ys = [c[1] for c in centres.values()]
    width = max(xs) - min(xs) + box_w + 0.6
    height = max(ys) - min(ys) + box_h + 0.6
    fig = figure_cls(figsize=(width, height), dpi=dpi)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(min(xs) - box_w / 2 - 0.3, max(xs) + box_w / 2 + 0.3)
    ax.set_ylim(min(ys) - box_h / 2 - 0.3, max(ys) + box_h / 2 + 0.3)
    ax.set_axis_off()
    for name, members in graph.clusters.items():
        pts = [centres[k] for k in members if k in centres]
        if not pts:
            continue
        x0 = min(p[0] for p in pts) - box_w / 2 - 0.12
        y0 = min(p[1] for p in pts) - box_h / 2 - 0.12
        x1 = max(p[0] for p in pts) + box_w / 2 + 0.12
        y1 = max(p[1] for p in pts) + box_h / 2 + 0.25
        ax.add_patch(
            FancyBboxPatch(
                (x0, y0),
                x1 - x0,
                y1 - y0,
                boxstyle="round,pad=0.02",
                fill=False,
                linestyle="--",
                edgecolor="gray",
                gid=f"cluster:{name}",
            )
        )
        ax.text(x0 + 0.05, y1 - 0.12, name, fontsize=7, color="gray", va="center")
    for box in graph.boxes:
        x, y = centres[box.key]
        ax.add_patch(
            FancyBboxPatch(
                (x - box_w / 2, y - box_h / 2),
                box_w,
                box_h,
                boxstyle="round,pad=0.02",
                facecolor="#e8eef7",
                edgecolor="#34568b",
                gid=f"layer:{box.layer.name}",
            )
        )
        ax.text(x, y, texts[box.key], ha="center", va="center", fontsize=8)
    for a, b in graph.edges:
        (xa, ya), (xb, yb) = centres[a], centres[b]
        if horizontal:
            sign = 1 if xb >= xa else -1
            start, end = (xa + sign * box_w / 2, ya), (xb - sign * box_w / 2, yb)
        else:
            sign = -1 if yb <= ya else 1
            start, end = (xa, ya + sign * box_h / 2), (xb, yb - sign * box_h / 2)
        ax.annotate(
            "",
            xy=end,
            xytext=start,
            arrowprops={"arrowstyle": "-|>", "color": "#34568b", "lw": 1.0},
        )
    fig.lamina_graph = graph  # what was drawn, for tests and tools
    return fig


def plot_model(
    model: Any,
    to_file: str = "model.png",
    show_shapes: bool = False,
    show_dtype: bool = False,
    show_layer_names: bool = False,
    rankdir: str = "TB",
    expand_nested: bool = False,
    dpi: int = 200,
    show_layer_activations: bool = False,
    show_trainable: bool = False,
    splines: str = "ortho",
    **kwargs: Any,
) -> Any:
    """Draws the model's layer graph to `to_file`, Keras's way, with no graphviz.

    The graph is laid out in Python and drawn with matplotlib (an optional
    extra), so neither pydot nor the graphviz binaries are needed. The format
    follows the suffix: PNG, SVG, PDF or JPEG. Branches, merges, several inputs
    and outputs, and nested models (boxed when `expand_nested=True`) are drawn.

    Args:
        model: a lamina model (Sequential, functional or subclassed).
        to_file: where to write the picture.
        show_shapes: write each layer's input and output shapes.
        show_dtype: write each layer's dtype.
        show_layer_names: write each layer's name beside its class.
        rankdir: `"TB"` (top to bottom) or `"LR"` (left to right); `"BT"`,
            `"RL"` reverse them.
        expand_nested: draw the layers inside nested models.
        dpi: resolution of raster output.
        show_layer_activations: write the activation of layers that have one.
        show_trainable: write whether each layer is trainable.
        splines: accepted for Keras compatibility; arrows are straight lines.

    Returns:
        The matplotlib figure that was saved. In a notebook it shows inline.
    """
    unknown = set(kwargs) - {"layer_range"}
    if unknown:
        raise TypeError(f"plot_model got unexpected arguments: {sorted(unknown)}")
    if kwargs.get("layer_range") is not None:
        raise ValueError(
            "`layer_range` is not supported by lamina's plot_model; draw the whole "
            "model, or build a sub-model of the layers you want."
        )
    suffix = _check_args(to_file, rankdir)
    fig = draw_graph(
        model,
        show_shapes=show_shapes,
        show_dtype=show_dtype,
        show_layer_names=show_layer_names,
        rankdir=rankdir,
        expand_nested=expand_nested,
        dpi=dpi,
        show_layer_activations=show_layer_activations,
        show_trainable=show_trainable,
    )
    folder = os.path.dirname(os.path.abspath(to_file))
    tmp = os.path.join(folder, f".{os.path.basename(to_file)}.tmp")
    fig.savefig(tmp, format=suffix, dpi=dpi)
    os.replace(tmp, to_file)
    return fig


def model_to_dot(
    model: Any,
    show_shapes: bool = False,
    show_dtype: bool = False,
    show_layer_names: bool = True,
    rankdir: str = "TB",
    expand_nested: bool = False,
    dpi: int = 200,
    subgraph: bool = False,
    show_layer_activations: bool = False,
    show_trainable: bool = False,
    splines: str = "ortho",
    **kwargs: Any,
) -> Any:
    """The model's graph as a `pydot.Dot` (needs the optional `pydot` package;
    rendering it needs the graphviz binaries, `plot_model` does not)."""
    try:  # deferred: pydot is an optional extra
        import pydot
    except ImportError as err:
        raise ImportError(
            "model_to_dot needs pydot (`pip install pydot`) and, to render, the "
            "graphviz binaries. `lamina.utils.plot_model` draws without either."
        ) from err
    graph = build_graph(model, expand_nested)
    dot = pydot.Cluster(style="dashed", graph_name=model.name) if subgraph else None
    if dot is None:
        dot = pydot.Dot()
        dot.set("rankdir", rankdir)
        dot.set("dpi", dpi)
        dot.set("splines", splines)
    clusters = {
        name: pydot.Cluster(name, label=name, style="dashed") for name in graph.clusters
    }
    for box in graph.boxes:
        label = "\n".join(
            box_lines(
                box.layer,
                show_shapes,
                show_dtype,
                show_layer_names,
                show_layer_activations,
                show_trainable,
            )
        )
        node = pydot.Node(str(box.key), label=label, shape="record")
        (clusters[box.cluster] if box.cluster else dot).add_node(node)
    for cluster in clusters.values():
        dot.add_subgraph(cluster)
    for a, b in graph.edges:
        dot.add_edge(pydot.Edge(str(a), str(b)))
    return dot
