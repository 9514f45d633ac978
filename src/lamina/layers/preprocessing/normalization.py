"""Normalization: shifts and scales features by a mean and variance, or learns them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import torch

from lamina import backend
from lamina.layers.base import Layer
from lamina.layers.input_spec import InputSpec
from lamina.layers.preprocessing import _moments


class Normalization(Layer):
    """Maps each feature to `(x - mean) / sqrt(var)`, with statistics given or adapted.

    Give `mean` and `variance` directly, or call `adapt(data)` before use to
    compute them from data: the mean and (biased) variance over every axis but
    `axis`. The standard deviation is floored at `backend.epsilon()`.

    Args:
        axis: integer, tuple of integers or None: the axes that keep separate
            statistics (default -1, one per feature). None means one scalar
            mean and variance for everything.
        mean: the mean to use, broadcast to the kept axes; needs `variance`.
        variance: the variance to use; needs `mean`.
        invert: apply the inverse mapping, `mean + x * sqrt(var)`.

    Input shape:
        any rank above the kept axes; the kept axes must have known sizes.

    Output shape:
        same as the input (floating point).

    Example:
    >>> import lamina
    >>> layer = lamina.layers.Normalization()
    >>> layer.adapt(np.array([[0.0], [2.0]]))
    >>> layer(np.array([[2.0]]))
    tensor([[1.]])
    """

    def __init__(
        self,
        axis: Any = -1,
        mean: Any = None,
        variance: Any = None,
        invert: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if axis is None:
            axis = ()
        elif isinstance(axis, int) and not isinstance(axis, bool):
            axis = (axis,)
        elif isinstance(axis, (list, tuple)) and all(
            isinstance(a, int) and not isinstance(a, bool) for a in axis
        ):
            axis = tuple(axis)
        else:
            raise TypeError(
                "Expected an int, a tuple of ints or None for the argument 'axis'. "
                f"Received: axis={axis!r}"
            )
        if (mean is None) != (variance is None):
            raise ValueError(
                "When setting values directly, both `mean` and `variance` must be "
                f"set. Received: mean={mean!r} and variance={variance!r}"
            )
        self.axis = axis
        self.input_mean = _plain(mean)
        self.input_variance = _plain(variance)
        self.invert = bool(invert)

    def build(self, input_shape: tuple) -> None:
        rank = len(input_shape)
        axes = []
        for a in self.axis:
            if not -rank <= a < rank or a % rank == 0:
                raise ValueError(
                    f"Layer '{self.name}': `axis` must name non-batch axes of the "
                    f"input, in [1, {rank}) or [{-rank + 1}, 0). Received: axis={a} "
                    f"for an input of shape {tuple(input_shape)}"
                )
            axes.append(a % rank)
        axes = sorted(set(axes))
        sizes = [input_shape[a] for a in axes]
        if any(s is None for s in sizes):
            raise ValueError(
                f"Layer '{self.name}': the kept axes {axes} must have known sizes. "
                f"Received: input_shape={tuple(input_shape)}"
            )
        self._kept = axes
        self._sizes = [int(s) for s in sizes]
        self._broadcast = [1] * rank
        for a, s in zip(axes, self._sizes, strict=True):
            self._broadcast[a] = s
        if self.input_mean is None:
            self._make_adapt_weights()
        else:
            self._store_given()
        self.input_spec = InputSpec(
            ndim=rank, axes=dict(zip(axes, self._sizes, strict=True))
        )
        self.built = True

    def _make_adapt_weights(self) -> None:
        self.adapt_mean = self.add_weight(
            shape=self._sizes, initializer="zeros", trainable=False, name="mean"
        )
        self.adapt_variance = self.add_weight(
            shape=self._sizes, initializer="ones", trainable=False, name="variance"
        )
        self.count = self.add_weight(
            shape=(), initializer="zeros", dtype="int32", trainable=False, name="count"
        )

    def _store_given(self) -> None:
        device = self._weight_device()
        for key, value in (
            ("_mean", self.input_mean),
            ("_variance", self.input_variance),
        ):
            t = torch.as_tensor(np.asarray(value, dtype="float32"), device=device)
            try:
                t = torch.broadcast_to(t, self._sizes).clone()
            except RuntimeError as err:
                raise ValueError(
                    f"Layer '{self.name}': `{key[1:]}` of shape {tuple(t.shape)} "
                    f"does not broadcast to the kept axes' shape {tuple(self._sizes)}."
                ) from err
            self.register_buffer(key, t, persistent=False)

    def adapt(self, data: Any, steps: int | None = None) -> None:
        """Computes the mean and variance of `data` and stores them in the layer.

        Args:
            data: a numpy array or tensor, or an iterable of such batches.
            steps: for an iterable, the number of batches to read (default all).

        Raises:
            ValueError: if the layer was given `mean` and `variance`.
        """
        if self.input_mean is not None:
            raise ValueError(
                f"Layer '{self.name}' was given `mean` and `variance`, so it cannot "
                "be adapted. Create it without them to compute them from data."
            )
        batches = _as_batches(data, steps)
        first = batches[0]
        if not self.built:
            self.build((None, *first.shape[1:]))
        moments = _moments.RunningMoments(len(first.shape), self._kept)
        for batch in batches:
            self.input_spec.check(self.name, (None, *batch.shape[1:]))
            moments.update(batch)
        mean, var = moments.result()
        with torch.no_grad():
            self.adapt_mean.copy_(torch.as_tensor(mean, dtype=self.adapt_mean.dtype))
            self.adapt_variance.copy_(
                torch.as_tensor(var, dtype=self.adapt_variance.dtype)
            )

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        x = inputs.to(self._dtype_policy.torch_compute_dtype)
        if self.input_mean is None:
            mean, var = self.adapt_mean, self.adapt_variance
        else:
            mean, var = self._mean, self._variance
        mean = mean.to(x.dtype).reshape(self._broadcast)
        std = torch.sqrt(var.to(x.dtype)).reshape(self._broadcast)
        std = torch.clamp_min(std, backend.epsilon())
        if self.invert:
            return mean + x * std
        return (x - mean) / std

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "axis": self.axis,
            "invert": self.invert,
            "mean": self.input_mean,
            "variance": self.input_variance,
        }


def _plain(value: Any) -> Any:
    """Numpy arrays and tensors as (nested) lists, so configs stay serializable."""
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().numpy()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return value


def _as_batches(data: Any, steps: int | None) -> list[np.ndarray]:
    if isinstance(data, (np.ndarray, torch.Tensor, list, tuple)) or np.isscalar(data):
        return [_to_numpy(data)]
    if not isinstance(data, Iterable):
        raise TypeError(
            "`adapt` expects a numpy array, a tensor or an iterable of batches. "
            f"Received: data of type {type(data).__name__}"
        )
    batches = []
    for i, batch in enumerate(data):
        if steps is not None and i >= steps:
            break
        if isinstance(batch, (list, tuple)) and batch and not np.isscalar(batch[0]):
            batch = batch[0]  # (x, y) pairs: adapt to x
        batches.append(_to_numpy(batch))
    if not batches:
        raise ValueError("`adapt` received no data: the iterable was empty.")
    return batches


def _to_numpy(x: Any) -> np.ndarray:
    if isinstance(x, torch.Tensor):
        x = x.detach().cpu().numpy()
    arr = np.asarray(x)
    if arr.ndim == 0:
        arr = arr.reshape(1)
    return arr
