"""More element-wise functions: bitwise ops, rounding helpers, complex parts, ...

Each follows `keras.ops` on its torch backend: integer inputs to float
functions give `floatx()`, Python scalars are weakly typed.
"""

from __future__ import annotations

from typing import Any

import torch

from lamina.backend import floatx, to_torch_dtype
from lamina.ops._convert import float_tensor, pair, to_tensor
from lamina.ops._math import _binary, _unary


def _ints(x1: Any, x2: Any) -> tuple[torch.Tensor, torch.Tensor]:
    """Two integer (or bool) operands, the second on the first's device."""
    return pair(x1, x2)


def _shift(fn: Any, name: str, summary: str) -> Any:
    """A bitwise op `name(x, y)` on integer or bool tensors from a torch function."""

    def op(x: Any, y: Any) -> torch.Tensor:
        return fn(*_ints(x, y))

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"""{summary}

    Args:
        x: integer or bool tensor.
        y: integer or bool tensor, broadcastable to `x`.

    Returns:
        An integer tensor of the broadcast shape.
    """
    return op


bitwise_and = _shift(torch.bitwise_and, "bitwise_and", "Bitwise AND of `x` and `y`.")
bitwise_or = _shift(torch.bitwise_or, "bitwise_or", "Bitwise OR of `x` and `y`.")
bitwise_xor = _shift(torch.bitwise_xor, "bitwise_xor", "Bitwise XOR of `x` and `y`.")
bitwise_left_shift = _shift(
    torch.bitwise_left_shift,
    "bitwise_left_shift",
    "Shifts the bits of `x` left by `y`.",
)
bitwise_right_shift = _shift(
    torch.bitwise_right_shift,
    "bitwise_right_shift",
    "Shifts the bits of `x` right by `y`.",
)
left_shift = _shift(
    torch.bitwise_left_shift, "left_shift", "Alias of `bitwise_left_shift`."
)
right_shift = _shift(
    torch.bitwise_right_shift, "right_shift", "Alias of `bitwise_right_shift`."
)


def bitwise_invert(x: Any) -> torch.Tensor:
    """Bitwise NOT of an integer or bool tensor."""
    return torch.bitwise_not(to_tensor(x))


def bitwise_not(x: Any) -> torch.Tensor:
    """Bitwise NOT of an integer or bool tensor (alias of `bitwise_invert`)."""
    return torch.bitwise_not(to_tensor(x))


cbrt = _unary(
    lambda x: torch.sign(x) * torch.abs(x).pow(1.0 / 3.0), "cbrt", "Cube root.", True
)
deg2rad = _unary(torch.deg2rad, "deg2rad", "Converts degrees to radians.", True)
rad2deg = _unary(torch.rad2deg, "rad2deg", "Converts radians to degrees.", True)
erfc = _unary(torch.erfc, "erfc", "Complementary error function, `1 - erf(x)`.", True)
fabs = _unary(torch.abs, "fabs", "Absolute value, as a float.", True)
i0 = _unary(torch.special.i0, "i0", "Modified Bessel function of order 0.", True)
sinc = _unary(torch.sinc, "sinc", "Normalized sinc, `sin(pi x) / (pi x)`.", True)
signbit = _unary(torch.signbit, "signbit", "Whether the sign bit is set.", False)
isneginf = _unary(torch.isneginf, "isneginf", "Whether `x` is `-inf`.", False)
isposinf = _unary(torch.isposinf, "isposinf", "Whether `x` is `+inf`.", False)
fmax = _binary(torch.fmax, "fmax", "Element-wise maximum, ignoring NaN.")
fmin = _binary(torch.fmin, "fmin", "Element-wise minimum, ignoring NaN.")
fmod = _binary(torch.fmod, "fmod", "Remainder of `x1 / x2`, with the sign of `x1`.")
gcd = _binary(torch.gcd, "gcd", "Greatest common divisor of `x1` and `x2`.")
lcm = _binary(torch.lcm, "lcm", "Least common multiple of `x1` and `x2`.")
heaviside = _binary(
    torch.heaviside, "heaviside", "Heaviside step: 0, `x2` at 0, 1.", True
)
logaddexp2 = _binary(
    torch.logaddexp2, "logaddexp2", "`log2(2 ** x1 + 2 ** x2)`, computed stably.", True
)
nextafter = _binary(
    torch.nextafter, "nextafter", "The next float after `x1` toward `x2`.", True
)


