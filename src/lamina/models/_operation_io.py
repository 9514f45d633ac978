"""Operation nodes (`x + y`, `x[:, 0]`, `ops.mean(x)`) in a functional config,
written as Keras 3 writes them.

Keras lists each operation among the model's "layers": module
`keras.src.ops.numpy` (or `.nn`, `.core`, `.math`), class name `Add`,
`GetItem`, `Mean`, ...; its config holds the name and the non-tensor
parameters (`axis`, `keepdims`); its one inbound node holds the tensor
arguments and constants (`x * 2.0`). A slice in a `GetItem` key is written as
`__slice__`, `...` as `__ellipsis__`.
"""

from __future__ import annotations

import functools
import inspect
import re
from typing import Any

import numpy as np

from lamina import backend
from lamina.ops import _operation
from lamina.ops._operation import Operation

# Keras class name -> (module, lamina.ops function, its tensor parameters,
# its config parameters). The config parameters are the Keras class's
# constructor arguments besides `name`; lamina's function takes them by name.
_N, _NN, _CORE, _MATH = (
    "keras.src.ops.numpy",
    "keras.src.ops.nn",
    "keras.src.ops.core",
    "keras.src.ops.math",
)
_BINARY = (("x1", "x2"), ())
_UNARY = (("x",), ())
_SPECS: dict[str, tuple[str, str, tuple[str, ...], tuple[str, ...]]] = {
    **{
        cls: (_N, fn, *_BINARY)
        for cls, fn in {
            "Add": "add",
            "Subtract": "subtract",
            "Multiply": "multiply",
            "Divide": "divide",
            "TrueDivide": "true_divide",
            "FloorDivide": "floor_divide",
            "Mod": "mod",
            "Power": "power",
            "Less": "less",
            "LessEqual": "less_equal",
            "Greater": "greater",
            "GreaterEqual": "greater_equal",
            "Equal": "equal",
            "NotEqual": "not_equal",
            "LogicalAnd": "logical_and",
            "LogicalOr": "logical_or",
            "LogicalXor": "logical_xor",
            "Matmul": "matmul",
            "Maximum": "maximum",
            "Minimum": "minimum",
        }.items()
    },
    **{
        cls: (_N, fn, *_UNARY)
        for cls, fn in {
            "Negative": "negative",
            "Absolute": "absolute",
            "LogicalNot": "logical_not",
            "Sqrt": "sqrt",
            "Exp": "exp",
            "Log": "log",
            "Tanh": "tanh",
            "Square": "square",
            "Sign": "sign",
        }.items()
    },
    **{
        cls: (_NN, fn, *_UNARY)
        for cls, fn in {
            "Relu": "relu",
            "Relu6": "relu6",
            "Sigmoid": "sigmoid",
            "Silu": "silu",
            "HardSigmoid": "hard_sigmoid",
            "HardSilu": "hard_silu",
            "Softplus": "softplus",
        }.items()
    },
    "Softmax": (_NN, "softmax", ("x",), ("axis",)),
    "LogSoftmax": (_NN, "log_softmax", ("x",), ("axis",)),
    "Gelu": (_NN, "gelu", ("x",), ("approximate",)),
    "Rsqrt": (_MATH, "rsqrt", ("x",), ()),
    "Erf": (_MATH, "erf", ("x",), ()),
    "Cast": (_CORE, "cast", ("x",), ("dtype",)),
    "Round": (_N, "round", ("x",), ("decimals",)),
    "Concatenate": (_N, "concatenate", ("xs",), ("axis",)),
    "Stack": (_N, "stack", ("x",), ("axis",)),
    "Reshape": (_N, "reshape", ("x",), ("newshape",)),
    "Transpose": (_N, "transpose", ("x",), ("axes",)),
    "Mean": (_N, "mean", ("x",), ("axis", "keepdims")),
    "Sum": (_N, "sum", ("x",), ("axis", "keepdims")),
    "Max": (_N, "max", ("x",), ("axis", "keepdims", "initial")),
    "Min": (_N, "min", ("x",), ("axis", "keepdims", "initial")),
    "ExpandDims": (_N, "expand_dims", ("x",), ("axis",)),
    "Squeeze": (_N, "squeeze", ("x",), ("axis",)),
    "Clip": (_N, "clip", ("x",), ("x_min", "x_max")),
    "Where": (_N, "where", ("condition", "x1", "x2"), ()),
    "Split": (_N, "split", ("x",), ("indices_or_sections", "axis")),
    **{
        cls: (module, fn, tuple(call.split()), tuple(params.split()))
        for cls, module, fn, call, params in (
            ("Tile", _N, "tile", "x", "repeats"),
            ("Repeat", _N, "repeat", "x", "repeats axis"),
            ("Argmax", _N, "argmax", "x", "axis keepdims"),
            ("Argmin", _N, "argmin", "x", "axis keepdims"),
            ("Cumsum", _N, "cumsum", "x", "axis dtype"),
            ("Cumprod", _N, "cumprod", "x", "axis dtype"),
            ("Std", _N, "std", "x", "axis keepdims"),
            ("Var", _N, "var", "x", "axis keepdims"),
            ("Prod", _N, "prod", "x", "axis keepdims dtype"),
            ("Any", _N, "any", "x", "axis keepdims"),
            ("All", _N, "all", "x", "axis keepdims"),
            ("ZerosLike", _N, "zeros_like", "x", "dtype"),
            ("OnesLike", _N, "ones_like", "x", "dtype"),
            ("FullLike", _N, "full_like", "x fill_value", "dtype"),
            ("Reciprocal", _N, "reciprocal", "x", ""),
            ("Floor", _N, "floor", "x", ""),
            ("Ceil", _N, "ceil", "x", ""),
            ("Cos", _N, "cos", "x", ""),
            ("Sin", _N, "sin", "x", ""),
            ("Log1p", _N, "log1p", "x", ""),
            ("Expm1", _N, "expm1", "x", ""),
            ("Flip", _N, "flip", "x", "axis"),
            ("Roll", _N, "roll", "x", "shift axis"),
            ("Sort", _N, "sort", "x", "axis"),
            ("Argsort", _N, "argsort", "x", "axis"),
            ("Take", _N, "take", "x indices", "axis"),
            ("TakeAlongAxis", _N, "take_along_axis", "x indices", "axis"),
            ("Swapaxes", _N, "swapaxes", "x", "axis1 axis2"),
            ("Tril", _N, "tril", "x", "k"),
            ("Triu", _N, "triu", "x", "k"),
            ("Dot", _N, "dot", "x1 x2", ""),
            ("Tensordot", _N, "tensordot", "x1 x2", "axes"),
            ("Pad", _N, "pad", "x =constant_values", "pad_width mode"),
            ("Elu", _NN, "elu", "x", "alpha"),
            ("LeakyRelu", _NN, "leaky_relu", "x", "negative_slope"),
            ("Selu", _NN, "selu", "x", ""),
            ("Softsign", _NN, "softsign", "x", ""),
            ("LogSigmoid", _NN, "log_sigmoid", "x", ""),
            ("OneHot", _NN, "one_hot", "x", "num_classes axis dtype sparse"),
            ("StopGradient", _CORE, "stop_gradient", "variable", ""),
            ("Logsumexp", _MATH, "logsumexp", "x", "axis keepdims"),
            ("TopK", _MATH, "top_k", "x", "k sorted"),
            (
                "Resize",
                "keras.src.ops.image",
                "resize",
                "images",
                "size interpolation antialias crop_to_aspect_ratio "
                "pad_to_aspect_ratio fill_mode fill_value data_format",
            ),
        )
    },
    "Einsum": (_N, "einsum", ("*operands",), ("subscripts",)),
    "GetItem": (_N, "getitem", ("x", "key"), ()),
}
# Names Keras reads but does not write for these functions.
_ALIASES = {"Abs": "Absolute"}
# lamina.ops function name -> Keras class name, for writing.
_CLASS_OF = {spec[1]: cls for cls, spec in _SPECS.items()}
_CLASS_OF["abs"] = "Absolute"


