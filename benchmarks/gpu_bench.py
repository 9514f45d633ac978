"""GPU step times for the CNN (W4), LSTM (W5) and wide Dense (W6) workloads, in
float32 and mixed bfloat16, and W6's achieved TFLOP/s against the GPU's peak.

Needs a CUDA device (run by benchmarks/gpu.sh on a lent GPU machine). Prints a
Markdown table to paste into benchmarks/RESULTS.md and writes it to --out.

Run:  python -m benchmarks.gpu_bench [--peak-tflops 790] [--out gpu.md]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch

from benchmarks.contenders import _keras_like_model
from benchmarks.workloads import WORKLOADS


def _dense_flops_per_sample(wl) -> float:
    """Multiply-adds of W6's Dense stack, times 2 (forward), times 3 (training)."""
    fan_in = int(np.prod(wl.x_shape[1:]))
    total = 0
    for _, units, _ in wl.layers:
        total += fan_in * units
        fan_in = units
    return 2.0 * total * 3.0


def _time(name: str, policy: str) -> tuple[float, float]:
    import lamina

    lamina.mixed_precision.set_global_policy(policy)
    wl = WORKLOADS[name]
    x, y, _, _ = wl.data()
    model = _keras_like_model(lamina, wl)
    model.fit(
        x[: wl.batch_size * 3],
        y[: wl.batch_size * 3],
        batch_size=wl.batch_size,
        verbose=0,
    )  # warm-up: kernels, allocator
    torch.cuda.synchronize()
    start = time.perf_counter()
    model.fit(x, y, batch_size=wl.batch_size, epochs=wl.epochs, verbose=0)
    torch.cuda.synchronize()
    seconds = time.perf_counter() - start
    steps = wl.epochs * -(-len(x) // wl.batch_size)
    lamina.mixed_precision.set_global_policy("float32")
    return seconds / steps, len(x) * wl.epochs / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--peak-tflops",
        type=float,
        default=790.0,
        help="the GPU's dense bf16 peak (H200: about 790)",
    )
    parser.add_argument("--out", default="gpu.md")
    args = parser.parse_args()
    if not torch.cuda.is_available():
        raise SystemExit("No CUDA device: run this on a GPU machine.")
    import lamina

    lamina.backend.set_device("cuda")
    rows = [
        f"GPU: {torch.cuda.get_device_name(0)}, torch {torch.__version__}",
        "",
        "| workload | policy | ms/step | samples/s | TFLOP/s | share of peak |",
        "|---|---|---|---|---|---|",
    ]
    for name in ("W4", "W5", "W6"):
        for policy in ("float32", "mixed_bfloat16"):
            step, rate = _time(name, policy)
            tflops = share = "-"
            if name == "W6":
                achieved = rate * _dense_flops_per_sample(WORKLOADS[name]) / 1e12
                tflops = f"{achieved:.1f}"
                share = f"{100 * achieved / args.peak_tflops:.1f}%"
            rows.append(
                f"| {name} | {policy} | {step * 1e3:.2f} | {rate:,.0f} | "
                f"{tflops} | {share} |"
            )
    text = "\n".join(rows)
    print(text)
    with open(args.out, "w") as f:
        f.write(text + "\n")


if __name__ == "__main__":
    main()
