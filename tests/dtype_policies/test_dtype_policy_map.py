"""keras.dtype_policies.DTypePolicyMap: lookups, config, and a model using it,
checked against Keras."""

import numpy as np
import pytest
import torch

import lamina
from lamina import dtype_policies


def _filled(module):
    policies = module.dtype_policies.DTypePolicyMap(default_policy="float32")
    policies["encoder/layer_0/dense"] = "bfloat16"
    policies["encoder/.*"] = module.dtype_policies.DTypePolicy("float16")
    policies["decoder"] = "mixed_bfloat16"
    return policies


@pytest.mark.parametrize(
    "path",
    [
        "encoder/layer_0/dense",
        "encoder/attention/query",
        "decoder",
        "decoder/attention",
    ],
)
def test_lookup_matches_keras(keras, path):
    ours, theirs = _filled(lamina)[path], _filled(keras)[path]
    assert (ours.name, ours.compute_dtype, ours.variable_dtype) == (
        theirs.name,
        theirs.compute_dtype,
        theirs.variable_dtype,
    )


def test_mapping_protocol_and_properties(keras):
    ours, theirs = _filled(lamina), _filled(keras)
    assert list(ours) == list(theirs) and len(ours) == len(theirs) == 3
    assert ("decoder" in ours) and ("decoder/x" not in ours)
    assert ours.name == theirs.name == "map_float32"
    assert ours.compute_dtype == ours.variable_dtype == "float32"
    assert ours.quantization_mode is None
    assert (
        repr(ours).split(" default_policy=")[1]
        == repr(theirs).split(" default_policy=")[1]
    )
    del ours["decoder"]
    assert ours["decoder"].name == "float32"


def test_errors_match_keras(keras):
    ours, theirs = _filled(lamina), _filled(keras)
    ours["encoder/attention/.*"] = "bfloat16"
    theirs["encoder/attention/.*"] = "bfloat16"
    with pytest.raises(ValueError, match="matches multiple dtype policy") as err:
        ours["encoder/attention/query"]
    with pytest.raises(ValueError, match="matches multiple") as keras_err:
        theirs["encoder/attention/query"]
    assert str(err.value) == str(keras_err.value)
    with pytest.raises(ValueError, match="already exist in the DTypePolicyMap"):
        ours["decoder"] = "float32"
    with pytest.raises(ValueError, match="Cannot interpret the assigned value"):
        ours["new"] = "nope"
    with pytest.raises(ValueError, match="cannot be a `DTypePolicyMap`"):
        dtype_policies.DTypePolicyMap(default_policy=ours)
    with pytest.raises(TypeError, match="`policy_map` must be a dict"):
        dtype_policies.DTypePolicyMap(policy_map=[("a", "float32")])


@pytest.mark.parametrize("default", [None, "mixed_bfloat16"])
def test_serialize_equals_keras_and_round_trips(keras, default):
    def build(module):
        return module.dtype_policies.DTypePolicyMap(
            default_policy=default,
            policy_map={"a": module.dtype_policies.DTypePolicy("float16")},
        )

    ours = dtype_policies.serialize(build(lamina))
    assert ours == keras.dtype_policies.serialize(build(keras))
    restored = dtype_policies.deserialize(ours)
    assert isinstance(restored, dtype_policies.DTypePolicyMap)
    theirs = keras.dtype_policies.deserialize(ours)
    assert restored["a"].name == theirs["a"].name
    assert restored.default_policy.name == theirs.default_policy.name


def _model(module, policies):
    inputs = module.Input((3,))
    hidden = module.layers.Dense(4, name="d1", dtype=policies)(inputs)
    outputs = module.layers.Dense(2, name="d2", dtype=policies)(hidden)
    return module.Model(inputs, outputs)


def _policies(module):
    policies = module.dtype_policies.DTypePolicyMap(default_policy="float32")
    policies["d2"] = "float64"
    return policies


def test_model_with_a_map_matches_keras(keras):
    ours, theirs = _model(lamina, _policies(lamina)), _model(keras, _policies(keras))
    for a, b in zip(ours.layers[1:], theirs.layers[1:]):
        assert (a.compute_dtype, a.variable_dtype) == (
            b.compute_dtype,
            b.variable_dtype,
        )
        assert [str(w.dtype).replace("torch.", "") for w in a.weights] == [
            w.dtype for w in b.weights
        ]
        a.set_weights(b.get_weights())
    x = np.random.rand(2, 3).astype("float32")
    got, want = ours(x), theirs(x)
    assert got.dtype == want.dtype == torch.float64
    np.testing.assert_allclose(got.detach().numpy(), want.detach().numpy(), rtol=1e-6)
    layer_config = ours.layers[2].get_config()["dtype"]
    assert layer_config == theirs.layers[2].get_config()["dtype"]


def test_model_with_a_map_config_round_trips(keras):
    model = _model(lamina, _policies(lamina))
    clone = lamina.Model.from_config(model.get_config())
    assert [layer.compute_dtype for layer in clone.layers] == [
        "float32",
        "float32",
        "float64",
    ]
    theirs = keras.Model.from_config(model.get_config())
    assert [layer.compute_dtype for layer in theirs.layers] == [
        "float32",
        "float32",
        "float64",
    ]


def test_layer_keeps_the_map_and_sees_later_entries():
    policies = dtype_policies.DTypePolicyMap()
    layer = lamina.layers.Dense(2, name="late", dtype=policies)
    assert isinstance(layer.dtype_policy, dtype_policies.DTypePolicyMap)
    assert layer.dtype_policy == policies
    assert layer.compute_dtype == "float32"
    policies["late"] = "mixed_bfloat16"
    assert (layer.compute_dtype, layer.variable_dtype) == ("bfloat16", "float32")
    assert layer(torch.ones(1, 3)).dtype == torch.bfloat16
    assert layer.kernel.dtype == torch.float32


def test_setting_a_policy_on_a_map_layer_sets_its_entry(keras):
    for module in (lamina, keras):
        policies = module.dtype_policies.DTypePolicyMap()
        layer = module.layers.Dense(2, name="entry", dtype=policies)
        layer.build((None, 3))  # Keras knows the path once built
        layer.dtype_policy = "float64"
        layer.dtype_policy = "float16"  # replaces the entry, no duplicate error
        assert policies["entry"].name == "float16"
        assert layer.compute_dtype == "float16"
        assert isinstance(layer.dtype_policy, module.dtype_policies.DTypePolicyMap)
