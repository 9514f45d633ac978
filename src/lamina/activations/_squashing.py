"""Squashing activations (sigmoid, tanh and kin) and the elementwise rest."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from lamina.activations._tensor import as_tensor


def sigmoid(x: torch.Tensor) -> torch.Tensor:
    """Sigmoid: `1 / (1 + exp(-x))`.

    Args:
        x: input tensor.

    Returns:
        A tensor with the shape and dtype of `x`.
    """
    return torch.sigmoid(as_tensor(x))


def hard_sigmoid(x: torch.Tensor) -> torch.Tensor:
    """Hard sigmoid: `0` for `x <= -3`, `1` for `x >= 3`, else `x / 6 + 0.5`.

    Args:
        x: input tensor.

    Returns:
        A tensor with the shape and dtype of `x`.
    """
    return F.hardsigmoid(as_tensor(x))


def sparse_sigmoid(x: torch.Tensor) -> torch.Tensor:
    """Sparse sigmoid: `0.5 * (x + 1)` clipped to `[0, 1]`.

    Args:
        x: input tensor.

    Returns:
        A tensor with the shape and dtype of `x`.
    """
    x = as_tensor(x)
    return torch.clamp(0.5 * (x + 1), 0, 1)


def log_sigmoid(x: torch.Tensor) -> torch.Tensor:
    """Log-sigmoid: `log(1 / (1 + exp(-x)))`, computed stably.

    Args:
        x: input tensor.

    Returns:
        A tensor with the shape and dtype of `x`.
    """
    return F.logsigmoid(as_tensor(x))


def tanh(x: torch.Tensor) -> torch.Tensor:
    """Hyperbolic tangent: `(exp(x) - exp(-x)) / (exp(x) + exp(-x))`.

    Args:
        x: input tensor.

    Returns:
        A tensor with the shape and dtype of `x`.
    """
    return torch.tanh(as_tensor(x))


def softsign(x: torch.Tensor) -> torch.Tensor:
    """Softsign: `x / (|x| + 1)`.

    Args:
        x: input tensor.

    Returns:
        A tensor with the shape and dtype of `x`.
    """
    return F.softsign(as_tensor(x))


def softplus(x: torch.Tensor) -> torch.Tensor:
    """Softplus: `log(exp(x) + 1)`.

    Args:
        x: input tensor.

    Returns:
        A tensor with the shape and dtype of `x`.
    """
    return F.softplus(as_tensor(x))


def exponential(x: torch.Tensor) -> torch.Tensor:
    """Exponential: `exp(x)`.

    Args:
        x: input tensor.

    Returns:
        A tensor with the shape and dtype of `x`.
    """
    return torch.exp(as_tensor(x))


def linear(x: torch.Tensor) -> torch.Tensor:
    """Linear (identity) activation: returns `x` unchanged.

    Args:
        x: input tensor.

    Returns:
        `x` itself.
    """
    return x
