"""Callbacks driven by scripted metric sequences, checked against Keras's."""

import math

import numpy as np
import pytest

import lamina
from lamina import callbacks, layers


class FakeModel:
    metrics = [lamina.metrics.Accuracy()]  # `mode="auto"` reads its direction

    def __init__(self):
        self.stop_training = False
        self.weights_now = [np.zeros(1)]
        self.restored = None

    def get_weights(self):
        return [w.copy() for w in self.weights_now]

    def set_weights(self, weights):
        self.restored = weights


def _drive(cb, values, monitor="val_loss"):
    model = FakeModel()
    cb.set_model(model)
    cb.on_train_begin({})
    for epoch, v in enumerate(values):
        model.weights_now = [np.array([float(epoch)])]
        cb.on_epoch_end(epoch, {monitor: v})
        if model.stop_training:
            return epoch, model
    return None, model


SEQUENCES = [
    [1.0, 0.9, 0.8, 0.85, 0.86, 0.87, 0.7],
    [1.0, 1.0, 1.0, 1.0],
    [0.5, 0.49, 0.489, 0.488, 0.2, 0.3, 0.4, 0.5],
]


@pytest.mark.parametrize("values", SEQUENCES)
@pytest.mark.parametrize(
    "kwargs",
    [
        {"patience": 0},
        {"patience": 2},
        {"patience": 1, "min_delta": 0.005},
        {"patience": 2, "baseline": 0.45},
        {"patience": 1, "start_from_epoch": 3},
    ],
)
def test_early_stopping_stops_where_keras_does(keras, values, kwargs):
    ours, _ = _drive(callbacks.EarlyStopping(**kwargs), values)
    theirs, _ = _drive(keras.callbacks.EarlyStopping(**kwargs), values)
    assert ours == theirs


def test_early_stopping_exact_epoch_and_restore():
    cb = callbacks.EarlyStopping(patience=2, restore_best_weights=True)
    stop, model = _drive(cb, [1.0, 0.5, 0.6, 0.7, 0.1])
    assert stop == 3
    assert cb.best_epoch == 1
    assert model.restored[0].tolist() == [1.0]


def test_early_stopping_max_mode_for_accuracy():
    cb = callbacks.EarlyStopping(monitor="val_accuracy", patience=1)
    stop, _ = _drive(cb, [0.5, 0.6, 0.55, 0.54], monitor="val_accuracy")
    assert cb.mode == "max" and stop == 2


def test_early_stopping_bad_mode():
    with pytest.raises(ValueError, match="Received: mode='up'"):
        callbacks.EarlyStopping(mode="up")


def test_early_stopping_in_fit_stops_training():
    x = np.random.default_rng(0).normal(size=(32, 2)).astype("float32")
    y = np.zeros((32, 1), "float32")
    model = lamina.Sequential([layers.Dense(1, input_shape=(2,))])
    model.compile(optimizer=lamina.optimizers.SGD(0.0), loss="mse")
    h = model.fit(
        x,
        y,
        epochs=10,
        verbose=0,
        validation_data=(x, y),
        callbacks=[callbacks.EarlyStopping(patience=2)],
    )
    assert h.epoch == [0, 1, 2]


def test_terminate_on_nan():
    x = np.ones((16, 2), "float32")
    y = np.full((16, 1), np.inf, "float32")
    model = lamina.Sequential([layers.Dense(1, input_shape=(2,))])
    model.compile(optimizer="sgd", loss="mse")
    seen = []
    cb = callbacks.LambdaCallback(
        on_train_batch_end=lambda b, logs: seen.append(logs["loss"])
    )
    h = model.fit(
        x,
        y,
        epochs=3,
        batch_size=4,
        verbose=0,
        callbacks=[callbacks.TerminateOnNaN(), cb],
    )
    assert len(seen) == 1 and not math.isfinite(seen[0])
    assert len(h.epoch) == 1


def test_hook_order_and_logs():
    events = []

    class Recorder(callbacks.Callback):
        def on_train_begin(self, logs=None):
            events.append("train_begin")

        def on_epoch_begin(self, epoch, logs=None):
            events.append(f"epoch_begin {epoch}")

        def on_train_batch_end(self, batch, logs=None):
            events.append(f"batch_end {batch} {sorted(logs)}")

        def on_epoch_end(self, epoch, logs=None):
            events.append(f"epoch_end {epoch} {sorted(logs)}")

        def on_train_end(self, logs=None):
            events.append("train_end")

    x = np.ones((8, 2), "float32")
    model = lamina.Sequential([layers.Dense(1, input_shape=(2,))])
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    model.fit(x, x[:, :1], epochs=1, batch_size=4, verbose=0, callbacks=[Recorder()])
    assert events == [
        "train_begin",
        "epoch_begin 0",
        "batch_end 0 ['loss', 'mae']",
        "batch_end 1 ['loss', 'mae']",
        "epoch_end 0 ['loss', 'mae']",
        "train_end",
    ]


def test_callbacks_must_be_callbacks():
    model = lamina.Sequential([layers.Dense(1, input_shape=(2,))])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(TypeError, match="Callback"):
        model.fit(np.ones((4, 2)), np.ones(4), verbose=0, callbacks=[print])


