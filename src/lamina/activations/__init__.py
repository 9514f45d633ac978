"""Activation functions on torch tensors, with Keras 3's names and definitions.

Use them directly (`lamina.activations.relu(x)`) or by name in a layer
(`Dense(8, activation="relu")`); `get` resolves names, `serialize` and
`deserialize` convert to and from the names stored in `.keras` files.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from lamina._identifiers import (
    deserialize_error,
    function_dict,
    get_object,
    lookup,
    object_dict,
)
from lamina.activations._normalizing import glu, log_softmax, softmax, sparsemax
from lamina.activations._rectifiers import (
    celu,
    elu,
    gelu,
    hard_shrink,
    hard_silu,
    hard_tanh,
    leaky_relu,
    mish,
    relu,
    relu6,
    selu,
    silu,
    soft_shrink,
    sparse_plus,
    squareplus,
    tanh_shrink,
    threshold,
)
from lamina.activations._squashing import (
    exponential,
    hard_sigmoid,
    linear,
    log_sigmoid,
    sigmoid,
    softplus,
    softsign,
    sparse_sigmoid,
    tanh,
)

swish = silu
hard_swish = hard_silu

_FUNCTIONS: tuple[Callable[..., Any], ...] = (
    celu, elu, exponential, gelu, glu, hard_shrink, hard_sigmoid, hard_silu,
    hard_tanh, leaky_relu, linear, log_sigmoid, log_softmax, mish, relu, relu6,
    selu, sigmoid, silu, soft_shrink, softmax, softplus, softsign, sparse_plus,
    sparse_sigmoid, sparsemax, squareplus, tanh, tanh_shrink, threshold,
)  # fmt: skip
ALL_ACTIVATIONS: dict[str, Callable[..., Any]] = {f.__name__: f for f in _FUNCTIONS}
ALL_ACTIVATIONS.update(swish=silu, hard_swish=hard_silu)
_CANONICAL = {f: f.__name__ for f in _FUNCTIONS}


def serialize(activation: Callable[..., Any]) -> str | dict[str, Any]:
    """Returns the name Keras stores for an activation.

    Built-in functions serialize to their name (`swish` to `"silu"`, as in
    Keras); other functions to Keras's `{"class_name": "function", ...}` dict.

    Args:
        activation: an activation function.

    Returns:
        A name string, or a dict for a custom function or object.
    """
    if activation in _CANONICAL:
        return _CANONICAL[activation]
    if callable(getattr(activation, "get_config", None)):
        cls = type(activation)
        return object_dict(activation, cls.__module__, cls.__name__)
    return function_dict(getattr(activation, "__name__", repr(activation)))


def deserialize(
    config: str | Mapping[str, Any],
    custom_objects: Mapping[str, Any] | None = None,
) -> Callable[..., Any]:
    """Returns the activation function for a name or serialization dict.

    Args:
        config: a name such as `"relu"`, or a dict from `serialize` or Keras.
        custom_objects: extra names mapped to functions, searched first.

    Returns:
        The activation function.

    Raises:
        ValueError: for an unknown name or a malformed dict.
    """
    table = {**ALL_ACTIVATIONS, **(custom_objects or {})}
    if isinstance(config, Mapping):
        name = config.get("class_name")
        if name == "function":
            name = config.get("config")
        elif name in table and isinstance(config.get("config"), Mapping):
            return table[name].from_config(dict(config["config"]))
        config = name
    if not isinstance(config, str):
        raise deserialize_error("activation", config)
    return lookup("activation", config, table)


def get(identifier: object) -> Callable[..., Any]:
    """Returns the activation function for a name, dict, callable or `None`.

    Args:
        identifier: `None` (gives `linear`), a name such as `"relu"`, a
            serialized dict, or a callable (returned as is).

    Returns:
        A callable activation.

    Raises:
        ValueError: for an unknown name (with close matches) or an identifier
            of another type.
    """
    expected = "a name, a dict, a callable or None"
    return get_object(
        "activation", identifier, deserialize, default=linear, expected=expected
    )


__all__ = [
    "ALL_ACTIVATIONS",
    "celu",
    "deserialize",
    "elu",
    "exponential",
    "gelu",
    "get",
    "glu",
    "hard_shrink",
    "hard_sigmoid",
    "hard_silu",
    "hard_swish",
    "hard_tanh",
    "leaky_relu",
    "linear",
    "log_sigmoid",
    "log_softmax",
    "mish",
    "relu",
    "relu6",
    "selu",
    "serialize",
    "sigmoid",
    "silu",
    "soft_shrink",
    "softmax",
    "softplus",
    "softsign",
    "sparse_plus",
    "sparse_sigmoid",
    "sparsemax",
    "squareplus",
    "swish",
    "tanh",
    "tanh_shrink",
    "threshold",
]
