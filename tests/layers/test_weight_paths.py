"""Weight paths nest as Keras's: a layer builds inside its own name scope, so
a Sequential model's, a subclassed model's and a wrapper's sublayers carry
their parent's name (`seq/dense/kernel`); functional graphs do not."""

import numpy as np
import pytest

import lamina


def _paths(lib):
    layers = lib.layers

    class Block(layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.inner = layers.Dense(2, name="bd")

        def build(self, input_shape):
            self.w = self.add_weight(shape=(2,), name="w")

        def call(self, x):
            return self.inner(x) + self.w

    class Sub(lib.Model):
        def __init__(self):
            super().__init__(name="sub")
            self.d = layers.Dense(2, name="sd")

        def call(self, x):
            return self.d(x)

    out = {}
    seq = lib.Sequential([lib.Input((3,)), layers.Dense(2, name="enc")], name="seq")
    out["sequential from Input"] = seq
    on_data = lib.Sequential([layers.Dense(2, name="d2")], name="seq2")
    on_data(np.ones((1, 3), "float32"))
    out["sequential built on data"] = on_data
    built = lib.Sequential([layers.BatchNormalization(name="bn")], name="seq3")
    built.build((None, 3))
    out["sequential build()"] = built
    inner = lib.Sequential([lib.Input((3,)), layers.Dense(2, name="in_d")], name="in")
    out["nested"] = lib.Sequential(
        [lib.Input((3,)), inner, layers.Dense(1, name="out_d")], name="outer"
    )
    sub = Sub()
    sub(np.ones((1, 3), "float32"))
    out["subclassed"] = sub
    i = lib.Input((4, 3))
    x = layers.LSTM(2, return_sequences=True, name="lstm")(i)
    x = layers.Bidirectional(layers.GRU(2, return_sequences=True, name="g"), name="bi")(
        x
    )
    x = layers.MultiHeadAttention(2, 2, name="mha")(x, x)
    x = layers.TimeDistributed(layers.Dense(2, name="td_d"), name="td")(x)
    out["functional"] = lib.Model(i, Block(name="blk")(x))
    return {k: [w.path for w in m.weights] for k, m in out.items()}


def test_weight_paths_equal_keras():
    keras = pytest.importorskip("keras")
    ours, theirs = _paths(lamina), _paths(keras)
    assert ours == theirs
    assert ours["sequential from Input"] == ["seq/enc/kernel", "seq/enc/bias"]
    assert "bi/backward_g/gru_cell/kernel" in ours["functional"]
    assert ours["subclassed"] == ["sub/sd/kernel", "sub/sd/bias"]


def test_layer_path_and_a_name_scope_around_a_model():
    with lamina.name_scope("outer"):
        model = lamina.Sequential(
            [lamina.Input((2,)), lamina.layers.Dense(1)], name="m"
        )
    assert model.layers[0].path == "outer/m/" + model.layers[0].name
    assert model.weights[0].path == model.layers[0].path + "/kernel"
