"""Element-wise math: arithmetic, powers, exponentials, trigonometry, rounding.

Integer and bool inputs to float functions (`exp`, `sqrt`, `sin`, ...) are cast
to `floatx()` first, as in Keras; arithmetic follows torch's type promotion,
where Python scalars are weakly typed (`int32_tensor * 2` stays `int32`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from lamina.backend import floatx, to_torch_dtype
from lamina.ops._convert import float_tensor, pair, to_tensor

_UNARY_DOC = """{summary}

    Args:
        x: input tensor, array or number.

    Returns:
        A tensor with the shape of `x`{dtype_note}.
    """
_BINARY_DOC = """{summary}

    The inputs broadcast against each other.

    Args:
        x1: first input tensor, array or number.
        x2: second input tensor, array or number.

    Returns:
        A tensor of the broadcast shape{dtype_note}.
    """


def _unary(
    fn: Callable[[torch.Tensor], torch.Tensor], name: str, summary: str, to_float: bool
) -> Callable[[Any], torch.Tensor]:
    """Builds a public element-wise function `name(x)` from a torch function."""
    convert = float_tensor if to_float else to_tensor

    def op(x: Any) -> torch.Tensor:
        return fn(convert(x))

    note = " (integer inputs give `floatx()`)" if to_float else " and dtype of `x`"
    op.__name__ = op.__qualname__ = name
    op.__doc__ = _UNARY_DOC.format(summary=summary, dtype_note=note)
    return op


def _binary(
    fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    name: str,
    summary: str,
    to_float: bool = False,
) -> Callable[[Any, Any], torch.Tensor]:
    """Builds a public broadcasting function `name(x1, x2)` from a torch function."""

    def op(x1: Any, x2: Any) -> torch.Tensor:
        a, b = pair(x1, x2)
        if to_float and not (a.is_floating_point() or b.is_floating_point()):
            a = a.to(to_torch_dtype(floatx()))
        return fn(a, b)

    note = " (integer inputs give `floatx()`)" if to_float else ""
    op.__name__ = op.__qualname__ = name
    op.__doc__ = _BINARY_DOC.format(summary=summary, dtype_note=note)
    return op


add = _binary(torch.add, "add", "Adds `x1` and `x2` element-wise.")
subtract = _binary(torch.subtract, "subtract", "Subtracts `x2` from `x1` element-wise.")
multiply = _binary(torch.multiply, "multiply", "Multiplies `x1` by `x2` element-wise.")
divide = _binary(torch.true_divide, "divide", "Divides `x1` by `x2`.", to_float=True)
true_divide = _binary(torch.true_divide, "true_divide", "Alias of `divide`.", True)
floor_divide = _binary(
    torch.floor_divide, "floor_divide", "Largest integer `<= x1 / x2` (`x1 // x2`)."
)
mod = _binary(torch.remainder, "mod", "Remainder of `x1 / x2`, with the sign of `x2`.")
power = _binary(torch.pow, "power", "`x1` raised to the power `x2`.")
maximum = _binary(torch.maximum, "maximum", "Element-wise maximum of `x1` and `x2`.")
minimum = _binary(torch.minimum, "minimum", "Element-wise minimum of `x1` and `x2`.")
logaddexp = _binary(
    torch.logaddexp, "logaddexp", "`log(exp(x1) + exp(x2))`, computed stably.", True
)
arctan2 = _binary(
    torch.atan2, "arctan2", "Arc tangent of `x1 / x2`, quadrant-aware.", True
)
hypot = _binary(torch.hypot, "hypot", "`sqrt(x1 ** 2 + x2 ** 2)`.", True)

negative = _unary(torch.negative, "negative", "Numerical negative, `-x`.", False)
abs = _unary(torch.abs, "abs", "Absolute value, `|x|`.", False)
absolute = _unary(
    torch.abs, "absolute", "Absolute value, `|x|` (alias of `abs`).", False
)
sign = _unary(torch.sign, "sign", "Sign of `x`: -1, 0 or 1.", False)
trunc = _unary(torch.trunc, "trunc", "Rounds toward zero.", False)
sqrt = _unary(torch.sqrt, "sqrt", "Square root.", True)
rsqrt = _unary(torch.rsqrt, "rsqrt", "Reciprocal square root, `1 / sqrt(x)`.", True)
reciprocal = _unary(torch.reciprocal, "reciprocal", "Reciprocal, `1 / x`.", True)
exp = _unary(torch.exp, "exp", "Exponential, `e ** x`.", True)
exp2 = _unary(torch.exp2, "exp2", "Base-2 exponential, `2 ** x`.", True)
expm1 = _unary(torch.expm1, "expm1", "`exp(x) - 1`, accurate for small `x`.", True)
log = _unary(torch.log, "log", "Natural logarithm.", True)
log1p = _unary(torch.log1p, "log1p", "`log(1 + x)`, accurate for small `x`.", True)
log2 = _unary(torch.log2, "log2", "Base-2 logarithm.", True)
log10 = _unary(torch.log10, "log10", "Base-10 logarithm.", True)
sin = _unary(torch.sin, "sin", "Sine.", True)
cos = _unary(torch.cos, "cos", "Cosine.", True)
tan = _unary(torch.tan, "tan", "Tangent.", True)
tanh = _unary(torch.tanh, "tanh", "Hyperbolic tangent.", True)
sinh = _unary(torch.sinh, "sinh", "Hyperbolic sine.", True)
cosh = _unary(torch.cosh, "cosh", "Hyperbolic cosine.", True)
arcsin = _unary(torch.asin, "arcsin", "Inverse sine.", True)
arccos = _unary(torch.acos, "arccos", "Inverse cosine.", True)
arctan = _unary(torch.atan, "arctan", "Inverse tangent.", True)
arcsinh = _unary(torch.asinh, "arcsinh", "Inverse hyperbolic sine.", True)
arccosh = _unary(torch.acosh, "arccosh", "Inverse hyperbolic cosine.", True)
arctanh = _unary(torch.atanh, "arctanh", "Inverse hyperbolic tangent.", True)
erf = _unary(torch.erf, "erf", "Gauss error function.", True)
erfinv = _unary(torch.erfinv, "erfinv", "Inverse of the error function.", True)
floor = _unary(torch.floor, "floor", "Rounds down to the nearest integer.", True)
ceil = _unary(torch.ceil, "ceil", "Rounds up to the nearest integer.", True)


def square(x: Any) -> torch.Tensor:
    """Element-wise square, `x * x`.

    Args:
        x: input tensor, array or number.

    Returns:
        A tensor with the shape and dtype of `x` (bool inputs give `int32`).
    """
    x = to_tensor(x)
    if x.dtype == torch.bool:
        x = x.to(torch.int32)
    return torch.square(x)


def round(x: Any, decimals: int = 0) -> torch.Tensor:
    """Rounds to `decimals` decimals, halves to even (as numpy does).

    Args:
        x: input tensor, array or number.
        decimals: the number of decimals to keep (negative rounds to tens...).

    Returns:
        A tensor with the shape and dtype of `x`; integers are returned as is.
    """
    x = to_tensor(x)
    if not x.is_floating_point():
        return x
    return torch.round(x, decimals=decimals)


def clip(x: Any, x_min: Any, x_max: Any) -> torch.Tensor:
    """Limits the values of `x` to `[x_min, x_max]`.

    Args:
        x: input tensor.
        x_min: the lower bound (a number or a tensor broadcastable to `x`).
        x_max: the upper bound.

    Returns:
        The clipped tensor (bool inputs give `int32`).
    """
    x = to_tensor(x)
    if x.dtype == torch.bool:
        x = x.to(torch.int32)
    if isinstance(x_min, torch.Tensor) or isinstance(x_max, torch.Tensor):
        return minimum(maximum(x, x_min), x_max)
    return torch.clamp(x, x_min, x_max)


def nan_to_num(
    x: Any, nan: float = 0.0, posinf: float | None = None, neginf: float | None = None
) -> torch.Tensor:
    """Replaces NaN with `nan` and infinities with `posinf` / `neginf`.

    Args:
        x: input tensor.
        nan: the value for NaN.
        posinf: the value for `+inf` (the dtype's largest value by default).
        neginf: the value for `-inf` (the dtype's lowest value by default).

    Returns:
        A tensor with the shape and dtype of `x`.
    """
    return torch.nan_to_num(to_tensor(x), nan=nan, posinf=posinf, neginf=neginf)
