"""Time to save and load a ~10M-parameter model: lamina against Keras 3 (torch).

Each library builds the same MLP (4 Dense layers, 10.5M parameters), compiled
with Adam and trained one step (so the file holds optimizer state too), then
`model.save("m.keras")` and `keras.models.load_model("m.keras")` are timed,
best of `--repeats`, each library in its own fresh process.

Usage: python -m benchmarks.saving_bench [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

_UNITS = (2048, 2048, 2048, 512)  # 256->2048->2048->2048->512: 10.5M weights


def _measure(library: str, repeats: int) -> dict:
    os.environ.setdefault("KERAS_BACKEND", "torch")
    import numpy as np

    lib = __import__(library)
    layers = [lib.Input((256,))] + [lib.layers.Dense(u) for u in _UNITS]
    model = lib.Sequential(layers)
    model.compile(optimizer="adam", loss="mse")
    x = np.ones((8, 256), "float32")
    model.fit(x, np.ones((8, _UNITS[-1]), "float32"), epochs=1, verbose=0)
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "m.keras")
    saves, loads = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        model.save(path)
        saves.append(time.perf_counter() - start)
        start = time.perf_counter()
        lib.models.load_model(path)
        loads.append(time.perf_counter() - start)
    return {
        "library": library,
        "params": int(model.count_params()),
        "file_mb": os.path.getsize(path) / 2**20,
        "save_s": min(saves),
        "load_s": min(loads),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(_measure(args.one, args.repeats)))
        return
    results = {}
    for library in ("lamina", "keras"):
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                "benchmarks.saving_bench",
                "--one",
                library,
                "--repeats",
                str(args.repeats),
            ],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "KERAS_BACKEND": "torch"},
        ).stdout
        results[library] = json.loads(out.strip().splitlines()[-1])
    for r in results.values():
        print(
            f"{r['library']:>7}: {r['params']:,} params, {r['file_mb']:.1f} MiB, "
            f"save {r['save_s']:.3f} s, load {r['load_s']:.3f} s"
        )
    lam, ker = results["lamina"], results["keras"]
    print(
        f"lamina / keras: save {lam['save_s'] / ker['save_s']:.2f}x, "
        f"load {lam['load_s'] / ker['load_s']:.2f}x (lower is faster)"
    )


if __name__ == "__main__":
    main()
