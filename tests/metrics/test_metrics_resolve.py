"""`resolve_metric` against what Keras's compile logs; `get`, `serialize`, functions."""

import numpy as np
import pytest
import torch

from lamina import metrics


def _keras_logs(keras, units, y, metric, loss="mse"):
    """Keras's evaluate() logs and predictions of a tiny model, on one batch."""
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((4,)),
            keras.layers.Dense(units, activation="softmax" if units > 1 else "sigmoid"),
        ]
    )
    model.compile(loss=loss, metrics=[metric])
    x = np.random.default_rng(0).random((8, 4)).astype("float32")
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    return logs, np.asarray(model.predict(x, verbose=0))


RNG = np.random.default_rng(0)
BINARY_Y = (RNG.random((8, 1)) > 0.5).astype("float32")
ONEHOT_Y = np.eye(3, dtype="float32")[RNG.integers(0, 3, 8)]
SPARSE_Y = RNG.integers(0, 3, 8)
SPARSE_COL_Y = RNG.integers(0, 3, (8, 1))
CASES = [
    ("accuracy", 1, BINARY_Y, "binary_crossentropy", metrics.BinaryAccuracy),
    ("acc", 1, BINARY_Y[:, 0], "binary_crossentropy", metrics.BinaryAccuracy),
    ("accuracy", 3, ONEHOT_Y, "categorical_crossentropy", metrics.CategoricalAccuracy),
    ("acc", 3, ONEHOT_Y, "mse", metrics.CategoricalAccuracy),
    (
        "accuracy",
        3,
        SPARSE_Y,
        "sparse_categorical_crossentropy",
        metrics.SparseCategoricalAccuracy,
    ),
    (
        "accuracy",
        3,
        SPARSE_COL_Y,
        "sparse_categorical_crossentropy",
        metrics.SparseCategoricalAccuracy,
    ),
    ("mae", 1, BINARY_Y, "mse", metrics.MeanAbsoluteError),
    ("MSE", 3, ONEHOT_Y, "mse", metrics.MeanSquaredError),
    (
        "mean_absolute_percentage_error",
        1,
        BINARY_Y + 1,
        "mse",
        metrics.MeanAbsolutePercentageError,
    ),
    ("AUC", 1, BINARY_Y, "mse", metrics.AUC),
    ("precision", 1, BINARY_Y, "mse", metrics.Precision),
    ("recall", 3, ONEHOT_Y, "mse", metrics.Recall),
    ("bce", 1, BINARY_Y, "mse", metrics.BinaryCrossentropy),
    ("binary_accuracy", 3, ONEHOT_Y, "mse", metrics.BinaryAccuracy),
    ("top_k_categorical_accuracy", 3, ONEHOT_Y, "mse", metrics.TopKCategoricalAccuracy),
]


@pytest.mark.parametrize(("ident", "units", "y", "loss", "cls"), CASES)
def test_resolve_string_matches_keras_compile(keras, ident, units, y, loss, cls):
    if ident == "top_k_categorical_accuracy":
        ident_k = keras.metrics.TopKCategoricalAccuracy(k=2, name="top2")
        ident = metrics.TopKCategoricalAccuracy(k=2, name="top2")
    else:
        ident_k = ident
    logs, y_pred = _keras_logs(keras, units, y, ident_k, loss)
    metric = metrics.resolve_metric(
        ident, torch.as_tensor(y[:2]), torch.as_tensor(y_pred[:2]), loss
    )
    assert type(metric) is cls
    assert metric.name in logs, (metric.name, sorted(logs))
    metric.update_state(torch.as_tensor(y), torch.as_tensor(y_pred))
    np.testing.assert_allclose(
        float(metric.result()), logs[metric.name], rtol=1e-5, atol=1e-6
    )


def my_custom_metric(y_true, y_pred):
    return torch.abs(y_true - y_pred).amax(dim=-1)


class HTTPScore:
    def __call__(self, y_true, y_pred):
        return (y_true - y_pred).mean(dim=-1)


