"""EinsumDense, RMSNormalization, SpectralNormalization, Wrapper, ConvLSTM,
adaptive pooling, GroupQueryAttention, ReversibleEmbedding and Pipeline beyond
the shared battery."""

import numpy as np
import pytest
import torch

import lamina
from lamina import layers


def _np(x):
    return x.detach().cpu().numpy() if isinstance(x, torch.Tensor) else np.asarray(x)


def _rng(*shape, seed=0):
    return np.random.default_rng(seed).normal(size=shape).astype("float32")


# -- EinsumDense ---------------------------------------------------------------
def test_einsum_dense_shapes_and_config_match_keras(keras):
    kw = {"equation": "abc,cde->abde", "output_shape": (None, 3, 2), "bias_axes": "de"}
    k, lay = keras.layers.EinsumDense(**kw), layers.EinsumDense(**kw)
    x = _rng(2, 4, 5)
    k(x), lay(x)
    assert [tuple(w.shape) for w in lay.weights] == [(5, 3, 2), (3, 2)]
    assert [tuple(w.shape) for w in k.weights] == [(5, 3, 2), (3, 2)]
    kc, lc = k.get_config(), lay.get_config()
    for key in ("equation", "bias_axes", "activation", "kernel_initializer"):
        assert lc[key] == kc[key], key
    assert tuple(lc["output_shape"]) == tuple(kc["output_shape"])


def test_einsum_dense_kernel_fans_follow_equation():
    # fan_in = 5 (the contracted axis), fan_out = 3 * 2: glorot limit sqrt(6/11).
    layer = layers.EinsumDense("abc,cde->abde", (None, 3, 2))
    layer(np.ones((1, 2, 5), "float32"))
    init = layer._fan_initializer([0], [1, 2])
    assert init.input_axes == [0] and init.output_axes == [1, 2]
    assert float(layer.kernel.detach().abs().max()) <= np.sqrt(6 / 11) + 1e-6


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"equation": "ab->b", "output_shape": 2}, "Invalid einsum equation"),
        ({"equation": "ab,bc->ad", "output_shape": 2}, "Dimension 'd' was specified"),
        ({"equation": "ab,bz->ab", "output_shape": 3}, "Weight dimension 'z'"),
        (
            {"equation": "ab,bc->ac", "output_shape": 2, "bias_axes": "x"},
            "Bias dimension 'x'",
        ),
    ],
)
def test_einsum_dense_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        layers.EinsumDense(**kwargs)(np.ones((2, 3), "float32"))


# -- RMSNormalization -----------------------------------------------------------
def test_rms_normalization_middle_axis_hand_computed():
    x = _rng(2, 3, 4)
    layer = layers.RMSNormalization(axis=1)
    out = _np(layer(x))
    want = x / np.sqrt(np.mean(x**2, axis=1, keepdims=True) + 1e-6)
    np.testing.assert_allclose(out, want, rtol=1e-5)
    assert layer.get_config()["axis"] == [1]
    assert tuple(layer.scale.shape) == (3,)


# -- SpectralNormalization and Wrapper ------------------------------------------
def test_spectral_normalization_trains_toward_unit_norm():
    layer = layers.SpectralNormalization(
        layers.Dense(4, kernel_initializer="random_normal"), power_iterations=20
    )
    x = np.ones((2, 3), "float32")
    layer(x, training=True)
    sigma = torch.linalg.matrix_norm(layer.layer.kernel.detach(), ord=2)
    assert abs(float(sigma) - 1.0) < 1e-3
    before = layer.layer.kernel.detach().clone()
    layer(x)  # inference leaves the kernel alone
    assert torch.equal(before, layer.layer.kernel.detach())


