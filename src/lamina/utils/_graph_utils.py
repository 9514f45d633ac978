"""`is_keras_tensor` and `get_source_inputs`: walking the symbolic graph."""

from __future__ import annotations

from typing import Any

from lamina.backend import is_keras_tensor


def get_source_inputs(tensor: Any) -> list:
    """The `Input` tensors that `tensor` was computed from, in first-seen order.

    Args:
        tensor: a `KerasTensor`.

    Returns:
        A list of KerasTensors; `[tensor]` for an input itself.

    Raises:
        ValueError: when `tensor` is not a KerasTensor.
    """
    if not is_keras_tensor(tensor):
        raise ValueError(
            "`get_source_inputs` takes a KerasTensor (the output of `keras.Input` "
            f"or of a layer called on one). Received: {tensor!r}"
        )
    found: list = []
    seen: set[int] = set()
    stack = [tensor]
    while stack:
        t = stack.pop()
        if id(t) in seen:
            continue
        seen.add(id(t))
        parents = list(getattr(t.node, "parents", None) or [])
        if not parents:
            found.append(t)
        stack.extend(reversed(parents))
    return found
