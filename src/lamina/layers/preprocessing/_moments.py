"""Mean and variance over batches, merged exactly (Chan et al.'s parallel update)."""

from __future__ import annotations

import numpy as np


class RunningMoments:
    """Accumulates the mean and biased variance over every axis but `kept`.

    Args:
        rank: rank of each batch.
        kept: sorted non-negative axes that keep separate statistics.
    """

    def __init__(self, rank: int, kept: list[int]) -> None:
        self.reduce = tuple(a for a in range(rank) if a not in kept)
        self.count = 0
        self.mean: np.ndarray | float = 0.0
        self.m2: np.ndarray | float = 0.0  # sum of squared deviations

    def update(self, batch: np.ndarray) -> None:
        """Adds one batch (float64 accumulation)."""
        x = np.asarray(batch, dtype=np.float64)
        n = int(np.prod([x.shape[a] for a in self.reduce]))
        if n == 0:
            return
        mean = x.mean(axis=self.reduce)
        m2 = np.square(x - np.expand_dims(mean, self.reduce)).sum(axis=self.reduce)
        total = self.count + n
        delta = mean - self.mean
        self.mean = self.mean + delta * (n / total)
        self.m2 = self.m2 + m2 + np.square(delta) * (self.count * n / total)
        self.count = total

    def result(self) -> tuple[np.ndarray, np.ndarray]:
        """The mean and biased variance seen so far."""
        if self.count == 0:
            raise ValueError("`adapt` received no samples: every batch was empty.")
        return np.asarray(self.mean), np.asarray(self.m2) / self.count
