"""Runs the workloads side by side, each contender in a fresh process, and reports
ratios to the hand-tuned PyTorch loop (median of the paired ratios).

Usage:
    python -m benchmarks.run                        # everything, 3 repeats
    python -m benchmarks.run --workloads W1,W2 --repeats 3 --threads 1
    python -m benchmarks.run --scale 0.25           # fewer rows, for a quick look
    python -m benchmarks.run --render benchmarks/results/results.json  # table only

Writes benchmarks/results/results.json and benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.bench_one import ROOT, time_in_fresh_process
from benchmarks.contenders import CONTENDERS, available
from benchmarks.extras import run_extras
from benchmarks.workloads import WORKLOADS

ANCHOR = "torch_tuned"


def run_one(workload: str, contender: str, threads: int, scale: float) -> float | None:
    """Fit seconds from a fresh process, or `None` (stderr shown) when it fails."""
    try:
        return time_in_fresh_process(workload, contender, threads, scale)
    except subprocess.CalledProcessError as err:
        print(
            f"  {workload} {contender}: failed\n{err.stderr[-2000:]}", file=sys.stderr
        )
        return None


def measure(
    workloads: list[str],
    contenders: list[str],
    threads: list[int],
    repeats: int,
    scale: float,
) -> list[dict]:
    rows = []
    for t in threads:
        for w in workloads:
            names = [c for c in contenders if available(c, WORKLOADS[w])]
            times: dict[str, list] = {c: [] for c in names}
            for r in range(repeats):
                order = names[r % len(names) :] + names[: r % len(names)]  # interleave
                for c in order:
                    times[c].append(run_one(w, c, t, scale))
                    print(f"  {w} threads={t} {c}: {times[c][-1]}", flush=True)
            rows.extend(_summarise(w, t, times))
    return rows


def _summarise(workload: str, threads: int, times: dict) -> list[dict]:
    anchor = times.get(ANCHOR, [])
    out = []
    for c, ts in times.items():
        ratios = [a / b for a, b in zip(ts, anchor) if a is not None and b]
        valid = [x for x in ts if x is not None]
        out.append(
            {
                "workload": workload,
                "threads": threads,
                "contender": c,
                "seconds": valid,
                "median_s": statistics.median(valid) if valid else None,
                "ratio_to_tuned": statistics.median(ratios) if ratios else None,
            }
        )
    return out


def _versions() -> dict:
    import numpy
    import torch

    versions = {
        "python": platform.python_version(),
        "torch": torch.__version__,
        "numpy": numpy.__version__,
        "machine": platform.machine(),
        "processor": platform.processor() or "?",
        "cpus": os.cpu_count(),
    }
    os.environ.setdefault("KERAS_BACKEND", "torch")
    for mod in ("lamina", "keras", "sklearn"):
        try:
            versions[mod] = __import__(mod).__version__
        except Exception:
            versions[mod] = None
    return versions


def write_markdown(results: dict, path: Path) -> None:
    lines = [
        "# Benchmark results",
        "",
        f"Measured {results['date']} with `{results['command']}`.",
        "",
        "Machine and versions: "
        + ", ".join(f"{k} {v}" for k, v in results["versions"].items()),
        "",
        "Fit time as a multiple of the hand-tuned PyTorch loop (median of paired "
        "ratios over fresh processes; lower is better).",
        "",
    ]
    rows = results["fit"]
    contenders = [c for c in CONTENDERS if any(r["contender"] == c for r in rows)]
    for t in sorted({r["threads"] for r in rows}, key=lambda t: (t != 1, t)):
        label = (
            "one thread"
            if t == 1
            else ("default threads" if t == 0 else f"{t} threads")
        )
        lines += [
            f"## {label}",
            "",
            "| workload | " + " | ".join(contenders) + " | tuned s |",
            "|---|" + "---|" * (len(contenders) + 1),
        ]
        for w in WORKLOADS:
            sel = {
                r["contender"]: r
                for r in rows
                if r["workload"] == w and r["threads"] == t
            }
            if not sel:
                continue
            cells = []
            for c in contenders:
                r = sel.get(c)
                cells.append(
                    "–"
                    if r is None or r["ratio_to_tuned"] is None
                    else f"{r['ratio_to_tuned']:.2f}x"
                )
            tuned = sel.get(ANCHOR, {}).get("median_s")
            tuned_cell = f"{tuned:.2f}" if tuned else "–"
            lines.append(
                f"| {w} {WORKLOADS[w].title} | "
                + " | ".join(cells)
                + f" | {tuned_cell} |"
            )
        lines.append("")
    if results.get("extras"):
        lines += ["## Other measurements", ""]
        for key, value in results["extras"].items():
            verdict = ""
            if key.startswith("jit_compile") and isinstance(value, float):
                verdict = (
                    " (pays)" if value < 1 else " (does not pay on a run this short)"
                )
            lines.append(f"- {key}: {value}{verdict}")
        lines.append("")
    if results.get("note"):
        lines += [results["note"], ""]
    lines += [
        "Timings on this shared 2-core virtual machine move by 10 to 20% between",
        "runs; a ratio within about 0.05 of 1.00 is a tie.",
        "",
        "GPU: not measured; no GPU machine was lent to this task.",
        "",
    ]
    tmp = path.with_suffix(".tmp")
    tmp.write_text("\n".join(lines))
    tmp.replace(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workloads", default=",".join(WORKLOADS))
    parser.add_argument("--contenders", default=",".join(CONTENDERS))
    parser.add_argument("--threads", default="1,0", help="1 = one thread, 0 = default")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--no-extras", action="store_true")
    parser.add_argument(
        "--out", default=str(ROOT / "benchmarks" / "results" / "results.json")
    )
    parser.add_argument("--md", default=str(ROOT / "benchmarks" / "RESULTS.md"))
    parser.add_argument(
        "--render", metavar="JSON", help="only rewrite --md from a results file"
    )
    args = parser.parse_args()
    if args.render:
        write_markdown(json.loads(Path(args.render).read_text()), Path(args.md))
        return
    fit = measure(
        args.workloads.split(","),
        args.contenders.split(","),
        [int(t) for t in args.threads.split(",")],
        args.repeats,
        args.scale,
    )
    results = {
        "date": time.strftime("%Y-%m-%d"),
        "versions": _versions(),
        "command": "python -m benchmarks.run " + " ".join(sys.argv[1:]),
        "fit": fit,
        "extras": {} if args.no_extras else run_extras(args.repeats),
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    tmp.write_text(json.dumps(results, indent=1))
    tmp.replace(out)
    write_markdown(results, Path(args.md))
    print(Path(args.md).read_text())


if __name__ == "__main__":
    main()
