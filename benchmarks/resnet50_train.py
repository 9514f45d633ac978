"""ResNet50 training steps on CPU: lamina, Keras (torch backend) and a hand-written
torchvision-style PyTorch ResNet50, each in a fresh one-thread process.

Every contender trains the same architecture (ResNet50, 10 classes, SGD with
momentum, sparse cross-entropy) on the same batch of 4 images of 64x64x3 and
reports the median seconds per step after warm-up steps. With `--repeats R`
the contenders run in turn R times, each time in fresh processes, and the
table gives the median seconds and the median of each round's ratios to the
hand-written model (the rounds pair measurements taken close together, which
a shared, noisy machine needs). `--interleaved` builds every contender in one
process and times their steps in turn (`steps * repeats` rounds), pairing
each step with the hand-written model's step of the same round.

Usage: python -m benchmarks.resnet50_train [--steps N] [--warmup N] [--batch N]
       [--repeats R] [--contenders torch,lamina,keras] [--interleaved]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONTENDERS = ("torch", "lamina", "keras")


def _data(batch: int, size: int):
    import numpy as np

    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, (batch, size, size, 3)).astype("float32")
    y = rng.integers(0, 10, (batch,)).astype("int64")
    return x, y


def _median_step(step, steps: int, warmup: int) -> float:
    import statistics
    import time

    for _ in range(warmup):
        step()
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _keras_like(module, batch: int, size: int):
    """A one-batch train step of `module`'s ResNet50 (lamina or keras)."""
    model = module.applications.ResNet50(
        weights=None, input_shape=(size, size, 3), classes=10
    )
    model.compile(
        optimizer=module.optimizers.SGD(0.01, momentum=0.9),
        loss="sparse_categorical_crossentropy",
    )
    x, y = _data(batch, size)
    return lambda: model.train_on_batch(x, y)


def _bottleneck(torch, c_in: int, filters: int, stride: int, project: bool):
    nn = torch.nn

    class Bottleneck(nn.Module):
        def __init__(self):
            super().__init__()
            self.c1 = nn.Conv2d(c_in, filters, 1, stride)
            self.b1 = nn.BatchNorm2d(filters, eps=1.001e-5)
            self.c2 = nn.Conv2d(filters, filters, 3, 1, 1)
            self.b2 = nn.BatchNorm2d(filters, eps=1.001e-5)
            self.c3 = nn.Conv2d(filters, 4 * filters, 1)
            self.b3 = nn.BatchNorm2d(4 * filters, eps=1.001e-5)
            self.short = (
                nn.Sequential(
                    nn.Conv2d(c_in, 4 * filters, 1, stride),
                    nn.BatchNorm2d(4 * filters, eps=1.001e-5),
                )
                if project
                else nn.Identity()
            )

        def forward(self, x):
            y = torch.relu(self.b1(self.c1(x)))
            y = torch.relu(self.b2(self.c2(y)))
            return torch.relu(self.b3(self.c3(y)) + self.short(x))

    return Bottleneck()


def _torch_resnet50(torch):
    """ResNet50 as torchvision writes it (NCHW), with Keras's biases and epsilon."""
    nn = torch.nn
    blocks, c_in = [], 64
    for filters, count, stride in ((64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)):
        for i in range(count):
            blocks.append(
                _bottleneck(torch, c_in, filters, stride if i == 0 else 1, i == 0)
            )
            c_in = 4 * filters
    return nn.Sequential(
        nn.Conv2d(3, 64, 7, 2, 3),
        nn.BatchNorm2d(64, eps=1.001e-5),
        nn.ReLU(),
        nn.MaxPool2d(3, 2, 1),
        *blocks,
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(2048, 10),
    )


def _torch_step(batch: int, size: int):
    import torch

    model = _torch_resnet50(torch).to(memory_format=torch.channels_last)
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x, y = _data(batch, size)
    xt = torch.from_numpy(x).permute(0, 3, 1, 2)  # NHWC data, as the others get
    yt = torch.from_numpy(y)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = torch.nn.functional.cross_entropy(model(xt), yt)
        loss.backward()
        opt.step()
        return loss.item()

    return step