@pytest.mark.parametrize(
    "kind", ["function", "lambda", "object", "instance", "metric_fn"]
)
def test_resolve_callables_are_named_like_keras(keras, kind):
    lam = lambda y_true, y_pred: torch.square(y_true - y_pred).mean(dim=-1)  # noqa: E731
    ours, theirs = {
        "function": (my_custom_metric, my_custom_metric),
        "lambda": (lam, lam),
        "object": (HTTPScore(), HTTPScore()),
        "instance": (metrics.MeanSquaredError(), keras.metrics.MeanSquaredError()),
        "metric_fn": (metrics.mean_absolute_error, keras.metrics.mean_absolute_error),
    }[kind]
    logs, y_pred = _keras_logs(keras, 1, BINARY_Y, theirs)
    metric = metrics.resolve_metric(ours, BINARY_Y, y_pred)
    assert metric.name in logs, (metric.name, sorted(logs))
    if kind == "instance":
        assert metric is ours
    else:
        assert isinstance(metric, metrics.MeanMetricWrapper)
    metric.update_state(torch.as_tensor(BINARY_Y), torch.as_tensor(y_pred))
    np.testing.assert_allclose(
        float(metric.result()), logs[metric.name], rtol=1e-5, atol=1e-6
    )


def test_resolve_accuracy_rules_on_shapes():
    cases = [
        ((8, 1), (8, 1), metrics.BinaryAccuracy),
        ((8,), (8, 1), metrics.BinaryAccuracy),
        ((8, 5, 1), (8, 5, 1), metrics.BinaryAccuracy),
        ((8,), (8, 3), metrics.SparseCategoricalAccuracy),
        ((8, 5), (8, 5, 3), metrics.SparseCategoricalAccuracy),
        ((8, 1), (8, 3), metrics.SparseCategoricalAccuracy),
        ((8, 3), (8, 3), metrics.CategoricalAccuracy),
        ((8,), (8,), metrics.CategoricalAccuracy),
    ]
    for true_shape, pred_shape, cls in cases:
        metric = metrics.resolve_metric(
            "accuracy", torch.zeros(true_shape), torch.zeros(pred_shape)
        )
        assert type(metric) is cls, (true_shape, pred_shape)
        assert metric.name == "accuracy"


def test_resolve_errors():
    with pytest.raises(ValueError, match="Unknown metric: 'crossentropy'"):
        metrics.resolve_metric("crossentropy", torch.zeros(2, 1), torch.zeros(2, 1))
    with pytest.raises(ValueError, match="Could not interpret metric identifier: 3"):
        metrics.resolve_metric(3, torch.zeros(2, 1), torch.zeros(2, 1))


def test_get_names_like_keras(keras):
    for name in ["mae", "MSE", "mape", "msle", "bce", "BCE", "accuracy", "auc", "AUC", "precision",
                 "log_cosh_error", "LogCoshError", "kl_divergence", "r2_score", "top_k_categorical_accuracy",
                 "binary_accuracy", "sparse_categorical_crossentropy", "true_negatives", "sum"]:  # fmt: skip
        ours, theirs = metrics.get(name), keras.metrics.get(name)
        assert type(ours).__name__ == type(theirs).__name__, name
    assert metrics.get(None) is None
    assert metrics.get(metrics.mae) is metrics.mean_absolute_error
    assert isinstance(metrics.get(metrics.AUC), metrics.AUC)


def test_get_errors():
    with pytest.raises(
        ValueError, match=r"Unknown metric: 'precison'. Did you mean 'precision'"
    ):
        metrics.get("precison")
    with pytest.raises(ValueError, match="Valid names: .*mean_absolute_error"):
        metrics.get("acc")
    with pytest.raises(ValueError, match="Could not interpret metric identifier: 3"):
        metrics.get(3)
    with pytest.raises(ValueError, match="expected a name or a dict"):
        metrics.deserialize({"config": {}})
    with pytest.raises(ValueError, match="Threshold values must be in"):
        metrics.Precision(thresholds=1.5)
    with pytest.raises(ValueError, match='Invalid AUC curve value: "XX"'):
        metrics.AUC(curve="XX")
    with pytest.raises(ValueError, match="Invalid AUC summation method"):
        metrics.AUC(summation_method="MAJORING")
    with pytest.raises(ValueError, match="`num_thresholds` must be an integer > 1"):
        metrics.AUC(num_thresholds=1)
    with pytest.raises(ValueError, match="R2Score expects 2D inputs"):
        metrics.R2Score()(torch.zeros(2, 2, 2), torch.zeros(2, 2, 2))
    with pytest.raises(ValueError, match="When class_id is provided"):
        metrics.Precision(class_id=0)(torch.zeros(4), torch.zeros(4))


