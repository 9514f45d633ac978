"""Issue 12, group 4: `call()` returning a list where one tensor is expected."""

import numpy as np
import pytest
import torch

import lamina
from lamina import layers

_COUNT = r"Layer 'dense_b' expects 1 input, but it received 2 input tensors"


def test_sequential_with_input_names_both_layers(keras):
    with pytest.raises(
        ValueError,
        match=_COUNT + r" \(a list returned by layer 'pair'\), of shapes "
        r"\[\(None, 3\), \(None, 3\)\].*single output",
    ):
        lamina.Sequential(
            [
                layers.Input((3,)),
                layers.Lambda(lambda t: [t, t], name="pair"),
                layers.Dense(2, name="dense_b"),
            ]
        )
    # Keras refuses the same model when it is built, with the same count
    with pytest.raises(ValueError, match=r"expects 1 input\(s\), but it received 2"):
        keras.Sequential(
            [
                keras.Input((3,)),
                keras.layers.Lambda(lambda t: [t, t]),
                keras.layers.Dense(2),
            ]
        )


def test_deferred_sequential_on_data():
    model = lamina.Sequential(
        [layers.Lambda(lambda t: [t, t], name="pair"), layers.Dense(2, name="dense_b")]
    )
    with pytest.raises(ValueError, match=_COUNT + r" \(a list returned by layer"):
        model(np.zeros((2, 3), "float32"))


def test_functional_and_built_layer():
    inputs = lamina.Input((3,))
    pair = layers.Lambda(lambda t: [t, t], name="pair")(inputs)
    with pytest.raises(
        ValueError, match=_COUNT + r" \(a list returned by layer 'pair'"
    ):
        layers.Dense(2, name="dense_b")(pair)
    built = layers.Dense(2, name="dense_b")
    built(torch.zeros(2, 3))
    with pytest.raises(ValueError, match=_COUNT + r", of shapes \[\(None, 3\)"):
        built([torch.zeros(2, 3), torch.zeros(2, 3)])


def test_layers_taking_lists_keep_their_own_errors():
    with pytest.raises(ValueError, match="(?i)concat") as err:
        layers.Concatenate(axis=1)([torch.zeros(2, 3, 4), torch.zeros(2, 3, 5)])
    assert "expects 1 input" not in str(err.value)
    out = layers.Add()([torch.ones(2, 3), torch.ones(2, 3)])
    torch.testing.assert_close(out, torch.full((2, 3), 2.0))
