"""Every model is a graph: layer.input/output, model.inputs/outputs, feature
extractors, nested and shared layers, disconnected graphs, Sequential configs."""

import numpy as np
import pytest

import lamina
from lamina import layers

X = np.random.default_rng(0).normal(size=(5, 3)).astype("float32")


def _stack(k, how):
    """The same 3-4-2-1 Sequential, its input given in one of three ways."""
    dense = [
        k.layers.Dense(4, activation="relu"),
        k.layers.Dense(2, activation="tanh"),
        k.layers.Dense(1),
    ]
    if how == "input_shape":
        first = k.layers.Dense(4, activation="relu", input_shape=(3,))
        return k.Sequential([first, *dense[1:]])
    if how == "Input":
        return k.Sequential([k.Input(shape=(3,)), *dense])
    model = k.Sequential(dense)
    model(X[:2])  # built on data
    return model


def _extract(k, model):
    return k.Model(inputs=model.inputs, outputs=[lay.output for lay in model.layers])


@pytest.mark.filterwarnings("ignore::UserWarning")  # Keras warns on input_shape=
@pytest.mark.parametrize("how", ["input_shape", "Input", "data"])
def test_sequential_feature_extractor_matches_keras(keras, how):
    model, kmodel = _stack(lamina, how), _stack(keras, how)
    model.set_weights(kmodel.get_weights())
    got = _extract(lamina, model).predict(X, verbose=0)
    want = _extract(keras, kmodel).predict(X, verbose=0)
    assert [g.shape for g in got] == [(5, 4), (5, 2), (5, 1)]
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, np.asarray(w), rtol=1e-5, atol=1e-6)


def test_sequential_graph_attributes():
    model = _stack(lamina, "Input")
    assert model.input_shape == (None, 3)
    assert model.output_shape == (None, 1)
    assert len(model.inputs) == 1 and model.inputs[0] is model.input
    assert model.outputs == [model.output]
    assert model.layers[0].input is model.input
    assert model.layers[-1].output is model.output
    assert model.layers[1].input is model.layers[0].output
    assert model.layers[1].output.shape == (None, 2)


def test_sequential_without_input_has_no_graph_yet():
    model = lamina.Sequential([layers.Dense(2)])
    with pytest.raises(AttributeError, match="has no defined inputs yet"):
        model.inputs  # noqa: B018
    with pytest.raises(AttributeError, match="never been called"):
        model.layers[0].output  # noqa: B018
    model.predict(X, verbose=0)
    assert model.input_shape == (None, 3)
    assert model.layers[0].output.shape == (None, 2)


def test_adding_a_layer_rebuilds_the_graph():
    model = lamina.Sequential([lamina.Input(shape=(3,)), layers.Dense(2)])
    model.add(layers.Dense(5))
    assert model.output_shape == (None, 5)
    assert len(model.layers[0]._inbound_nodes) == 1  # the old graph's node went
    extractor = lamina.Model(model.inputs, [lay.output for lay in model.layers])
    assert [o.shape for o in extractor.predict(X, verbose=0)] == [(5, 2), (5, 5)]


def _functional(k):
    inputs = k.Input(shape=(3,))
    h = k.layers.Dense(4, activation="relu", name="h")(inputs)
    g = k.layers.Dense(4, activation="sigmoid", name="g")(h)
    out = k.layers.Dense(2, name="out")(k.layers.Concatenate()([h, g]))
    return k.Model(inputs, out)


def test_functional_intermediate_extractor_matches_keras(keras):
    model, kmodel = _functional(lamina), _functional(keras)
    model.set_weights(kmodel.get_weights())
    mid = lamina.Model(model.input, model.get_layer("g").output)
    kmid = keras.Model(kmodel.input, kmodel.get_layer("g").output)
    np.testing.assert_allclose(
        mid.predict(X, verbose=0), kmid.predict(X, verbose=0), rtol=1e-5, atol=1e-6
    )
    every = _extract(lamina, model).predict(X, verbose=0)
    kevery = _extract(keras, kmodel).predict(X, verbose=0)
    assert len(every) == len(kevery) == 5  # the InputLayer's output too
    for g, w in zip(every, kevery):
        np.testing.assert_allclose(g, np.asarray(w), rtol=1e-5, atol=1e-6)


