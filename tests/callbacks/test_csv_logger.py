"""CSVLogger: the file Keras's CSVLogger writes for the same epochs, byte for byte."""

import numpy as np
import pytest

import lamina
from lamina import callbacks

SCRIPTS = [
    [{"loss": 0.5, "mae": 0.25}, {"loss": 0.25, "mae": 0.125}],
    [
        {"loss": 1.0, "accuracy": 0.5, "val_loss": 1.5, "val_accuracy": 0.25},
        {"loss": 0.75, "accuracy": 0.625, "val_loss": 1.25, "val_accuracy": 0.5},
        {"loss": 0.5, "accuracy": 0.75, "val_loss": 1.0, "val_accuracy": 0.5},
    ],
    [{"loss": 0.1, "val_loss": 0.2}, {"loss": 0.3}],  # a missing key: NA
    [{"loss": 0.1, "lr": np.array([1, 2])}],  # an array value
]


def _drive(cb, script, epochs_from=0):
    cb.on_train_begin({})
    for i, logs in enumerate(script):
        cb.on_epoch_end(epochs_from + i, dict(logs))
    cb.on_train_end({})


def _write(lib, path, script, **kwargs):
    _drive(lib.callbacks.CSVLogger(str(path), **kwargs), script)
    return path.read_bytes()


@pytest.mark.parametrize("script", SCRIPTS)
@pytest.mark.parametrize("separator", [",", ";"])
def test_csv_matches_keras(keras, tmp_path, script, separator):
    ours = _write(lamina, tmp_path / "ours.csv", script, separator=separator)
    theirs = _write(keras, tmp_path / "theirs.csv", script, separator=separator)
    assert ours == theirs


def test_append_matches_keras(keras, tmp_path):
    for lib, name in ((lamina, "ours.csv"), (keras, "theirs.csv")):
        path = tmp_path / name
        _drive(lib.callbacks.CSVLogger(str(path)), SCRIPTS[1][:2])
        _drive(lib.callbacks.CSVLogger(str(path), append=True), SCRIPTS[1][2:], 2)
    assert (tmp_path / "ours.csv").read_bytes() == (
        tmp_path / "theirs.csv"
    ).read_bytes()


def test_csv_rows_and_header(tmp_path):
    path = tmp_path / "log.csv"
    _drive(callbacks.CSVLogger(path), SCRIPTS[0])
    assert path.read_text().splitlines() == [
        "epoch,loss,mae,val_loss,val_mae",
        "0,0.5,0.25,NA,NA",
        "1,0.25,0.125,NA,NA",
    ]


def test_csv_overwrites_without_append_and_leaves_no_temp_files(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("old contents\n")
    _drive(callbacks.CSVLogger(path), SCRIPTS[0][:1])
    assert path.read_text().splitlines()[0] == "epoch,loss,mae,val_loss,val_mae"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log.csv"]


def test_csv_logger_in_fit_writes_the_history(tmp_path):
    x = np.ones((8, 2), "float32")
    model = lamina.Sequential([lamina.Input((2,)), lamina.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    path = tmp_path / "fit.csv"
    history = model.fit(
        x,
        x[:, :1],
        epochs=3,
        validation_split=0.25,
        verbose=0,
        callbacks=callbacks.CSVLogger(path),
    )
    lines = path.read_text().splitlines()
    assert lines[0] == "epoch,loss,mae,val_loss,val_mae"
    rows = [line.split(",") for line in lines[1:]]
    assert [int(r[0]) for r in rows] == [0, 1, 2]
    np.testing.assert_allclose(
        [float(r[1]) for r in rows], history.history["loss"], rtol=1e-6
    )
    np.testing.assert_allclose(
        [float(r[3]) for r in rows], history.history["val_loss"], rtol=1e-6
    )
