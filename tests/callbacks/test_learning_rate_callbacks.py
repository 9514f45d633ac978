"""LearningRateScheduler and ReduceLROnPlateau on scripted metric sequences,
checked epoch by epoch against Keras's callbacks on the same script."""

import numpy as np
import pytest

import lamina
from lamina import callbacks, layers, optimizers


class FakeModel:
    """Just enough model for a callback: an optimizer and `stop_training`."""

    metrics = [lamina.metrics.Accuracy()]  # `mode="auto"` reads its direction

    def __init__(self, optimizer):
        self.optimizer = optimizer
        self.stop_training = False


def _drive(cb, optimizer, values, monitor="val_loss", epochs=None):
    """Runs the callback through epochs whose logs hold `values`.

    Returns the learning rate logged at each epoch's end.
    """
    cb.set_model(FakeModel(optimizer))
    cb.set_params({"epochs": epochs or len(values), "steps": 1, "verbose": 0})
    cb.on_train_begin({})
    rates = []
    for epoch, v in enumerate(values):
        cb.on_epoch_begin(epoch, {})
        logs = {"loss": 1.0, monitor: v}
        cb.on_epoch_end(epoch, logs)
        rates.append(logs["learning_rate"])
    return rates


SEQUENCES = [
    [1.0, 0.9, 0.9, 0.9, 0.9, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8],
    [0.5, 0.49995, 0.4999, 0.4998, 0.3, 0.31, 0.32, 0.33, 0.34],
    [1.0] * 12,
]


@pytest.mark.parametrize("values", SEQUENCES)
@pytest.mark.parametrize(
    "kwargs",
    [
        {"patience": 1},
        {"patience": 2, "factor": 0.5},
        {"patience": 1, "cooldown": 2, "factor": 0.5},
        {"patience": 0, "min_lr": 0.004, "factor": 0.5},
        {"patience": 2, "min_delta": 0.0},
        {"patience": 1, "min_delta": 0.05, "mode": "min"},
    ],
)
def test_reduce_lr_on_plateau_matches_keras(keras, values, kwargs):
    ours = _drive(callbacks.ReduceLROnPlateau(**kwargs), optimizers.SGD(0.01), values)
    theirs = _drive(
        keras.callbacks.ReduceLROnPlateau(**kwargs), keras.optimizers.SGD(0.01), values
    )
    assert ours == theirs


def test_reduce_lr_on_plateau_exact_epochs():
    cb = callbacks.ReduceLROnPlateau(patience=2, factor=0.5, cooldown=1)
    rates = _drive(cb, optimizers.SGD(0.1), [1.0, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9])
    # Epochs 2 and 3 do not improve: the rate halves at the end of epoch 3.
    # Epoch 4 ends the cooldown and, as in Keras, already counts as a wait;
    # epoch 5 is the second wait, so the rate halves again after epoch 5.
    expected = [0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.025]
    np.testing.assert_allclose(rates, expected, rtol=1e-6)
    assert float(cb.model.optimizer.learning_rate) == pytest.approx(0.025)


def test_reduce_lr_on_plateau_max_mode_for_accuracy():
    cb = callbacks.ReduceLROnPlateau(monitor="val_accuracy", patience=1)
    rates = _drive(cb, optimizers.SGD(0.1), [0.5, 0.6, 0.6, 0.7], "val_accuracy")
    assert cb.mode == "max"
    np.testing.assert_allclose(rates, [0.1, 0.1, 0.1, 0.01], rtol=1e-6)


def test_reduce_lr_on_plateau_errors_and_missing_metric():
    with pytest.raises(ValueError, match="factor >= 1.0. Received factor=2"):
        callbacks.ReduceLROnPlateau(factor=2)
    with pytest.raises(ValueError, match="Received: mode='up'"):
        callbacks.ReduceLROnPlateau(mode="up")
    cb = callbacks.ReduceLROnPlateau()
    cb.set_model(FakeModel(optimizers.SGD(0.1)))
    with pytest.warns(UserWarning, match="Available metrics are: loss,learning_rate"):
        cb.on_epoch_end(0, {"loss": 1.0})


def _fit_with(lib, cb, epochs=4):
    x = np.ones((8, 2), "float32")
    model = lib.Sequential([lib.Input((2,)), lib.layers.Dense(1)])
    model.compile(optimizer=lib.optimizers.SGD(0.1), loss="mse")
    return model, model.fit(x, x[:, :1], epochs=epochs, verbose=0, callbacks=[cb])


def _halve_after_one(epoch, lr):
    return lr if epoch < 1 else lr * 0.5


@pytest.mark.parametrize(
    "schedule",
    [_halve_after_one, lambda epoch: 0.1 / (epoch + 1), lambda e, lr: float(lr + e)],
)
def test_learning_rate_scheduler_history_matches_keras(keras, schedule):
    _, ours = _fit_with(lamina, callbacks.LearningRateScheduler(schedule))
    _, theirs = _fit_with(keras, keras.callbacks.LearningRateScheduler(schedule))
    assert ours.history["learning_rate"] == theirs.history["learning_rate"]
    assert len(ours.history["learning_rate"]) == 4


def test_learning_rate_scheduler_sets_rate_at_epoch_begin():
    seen = []

    class Spy(callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            seen.append(float(self.model.optimizer.learning_rate))

    cb = callbacks.LearningRateScheduler(lambda epoch, lr: 0.5**epoch)
    model, history = _fit_with(lamina, [cb, Spy()], epochs=3)
    assert seen == [1.0, 0.5, 0.25]
    assert history.history["learning_rate"] == [1.0, 0.5, 0.25]


def test_learning_rate_scheduler_verbose_and_errors(capsys):
    cb = callbacks.LearningRateScheduler(lambda epoch, lr: 0.5, verbose=1)
    _fit_with(lamina, cb, epochs=1)
    assert "Epoch 1: LearningRateScheduler setting learning rate to 0.5." in (
        capsys.readouterr().out
    )
    with pytest.raises(ValueError, match="should be a float. Got: 1"):
        _fit_with(lamina, callbacks.LearningRateScheduler(lambda e, lr: 1), 1)
    with pytest.raises(TypeError, match="`schedule` must be a function"):
        callbacks.LearningRateScheduler(0.1)


def test_learning_rate_callbacks_reach_a_loss_scale_optimizer():
    from lamina.mixed_precision import LossScaleOptimizer

    opt = LossScaleOptimizer(optimizers.SGD(0.1))
    cb = callbacks.LearningRateScheduler(lambda epoch, lr: 0.03)
    cb.set_model(FakeModel(opt))
    cb.on_epoch_begin(0, {})
    assert float(opt.inner_optimizer.learning_rate) == pytest.approx(0.03)


def test_reduce_lr_in_fit_lowers_the_rate_on_a_plateau():
    x = np.zeros((8, 2), "float32")
    model = lamina.Sequential([lamina.Input((2,)), layers.Dense(1, use_bias=False)])
    model.compile(optimizer=optimizers.SGD(0.1), loss="mse")
    cb = callbacks.ReduceLROnPlateau(monitor="loss", patience=1, factor=0.5)
    history = model.fit(x, x[:, :1], epochs=4, verbose=0, callbacks=[cb])
    # Zero data: the loss is 0 every epoch, so every epoch after the first is
    # flat; with patience 1 each one halves the rate.
    np.testing.assert_allclose(
        history.history["learning_rate"], [0.1, 0.1, 0.05, 0.025], rtol=1e-6
    )
