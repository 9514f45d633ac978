"""Rectifier-style activations: ReLU and its smooth and shifted relatives."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from lamina.activations._tensor import as_tensor


def relu(
    x: torch.Tensor,
    negative_slope: float = 0.0,
    max_value: float | None = None,
    threshold: float = 0.0,
) -> torch.Tensor:
    """Rectified linear unit, with optional leak, cap and threshold.

    With the defaults this is `max(x, 0)`. Values above `threshold` pass
    through (capped at `max_value` when given); values at or below it become
    `negative_slope * (x - threshold)`.

    Args:
        x: input tensor.
        negative_slope: slope for values at or below the threshold.
        max_value: the largest value returned, or `None` for no cap.
        threshold: values at or below it are damped or set to zero.

    Returns:
        A tensor with the shape and dtype of `x`.
    """
    x = as_tensor(x)
    plain = max_value is None and threshold == 0
    if plain:
        return torch.relu(x) if negative_slope == 0 else F.leaky_relu(x, negative_slope)
    if threshold != 0:
        out = torch.where(x > threshold, x, torch.zeros_like(x))
    elif max_value == 6:
        out = F.relu6(x)
    else:
        out = torch.relu(x)
    if max_value is not None:
        out = torch.clamp(out, 0, max_value)
    if negative_slope != 0:
        out = out - negative_slope * torch.relu(threshold - x)
    return out


def relu6(x: torch.Tensor) -> torch.Tensor:
    """ReLU capped at 6: `min(max(x, 0), 6)`.

    Args:
        x: input tensor.

    Returns:
        A tensor with the shape and dtype of `x`.
    """
    return F.relu6(as_tensor(x))


def leaky_relu(x: torch.Tensor, negative_slope: float = 0.2) -> torch.Tensor:
    """Leaky ReLU: `x` if `x >= 0`, else `negative_slope * x`.

    Args:
        x: input tensor.
        negative_slope: slope of the negative part.

    Returns:
        A tensor with the shape and dtype of `x`.
    """
    return F.leaky_relu(as_tensor(x), negative_slope)


def elu(x: torch.Tensor, alpha: float = 1.0) -> torch.Tensor:
    """Exponential linear unit: `x` if `x > 0`, else `alpha * (exp(x) - 1)`.

    Args:
        x: input tensor.
        alpha: scale of the negative part.

    Returns:
        A tensor with the shape and dtype of `x`.
    """
    return F.elu(as_tensor(x), alpha)


def selu(x: torch.Tensor) -> torch.Tensor:
    """Scaled ELU: `scale * elu(x, alpha)`.

    The constants are `alpha=1.67326324` and `scale=1.05070098`; use it with
    the `LecunNormal` initializer.

    Args:
        x: input tensor.

    Returns:
        A tensor with the shape and dtype of `x`.
    """
    return F.selu(as_tensor(x))


def celu(x: torch.Tensor, alpha: float = 1.0) -> torch.Tensor:
    """Continuously differentiable ELU: `x` if `x >= 0`, else `alpha * (exp(x / alpha) - 1)`.

    Args:
        x: input tensor.
        alpha: scale of the negative part.

    Returns:
        A tensor with the shape and dtype of `x`.
    """
    return F.celu(as_tensor(x), alpha)


def gelu(x: torch.Tensor, approximate: bool = False) -> torch.Tensor:
    """Gaussian error linear unit: `0.5 * x * (1 + erf(x / sqrt(2)))`.

    Args:
        x: input tensor.
        approximate: use the tanh approximation
            `0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x**3)))`.

    Returns:
        A tensor with the shape and dtype of `x`.
    """
    return F.gelu(as_tensor(x), approximate="tanh" if approximate else "none")


def silu(x: torch.Tensor) -> torch.Tensor:
    """Sigmoid linear unit, also called swish: `x * sigmoid(x)`.

    Args:
        x: input tensor.

    Returns:
        A tensor with the shape and dtype of `x`.
    """
    return F.silu(as_tensor(x))


def hard_silu(x: torch.Tensor) -> torch.Tensor:
    """Hard SiLU (hard swish): `x * relu6(x + 3) / 6`.

    Args:
        x: input tensor.

    Returns:
        A tensor with the shape and dtype of `x`.
    """
    return F.hardswish(as_tensor(x))


def mish(x: torch.Tensor) -> torch.Tensor:
    """Mish: `x * tanh(softplus(x))`.

    Args:
        x: input tensor.

    Returns:
        A tensor with the shape and dtype of `x`.
    """
    return F.mish(as_tensor(x))


def squareplus(x: torch.Tensor, b: float = 4) -> torch.Tensor:
    """Squareplus: `(x + sqrt(x**2 + b)) / 2`.

    Args:
        x: input tensor.
        b: smoothness parameter.

    Returns:
        A tensor with the shape and dtype of `x`.
    """
    x = as_tensor(x)
    return (x + torch.sqrt(torch.square(x) + b)) / 2


def sparse_plus(x: torch.Tensor) -> torch.Tensor:
    """SparsePlus: `0` for `x <= -1`, `(x + 1)**2 / 4` for `|x| < 1`, `x` for `x >= 1`.

    Args:
        x: input tensor.

    Returns:
        A tensor with the shape and dtype of `x`.
    """
    x = as_tensor(x)
    middle = torch.square(x + 1) / 4
    return torch.where(x <= -1, torch.zeros_like(x), torch.where(x < 1, middle, x))


def threshold(x: torch.Tensor, threshold: float, default_value: float) -> torch.Tensor:
    """Threshold: `x` if `x > threshold`, else `default_value`.

    Args:
        x: input tensor.
        threshold: values at or below it are replaced.
        default_value: the replacement value.

    Returns:
        A tensor with the shape and dtype of `x`.
    """
    return F.threshold(as_tensor(x), threshold, default_value)


def hard_tanh(x: torch.Tensor) -> torch.Tensor:
    """Hard tanh: `x` clipped to `[-1, 1]`.

    Args:
        x: input tensor.

    Returns:
        A tensor with the shape and dtype of `x`.
    """
    return F.hardtanh(as_tensor(x))


def hard_shrink(x: torch.Tensor, threshold: float = 0.5) -> torch.Tensor:
    """Hard shrink: `x` if `|x| > threshold`, else `0`.

    Args:
        x: input tensor.
        threshold: half-width of the zeroed band.

    Returns:
        A tensor with the shape and dtype of `x`.
    """
    return F.hardshrink(as_tensor(x), threshold)


def soft_shrink(x: torch.Tensor, threshold: float = 0.5) -> torch.Tensor:
    """Soft shrink: `x - threshold` above it, `x + threshold` below `-threshold`, else `0`.

    Args:
        x: input tensor.
        threshold: half-width of the zeroed band.

    Returns:
        A tensor with the shape and dtype of `x`.
    """
    return F.softshrink(as_tensor(x), threshold)


def tanh_shrink(x: torch.Tensor) -> torch.Tensor:
    """Tanh shrink: `x - tanh(x)`.

    Args:
        x: input tensor.

    Returns:
        A tensor with the shape and dtype of `x`.
    """
    return F.tanhshrink(as_tensor(x))
