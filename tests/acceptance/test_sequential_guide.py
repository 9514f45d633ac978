"""The workflows of Keras's Sequential-model guide, compared with Keras.

Incremental `add()` / `pop()`, weights appearing on first call, an `Input` that is
not a layer, and feature extractors built from a Sequential model's layer outputs.
"""

import numpy as np
import pytest

import lamina


def _stack(k, names=("a", "b", "c")):
    return k.Sequential(
        [
            k.layers.Dense(2, activation="relu", name=names[0]),
            k.layers.Dense(3, activation="relu", name=names[1]),
            k.layers.Dense(4, name=names[2]),
        ]
    )


def test_add_pop_and_weights_on_first_call(keras):
    for k in (lamina, keras):
        model = k.Sequential()
        for units in (2, 3, 4):
            model.add(k.layers.Dense(units))
        model.pop()
        assert len(model.layers) == 2
        layer = k.layers.Dense(3)
        assert layer.weights == []
        layer(np.ones((1, 4), "float32"))
        assert [tuple(w.shape) for w in layer.weights] == [(4, 3), (3,)]
        model = _stack(k)
        model(np.ones((1, 4), "float32"))
        assert len(model.weights) == 6


def test_input_is_not_listed_as_a_layer(keras):
    for k in (lamina, keras):
        model = k.Sequential()
        model.add(k.Input(shape=(4,)))
        model.add(k.layers.Dense(2, activation="relu"))
        assert [type(x).__name__ for x in model.layers] == ["Dense"]
        assert model.output_shape == (None, 2)


# Keras warns that a one-tensor call does not match the list `model.inputs`.
@pytest.mark.filterwarnings("ignore:.*The structure of `inputs`:UserWarning")
def test_feature_extractors_match_keras(keras):
    x = np.random.RandomState(0).rand(2, 4).astype("float32")
    weights = None
    results = []
    for k in (keras, lamina):
        model = k.Sequential(
            [k.Input(shape=(4,)), *_stack(k, ("a", "mid", "c")).layers]
        )
        if weights is None:
            weights = model.get_weights()
        else:
            model.set_weights(weights)
        every = k.Model(model.inputs, [layer.output for layer in model.layers])
        one = k.Model(model.inputs, model.get_layer(name="mid").output)
        outs = [np.asarray(o.detach().cpu()) for o in every(x)]
        results.append((outs, np.asarray(one(x).detach().cpu())))
    (k_outs, k_mid), (outs, mid) = results
    assert [o.shape for o in outs] == [(2, 2), (2, 3), (2, 4)]
    for got, want in zip(outs, k_outs):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(mid, k_mid, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(mid, outs[1])
