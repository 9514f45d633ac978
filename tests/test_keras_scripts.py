"""Keras scripts run unchanged: `python -m lamina script.py` and
`lamina.install_as_keras()` answer `import keras` / `from tensorflow import keras`
with lamina, for that run only."""

import os
import subprocess
import sys
import textwrap

import pytest

import lamina
from lamina._keras_alias import install_as_keras, uninstall_as_keras

TF_SCRIPT = textwrap.dedent(
    """
    import sys

    import numpy as np
    from tensorflow import keras
    from tensorflow.keras import layers

    print("argv", sys.argv[1:])
    x = np.linspace(-1, 1, 64, dtype="float32").reshape(-1, 1)
    y = 3 * x + 1
    model = keras.Sequential([keras.Input((1,)), layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.5), loss="mse")
    history = model.fit(x, y, epochs=int(sys.argv[1]), batch_size=16, verbose=0)
    print("engine", type(model).__module__.split(".")[0])
    print("final_loss", history.history["loss"][-1])

    import keras
    from keras import ops
    from keras.layers import Dense
    import tensorflow as tf

    assert keras.layers is layers and layers.Dense is Dense and tf.keras is keras
    tf.random.set_seed(5)
    a = keras.random.normal((2,))
    tf.random.set_seed(5)
    assert bool((keras.random.normal((2,)) == a).all())
    print("modules", keras.__name__, ops.__name__, __name__)

    for call in (lambda: tf.constant(1), lambda: tf.random.normal((2,))):
        try:
            call()
        except AttributeError as err:
            print("error", err)
    sys.exit(3)  # the script's exit status is the run's
    """
)


def _run(tmp_path, text, *args, env_extra=None):
    script = tmp_path / "script.py"
    script.write_text(text)
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run(
        [sys.executable, "-m", "lamina", str(script), *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env=env,
    )


def test_tensorflow_keras_script_runs_on_lamina(tmp_path):
    done = _run(tmp_path, TF_SCRIPT, "8", "--flag")
    assert done.returncode == 3, done.stderr
    errors = [line for line in done.stdout.splitlines() if line.startswith("error")]
    assert "lamina stands in for `tensorflow.keras` only" in errors[0]
    assert "`tensorflow.constant`" in errors[0]
    assert "`tensorflow.random.normal` is TensorFlow's own" in errors[1]
    lines = dict(line.split(" ", 1) for line in done.stdout.splitlines())
    assert lines["argv"] == "['8', '--flag']"
    assert lines["engine"] == "lamina"
    assert float(lines["final_loss"]) < 0.05  # y = 3x + 1 is learnt
    assert lines["modules"] == "lamina lamina.ops __main__"


def test_usage_and_missing_script(tmp_path, capsys):
    from lamina.__main__ import main

    with pytest.raises(SystemExit, match="2"):
        main([])
    assert "usage: python -m lamina script.py" in capsys.readouterr().err
    with pytest.raises(SystemExit, match="2"):
        main([str(tmp_path / "nope.py")])
    assert "can't open file" in capsys.readouterr().err


@pytest.fixture
def aliased():
    saved = {n: sys.modules[n] for n in list(sys.modules) if n.split(".")[0] == "keras"}
    with pytest.warns(UserWarning, match="was imported before") if saved else _no():
        install_as_keras()
    yield
    uninstall_as_keras()
    for name, module in saved.items():
        assert sys.modules[name] is module  # the real Keras is back


class _no:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_install_as_keras_in_process(aliased):
    import keras
    from keras.layers import Dense
    from tensorflow.keras import layers

    assert keras is lamina
    assert layers is lamina.layers and Dense is lamina.layers.Dense
    assert lamina.__spec__.name == "lamina"  # lamina keeps its own spec
    with pytest.raises(ModuleNotFoundError, match="lamina has no `keras.nothing_here`"):
        import keras.nothing_here


def test_install_as_keras_is_exported():
    assert lamina.install_as_keras is install_as_keras
    assert lamina.uninstall_as_keras is uninstall_as_keras
