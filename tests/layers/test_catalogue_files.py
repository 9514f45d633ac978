"""`.keras` files with the new layers travel both ways between Keras and lamina."""

import warnings

import numpy as np

import lamina


def _model(lib):
    L = lib.layers
    inp = lib.Input((12, 12, 3))
    x = L.RandomFlip("horizontal")(inp)
    x = L.RandomRotation(0.1)(x)
    x = L.Resizing(8, 8)(x)
    x = L.Conv2D(4, 3)(x)
    x = L.PReLU()(x)
    x = L.AdaptiveMaxPooling2D(2)(x)
    x = L.Reshape((4, 4))(x)
    x = L.EinsumDense("abc,cd->abd", (None, 5), bias_axes="d")(x)
    x = L.RMSNormalization()(x)
    x = L.GroupQueryAttention(2, 2, 1)(x, x)
    x = L.LeakyReLU()(x)
    x = L.GlobalAveragePooling1D()(x)
    x = L.SpectralNormalization(L.Dense(3))(x)
    return lib.Model(inp, L.Softmax()(x))


def _data():
    return np.random.default_rng(0).uniform(0, 255, (4, 12, 12, 3)).astype("float32")


def test_keras_file_loads_in_lamina(keras, tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = _model(keras)
        want = keras.ops.convert_to_numpy(model.predict(_data(), verbose=0))
        model.save(tmp_path / "k.keras")
    loaded = lamina.models.load_model(tmp_path / "k.keras")
    np.testing.assert_allclose(loaded.predict(_data(), verbose=0), want, atol=1e-6)


def test_lamina_file_loads_in_keras(keras, tmp_path):
    model = _model(lamina)
    want = model.predict(_data(), verbose=0)
    model.save(tmp_path / "l.keras")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        loaded = keras.models.load_model(tmp_path / "l.keras")
        got = keras.ops.convert_to_numpy(loaded.predict(_data(), verbose=0))
    np.testing.assert_allclose(got, want, atol=1e-6)