def _float_dtype(x: torch.Tensor) -> torch.Tensor:
    """`x` as a float (integers become `floatx()`)."""
    if x.is_floating_point() or x.is_complex():
        return x
    return x.to(to_torch_dtype(floatx()))


def ldexp(x1: Any, x2: Any) -> torch.Tensor:
    """`x1 * 2 ** x2`, with `x2` an integer tensor.

    Raises:
        TypeError: when `x2` is not an integer tensor.
    """
    a, b = pair(x1, x2)
    if b.is_floating_point():
        raise TypeError(
            f"`ldexp` needs an integer exponent `x2`. Received: x2.dtype={b.dtype}"
        )
    return torch.ldexp(_float_dtype(a), b)


def divide_no_nan(x1: Any, x2: Any) -> torch.Tensor:
    """`x1 / x2`, with 0 where `x2` is 0."""
    a, b = pair(x1, x2)
    if not (a.is_floating_point() or b.is_floating_point()):
        a = a.to(to_torch_dtype(floatx()))
    out = torch.true_divide(a, b)
    return torch.where(b == 0, torch.zeros_like(out), out)


def angle(x: Any) -> torch.Tensor:
    """The angle (argument) of a complex tensor, 0 or pi for real ones."""
    return torch.angle(float_tensor(x))


def conj(x: Any) -> torch.Tensor:
    """Complex conjugate (real tensors are returned as they are)."""
    x = to_tensor(x)
    return torch.conj_physical(x) if x.is_complex() else x


def conjugate(x: Any) -> torch.Tensor:
    """Complex conjugate (alias of `conj`)."""
    return conj(x)


def real(x: Any) -> torch.Tensor:
    """The real part of `x`."""
    x = to_tensor(x)
    return torch.real(x) if x.is_complex() else x


def imag(x: Any) -> torch.Tensor:
    """The imaginary part of `x` (zeros for real tensors)."""
    x = to_tensor(x)
    return torch.imag(x) if x.is_complex() else torch.zeros_like(x)


def isreal(x: Any) -> torch.Tensor:
    """Whether each element has a zero imaginary part."""
    return torch.isreal(to_tensor(x))


def allclose(
    x1: Any, x2: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False
) -> torch.Tensor:
    """Whether all of `|x1 - x2| <= atol + rtol * |x2|` hold (a bool tensor)."""
    a, b = pair(x1, x2)
    common = torch.promote_types(a.dtype, b.dtype)
    a, b = a.to(common), b.to(common)
    return torch.tensor(torch.allclose(a, b, rtol, atol, equal_nan), device=a.device)


def saturate_cast(x: Any, dtype: Any) -> torch.Tensor:
    """Casts to `dtype`, clipping values to its range first (no wrap-around)."""
    x = to_tensor(x)
    target = to_torch_dtype(dtype)
    if target == torch.bool or x.dtype == torch.bool:
        return x.to(target)
    info = torch.finfo(target) if target.is_floating_point else torch.iinfo(target)
    if x.is_floating_point() and not target.is_floating_point:
        x = torch.nan_to_num(x)
    lo, hi = float(info.min), float(info.max)
    if x.is_floating_point():
        return torch.clamp(x, lo, hi).to(target)
    src = torch.iinfo(x.dtype)
    if src.min < lo or src.max > hi:
        return torch.clamp(x, max(int(lo), src.min), min(int(hi), src.max)).to(target)
    return x.to(target)
