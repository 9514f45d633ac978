"""Does a PyDataset's parallel loading overlap the training step? Epoch times.

Three loaders, each read with `workers=1` (batches computed on the training
thread, one after the other) and with 4 workers:
- `sleep`: `__getitem__` waits 8 ms (file or network I/O), threads;
- `numpy`: `__getitem__` does numpy work that releases the GIL, threads;
- `python`: `__getitem__` runs a pure-Python loop that holds the GIL, so only
  processes (`use_multiprocessing=True`) can overlap it.

The model's step is a few milliseconds of one-thread torch work. A ratio above
1 is the speed-up of the parallel epoch over the sequential one; the ideal is
(load + step) / max(load / workers, step).

Run: KERAS_BACKEND=torch python -m benchmarks.pydataset_overlap [--epochs 3]
"""

from __future__ import annotations

import argparse
import os
import time

# One BLAS thread per worker: parallelism comes from the PyDataset's workers.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402

import lamina  # noqa: E402
from lamina import layers  # noqa: E402

BATCHES, BATCH, FEATURES = 48, 64, 256


class Loader(lamina.utils.PyDataset):
    """Batches of random rows, each made by a chosen kind of work."""

    def __init__(self, kind: str, **kwargs):
        super().__init__(**kwargs)
        self.kind = kind

    def __len__(self) -> int:
        return BATCHES

    def __getitem__(self, i: int):
        rng = np.random.default_rng(i)
        x = rng.normal(size=(BATCH, FEATURES)).astype("float32")
        if self.kind == "sleep":
            time.sleep(0.008)
        elif self.kind == "numpy":
            m = rng.normal(size=(200_000,))
            for _ in range(6):
                m = np.tanh(np.sin(m) * 1.01)
        else:  # python: holds the GIL
            total = 0
            for k in range(60_000):
                total += k * k % 7
        return x, x[:, :1]


def _model() -> lamina.Model:
    lamina.utils.set_random_seed(0)
    model = lamina.Sequential(
        [
            layers.Dense(512, activation="relu", input_shape=(FEATURES,)),
            layers.Dense(512, activation="relu"),
            layers.Dense(1),
        ]
    )
    model.compile(optimizer="adam", loss="mse")
    return model


def _epoch_seconds(kind: str, epochs: int, **kwargs) -> float:
    model = _model()
    model.fit(Loader(kind, **kwargs), epochs=1, verbose=0)  # warm-up
    times = []
    for _ in range(epochs):
        t = time.perf_counter()
        model.fit(Loader(kind, **kwargs), epochs=1, verbose=0, shuffle=False)
        times.append(time.perf_counter() - t)
    return min(times)


def _load_and_step_seconds(kind: str) -> tuple[float, float]:
    loader = Loader(kind)
    t = time.perf_counter()
    for i in range(BATCHES):
        loader[i]
    load = time.perf_counter() - t
    model = _model()
    x, y = loader[0]
    model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0)
    t = time.perf_counter()
    for _ in range(BATCHES):
        model.train_on_batch(x, y)
    return load, time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(1)
    rows = [
        ("sleep", {"workers": 4}),
        ("numpy", {"workers": 4}),
        ("python", {"workers": 4, "use_multiprocessing": True}),
    ]
    cores = os.cpu_count()
    load = os.getloadavg()[0]
    print(
        f"{BATCHES} batches of {BATCH}x{FEATURES}; best of {args.epochs} epochs; "
        f"{cores} cores, load average {load:.1f} at start"
    )
    print(
        f"{'loader':8} {'load s':>7} {'step s':>7} {'workers=1 s':>12} "
        f"{'parallel s':>11} {'ratio':>6}  parallel mode"
    )
    for kind, kwargs in rows:
        load, step = _load_and_step_seconds(kind)
        one = _epoch_seconds(kind, args.epochs, workers=1)
        many = _epoch_seconds(kind, args.epochs, **kwargs)
        mode = ", ".join(f"{k}={v}" for k, v in kwargs.items())
        print(
            f"{kind:8} {load:7.3f} {step:7.3f} {one:12.3f} {many:11.3f} "
            f"{one / many:6.2f}  {mode}"
        )


if __name__ == "__main__":
    main()
