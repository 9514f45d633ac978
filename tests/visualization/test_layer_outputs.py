"""layer_outputs: every layer's output, equal to a feature extractor's and Keras's."""

import numpy as np
import pytest
import torch

import lamina
from lamina import layers
from lamina.visualization import layer_outputs


def _keras_copy(keras, model, builder):
    km = builder(keras)
    km.set_weights(model.get_weights())
    return km


def _build_seq(lib):
    return lib.Sequential(
        [
            lib.Input(shape=(3,)),
            lib.layers.Dense(4, activation="relu", name="h1"),
            lib.layers.Dense(3, activation="tanh", name="h2"),
            lib.layers.Dense(1, name="out"),
        ]
    )


def test_sequential_outputs_equal_keras_feature_extractor(keras):
    model = _build_seq(lamina)
    km = _keras_copy(keras, model, _build_seq)
    x = np.random.default_rng(0).normal(size=(5, 3)).astype("float32")
    extractor = keras.Model(km.inputs, [layer.output for layer in km.layers])
    expected = extractor.predict(x, verbose=0)
    got = layer_outputs(model, x)
    assert [o.name for o in got] == ["h1", "h2", "out"]
    assert [o.class_name for o in got] == ["Dense"] * 3
    assert [o.shape for o in got] == [(5, 4), (5, 3), (5, 1)]
    for o, e in zip(got, expected):
        assert isinstance(o.output, np.ndarray)
        np.testing.assert_allclose(o.output, e, rtol=1e-6, atol=1e-6)


def test_functional_outputs_equal_hand_built_extractor():
    inputs = lamina.Input((4,), name="x")
    a = layers.Dense(6, activation="relu", name="a")(inputs)
    b = layers.Dense(6, activation="sigmoid", name="b")(inputs)
    c = layers.Add(name="add")([a, b])
    out = layers.Dense(2, name="out")(c)
    model = lamina.Model(inputs, out)
    extractor = lamina.Model(inputs, [a, b, c, out])
    x = np.random.default_rng(1).normal(size=(7, 4)).astype("float32")
    expected = [t.detach().numpy() for t in extractor(torch.as_tensor(x))]
    got = layer_outputs(model, x)
    assert [o.name for o in got] == ["a", "b", "add", "out"]
    for o, e in zip(got, expected):
        np.testing.assert_array_equal(o.output, e)


def test_model_built_on_data_and_nested_models():
    inner = lamina.Sequential(
        [layers.Dense(3, activation="relu", name="i1"), layers.Dense(2, name="i2")],
        name="inner",
    )
    model = lamina.Sequential([layers.Dense(3, name="first"), inner])
    x = np.ones((2, 5), dtype="float32")
    model.predict(x, verbose=0)  # built on data, no symbolic input
    top = layer_outputs(model, x)
    assert [(o.name, o.shape) for o in top] == [("first", (2, 3)), ("inner", (2, 2))]
    deep = layer_outputs(model, x, expand_nested=True)
    assert [(o.name, o.shape) for o in deep] == [
        ("first", (2, 3)),
        ("i1", (2, 3)),
        ("i2", (2, 2)),
    ]
    np.testing.assert_array_equal(deep[-1].output, top[-1].output)


def test_inference_by_default_training_switch_applies_dropout():
    model = lamina.Sequential(
        [layers.Dropout(0.5, input_shape=(200,), name="drop"), layers.Dense(1)]
    )
    x = np.ones((4, 200), dtype="float32")
    assert np.array_equal(layer_outputs(model, x)[0].output, x)
    dropped = layer_outputs(model, x, training=True)[0].output
    assert (dropped == 0).mean() > 0.3
    assert set(np.unique(dropped)) <= {0.0, 2.0}
    assert model.training is False  # the mode is restored


def test_shared_layer_is_listed_per_call():
    shared = layers.Dense(2, name="shared")
    a, b = lamina.Input((2,), name="a"), lamina.Input((2,), name="b")
    model = lamina.Model([a, b], layers.Add(name="sum")([shared(a), shared(b)]))
    got = layer_outputs(model, [np.ones((1, 2)), np.zeros((1, 2))])
    assert [o.name for o in got] == ["shared", "shared:1", "sum"]


def test_no_layers_refused():
    with pytest.raises(ValueError, match="has no layers to watch"):
        layer_outputs(lamina.Sequential(name="empty"), np.ones((1, 2)))