def is_operation_entry(entry: dict) -> bool:
    """Whether a config entry of "layers" is an operation (`keras.src.ops.*`)."""
    module = entry.get("module") or ""
    return module.startswith(("keras.src.ops", "keras.ops"))


def _raw_name(op: Operation) -> str | None:
    fn = op.fn
    if fn is _operation._getitem:
        return "getitem"
    for name, raw in _operation._RAW.items():
        if raw is fn:
            return name
    return None


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def operation_class(op: Any) -> str:
    """The Keras class name of a recorded operation.

    Raises:
        NotImplementedError: for an operation outside `_SPECS` (a torch
            function such as `torch.relu`), naming it.
    """
    saved = getattr(op, "_keras_class", None)
    if saved is not None:
        return saved
    raw = _raw_name(op) if isinstance(op, Operation) else None
    if raw not in _CLASS_OF:
        name = getattr(op, "name", repr(op))
        raise NotImplementedError(
            f"The operation `{name}` on symbolic tensors cannot be written to a "
            "model config: lamina writes these operations: "
            f"{sorted(_CLASS_OF)}. Use a layer (`layers.Add()`, "
            "`layers.Activation`) or put the computation in a custom layer."
        )
    return _CLASS_OF[raw]


def default_name(op: Any) -> str:
    """Keras's base name for an operation: its class name in snake case."""
    return _snake(operation_class(op))


