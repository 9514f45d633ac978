"""Recurrent layers beyond the battery: masks, states, fused path, wrappers."""

import numpy as np
import pytest
import torch

import lamina
from lamina.layers.recurrent import _fused

RNG = np.random.default_rng(0)
X = RNG.normal(size=(2, 5, 3)).astype("float32")
RIGHT_PADDED = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], bool)
HOLES = np.array([[1, 0, 1, 1, 0], [0, 1, 1, 0, 1]], bool)


def _np(x):
    if isinstance(x, (list, tuple)):
        return [_np(v) for v in x]
    if isinstance(x, torch.Tensor):
        return x.detach().cpu().numpy()
    return np.asarray(x)


def _close(a, b, atol=1e-6):
    a, b = _np(a), _np(b)
    if isinstance(a, list):
        assert len(a) == len(b)
        for u, v in zip(a, b, strict=True):
            np.testing.assert_allclose(u, v, rtol=1e-5, atol=atol)
    else:
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=atol)


def _pair(keras, name, x=X, **kwargs):
    klayer = getattr(keras.layers, name)(**kwargs)
    llayer = getattr(lamina.layers, name)(**kwargs)
    klayer(x)
    llayer(x)
    llayer.set_weights(klayer.get_weights())
    return klayer, llayer


# -- masks ------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["LSTM", "GRU", "SimpleRNN"])
@pytest.mark.parametrize("go_backwards", [False, True])
@pytest.mark.parametrize("mask", [RIGHT_PADDED, HOLES], ids=["right_padded", "holes"])
def test_masked_sequences_match_keras(keras, name, go_backwards, mask):
    kw = {"units": 4, "return_sequences": True, "return_state": True}
    klayer, llayer = _pair(keras, name, go_backwards=go_backwards, **kw)
    out = llayer(X, mask=torch.as_tensor(mask))
    _close(out, klayer(X, mask=mask))
    # right-padded masks run packed on the fused kernel; masks with holes loop
    assert llayer.last_call_fused == (mask is RIGHT_PADDED)


def test_embedding_mask_zero_feeds_lstm_like_keras(keras):
    ids = np.array([[3, 1, 4, 0, 0], [2, 7, 1, 8, 2]])
    kemb = keras.layers.Embedding(10, 3, mask_zero=True)
    lemb = lamina.layers.Embedding(10, 3, mask_zero=True)
    klstm = keras.layers.LSTM(4, return_sequences=True)
    llstm = lamina.layers.LSTM(4, return_sequences=True)
    kout = klstm(kemb(ids))
    lemb(ids)
    lemb.set_weights(kemb.get_weights())
    embedded = lemb(ids)
    np.testing.assert_array_equal(_np(embedded._keras_mask), ids != 0)
    llstm(embedded)
    llstm.set_weights(klstm.get_weights())
    lout = llstm(embedded)
    _close(lout, kout)
    assert llstm.last_call_fused
    np.testing.assert_array_equal(_np(lout._keras_mask), ids != 0)


def test_masking_layer_feeds_gru_like_keras(keras):
    x = X.copy()
    x[0, 1] = 0.0
    x[1, 3:] = 0.0
    kmask, lmask = keras.layers.Masking(), lamina.layers.Masking()
    klayer, llayer = _pair(keras, "GRU", units=3)
    masked = lmask(x)
    _close(masked, kmask(x))
    np.testing.assert_array_equal(_np(masked._keras_mask), _np(kmask(x)._keras_mask))
    _close(llayer(masked), klayer(kmask(x)))


def test_functional_model_with_mask_matches_keras(keras):
    ids = np.array([[3, 1, 0, 0], [2, 7, 1, 8]])

    def build(lib):
        inp = lib.Input(shape=(4,), dtype="int64")
        h = lib.layers.Embedding(10, 3, mask_zero=True)(inp)
        h = lib.layers.Bidirectional(lib.layers.LSTM(2))(h)
        return lib.Model(inp, lib.layers.Dense(1)(h))

    kmodel, lmodel = build(keras), build(lamina)
    lmodel.set_weights(kmodel.get_weights())
    _close(lmodel.predict(ids, verbose=0), kmodel.predict(ids, verbose=0), atol=1e-5)


# -- states -----------------------------------------------------------------------
def test_return_state_order_and_initial_state_match_keras(keras):
    h0 = RNG.normal(size=(2, 4)).astype("float32")
    c0 = RNG.normal(size=(2, 4)).astype("float32")
    klayer, llayer = _pair(keras, "LSTM", units=4, return_state=True)
    out, h, c = llayer(X, initial_state=[torch.as_tensor(h0), torch.as_tensor(c0)])
    _close([out, h, c], klayer(X, initial_state=[h0, c0]))
    _close(out, h)  # the output of an LSTM is its h state


