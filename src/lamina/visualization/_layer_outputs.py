"""`layer_outputs`: what every layer of a model makes of some data, in order.

Forward hooks record each layer's output during one ordinary call of the model,
so it works the same for Sequential, functional, nested and subclassed models,
and for models built on data as well as on `Input()`. No second model is built.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import torch


class LayerOutput(NamedTuple):
    """One layer's output: its name, class, output shape and values (numpy)."""

    name: str
    class_name: str
    shape: tuple
    output: Any
    layer: Any


def _to_numpy(value: Any) -> Any:
    if isinstance(value, torch.Tensor):
        return value.detach().float().cpu().numpy()
    if isinstance(value, (list, tuple)):
        return [_to_numpy(v) for v in value]
    if isinstance(value, dict):
        return {k: _to_numpy(v) for k, v in value.items()}
    return value


def _shape(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return tuple(value.shape)
    if isinstance(value, list):
        return [_shape(v) for v in value]
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items()}
    return None


def _watched_layers(model: Any, expand_nested: bool) -> list:
    """The layers to record: the model's own, or every leaf layer when
    `expand_nested` is set (a nested model is then opened up)."""
    from lamina.layers.core.input_layer import InputLayer

    layers = [m for m in getattr(model, "layers", []) if not isinstance(m, InputLayer)]
    if not expand_nested:
        return layers
    out = []
    for layer in layers:
        inner = getattr(layer, "layers", None)
        if inner:
            out.extend(_watched_layers(layer, True))
        else:
            out.append(layer)
    return out


def _as_input(model: Any, x: Any) -> Any:
    if isinstance(x, (torch.Tensor, dict)):
        return x
    if isinstance(x, (list, tuple)) and len(getattr(model, "inputs", None) or []) > 1:
        return [_as_input(model, v) for v in x]
    arr = np.asarray(x)
    if arr.dtype == np.float64:
        arr = arr.astype("float32")
    return torch.as_tensor(arr)


def layer_outputs(
    model: Any, x: Any, training: bool = False, expand_nested: bool = False
) -> list[LayerOutput]:
    """Runs `model` on `x` once and returns every layer's output, in call order.

    This is the "watch the layers transform the data" view: the same numbers a
    feature-extractor model (`Model(model.inputs, [l.output for l in
    model.layers])`) gives, without building one, for any kind of model.

    Args:
        model: a built lamina model (Sequential, functional or subclassed).
        x: input data, as `model.predict` takes it (arrays, tensors, a list or
            dict for several inputs).
        training: run in training mode (dropout and noise active). Default
            False, inference mode, as `predict` does.
        expand_nested: record the layers inside nested models instead of the
            nested model's output as a whole.

    Returns:
        A list of `LayerOutput(name, class_name, shape, output, layer)`, one per
        layer call, with `output` as numpy. A layer called twice (a shared
        layer) appears twice, the second time named `"<name>:1"`.

    Example:
    >>> import lamina
    >>> model = lamina.Sequential([lamina.layers.Dense(4, input_shape=(2,)),
    ...                            lamina.layers.Dense(1)])
    >>> [(o.name, o.shape) for o in layer_outputs(model, np.zeros((3, 2)))]
    [('dense', (3, 4)), ('dense_1', (3, 1))]
    """
    layers = _watched_layers(model, expand_nested)
    if not layers:
        raise ValueError(
            f"Model '{getattr(model, 'name', model)}' has no layers to watch. "
            "Add layers to it first."
        )
    records: list[LayerOutput] = []
    calls: dict[int, int] = {}

    def hook_for(layer: Any) -> Any:
        def hook(module: Any, args: Any, output: Any) -> None:
            n = calls.get(id(module), 0)
            calls[id(module)] = n + 1
            name = layer.name if n == 0 else f"{layer.name}:{n}"
            values = _to_numpy(output)
            records.append(
                LayerOutput(name, type(layer).__name__, _shape(values), values, layer)
            )

        return hook

    handles = [layer.register_forward_hook(hook_for(layer)) for layer in layers]
    was_training = model.training
    try:
        model.train(bool(training))
        with torch.no_grad():
            model(_as_input(model, x), training=bool(training))
    finally:
        model.train(was_training)
        for handle in handles:
            handle.remove()
    return records
