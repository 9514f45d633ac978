"""LSTM, GRU and SimpleRNN name every Keras argument in their signatures."""

import inspect
import pydoc

import numpy as np
import pytest
import torch

from lamina import layers

LAYERS = ["LSTM", "GRU", "SimpleRNN"]


@pytest.mark.parametrize("name", LAYERS)
def test_signature_lists_keras_arguments_in_keras_order(keras, name):
    ours = inspect.signature(getattr(layers, name)).parameters
    theirs = inspect.signature(getattr(keras.layers, name)).parameters
    named = [p for p in theirs if p not in ("self", "kwargs")]
    assert [p for p in ours if p != "kwargs"] == named
    for p in named:
        assert ours[p].default == theirs[p].default, p


@pytest.mark.parametrize("name", LAYERS)
def test_help_shows_return_sequences(name):
    text = pydoc.render_doc(getattr(layers, name), renderer=pydoc.plaintext)
    assert "return_sequences: 'bool' = False" in text
    assert "go_backwards: 'bool' = False" in text


@pytest.mark.parametrize("name", ["LSTM", "GRU"])
def test_use_cudnn_false_runs_the_step_loop_with_the_same_numbers(name):
    x = torch.from_numpy(np.random.default_rng(0).normal(size=(2, 4, 3)).astype("f"))
    fused = getattr(layers, name)(5, return_sequences=True)
    looped = getattr(layers, name)(5, return_sequences=True, use_cudnn=False)
    y_fused = fused(x)
    looped.build(x.shape)
    looped.set_weights(fused.get_weights())
    y_looped = looped(x)
    assert fused.last_call_fused is True
    assert looped.last_call_fused is False
    torch.testing.assert_close(y_looped, y_fused, atol=1e-5, rtol=1e-5)


def test_use_cudnn_refuses_other_values():
    with pytest.raises(ValueError, match=r"`use_cudnn` must be 'auto', True or False"):
        layers.LSTM(2, use_cudnn="yes")


def test_rnn_arguments_reach_the_layer_by_position_and_keyword():
    # SimpleRNN's Keras order puts return_sequences before seed.
    layer = layers.SimpleRNN(3, "relu", True, *["glorot_uniform"], return_state=True)
    assert layer.return_state is True
    assert layers.GRU(2, reset_after=False).cell.reset_after is False
    assert layers.LSTM(2, zero_output_for_mask=True).zero_output_for_mask is True
    assert layers.LSTM(2, implementation=2).units == 2  # Keras 2 argument, ignored