def test_gru_initial_state_matches_keras(keras):
    h0 = RNG.normal(size=(2, 3)).astype("float32")
    for reset_after in (True, False):
        klayer, llayer = _pair(keras, "GRU", units=3, reset_after=reset_after)
        _close(
            llayer(X, initial_state=[torch.as_tensor(h0)]),
            klayer(X, initial_state=[h0]),
        )


def test_wrong_number_of_initial_states_raises():
    layer = lamina.layers.LSTM(2)
    with pytest.raises(ValueError, match=r"expects 2 initial state tensor\(s\)"):
        layer(X, initial_state=[torch.zeros(2, 2)])


def test_stateful_layer_carries_states_like_keras(keras):
    klayer, llayer = _pair(keras, "GRU", units=3, stateful=True)
    klayer.reset_states()
    llayer.reset_states()
    for _ in range(2):  # the second call starts from the first call's states
        _close(llayer(X), klayer(X))
    llayer.reset_states()
    fresh = lamina.layers.GRU(3)
    fresh(X)
    fresh.set_weights(llayer.get_weights())
    _close(llayer(X), fresh(X))
    with pytest.raises(ValueError, match="holds states for batch size 2"):
        llayer(X[:1])


# -- fused path -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "kwargs", "kind"),
    [
        ("LSTM", {}, "lstm"),
        ("GRU", {}, "gru"),
        ("SimpleRNN", {}, "rnn_tanh"),
        ("SimpleRNN", {"activation": "relu"}, "rnn_relu"),
    ],
)
def test_default_configurations_call_the_fused_kernel(monkeypatch, name, kwargs, kind):
    calls = []
    kernel = _fused._KERNELS[kind]
    monkeypatch.setitem(_fused._KERNELS, kind, lambda *a: calls.append(1) or kernel(*a))
    layer = getattr(lamina.layers, name)(3, **kwargs)
    layer(X)
    assert calls == [1]
    assert layer.last_call_fused


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("GRU", {"reset_after": False}),
        ("LSTM", {"activation": "relu"}),
        ("GRU", {"recurrent_activation": "hard_sigmoid"}),
        ("SimpleRNN", {"activation": "softsign"}),
    ],
)
def test_other_configurations_take_the_step_loop(name, kwargs):
    layer = getattr(lamina.layers, name)(3, **kwargs)
    layer(X)
    assert not layer.last_call_fused


def test_recurrent_dropout_loops_only_in_training():
    layer = lamina.layers.LSTM(3, recurrent_dropout=0.5, dropout=0.5, seed=1)
    inference = layer(X)
    assert layer.last_call_fused
    trained = layer(X, training=True)
    assert not layer.last_call_fused
    assert not torch.allclose(inference, trained)
    twin = lamina.layers.LSTM(3, recurrent_dropout=0.5, dropout=0.5, seed=1)
    twin(X)
    twin.set_weights(layer.get_weights())
    layer.cell._seed_generator = lamina.backend.SeedGenerator(1)
    _close(twin(X, training=True), layer(X, training=True))


@pytest.mark.parametrize("name", ["LSTM", "GRU", "SimpleRNN"])
def test_fused_gradients_equal_step_loop_gradients(name):
    fused = getattr(lamina.layers, name)(3, return_sequences=True)
    looped = getattr(lamina.layers, name)(3, return_sequences=True, activation=_tanh)
    x = torch.as_tensor(X)
    fused(x)
    looped(x)
    looped.set_weights(fused.get_weights())
    fused(x).square().sum().backward()
    looped(x).square().sum().backward()
    assert fused.last_call_fused
    assert not looped.last_call_fused
    for a, b in zip(fused.trainable_weights, looped.trainable_weights, strict=True):
        _close(a.grad, b.grad, atol=1e-5)


def _tanh(x):
    return torch.tanh(x)


# -- cells and the generic RNN -----------------------------------------------------
@pytest.mark.parametrize("cell", ["LSTMCell", "GRUCell", "SimpleRNNCell"])
def test_rnn_of_cell_matches_keras(keras, cell):
    klayer = keras.layers.RNN(getattr(keras.layers, cell)(3), return_sequences=True)
    llayer = lamina.layers.RNN(getattr(lamina.layers, cell)(3), return_sequences=True)
    kout = klayer(X)
    llayer(X)
    llayer.set_weights(klayer.get_weights())
    _close(llayer(X), kout)
    clone = lamina.layers.RNN.from_config(llayer.get_config())
    clone(X)
    clone.set_weights(llayer.get_weights())
    _close(clone(X), kout)