def _nested_and_shared(k):
    inner_in = k.Input(shape=(3,))
    inner = k.Model(inner_in, k.layers.Dense(4, activation="relu")(inner_in))
    a, b = k.Input(shape=(3,)), k.Input(shape=(3,))
    shared = k.layers.Dense(2, name="shared")
    out = k.layers.Subtract()([shared(inner(a)), shared(inner(b))])
    return k.Model([a, b], out), shared, inner


def test_nested_model_and_shared_layer_match_keras(keras):
    (model, shared, inner), (kmodel, _, _) = (
        _nested_and_shared(lamina),
        _nested_and_shared(keras),
    )
    model.set_weights(kmodel.get_weights())
    assert len(model.weights) == len(kmodel.weights) == 4
    xb = X[::-1].copy()
    np.testing.assert_allclose(
        model.predict([X, xb], verbose=0),
        kmodel.predict([X, xb], verbose=0),
        rtol=1e-5,
        atol=1e-6,
    )
    assert len(shared._inbound_nodes) == 2
    assert shared.input is shared._inbound_nodes[0].input_tensors[0]  # first call
    assert shared.output.shape == (None, 2)
    # The nested model's own graph still extracts.
    np.testing.assert_allclose(
        lamina.Model(inner.input, inner.layers[-1].output).predict(X, verbose=0),
        inner.predict(X, verbose=0),
    )


def test_get_layer_by_name_and_index():
    model = _functional(lamina)
    assert model.get_layer(name="g").name == "g"
    assert model.get_layer(index=1).name == "h"
    with pytest.raises(ValueError, match="No such layer: nope"):
        model.get_layer("nope")
    with pytest.raises(ValueError, match="index 9"):
        model.get_layer(index=9)


def test_disconnected_graph_is_refused_naming_the_input():
    a = lamina.Input(shape=(3,), name="first")
    b = lamina.Input(shape=(2,), name="second")
    out = layers.Concatenate()([layers.Dense(2)(a), b])
    with pytest.raises(ValueError, match="Graph disconnected.*layer 'second'"):
        lamina.Model(a, out)


def test_non_symbolic_outputs_are_refused():
    with pytest.raises(TypeError, match="must be symbolic tensors"):
        lamina.Model(lamina.Input(shape=(3,)), np.zeros((1, 3)))


class _Doubled(lamina.Model):
    """A subclass built from (inputs, outputs) that overrides `call`."""

    def __init__(self, k_layers=layers, k_input=lamina.Input):
        inputs = k_input(shape=(3,))
        outputs = k_layers.Dense(2, name="d")(inputs)
        super().__init__(inputs=inputs, outputs=outputs)

    def call(self, inputs, training=None, mask=None):
        return super().call(inputs, training=training, mask=mask) * 2.0

    def describe(self):
        return f"{len(self.layers)} layers"


def test_model_subclass_built_from_inputs_and_outputs_is_functional(keras):
    class KDoubled(keras.Model):
        def __init__(self):
            inputs = keras.Input(shape=(3,))
            outputs = keras.layers.Dense(2, name="d")(inputs)
            super().__init__(inputs=inputs, outputs=outputs)

        def call(self, inputs, training=None, mask=None):
            return super().call(inputs, training=training, mask=mask) * 2.0

    model, kmodel = _Doubled(), KDoubled()
    assert isinstance(model, lamina.models.Functional)
    assert model.describe() == "2 layers"
    model.set_weights(kmodel.get_weights())
    np.testing.assert_allclose(
        model.predict(X, verbose=0), kmodel.predict(X, verbose=0), rtol=1e-5
    )
    assert _Doubled().output_shape == (None, 2)  # a second instance works too


