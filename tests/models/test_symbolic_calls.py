"""Symbolic calls on ordinary code: layers that make tensors, use control flow
or hold sublayers; operators and ops on KerasTensors; torch modules in graphs;
shape errors in the user's terms; no torch._dynamo at start-up."""

import subprocess
import sys

import numpy as np
import pytest
import torch

import lamina
from lamina import layers, ops

X = np.random.default_rng(0).normal(size=(4, 3)).astype("float32")


class _NewTensors(layers.Layer):
    """Makes tensors inside `call`, with lamina.ops and with torch."""

    def call(self, x):
        bias = ops.zeros((ops.shape(x)[0], x.shape[1])) + 1.0
        return x + bias + torch.ones(x.shape[1:])


class _ItemBranch(layers.Layer):
    """Python control flow on a value: needs a real batch, not meta tensors."""

    def call(self, x):
        if float(x[0, 0]) > 1e9:
            return x[:, :1]
        return x * 2.0


class _ShapeBranch(layers.Layer):
    def call(self, x):
        return x[:, :2] if x.shape[-1] > 2 else x


@pytest.mark.parametrize(
    ("layer", "want"),
    [
        (_NewTensors(), X + 2.0),
        (_ItemBranch(), X * 2.0),
        (_ShapeBranch(), X[:, :2]),
    ],
)
def test_custom_layers_with_ordinary_code_work_on_input(layer, want):
    inputs = lamina.Input(shape=(3,))
    outputs = layer(inputs)
    assert outputs.shape == (None, want.shape[1])
    model = lamina.Model(inputs, outputs)
    np.testing.assert_allclose(model.predict(X, verbose=0), want, rtol=1e-6)
    seq = lamina.Sequential([lamina.Input(shape=(3,)), type(layer)()])
    assert seq.output_shape == (None, want.shape[1])


def _transformer_block(k):
    class Block(k.layers.Layer):
        def __init__(self, dim, heads, ff_dim, **kwargs):
            super().__init__(**kwargs)
            self.att = k.layers.MultiHeadAttention(num_heads=heads, key_dim=dim)
            self.ffn = k.Sequential(
                [k.layers.Dense(ff_dim, activation="relu"), k.layers.Dense(dim)]
            )
            self.norm1 = k.layers.LayerNormalization(epsilon=1e-6)
            self.norm2 = k.layers.LayerNormalization(epsilon=1e-6)

        def call(self, inputs):
            out1 = self.norm1(inputs + self.att(inputs, inputs))
            return self.norm2(out1 + self.ffn(out1))

    return Block


@pytest.mark.parametrize("kind", ["functional", "sequential"])
def test_layer_holding_sublayers_matches_keras(keras, kind):
    def build(k):
        block = _transformer_block(k)(4, 2, 8)
        if kind == "sequential":
            return k.Sequential([k.Input(shape=(5, 4)), block, k.layers.Flatten()])
        inputs = k.Input(shape=(5, 4))
        x = block(inputs)
        return k.Model(inputs, k.layers.Dense(1)(k.layers.Flatten()(x)))

    model, kmodel = build(lamina), build(keras)
    assert len(model.get_weights()) == len(kmodel.get_weights())
    model.set_weights(kmodel.get_weights())
    x = np.random.default_rng(1).normal(size=(3, 5, 4)).astype("float32")
    np.testing.assert_allclose(
        model.predict(x, verbose=0), kmodel.predict(x, verbose=0), atol=1e-5
    )
    assert model.output_shape == kmodel.output_shape


def test_layer_holding_a_whole_model():
    inner = lamina.Sequential([lamina.Input(shape=(3,)), layers.Dense(2)])

    class Holder(layers.Layer):
        def __init__(self):
            super().__init__()
            self.inner = inner

        def call(self, x):
            return self.inner(x) * 3.0

    inputs = lamina.Input(shape=(3,))
    model = lamina.Model(inputs, Holder()(inputs))
    np.testing.assert_allclose(
        model.predict(X, verbose=0), inner.predict(X, verbose=0) * 3.0, rtol=1e-6
    )
    assert len(model.trainable_weights) == 2


def test_symbolic_training_call_leaves_moving_statistics_alone():
    norm = layers.BatchNormalization()
    inputs = lamina.Input(shape=(3,))
    norm(inputs)  # built here
    before = [w.detach().clone() for w in norm.non_trainable_weights]
    lamina.Model(inputs, norm(inputs, training=True))
    for b, w in zip(before, norm.non_trainable_weights):
        torch.testing.assert_close(b, w.detach())


