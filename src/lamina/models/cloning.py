"""`clone_model`: the same architecture with new layers (and new weights)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lamina.layers._symbolic import flatten
from lamina.layers.base import Layer
from lamina.layers.core.input_layer import InputLayer
from lamina.models.functional import Functional
from lamina.models.functional_config import functional_from_config
from lamina.models.model import Model
from lamina.models.sequential import Sequential


def _default_clone(layer: Layer) -> Layer:
    """A new layer from the config: same hyperparameters, fresh weights."""
    return type(layer).from_config(layer.get_config())


def clone_model(
    model: Any,
    input_tensors: Any = None,
    clone_function: Callable[[Layer], Layer] | None = None,
    call_function: Any = None,
    recursive: bool = False,
    **kwargs: Any,
) -> Any:
    """Returns a copy of a `Sequential` or functional model with new layers.

    The copy has newly initialized weights (use `set_weights` to copy them).

    Args:
        model: the model to clone.
        input_tensors: `Input()` tensors to build the copy on (a tensor or a
            list, one per model input), instead of new inputs.
        clone_function: makes each new layer from an old one; the default
            rebuilds it from its config. Returning the old layer shares it.
        call_function: not supported; must be `None`.
        recursive: also clone nested models with `clone_function`.

    Returns:
        The new model.

    Raises:
        ValueError: for a subclassed model with `input_tensors` or
            `clone_function`, or for `call_function`.

    Example:
    >>> import lamina
    >>> model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(2)])
    >>> copy = lamina.models.clone_model(model)
    >>> copy.layers[0] is model.layers[0], copy.output_shape
    (False, (None, 2))
    """
    if call_function is not None:
        raise ValueError(
            "`call_function` is not supported by lamina's `clone_model`. "
            f"Received: call_function={call_function!r}"
        )
    clone = clone_function or _default_clone

    def make(layer: Layer) -> Layer:
        if recursive and isinstance(layer, (Sequential, Functional)):
            return clone_model(layer, clone_function=clone_function, recursive=True)
        return clone(layer)

    if isinstance(model, Sequential):
        return _clone_sequential(model, input_tensors, make)
    if isinstance(model, Functional):
        return _clone_functional(model, input_tensors, make)
    if input_tensors is not None or clone_function is not None:
        raise ValueError(
            "Arguments `clone_function` and `input_tensors` are only supported "
            "for Sequential models or Functional models. Received model of type "
            f"'{type(model).__name__}', with clone_function={clone_function} and "
            f"input_tensors={input_tensors}"
        )
    return type(model).from_config(model.get_config())


def _clone_sequential(model: Sequential, input_tensors: Any, make: Any) -> Model:
    layers = [make(layer) for layer in model.layers]
    if input_tensors is not None:
        tensors = flatten(input_tensors)
        if len(tensors) != 1:
            raise ValueError(
                "A Sequential model takes one input tensor. Received "
                f"{len(tensors)} `input_tensors`."
            )
        x = tensors[0]
        for layer in layers:
            x = layer(x)
        return Functional(tensors[0], x, name=model.name)
    copy = Sequential(name=model.name, trainable=model.trainable)
    input_layer = model.__dict__.get("_input_layer")
    if input_layer is not None:
        copy.add(type(input_layer).from_config(input_layer.get_config()))
    for layer in layers:
        copy.add(layer, rebuild=False)
    copy._maybe_build_from_input()
    return copy


def _clone_functional(model: Functional, input_tensors: Any, make: Any) -> Functional:
    by_name = {layer.name: layer for layer in model.layers}
    config = model.get_config()

    def make_layer(entry: dict) -> Layer:
        layer = by_name[entry.get("name") or entry["config"]["name"]]
        if isinstance(layer, InputLayer):
            return type(layer).from_config(layer.get_config())
        return make(layer)

    tensors = None if input_tensors is None else flatten(input_tensors)
    return functional_from_config(config, make_layer=make_layer, input_tensors=tensors)