def run_one(contender: str, batch: int, size: int, steps: int, warmup: int) -> float:
    """Median seconds per training step of one contender, in this process."""
    import torch

    torch.set_num_threads(1)
    torch.manual_seed(0)
    if contender == "torch":
        step = _torch_step(batch, size)
    else:
        import importlib

        step = _keras_like(importlib.import_module(contender), batch, size)
    return _median_step(step, steps, warmup)


def run_interleaved(names: list, batch: int, size: int, steps: int, warmup: int):
    """All contenders in this process, one step each in turn, `steps` rounds.

    Returns {name: [seconds per round]}. Steps taken side by side see the same
    load from the machine's other users, which separate processes do not.
    """
    import importlib
    import time

    import torch

    torch.set_num_threads(1)
    torch.manual_seed(0)
    fns = {}
    for name in names:
        if name == "torch":
            fns[name] = _torch_step(batch, size)
        else:
            fns[name] = _keras_like(importlib.import_module(name), batch, size)
    for _ in range(warmup):
        for step in fns.values():
            step()
    seconds: dict = {name: [] for name in names}
    for _ in range(steps):
        for name, step in fns.items():
            start = time.perf_counter()
            step()
            seconds[name].append(time.perf_counter() - start)
    return seconds


def main() -> None:
    import statistics

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--batch", type=int, default=4)
    parser.add_argument("--size", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--contenders", default=",".join(CONTENDERS))
    parser.add_argument(
        "--interleaved",
        action="store_true",
        help="one process, the contenders' steps in turn; ratios paired by step",
    )
    parser.add_argument("--one", choices=CONTENDERS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        seconds = run_one(args.one, args.batch, args.size, args.steps, args.warmup)
        print(json.dumps({"seconds": seconds}))
        return
    names = [n for n in CONTENDERS if n in args.contenders.split(",")]
    if "torch" not in names:
        parser.error("--contenders must include torch, the reference")
    env = {**os.environ, "KERAS_BACKEND": "torch", "OMP_NUM_THREADS": "1"}
    seconds: dict = {name: [] for name in names}
    if args.interleaved:
        os.environ.update(KERAS_BACKEND="torch", OMP_NUM_THREADS="1")
        seconds = run_interleaved(
            names, args.batch, args.size, args.steps * args.repeats, args.warmup
        )
    for _ in range(0 if args.interleaved else args.repeats):
        for contender in names:
            cmd = [sys.executable, "-m", "benchmarks.resnet50_train"]
            cmd += ["--one", contender, "--steps", str(args.steps)]
            cmd += ["--warmup", str(args.warmup), "--batch", str(args.batch)]
            cmd += ["--size", str(args.size)]
            out = subprocess.run(
                cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=True
            )
            last = out.stdout.strip().splitlines()[-1]
            seconds[contender].append(json.loads(last)["seconds"])
    rounds = len(seconds["torch"])
    how = "steps in turn in one process" if args.interleaved else "process rounds"
    print(
        f"ResNet50 train step, batch {args.batch} of {args.size}x{args.size}x3, "
        f"1 thread, {rounds} {how}"
    )
    print("| contender | s/step | vs hand-written torch | each round |")
    print("|---|---|---|---|")
    labels = {
        "torch": "hand-written torch",
        "lamina": "lamina",
        "keras": "Keras 3 (torch)",
    }
    for name in names:
        ratios = [s / t for s, t in zip(seconds[name], seconds["torch"], strict=True)]
        each = " ".join(f"{r:.2f}" for r in ratios)
        if len(ratios) > 10:  # too many to list: the quartiles
            q = statistics.quantiles(ratios, n=4)
            each = f"quartiles {q[0]:.2f} {q[2]:.2f}"
        print(
            f"| {labels[name]} | {statistics.median(seconds[name]):.3f} | "
            f"{statistics.median(ratios):.2f}x | {each} |"
        )


if __name__ == "__main__":
    main()
