"""Inputs as Keras takes them: rank-one-short arrays, integer and uint8 data,
dtype changes of the whole model, and clear errors for what cannot work."""

import numpy as np
import pytest
import torch

import lamina
from lamina import layers


def test_hello_world_regression_matches_keras(keras):
    xs = np.array([-1.0, 0.0, 1.0, 2.0, 3.0, 4.0], dtype=float)
    ys = np.array([-3.0, -1.0, 1.0, 3.0, 5.0, 7.0], dtype=float)
    kmodel = keras.Sequential([keras.layers.Dense(units=1, input_shape=[1])])
    lmodel = lamina.Sequential([layers.Dense(units=1, input_shape=[1])])
    lmodel.set_weights(kmodel.get_weights())
    for model in (kmodel, lmodel):
        model.compile(optimizer="sgd", loss="mean_squared_error")
    kh = kmodel.fit(xs, ys, epochs=40, verbose=0).history
    lh = lmodel.fit(xs, ys, epochs=40, verbose=0).history
    np.testing.assert_allclose(lh["loss"], kh["loss"], rtol=1e-4)
    kp = kmodel.predict(np.array([10.0]), verbose=0)
    lp = lmodel.predict(np.array([10.0]), verbose=0)
    assert lp.shape == kp.shape == (1, 1)
    np.testing.assert_allclose(lp, kp, rtol=1e-4)
    assert lmodel.evaluate(xs, ys, verbose=0) == pytest.approx(
        kmodel.evaluate(xs, ys, verbose=0), rel=1e-4
    )


def test_an_extra_trailing_axis_of_one_is_dropped():
    model = lamina.Sequential([lamina.Input((3,)), layers.Dense(2)])
    x = np.ones((4, 3), "float32")
    np.testing.assert_allclose(
        model.predict(x[..., None], verbose=0), model.predict(x, verbose=0)
    )


def test_direct_calls_adjust_the_rank_as_keras(keras):
    # `model(x_1d)` for an input of shape (1,), and (n, 3, 1) for (3,)
    x1 = np.arange(4, dtype="float32")
    x3 = np.ones((4, 3, 1), "float32")
    for lib in (lamina, keras):
        seq = lib.Sequential([lib.Input((1,)), lib.layers.Dense(2)])
        inp = lib.Input((3,))
        fn = lib.Model(inp, lib.layers.Dense(2)(inp))
        assert tuple(seq(x1).shape) == (4, 2), lib.__name__
        assert tuple(fn(x3).shape) == (4, 2), lib.__name__
    seq = lamina.Sequential([lamina.Input((1,)), layers.Dense(2)])
    np.testing.assert_allclose(
        seq(x1).detach().numpy(), seq(x1[:, None]).detach().numpy()
    )
    with pytest.raises(ValueError, match="expected min_ndim=2, found ndim=1"):
        lamina.Sequential([lamina.Input((2,)), layers.Dense(2)])(np.ones(4, "float32"))


def _dense_pair(keras, d=3):
    kmodel = keras.Sequential(
        [
            keras.Input((d,)),
            keras.layers.Dense(4, activation="tanh"),
            keras.layers.Dense(1),
        ]
    )
    lmodel = lamina.Sequential(
        [lamina.Input((d,)), layers.Dense(4, activation="tanh"), layers.Dense(1)]
    )
    lmodel.set_weights(kmodel.get_weights())
    return kmodel, lmodel


@pytest.mark.parametrize("dtype", ["int64", "int32", "uint8", "bool"])
def test_integer_inputs_into_dense_match_keras(keras, dtype):
    rng = np.random.default_rng(0)
    x = rng.integers(0, 3, size=(24, 3)).astype(dtype)
    y = rng.normal(size=(24, 1)).astype("float32")
    kmodel, lmodel = _dense_pair(keras)
    np.testing.assert_allclose(
        lmodel.predict(x, verbose=0), kmodel.predict(x, verbose=0), rtol=1e-5
    )
    for model in (kmodel, lmodel):
        model.compile(optimizer="sgd", loss="mse")
    kh = kmodel.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    lh = lmodel.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    np.testing.assert_allclose(lh.history["loss"], kh.history["loss"], rtol=1e-5)


def test_uint8_images_into_conv2d_match_keras(keras):
    rng = np.random.default_rng(1)
    images = rng.integers(0, 256, size=(6, 5, 5, 1)).astype("uint8")
    labels = rng.integers(0, 3, size=(6,))

    def build(lib):
        return lib.Sequential(
            [
                lib.Input((5, 5, 1)),
                lib.layers.Conv2D(2, 3, activation="relu"),
                lib.layers.Flatten(),
                lib.layers.Dense(3, activation="softmax"),
            ]
        )

    kmodel, lmodel = build(keras), build(lamina)
    lmodel.set_weights(kmodel.get_weights())
    np.testing.assert_allclose(
        lmodel.predict(images, verbose=0), kmodel.predict(images, verbose=0), rtol=1e-5
    )
    for model in (kmodel, lmodel):
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    kh = kmodel.fit(images, labels, epochs=2, batch_size=3, shuffle=False, verbose=0)
    lh = lmodel.fit(images, labels, epochs=2, batch_size=3, shuffle=False, verbose=0)
    np.testing.assert_allclose(lh.history["loss"], kh.history["loss"], rtol=1e-4)


def test_integer_inputs_in_a_functional_model():
    inputs = lamina.Input((3,))
    model = lamina.Model(inputs, layers.Dense(2)(inputs))
    x = np.arange(6).reshape(2, 3)
    out = model.predict(x, verbose=0)
    np.testing.assert_allclose(out, model.predict(x.astype("float32"), verbose=0))


def test_embedding_and_lookups_keep_integers():
    embedding = layers.Embedding(5, 2)
    ids = torch.tensor([[4, 0]])
    out = embedding(ids)
    table = embedding.embeddings.detach()
    np.testing.assert_allclose(out[0].detach().numpy(), table[[4, 0]].numpy())
    seen = []

    class Spy(layers.Layer):
        def call(self, x):
            seen.append(x.dtype)
            return x

    model = lamina.Sequential([lamina.Input((2,), dtype="int64"), Spy(), embedding])
    model.predict(np.array([[1, 2]]), verbose=0)
    assert seen[-1] == torch.int64  # a layer without float weights keeps them


def test_double_model_trains_in_float64():
    x = np.random.default_rng(0).normal(size=(16, 3)).astype("float32")
    model = lamina.Sequential([lamina.Input((3,)), layers.Dense(2), layers.Dense(1)])
    model.double()
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(x, np.ones((16, 1)), epochs=2, verbose=0)
    assert history.history["loss"][1] < history.history["loss"][0]
    assert all(w.dtype == np.float64 for w in model.get_weights())
    assert model.predict(x, verbose=0).dtype == np.float64


def test_half_model_predicts_in_float16():
    model = lamina.Sequential([lamina.Input((3,)), layers.Dense(2)])
    model.half()
    out = model.predict(np.ones((2, 3), "float32"), verbose=0)
    assert out.dtype == np.float16
    assert model.layers[0].compute_dtype == "float16"


def test_dict_into_a_sequential_is_refused():
    model = lamina.Sequential([lamina.Input((3,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match=r"Sequential model takes one input.*\['a'\]"):
        model.fit({"a": np.ones((4, 3))}, np.ones((4, 1)), verbose=0)
    with pytest.raises(ValueError, match="Sequential model takes one input"):
        model.predict({"a": np.ones((4, 3))}, verbose=0)
