"""Tensor conversion and shape helpers shared by the loss functions."""

from __future__ import annotations

from typing import Any

import torch

from lamina.backend import epsilon, floatx, to_torch_dtype


def as_tensor(
    x: Any, dtype: torch.dtype | None = None, device: torch.device | None = None
) -> torch.Tensor:
    """Returns `x` as a torch tensor, cast to `dtype` and moved to `device`.

    Numpy arrays, Python numbers and lists are converted; tensors already of
    the right dtype and device are returned as they are (no copy).
    """
    if not isinstance(x, torch.Tensor):
        x = torch.as_tensor(x)
    if dtype is not None and x.dtype != dtype:
        x = x.to(dtype)
    if device is not None and x.device != device:
        x = x.to(device)
    return x


def float_predictions(y_pred: Any) -> torch.Tensor:
    """Predictions as a floating tensor (`floatx()` when given as integers)."""
    y_pred = as_tensor(y_pred)
    if not (y_pred.is_floating_point() or y_pred.is_complex()):
        y_pred = y_pred.to(to_torch_dtype(floatx()))
    return y_pred


def prepare(y_true: Any, y_pred: Any) -> tuple[torch.Tensor, torch.Tensor]:
    """Converts targets and predictions to tensors of the predictions' float dtype.

    Predictions that are not floating point are cast to `floatx()`; targets take
    the predictions' dtype and device, as Keras casts `y_true` to `y_pred.dtype`.
    """
    y_pred = float_predictions(y_pred)
    y_true = as_tensor(y_true, y_pred.dtype, y_pred.device)
    return y_true, y_pred


def squeeze_or_expand_to_same_rank(
    x1: torch.Tensor, x2: torch.Tensor, expand_rank_1: bool = True
) -> tuple[torch.Tensor, torch.Tensor]:
    """Makes two tensors the same rank when their ranks differ by one.

    The tensor with the extra trailing axis of size 1 loses it; but when the
    other tensor has rank 1 and `expand_rank_1` is set, that one gains a trailing
    axis instead (so targets `(n,)` meet predictions `(n, 1)` as `(n, 1)`).
    """
    r1, r2 = x1.dim(), x2.dim()
    if r1 == r2 + 1 and x1.shape[-1] == 1:
        if r2 == 1 and expand_rank_1:
            return x1, x2.unsqueeze(-1)
        return x1.squeeze(-1), x2
    if r2 == r1 + 1 and x2.shape[-1] == 1:
        if r1 == 1 and expand_rank_1:
            return x1.unsqueeze(-1), x2
        return x1, x2.squeeze(-1)
    return x1, x2


def shape_str(shape: torch.Size | tuple[int, ...]) -> str:
    """Formats a shape as a Python tuple, e.g. `(4, 3)`."""
    return str(tuple(shape))


def broadcastable(a: torch.Size, b: torch.Size) -> bool:
    """Whether two shapes broadcast (torch.broadcast_shapes costs ~100 us a call)."""
    if a == b:
        return True
    return all(x == y or x == 1 or y == 1 for x, y in zip(reversed(a), reversed(b)))


def check_broadcastable(y_true: torch.Tensor, y_pred: torch.Tensor) -> None:
    """Raises a `ValueError` naming both shapes when they cannot broadcast."""
    if broadcastable(y_true.shape, y_pred.shape):
        return
    raise ValueError(
        "`y_true` and `y_pred` have incompatible shapes. Received: "
        f"y_true.shape={shape_str(y_true.shape)}, "
        f"y_pred.shape={shape_str(y_pred.shape)}"
    )


def check_same_shape(y_true: torch.Tensor, y_pred: torch.Tensor) -> None:
    """Raises a `ValueError` naming both shapes unless they are equal."""
    if y_true.shape != y_pred.shape:
        raise ValueError(
            "`y_true` and `y_pred` must have the same shape. Received: "
            f"y_true.shape={shape_str(y_true.shape)}, "
            f"y_pred.shape={shape_str(y_pred.shape)}"
        )


def elementwise_inputs(y_true: Any, y_pred: Any) -> tuple[torch.Tensor, torch.Tensor]:
    """Prepares inputs of an element-wise loss: same dtype, same rank, checked."""
    y_true, y_pred = prepare(y_true, y_pred)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    check_broadcastable(y_true, y_pred)
    return y_true, y_pred


def broadcast_inputs(y_true: Any, y_pred: Any) -> tuple[torch.Tensor, torch.Tensor]:
    """Prepares inputs of a loss that broadcasts them as given (no rank fix-up)."""
    y_true, y_pred = prepare(y_true, y_pred)
    check_broadcastable(y_true, y_pred)
    return y_true, y_pred


def check_axis(axis: Any) -> None:
    """Raises a `TypeError`-like `ValueError` when `axis` is a bool, as Keras does."""
    if isinstance(axis, bool):
        raise ValueError(
            f"`axis` must be of type `int`. Received: axis={axis} of type {type(axis)}"
        )


def clip_probabilities(p: torch.Tensor) -> torch.Tensor:
    """Clips probabilities to `[epsilon, 1 - epsilon]` before taking logs."""
    eps = epsilon()
    return p.clamp(eps, 1.0 - eps)


def smooth_binary(y_true: torch.Tensor, label_smoothing: float) -> torch.Tensor:
    """Squeezes binary targets towards 0.5: `y * (1 - s) + 0.5 * s`."""
    if not label_smoothing:
        return y_true
    return y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing


def smooth_categorical(y_true: torch.Tensor, label_smoothing: float) -> torch.Tensor:
    """Squeezes one-hot targets towards uniform over the last axis's classes."""
    if not label_smoothing:
        return y_true
    num_classes = y_true.shape[-1]
    return y_true * (1.0 - label_smoothing) + label_smoothing / num_classes


def set_mask(values: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Attaches a Keras mask to per-sample loss values (read by `Loss.__call__`)."""
    values._keras_mask = mask  # type: ignore[attr-defined]
    return values


def function_config(fn: Any) -> dict[str, Any]:
    """Keras's serialization dict of a plain function."""
    return {
        "module": "builtins",
        "class_name": "function",
        "config": fn.__name__,
        "registered_name": "function",
    }
