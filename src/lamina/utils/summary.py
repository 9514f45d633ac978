"""`model.summary()`: Keras's table of layers, output shapes and parameter counts."""

from __future__ import annotations

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


def _layer_rows(model: Any) -> list[tuple[str, str, str]]:
    from lamina.layers.core.input_layer import InputLayer

    rows = []
    shapes = getattr(model, "_output_shapes", {})
    layers = model.layers
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
                f"{name} ({type(layer).__name__})",
                _fmt_shape(shape),
                f"{count:,}" if isinstance(count, int) else count,
            )
        )
    return rows


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
) -> None:
    """Prints the summary table of `model` with `print_fn` (default `print`)."""
    widths = _WIDTHS
    if line_length is not None and line_length > sum(_WIDTHS) + 4:
        extra = line_length - sum(_WIDTHS) - 4
        widths = (_WIDTHS[0] + extra, *_WIDTHS[1:])
    lines = [f'Model: "{model.name}"']
    lines.append(_rule("┏", "━", "┳", "┓", widths))
    lines.append(_row(("Layer (type)", "Output Shape", "Param #"), "┃", "┃", widths))
    lines.append(_rule("┡", "━", "╇", "┩", widths))
    rows = _layer_rows(model)
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
