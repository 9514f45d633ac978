"""Times one contender on one workload in this (fresh) process; prints JSON.

Usage: python -m benchmarks.bench_one WORKLOAD CONTENDER THREADS [SCALE] [VERBOSE]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def time_in_fresh_process(
    workload: str,
    contender: str,
    threads: int = 1,
    scale: float = 1.0,
    verbose: int = 0,
) -> float:
    """Runs this module in a new interpreter and returns its fit seconds.

    Raises:
        subprocess.CalledProcessError: when the run fails (its stderr attached).
    """
    cmd = [sys.executable, "-m", "benchmarks.bench_one", workload, contender]
    cmd += [str(threads), str(scale), str(verbose)]
    proc = subprocess.run(
        cmd, cwd=ROOT, capture_output=True, text=True, timeout=3600, check=True
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])["seconds"]


def main() -> None:
    workload, contender, threads = sys.argv[1], sys.argv[2], int(sys.argv[3])
    scale = float(sys.argv[4]) if len(sys.argv) > 4 else 1.0
    verbose = int(sys.argv[5]) if len(sys.argv) > 5 else 0
    os.environ.setdefault("KERAS_BACKEND", "torch")
    if threads > 0:
        for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
            os.environ[var] = str(threads)
    import torch

    if threads > 0:
        torch.set_num_threads(threads)
    torch.manual_seed(0)
    from benchmarks.contenders import CONTENDERS, EXTRA_CONTENDERS
    from benchmarks.workloads import WORKLOADS

    wl = WORKLOADS[workload]
    data = wl.data(scale)
    seconds = {**CONTENDERS, **EXTRA_CONTENDERS}[contender](wl, data, verbose)
    print(
        json.dumps(
            {
                "workload": workload,
                "contender": contender,
                "threads": threads,
                "seconds": seconds,
            }
        )
    )


if __name__ == "__main__":
    main()
