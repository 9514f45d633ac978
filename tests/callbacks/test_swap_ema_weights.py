"""Optimizer moving averages (use_ema) and SwapEMAWeights, against Keras."""

import numpy as np
import pytest

import lamina
from lamina import callbacks


def _pair(keras, **opt_kwargs):
    models = []
    for lib in (lamina, keras):
        model = lib.Sequential(
            [
                lib.Input((3,)),
                lib.layers.Dense(4, activation="tanh"),
                lib.layers.Dense(1),
            ]
        )
        model.compile(optimizer=lib.optimizers.SGD(0.1, **opt_kwargs), loss="mse")
        models.append(model)
    models[0].set_weights(models[1].get_weights())
    return models


def _data():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(12, 3)).astype("float32")
    return x, np.sin(x.sum(axis=1, keepdims=True))


def _fit(model, cbs, epochs=3):
    x, y = _data()
    return model.fit(
        x[:8],
        y[:8],
        batch_size=4,
        epochs=epochs,
        shuffle=False,
        validation_data=(x[8:], y[8:]),
        verbose=0,
        callbacks=cbs,
    )


def _assert_weights_equal(ours, theirs):
    for a, b in zip(ours.get_weights(), theirs.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("swap_on_epoch", [False, True])
def test_swap_ema_weights_matches_keras(keras, swap_on_epoch):
    ours, theirs = _pair(keras, use_ema=True, ema_momentum=0.9)
    h_ours = _fit(ours, [callbacks.SwapEMAWeights(swap_on_epoch=swap_on_epoch)])
    h_theirs = _fit(
        theirs, [keras.callbacks.SwapEMAWeights(swap_on_epoch=swap_on_epoch)]
    )
    for key in ("loss", "val_loss"):
        np.testing.assert_allclose(
            h_ours.history[key], h_theirs.history[key], rtol=1e-5
        )
    _assert_weights_equal(ours, theirs)  # fit ends with the averages in the weights


def test_use_ema_fit_ends_with_the_averages_as_keras(keras):
    ours, theirs = _pair(
        keras, use_ema=True, ema_momentum=0.5, ema_overwrite_frequency=3
    )
    h_ours, h_theirs = _fit(ours, None), _fit(theirs, None)
    np.testing.assert_allclose(
        h_ours.history["loss"], h_theirs.history["loss"], rtol=1e-5
    )
    _assert_weights_equal(ours, theirs)


def test_validation_sees_the_averages_and_training_resumes_from_trained_weights():
    model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(1)])
    model.compile(optimizer=lamina.optimizers.SGD(0.1, use_ema=True), loss="mse")
    seen = {}

    class Spy(callbacks.Callback):
        def on_test_begin(self, logs=None):
            seen["in_test"] = self.model.get_weights()[0].copy()

        def on_epoch_begin(self, epoch, logs=None):
            seen.setdefault("begin", []).append(self.model.get_weights()[0].copy())

    swap = callbacks.SwapEMAWeights()
    _fit(model, [swap, Spy()], epochs=2)
    averages = model.optimizer._averages[0].detach().numpy()
    # After fit the averages are in the weights; validation of the last epoch
    # saw the same averaged values.
    np.testing.assert_allclose(seen["in_test"], averages, rtol=1e-6)
    np.testing.assert_allclose(model.get_weights()[0], averages, rtol=1e-6)
    assert not np.allclose(seen["begin"][1], averages)  # training used its own


def test_swap_needs_use_ema():
    model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(
        ValueError, match="SwapEMAWeights must be used when `use_ema=True`"
    ):
        _fit(model, [callbacks.SwapEMAWeights()], epochs=1)
