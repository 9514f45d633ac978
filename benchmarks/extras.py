"""Import time, the cost of verbose=1, and `predict` overhead on 32 rows."""

from __future__ import annotations

import statistics
import subprocess
import sys

from benchmarks.bench_one import ROOT, time_in_fresh_process

_IMPORT = (
    "import time; t=time.perf_counter(); import {mod}; print(time.perf_counter()-t)"
)

_PREDICT = """
import time, numpy as np, torch
torch.set_num_threads(1)
import lamina
from lamina import layers
m = lamina.Sequential([layers.Dense(512, activation='relu', input_shape=(8,)),
                       layers.Dense(512, activation='relu'), layers.Dense(1)])
x = np.random.default_rng(0).normal(size=(32, 8)).astype('float32')
xt = torch.from_numpy(x)
m.predict(x, verbose=0)
def best(fn, n=200):
    ts = []
    for _ in range(n):
        t = time.perf_counter(); fn(); ts.append(time.perf_counter() - t)
    return sorted(ts)[n // 2]
def direct():
    with torch.no_grad():
        m(xt)
print(best(lambda: m.predict(x, verbose=0)) / best(direct))
"""


def _python(code: str, terminal: bool = False) -> float:
    """Runs `code` in a new one-thread interpreter; returns its last printed number.

    With `terminal`, its output goes to a pseudo-terminal (`script` makes one).
    """
    import os

    env = {**os.environ, "KERAS_BACKEND": "torch", "OMP_NUM_THREADS": "1"}
    cmd = [sys.executable, "-c", code]
    if terminal:
        import shlex

        cmd = ["script", "-qec", shlex.join(cmd), "/dev/null"]
    out = subprocess.run(
        cmd, cwd=ROOT, capture_output=True, text=True, env=env, check=True
    )
    return float(out.stdout.replace("\r", "\n").strip().splitlines()[-1])


def import_times(repeats: int) -> dict:
    res = {}
    for mod in ("torch", "lamina", "keras"):
        try:
            res[mod] = statistics.median(
                _python(_IMPORT.format(mod=mod)) for _ in range(repeats)
            )
        except subprocess.CalledProcessError:
            res[mod] = None
    return res


def jit_ratio(workload: str, repeats: int) -> float:
    """lamina fit time with jit_compile=True (compile included) over eager."""
    return statistics.median(
        time_in_fresh_process(workload, "lamina_jit")
        / time_in_fresh_process(workload, "lamina")
        for _ in range(repeats)
    )


_VERBOSE = """
import time
import torch
torch.set_num_threads(1)
import lamina
from benchmarks.contenders import _keras_like_model
from benchmarks.workloads import WORKLOADS
wl = WORKLOADS["W2"]
x, y, _, _ = wl.data()
seconds = {{0: [], 1: []}}
for i in range({pairs}):
    for verbose in (0, 1) if i % 2 == 0 else (1, 0):
        model = _keras_like_model(lamina, wl)
        start = time.perf_counter()
        model.fit(x, y, batch_size=wl.batch_size, epochs=wl.epochs, verbose=verbose)
        seconds[verbose].append(time.perf_counter() - start)
# Noise only ever adds time: the fastest of each kind is the cleanest figure.
print(min(seconds[1]) / min(seconds[0]))
"""


def verbose_cost(pairs: int) -> dict:
    """lamina's fit time with verbose=1 over verbose=0 on W2, in one process.

    Runs alternate between the two; the ratio is of the fastest of each.

    Measured twice: output to a pipe (one line per epoch) and on a terminal
    (a live bar; a pseudo-terminal from `script`, where that tool exists).
    """
    import shutil

    code = _VERBOSE.format(pairs=pairs)
    res = {"verbose=1 / verbose=0 on W2, output to a pipe": _python(code)}
    if shutil.which("script"):
        res["verbose=1 / verbose=0 on W2, live bar on a terminal"] = _python(
            code, terminal=True
        )
    return res


def run_extras(repeats: int) -> dict:
    imports = import_times(repeats)
    extras = {f"import {k} (s)": round(v, 3) if v else None for k, v in imports.items()}
    if imports.get("lamina") and imports.get("torch"):
        extras["import lamina minus import torch (s)"] = round(
            imports["lamina"] - imports["torch"], 3
        )
    for key, value in verbose_cost(max(repeats, 5)).items():
        extras[f"{key} (lamina, fastest of {max(repeats, 5)} runs each)"] = round(
            value, 3
        )
    for w in ("W2", "W4"):
        extras[f"jit_compile=True / eager on {w} (lamina, compile time included)"] = (
            round(jit_ratio(w, 1), 2)
        )
    extras["predict(32 rows) / direct model(x)"] = round(
        statistics.median(_python(_PREDICT) for _ in range(repeats)), 2
    )
    return extras
