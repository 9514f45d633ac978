"""Masks flow as in Keras's masking guide: `_keras_mask` on outputs (data and
symbolic), custom `compute_mask` / `supports_masking`, `mask=` reaching a
custom layer's `call`, in Sequential and functional models."""

import numpy as np
import pytest

import lamina

PADDED = np.array(
    [[711, 632, 71, 0, 0, 0], [73, 8, 3215, 55, 927, 0], [83, 91, 1, 645, 1253, 927]]
)
WANT_MASK = PADDED != 0


def _np(x):
    return np.asarray(x.detach().cpu() if hasattr(x, "detach") else x)


def test_embedding_and_masking_layers_attach_masks(keras):
    out = lamina.layers.Embedding(5000, 16, mask_zero=True)(PADDED)
    np.testing.assert_array_equal(_np(out._keras_mask), WANT_MASK)
    dense = np.repeat(PADDED[..., None], 10, axis=-1).astype("float32")
    masked = lamina.layers.Masking()(dense)
    kmasked = keras.layers.Masking()(dense)
    np.testing.assert_array_equal(_np(masked._keras_mask), _np(kmasked._keras_mask))


def _lstm_models(k):
    seq = k.Sequential(
        [
            k.layers.Embedding(input_dim=50, output_dim=4, mask_zero=True),
            k.layers.LSTM(3),
        ]
    )
    seq.build((None, 6))
    inputs = k.Input(shape=(None,), dtype="int32")
    x = k.layers.Embedding(input_dim=50, output_dim=4, mask_zero=True)(inputs)
    return seq, k.Model(inputs, k.layers.LSTM(3)(x))


def test_mask_propagates_to_lstm_as_keras(keras):
    tokens = PADDED % 50
    for model, kmodel in zip(_lstm_models(lamina), _lstm_models(keras)):
        model.set_weights(kmodel.get_weights())
        got = model.predict(tokens, verbose=0)
        np.testing.assert_allclose(got, kmodel.predict(tokens, verbose=0), atol=1e-5)
        # Masked steps are skipped: trailing padding leaves the output unchanged.
        longer = np.c_[tokens, np.zeros((3, 2), int)]
        np.testing.assert_allclose(model.predict(longer, verbose=0), got, atol=1e-6)


def _guide_layers(k):
    class MyLayer(k.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.embedding = k.layers.Embedding(50, 4, mask_zero=True)
            self.lstm = k.layers.LSTM(3)

        def call(self, inputs):
            x = self.embedding(inputs)
            mask = self.embedding.compute_mask(inputs)
            return self.lstm(x, mask=mask)

    class TemporalSplit(k.layers.Layer):
        def call(self, inputs):
            return k.ops.split(inputs, 2, axis=1)

        def compute_mask(self, inputs, mask=None):
            return None if mask is None else k.ops.split(mask, 2, axis=1)

    class MyActivation(k.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.supports_masking = True

        def call(self, inputs):
            return k.ops.relu(inputs)

    class TemporalSoftmax(k.layers.Layer):
        def call(self, inputs, mask=None):
            weight = k.ops.expand_dims(k.ops.cast(mask, "float32"), -1)
            exp = k.ops.exp(inputs) * weight
            return exp / k.ops.sum(exp * weight, axis=1, keepdims=True)

    return MyLayer, TemporalSplit, MyActivation, TemporalSoftmax


def test_custom_layer_passing_mask_by_hand_matches_keras(keras):
    layer, klayer = _guide_layers(lamina)[0](), _guide_layers(keras)[0]()
    tokens = PADDED % 50
    klayer(tokens)
    layer(tokens)
    layer.set_weights(klayer.get_weights())
    np.testing.assert_allclose(_np(layer(tokens)), _np(klayer(tokens)), atol=1e-5)


def test_compute_mask_splits_the_mask_on_data_and_symbols():
    split = _guide_layers(lamina)[1]
    masked = lamina.layers.Masking()(np.repeat(PADDED[..., None], 2, -1) * 1.0)
    first, second = split()(masked)
    np.testing.assert_array_equal(_np(first._keras_mask), WANT_MASK[:, :3])
    np.testing.assert_array_equal(_np(second._keras_mask), WANT_MASK[:, 3:])
    inputs = lamina.Input(shape=(6, 2))
    a, b = split()(lamina.layers.Masking()(inputs))
    assert a._keras_mask.shape == b._keras_mask.shape == (None, 3)


def test_supports_masking_passes_the_mask_and_default_destroys_it(keras):
    my_activation = _guide_layers(lamina)[2]
    inputs = lamina.Input(shape=(None,), dtype="int32")
    x = lamina.layers.Embedding(50, 4, mask_zero=True)(inputs)
    kept = my_activation()(x)
    assert kept._keras_mask.shape == (None, None)
    assert kept._keras_mask.dtype == "bool"

    class Plain(lamina.layers.Layer):
        def call(self, inputs):
            return inputs * 1.0

    assert getattr(Plain()(x), "_keras_mask", None) is None
    assert getattr(Plain()(x * 1.0 + 0.0), "_keras_mask", None) is None


@pytest.mark.filterwarnings("ignore:Layer 'temporal_softmax'")  # Keras: mask dropped
def test_mask_reaches_a_custom_call_in_a_functional_model(keras):
    def build(k):
        softmax = _guide_layers(k)[3]
        inputs = k.Input(shape=(None,), dtype="int32")
        x = k.layers.Embedding(input_dim=10, output_dim=3, mask_zero=True)(inputs)
        x = k.layers.Dense(1)(x)
        return k.Model(inputs, softmax()(x))

    model, kmodel = build(lamina), build(keras)
    model.set_weights(kmodel.get_weights())
    tokens = np.random.default_rng(0).integers(0, 10, size=(4, 7))
    got = model.predict(tokens, verbose=0)
    np.testing.assert_allclose(got, kmodel.predict(tokens, verbose=0), atol=1e-5)
    np.testing.assert_allclose(got[tokens == 0], 0.0)
    # Keras's guide passes an array as the second positional argument.
    y = model(tokens, np.ones((4, 7, 1)))
    np.testing.assert_allclose(_np(y), got, atol=1e-6)


def test_mask_argument_of_a_sequential_reaches_the_first_layer():
    lstm = lamina.layers.LSTM(2)
    model = lamina.Sequential([lamina.Input(shape=(4, 3)), lstm])
    x = np.random.default_rng(1).normal(size=(2, 4, 3)).astype("float32")
    mask = np.array([[True, True, False, False]] * 2)
    got = _np(model(x, mask=lamina.ops.convert_to_tensor(mask)))
    np.testing.assert_allclose(got, _np(lstm(x[:, :2])), atol=1e-6)


@pytest.mark.parametrize("mask_zero", [True, False])
def test_embedding_mask_in_symbolic_graph(mask_zero):
    inputs = lamina.Input(shape=(5,), dtype="int32")
    x = lamina.layers.Embedding(10, 2, mask_zero=mask_zero)(inputs)
    mask = getattr(x, "_keras_mask", None)
    assert (mask is not None) == mask_zero
