"""Attention layers against the Keras oracle: values, scores, masks, weights, fit."""

import numpy as np
import pytest
import torch

import lamina
from lamina import layers


def _np(x):
    return x.detach().cpu().numpy() if isinstance(x, torch.Tensor) else np.asarray(x)


def _rand(*shape, seed=0):
    return np.random.default_rng(seed).normal(size=shape).astype("float32")


def _close(a, b, atol=1e-6):
    np.testing.assert_allclose(_np(a), _np(b), rtol=1e-5, atol=atol)


def _mha_pair(keras, kwargs, *args, **call):
    klayer = keras.layers.MultiHeadAttention(**kwargs)
    llayer = layers.MultiHeadAttention(**kwargs)
    klayer(*args, **call)
    llayer(*args, **call)
    llayer.set_weights(klayer.get_weights())
    return klayer, llayer


Q, V = _rand(2, 4, 5), _rand(2, 3, 6, seed=1)
X4, Y4 = _rand(2, 3, 4, 5, seed=2), _rand(2, 3, 6, 7, seed=3)
MHA_CASES = [
    ({"num_heads": 2, "key_dim": 3}, (Q, V), {}),
    (
        {"num_heads": 2, "key_dim": 3, "value_dim": 4, "bias_initializer": "ones"},
        (Q, V, _rand(2, 3, 7, seed=4)),
        {},
    ),
    (
        {"num_heads": 2, "key_dim": 3, "output_shape": (2, 4), "use_bias": False},
        (Q, V),
        {},
    ),
    (
        {"num_heads": 3, "key_dim": 2, "use_gate": True, "bias_initializer": "ones"},
        (Q, V),
        {},
    ),
    ({"num_heads": 2, "key_dim": 3}, (Q, Q), {"use_causal_mask": True}),
    ({"num_heads": 2, "key_dim": 3}, (Q, V), {"use_causal_mask": True}),
    ({"num_heads": 2, "key_dim": 3, "sliding_window": 2}, (Q, Q), {}),
    (
        {"num_heads": 2, "key_dim": 3, "sliding_window": 2},
        (Q, Q),
        {"use_causal_mask": True},
    ),
    ({"num_heads": 2, "key_dim": 3, "attention_axes": (2,)}, (X4, Y4), {}),
    ({"num_heads": 2, "key_dim": 3, "attention_axes": (1, 2)}, (X4, Y4), {}),
    ({"num_heads": 2, "key_dim": 3}, (X4, X4), {}),
]


@pytest.mark.parametrize("scores", [False, True])
@pytest.mark.parametrize(("kwargs", "args", "call"), MHA_CASES)
def test_mha_outputs_and_scores_match_keras(keras, kwargs, args, call, scores):
    klayer, llayer = _mha_pair(keras, kwargs, *args, **call)
    call = {**call, "return_attention_scores": scores}
    kout, lout = klayer(*args, **call), llayer(*args, **call)
    if scores:
        assert lout[1].shape == kout[1].shape
        _close(lout[0], kout[0])
        _close(lout[1], kout[1])
    else:
        _close(lout, kout)


def test_mha_weight_layout_and_param_count(keras):
    kwargs = {"num_heads": 2, "key_dim": 3, "value_dim": 4, "output_shape": 7}
    klayer, llayer = _mha_pair(keras, kwargs, Q, V)
    shapes = [tuple(w.shape) for w in llayer.weights]
    assert shapes == [
        (5, 2, 3),
        (2, 3),
        (6, 2, 3),
        (2, 3),
        (6, 2, 4),
        (2, 4),
        (2, 4, 7),
        (7,),
    ]
    assert shapes == [tuple(w.shape) for w in klayer.weights]
    assert llayer.count_params() == klayer.count_params()
    assert len(llayer.trainable_weights) == 8


@pytest.mark.parametrize("scores", [False, True])
def test_mha_attention_mask_with_fully_masked_row(keras, scores):
    mask = np.random.default_rng(5).random((2, 4, 3)) > 0.4
    mask[0, 1] = False  # no key allowed: uniform (fused) or zero (scores), as Keras
    kwargs = {"num_heads": 2, "key_dim": 3, "bias_initializer": "ones"}
    klayer, llayer = _mha_pair(keras, kwargs, Q, V)
    call = {"attention_mask": mask, "return_attention_scores": scores}
    kout, lout = klayer(Q, V, **call), llayer(Q, V, **call)
    for a, b in zip(
        lout if scores else [lout], kout if scores else [kout], strict=True
    ):
        _close(a, b)


