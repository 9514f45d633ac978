"""Functional models: graphs of layer calls, config round trip, errors."""

import numpy as np
import pytest
import torch

import lamina
from lamina import layers


def _two_branch():
    a = lamina.Input(shape=(3,), name="a")
    b = lamina.Input(shape=(2,), name="b")
    h = layers.Dense(4, activation="relu", name="h")(a)
    g = layers.Dense(4, name="g")(b)
    s = layers.Add(name="s")([h, g])
    out = layers.Dense(1, name="out")(s)
    return lamina.Model([a, b], out, name="two")


def test_functional_matches_keras(keras):
    model = _two_branch()
    a = keras.Input(shape=(3,))
    b = keras.Input(shape=(2,))
    h = keras.layers.Dense(4, activation="relu")(a)
    g = keras.layers.Dense(4)(b)
    out = keras.layers.Dense(1)(keras.layers.Add()([h, g]))
    kmodel = keras.Model([a, b], out)
    model.set_weights(kmodel.get_weights())
    xa = np.random.default_rng(0).normal(size=(5, 3)).astype("float32")
    xb = np.random.default_rng(1).normal(size=(5, 2)).astype("float32")
    np.testing.assert_allclose(
        model.predict([xa, xb], verbose=0),
        kmodel.predict([xa, xb], verbose=0),
        rtol=1e-5,
        atol=1e-6,
    )
    assert model.count_params() == kmodel.count_params()
    assert [layer.name for layer in model.layers][:2] == ["a", "b"]


def test_config_round_trip_gives_same_outputs():
    model = _two_branch()
    config = model.get_config()
    assert config["input_layers"] == [["a", 0, 0], ["b", 0, 0]]
    assert config["output_layers"] == ["out", 0, 0]
    lamina.backend.clear_session()
    clone = lamina.Model.from_config(config)
    clone.set_weights(model.get_weights())
    x = [torch.randn(4, 3), torch.randn(4, 2)]
    torch.testing.assert_close(clone(x), model(x))
    assert clone.get_config() == config


def test_shared_layer_called_twice():
    inp = lamina.Input(shape=(3,))
    shared = layers.Dense(3, name="shared")
    out = shared(shared(inp))
    model = lamina.Model(inp, out)
    x = torch.randn(2, 3)
    expected = (
        x @ shared.kernel @ shared.kernel + shared.bias @ shared.kernel + shared.bias
    )
    torch.testing.assert_close(model(x), expected)
    clone = type(model).from_config(model.get_config())
    clone.set_weights(model.get_weights())
    torch.testing.assert_close(clone(x), model(x))


def test_wrong_input_shape_error():
    model = _two_branch()
    with pytest.raises(ValueError, match=r"expects shape \(None, 3\).*\(None, 5\)"):
        model([torch.zeros(4, 5), torch.zeros(4, 2)])


def test_wrong_input_count_error():
    model = _two_branch()
    with pytest.raises(ValueError, match="expects 2 input"):
        model(torch.zeros(4, 3))


def test_subclassed_model_trains():
    class Net(lamina.Model):
        def __init__(self):
            super().__init__()
            self.hidden = layers.Dense(8, activation="relu")
            self.out = layers.Dense(1)

        def call(self, inputs):
            return self.out(self.hidden(inputs))

    model = Net()
    model.compile(optimizer="adam", loss="mse")
    x = np.random.default_rng(0).normal(size=(32, 3)).astype("float32")
    h = model.fit(x, x.sum(axis=1), epochs=3, verbose=0)
    assert len(h.history["loss"]) == 3
    assert len(model.trainable_weights) == 4
    assert isinstance(model, torch.nn.Module)
