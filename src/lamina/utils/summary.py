"""`model.summary()`: Keras's table of layers, output shapes and parameter counts."""

from __future__ import annotations

import re
from typing import Any

_WIDTHS = (33, 24, 15)


def readable_size(num_bytes: float) -> str:
    """`124.00 B`, `1.56 KB`, `3.20 MB` (powers of 1024), as Keras prints sizes."""
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if num_bytes < 1024 or unit == "TB":
            return f"{num_bytes:.2f} {unit}"
        num_bytes /= 1024
    return f"{num_bytes:.2f} TB"


def _row(cells: tuple[str, ...], edge: str, sep: str, widths: tuple[int, ...]) -> str:
    parts = []
    for i, (cell, w) in enumerate(zip(cells, widths)):
        text = cell[: w - 2]
        parts.append(
            " "
            + (text.rjust(w - 2) if i == len(widths) - 1 else text.ljust(w - 2))
            + " "
        )
    return edge + sep.join(parts) + edge


def _rule(left: str, fill: str, mid: str, right: str, widths: tuple[int, ...]) -> str:
    return left + mid.join(fill * w for w in widths) + right


def _pick_range(layers: list, layer_range: Any) -> list:
    """The layers from the first whose name matches `layer_range[0]` to the last
    whose name matches `layer_range[1]` (regular expressions matched at the
    start of the name, as Keras does), inclusive."""
    if layer_range is None:
        return layers
    if not isinstance(layer_range, (list, tuple)) or len(layer_range) != 2:
        raise ValueError(
            "`layer_range` must be a list or tuple of 2 layer names (the first and "
            f"the last layer to show). Received: layer_range={layer_range!r}"
        )
    names = [getattr(layer, "name", "") for layer in layers]
    ends = []
    for end in layer_range:
        if not isinstance(end, str):
            raise ValueError(
                f"`layer_range` must hold layer names (strings). Received: {end!r}"
            )
        found = [i for i, n in enumerate(names) if re.match(end, n)]
        if not found:
            raise ValueError(
                f"Passed `layer_range` has a name that matches no layer: {end!r}. "
                f"The model's layers are {names}."
            )
        ends.append(found)
    if min(ends[0]) > max(ends[1]):  # given in reverse order: Keras swaps them
        return layers[min(ends[1]) : max(ends[0]) + 1]
    return layers[min(ends[0]) : max(ends[1]) + 1]


def _layer_rows(
    model: Any, layer_range: Any = None, expand_nested: bool = False, depth: int = 0
) -> list[tuple[str, str, str]]:
    from lamina.layers.core.input_layer import InputLayer

    rows = []
    shapes = getattr(model, "_output_shapes", {})
    layers = _pick_range(list(model.layers), layer_range)
    if depth and layers and isinstance(layers[0], InputLayer):
        layers = layers[1:]  # a nested model's input is its parent's row
    indent = "   " * depth + "└ " if depth else ""
    for layer in layers:
        name = getattr(layer, "name", type(layer).__name__)
        if isinstance(layer, InputLayer):
            shape: Any = layer.batch_shape
        elif name in shapes:
            shape = shapes[name]
        else:
            nodes = getattr(layer, "_inbound_nodes", [])
            shape = _node_shape(nodes[-1].outputs) if nodes else "?"
        built = getattr(layer, "built", True)
        count = _count(layer) if built else "0 (unbuilt)"
        rows.append(
            (
                f"{indent}{name} ({type(layer).__name__})",
                _fmt_shape(shape),
                f"{count:,}" if isinstance(count, int) else count,
            )
        )
        if expand_nested and hasattr(layer, "layers") and hasattr(layer, "summary"):
            rows.extend(_layer_rows(layer, None, True, depth + 1))
    return rows


