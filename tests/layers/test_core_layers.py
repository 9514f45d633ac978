"""Core layers against the Keras oracle and hand computations."""

import numpy as np
import pytest
import torch

import lamina
from lamina import layers

ACTIVATIONS = [
    None,
    "relu",
    "sigmoid",
    "tanh",
    "softmax",
    "elu",
    "selu",
    "gelu",
    "swish",
    "softplus",
    "leaky_relu",
    "relu6",
    "mish",
    "hard_sigmoid",
]


def _copy_and_compare(keras, klayer, llayer, x, atol=1e-6):
    kout = klayer(x)
    llayer(x)
    llayer.set_weights(klayer.get_weights())
    lout = llayer(x).detach().numpy()
    np.testing.assert_allclose(
        lout, np.asarray(kout.detach().cpu()), rtol=1e-5, atol=atol
    )


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_dense_matches_keras(keras, activation):
    x = np.random.default_rng(1).normal(size=(4, 5)).astype("float32")
    _copy_and_compare(
        keras,
        keras.layers.Dense(3, activation=activation),
        layers.Dense(3, activation=activation),
        x,
    )


@pytest.mark.parametrize("shape", [(2, 3, 5), (2, 2, 3, 5)])
def test_dense_on_higher_rank_matches_keras(keras, shape):
    x = np.random.default_rng(2).normal(size=shape).astype("float32")
    _copy_and_compare(
        keras, keras.layers.Dense(4, use_bias=False), layers.Dense(4, use_bias=False), x
    )


def test_dense_weights_layout_and_counts():
    d = layers.Dense(3)
    d(np.zeros((2, 5), "float32"))
    assert [tuple(w.shape) for w in d.weights] == [(5, 3), (3,)]
    assert d.count_params() == 18
    assert len(d.trainable_weights) == 2 and d.non_trainable_weights == []
    assert torch.all(d.bias == 0)
    limit = np.sqrt(6 / (5 + 3))
    assert float(d.kernel.detach().abs().max()) <= limit


def test_dense_activation_equals_activation_layer():
    x = np.random.default_rng(3).normal(size=(6, 4)).astype("float32")
    fused = layers.Dense(8, activation="relu")
    plain = layers.Dense(8)
    fused(x)
    plain(x)
    plain.set_weights(fused.get_weights())
    stacked = lamina.Sequential([plain, layers.Activation("relu")])
    np.testing.assert_array_equal(
        fused(x).detach().numpy(), stacked(x).detach().numpy()
    )


def test_units_zero_refused():
    with pytest.raises(ValueError, match=r"Received: units=0"):
        layers.Dense(0)


def test_unknown_kwarg_refused():
    with pytest.raises(
        ValueError, match="Unrecognized keyword arguments passed to Dense"
    ):
        layers.Dense(2, foo=1)


def test_unknown_activation_fails_at_creation():
    with pytest.raises(ValueError, match="relu"):
        layers.Dense(2, activation="rleu")


def test_set_weights_wrong_shape_names_both_shapes():
    d = layers.Dense(3)
    d(np.zeros((1, 2), "float32"))
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(4, 3\)"):
        d.set_weights([np.zeros((4, 3)), np.zeros(3)])


def test_wrong_feature_count_names_layer_and_hint():
    model = lamina.Sequential([layers.Dense(2, input_shape=(3,), name="first")])
    with pytest.raises(
        ValueError, match=r"'first'.*value 3.*\(None, 5\).*input_shape=\(5,\)"
    ):
        model(np.zeros((4, 5), "float32"))


def test_trainable_false_freezes():
    d = layers.Dense(2)
    d(np.zeros((1, 2), "float32"))
    d.trainable = False
    assert d.trainable_weights == []
    assert len(d.non_trainable_weights) == 2
    assert not d.kernel.requires_grad


def test_get_config_round_trip():
    d = layers.Dense(3, activation="tanh", use_bias=False, name="dd")
    config = d.get_config()
    assert config["units"] == 3 and config["activation"] == "tanh"
    clone = layers.Dense.from_config(config)
    assert clone.get_config() == config


def test_dropout_training_and_inference():
    x = torch.ones(1000, 10)
    drop = layers.Dropout(0.5)
    np.testing.assert_array_equal(drop(x).numpy(), x.numpy())
    out = drop(x, training=True)
    kept = out != 0
    assert 0.4 < float(kept.float().mean()) < 0.6
    np.testing.assert_allclose(out[kept].numpy(), 2.0)


def test_dropout_rate_refused():
    with pytest.raises(ValueError, match=r"Received: rate=1.5"):
        layers.Dropout(1.5)


def test_flatten_reshape_match_keras(keras):
    x = np.arange(2 * 3 * 4, dtype="float32").reshape(2, 3, 4)
    np.testing.assert_array_equal(
        layers.Flatten()(x).numpy(), np.asarray(keras.layers.Flatten()(x).cpu())
    )
    np.testing.assert_array_equal(
        layers.Reshape((4, 3))(x).numpy(),
        np.asarray(keras.layers.Reshape((4, 3))(x).cpu()),
    )
    np.testing.assert_array_equal(
        layers.Reshape((-1, 2))(x).numpy(),
        np.asarray(keras.layers.Reshape((-1, 2))(x).cpu()),
    )
    x4 = np.arange(2 * 3 * 2 * 2, dtype="float32").reshape(2, 3, 2, 2)
    np.testing.assert_array_equal(
        layers.Flatten(data_format="channels_first")(x4).numpy(),
        np.asarray(keras.layers.Flatten(data_format="channels_first")(x4).cpu()),
    )


def test_reshape_impossible_refused():
    with pytest.raises(ValueError, match="cannot reshape"):
        layers.Reshape((5,))(np.zeros((2, 3), "float32"))


def test_lambda_and_identity():
    x = np.ones((2, 3), "float32")
    np.testing.assert_array_equal(layers.Lambda(lambda t: t * 3)(x).numpy(), x * 3)
    np.testing.assert_array_equal(layers.Identity()(x).numpy(), x)


def test_compute_output_shape_uses_meta():
    assert layers.Dense(7).compute_output_shape((None, 3)) == (None, 7)
    assert layers.Flatten().compute_output_shape((None, 3, 4)) == (None, 12)


def test_callable_on_numpy_lists_and_tensors():
    d = layers.Dense(2, kernel_initializer="ones")
    assert d([[1.0, 2.0]]).tolist() == [[3.0, 3.0]]
    assert d(np.array([[1.0, 1.0]])).dtype == torch.float32
    assert d(torch.ones(1, 2)).tolist() == [[2.0, 2.0]]


def test_non_numeric_input_refused():
    with pytest.raises(TypeError, match="numeric"):
        layers.Dense(2)(np.array([["a", "b"]]))
