"""Discretization: buckets continuous values into integer bins."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from lamina.layers.base import Layer
from lamina.layers.preprocessing._categorical import encode
from lamina.layers.preprocessing._index_lookup import _batches


class Discretization(Layer):
    """Maps each value to the index of its bin: `boundaries[i-1] <= x < boundaries[i]`.

    Runs on torch tensors, on the inputs' device (`torch.bucketize`). With
    `num_bins`, `adapt` estimates quantile boundaries with Keras's approximate
    summary (sort, keep about `1 / epsilon` weighted points, merge and compress
    by interpolating cumulative weights), so adapted boundaries match Keras's.

    Args:
        bin_boundaries: sorted list of boundaries (`n` boundaries, `n + 1` bins).
        num_bins: number of bins to learn with `adapt` (instead of boundaries).
        epsilon: error tolerance of the quantile summary (default 0.01).
        output_mode: `"int"` (bin indices, int32), `"one_hot"`, `"multi_hot"` or
            `"count"`.
        sparse: must be False.

    Example:
    >>> import lamina
    >>> layer = lamina.layers.Discretization(bin_boundaries=[0.0, 1.0, 2.0])
    >>> layer(np.array([[-1.5, 1.0, 3.4, 0.5]])).tolist()
    [[0, 2, 3, 1]]
    """

    def __init__(
        self,
        bin_boundaries: Any = None,
        num_bins: int | None = None,
        epsilon: float = 0.01,
        output_mode: str = "int",
        sparse: bool = False,
        dtype: Any = None,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(name=name, dtype=dtype, **kwargs)
        if sparse:
            raise ValueError(
                f"`sparse=True` cannot be used in lamina. Received: sparse={sparse}"
            )
        if output_mode not in ("int", "one_hot", "multi_hot", "count"):
            raise ValueError(
                "Invalid value for argument `output_mode`. Expected one of "
                "['int', 'one_hot', 'multi_hot', 'count']. Received: "
                f"output_mode={output_mode}"
            )
        if num_bins is not None and num_bins < 0:
            raise ValueError(
                "`num_bins` must be greater than or equal to 0. Received: "
                f"`num_bins={num_bins}`"
            )
        if num_bins is not None and bin_boundaries is not None:
            raise ValueError(
                "Both `num_bins` and `bin_boundaries` should not be set. Received: "
                f"`num_bins={num_bins}` and `bin_boundaries={bin_boundaries}`"
            )
        if num_bins is None and bin_boundaries is None:
            raise ValueError("You need to set either `num_bins` or `bin_boundaries`.")
        self.bin_boundaries = None if bin_boundaries is None else list(bin_boundaries)
        self.num_bins = num_bins
        self.epsilon = epsilon
        self.output_mode = output_mode
        self.sparse = sparse
        self._summary = np.zeros((2, 0), np.float32)
        self.built = True

    def adapt(self, data: Any, steps: int | None = None) -> None:
        """Learns `num_bins` quantile boundaries from `data` (array or batches)."""
        if self.num_bins is None:
            raise ValueError(
                "Cannot adapt a Discretization layer that has been initialized with "
                "`bin_boundaries`, use `num_bins` instead."
            )
        summary = np.zeros((2, 0), np.float32)
        for batch in _batches(data, steps):
            if isinstance(batch, torch.Tensor):
                batch = batch.detach().cpu().numpy()
            part = _summarize(np.asarray(batch, np.float32), self.epsilon)
            summary = _merge(part, summary, self.epsilon)
        self._summary = summary
        self.bin_boundaries = _compress(summary, 1.0 / self.num_bins)[0, :-1].tolist()

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        if self.bin_boundaries is None:
            raise ValueError(
                "You need to either pass the `bin_boundaries` argument at "
                "construction time or call `adapt(dataset)` before you can start "
                "using the `Discretization` layer."
            )
        x = inputs.to(self._dtype_policy.torch_compute_dtype)
        bounds = torch.as_tensor(self.bin_boundaries, dtype=x.dtype, device=x.device)
        ids = torch.bucketize(x, bounds, right=True)
        if self.output_mode == "int":
            return ids.to(torch.int32)
        depth = len(self.bin_boundaries) + 1
        return encode(ids, self.output_mode, depth, x.dtype)

    def get_config(self) -> dict:
        config = super().get_config()
        # Keras's Discretization takes no `trainable`: a config with it does not
        # load in Keras.
        config.pop("trainable", None)
        return {
            **config,
            "bin_boundaries": self.bin_boundaries,
            "num_bins": self.num_bins,
            "epsilon": self.epsilon,
            "output_mode": self.output_mode,
            "sparse": self.sparse,
        }

    @classmethod
    def from_config(cls, config: dict) -> Discretization:
        config = dict(config)
        bounds = config.get("bin_boundaries")
        if bounds is not None and config.get("num_bins") is not None:
            config.pop("bin_boundaries")
            layer = cls(**config)
            layer.bin_boundaries = list(bounds)
            return layer
        return cls(**config)


def _summarize(values: np.ndarray, epsilon: float) -> np.ndarray:
    """`[points, weights]`: about `1 / epsilon` evenly spaced sorted values."""
    values = np.sort(values.reshape(-1))
    step = max(values.size * epsilon, 1)
    points = values[int(step - 1) :: int(step)]
    return np.stack([points, np.full_like(points, step)])


def _merge(a: np.ndarray, b: np.ndarray, epsilon: float) -> np.ndarray:
    merged = np.concatenate((a, b), axis=1)
    merged = merged[:, np.argsort(merged[0])]
    return _compress(merged, epsilon)


def _compress(summary: np.ndarray, epsilon: float) -> np.ndarray:
    """Re-buckets a summary at cumulative-weight fractions `epsilon, 2 epsilon, ...`."""
    if summary.shape[1] * epsilon < 1:
        return summary
    fractions = epsilon + np.arange(0.0, 1.0, epsilon)
    cum = summary[1].cumsum()
    share = cum / cum[-1]
    points = np.interp(fractions, share, summary[0])
    new_cum = np.interp(fractions, share, cum)
    weights = np.diff(new_cum, prepend=0.0)
    return np.stack((points, weights)).astype(np.float32)