def test_stacked_cells_match_keras(keras):
    def cells(lib):
        return [lib.layers.LSTMCell(4), lib.layers.GRUCell(3)]

    klayer = keras.layers.RNN(cells(keras), return_sequences=True)
    llayer = lamina.layers.RNN(cells(lamina), return_sequences=True)
    kout = klayer(X, mask=HOLES)
    llayer(X)
    llayer.set_weights(klayer.get_weights())
    _close(llayer(X, mask=torch.as_tensor(HOLES)), kout)
    assert [tuple(w.shape) for w in llayer.weights] == [
        tuple(w.shape) for w in klayer.weights
    ]


def test_custom_cell_runs_in_the_step_loop():
    class Accumulate(lamina.layers.Layer):
        state_size = 3

        def call(self, inputs, states):
            total = states[0] + inputs
            return total, [total]

    layer = lamina.layers.RNN(Accumulate(), return_sequences=True)
    _close(layer(X), torch.as_tensor(X).cumsum(1))


def test_cell_step_matches_keras(keras):
    kcell, lcell = keras.layers.LSTMCell(3), lamina.layers.LSTMCell(3)
    h = RNG.normal(size=(2, 3)).astype("float32")
    kout = kcell(X[:, 0], [h, h])
    lcell(torch.as_tensor(X[:, 0]), [torch.as_tensor(h)] * 2)
    lcell.set_weights(kcell.get_weights())
    _close(lcell(torch.as_tensor(X[:, 0]), [torch.as_tensor(h)] * 2)[1], kout[1])


# -- wrappers -----------------------------------------------------------------------
def _bidirectional_pair(keras, merge_mode, **kwargs):
    klayer = keras.layers.Bidirectional(
        keras.layers.LSTM(3, **kwargs), merge_mode=merge_mode
    )
    llayer = lamina.layers.Bidirectional(
        lamina.layers.LSTM(3, **kwargs), merge_mode=merge_mode
    )
    klayer(X)
    llayer(X)
    llayer.set_weights(klayer.get_weights())
    return klayer, llayer


@pytest.mark.parametrize("merge_mode", ["concat", "sum", "mul", "ave", None])
def test_bidirectional_merge_modes_match_keras(keras, merge_mode):
    klayer, llayer = _bidirectional_pair(keras, merge_mode, return_sequences=True)
    _close(llayer(X), klayer(X))
    for mask in (RIGHT_PADDED, HOLES):
        _close(llayer(X, mask=torch.as_tensor(mask)), klayer(X, mask=mask))
    assert [w.shape for w in llayer.weights] == [tuple(w.shape) for w in klayer.weights]


def test_bidirectional_return_state_and_config(keras):
    klayer, llayer = _bidirectional_pair(keras, "concat", return_state=True)
    out = llayer(X)
    assert len(out) == 5  # output, forward h and c, backward h and c
    _close(out, klayer(X))
    config = llayer.get_config()
    assert config["layer"]["config"]["name"].startswith("forward_")
    assert config["backward_layer"]["config"]["go_backwards"] is True
    clone = lamina.layers.Bidirectional.from_config(config)
    clone(X)
    clone.set_weights(llayer.get_weights())
    _close(clone(X), out)
    assert clone.get_config() == config


def test_time_distributed_dense_matches_keras(keras):
    klayer = keras.layers.TimeDistributed(keras.layers.Dense(4))
    llayer = lamina.layers.TimeDistributed(lamina.layers.Dense(4))
    kout = klayer(X)
    llayer(X)
    llayer.set_weights(klayer.get_weights())
    _close(llayer(X), kout)
    clone = lamina.layers.TimeDistributed.from_config(llayer.get_config())
    clone(X)
    clone.set_weights(llayer.get_weights())
    _close(clone(X), kout)


# -- errors -------------------------------------------------------------------------
def test_errors_name_the_problem():
    with pytest.raises(ValueError, match="expected ndim=3, found ndim=2"):
        lamina.layers.LSTM(2)(np.zeros((2, 3), "float32"))
    layer = lamina.layers.GRU(2)
    layer(X)
    with pytest.raises(
        ValueError, match="expected axis -1 of input shape to have value 3"
    ):
        layer(np.zeros((2, 5, 4), "float32"))
    with pytest.raises(ValueError, match="expected a positive integer"):
        lamina.layers.SimpleRNN(0)
    with pytest.raises(ValueError, match="Invalid merge mode. Received: x"):
        lamina.layers.Bidirectional(lamina.layers.LSTM(2), merge_mode="x")
    with pytest.raises(ValueError, match="wraps a recurrent layer"):
        lamina.layers.Bidirectional(lamina.layers.Dense(2))
    with pytest.raises(ValueError, match="at least 3 dimensions"):
        lamina.layers.TimeDistributed(lamina.layers.Dense(2))(
            np.zeros((2, 3), "float32")
        )
    with pytest.raises(ValueError, match="`input_dim` must be a positive integer"):
        lamina.layers.Embedding(0, 3)
    with pytest.raises(ValueError, match="should have a `call` method"):
        lamina.layers.RNN(object())
