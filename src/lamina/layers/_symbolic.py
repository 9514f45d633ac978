"""Symbolic layer calls: a layer called on `KerasTensor`s records a `Node` and
returns KerasTensors whose shapes come from running the layer on `meta`
tensors (or on a small real batch where meta cannot serve), so layers need no
shape code of their own. The machinery lives in `lamina.ops` (the bottom
floor), so `ops` functions and operators on KerasTensors use it too.
"""

from __future__ import annotations

from typing import Any

import torch

from lamina.ops._keras_tensor import (
    KerasTensor,
    Node,
    any_symbolic,
    flatten,
    is_symbolic,
    map_structure,
)
from lamina.ops._symbolic_eval import in_meta_run, real_computation, symbolic_outputs

__all__ = [
    "KerasTensor",
    "Node",
    "any_symbolic",
    "compute_output_spec",
    "flatten",
    "in_meta_run",
    "is_symbolic",
    "map_structure",
    "meta_call",
    "real_computation",
]


def _forget_probe_losses(layer: Any) -> None:
    """Losses that sublayers added during the probe runs are not real ones."""
    if isinstance(layer, torch.nn.Module):
        for module in layer.modules():
            losses = module.__dict__.get("_call_losses")
            if losses:
                losses.clear()


def meta_call(layer: Any, args: tuple, kwargs: dict) -> Any:
    """KerasTensors for the outputs of `layer(*args, **kwargs)`, whose
    arguments hold KerasTensors. The layer must be built."""
    name = getattr(layer, "name", type(layer).__name__)
    weights_device = getattr(layer, "_weight_device", None)
    try:
        return symbolic_outputs(
            layer,
            args,
            kwargs,
            module=layer,
            what=f"{type(layer).__name__}.call() of layer '{name}'",
            device=weights_device() if weights_device else None,
        )
    finally:
        _forget_probe_losses(layer)


def compute_output_spec(layer: Any, input_shape: Any) -> Any:
    """Output shape(s) of `layer` for `input_shape`, computed on meta tensors."""
    if (
        isinstance(input_shape, (list, tuple))
        and input_shape
        and isinstance(input_shape[0], (list, tuple))
    ):
        inputs: Any = [KerasTensor(tuple(s)) for s in input_shape]
    else:
        inputs = KerasTensor(tuple(input_shape))
    if not layer.built:
        layer._maybe_build((inputs,), {})
    out = meta_call(layer, (inputs,), {})
    return map_structure(lambda t: t.shape if is_symbolic(t) else t, out)
