"""Small public names Keras code reaches for: version, device, dtype helpers,
get_uid, utils.Config, top-level base classes and InputSpec."""

import numpy as np
import pytest

import lamina


def test_version_is_lamina_version():
    assert lamina.version() == lamina.__version__


@pytest.mark.parametrize(
    "dtypes",
    [
        ("int32", "float32"),
        ("int8", "uint8"),
        ("bfloat16", "float16"),
        (int, "int8"),
        (float, "int32"),
        ("bool", "int16"),
        (int,),
        (),
    ],
)
def test_result_type_equals_keras(keras, dtypes):
    assert lamina.backend.result_type(*dtypes) == keras.backend.result_type(*dtypes)


@pytest.mark.parametrize(
    "dtype", ["float16", "bfloat16", "float64", "int8", "uint8", "int64", "bool"]
)
def test_dtype_tests_equal_keras(keras, dtype):
    assert lamina.backend.is_float_dtype(dtype) == keras.backend.is_float_dtype(dtype)
    assert lamina.backend.is_int_dtype(dtype) == keras.backend.is_int_dtype(dtype)


def test_get_uid_counts_per_prefix():
    first = lamina.backend.get_uid("probe_prefix")
    assert lamina.backend.get_uid("probe_prefix") == first + 1
    assert lamina.backend.get_uid("other_probe_prefix") == 1


def test_device_scope_places_new_weights_and_restores():
    before = lamina.backend.get_device()
    with lamina.device("cpu:0"):
        layer = lamina.layers.Dense(2)
        layer.build((None, 3))
        assert lamina.backend.get_device().type == "cpu"
    assert lamina.backend.get_device() == before
    assert layer.kernel.device.type == "cpu"


def test_config_like_keras(keras):
    ours, theirs = lamina.utils.Config(a=1), keras.utils.Config(a=1)
    for c in (ours, theirs):
        c.b = 2
        c["c"] = 3
    assert ours.as_dict() == theirs.as_dict()
    assert ours.to_json() == theirs.to_json()
    assert ours.get("missing", 7) == 7
    ours.freeze()
    with pytest.raises(ValueError, match="config is frozen"):
        ours.a = 5
    ours.unfreeze()
    ours.a = 5
    assert ours.a == 5


def test_top_level_base_classes():
    assert lamina.Loss is lamina.losses.Loss
    assert lamina.Metric is lamina.metrics.Metric
    assert lamina.Optimizer is lamina.optimizers.Optimizer
    assert lamina.Initializer is lamina.initializers.Initializer
    assert lamina.Regularizer is lamina.regularizers.Regularizer
    spec = lamina.InputSpec(shape=(None, 3), optional=True)
    assert spec.optional and spec.shape == (None, 3)
    assert np.isfinite(lamina.backend.epsilon())
