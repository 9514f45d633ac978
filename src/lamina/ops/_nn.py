"""Neural-network ops: activations, cross-entropies and `normalize`.

The activations reuse `lamina.activations`; as in `keras.ops`, `relu` takes
only `x` and `gelu` defaults to the tanh approximation. Integer inputs to
activations are cast to `floatx()` first.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import torch
import torch.nn.functional as F

import lamina.activations as activations
from lamina.backend import epsilon as _default_epsilon
from lamina.ops._convert import float_tensor, pair, to_tensor


def _wrap(fn: Callable[..., torch.Tensor]) -> Callable[..., torch.Tensor]:
    """Exposes an activation as an op: its signature and docs, any input type."""

    @functools.wraps(fn)
    def op(x: Any, *args: Any, **kwargs: Any) -> torch.Tensor:
        return fn(float_tensor(x), *args, **kwargs)

    return op


relu6 = _wrap(activations.relu6)
sigmoid = _wrap(activations.sigmoid)
softmax = _wrap(activations.softmax)
log_softmax = _wrap(activations.log_softmax)
silu = _wrap(activations.silu)
swish = silu
elu = _wrap(activations.elu)
selu = _wrap(activations.selu)
celu = _wrap(activations.celu)
glu = _wrap(activations.glu)
leaky_relu = _wrap(activations.leaky_relu)
softplus = _wrap(activations.softplus)
softsign = _wrap(activations.softsign)
hard_sigmoid = _wrap(activations.hard_sigmoid)
hard_silu = _wrap(activations.hard_silu)
hard_swish = hard_silu
log_sigmoid = _wrap(activations.log_sigmoid)
sparsemax = _wrap(activations.sparsemax)
hard_tanh = _wrap(activations.hard_tanh)
hard_shrink = _wrap(activations.hard_shrink)
soft_shrink = _wrap(activations.soft_shrink)
tanh_shrink = _wrap(activations.tanh_shrink)
squareplus = _wrap(activations.squareplus)
sparse_plus = _wrap(activations.sparse_plus)
sparse_sigmoid = _wrap(activations.sparse_sigmoid)
threshold = _wrap(activations.threshold)


def relu(x: Any) -> torch.Tensor:
    """Rectified linear unit, `max(x, 0)` (integer inputs keep their dtype).

    Args:
        x: input tensor.

    Returns:
        A tensor with the shape and dtype of `x`.
    """
    return torch.relu(to_tensor(x))


def gelu(x: Any, approximate: bool = True) -> torch.Tensor:
    """Gaussian error linear unit, `x * P(X <= x)` for a standard normal `X`.

    Args:
        x: input tensor.
        approximate: use the tanh approximation (the default in `keras.ops`,
            unlike `keras.activations.gelu`).

    Returns:
        A tensor with the shape of `x`.
    """
    return activations.gelu(float_tensor(x), approximate=approximate)


def _check_same_shape(target: torch.Tensor, output: torch.Tensor) -> None:
    """Raises when the target and output shapes differ."""
    if target.shape != output.shape:
        raise ValueError(
            "Arguments `target` and `output` must have the same shape. "
            f"Received: target.shape={tuple(target.shape)}, "
            f"output.shape={tuple(output.shape)}"
        )


def _log_probs(output: torch.Tensor, from_logits: bool, axis: int) -> torch.Tensor:
    """Log-probabilities along `axis` from logits or (unnormalized) probabilities."""
    if from_logits:
        return F.log_softmax(output, dim=axis)
    eps = _default_epsilon()
    output = output / torch.sum(output, dim=axis, keepdim=True)
    return torch.log(torch.clamp(output, eps, 1.0 - eps))


def categorical_crossentropy(
    target: Any, output: Any, from_logits: bool = False, axis: int = -1
) -> torch.Tensor:
    """Cross-entropy between one-hot (or soft) targets and predictions.

    `-sum(target * log(output))` along `axis`. Probabilities are rescaled to
    sum to 1 and clipped to `[epsilon, 1 - epsilon]`.

    Args:
        target: target probabilities, same shape as `output`.
        output: predicted probabilities, or logits when `from_logits`.
        from_logits: whether `output` holds logits.
        axis: the class axis.

    Returns:
        The per-sample loss, with `axis` removed.

    Raises:
        ValueError: when the shapes differ.
    """
    target, output = pair(target, float_tensor(output))
    _check_same_shape(target, output)
    return -torch.sum(target * _log_probs(output, from_logits, axis), dim=axis)


def sparse_categorical_crossentropy(
    target: Any, output: Any, from_logits: bool = False, axis: int = -1
) -> torch.Tensor:
    """Cross-entropy between integer class labels and predictions.

    Args:
        target: integer labels with the shape of `output` without `axis`
            (a trailing axis of size 1 is also accepted).
        output: predicted probabilities, or logits when `from_logits`.
        from_logits: whether `output` holds logits.
        axis: the class axis of `output`.

    Returns:
        The per-sample loss, shaped like `target`.

    Raises:
        ValueError: when the shapes do not match.
    """
    output = float_tensor(output)
    target = to_tensor(target, device=output.device)
    if target.ndim == output.ndim and target.shape[-1] == 1:
        target = target.squeeze(-1)
    log_probs = torch.movedim(_log_probs(output, from_logits, axis), axis, -1)
    if target.shape != log_probs.shape[:-1]:
        raise ValueError(
            "Arguments `target` and `output` must have the same shape up to the "
            f"class axis. Received: target.shape={tuple(target.shape)}, "
            f"output.shape={tuple(output.shape)}"
        )
    classes = torch.arange(log_probs.shape[-1], device=output.device)
    hot = target.long().unsqueeze(-1) == classes
    return -torch.sum(torch.where(hot, log_probs, 0.0), dim=-1)


def binary_crossentropy(
    target: Any, output: Any, from_logits: bool = False
) -> torch.Tensor:
    """Element-wise binary cross-entropy.

    `-(target * log(output) + (1 - target) * log(1 - output))`, with `output`
    clipped to `[epsilon, 1 - epsilon]` unless it holds logits.

    Args:
        target: target values in `[0, 1]`, same shape as `output`.
        output: predicted probabilities, or logits when `from_logits`.
        from_logits: whether `output` holds logits.

    Returns:
        A tensor with the shape of `output` (no reduction).

    Raises:
        ValueError: when the shapes differ.
    """
    target, output = pair(target, float_tensor(output))
    _check_same_shape(target, output)
    target = target.to(output.dtype)
    if from_logits:
        return F.binary_cross_entropy_with_logits(output, target, reduction="none")
    eps = _default_epsilon()
    output = torch.clamp(output, eps, 1.0 - eps)
    return -(target * torch.log(output) + (1.0 - target) * torch.log(1.0 - output))


def normalize(
    x: Any, axis: int = -1, order: int = 2, epsilon: float | None = None
) -> torch.Tensor:
    """Divides `x` by its `order`-norm along `axis`: `x / max(norm(x), epsilon)`.

    Args:
        x: input tensor.
        axis: the axis (or axes) of the norm.
        order: the order of the norm.
        epsilon: the lower bound for the norm, `backend.epsilon()` by default.

    Returns:
        A tensor with the shape of `x`.
    """
    x = float_tensor(x)
    eps = _default_epsilon() if epsilon is None else epsilon
    size = torch.linalg.vector_norm(x, ord=order, dim=axis, keepdim=True)
    return x / torch.clamp(size, min=eps)