def serialize_node(op: Any, node: Any) -> tuple[dict, list, dict]:
    """(config params, args, kwargs) of one call of an operation, in Keras's
    split: tensors and constants in the call, parameters in the config."""
    saved = getattr(op, "_keras_params", None)
    if saved is not None:  # rebuilt from a config: called as Keras calls it
        return dict(saved), list(node.args), dict(node.kwargs)
    cls = operation_class(op)
    _, fn_name, tensor_params, config_params = _SPECS[cls]
    if fn_name == "getitem":
        return {}, [node.args[0], node.args[1]], {}
    raw = _operation._RAW[_raw_name(op) or fn_name]
    try:
        bound = inspect.signature(raw).bind(*node.args, **node.kwargs)
    except TypeError as err:
        raise NotImplementedError(
            f"The call of operation `{op.name}` cannot be written to a config: {err}."
        ) from err
    bound.apply_defaults()
    params = {p: bound.arguments.get(p) for p in config_params}
    if "dtype" in params and params["dtype"] is not None:
        params["dtype"] = backend.standardize_dtype(params["dtype"])
    if tensor_params == ("*operands",):
        return params, list(bound.arguments.get("operands", ())), {}
    args = [bound.arguments.get(p) for p in tensor_params if p[0] != "="]
    # `=name`: passed by keyword, as Keras calls the operation.
    kwargs = {p[1:]: bound.arguments.get(p[1:]) for p in tensor_params if p[0] == "="}
    return params, args, kwargs


def serialize_value(x: Any) -> Any:
    """A constant argument: slices, `...` and tuples as Keras writes them."""
    if isinstance(x, slice):
        return {
            "class_name": "__slice__",
            "config": {"start": x.start, "stop": x.stop, "step": x.step},
        }
    if x is Ellipsis:
        return {"class_name": "__ellipsis__", "config": {}}
    if isinstance(x, (list, tuple)):
        return [serialize_value(v) for v in x]
    if isinstance(x, dict) and "class_name" not in x:
        return {k: serialize_value(v) for k, v in x.items()}
    if isinstance(x, np.ndarray) and x.ndim:
        return {
            "class_name": "__numpy__",
            "config": {"value": x.tolist(), "dtype": str(x.dtype)},
        }
    if hasattr(x, "item") and getattr(x, "ndim", None) == 0:
        return x.item()  # a numpy or torch scalar
    return x


def deserialize_value(x: Any) -> Any:
    """Inverse of `serialize_value` (tensors are already resolved)."""
    if isinstance(x, dict) and x.get("class_name") == "__slice__":
        c = x["config"]
        return slice(c.get("start"), c.get("stop"), c.get("step"))
    if isinstance(x, dict) and x.get("class_name") == "__ellipsis__":
        return Ellipsis
    if isinstance(x, dict) and x.get("class_name") == "__numpy__":
        return np.asarray(x["config"]["value"], dtype=x["config"]["dtype"])
    if isinstance(x, list):
        return [deserialize_value(v) for v in x]
    return x


def _getitem_key(x: Any, key: Any) -> Any:
    if isinstance(key, list):
        key = tuple(key)  # Keras writes a tuple key as a list
    return x[key]


def operation_from_entry(entry: dict) -> Operation:
    """The operation of one config entry, ready to be called on the tensors of
    its inbound node.

    Raises:
        ValueError: for an operation class lamina does not know, or a
            parameter its lamina function does not take, naming them.
    """
    cls = entry["class_name"]
    cls = _ALIASES.get(cls, cls)
    config = dict(entry.get("config") or {})
    name = config.pop("name", None) or entry.get("name") or _snake(cls)
    if cls not in _SPECS:
        raise ValueError(
            f"Unknown operation '{entry['class_name']}' (module "
            f"'{entry.get('module')}', name '{name}') in the model config: lamina "
            f"reads these operations: {sorted(_SPECS)}."
        )
    fn_name, params = _SPECS[cls][1], _SPECS[cls][3]
    unknown = sorted(set(config) - set(params))
    if unknown:
        raise ValueError(
            f"Operation '{name}' ({cls}) in the model config has parameters "
            f"{unknown} that lamina's `ops.{fn_name}` does not take; it takes "
            f"{list(params)}."
        )
    config = {k: deserialize_value(v) for k, v in config.items()}
    if fn_name == "getitem":
        fn: Any = _getitem_key
    elif fn_name == "einsum":
        fn = functools.partial(_operation._RAW[fn_name], config.get("subscripts"))
    else:
        fn = functools.partial(_operation._RAW[fn_name], **config)
    op = Operation(_Deserialized(fn), name)
    op._keras_class = cls  # type: ignore[attr-defined]
    op._keras_params = config  # type: ignore[attr-defined]
    return op


class _Deserialized:
    """Runs an operation rebuilt from a config, with its constants restored."""

    def __init__(self, fn: Any) -> None:
        self.fn = fn
        self.__name__ = getattr(fn, "__name__", "operation")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        args = tuple(deserialize_value(a) for a in args)
        return self.fn(*args, **kwargs)
