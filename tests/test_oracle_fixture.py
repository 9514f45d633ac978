"""The `keras` fixture fails, never skips, when the oracle is missing or off torch."""

import importlib.util
import os
import pathlib
import shutil
import subprocess
import sys
import types

import pytest

CONFTEST = pathlib.Path(__file__).with_name("conftest.py")


@pytest.fixture
def conftest():
    """tests/conftest.py loaded as a plain module (it is not importable by name)."""
    spec = importlib.util.spec_from_file_location("_lamina_conftest", CONFTEST)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def fake_keras(backend_name):
    module = types.ModuleType("keras")
    module.backend = types.SimpleNamespace(backend=lambda: backend_name)
    return module


def test_missing_keras_fails(conftest, monkeypatch):
    monkeypatch.setitem(sys.modules, "keras", None)  # import keras -> ImportError
    monkeypatch.delenv("LAMINA_ALLOW_NO_KERAS", raising=False)
    with pytest.raises(pytest.fail.Exception, match="oracle, cannot be imported"):
        conftest.oracle_or_fail()


def test_keras_on_another_backend_fails(conftest, monkeypatch):
    monkeypatch.setitem(sys.modules, "keras", fake_keras("jax"))
    monkeypatch.delenv("LAMINA_ALLOW_NO_KERAS", raising=False)
    with pytest.raises(pytest.fail.Exception, match="runs on 'jax', not 'torch'"):
        conftest.oracle_or_fail()


def test_explicit_opt_out_skips(conftest, monkeypatch):
    monkeypatch.setitem(sys.modules, "keras", None)
    monkeypatch.setenv("LAMINA_ALLOW_NO_KERAS", "1")
    with pytest.raises(pytest.skip.Exception, match=r"\(LAMINA_ALLOW_NO_KERAS=1\)"):
        conftest.oracle_or_fail()


def test_opt_out_needs_the_value_one(conftest, monkeypatch):
    monkeypatch.setitem(sys.modules, "keras", None)
    monkeypatch.setenv("LAMINA_ALLOW_NO_KERAS", "yes")
    with pytest.raises(pytest.fail.Exception, match="set LAMINA_ALLOW_NO_KERAS=1"):
        conftest.oracle_or_fail()


def test_the_real_oracle_is_returned(conftest, keras):
    assert conftest.oracle_or_fail() is keras
    assert keras.backend.backend() == "torch"


def test_a_run_without_keras_reports_a_failure_not_a_skip(tmp_path):
    """End to end: pytest itself, in a fresh process, counts a failure."""
    (tmp_path / "shadow" / "keras").mkdir(parents=True)
    (tmp_path / "shadow" / "keras" / "__init__.py").write_text(
        "raise ImportError('simulated: keras is not installed')\n"
    )
    (tmp_path / "probe").mkdir()
    shutil.copy(CONFTEST, tmp_path / "probe" / "conftest.py")
    (tmp_path / "probe" / "test_probe.py").write_text(
        "def test_needs_oracle(keras):\n    pass\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "LAMINA_ALLOW_NO_KERAS"}
    env["PYTHONPATH"] = str(tmp_path / "shadow")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=tmp_path / "probe",
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    assert "1 error" in out, out
    assert "simulated: keras is not installed" in out, out
    assert "skipped" not in out, out
