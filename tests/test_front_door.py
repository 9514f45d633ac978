"""The README's code blocks and the examples run as written."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _python_blocks():
    text = (ROOT / "README.md").read_text()
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def test_readme_python_blocks_run(capsys):
    blocks = _python_blocks()
    assert len(blocks) >= 2
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {"__name__": "readme"})
    assert "20" in capsys.readouterr().out


def test_readme_commands_match_ci_script():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    test_cmd = re.search(
        r"pip install -e \"\.\[test\]\" && (python -m pytest[^\n`]*)", readme
    )
    assert test_cmd is not None
    assert test_cmd.group(1) in ci


def test_quickstart_example_runs(tmp_path):
    out = tmp_path / "curve.png"
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "examples" / "quickstart.py"),
            "--epochs",
            "2",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        env={
            "OMP_NUM_THREADS": "1",
            "PATH": "/usr/bin:/bin",
            "HOME": str(tmp_path),
            "MPLBACKEND": "Agg",
        },
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Epoch 2/2" in proc.stdout
    assert "validation MAE" in proc.stdout
    assert out.stat().st_size > 1000


def test_watch_layers_example_saves_before_and_after_panels(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "examples" / "watch_layers.py"),
            "--epochs",
            "2",
            "--out-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        env={"OMP_NUM_THREADS": "1", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "hidden_1 (3, 8), first units:" in proc.stdout
    for name in ("layers_before.png", "layers_after.png", "watch_layers_curve.png"):
        assert (tmp_path / name).stat().st_size > 1000
