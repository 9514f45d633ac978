"""Intersection-over-union metrics: `IoU`, `BinaryIoU`, `MeanIoU`, `OneHotIoU`, `OneHotMeanIoU`.

Each accumulates a `(num_classes, num_classes)` confusion matrix (rows: true
class, columns: predicted class), weighted by `sample_weight`, and reads the
per-class IoU `tp / (tp + fp + fn)` from it. As in Keras, the state's dtype
defaults to `"int32"`: float sample weights are truncated to integers unless
the metric is made with a float `dtype`.
"""

from __future__ import annotations

import operator
import warnings
from typing import Any

import torch

from lamina.backend import epsilon, to_torch_dtype
from lamina.metrics._utils import as_tensor
from lamina.metrics.metric import Metric

_FLOAT_WEIGHTS_WARNING = (
    "You are passing weight as `float`, but dtype is `int`. This may result in "
    "an incorrect weight due to type casting Consider using integer weights."
)


def _check_num_classes(num_classes: Any) -> int:
    """`num_classes` as a Python int (numpy integers welcome), or a clear error."""
    try:
        value = operator.index(num_classes)
    except TypeError:
        value = 0
    if isinstance(num_classes, bool) or value < 1:
        raise ValueError(
            "`num_classes` must be a positive integer. "
            f"Received: num_classes={num_classes!r}"
        )
    return value


def _check_target_class_ids(target_class_ids: Any, num_classes: int) -> list[int]:
    try:
        ids = [operator.index(i) for i in target_class_ids]
    except TypeError as err:
        raise ValueError(
            "`target_class_ids` must be a list or tuple of integer class ids. "
            f"Received: target_class_ids={target_class_ids!r}"
        ) from err
    if not ids:
        raise ValueError(
            "`target_class_ids` must name at least one class id in "
            f"[0, {num_classes}). Received: target_class_ids={target_class_ids!r}"
        )
    if max(ids) >= num_classes:
        raise ValueError(
            f"Target class id {max(ids)} is out of range, which is [0, {num_classes})."
        )
    if min(ids) < -num_classes:  # negative ids count from the end, as in indexing
        raise ValueError(
            f"Target class id {min(ids)} is out of range, which is [0, {num_classes})."
        )
    return ids


def _flat_weights(
    sample_weight: Any, dtype: torch.dtype, like: torch.Tensor
) -> torch.Tensor:
    """`sample_weight` cast to the state's dtype, flattened, broadcast to `like` (1D)."""
    if sample_weight is None:
        return torch.ones_like(like, dtype=dtype)
    weights = as_tensor(sample_weight, device=like.device).to(dtype)
    if weights.dim() > 1:
        weights = weights.reshape(-1)
    try:
        return weights.expand(like.shape)
    except RuntimeError as err:
        raise ValueError(
            "`sample_weight` must hold one weight per label (or broadcast to "
            f"them): {like.numel()} labels after flattening. Received: "
            f"sample_weight of shape {tuple(as_tensor(sample_weight).shape)}"
        ) from err