def test_operators_build_graph_nodes():
    inputs = lamina.Input(shape=(3,))
    w = np.arange(6, dtype="float32").reshape(3, 2)
    x = layers.Dense(3, kernel_initializer="identity", use_bias=False)(inputs)
    outs = [
        x + inputs,
        x * 2.0,
        2.0 - x,
        -x,
        x @ w,
        x[:, 0],
        x / 4.0,
        x**2,
        abs(x),
        x > 0.0,
        (x <= 0.0) | (x > 1.0),
    ]
    assert [o.shape for o in outs[:6]] == [(None, 3)] * 4 + [(None, 2), (None,)]
    got = lamina.Model(inputs, outs).predict(X, verbose=0)
    want = [
        X + X,
        X * 2.0,
        2.0 - X,
        -X,
        X @ w,
        X[:, 0],
        X / 4.0,
        X**2,
        np.abs(X),
        X > 0.0,
        (X <= 0.0) | (X > 1.0),
    ]
    for g, ref in zip(got, want):
        np.testing.assert_allclose(g, ref, rtol=1e-6)


@pytest.mark.parametrize(
    ("fn", "ref"),
    [
        (lambda x: ops.mean(x, axis=-1), lambda x: x.mean(-1)),
        (lambda x: ops.concatenate([x, x * 2], axis=1), lambda x: np.c_[x, x * 2]),
        (lambda x: ops.reshape(x, (-1, 3, 1)), lambda x: x[..., None]),
        (lambda x: ops.where(x > 0, x, 0.0), lambda x: np.maximum(x, 0)),
        (lambda x: ops.softmax(x), lambda x: np.exp(x) / np.exp(x).sum(1, keepdims=1)),
        (
            lambda x: ops.expand_dims(ops.sum(x, axis=1), -1),
            lambda x: x.sum(1)[:, None],
        ),
        (lambda x: ops.matmul(x, ops.ones((3, 2))), lambda x: x @ np.ones((3, 2))),
        (lambda x: torch.relu(x), lambda x: np.maximum(x, 0)),
    ],
)
def test_ops_on_keras_tensors_build_graph_nodes(fn, ref):
    inputs = lamina.Input(shape=(3,))
    out = fn(inputs)
    assert isinstance(out, lamina.KerasTensor)
    want = ref(X)
    assert out.shape == (None, *want.shape[1:])
    got = lamina.Model(inputs, out).predict(X, verbose=0)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_numpy_operands_on_the_left_build_nodes():
    inputs = lamina.Input(shape=(3,))
    outs = [np.float32(2.0) * inputs, np.arange(3, dtype="float32") - inputs]
    got = lamina.Model(inputs, outs).predict(X, verbose=0)
    np.testing.assert_allclose(got[0], 2.0 * X)
    np.testing.assert_allclose(got[1], np.arange(3) - X)


def test_static_facts_of_keras_tensors():
    x = lamina.Input(shape=(3, 2), dtype="int32")
    assert ops.shape(x) == (None, 3, 2)
    assert ops.ndim(x) == 3
    assert ops.dtype(x) == "int32"
    with pytest.raises(TypeError, match="has no value"):
        ops.convert_to_numpy(x)
    with pytest.raises(TypeError, match="cannot be used as a boolean"):
        bool(x)


def test_residual_with_operator_matches_keras(keras):
    def build(k):
        inputs = k.Input(shape=(3,))
        x = k.layers.Dense(3, activation="tanh")(inputs)
        x = k.layers.Add()([x, inputs]) * 0.5
        x = k.layers.Dense(3)(x) + inputs
        return k.Model(inputs, -x)

    model, kmodel = build(lamina), build(keras)
    model.set_weights(kmodel.get_weights())
    np.testing.assert_allclose(
        model.predict(X, verbose=0), kmodel.predict(X, verbose=0), rtol=1e-5
    )


def test_torch_module_in_sequential_is_wrapped_and_trains():
    linear = torch.nn.Linear(3, 4)
    model = lamina.Sequential(
        [lamina.Input(shape=(3,)), linear, torch.nn.ReLU(), layers.Dense(1)]
    )
    assert isinstance(model.layers[0], layers.TorchModuleWrapper)
    assert model.layers[0].module is linear
    assert model.output_shape == (None, 1)
    assert len(model.trainable_weights) == 4
    want = torch.relu(linear(torch.from_numpy(X))).detach().numpy()
    extractor = lamina.Model(model.inputs, model.layers[1].output)
    np.testing.assert_allclose(extractor.predict(X, verbose=0), want, rtol=1e-6)
    before = linear.weight.detach().clone()
    model.compile(optimizer="sgd", loss="mse")
    model.fit(X, np.ones((4, 1), "float32"), epochs=1, verbose=0)
    assert not torch.equal(before, linear.weight.detach())


