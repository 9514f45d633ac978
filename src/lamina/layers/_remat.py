"""The layers' side of `RematScope`: which call of a layer is rematerialized.

`Layer.__init__` stores the innermost scope's settings as `_remat_mode`
(None outside any scope); `Layer.forward` sends a layer with settings here,
so layers made outside every scope pay one attribute test per call.

The rules, per mode (Keras 3's):
- `"full"`: the whole `call`.
- `"activations"`: only `self.activation`, for layers that have one.
- `"larger_than"`: the whole `call` when the outputs hold more than
  `output_size_threshold` elements (found on meta tensors, once per input shape).
- `"list_of_layers"`: the whole `call` when the layer's name is listed.
"""

from __future__ import annotations

import math
from typing import Any

import torch

from lamina.backend._remat import _on_meta, remat, remat_with_state
from lamina.layers import _symbolic
from lamina.ops._keras_tensor import KerasTensor


def rematerialized_call(layer: Any, args: tuple, kwargs: dict) -> Any:
    """`layer.call(*args, **kwargs)`, rematerialized as `layer._remat_mode` says."""
    if not torch.is_grad_enabled() or _on_meta(args, kwargs):
        return layer.call(*args, **kwargs)  # nothing is kept for a backward pass
    settings = layer._remat_mode
    mode = settings.mode
    if mode == "activations":
        return _call_with_remat_activation(layer, args, kwargs)
    if mode == "full" or (
        mode == "list_of_layers" and layer.name in settings.layer_names
    ):
        return _remat_call(layer)(*args, **kwargs)
    if mode == "larger_than" and (
        _output_size(layer, args, kwargs) > settings.output_size_threshold
    ):
        return _remat_call(layer)(*args, **kwargs)
    return layer.call(*args, **kwargs)


def _remat_call(layer: Any) -> Any:
    return remat_with_state(layer.call, lambda: _state_holders(layer))


def _state_holders(layer: torch.nn.Module) -> tuple:
    """What `call` may read and change besides its inputs: the buffers (moving
    statistics) and the random generators of the layer and its sublayers."""
    holders: list = list(layer.buffers())
    for module in layer.modules():
        for value in vars(module).values():
            if isinstance(value, torch.Generator) or (
                type(value).__name__ == "SeedGenerator" and hasattr(value, "_state")
            ):
                holders.append(value)
    return tuple(holders)


def _call_with_remat_activation(layer: Any, args: tuple, kwargs: dict) -> Any:
    activation = getattr(layer, "activation", None)
    if activation is None:
        return layer.call(*args, **kwargs)
    saved = layer.__dict__.get("activation", _MISSING)
    # In the instance dict it shadows a sublayer activation too (a module).
    layer.__dict__["activation"] = remat(activation)
    try:
        return layer.call(*args, **kwargs)
    finally:
        if saved is _MISSING:
            del layer.__dict__["activation"]
        else:
            layer.__dict__["activation"] = saved


_MISSING = object()


_MAX_SHAPES = 64  # input shapes whose output sizes a layer remembers


def _output_size(layer: Any, args: tuple, kwargs: dict) -> int:
    """Elements in the outputs of `layer(*args, **kwargs)`, batch included."""
    signature = tuple(
        (tuple(x.shape), x.dtype) if isinstance(x, torch.Tensor) else None
        for x in _symbolic.flatten((args, kwargs))
    )
    cache = layer.__dict__.setdefault("_remat_output_sizes", {})
    if signature not in cache:
        if len(cache) >= _MAX_SHAPES:  # many lengths (text): start afresh
            cache.clear()
        specs = _symbolic.map_structure(_as_spec, (args, kwargs))
        outputs = _symbolic.meta_call(layer, specs[0], specs[1])
        cache[signature] = sum(
            math.prod(d or 1 for d in t.shape)
            for t in _symbolic.flatten(outputs)
            if _symbolic.is_symbolic(t)
        )
    return cache[signature]


def _as_spec(x: Any) -> Any:
    if isinstance(x, torch.Tensor):
        return KerasTensor(tuple(x.shape), dtype=str(x.dtype).replace("torch.", ""))
    return x