class _IoUBase(Metric):
    """Accumulates the weighted confusion matrix shared by the IoU metrics."""

    def __init__(
        self,
        num_classes: int,
        name: str | None = None,
        dtype: Any = None,
        ignore_class: int | None = None,
        sparse_y_true: bool = True,
        sparse_y_pred: bool = True,
        axis: int = -1,
    ) -> None:
        # An integer state by default, as in Keras (the counts are exact).
        super().__init__(name=name, dtype=dtype or "int32")
        self._direction = "up"  # Keras's hint that larger values are better
        self.num_classes = _check_num_classes(num_classes)
        self.ignore_class = ignore_class
        self.sparse_y_true = sparse_y_true
        self.sparse_y_pred = sparse_y_pred
        self.axis = axis
        self.total_cm = self.add_variable(
            (num_classes, num_classes), name="total_confusion_matrix"
        )

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        """Adds the batch's weighted (true class, predicted class) pairs.

        Args:
            y_true: class ids (or one-hot / scores with `sparse_y_true=False`).
            y_pred: class ids (or scores with `sparse_y_pred=False`).
            sample_weight: optional weights, one per label or broadcastable
                to them; 0 masks a label. Cast to the metric's dtype.
        """
        y_pred = as_tensor(y_pred)
        y_true = as_tensor(y_true, device=y_pred.device)
        if not self.sparse_y_true:
            y_true = y_true.argmax(dim=self.axis)
        if not self.sparse_y_pred:
            y_pred = y_pred.argmax(dim=self.axis)
        dtype = to_torch_dtype(self.dtype)
        y_true = y_true.to(dtype).reshape(-1)
        y_pred = y_pred.to(dtype).reshape(-1)
        if y_true.numel() != y_pred.numel():
            raise ValueError(
                f"{type(self).__name__} needs one prediction per label: got "
                f"{y_true.numel()} labels and {y_pred.numel()} predictions. Scores "
                "need `sparse_y_pred=False` (and one-hot labels "
                "`sparse_y_true=False`), which take the argmax along `axis`."
            )
        if (
            sample_weight is not None
            and "float" in str(getattr(sample_weight, "dtype", ""))
            and "int" in self.dtype
        ):
            warnings.warn(_FLOAT_WEIGHTS_WARNING, stacklevel=2)
        weights = _flat_weights(sample_weight, dtype, y_true)
        # Labels or predictions outside [0, num_classes), and the ignored class,
        # add nothing.
        n = self.num_classes
        keep = (y_true >= 0) & (y_true < n) & (y_pred >= 0) & (y_pred < n)
        if self.ignore_class is not None:
            ignored = torch.tensor(self.ignore_class, device=y_true.device).to(dtype)
            keep &= y_true != ignored
        weights = torch.where(keep, weights, torch.zeros_like(weights))
        cells = torch.where(keep, y_true.long() * n + y_pred.long(), 0)
        counts = torch.zeros(n * n, dtype=dtype, device=y_true.device)
        counts.index_add_(0, cells, weights)
        self.total_cm.add_(counts.reshape(n, n))

    def _per_class_iou(self) -> tuple[torch.Tensor, torch.Tensor]:
        """Returns `(true_positives, tp + fp + fn)` per class, in the state's dtype."""
        cm = self.total_cm
        predicted = cm.sum(dim=0).to(cm.dtype)  # per predicted class: tp + fp
        actual = cm.sum(dim=1).to(cm.dtype)  # per true class: tp + fn
        true_positives = torch.diagonal(cm)
        return true_positives, predicted + actual - true_positives

    def _config(self, *keys: str) -> dict[str, Any]:
        """The named constructor arguments, in Keras's order for each class."""
        return {key: getattr(self, key) for key in keys}


