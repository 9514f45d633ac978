"""PearsonCorrelation, ConcordanceCorrelation and their functions against keras.metrics."""

import numpy as np
import pytest
import torch

from lamina import losses, metrics

NAMES = {
    "PearsonCorrelation": "pearson_correlation",
    "ConcordanceCorrelation": "concordance_correlation",
}


def _pair(rng, shape):
    """Labels and predictions that correlate, float32."""
    y_true = rng.random(shape).astype("float32")
    y_pred = (0.6 * y_true + 0.4 * rng.random(shape) + 0.1).astype("float32")
    return y_true, y_pred


@pytest.mark.parametrize("fn", list(NAMES.values()))
@pytest.mark.parametrize(
    ("shape", "axis"),
    [((4, 5), -1), ((4, 5), 0), ((3, 4, 5), 1), ((3, 4, 5), (1, 2)), ((7,), -1)],
)
def test_functions_match_keras(keras, fn, shape, axis):
    y_true, y_pred = _pair(np.random.default_rng(len(shape)), shape)
    expected = np.asarray(getattr(keras.metrics, fn)(y_true, y_pred, axis=axis))
    got = getattr(metrics, fn)(y_true, y_pred, axis=axis)
    assert isinstance(got, torch.Tensor)
    assert tuple(got.shape) == expected.shape
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("fn", list(NAMES.values()))
def test_functions_dtypes_ranks_and_constant_rows_match_keras(keras, fn):
    rng = np.random.default_rng(3)
    y_true, y_pred = _pair(rng, (6,))
    # A trailing axis of 1 on one side is squeezed, as Keras does.
    expected = np.asarray(getattr(keras.metrics, fn)(y_true[:, None], y_pred))
    got = getattr(metrics, fn)(y_true[:, None], y_pred)
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-5)
    doubles = getattr(metrics, fn)(y_true.astype("float64"), y_pred.astype("float64"))
    assert doubles.dtype == torch.float64
    assert (
        getattr(keras.metrics, fn)(
            y_true.astype("float64"), y_pred.astype("float64")
        ).dtype
        == torch.float64
    )
    constant = np.ones((2, 3), "int64")
    preds = np.array([[1, 2, 3], [2, 1, 1]], "int64")
    expected = np.asarray(getattr(keras.metrics, fn)(constant, preds))
    got = getattr(metrics, fn)(constant, preds)
    assert got.dtype == torch.float32
    np.testing.assert_allclose(
        got.numpy(), expected, atol=1e-6
    )  # NaN where Keras has it


def test_keras_docstring_values():
    y_true = [[0, 1, 0.5], [1, 1, 0.2]]
    y_pred = [[0.1, 0.9, 0.5], [1, 0.9, 0.2]]
    np.testing.assert_allclose(
        metrics.concordance_correlation(y_true, y_pred).numpy(),
        [0.97560976, 0.98765432],
        rtol=1e-6,
    )
    assert float(metrics.PearsonCorrelation()(y_true, y_pred)) == pytest.approx(
        0.9966996338993913, rel=1e-6
    )
    assert float(metrics.ConcordanceCorrelation()(y_true, y_pred)) == pytest.approx(
        0.9816320385426076, rel=1e-6
    )


@pytest.mark.parametrize("name", list(NAMES))
@pytest.mark.parametrize("axis", [-1, 1, (1, 2)])
def test_classes_match_keras_over_weighted_batches_and_reset(keras, name, axis):
    rng = np.random.default_rng(7)
    k = getattr(keras.metrics, name)(axis=axis)
    lam = getattr(metrics, name)(axis=axis)
    for step in range(3):
        y_true, y_pred = _pair(rng, (4, 3, 5))
        weight = rng.random(4).astype("float32") if step else None
        k.update_state(y_true, y_pred, sample_weight=weight)
        lam.update_state(y_true, y_pred, sample_weight=weight)
        for kv, lv in zip(k.variables, lam.variables, strict=True):
            np.testing.assert_allclose(lv.numpy(), np.asarray(kv), rtol=1e-5)
        np.testing.assert_allclose(float(lam.result()), float(k.result()), rtol=1e-5)
    lam.reset_state()
    assert float(lam.result()) == 0.0
    y_true, y_pred = _pair(rng, (2, 3, 5))
    k.reset_state()
    k.update_state(y_true, y_pred)
    lam.update_state(torch.tensor(y_true), torch.tensor(y_pred))
    np.testing.assert_allclose(float(lam.result()), float(k.result()), rtol=1e-5)