def test_spectral_normalization_errors_and_zero_kernel():
    with pytest.raises(ValueError, match="`power_iterations` should be greater"):
        layers.SpectralNormalization(layers.Dense(2), power_iterations=0)
    with pytest.raises(ValueError, match="has no attribute 'kernel' nor 'embeddings'"):
        layers.SpectralNormalization(layers.Flatten())(np.ones((2, 3), "float32"))
    zero = layers.SpectralNormalization(layers.Dense(2, kernel_initializer="zeros"))
    out = zero(np.ones((1, 3), "float32"), training=True)
    assert not torch.isnan(out).any()
    assert torch.equal(zero.layer.kernel.detach(), torch.zeros(3, 2))


def test_wrapper_config_round_trip_and_error():
    class Twice(layers.Wrapper):
        def call(self, x):
            return 2 * self.layer(x)

    wrapped = Twice(layers.Dense(3, name="inner"))
    x = np.ones((1, 2), "float32")
    out = wrapped(x)
    clone = Twice.from_config(wrapped.get_config())
    clone(x)
    clone.set_weights(wrapped.get_weights())
    torch.testing.assert_close(clone(x), out)
    assert wrapped.get_config()["layer"]["class_name"] == "Dense"
    with pytest.raises(ValueError, match="supplied to Wrapper isn't a supported"):
        Twice(torch.nn.Linear(2, 2))


# -- ConvLSTM ------------------------------------------------------------------
def _pair(keras, name, kwargs, x):
    k, lay = getattr(keras.layers, name)(**kwargs), getattr(layers, name)(**kwargs)
    k(x), lay(x)
    lay.set_weights(k.get_weights())
    return k, lay


def test_conv_lstm_return_state_matches_keras(keras):
    x = _rng(2, 3, 5, 5, 2)
    kw = {"filters": 3, "kernel_size": 3, "padding": "same", "return_state": True}
    k, lay = _pair(keras, "ConvLSTM2D", kw, x)
    for a, b in zip(lay(x), k(x), strict=True):
        np.testing.assert_allclose(_np(a), _np(b), atol=1e-4)
    assert lay.filters == 3 and lay.kernel_size == (3, 3)
    assert [w.path.split("/")[-1] for w in lay.weights] == [
        "kernel",
        "recurrent_kernel",
        "bias",
    ]


def test_conv_lstm_initial_state_and_mask_match_keras(keras):
    x = _rng(2, 4, 6, 2)
    h0, c0 = _rng(2, 6, 3, seed=1), _rng(2, 6, 3, seed=2)
    mask = np.array([[1, 1, 0, 1], [1, 0, 1, 1]], bool)
    kw = {"filters": 3, "kernel_size": 3, "padding": "same", "return_sequences": True}
    k, lay = _pair(keras, "ConvLSTM1D", kw, x)
    kout = k(x, initial_state=[h0, c0], mask=mask)
    out = lay(x, initial_state=[h0, c0], mask=mask)
    np.testing.assert_allclose(_np(out), _np(kout), atol=1e-4)


def test_conv_lstm_trains_in_a_model_and_validates_input():
    model = lamina.Sequential(
        [
            lamina.Input((3, 4, 4, 1)),
            layers.ConvLSTM2D(2, 3, padding="same", dropout=0.2),
            layers.GlobalAveragePooling2D(),
        ]
    )
    model.compile("sgd", "mse")
    hist = model.fit(np.ones((4, 3, 4, 4, 1)), np.ones((4, 2)), verbose=0)
    assert np.isfinite(hist.history["loss"][0])
    with pytest.raises(ValueError, match="expected ndim=5"):
        layers.ConvLSTM2D(2, 3)(np.ones((2, 4, 4, 1), "float32"))


# -- adaptive pooling ----------------------------------------------------------
def test_adaptive_pooling_hand_computed_bins_and_errors():
    x = np.arange(5, dtype="float32").reshape(1, 5, 1)
    # 5 steps into 2 bins: [0, 3) and [2, 5).
    out = _np(layers.AdaptiveAveragePooling1D(2)(x))
    np.testing.assert_allclose(out[0, :, 0], [1.0, 3.0])
    out = _np(layers.AdaptiveMaxPooling1D(2)(x))
    np.testing.assert_allclose(out[0, :, 0], [2.0, 4.0])
    with pytest.raises(TypeError, match=r"`output_size` must be an integer or"):
        layers.AdaptiveAveragePooling2D((1, 2, 3))
    with pytest.raises(ValueError, match="expects inputs of rank 4"):
        layers.AdaptiveMaxPooling2D(2)(np.ones((1, 4, 2), "float32"))


