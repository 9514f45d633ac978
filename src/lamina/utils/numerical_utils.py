"""`to_categorical` and `normalize`, Keras's numeric helpers for labels and rows."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch


def to_categorical(x: Any, num_classes: int | None = None) -> Any:
    """Converts integer class labels to one-hot rows.

    A trailing axis of size 1 is dropped first, so labels of shape `(n, 1)`
    give `(n, num_classes)`. Numpy input (or lists) gives a float64 numpy
    array, as Keras does; a torch tensor gives a float32 tensor.

    Args:
        x: integer labels in `[0, num_classes)`, any shape.
        num_classes: the number of classes (default: the largest label + 1).

    Returns:
        `x`'s shape plus a last axis of size `num_classes`.

    Raises:
        ValueError: for a label outside `[0, num_classes)`.

    Example:
    >>> to_categorical([0, 2], num_classes=3).tolist()
    [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
    """
    is_tensor = isinstance(x, torch.Tensor)
    labels = x.detach().cpu().numpy() if is_tensor else np.asarray(x)
    labels = labels.astype("int64")
    shape = labels.shape
    if len(shape) > 1 and shape[-1] == 1:
        shape = shape[:-1]
    labels = labels.reshape(-1)
    if num_classes is None:
        num_classes = int(labels.max()) + 1 if labels.size else 0
    bad = labels[(labels < 0) | (labels >= num_classes)]
    if bad.size:
        raise ValueError(
            f"`to_categorical` labels must lie in [0, num_classes={num_classes}). "
            f"Received label {int(bad[0])}. Pass the right `num_classes`, or map "
            "the labels to 0..num_classes-1 first."
        )
    out = np.zeros((labels.size, num_classes), dtype="float64")
    out[np.arange(labels.size), labels] = 1.0
    out = out.reshape((*shape, num_classes))
    if is_tensor:
        return torch.from_numpy(out.astype("float32")).to(x.device)
    return out


def normalize(x: Any, axis: int = -1, order: int = 2) -> Any:
    """Scales `x` to unit `order`-norm along `axis`; all-zero slices stay zero.

    Numpy input keeps its float dtype; lists and torch tensors give a float32
    torch tensor, as Keras on its torch backend does. Keras divides by the
    norm along the last axis whatever `axis` is when `axis=0`; lamina divides
    along `axis`, as documented.

    Args:
        x: the array to normalize.
        axis: the axis along which to normalize.
        order: the norm order (2 for L2).

    Returns:
        The normalized array.

    Example:
    >>> normalize(np.array([[3.0, 4.0]])).tolist()
    [[0.6, 0.8]]
    """
    if isinstance(x, np.ndarray):
        norm = np.linalg.norm(x, ord=order, axis=axis, keepdims=True)
        norm[norm == 0] = 1
        return x / norm
    t = torch.as_tensor(x)
    if not t.is_floating_point():
        t = t.to(torch.float32)
    norm = torch.linalg.vector_norm(t, ord=order, dim=axis, keepdim=True)
    return t / torch.where(norm == 0, torch.ones_like(norm), norm)
