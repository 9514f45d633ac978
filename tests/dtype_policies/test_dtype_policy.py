"""keras.dtype_policies: DTypePolicy, FloatDTypePolicy, get/serialize/deserialize,
checked against Keras."""

import numpy as np
import pytest
import torch

import lamina
from lamina import dtype_policies

NAMES = ["float32", "float64", "bfloat16", "float16", "mixed_float16", "mixed_bfloat16"]


@pytest.fixture
def global_float32():
    yield
    lamina.config.set_dtype_policy(None)


@pytest.mark.parametrize("name", NAMES)
def test_policy_dtypes_and_repr_match_keras(keras, name):
    ours, theirs = (
        dtype_policies.DTypePolicy(name),
        keras.dtype_policies.DTypePolicy(name),
    )
    assert (ours.name, ours.compute_dtype, ours.variable_dtype) == (
        theirs.name,
        theirs.compute_dtype,
        theirs.variable_dtype,
    )
    assert repr(ours) == repr(theirs)
    assert ours.quantization_mode is None
    assert dtype_policies.serialize(ours) == keras.dtype_policies.serialize(theirs)


def test_float_policy_is_a_policy_printed_as_one(keras):
    ours = lamina.FloatDTypePolicy("bfloat16")
    theirs = keras.FloatDTypePolicy("bfloat16")
    assert isinstance(ours, lamina.DTypePolicy)
    assert repr(ours) == repr(theirs) == '<DTypePolicy "bfloat16">'
    assert dtype_policies.serialize(ours) == keras.dtype_policies.serialize(theirs)
    assert ours == lamina.DTypePolicy("bfloat16")
    assert ours != lamina.DTypePolicy("float32")
    assert ours != "bfloat16"


def test_one_class_everywhere():
    assert lamina.DTypePolicy is dtype_policies.DTypePolicy
    assert lamina.mixed_precision.DTypePolicy is lamina.DTypePolicy
    assert lamina.mixed_precision.Policy is lamina.DTypePolicy
    assert isinstance(lamina.layers.Dense(2).dtype_policy, lamina.DTypePolicy)


@pytest.mark.parametrize(
    "identifier",
    [
        None,
        "float64",
        "mixed_bfloat16",
        {"class_name": "DTypePolicy", "config": {"name": "float16"}},
        {"class_name": "FloatDTypePolicy", "config": {"name": "bfloat16"}},
        np.float32,
        torch.float16,
    ],
)
def test_get_matches_keras(keras, identifier):
    ours = dtype_policies.get(identifier)
    theirs = keras.dtype_policies.get(identifier)
    assert type(ours).__name__ == type(theirs).__name__
    assert (ours.name, ours.compute_dtype) == (theirs.name, theirs.compute_dtype)


def test_get_follows_the_global_policy(global_float32):
    lamina.config.set_dtype_policy("mixed_float16")
    assert dtype_policies.get(None).name == "mixed_float16"
    assert lamina.DTypePolicy().compute_dtype == "float16"


def test_deserialize_round_trip_and_keras_config(keras):
    policy = lamina.DTypePolicy("mixed_float16")
    config = dtype_policies.serialize(policy)
    assert dtype_policies.deserialize(config) == policy
    restored = keras.dtype_policies.deserialize(config)
    assert repr(restored) == '<DTypePolicy "mixed_float16">'
    assert dtype_policies.deserialize("DTypePolicy").name == "float32"
    assert dtype_policies.deserialize("float16") == "float16"  # as Keras: plain data
    assert lamina.DTypePolicy.from_config(policy.get_config()) == policy


def test_bad_names_refused_with_keras_messages(keras):
    for bad in ("foo", "mixed_float64"):
        with pytest.raises(ValueError, match=f"Cannot convert '{bad}'") as ours:
            dtype_policies.get(bad)
        with pytest.raises(ValueError, match="Cannot convert") as theirs:
            keras.dtype_policies.get(bad)
        assert str(ours.value) == str(theirs.value)
    with pytest.raises(TypeError, match="'name' must be a string"):
        lamina.DTypePolicy(3)
    with pytest.raises(ValueError, match="Cannot interpret `dtype` argument"):
        dtype_policies.get(3)
    with pytest.raises(ValueError, match="Quantized dtype policies"):
        dtype_policies.get("int8_from_float32")
    with pytest.raises(TypeError, match="Could not locate dtype policy class 'Nope'"):
        dtype_policies.deserialize({"class_name": "Nope", "config": {}})
    with pytest.raises(TypeError, match="must be a `DTypePolicy`"):
        dtype_policies.serialize(object())


def test_policies_are_unhashable_as_in_keras():
    with pytest.raises(TypeError, match="unhashable"):
        hash(lamina.DTypePolicy())


def test_convert_input_casts_floats_only(keras):
    policy = lamina.DTypePolicy("float32")
    x = torch.ones(2, dtype=torch.float64)
    assert (
        policy.convert_input(x, autocast=True, dtype="float16").dtype == torch.float16
    )
    assert policy.convert_input(x, autocast=False, dtype="float16") is x
    ints = torch.ones(2, dtype=torch.int64)
    assert policy.convert_input(ints, autocast=True, dtype="float16") is ints
    array = policy.convert_input(np.ones(2), autocast=True, dtype="float32")
    theirs = keras.DTypePolicy("float32").convert_input(np.ones(2), True, "float32")
    assert array.dtype == theirs.dtype == torch.float32


def test_layer_config_dtype_round_trips(keras):
    layer = lamina.layers.Dense(2, dtype="mixed_bfloat16")
    config = layer.get_config()
    assert (
        config["dtype"]
        == keras.layers.Dense(2, dtype="mixed_bfloat16").get_config()["dtype"]
    )
    clone = lamina.layers.Dense.from_config(config)
    assert clone.dtype_policy == layer.dtype_policy
    clone.build((None, 3))
    assert clone.kernel.dtype == torch.float32
    assert clone(torch.ones(1, 3)).dtype == torch.bfloat16


def test_setting_a_layer_policy_matches_keras(keras):
    results = []
    for module in (lamina, keras):
        layer = module.layers.Dense(2)
        layer.dtype_policy = "mixed_bfloat16"
        out = layer(np.ones((1, 3), "float32"))
        results.append(
            (repr(layer.dtype_policy), str(out.dtype), str(layer.kernel.dtype))
        )
    assert (
        results[0][:2]
        == results[1][:2]
        == (
            '<DTypePolicy "mixed_bfloat16">',
            "torch.bfloat16",
        )
    )
    assert "float32" in results[0][2] and "float32" in results[1][2]
    with pytest.raises(ValueError, match="Cannot convert 'nope'"):
        lamina.layers.Dense(2).dtype_policy = "nope"


def test_layers_share_the_default_policy_which_follows_floatx(keras):
    assert lamina.config.dtype_policy() is lamina.config.dtype_policy()
    assert lamina.layers.Dense(2).dtype_policy is lamina.layers.Dense(3).dtype_policy
    assert keras.layers.Dense(2).dtype_policy is keras.layers.Dense(3).dtype_policy
    lamina.backend.set_floatx("float64")
    try:
        layer = lamina.layers.Dense(2)
        assert layer.dtype_policy.name == "float64"
        layer.build((None, 3))
        assert layer.kernel.dtype == torch.float64
    finally:
        lamina.backend.set_floatx("float32")
    assert lamina.layers.Dense(2).dtype_policy.name == "float32"