# -- GroupQueryAttention -------------------------------------------------------
def test_group_query_attention_scores_and_masks_match_keras(keras):
    kw = {"head_dim": 2, "num_query_heads": 4, "num_key_value_heads": 2}
    q, v = _rng(2, 3, 4), _rng(2, 5, 4, seed=1)
    k, lay = keras.layers.GroupQueryAttention(**kw), layers.GroupQueryAttention(**kw)
    k(q, v), lay(q, v)
    lay.set_weights(k.get_weights())
    mask = np.random.default_rng(2).random((2, 3, 5)) > 0.3
    kout, kscores = k(q, v, attention_mask=mask, return_attention_scores=True)
    out, scores = lay(q, v, attention_mask=mask, return_attention_scores=True)
    np.testing.assert_allclose(_np(out), _np(kout), atol=1e-5)
    np.testing.assert_allclose(_np(scores), _np(kscores), atol=1e-6)
    vmask = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], bool)
    np.testing.assert_allclose(
        _np(lay(q, v, value_mask=vmask)), _np(k(q, v, value_mask=vmask)), atol=1e-5
    )
    assert lay.get_config() | {"name": None} == k.get_config() | {
        "name": None,
        "dtype": lay.get_config()["dtype"],
    }


def test_group_query_attention_errors():
    with pytest.raises(ValueError, match="must be divisible by `num_key_value_heads`"):
        layers.GroupQueryAttention(2, 3, 2)
    with pytest.raises(TypeError, match="must be called with `query` and `value`"):
        layers.GroupQueryAttention(2, 2, 1)(np.ones((1, 2, 3), "float32"))


# -- ReversibleEmbedding -------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs",
    [{}, {"tie_weights": False}, {"logit_soft_cap": 0.05}],
)
def test_reversible_embedding_reverse_matches_keras(keras, kwargs):
    ids = np.array([[1, 2, 0], [4, 3, 2]])
    k = keras.layers.ReversibleEmbedding(6, 4, mask_zero=True, **kwargs)
    lay = layers.ReversibleEmbedding(6, 4, mask_zero=True, **kwargs)
    k(ids), lay(ids)
    lay.set_weights(k.get_weights())
    h = _rng(2, 3, 4)
    np.testing.assert_allclose(
        _np(lay(h, reverse=True)), _np(k(h, reverse=True)), atol=1e-6
    )
    emb = lay(ids)
    assert _np(emb._keras_mask).tolist() == [[True, True, False], [True, True, True]]


# -- Pipeline --------------------------------------------------------------------
def test_pipeline_runs_in_order_and_round_trips():
    pipe = layers.Pipeline([layers.Rescaling(2.0), layers.Rescaling(1.0, offset=1.0)])
    np.testing.assert_allclose(_np(pipe(np.ones((1, 2), "float32"))), [[3.0, 3.0]])
    clone = layers.Pipeline.from_config(pipe.get_config())
    assert [type(x).__name__ for x in clone.layers] == ["Rescaling", "Rescaling"]
    np.testing.assert_allclose(_np(clone(np.ones((1, 2), "float32"))), [[3.0, 3.0]])
    with pytest.raises(ValueError, match="must contain a `layers` key"):
        layers.Pipeline.from_config({"name": "p"})


def test_pipeline_training_default_true_direct_false_in_predict():
    seen = []

    class Spy(layers.Layer):
        def call(self, x, training=None):
            seen.append(training)
            return x

    pipe = layers.Pipeline([Spy()])
    pipe(np.ones((1, 2), "float32"))
    assert seen == [True]
    model = lamina.Sequential([lamina.Input((2,)), pipe])
    model.predict(np.ones((1, 2)), verbose=0)
    assert seen[-1] is False
