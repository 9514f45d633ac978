"""Safe files: atomic writes, clear errors for bad files, no code run by default,
h5py optional."""

import os
import signal
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import lamina
from lamina import _registry

X = np.arange(6, dtype="float32").reshape(2, 3)


def _model():
    return lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(2)])


_SAVE_FOREVER = textwrap.dedent(
    """
    import sys, time, zipfile
    import lamina

    path = sys.argv[1]
    model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(2)])
    original = zipfile.ZipFile.writestr

    def slow_writestr(self, name, data, *args, **kwargs):
        original(self, name, data, *args, **kwargs)
        if name == "config.json":
            self.fp.flush()
            print("writing", flush=True)
            time.sleep(60)  # killed here, with the archive half written

    zipfile.ZipFile.writestr = slow_writestr
    model.save(path)
    """
)


def test_killed_save_leaves_previous_file_loadable(tmp_path):
    path = tmp_path / "model.keras"
    model = _model()
    model.save(path)
    expected = model.predict(X, verbose=0)
    with subprocess.Popen(
        [sys.executable, "-c", _SAVE_FOREVER, str(path)],
        stdout=subprocess.PIPE,
        text=True,
    ) as proc:
        try:
            assert proc.stdout.readline().strip() == "writing"
            partial = [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
            assert len(partial) == 1  # the new archive, half written, beside it
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    loaded = lamina.models.load_model(path)
    np.testing.assert_allclose(loaded.predict(X, verbose=0), expected)


def test_failed_save_removes_its_temporary_file(tmp_path):
    path = tmp_path / "model.keras"
    with pytest.raises(ValueError, match="not yet been built"):
        lamina.Sequential([lamina.layers.Dense(2)]).save(path)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fraction", [0.0, 0.1, 0.5, 0.9, 0.99])
def test_truncated_keras_file_gets_clear_error(tmp_path, fraction):
    path = tmp_path / "model.keras"
    _model().save(path)
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * fraction)])
    with pytest.raises(ValueError, match=r"model\.keras.*(not a valid|corrupt)"):
        lamina.models.load_model(path)


@pytest.mark.parametrize("fraction", [0.0, 0.3, 0.8])
def test_truncated_weights_file_gets_clear_error(tmp_path, fraction):
    path = tmp_path / "model.weights.h5"
    model = _model()
    model.save_weights(path)
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * fraction)])
    with pytest.raises(ValueError, match=r"model\.weights\.h5.*not a readable HDF5"):
        model.load_weights(path)


def test_wrong_format_and_missing_file(tmp_path):
    path = tmp_path / "notes.keras"
    path.write_text("hello")
    with pytest.raises(ValueError, match=r"notes\.keras' is not a valid .keras file"):
        lamina.models.load_model(path)
    with pytest.raises(ValueError, match="File not found"):
        lamina.models.load_model(tmp_path / "absent.keras")
    with pytest.raises(ValueError, match="Invalid filepath extension"):
        _model().save(tmp_path / "model.pt")
    with pytest.raises(ValueError, match=r"must end in `\.weights\.h5`"):
        _model().save_weights(tmp_path / "model.h5x")


def test_corrupt_config_names_the_file(tmp_path):
    import zipfile

    path = tmp_path / "model.keras"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("metadata.json", "{}")
        zf.writestr("config.json", "{not json")
    with pytest.raises(ValueError, match=r"model\.keras' is corrupt: its config"):
        lamina.models.load_model(path)


def test_overwrite_false_refuses(tmp_path):
    path = tmp_path / "model.keras"
    _model().save(path)
    with pytest.raises(FileExistsError, match="overwrite=False"):
        _model().save(path, overwrite=False)


def _lambda_model():
    inputs = lamina.Input((3,))
    outputs = lamina.layers.Lambda(lambda x: x * 2.0 + 1.0)(inputs)
    return lamina.Model(inputs, outputs)


def test_lambda_needs_safe_mode_false(tmp_path):
    path = tmp_path / "lambda.keras"
    _lambda_model().save(path)
    with pytest.raises(ValueError, match="pass `safe_mode=False`"):
        lamina.models.load_model(path)
    loaded = lamina.models.load_model(path, safe_mode=False)
    np.testing.assert_allclose(loaded.predict(X, verbose=0), X * 2.0 + 1.0)


def test_enable_unsafe_deserialization_is_the_other_remedy(tmp_path):
    path = tmp_path / "lambda.keras"
    _lambda_model().save(path)
    try:
        lamina.config.enable_unsafe_deserialization()
        loaded = lamina.models.load_model(path)
    finally:
        _registry.disable_unsafe_deserialization()
    np.testing.assert_allclose(loaded.predict(X, verbose=0), X * 2.0 + 1.0)
    with pytest.raises(ValueError, match="enable_unsafe_deserialization"):
        lamina.models.load_model(path)


def test_lambda_from_config_safe_mode_false_works():
    layer = lamina.layers.Lambda(lambda x: x + 3.0)
    config = layer.get_config()
    with pytest.raises(ValueError, match="safe_mode=False"):
        lamina.layers.Lambda.from_config(config)
    rebuilt = lamina.layers.Lambda.from_config(config, safe_mode=False)
    np.testing.assert_allclose(rebuilt(X).numpy(), X + 3.0)


def test_keras_lambda_file_loads_with_safe_mode_false(keras, tmp_path):
    inputs = keras.Input((3,))
    outputs = keras.layers.Lambda(lambda x: x * 3.0)(inputs)
    keras.Model(inputs, outputs).save(tmp_path / "k.keras")
    with pytest.raises(ValueError, match="safe_mode=False"):
        lamina.models.load_model(tmp_path / "k.keras")
    loaded = lamina.models.load_model(tmp_path / "k.keras", safe_mode=False)
    np.testing.assert_allclose(loaded.predict(X, verbose=0), X * 3.0)


def test_saving_without_h5py_names_the_extra(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "h5py", None)  # `import h5py` now fails
    with pytest.raises(ImportError, match=r'pip install "lamina\[h5\]"'):
        _model().save(tmp_path / "model.keras")
    with pytest.raises(ImportError, match=r'pip install "lamina\[h5\]"'):
        _model().save_weights(tmp_path / "model.weights.h5")
    assert not os.listdir(tmp_path)