class IoU(_IoUBase):
    """Intersection-over-union, averaged over the classes in `target_class_ids`.

    `iou = tp / (tp + fp + fn)` for each class, from the confusion matrix
    accumulated over every update. The result is the mean IoU of the target
    classes that occurred (in labels or predictions); a class that never did
    counts neither as 0 nor as 1. Labels and predictions of any shape are
    flattened.

    Args:
        num_classes: number of classes; labels and predictions outside
            `[0, num_classes)` are skipped.
        target_class_ids: list or tuple of the class ids averaged.
        name: name of the metric (default `"io_u"`, made unique).
        dtype: dtype of the state (default `"int32"`: integer weights).
            The result is float32.
        ignore_class: a class id (such as a "void" label) whose labels are
            skipped.
        sparse_y_true: `False` when labels are one-hot or scores (their argmax
            along `axis` is taken).
        sparse_y_pred: `False` when predictions are scores (argmax along `axis`).
        axis: the class axis for the argmax.

    Raises:
        ValueError: for a `num_classes` that is not a positive integer, or a
            target class id out of range.

    Example:
    >>> from lamina.metrics import IoU
    >>> m = IoU(num_classes=2, target_class_ids=[0])
    >>> m.update_state([0, 0, 1, 1], [0, 1, 0, 1])
    >>> round(float(m.result()), 4)
    0.3333
    """

    def __init__(
        self,
        num_classes: int,
        target_class_ids: Any,
        name: str | None = None,
        dtype: Any = None,
        ignore_class: int | None = None,
        sparse_y_true: bool = True,
        sparse_y_pred: bool = True,
        axis: int = -1,
    ) -> None:
        super().__init__(
            num_classes,
            name=name,
            dtype=dtype,
            ignore_class=ignore_class,
            sparse_y_true=sparse_y_true,
            sparse_y_pred=sparse_y_pred,
            axis=axis,
        )
        self.target_class_ids = _check_target_class_ids(
            target_class_ids, self.num_classes
        )

    def result(self) -> torch.Tensor:
        """Returns the mean IoU of the target classes that occurred (float32)."""
        true_positives, union = self._per_class_iou()
        ids = torch.tensor(self.target_class_ids, device=union.device)
        true_positives = true_positives[ids].float()
        union = union[ids].float()
        valid = union > 1e-9  # a class never seen has no IoU
        iou = torch.where(
            valid, true_positives / (union + epsilon()), torch.zeros_like(union)
        )
        return iou.sum() / (valid.float().sum() + epsilon())

    def get_config(self) -> dict[str, Any]:
        """Returns the constructor arguments."""
        return self._config(
            "name", "dtype", "num_classes", "target_class_ids", "ignore_class",
            "sparse_y_true", "sparse_y_pred", "axis",
        )  # fmt: skip


