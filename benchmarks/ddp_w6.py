"""Data-parallel fit on CPU: W6 (wide Dense) in three set-ups, as ratios.

- 1 process, 1 thread (the reference);
- 1 process, 2 threads;
- 2 processes of 1 thread each under torchrun (gloo), global batch unchanged.

Each set-up runs in fresh processes; the figure is the fit time (rank 0's
under torchrun), fastest of `--repeats`. The unchanged lamina `fit` runs in
all three: under torchrun it shards each global batch and sums gradients.

Run:  python -m benchmarks.ddp_w6 [--scale 0.25] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _child(scale: float, out: str) -> None:
    import torch

    from benchmarks.contenders import run_lamina
    from benchmarks.workloads import WORKLOADS

    torch.set_num_threads(int(os.environ.get("BENCH_THREADS", "1")))
    wl = WORKLOADS["W6"]
    seconds = run_lamina(wl, wl.data(scale))
    if int(os.environ.get("RANK", "0")) == 0:
        with open(out, "w") as f:
            json.dump({"seconds": seconds}, f)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _time(setup: str, scale: float) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "t.json")
        env = dict(os.environ, PYTHONPATH=ROOT, OMP_NUM_THREADS="1")
        args = ["-m", "benchmarks.ddp_w6", "--child", out, "--scale", str(scale)]
        if setup == "ddp2x1":
            cmd = [
                sys.executable,
                "-m",
                "torch.distributed.run",
                "--nproc-per-node",
                "2",
                "--master-port",
                str(_free_port()),
                "-m",
                *args[1:],
            ]
            env["BENCH_THREADS"] = "1"
            env["MASTER_ADDR"] = "127.0.0.1"
        else:
            cmd = [sys.executable, *args]
            env["BENCH_THREADS"] = "2" if setup == "1x2" else "1"
            env["OMP_NUM_THREADS"] = env["BENCH_THREADS"]
        subprocess.run(cmd, check=True, env=env, cwd=ROOT, capture_output=True)
        with open(out) as f:
            return float(json.load(f)["seconds"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.25)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--child", default=None)
    args = parser.parse_args()
    if args.child:
        _child(args.scale, args.child)
        return
    setups = ("1x1", "1x2", "ddp2x1")
    best = {s: min(_time(s, args.scale) for _ in range(args.repeats)) for s in setups}
    print(f"W6 at scale {args.scale}, fastest of {args.repeats} (fit seconds):")
    for s in setups:
        print(f"  {s:>7}: {best[s]:7.2f} s  ratio to 1x1: {best[s] / best['1x1']:.2f}")


if __name__ == "__main__":
    main()
