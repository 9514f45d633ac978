"""Issue 12, group 4: a custom layer's mistakes are reported naming the layer."""

import numpy as np
import pytest
import torch

import lamina
from lamina import layers


class ForgetsReturn(layers.Layer):
    def call(self, inputs):
        inputs * 2  # the missing `return` is the point


class ReturnsText(layers.Layer):
    def call(self, inputs):
        return "done"


class ReturnsListOfText(layers.Layer):
    def call(self, inputs):
        return [inputs, "extra"]


def test_call_returning_none_names_the_layer():
    layer = ForgetsReturn(name="doubler")
    with pytest.raises(
        TypeError, match=r"Layer 'doubler' \(ForgetsReturn\) returned None"
    ):
        layer(np.ones((2, 3)))
    model = lamina.Sequential(
        [layers.Dense(3), ForgetsReturn(name="bad"), layers.Dense(1)]
    )
    with pytest.raises(TypeError, match="Layer 'bad' .* check that it ends with"):
        model.predict(np.ones((2, 4)), verbose=0)


@pytest.mark.parametrize("cls", [ReturnsText, ReturnsListOfText])
def test_call_returning_a_non_tensor_names_the_layer_and_the_value(cls):
    with pytest.raises(
        TypeError, match=r"returned a str from `call\(\)`: 'done'|'extra'"
    ):
        cls(name="texty")(torch.ones(2, 3))


def test_tensors_numpy_and_structures_are_fine():
    class Pair(layers.Layer):
        def call(self, inputs):
            return {"a": inputs, "b": [inputs * 2, None]}

    out = Pair()(torch.ones(1, 2))
    assert out["b"][0].tolist() == [[2.0, 2.0]]


class WeightInCall(layers.Layer):
    def call(self, inputs):
        w = self.add_weight(shape=(inputs.shape[-1],), name="scale")
        return inputs * w


def test_add_weight_inside_call_says_to_use_build():
    with pytest.raises(
        RuntimeError, match=r"called `add_weight` \(name='scale'\) inside"
    ):
        WeightInCall(name="lazy")(np.ones((2, 3)))
    model = lamina.Sequential([WeightInCall(name="lazy2")])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(
        Exception, match=r"Create weights in\s+`build\(self, input_shape\)`"
    ):
        model.fit(np.ones((4, 3)), np.ones((4, 3)), verbose=0)


def test_add_weight_in_build_of_a_sublayer_called_inside_call_is_fine():
    class Outer(layers.Layer):
        def __init__(self):
            super().__init__()
            self.inner = layers.Dense(2)

        def call(self, inputs):
            return self.inner(inputs)  # the Dense builds here: allowed

    assert Outer()(np.ones((1, 3))).shape == (1, 2)
