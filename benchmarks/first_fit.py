"""Time to first fit: a fresh process that imports lamina, builds the lessons'
2-4-3-1 network and fits one epoch, against a fresh process that only imports
torch. The difference is what lamina adds before a learner sees a number.

Each variant runs in a new one-thread interpreter, interleaved, fastest of
`--repeats` (whole-process wall time, interpreter start included).

Run:  python -m benchmarks.first_fit [--repeats 7]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

_TORCH_ONLY = "import torch"
_FIRST_FIT = """
import numpy as np
import lamina as keras
from lamina import layers
x = np.random.default_rng(0).normal(size=(256, 2)).astype("float32")
y = x[:, 0] - 2 * x[:, 1]
model = keras.Sequential([
    layers.Dense(4, activation="relu", input_shape=[2]),
    layers.Dense(3, activation="relu"),
    layers.Dense(1),
])
model.compile(optimizer="sgd", loss="mse")
model.fit(x, y, epochs=1, verbose=0)
"""
_DYNAMO = (
    "import sys; "
    + _FIRST_FIT.replace("\n", "\n")
    + (
        "\nassert 'torch._dynamo' not in sys.modules, 'first fit imported torch._dynamo'"
    )
)


def _wall(code: str) -> float:
    env = {"OMP_NUM_THREADS": "1", "PATH": "/usr/bin:/bin"}
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    _wall(_DYNAMO)  # also warms the file cache; fails if dynamo was imported
    torch_only, first_fit = [], []
    for _ in range(args.repeats):
        torch_only.append(_wall(_TORCH_ONLY))
        first_fit.append(_wall(_FIRST_FIT))
    a, b = min(torch_only), min(first_fit)
    print(f"import torch only:            {a:.3f} s (fastest of {args.repeats})")
    print(f"import lamina + build + fit:  {b:.3f} s")
    print(f"lamina's first fit adds:      {b - a:.3f} s (target: at most 0.5 s)")


if __name__ == "__main__":
    main()
