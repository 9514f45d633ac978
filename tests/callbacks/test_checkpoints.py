"""ModelCheckpoint and BackupAndRestore: scripted metric sequences against Keras,
real fits, and a training process killed and restarted."""

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import lamina

X = np.linspace(-1, 1, 16, dtype="float32").reshape(8, 2)
Y = (X @ np.array([[1.0], [-2.0]], dtype="float32")) + 0.5


def _drive(lib_model, callback, script, batches=0):
    """Runs the callback's hooks over scripted epoch logs (and batches)."""
    callback.set_model(lib_model)
    callback.on_train_begin({})
    for epoch, logs in enumerate(script):
        callback.on_epoch_begin(epoch, {})
        for batch in range(batches):
            callback.on_train_batch_end(batch, {"loss": 1.0})
        callback.on_epoch_end(epoch, dict(logs))
    callback.on_train_end({})


def _model(lib):
    model = lib.Sequential([lib.Input((2,)), lib.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    return model


SCRIPTS = {
    "best_val_loss": (
        {"monitor": "val_loss", "save_best_only": True},
        [{"val_loss": v} for v in (0.5, 0.4, 0.45, 0.3, 0.35, 0.3)],
        "{epoch:02d}-{val_loss:.2f}.keras",
    ),
    "max_accuracy_with_threshold": (
        {
            "monitor": "val_accuracy",
            "mode": "max",
            "save_best_only": True,
            "initial_value_threshold": 0.6,
        },
        [{"val_accuracy": v} for v in (0.5, 0.7, 0.65, 0.8, 0.8)],
        "acc{epoch}.weights.h5",
    ),
    "explicit_min_mode": (
        {"monitor": "score", "mode": "min", "save_best_only": True},
        [{"score": v} for v in (3.0, 2.0, 2.5, 1.0)],
        "s{epoch}.keras",
    ),
    "every_epoch": ({}, [{"loss": v} for v in (1.0, 2.0, 3.0)], "e{epoch}.keras"),
}


def _run_script(lib, folder, name, batches=0):
    kwargs, script, pattern = SCRIPTS[name]
    os.makedirs(folder, exist_ok=True)
    weights_only = pattern.endswith(".weights.h5")
    callback = lib.callbacks.ModelCheckpoint(
        os.path.join(folder, pattern), save_weights_only=weights_only, **kwargs
    )
    _drive(_model(lib), callback, script, batches)
    return sorted(os.listdir(folder))


EXPECTED = {
    "best_val_loss": ["01-0.50.keras", "02-0.40.keras", "04-0.30.keras"],
    "max_accuracy_with_threshold": ["acc2.weights.h5", "acc4.weights.h5"],
    "explicit_min_mode": ["s1.keras", "s2.keras", "s4.keras"],
    "every_epoch": ["e1.keras", "e2.keras", "e3.keras"],
}


@pytest.mark.parametrize("name", list(SCRIPTS))
def test_checkpoint_saves_exact_epochs_like_keras(keras, name, tmp_path):
    ours = _run_script(lamina, tmp_path / "lamina", name)
    theirs = _run_script(keras, tmp_path / "keras", name)
    assert ours == EXPECTED[name]
    assert ours == theirs


def test_checkpoint_save_freq_in_batches_like_keras(keras, tmp_path):
    paths = {}
    for lib in (lamina, keras):
        folder = tmp_path / lib.__name__
        callback = lib.callbacks.ModelCheckpoint(
            os.path.join(folder, "e{epoch}-b{batch}.keras"), save_freq=3
        )
        _drive(_model(lib), callback, [{"loss": 1.0}] * 2, batches=4)
        paths[lib.__name__] = sorted(os.listdir(folder))
    assert paths["lamina"] == ["e1-b3.keras", "e2-b2.keras"]
    assert paths["lamina"] == paths["keras"]


def test_checkpoint_missing_monitor_warns_and_saves(tmp_path):
    callback = lamina.callbacks.ModelCheckpoint(
        str(tmp_path / "m.keras"), monitor="val_loss", save_best_only=True
    )
    with pytest.warns(UserWarning, match="only with val_loss available"):
        _drive(_model(lamina), callback, [{"loss": 1.0}])
    assert os.listdir(tmp_path) == ["m.keras"]


def test_checkpoint_bad_arguments():
    with pytest.raises(ValueError, match="Unrecognized save_freq: often"):
        lamina.callbacks.ModelCheckpoint("m.keras", save_freq="often")
    with pytest.raises(ValueError, match=r"must end in `\.weights\.h5`"):
        lamina.callbacks.ModelCheckpoint("m.keras", save_weights_only=True)
    with pytest.raises(ValueError, match=r"must end in `\.keras`"):
        lamina.callbacks.ModelCheckpoint("m.ckpt")
    with pytest.warns(UserWarning, match="mode 'sideways' is unknown"):
        lamina.callbacks.ModelCheckpoint("m.keras", mode="sideways")
    callback = lamina.callbacks.ModelCheckpoint("{nope}.keras")
    with pytest.raises(KeyError, match="Failed to format this callback filepath"):
        _drive(_model(lamina), callback, [{"loss": 1.0}])


def test_checkpoint_in_fit_keeps_best_model(tmp_path):
    lamina.utils.set_random_seed(0)
    model = _model(lamina)
    path = str(tmp_path / "best.keras")
    seen = []
    recorder = lamina.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: seen.append(
            (logs["val_loss"], model.get_weights())
        )
    )
    checkpoint = lamina.callbacks.ModelCheckpoint(path, save_best_only=True)
    model.fit(
        X,
        Y,
        validation_data=(X, Y),
        epochs=4,
        batch_size=4,
        verbose=0,
        callbacks=[recorder, checkpoint],
    )
    best_loss, best_weights = min(seen, key=lambda item: item[0])
    loaded = lamina.models.load_model(path)
    for a, b in zip(loaded.get_weights(), best_weights):
        np.testing.assert_array_equal(a, b)


def test_backup_and_restore_arguments():
    with pytest.raises(ValueError, match="Empty `backup_dir`"):
        lamina.callbacks.BackupAndRestore("")
    with pytest.raises(ValueError, match="save_freq=sometimes"):
        lamina.callbacks.BackupAndRestore("b", save_freq="sometimes")


_TRAIN = textwrap.dedent(
    """
    import os, signal, sys
    import numpy as np
    import lamina

    backup, kill_after, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    lamina.utils.set_random_seed(0)
    x = np.linspace(-1, 1, 16, dtype="float32").reshape(8, 2)
    y = x @ np.array([[1.0], [-2.0]], dtype="float32") + 0.5
    model = lamina.Sequential([lamina.Input((2,)), lamina.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")

    def on_epoch_begin(epoch, logs):
        print("epoch", epoch, flush=True)

    def on_epoch_end(epoch, logs):
        if epoch + 1 == kill_after:
            os.kill(os.getpid(), signal.SIGKILL)  # dies right after the backup

    callbacks = [
        lamina.callbacks.BackupAndRestore(backup),
        lamina.callbacks.LambdaCallback(
            on_epoch_begin=on_epoch_begin, on_epoch_end=on_epoch_end
        ),
    ]
    model.fit(x, y, epochs=6, batch_size=2, shuffle=False, verbose=0,
              callbacks=callbacks)
    np.save(out, np.concatenate([w.ravel() for w in model.get_weights()]))
    """
)


def _train(backup, kill_after, out):
    return subprocess.run(
        [sys.executable, "-c", _TRAIN, str(backup), str(kill_after), str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_backup_and_restore_resumes_a_killed_fit(tmp_path):
    backup = tmp_path / "backup"
    killed = _train(backup, 3, tmp_path / "never.npy")
    assert killed.returncode == -9
    assert killed.stdout.split() == ["epoch", "0", "epoch", "1", "epoch", "2"]
    assert sorted(os.listdir(backup)) == ["latest.weights.h5", "training_metadata.json"]
    resumed = _train(backup, 0, tmp_path / "resumed.npy")
    assert resumed.returncode == 0, resumed.stderr
    assert resumed.stdout.split() == ["epoch", "3", "epoch", "4", "epoch", "5"]
    assert not backup.exists()  # deleted when training ended
    # The same run, uninterrupted, in this process.
    lamina.utils.set_random_seed(0)
    model = lamina.Sequential([lamina.Input((2,)), lamina.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(X, Y, epochs=6, batch_size=2, shuffle=False, verbose=0)
    straight = np.concatenate([w.ravel() for w in model.get_weights()])
    np.testing.assert_allclose(np.load(tmp_path / "resumed.npy"), straight, atol=1e-6)