def test_torch_module_wrapper_in_a_functional_graph():
    inputs = lamina.Input(shape=(3,))
    wrapper = layers.TorchModuleWrapper(torch.nn.Linear(3, 2), name="lin")
    model = lamina.Model(inputs, wrapper(inputs))
    assert model.get_layer("lin") is wrapper
    assert [tuple(w.shape) for w in model.trainable_weights] == [(2, 3), (2,)]
    with pytest.raises(TypeError, match="must be a `torch.nn.Module`"):
        layers.TorchModuleWrapper(lambda x: x)


def test_shape_error_shows_the_users_shapes():
    class WrongMatmul(layers.Layer):
        def call(self, x):
            return x @ ops.ones((4, 2))

    with pytest.raises(RuntimeError, match=r"\(None, 3\)") as info:
        WrongMatmul()(lamina.Input(shape=(3,)))
    message = str(info.value)
    assert "Nonex3" in message
    for stand_in in ("97", "5x3", "2x3", "0x3"):
        assert stand_in not in message


def test_input_spec_error_after_build_shows_none_batch():
    dense = layers.Dense(2)
    dense(lamina.Input(shape=(3,)))
    with pytest.raises(ValueError, match=r"shape \(None, 4\)"):
        dense(lamina.Input(shape=(4,)))


def test_conv_error_keeps_channels_last_shapes():
    with pytest.raises(ValueError, match=r"shape=\(None, 2, 2, 3\)") as info:
        layers.Conv2D(2, 3)(lamina.Input(shape=(2, 2, 3)))
    assert "3, 2, 2" not in str(info.value)


def test_building_models_does_not_import_dynamo():
    code = (
        "import sys, lamina\n"
        "from lamina import layers, ops\n"
        "m = lamina.Sequential([lamina.Input((8, 8, 1)), layers.Conv2D(2, 3),"
        " layers.Flatten(), layers.Dense(4, activation='relu'), layers.Dense(1)])\n"
        "i = lamina.Input((3,)); x = layers.Dense(3)(i); x = ops.mean(x + i, axis=-1)\n"
        "lamina.Model(i, x)\n"
        "print('torch._dynamo' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


def test_symbolic_calls_draw_no_random_numbers():
    class Noisy(layers.Layer):
        def __init__(self):
            super().__init__()
            self.seed_generator = lamina.random.SeedGenerator(1)

        def call(self, x):
            if float(x.sum()) > 1e9:  # a value: the shape comes from a real run
                return x
            return x + lamina.random.normal(ops.shape(x), seed=self.seed_generator)

    fresh, probed = Noisy(), Noisy()
    probed(lamina.Input(shape=(3,)))
    torch.manual_seed(0)
    want = fresh(np.zeros((2, 3), "float32"))
    torch.manual_seed(0)
    torch.testing.assert_close(probed(np.zeros((2, 3), "float32")), want)


def test_torch_modules_called_on_inputs_are_the_models_weights():
    inputs = lamina.Input(shape=(3,))
    linear = torch.nn.Linear(3, 4)
    head = torch.nn.Sequential(torch.nn.Linear(4, 2), torch.nn.Tanh())
    model = lamina.Model(inputs, head(torch.relu(linear(inputs))))
    assert model.output_shape == (None, 2)
    assert [tuple(w.shape) for w in model.trainable_weights] == [
        (4, 3),
        (4,),
        (2, 4),
        (2,),
    ]
    want = head(torch.relu(linear(torch.from_numpy(X)))).detach().numpy()
    np.testing.assert_allclose(model.predict(X, verbose=0), want, rtol=1e-6)
    before = linear.weight.detach().clone()
    model.compile(optimizer="sgd", loss="mse")
    model.fit(X, np.ones((4, 2), "float32"), epochs=1, verbose=0)
    assert not torch.equal(before, linear.weight.detach())


def test_torch_module_held_by_a_custom_layer():
    class Holder(lamina.layers.Layer):
        def __init__(self):
            super().__init__()
            self.linear = torch.nn.Linear(3, 4)

        def call(self, x):
            return self.linear(x)

    inputs = lamina.Input(shape=(3,))
    holder = Holder()
    model = lamina.Model(inputs, holder(inputs))
    assert model.output_shape == (None, 4)
    assert len(model.trainable_weights) == 2
    want = holder.linear(torch.from_numpy(X)).detach().numpy()
    np.testing.assert_allclose(model.predict(X, verbose=0), want, rtol=1e-6)
