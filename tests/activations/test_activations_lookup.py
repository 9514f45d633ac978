"""activations.get / serialize / deserialize, against Keras's answers."""

import pytest
import torch

from lamina import activations


def test_get_none_is_linear():
    assert activations.get(None) is activations.linear


@pytest.mark.parametrize("name", sorted(activations.ALL_ACTIVATIONS))
def test_get_by_name(name):
    assert activations.get(name) is getattr(activations, name)


def test_aliases_are_one_function():
    assert activations.swish is activations.silu
    assert activations.hard_swish is activations.hard_silu


def test_get_callable_returned_as_is():
    def my_act(x):
        return x * 2

    assert activations.get(my_act) is my_act
    module = torch.nn.ReLU()
    assert activations.get(module) is module


@pytest.mark.parametrize("name", sorted(activations.ALL_ACTIVATIONS))
def test_serialize_matches_keras(keras, name):
    ours = activations.serialize(getattr(activations, name))
    assert ours == keras.activations.serialize(getattr(keras.activations, name))
    assert activations.deserialize(ours) is activations.get(name)


def test_serialize_custom_function_matches_keras(keras):
    def my_act(x):
        return x

    assert activations.serialize(my_act) == keras.activations.serialize(my_act)
    restored = activations.deserialize(
        activations.serialize(my_act), custom_objects={"my_act": my_act}
    )
    assert restored is my_act


def test_deserialize_keras_function_dict(keras):
    config = keras.saving.serialize_keras_object(keras.activations.gelu)
    assert activations.deserialize(config) is activations.gelu
    assert activations.get(config) is activations.gelu
    assert activations.get({"class_name": "relu", "config": None}) is activations.relu


def test_unknown_name_suggests_close_match():
    with pytest.raises(
        ValueError, match=r"Unknown activation: 'rleu'\. Did you mean 'relu'"
    ):
        activations.get("rleu")
    with pytest.raises(ValueError, match=r"Valid names: celu, elu, .*swish"):
        activations.get("not_an_activation")


def test_unknown_name_without_match_has_no_suggestion():
    with pytest.raises(
        ValueError, match=r"^Unknown activation: 'zzzz'\. Valid names: "
    ):
        activations.get("zzzz")


def test_bad_identifier_type():
    with pytest.raises(
        ValueError, match=r"Could not interpret activation identifier.*identifier=3"
    ):
        activations.get(3)
    with pytest.raises(ValueError, match="Could not deserialize activation"):
        activations.deserialize({"config": "relu"})
