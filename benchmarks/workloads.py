"""The six benchmark workloads: fixed-seed synthetic data of the stated shapes.

Each workload names its data, its model (as a list of layer specs every
contender builds in its own way) and its training settings.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Workload:
    name: str
    title: str
    x_shape: tuple
    task: str  # "regression" or "classes"
    layers: list  # [("dense", units, act) | ("conv", filters, act) | ("pool",) | ...]
    batch_size: int
    epochs: int
    optimizer: str
    loss: str
    n_val: int = 0
    n_classes: int = 10
    extra: dict = field(default_factory=dict)

    def data(self, scale: float = 1.0) -> tuple:
        """(x, y, x_val, y_val) from a fixed seed; `scale` shrinks the row count."""
        rng = np.random.default_rng(1234)
        n = max(int(self.x_shape[0] * scale), self.batch_size)
        total = n + self.n_val
        x = rng.normal(size=(total, *self.x_shape[1:])).astype("float32")
        if self.task == "classes":
            y = rng.integers(0, self.n_classes, size=(total,)).astype("int64")
        else:
            w = rng.normal(size=(int(np.prod(self.x_shape[1:])),))
            y = (x.reshape(total, -1) @ w / np.sqrt(w.size)).astype("float32")[:, None]
        if self.n_val:
            return x[:n], y[:n], x[n:], y[n:]
        return x, y, None, None


WORKLOADS = {
    "W1": Workload(
        "W1",
        "tiny Dense 4-3-1, 1000x2, batch 32, 20 epochs, SGD, mse",
        (1000, 2),
        "regression",
        [("dense", 4, "relu"), ("dense", 3, "relu"), ("dense", 1, None)],
        32,
        20,
        "sgd",
        "mse",
    ),
    "W2": Workload(
        "W2",
        "Dense 512x3-1, 1030x8, batch 256, 50 epochs, Adam, mae",
        (1030, 8),
        "regression",
        [("dense", 512, "relu")] * 3 + [("dense", 1, None)],
        256,
        50,
        "adam",
        "mae",
    ),
    "W3": Workload(
        "W3",
        "Dense 512x3-1, 1599x11 + 400 validation rows, batch 256, 50 epochs",
        (1599, 11),
        "regression",
        [("dense", 512, "relu")] * 3 + [("dense", 1, None)],
        256,
        50,
        "adam",
        "mae",
        n_val=400,
    ),
    "W4": Workload(
        "W4",
        "CNN conv32-pool-conv64-pool-dropout-dense10, 6000x28x28x1, batch 128, 2 epochs",
        (6000, 28, 28, 1),
        "classes",
        [
            ("conv", 32, "relu"),
            ("pool",),
            ("conv", 64, "relu"),
            ("pool",),
            ("flatten",),
            ("dropout", 0.5),
            ("dense", 10, "softmax"),
        ],
        128,
        2,
        "adam",
        "sparse_categorical_crossentropy",
    ),
    "W5": Workload(
        "W5",
        "LSTM(64)-Dense(1), 4000x50x8, batch 64, 2 epochs",
        (4000, 50, 8),
        "regression",
        [("lstm", 64), ("dense", 1, None)],
        64,
        2,
        "adam",
        "mse",
    ),
    "W6": Workload(
        "W6",
        "Dense 4096x3-10, 8192x1024, batch 512, 1 epoch",
        (8192, 1024),
        "classes",
        [("dense", 4096, "relu")] * 3 + [("dense", 10, "softmax")],
        512,
        1,
        "adam",
        "sparse_categorical_crossentropy",
    ),
}