def _widths_from_positions(positions: Any, line_length: int | None) -> tuple:
    """Column widths from Keras's `positions`: the right edge of each column,
    as fractions of the line (all <= 1) or as characters."""
    total = line_length or sum(_WIDTHS) + 4
    edges = [float(p) for p in positions][: len(_WIDTHS)]
    if len(edges) < len(_WIDTHS) or any(b <= a for a, b in zip(edges, edges[1:])):
        raise ValueError(
            f"`positions` must give {len(_WIDTHS)} increasing column edges "
            f"(fractions of the line, or characters). Received: positions={positions}"
        )
    if edges[-1] <= 1:
        edges = [e * total for e in edges]
    spans = [b - a for a, b in zip([0.0, *edges], edges)]
    room = max(int(round(edges[-1])) - len(_WIDTHS) - 1, 3 * len(_WIDTHS))
    raw = [room * s / sum(spans) for s in spans]
    widths = [int(r) for r in raw]
    for i in sorted(range(len(raw)), key=lambda i: widths[i] - raw[i])[
        : room - sum(widths)
    ]:
        widths[i] += 1  # the largest remainders get the leftover characters
    return tuple(max(w, 3) for w in widths)


def _count(layer: Any) -> int:
    if hasattr(layer, "weights"):
        return int(sum(w.numel() for w in layer.weights))
    return int(sum(p.numel() for p in layer.parameters()))


def _node_shape(outputs: Any) -> Any:
    if isinstance(outputs, (list, tuple)):
        return [_node_shape(o) for o in outputs]
    return getattr(outputs, "shape", "?")


def _fmt_shape(shape: Any) -> str:
    if isinstance(shape, list):
        return "[" + ", ".join(_fmt_shape(s) for s in shape) + "]"
    if isinstance(shape, tuple):
        inner = ", ".join("None" if d is None else str(d) for d in shape)
        return f"({inner},)" if len(shape) == 1 else f"({inner})"
    return str(shape)


def print_summary(
    model: Any,
    line_length: int | None = None,
    print_fn: Any = None,
    show_trainable: bool = False,
    positions: Any = None,
    expand_nested: bool = False,
    layer_range: Any = None,
) -> None:
    """Prints the summary table of `model` with `print_fn` (default `print`).

    Args:
        positions: the right edge of each column, as fractions of the line or
            in characters.
        expand_nested: also list the layers of nested models, indented.
        layer_range: `[first_name, last_name]`: only the layers between them
            (regular expressions matched at the start of the names, as Keras).
    """
    widths = _WIDTHS
    if positions is not None:
        widths = _widths_from_positions(positions, line_length)
    elif line_length is not None and line_length > sum(_WIDTHS) + 4:
        extra = line_length - sum(_WIDTHS) - 4
        widths = (_WIDTHS[0] + extra, *_WIDTHS[1:])
    lines = [f'Model: "{model.name}"']
    lines.append(_rule("┏", "━", "┳", "┓", widths))
    lines.append(_row(("Layer (type)", "Output Shape", "Param #"), "┃", "┃", widths))
    lines.append(_rule("┡", "━", "╇", "┩", widths))
    rows = _layer_rows(model, layer_range, expand_nested)
    for i, row in enumerate(rows):
        lines.append(_row(row, "│", "│", widths))
        if i < len(rows) - 1:
            lines.append(_rule("├", "─", "┼", "┤", widths))
    lines.append(_rule("└", "─", "┴", "┘", widths))
    weights = model.weights if model.built else []
    trainable = sum(w.numel() for w in model.trainable_weights) if model.built else 0
    total = sum(w.numel() for w in weights)
    total_bytes = sum(w.numel() * w.element_size() for w in weights)
    train_bytes = (
        sum(w.numel() * w.element_size() for w in model.trainable_weights)
        if model.built
        else 0
    )
    lines.append(f" Total params: {total:,} ({readable_size(total_bytes)})")
    lines.append(f" Trainable params: {trainable:,} ({readable_size(train_bytes)})")
    lines.append(
        f" Non-trainable params: {total - trainable:,} "
        f"({readable_size(total_bytes - train_bytes)})"
    )
    emit = print_fn or print
    if print_fn is None:
        print("\n".join(lines))
    else:
        for line in lines:
            emit(line)