class _Terminal:
    """A stream that says it is a terminal, to see the live bar."""

    def __init__(self):
        self.text = ""

    def write(self, s):
        self.text += s

    def flush(self):
        pass

    def isatty(self):
        return True


def test_progress_bar_on_a_terminal_shows_epochs_and_metrics():
    x = np.ones((64, 2), "float32")
    model = lamina.Sequential([layers.Dense(1, input_shape=(2,))])
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    stream = _Terminal()
    model.fit(
        x,
        x[:, :1],
        epochs=2,
        batch_size=8,
        verbose=1,
        callbacks=[callbacks.ProgbarLogger(stream=stream)],
    )
    assert "Epoch 1/2" in stream.text and "Epoch 2/2" in stream.text
    assert "8/8" in stream.text
    assert "loss: " in stream.text and "mae: " in stream.text


def test_verbose_zero_prints_nothing(capsys):
    x = np.ones((16, 2), "float32")
    model = lamina.Sequential([layers.Dense(1, input_shape=(2,))])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, x[:, :1], epochs=2, verbose=0)
    model.evaluate(x, x[:, :1], verbose=0)
    model.predict(x, verbose=0)
    assert capsys.readouterr().out == ""


def _auto_modes(lib, monitors):
    """The mode each callback picks for `mode="auto"` after one epoch of fit."""
    inp = lib.Input((3,))
    model = lib.Model(inp, lib.layers.Dense(2, activation="softmax")(inp))
    model.compile(
        "sgd",
        "categorical_crossentropy",
        metrics=[
            lib.metrics.F1Score(average="macro", name="f1"),
            lib.metrics.MeanAbsoluteError(name="acc_err"),  # a name saying "acc"
            lib.metrics.CategoricalAccuracy(name="zzz"),
            lib.metrics.AUC(name="a2"),
            "accuracy",
            "mae",
        ],
    )
    x = np.ones((4, 3), "float32")
    y = np.eye(2, dtype="float32")[[0, 1, 0, 1]]
    modes = {}
    for monitor in monitors:
        row = []
        for cls in (lib.callbacks.EarlyStopping, lib.callbacks.ReduceLROnPlateau):
            cb = cls(monitor=monitor)
            model.fit(x, y, validation_data=(x, y), epochs=1, verbose=0, callbacks=[cb])
            op = getattr(cb, "monitor_op", None)  # Keras keeps a comparison op
            mode = cb.mode if op is None else getattr(op, "__name__", str(op))
            row.append({"greater": "max", "less": "min"}.get(mode, mode))
        modes[monitor] = row
    return modes


def test_auto_mode_follows_the_metric_direction_as_keras():
    keras = pytest.importorskip("keras")
    monitors = ["val_f1", "acc_err", "zzz", "val_a2", "val_accuracy", "mae", "loss"]
    ours = _auto_modes(lamina, monitors)
    assert ours == _auto_modes(keras, monitors)
    assert ours["val_f1"] == ["max", "max"] and ours["acc_err"] == ["min", "min"]


def test_auto_mode_refuses_a_metric_without_direction():
    model = lamina.Sequential([lamina.Input((2,)), layers.Dense(1)])
    model.compile("sgd", "mse", metrics=[lambda y, p: p.mean()])
    x = np.ones((4, 2), "float32")
    for cb in (
        callbacks.EarlyStopping(monitor="lambda"),
        callbacks.ReduceLROnPlateau(monitor="val_something"),
    ):
        assert cb.mode == "auto"
        with pytest.raises(ValueError, match=r"Pass `mode='max'`.*`mode='min'`"):
            model.fit(x, x[:, :1], epochs=1, verbose=0, callbacks=[cb])
    explicit = callbacks.EarlyStopping(monitor="lambda", mode="max")
    model.fit(x, x[:, :1], epochs=1, verbose=0, callbacks=[explicit])
    assert explicit.mode == "max" and explicit.best is not None
    # a per-output loss (Keras refuses `out_loss`) is minimized
    assert callbacks.EarlyStopping(monitor="val_out_loss").mode == "auto"
    cb = callbacks.EarlyStopping(monitor="val_out_loss")
    cb.set_model(model)
    assert cb.mode == "min"


def test_a_per_class_result_is_refused_with_a_hint(tmp_path):
    # Keras fails with "Boolean value of Tensor ... is ambiguous" here.
    inp = lamina.Input((3,))
    model = lamina.Model(inp, layers.Dense(2, activation="softmax")(inp))
    model.compile("sgd", "categorical_crossentropy", metrics=[lamina.metrics.F1Score()])
    x = np.random.default_rng(0).random((8, 3)).astype("float32")
    y = np.eye(2, dtype="float32")[[0, 1] * 4]
    for cb in (
        callbacks.EarlyStopping(monitor="val_f1_score"),
        callbacks.ReduceLROnPlateau(monitor="val_f1_score"),
        callbacks.ModelCheckpoint(
            "m.keras", monitor="val_f1_score", save_best_only=True
        ),
    ):
        with pytest.raises(ValueError, match=r"shape \(2,\).*average='macro'"):
            model.fit(x, y, validation_data=(x, y), epochs=1, verbose=0, callbacks=[cb])