def test_serialize_matches_keras_and_round_trips(keras):
    for ours, theirs in [
        (metrics.AUC(name="a", curve="PR"), keras.metrics.AUC(name="a", curve="PR")),
        (metrics.MeanAbsoluteError(), keras.metrics.MeanAbsoluteError()),
        (
            metrics.Precision(name="p", top_k=2),
            keras.metrics.Precision(name="p", top_k=2),
        ),
    ]:
        assert metrics.serialize(ours) == keras.metrics.serialize(theirs)
        rebuilt = metrics.deserialize(keras.metrics.serialize(theirs))
        assert type(rebuilt) is type(ours)
        assert rebuilt.get_config() == ours.get_config()
    fn_config = metrics.serialize(metrics.mean_absolute_error)
    assert fn_config == keras.metrics.serialize(keras.metrics.mean_absolute_error)
    assert metrics.deserialize(fn_config) is metrics.mean_absolute_error
    assert isinstance(metrics.deserialize("mae"), metrics.MeanAbsoluteError)
    custom = metrics.deserialize(
        {"class_name": "Mine", "config": {"name": "m"}},
        custom_objects={"Mine": metrics.Mean},
    )
    assert custom.name == "m"


@pytest.mark.parametrize(
    "name",
    ["binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
     "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy", "mean_absolute_error",
     "mean_squared_error", "mean_absolute_percentage_error", "mean_squared_logarithmic_error",
     "log_cosh", "binary_crossentropy", "categorical_crossentropy", "kl_divergence", "poisson",
     "hinge", "squared_hinge", "categorical_hinge"],
)  # fmt: skip
def test_functions_match_keras(keras, name):
    rng = np.random.default_rng(2)
    probs = rng.random((6, 4)).astype("float32")
    probs /= probs.sum(-1, keepdims=True)
    if name.startswith("sparse"):
        y_true = rng.integers(0, 4, (6, 1))
    elif "categorical" in name or name == "kl_divergence":
        y_true = np.eye(4, dtype="float32")[rng.integers(0, 4, 6)]
    else:
        y_true = (rng.random((6, 4)) > 0.5).astype("float32")
    kwargs = {"k": 2} if "top_k" in name else {}
    ours = getattr(metrics, name)(
        torch.as_tensor(y_true), torch.as_tensor(probs), **kwargs
    )
    theirs = getattr(keras.metrics, name)(y_true, probs, **kwargs)
    assert tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_allclose(ours.numpy(), np.asarray(theirs), rtol=1e-5, atol=1e-6)


def test_aliases():
    assert metrics.mae is metrics.MAE is metrics.mean_absolute_error
    assert metrics.mse is metrics.mean_squared_error
    assert metrics.mape is metrics.mean_absolute_percentage_error
    assert metrics.msle is metrics.mean_squared_logarithmic_error


def test_masked_predictions_weigh_zero(keras):
    y_true, y_pred = torch.rand(6, 3), torch.rand(6, 3)
    mask = torch.tensor([True, False, True, True, False, True])
    ours_pred, their_pred = y_pred.clone(), y_pred.clone()
    ours_pred._keras_mask = mask
    their_pred._keras_mask = mask
    ours = metrics.MeanAbsoluteError()(y_true, ours_pred)
    theirs = keras.metrics.MeanAbsoluteError()(y_true, their_pred)
    np.testing.assert_allclose(float(ours), float(theirs), rtol=1e-6)