def test_sequential_config_lists_the_input_once():
    for model in (_stack(lamina, "Input"), _stack(lamina, "input_shape")):
        config = model.get_config()
        names = [entry["class_name"] for entry in config["layers"]]
        assert names == ["InputLayer", "Dense", "Dense", "Dense"]
        assert config["build_input_shape"] == (None, 3)
        again = lamina.Sequential.from_config(config)
        assert [e["class_name"] for e in again.get_config()["layers"]] == names
        assert again.input_shape == (None, 3)
        again.set_weights(model.get_weights())
        np.testing.assert_allclose(again.predict(X, verbose=0), model.predict(X))


def test_sequential_config_matches_keras_layer_list(keras):
    kconfig = _stack(keras, "Input").get_config()
    config = _stack(lamina, "Input").get_config()
    assert [e["class_name"] for e in config["layers"]] == [
        e["class_name"] for e in kconfig["layers"]
    ]
    assert list(config["layers"][0]["config"]["batch_shape"]) == [None, 3]
    assert list(kconfig["layers"][0]["config"]["batch_shape"]) == [None, 3]


def test_recorded_training_argument_yields_to_the_models_mode(keras):
    ones = np.ones((3, 4), "float32")
    for k in (lamina, keras):
        inputs = k.Input(shape=(4,))
        model = k.Model(inputs, k.layers.Dropout(0.5)(inputs, training=True))
        np.testing.assert_allclose(np.asarray(model.predict(ones, verbose=0)), ones)
        dropped = np.asarray(model(ones, training=True).detach())
        assert (dropped == 0).any()


def test_sequential_built_by_fit_is_a_graph():
    model = lamina.Sequential([layers.Dense(4, activation="relu"), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(X, np.zeros((5, 1), "float32"), epochs=1, verbose=0)
    assert model.input_shape == (None, 3)
    features = _extract(lamina, model).predict(X, verbose=0)
    np.testing.assert_allclose(features[-1], model.predict(X, verbose=0), rtol=1e-6)
    kernel, bias = model.layers[0].get_weights()
    np.testing.assert_allclose(features[0], np.maximum(X @ kernel + bias, 0), atol=1e-5)


def test_config_of_a_graph_with_operations_rebuilds_it():
    inputs = lamina.Input(shape=(3,))
    x = layers.Dense(3)(inputs) + inputs
    model = lamina.Model(inputs, lamina.ops.mean(x, axis=-1))
    config = model.get_config()
    ops = [e for e in config["layers"] if e["module"].startswith("keras.src.ops")]
    assert [(e["class_name"], e["config"]) for e in ops] == [
        ("Add", {"name": "add"}),
        ("Mean", {"name": "mean", "axis": -1, "keepdims": False}),
    ]
    rebuilt = lamina.Model.from_config(config)
    rebuilt.set_weights(model.get_weights())
    np.testing.assert_allclose(
        rebuilt.predict(X, verbose=0), model.predict(X, verbose=0), rtol=1e-6
    )


def test_a_layer_without_symbolic_support_leaves_a_plain_stack():
    class EagerOnly(layers.Layer):
        """Refuses the stand-ins of a symbolic call (0 samples, meta, ones)."""

        def call(self, x):
            if x.shape[0] == 0 or x.device.type == "meta" or bool((x == 1).all()):
                raise NotImplementedError("needs real samples")
            return x * 2.0

    model = lamina.Sequential([lamina.Input(shape=(3,)), EagerOnly()])
    with pytest.raises(AttributeError, match="no defined inputs yet"):
        model.inputs  # noqa: B018
    np.testing.assert_allclose(model.predict(X, verbose=0), X * 2.0, rtol=1e-6)
