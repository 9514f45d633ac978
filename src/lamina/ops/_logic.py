"""Comparisons and logic: `equal`, `greater`, `logical_and`, `isnan`, `where`, ..."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch

from lamina.ops._convert import pair, promote, to_tensor
from lamina.ops._math import _binary, _unary

equal = _binary(torch.eq, "equal", "Whether `x1 == x2`, element-wise (a bool tensor).")
not_equal = _binary(torch.ne, "not_equal", "Whether `x1 != x2`, element-wise.")
greater = _binary(torch.gt, "greater", "Whether `x1 > x2`, element-wise.")
greater_equal = _binary(torch.ge, "greater_equal", "Whether `x1 >= x2`, element-wise.")
less = _binary(torch.lt, "less", "Whether `x1 < x2`, element-wise.")
less_equal = _binary(torch.le, "less_equal", "Whether `x1 <= x2`, element-wise.")
logical_and = _binary(torch.logical_and, "logical_and", "Element-wise `x1 and x2`.")
logical_or = _binary(torch.logical_or, "logical_or", "Element-wise `x1 or x2`.")
logical_xor = _binary(torch.logical_xor, "logical_xor", "Element-wise `x1 xor x2`.")
logical_not = _unary(torch.logical_not, "logical_not", "Element-wise `not x`.", False)
isnan = _unary(torch.isnan, "isnan", "Whether each element is NaN.", False)
isinf = _unary(torch.isinf, "isinf", "Whether each element is infinite.", False)
isfinite = _unary(torch.isfinite, "isfinite", "Whether each element is finite.", False)


def isclose(
    x1: Any, x2: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False
) -> torch.Tensor:
    """Whether `|x1 - x2| <= atol + rtol * |x2|`, element-wise.

    Args:
        x1: first input tensor.
        x2: second input tensor.
        rtol: relative tolerance.
        atol: absolute tolerance.
        equal_nan: whether two NaNs count as close.

    Returns:
        A bool tensor of the broadcast shape.
    """
    a, b = promote(*pair(x1, x2))
    return torch.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)


def where(condition: Any, x1: Any = None, x2: Any = None) -> Any:
    """Picks `x1` where `condition` is true, else `x2`.

    With only `condition`, returns the indices of its non-zero elements, one
    tensor per axis, as `numpy.nonzero` does.

    Args:
        condition: a bool tensor (other dtypes are tested against zero).
        x1: values where `condition` is true.
        x2: values where `condition` is false.

    Returns:
        A tensor of the broadcast shape, or a tuple of index tensors.

    Raises:
        ValueError: when only one of `x1` and `x2` is given.
    """
    condition = to_tensor(condition)
    if x1 is None and x2 is None:
        return torch.nonzero(condition, as_tuple=True)
    if x1 is None or x2 is None:
        raise ValueError(
            "`x1` and `x2` must be both given or both None. "
            f"Received: x1={x1!r}, x2={x2!r}"
        )
    a, b = pair(x1, x2)
    return torch.where(condition.bool(), a, b)


def select(
    condlist: Sequence[Any], choicelist: Sequence[Any], default: Any = 0
) -> torch.Tensor:
    """Picks, element-wise, the value from the first choice whose condition holds.

    Args:
        condlist: bool tensors, all broadcastable together.
        choicelist: value tensors, one per condition.
        default: the value where no condition holds.

    Returns:
        A tensor of the broadcast shape.

    Raises:
        ValueError: when the two lists differ in length or are empty.
    """
    if len(condlist) != len(choicelist) or not condlist:
        raise ValueError(
            "`condlist` and `choicelist` must be non-empty and of the same length. "
            f"Received: len(condlist)={len(condlist)}, len(choicelist)={len(choicelist)}"
        )
    choices = promote(*choicelist)
    out = to_tensor(default, device=choices[0].device).to(choices[0].dtype)
    for cond, choice in zip(reversed(condlist), reversed(choices), strict=True):
        out = torch.where(to_tensor(cond).bool(), choice, out)
    return out
