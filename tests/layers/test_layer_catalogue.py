"""Keras's layer aliases, InputLayer(input_shape=), layers.serialize/deserialize,
Conv's overridable `convolution_op`, BatchNormalization on one row, and the
Embedding index error."""

import numpy as np
import pytest
import torch

import lamina
from lamina import layers

ALIASES = {
    "Convolution1D": "Conv1D",
    "Convolution2D": "Conv2D",
    "Convolution3D": "Conv3D",
    "Convolution1DTranspose": "Conv1DTranspose",
    "Convolution2DTranspose": "Conv2DTranspose",
    "Convolution3DTranspose": "Conv3DTranspose",
    "SeparableConvolution1D": "SeparableConv1D",
    "SeparableConvolution2D": "SeparableConv2D",
    "MaxPool1D": "MaxPooling1D",
    "MaxPool2D": "MaxPooling2D",
    "MaxPool3D": "MaxPooling3D",
    "AvgPool1D": "AveragePooling1D",
    "AvgPool2D": "AveragePooling2D",
    "AvgPool3D": "AveragePooling3D",
    "GlobalAvgPool1D": "GlobalAveragePooling1D",
    "GlobalAvgPool2D": "GlobalAveragePooling2D",
    "GlobalAvgPool3D": "GlobalAveragePooling3D",
    "GlobalMaxPool1D": "GlobalMaxPooling1D",
    "GlobalMaxPool2D": "GlobalMaxPooling2D",
    "GlobalMaxPool3D": "GlobalMaxPooling3D",
}


@pytest.mark.parametrize(("alias", "name"), sorted(ALIASES.items()))
def test_aliases_are_the_keras_classes(keras, alias, name):
    assert getattr(layers, alias) is getattr(layers, name)
    # Keras exports the same alias for the same class.
    assert getattr(keras.layers, alias) is getattr(keras.layers, name)


def test_input_layer_accepts_input_shape_with_keras_warning():
    with pytest.warns(UserWarning, match="`input_shape` is deprecated"):
        layer = layers.InputLayer(input_shape=(3,))
    assert layer.batch_shape == (None, 3)
    model = lamina.Sequential([layer, layers.Dense(2)])
    assert tuple(model(np.ones((4, 3), "float32")).shape) == (4, 2)
    assert layers.InputLayer(batch_input_shape=(5, 2)).batch_shape == (5, 2)


def test_serialize_round_trip_and_keras_form(keras):
    layer = layers.Conv2D(4, 3, strides=2, activation="relu", name="c")
    config = layers.serialize(layer)
    kconfig = keras.layers.serialize(
        keras.layers.Conv2D(4, 3, strides=2, activation="relu", name="c")
    )
    assert {k: config[k] for k in ("module", "class_name", "registered_name")} == {
        k: kconfig[k] for k in ("module", "class_name", "registered_name")
    }
    clone = layers.deserialize(config)
    assert type(clone) is layers.Conv2D
    assert clone.get_config() == layer.get_config()
    # Keras reads lamina's dict.
    klayer = keras.layers.deserialize(config)
    assert klayer.strides == (2, 2) and klayer.filters == 4
    assert type(layers.deserialize({"class_name": "ReLU", "config": {}})) is layers.ReLU


def test_deserialize_errors():
    with pytest.raises(ValueError, match="Unknown layer: 'Nope'"):
        layers.deserialize({"class_name": "Nope", "config": {}})
    with pytest.raises(ValueError, match="expects a dict with a 'class_name'"):
        layers.deserialize("Dense")
    with pytest.raises(TypeError, match="expects a layer"):
        layers.serialize(3)


def _standardized(kernel):
    kernel = getattr(kernel, "value", kernel)  # a Keras Variable holds a tensor
    mean = kernel.mean(dim=(0, 1, 2), keepdim=True)
    var = kernel.var(dim=(0, 1, 2), keepdim=True, unbiased=False)
    return (kernel - mean) / torch.sqrt(var + 1e-10)


class StandardizedConv2D(layers.Conv2D):
    def convolution_op(self, inputs, kernel):
        return super().convolution_op(inputs, _standardized(kernel))


def test_overridden_convolution_op_is_called_and_matches_keras(keras):
    class KerasStandardizedConv2D(keras.layers.Conv2D):
        def convolution_op(self, inputs, kernel):
            return super().convolution_op(inputs, _standardized(kernel))

    x = np.random.default_rng(0).normal(size=(2, 6, 6, 3)).astype("float32")
    kw = {"filters": 4, "kernel_size": 3, "padding": "same", "activation": "relu"}
    klayer = KerasStandardizedConv2D(bias_initializer="random_normal", **kw)
    kout = klayer(x)
    layer = StandardizedConv2D(**kw)
    layer(x)
    layer.set_weights(klayer.get_weights())
    np.testing.assert_allclose(
        layer(x).detach().numpy(), kout.detach().cpu().numpy(), atol=1e-4
    )
    plain = layers.Conv2D(**kw)
    plain(x)
    plain.set_weights(klayer.get_weights())
    assert not np.allclose(plain(x).detach().numpy(), kout.detach().cpu().numpy())


def test_convolution_op_default_equals_fused_call():
    layer = layers.Conv1D(3, 2, padding="causal", bias_initializer="ones")
    x = torch.randn(2, 5, 4)
    y = layer(x)
    direct = layer.convolution_op(x, layer.kernel) + layer.bias
    torch.testing.assert_close(direct, y)


def test_convolution_op_override_in_sequential_fit():
    calls = []

    class Counting(layers.Conv1D):
        def convolution_op(self, inputs, kernel):
            calls.append(tuple(inputs.shape))
            return super().convolution_op(inputs, kernel)

    model = lamina.Sequential([lamina.Input((5, 2)), Counting(2, 3), layers.Flatten()])
    model.compile("sgd", "mse")
    model.fit(np.ones((4, 5, 2)), np.ones((4, 6)), batch_size=4, verbose=0)
    assert (4, 5, 2) in calls


def test_batch_normalization_trains_on_one_row_like_keras(keras):
    x = np.random.default_rng(0).normal(size=(1, 3)).astype("float32")
    klayer = keras.layers.BatchNormalization(beta_initializer="random_normal")
    klayer(x)
    layer = layers.BatchNormalization()
    layer(x)
    layer.set_weights(klayer.get_weights())
    kout = klayer(x, training=True)
    out = layer(x, training=True)
    np.testing.assert_allclose(
        out.detach().numpy(), kout.detach().cpu().numpy(), atol=1e-5
    )
    for lw, kw in zip(layer.get_weights(), klayer.get_weights()):
        np.testing.assert_allclose(lw, kw, atol=1e-6)


def test_fit_with_a_last_batch_of_one_row():
    model = lamina.Sequential(
        [lamina.Input((3,)), layers.Dense(4), layers.BatchNormalization()]
    )
    model.compile("sgd", "mse")
    history = model.fit(np.ones((5, 3)), np.ones((5, 4)), batch_size=2, verbose=0)
    assert np.isfinite(history.history["loss"][0])


def test_embedding_index_out_of_range_names_layer_index_and_input_dim():
    layer = layers.Embedding(10, 3, name="tokens")
    with pytest.raises(ValueError, match=r"'tokens' received index 12.*input_dim=10"):
        layer(np.array([[1, 12]]))
    with pytest.raises(ValueError, match=r"received index -1"):
        layer(np.array([[-1, 2]]))
