"""Data-parallel fit under torchrun equals one process on the same global batch.

The same unchanged script (ddp_script.py) runs alone and under
`torchrun --nproc-per-node 2` (gloo, one thread each). Losses must agree within
1e-4 relative and weights within 1e-5; both ranks must end identical; predict
must return every row on every rank; only rank 0 may write files.
"""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

SCRIPT = Path(__file__).with_name("ddp_script.py")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(args: list, out: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("RANK", "WORLD_SIZE")}
    env.update(OMP_NUM_THREADS="1", MASTER_ADDR="127.0.0.1")
    proc = subprocess.run(
        [*args, str(SCRIPT), str(out), out.name.split("-")[0]],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
    return proc.stdout


def _result(path: Path) -> dict:
    return json.loads(path.read_text())


@pytest.mark.parametrize("mode", ["noshuffle", "shuffle", "stream"])
def test_two_processes_equal_one(tmp_path, mode):
    alone, ranks = tmp_path / f"{mode}-alone", tmp_path / f"{mode}-ddp"
    alone.mkdir()
    ranks.mkdir()
    _run([sys.executable], alone)
    printed = _run(
        [
            sys.executable,
            "-m",
            "torch.distributed.run",
            "--nproc-per-node",
            "2",
            "--master-port",
            str(_free_port()),
        ],
        ranks,
    )
    one = _result(alone / "result_0.json")
    r0, r1 = _result(ranks / "result_0.json"), _result(ranks / "result_1.json")
    assert r0 == r1  # every rank ends with the same weights, logs and outputs
    assert r0["world"] == 2 and one["world"] == 1
    assert sorted(r0["history"]) == ["loss", "mae", "val_loss", "val_mae"]
    for key, values in one["history"].items():
        np.testing.assert_allclose(r0["history"][key], values, rtol=1e-4)
    for a, b in zip(r0["weights"], one["weights"]):
        np.testing.assert_allclose(a, b, atol=1e-5)
    assert len(r0["predict"]) == (96 if mode == "stream" else 101)  # all, in order
    np.testing.assert_allclose(r0["predict"], one["predict"], atol=1e-5)
    np.testing.assert_allclose(r0["evaluate"], one["evaluate"], rtol=1e-4)
    # rank 0 alone prints and writes files
    assert printed.count("Epoch 4/4") == 1
    assert sorted(os.listdir(ranks / "files_0")) == ["log.csv", "model.keras"]
    assert os.listdir(ranks / "files_1") == []
    ddp_log = np.genfromtxt(ranks / "files_0" / "log.csv", delimiter=",", names=True)
    one_log = np.genfromtxt(alone / "files_0" / "log.csv", delimiter=",", names=True)
    assert ddp_log.dtype.names == one_log.dtype.names
    for name in one_log.dtype.names:
        np.testing.assert_allclose(ddp_log[name], one_log[name], rtol=1e-4)