def _masked_model(lib, layer, scores):
    qi, vi = lib.Input((4, 5)), lib.Input((3, 6))
    masking = lib.layers.Masking
    out = layer(masking()(qi), masking()(vi), return_attention_scores=scores)
    return lib.Model([qi, vi], out[0] if scores else out)


@pytest.mark.parametrize("scores", [False, True])
def test_mha_input_masks_in_functional_model_match_keras(keras, scores):
    q, v = Q.copy(), V.copy()
    q[0, 3], q[1, 1:], v[0, 2], v[1, :] = 0, 0, 0, 0  # padded steps
    kwargs = {"num_heads": 2, "key_dim": 3, "bias_initializer": "ones"}
    klayer = keras.layers.MultiHeadAttention(**kwargs)
    llayer = layers.MultiHeadAttention(**kwargs)
    kmodel = _masked_model(keras, klayer, scores)
    lmodel = _masked_model(lamina, llayer, scores)
    llayer.set_weights(klayer.get_weights())
    lout = lmodel([q, v])
    _close(lout, kmodel([q, v]))
    if not scores:  # the query mask passes to the output
        expected = np.array([[1, 1, 1, 0], [1, 0, 0, 0]], bool)
        np.testing.assert_array_equal(_np(lout._keras_mask), expected)


def test_mha_symbolic_call_and_one_fit_step():
    qi, vi = lamina.Input((4, 5)), lamina.Input((3, 6))
    mha = layers.MultiHeadAttention(num_heads=2, key_dim=3)
    out = mha(qi, vi)
    assert out.shape == (None, 4, 5)
    model = lamina.Model([qi, vi], out)
    model.compile(optimizer=lamina.optimizers.SGD(0.1), loss="mse")
    before = [w.detach().clone() for w in mha.trainable_weights]
    model.fit([Q, V], _rand(2, 4, 5, seed=9), epochs=1, batch_size=2, verbose=0)
    for b, w in zip(before, mha.trainable_weights, strict=True):
        assert not torch.equal(b, w.detach()), w.path


def test_mha_keyword_and_numpy_calls():
    mha = layers.MultiHeadAttention(num_heads=2, key_dim=3)
    a = mha(query=Q, value=V)
    b = mha(torch.as_tensor(Q), V)
    _close(a, b)
    assert mha.compute_output_shape((None, 4, 5), (None, 3, 6)) == (None, 4, 5)


def test_mha_config_round_trip_matches_keras_keys(keras):
    kwargs = {
        "num_heads": 2,
        "key_dim": 3,
        "dropout": 0.1,
        "output_shape": 4,
        "kernel_regularizer": "l2",
    }
    klayer, llayer = _mha_pair(keras, kwargs, Q, V)
    config = llayer.get_config()
    assert set(config) == set(klayer.get_config())
    assert config["attention_axes"] == (1,)
    clone = layers.MultiHeadAttention.from_config(config)
    clone(Q, V)
    clone.set_weights(llayer.get_weights())
    _close(clone(Q, V), llayer(Q, V))
    assert clone.get_config() == config
    assert len(llayer.losses) == 4  # one L2 penalty per kernel


def test_mha_dropout_only_in_training():
    mha = layers.MultiHeadAttention(num_heads=2, key_dim=3, dropout=0.5)
    _close(mha(Q, V), mha(Q, V, training=False))
    assert not torch.allclose(mha(Q, V, training=True), mha(Q, V))
    _, scores = mha(Q, V, training=True, return_attention_scores=True)
    _close(scores.sum(-1), torch.ones(2, 2, 4))  # scores come before dropout


@pytest.mark.parametrize(
    ("build", "match", "error"),
    [
        (
            lambda: layers.MultiHeadAttention(0, 3),
            r"`num_heads`.*Received: num_heads=0",
            ValueError,
        ),
        (
            lambda: layers.MultiHeadAttention(2, 3, dropout=1.5),
            r"Received: dropout=1.5",
            ValueError,
        ),
        (lambda: layers.MultiHeadAttention(2, 3)(Q), r"`value` is missing", TypeError),
        (
            lambda: layers.MultiHeadAttention(2, 3)(Q, _rand(2, 6)),
            r"same rank. Received: query shape \(2, 4, 5\), value shape \(2, 6\)",
            ValueError,
        ),
        (
            lambda: layers.MultiHeadAttention(2, 3)(Q, V, _rand(2, 2, 6)),
            r"`key` and `value` must have the same shape except the last axis",
            ValueError,
        ),
        (
            lambda: layers.MultiHeadAttention(2, 3, attention_axes=3)(Q, V),
            r"`attention_axes` must be axes of the query",
            ValueError,
        ),
    ],
)
def test_mha_errors(build, match, error):
    with pytest.raises(error, match=match):
        build()