@pytest.mark.parametrize("name", list(NAMES))
def test_names_configs_and_variables_match_keras(keras, name):
    for kwargs in ({}, {"name": "corr", "dtype": "float64", "axis": (1, 2)}):
        k = getattr(keras.metrics, name)(**kwargs)
        lam = getattr(metrics, name)(**kwargs)
        assert lam.get_config() == k.get_config()
        assert list(lam.get_config()) == ["name", "dtype", "axis"]
        assert [v.name for v in lam.variables] == [v.name for v in k.variables]
        rebuilt = type(lam).from_config(lam.get_config())
        assert rebuilt.get_config() == lam.get_config()
    assert (
        getattr(metrics, name)().name == NAMES[name]
    )  # a fixed default, not uniquified


@pytest.mark.parametrize("name", list(NAMES))
def test_get_serialize_deserialize(name):
    snake = NAMES[name]
    assert type(metrics.get(name)) is getattr(metrics, name)
    by_snake = metrics.get(snake)
    assert type(by_snake) is getattr(metrics, name)
    assert by_snake.name == snake
    m = getattr(metrics, name)(axis=0, name="c")
    data = metrics.serialize(m)
    assert data["module"] == "keras.metrics"
    assert data["class_name"] == name
    assert data["config"] == {"name": "c", "dtype": "float32", "axis": 0}
    assert metrics.deserialize(data).get_config() == m.get_config()
    fn = getattr(metrics, snake)
    assert metrics.serialize(fn)["config"] == snake
    assert metrics.deserialize(metrics.serialize(fn)) is fn


@pytest.mark.parametrize(
    "name", ["huber", "binary_focal_crossentropy", "categorical_focal_crossentropy"]
)
def test_loss_functions_exported_as_metrics(keras, name):
    fn = getattr(metrics, name)
    assert fn is getattr(losses, name)
    assert metrics.serialize(fn) == {
        "module": "builtins",
        "class_name": "function",
        "config": name,
        "registered_name": "function",
    }
    assert metrics.serialize(fn) == keras.metrics.serialize(
        getattr(keras.metrics, name)
    )
    assert metrics.deserialize(metrics.serialize(fn)) is fn
    rng = np.random.default_rng(0)
    y_true = np.eye(3, dtype="float32")[rng.integers(0, 3, 5)]
    y_pred = rng.random((5, 3)).astype("float32")
    y_pred /= y_pred.sum(-1, keepdims=True)
    expected = np.asarray(getattr(keras.metrics, name)(y_true, y_pred))
    np.testing.assert_allclose(fn(y_true, y_pred).numpy(), expected, rtol=1e-5)
    with pytest.raises(ValueError, match=f"Unknown metric: '{name}'"):
        metrics.get(name)  # a function name is no metric class name, as in Keras


@pytest.mark.parametrize("name", list(NAMES))
def test_axis_list_from_a_json_config_equals_the_tuple(name):
    y_true, y_pred = _pair(np.random.default_rng(5), (3, 4, 5))
    config = getattr(metrics, name)(axis=(1, 2)).get_config()
    config["axis"] = list(config["axis"])  # what a .keras file gives back
    from_json = getattr(metrics, name).from_config(config)
    expected = getattr(metrics, name)(axis=(1, 2))(y_true, y_pred)
    assert float(from_json(y_true, y_pred)) == pytest.approx(float(expected))
    assert float(expected) != pytest.approx(
        float(getattr(metrics, name)(axis=1)(y_true, y_pred))
    )


@pytest.mark.parametrize("dtype", [torch.bfloat16, torch.float16, torch.float64])
@pytest.mark.parametrize("fn", list(NAMES.values()))
def test_half_and_double_precision_inputs_match_keras(keras, fn, dtype):
    y_true, y_pred = (torch.tensor(a) for a in _pair(np.random.default_rng(2), (9, 7)))
    y_true, y_pred = y_true.to(dtype), y_pred.to(dtype)
    expected = getattr(keras.metrics, fn)(y_true, y_pred)
    got = getattr(metrics, fn)(y_true, y_pred)
    assert got.dtype == expected.dtype == dtype
    # Half precision: Keras's rounding, step for step (means and variances
    # summed in float32). Double: Keras rounds somewhere to float32; we do not.
    atol = 1e-6 if dtype == torch.float64 else 0.0
    np.testing.assert_allclose(
        got.double().numpy(), expected.double().numpy(), rtol=0, atol=atol
    )