class BinaryIoU(IoU):
    """IoU of a binary task: predictions at or above `threshold` are class 1.

    Labels are cast to the metric's dtype (integers by default), predictions
    `>= threshold` become class 1 and the rest class 0; then `IoU` with two
    classes applies.

    Args:
        target_class_ids: `[0]`, `[1]` or `[0, 1]` (the default: the mean of
            both classes' IoU).
        threshold: the prediction threshold (default 0.5).
        name: name of the metric (default `"binary_io_u"`, made unique).
        dtype: dtype of the state (default `"int32"`).

    Example:
    >>> from lamina.metrics import BinaryIoU
    >>> m = BinaryIoU(target_class_ids=[0, 1], threshold=0.3)
    >>> m.update_state([0, 1, 0, 1], [0.1, 0.2, 0.4, 0.7])
    >>> round(float(m.result()), 4)
    0.3333
    """

    def __init__(
        self,
        target_class_ids: Any = (0, 1),
        threshold: float = 0.5,
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(
            num_classes=2, target_class_ids=target_class_ids, name=name, dtype=dtype
        )
        self.threshold = threshold

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        """Thresholds `y_pred` to classes 0/1, then adds the batch."""
        y_pred = as_tensor(y_pred, "float32")
        y_true = as_tensor(y_true, self.dtype, y_pred.device)
        y_pred = (y_pred >= self.threshold).to(to_torch_dtype(self.dtype))
        super().update_state(y_true, y_pred, sample_weight)

    def get_config(self) -> dict[str, Any]:
        """Returns the constructor arguments."""
        return self._config("target_class_ids", "threshold", "name", "dtype")


class MeanIoU(IoU):
    """IoU averaged over every class (those that occurred).

    Args:
        num_classes: number of classes (the confusion matrix is
            `num_classes x num_classes`).
        name: name of the metric (default `"mean_io_u"`, made unique).
        dtype: dtype of the state (default `"int32"`).
        ignore_class: a class id whose labels are skipped.
        sparse_y_true: `False` when labels are one-hot or scores.
        sparse_y_pred: `False` when predictions are scores.
        axis: the class axis for the argmax.

    Example:
    >>> from lamina.metrics import MeanIoU
    >>> m = MeanIoU(num_classes=2)
    >>> m.update_state([0, 0, 1, 1], [0, 1, 0, 1])
    >>> round(float(m.result()), 4)
    0.3333
    """

    def __init__(
        self,
        num_classes: int,
        name: str | None = None,
        dtype: Any = None,
        ignore_class: int | None = None,
        sparse_y_true: bool = True,
        sparse_y_pred: bool = True,
        axis: int = -1,
    ) -> None:
        num_classes = _check_num_classes(num_classes)
        super().__init__(
            num_classes,
            list(range(num_classes)),
            name=name,
            dtype=dtype,
            ignore_class=ignore_class,
            sparse_y_true=sparse_y_true,
            sparse_y_pred=sparse_y_pred,
            axis=axis,
        )

    def get_config(self) -> dict[str, Any]:
        """Returns the constructor arguments."""
        return self._config(
            "num_classes", "name", "dtype", "ignore_class", "sparse_y_true",
            "sparse_y_pred", "axis",
        )  # fmt: skip


class OneHotIoU(IoU):
    """`IoU` for one-hot labels and score predictions (argmax along `axis`).

    Args:
        num_classes: number of classes (the size of the class axis).
        target_class_ids: list or tuple of the class ids averaged.
        name: name of the metric (default `"one_hot_io_u"`, made unique).
        dtype: dtype of the state (default `"int32"`).
        ignore_class: a class id whose labels are skipped.
        sparse_y_pred: `True` when predictions are already class ids.
        axis: the class axis.

    Example:
    >>> import numpy as np
    >>> from lamina.metrics import OneHotIoU
    >>> m = OneHotIoU(num_classes=3, target_class_ids=[0, 2])
    >>> m.update_state(np.eye(3)[[2, 0, 1, 0]], np.eye(3)[[2, 2, 0, 2]])
    >>> round(float(m.result()), 4)
    0.1667
    """

    def __init__(
        self,
        num_classes: int,
        target_class_ids: Any,
        name: str | None = None,
        dtype: Any = None,
        ignore_class: int | None = None,
        sparse_y_pred: bool = False,
        axis: int = -1,
    ) -> None:
        super().__init__(
            num_classes,
            target_class_ids,
            name=name,
            dtype=dtype,
            ignore_class=ignore_class,
            sparse_y_true=False,
            sparse_y_pred=sparse_y_pred,
            axis=axis,
        )

    def get_config(self) -> dict[str, Any]:
        """Returns the constructor arguments."""
        return self._config(
            "num_classes", "target_class_ids", "name", "dtype", "ignore_class",
            "sparse_y_pred", "axis",
        )  # fmt: skip


class OneHotMeanIoU(MeanIoU):
    """`MeanIoU` for one-hot labels and score predictions (argmax along `axis`).

    Args:
        num_classes: number of classes (the size of the class axis).
        name: name of the metric (default `"one_hot_mean_io_u"`, made unique).
        dtype: dtype of the state (default `"int32"`).
        ignore_class: a class id whose labels are skipped.
        sparse_y_pred: `True` when predictions are already class ids.
        axis: the class axis.

    Example:
    >>> import numpy as np
    >>> from lamina.metrics import OneHotMeanIoU
    >>> m = OneHotMeanIoU(num_classes=3)
    >>> m.update_state(np.eye(3)[[2, 0, 1, 0]], np.eye(3)[[2, 2, 0, 2]])
    >>> round(float(m.result()), 4)
    0.1111
    """

    def __init__(
        self,
        num_classes: int,
        name: str | None = None,
        dtype: Any = None,
        ignore_class: int | None = None,
        sparse_y_pred: bool = False,
        axis: int = -1,
    ) -> None:
        super().__init__(
            num_classes,
            name=name,
            dtype=dtype,
            ignore_class=ignore_class,
            sparse_y_true=False,
            sparse_y_pred=sparse_y_pred,
            axis=axis,
        )

    def get_config(self) -> dict[str, Any]:
        """Returns the constructor arguments."""
        return self._config(
            "num_classes", "name", "dtype", "ignore_class", "sparse_y_pred", "axis"
        )