QM = np.array([[1, 1, 1, 0], [1, 0, 0, 0]], bool)
VM = np.array([[1, 1, 0], [0, 0, 0]], bool)


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("Attention", {}),
        ("Attention", {"use_scale": True}),
        ("Attention", {"score_mode": "concat", "use_scale": True}),
        ("AdditiveAttention", {}),
        ("AdditiveAttention", {"use_scale": False}),
    ],
)
@pytest.mark.parametrize("causal", [False, True])
def test_list_attention_masks_and_scores_match_keras(keras, name, kwargs, causal):
    q, v, k = _rand(2, 4, 5), _rand(2, 3, 5, seed=1), _rand(2, 3, 5, seed=2)
    klayer, llayer = (
        getattr(keras.layers, name)(**kwargs),
        getattr(layers, name)(**kwargs),
    )
    klayer([q, v])
    llayer([q, v])
    weights = [w + 0.3 for w in klayer.get_weights()]  # move off the initial ones
    klayer.set_weights(weights)
    llayer.set_weights(weights)
    call = {"mask": [QM, VM], "use_causal_mask": causal}
    for scores in (False, True):
        kout = klayer([q, v, k], return_attention_scores=scores, **call)
        lout = llayer([q, v, k], return_attention_scores=scores, **call)
        for a, b in zip(
            lout if scores else [lout], kout if scores else [kout], strict=True
        ):
            _close(a, b)


def test_list_attention_output_mask_is_query_mask(keras):
    q, v = torch.as_tensor(_rand(2, 4, 5)), torch.as_tensor(_rand(2, 3, 5, seed=1))
    q._keras_mask, v._keras_mask = torch.as_tensor(QM), torch.as_tensor(VM)
    out = layers.Attention()([q, v])
    np.testing.assert_array_equal(_np(out._keras_mask), QM)
    kout = keras.layers.Attention()([q, v], mask=[QM, VM])
    _close(out, kout)
    assert torch.all(out[~torch.as_tensor(QM)] == 0)


@pytest.mark.parametrize(
    ("inputs", "kw", "match"),
    [
        (
            lambda q: q,
            {},
            r"Attention layer must be called on a list of inputs, "
            r"namely \[query, value\] or \[query, value, key\]",
        ),
        (
            lambda q: [q],
            {},
            r"accepts inputs list of length 2 or 3.*Received length: 1",
        ),
        (
            lambda q: [q, q],
            {"mask": QM},
            r"Attention layer mask must be a list, "
            r"namely \[query_mask, value_mask\]",
        ),
        (lambda q: [q, q], {"mask": [QM]}, r"accepts mask list of length 2 or 3"),
    ],
)
def test_list_attention_errors(inputs, kw, match):
    q = _rand(2, 4, 5)
    with pytest.raises(ValueError, match=match):
        layers.Attention()(inputs(q), **kw)


def test_attention_score_mode_error_and_configs(keras):
    with pytest.raises(
        ValueError,
        match=r"Expected one of \{'dot', 'concat'\}. "
        r"Received: score_mode=foo",
    ):
        layers.Attention(score_mode="foo")
    for name in ("Attention", "AdditiveAttention"):
        assert set(getattr(layers, name)().get_config()) == set(
            getattr(keras.layers, name)().get_config()
        )


def test_list_attention_in_functional_model_trains():
    qi, vi = lamina.Input((4, 5)), lamina.Input((3, 5))
    att = layers.AdditiveAttention()
    out = att([qi, vi])
    model = lamina.Model([qi, vi], out)
    model.compile(optimizer=lamina.optimizers.SGD(0.1), loss="mse")
    model.fit([_rand(2, 4, 5), _rand(2, 3, 5)], _rand(2, 4, 5), epochs=1, verbose=0)
    assert out.shape == (None, 4, 5)


def test_symbolic_tensor_in_a_later_argument_goes_symbolic():
    class Scale(layers.Layer):
        def call(self, factor, x):
            return x * factor

    xi = lamina.Input((3,))
    out = Scale()(2.0, xi)
    assert out.shape == (None, 3)
    model = lamina.Model(xi, out)
    _close(model(np.ones((2, 3), "float32")), np.full((2, 3), 2.0, "float32"))


def test_frozen_attention_layers_build_frozen_projections():
    """A layer made with trainable=False builds its head projections frozen
    (both attention layers share one projection builder)."""
    q = np.ones((1, 3, 8), dtype="float32")
    for layer in (
        lamina.layers.MultiHeadAttention(2, 4, trainable=False),
        lamina.layers.GroupQueryAttention(8, 4, 2, trainable=False),
    ):
        layer(q, q)
        assert layer.weights
        assert layer.trainable_weights == []
