"""Array building and rearranging: splits, stacks, flips, ranges, windows, ...

numpy's semantics, on torch tensors, with `keras.ops`'s names and dtypes.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch

from lamina.backend import floatx, get_device, to_torch_dtype
from lamina.ops._convert import float_tensor, promote, to_tensor


def array(x: Any, dtype: Any = None) -> torch.Tensor:
    """Creates a tensor from `x` (alias of `convert_to_tensor`)."""
    return to_tensor(x, dtype)


def empty(shape: Any, dtype: Any = None) -> torch.Tensor:
    """An uninitialized tensor of `shape` (`floatx()` by default)."""
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    return torch.empty(
        shape, dtype=to_torch_dtype(dtype or floatx()), device=get_device()
    )


def empty_like(x: Any, dtype: Any = None) -> torch.Tensor:
    """An uninitialized tensor with the shape (and dtype) of `x`."""
    x = to_tensor(x)
    return torch.empty_like(x, dtype=to_torch_dtype(dtype) if dtype else x.dtype)


def array_split(x: Any, indices_or_sections: Any, axis: int = 0) -> list[torch.Tensor]:
    """Splits `x` into sections that may differ in size by one (numpy's rule)."""
    return list(torch.tensor_split(to_tensor(x), indices_or_sections, dim=axis))


def _split_on(axis: int, name: str) -> Callable[[Any, Any], list[torch.Tensor]]:
    """A numpy `hsplit`/`vsplit`/`dsplit` splitting along `axis`."""

    def op(x: Any, indices_or_sections: Any) -> list[torch.Tensor]:
        x = to_tensor(x)
        along = 0 if (axis == 1 and x.ndim == 1) else axis
        if isinstance(indices_or_sections, int):
            size = x.shape[along]
            if size % indices_or_sections:
                raise ValueError(
                    f"`{name}`: axis {along} of size {size} cannot be split into "
                    f"{indices_or_sections} equal sections. Received: "
                    f"indices_or_sections={indices_or_sections}"
                )
        return list(torch.tensor_split(x, indices_or_sections, dim=along))

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"Splits `x` along axis {axis} into equal sections or at indices."
    return op


hsplit = _split_on(1, "hsplit")
vsplit = _split_on(0, "vsplit")
dsplit = _split_on(2, "dsplit")


def dstack(xs: Sequence[Any]) -> torch.Tensor:
    """Stacks tensors along a third axis (1-D and 2-D inputs are expanded)."""
    return torch.dstack(promote(*xs))


def unstack(x: Any, num: int | None = None, axis: int = 0) -> list[torch.Tensor]:
    """Splits `x` into the list of its slices along `axis`."""
    return list(torch.unbind(to_tensor(x), dim=axis))


def fliplr(x: Any) -> torch.Tensor:
    """Reverses the second axis (columns)."""
    return torch.fliplr(to_tensor(x))


def flipud(x: Any) -> torch.Tensor:
    """Reverses the first axis (rows)."""
    return torch.flipud(to_tensor(x))


def rot90(array: Any, k: int = 1, axes: tuple[int, int] = (0, 1)) -> torch.Tensor:
    """Rotates `array` by 90 degrees `k` times in the plane of `axes`.

    Raises:
        ValueError: for inputs of rank below 2 or equal axes.
    """
    x = to_tensor(array)
    if x.ndim < 2 or len(axes) != 2 or axes[0] % x.ndim == axes[1] % x.ndim:
        raise ValueError(
            "`rot90` needs an input of rank >= 2 and two different `axes`. "
            f"Received: array.ndim={x.ndim}, axes={axes}"
        )
    return torch.rot90(x, k=k, dims=tuple(axes))


def diagflat(x: Any, k: int = 0) -> torch.Tensor:
    """A 2-D tensor with the flattened `x` on the `k`-th diagonal."""
    return torch.diagflat(to_tensor(x), offset=k)


def diff(a: Any, n: int = 1, axis: int = -1) -> torch.Tensor:
    """The `n`-th discrete difference along `axis`."""
    return torch.diff(to_tensor(a), n=n, dim=axis)


def kron(x1: Any, x2: Any) -> torch.Tensor:
    """Kronecker product of `x1` and `x2`."""
    return torch.kron(*promote(x1, x2))


def vander(x: Any, N: int | None = None, increasing: bool = False) -> torch.Tensor:
    """Vandermonde matrix: columns are powers of `x`."""
    return torch.vander(to_tensor(x), N=N, increasing=increasing)


def cross(
    x1: Any,
    x2: Any,
    axisa: int = -1,
    axisb: int = -1,
    axisc: int = -1,
    axis: Any = None,
) -> torch.Tensor:
    """Cross product of 3-vectors along the last axis (or `axis`)."""
    a, b = promote(x1, x2)
    if axis is not None:
        axisa = axisb = axisc = axis
    a, b = torch.movedim(a, axisa, -1), torch.movedim(b, axisb, -1)
    a, b = torch.broadcast_tensors(a, b)
    compute = a if a.dtype != torch.float16 else a.float()
    out = torch.linalg.cross(compute, b.to(compute.dtype), dim=-1).to(a.dtype)
    return torch.movedim(out, -1, axisc)


def _range_dtype(start: Any, stop: Any, dtype: Any) -> torch.dtype:
    """The dtype of `logspace`/`geomspace`: given, else float (float64 stays)."""
    if dtype is not None:
        return to_torch_dtype(dtype)
    wide = any(
        isinstance(v, (np.ndarray, torch.Tensor)) and str(v.dtype).endswith("float64")
        for v in (start, stop)
    )
    return torch.float64 if wide else to_torch_dtype(floatx())


def logspace(
    start: Any,
    stop: Any,
    num: int = 50,
    endpoint: bool = True,
    base: Any = 10,
    dtype: Any = None,
    axis: int = 0,
) -> torch.Tensor:
    """`base ** linspace(start, stop, num)`."""
    target = _range_dtype(start, stop, dtype)
    lo = to_tensor(start).to(torch.float64)
    hi = to_tensor(stop).to(torch.float64)
    steps = torch.arange(num, dtype=torch.float64, device=lo.device)
    steps = steps / builtins.max(num - 1 if endpoint else num, 1)
    steps = steps.reshape((-1,) + (1,) * lo.ndim)
    out = torch.pow(base, lo + steps * (hi - lo))
    return torch.movedim(out, 0, axis).to(target)


def geomspace(
    start: Any,
    stop: Any,
    num: int = 50,
    endpoint: bool = True,
    dtype: Any = None,
    axis: int = 0,
) -> torch.Tensor:
    """Numbers spaced evenly on a log scale from `start` to `stop`."""
    target = _range_dtype(start, stop, dtype)
    lo = to_tensor(start).to(torch.float64)
    hi = to_tensor(stop).to(torch.float64)
    out = logspace(
        torch.log10(lo.abs()), torch.log10(hi.abs()), num, endpoint, 10, "float64", 0
    )
    out = out * torch.sign(lo)
    return torch.movedim(out, 0, axis).to(target)


def get_item(x: Any, key: Any) -> torch.Tensor:
    """`x[key]`: integer, slice, tuple or tensor indexing."""
    if isinstance(key, list):
        key = tuple(key)
    if isinstance(key, np.ndarray):
        key = to_tensor(key)
    return to_tensor(x)[key]


def view(x: Any, dtype: Any = None) -> torch.Tensor:
    """Reinterprets the bytes of `x` as `dtype` (same itemsize, no copy)."""
    x = to_tensor(x)
    return x if dtype is None else x.view(to_torch_dtype(dtype))


def view_as_complex(x: Any) -> torch.Tensor:
    """A complex view of a real tensor whose last axis (size 2) is (real, imag).

    Raises:
        ValueError: when the last axis is not of size 2.
    """
    x = float_tensor(x)
    if x.shape[-1] != 2:
        raise ValueError(
            "`view_as_complex` needs a last axis of size 2 (real, imag). "
            f"Received: x.shape={tuple(x.shape)}"
        )
    return torch.view_as_complex(x.contiguous())


def view_as_real(x: Any) -> torch.Tensor:
    """A real view of a complex tensor, with a last axis (real, imag)."""
    x = to_tensor(x)
    if not x.is_complex():
        raise ValueError(
            f"`view_as_real` needs a complex tensor. Received: x.dtype={x.dtype}"
        )
    return torch.view_as_real(x)


def unravel_index(indices: Any, shape: Sequence[int]) -> tuple[torch.Tensor, ...]:
    """Converts flat indices to a tuple of `int32` coordinate tensors for `shape`."""
    indices = to_tensor(indices)
    coords = torch.unravel_index(indices, tuple(shape))
    return tuple(i.to(torch.int32) for i in coords)


def nonzero(x: Any) -> torch.Tensor:
    """The indices of the non-zero elements: `int32`, one row per axis.

    Unpacking the rows gives numpy's tuple: `rows, cols = nonzero(x)`.
    """
    return torch.nonzero(to_tensor(x)).T.to(torch.int32)


def correlate(x1: Any, x2: Any, mode: str = "valid") -> torch.Tensor:
    """Cross-correlation of two 1-D sequences (`"valid"`, `"same"` or `"full"`).

    Raises:
        ValueError: for an unknown `mode`.
    """
    if mode not in ("valid", "same", "full"):
        raise ValueError(
            f"`mode` must be 'valid', 'same' or 'full'. Received: mode={mode!r}"
        )
    a, v = promote(x1, x2)
    if not a.is_floating_point():
        a, v = a.to(torch.float64 if a.dtype == torch.int64 else torch.float32), v
    v = v.to(a.dtype)
    n, m = a.shape[-1], v.shape[-1]
    full = torch.nn.functional.conv1d(
        a.reshape(1, 1, n), v.reshape(1, 1, m), padding=m - 1
    )
    full = full.reshape(-1)
    if mode == "full":
        return full
    keep = builtins.max(n, m) - builtins.min(n, m) + 1 if mode == "valid" else n
    start = (full.shape[0] - keep) // 2
    return full[start : start + keep]


def trapezoid(y: Any, x: Any = None, dx: float = 1.0, axis: int = -1) -> torch.Tensor:
    """Integral of `y` along `axis` by the trapezoidal rule."""
    y = float_tensor(y)
    if x is not None:
        return torch.trapezoid(y, to_tensor(x), dim=axis)
    return torch.trapezoid(y, dx=dx, dim=axis)


def _window(fn: Callable[..., torch.Tensor], name: str, what: str) -> Callable:
    """A numpy window function `name(x)` of length `x` (float32)."""

    def op(x: Any) -> torch.Tensor:
        return fn(int(x), periodic=False, device=get_device())

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"The {what} window of length `x` (symmetric, as numpy's)."
    return op


bartlett = _window(torch.bartlett_window, "bartlett", "Bartlett (triangular)")
blackman = _window(torch.blackman_window, "blackman", "Blackman")
hamming = _window(torch.hamming_window, "hamming", "Hamming")
hanning = _window(torch.hann_window, "hanning", "Hann")


def kaiser(x: Any, beta: float) -> torch.Tensor:
    """The Kaiser window of length `x` with shape parameter `beta`."""
    return torch.kaiser_window(int(x), periodic=False, beta=beta, device=get_device())


def _parse_side(side: str) -> list[list[str]]:
    """An einops side as groups of axis names: "b (h w) c" -> [[b], [h, w], [c]]."""
    groups: list[list[str]] = []
    current: list[str] | None = None
    for token in side.replace("(", " ( ").replace(")", " ) ").split():
        if token == "(":
            current = []
        elif token == ")":
            groups.append(current or [])
            current = None
        elif current is not None:
            current.append(token)
        else:
            groups.append([token])
    return groups


def rearrange(tensor: Any, pattern: str, **axes_lengths: int) -> torch.Tensor:
    """Reorders, merges and splits axes by an einops pattern.

    Example: `rearrange(x, "b h w c -> b (h w) c")` flattens the image axes;
    `rearrange(x, "b (h p) c -> b h p c", p=2)` splits one.

    Raises:
        ValueError: when the pattern does not fit the tensor.
    """
    x = to_tensor(tensor)
    left, _, right = pattern.partition("->")
    src, dst = _parse_side(left), _parse_side(right)
    if len(src) != x.ndim:
        raise ValueError(
            f"`rearrange`: the pattern's left side names {len(src)} axes but the "
            f"tensor has {x.ndim}. Received: pattern={pattern!r}, "
            f"tensor.shape={tuple(x.shape)}"
        )
    sizes = dict(axes_lengths)
    for group, size in zip(src, x.shape, strict=True):
        unknown = [n for n in group if n not in sizes]
        known = _prod(sizes[n] for n in group if n in sizes)
        if len(unknown) > 1:
            raise ValueError(
                f"`rearrange`: give the lengths of all but one of {group} as keyword "
                f"arguments. Received: {axes_lengths}"
            )
        if unknown:
            sizes[unknown[0]] = size // known
    names = [n for g in src for n in g]
    if sorted(names) != sorted(n for g in dst for n in g):
        raise ValueError(
            f"`rearrange`: both sides must name the same axes. Received: {pattern!r}"
        )
    x = x.reshape([sizes[n] for n in names])
    x = x.permute([names.index(n) for g in dst for n in g])
    return x.reshape([_prod(sizes[n] for n in g) for g in dst])


def _prod(values: Any) -> int:
    """The product of integers (1 for none)."""
    out = 1
    for v in values:
        out *= int(v)
    return out
