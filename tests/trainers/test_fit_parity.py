"""Whole `fit` histories against Keras 3 from the same weights, shuffle=False."""

import numpy as np
import pytest

import lamina
from lamina import layers


def _data(n=96, d=3, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d)).astype("float32")
    y = (x @ rng.normal(size=(d, 1)) + 0.1 * rng.normal(size=(n, 1))).astype("float32")
    return x, y


def _pair(keras, units, d, activation="relu", out_activation=None):
    kmodel = keras.Sequential(
        [keras.Input(shape=(d,))]
        + [keras.layers.Dense(u, activation=activation) for u in units]
        + [keras.layers.Dense(1, activation=out_activation)]
    )
    lmodel = lamina.Sequential(
        [lamina.Input(shape=(d,))]
        + [layers.Dense(u, activation=activation) for u in units]
        + [layers.Dense(1, activation=out_activation)]
    )
    lmodel.set_weights(kmodel.get_weights())
    return kmodel, lmodel


@pytest.mark.parametrize(
    ("optimizer", "loss", "metrics"),
    [
        ("sgd", "mse", None),
        ("adam", "mae", ["mse"]),
        ("rmsprop", "huber", ["mae"]),
    ],
)
def test_fit_history_matches_keras(keras, optimizer, loss, metrics):
    x, y = _data()
    kmodel, lmodel = _pair(keras, [8, 4], 3)
    kmodel.compile(optimizer=optimizer, loss=loss, metrics=metrics)
    lmodel.compile(optimizer=optimizer, loss=loss, metrics=metrics)
    kh = kmodel.fit(
        x, y, epochs=4, batch_size=16, shuffle=False, verbose=0, validation_split=0.25
    )
    lh = lamina_history = lmodel.fit(
        x, y, epochs=4, batch_size=16, shuffle=False, verbose=0, validation_split=0.25
    )
    assert set(lamina_history.history) == set(kh.history)
    for key, values in kh.history.items():
        np.testing.assert_allclose(
            lh.history[key], values, rtol=1e-4, atol=1e-6, err_msg=key
        )
    for kw, lw in zip(kmodel.get_weights(), lmodel.get_weights()):
        np.testing.assert_allclose(lw, kw, rtol=1e-4, atol=1e-5)


def test_fit_binary_classification_accuracy_matches_keras(keras):
    x, y = _data(n=80, d=4, seed=3)
    y = (y > 0).astype("float32")
    kmodel, lmodel = _pair(keras, [6], 4, out_activation="sigmoid")
    kw = {"optimizer": "adam", "loss": "binary_crossentropy", "metrics": ["accuracy"]}
    kmodel.compile(**kw)
    lmodel.compile(**kw)
    kh = kmodel.fit(x, y, epochs=3, batch_size=10, shuffle=False, verbose=0)
    lh = lmodel.fit(x, y, epochs=3, batch_size=10, shuffle=False, verbose=0)
    for key in ("loss", "accuracy"):
        np.testing.assert_allclose(
            lh.history[key], kh.history[key], rtol=1e-4, atol=1e-6
        )
    kev = kmodel.evaluate(x, y, verbose=0, return_dict=True)
    lev = lmodel.evaluate(x, y, verbose=0, return_dict=True)
    for key in kev:
        np.testing.assert_allclose(lev[key], kev[key], rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(
        lmodel.predict(x, verbose=0), kmodel.predict(x, verbose=0), rtol=1e-4, atol=1e-6
    )


def test_sample_weight_and_class_weight_match_keras(keras):
    x, y = _data(n=64, d=3, seed=5)
    labels = (y[:, 0] > 0).astype("int64")
    sw = np.linspace(0.5, 2.0, 64).astype("float32")
    for fit_kw in ({"sample_weight": sw}, {"class_weight": {0: 1.0, 1: 3.0}}):
        kmodel, lmodel = _pair(keras, [5], 3, out_activation="sigmoid")
        kmodel.compile(optimizer="sgd", loss="binary_crossentropy")
        lmodel.compile(optimizer="sgd", loss="binary_crossentropy")
        kh = kmodel.fit(
            x, labels, epochs=2, batch_size=16, shuffle=False, verbose=0, **fit_kw
        )
        lh = lmodel.fit(
            x, labels, epochs=2, batch_size=16, shuffle=False, verbose=0, **fit_kw
        )
        np.testing.assert_allclose(lh.history["loss"], kh.history["loss"], rtol=1e-4)


def test_regularized_model_matches_keras(keras):
    x, y = _data(n=48, d=3, seed=7)
    kmodel = keras.Sequential(
        [
            keras.Input(shape=(3,)),
            keras.layers.Dense(4, kernel_regularizer="l2", activation="tanh"),
            keras.layers.Dense(1, activity_regularizer=keras.regularizers.L1(0.01)),
        ]
    )
    lmodel = lamina.Sequential(
        [
            lamina.Input(shape=(3,)),
            layers.Dense(4, kernel_regularizer="l2", activation="tanh"),
            layers.Dense(1, activity_regularizer=lamina.regularizers.L1(0.01)),
        ]
    )
    lmodel.set_weights(kmodel.get_weights())
    for m in (kmodel, lmodel):
        m.compile(optimizer="sgd", loss="mse")
    kh = kmodel.fit(x, y, epochs=3, batch_size=16, shuffle=False, verbose=0)
    lh = lmodel.fit(x, y, epochs=3, batch_size=16, shuffle=False, verbose=0)
    np.testing.assert_allclose(lh.history["loss"], kh.history["loss"], rtol=1e-4)
