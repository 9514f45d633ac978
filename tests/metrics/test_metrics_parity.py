"""Every metric class against keras.metrics over several batches, weighted and not."""

import re

import numpy as np
import pytest
import torch

from lamina import metrics

N = 8


def _data(kind, rng):
    """Labels and predictions of one batch, as numpy float32/int64 arrays."""
    if kind == "binary":
        return (rng.random((N, 1)) > 0.5).astype("float32"), rng.random((N, 1)).astype(
            "float32"
        )
    if kind == "binary_flat":
        return (rng.random(N) > 0.5).astype("float32"), rng.random(N).astype("float32")
    if kind == "multilabel":
        return (rng.random((N, 3)) > 0.5).astype("float32"), rng.random((N, 3)).astype(
            "float32"
        )
    if kind == "logits":
        return (rng.random((N, 3)) > 0.5).astype("float32"), rng.normal(
            size=(N, 3)
        ).astype("float32")
    if kind == "onehot":
        labels = rng.integers(0, 5, N)
        probs = rng.random((N, 5)).astype("float32")
        return np.eye(5, dtype="float32")[labels], probs / probs.sum(-1, keepdims=True)
    if kind in ("sparse", "sparse_col"):
        labels = rng.integers(0, 5, N if kind == "sparse" else (N, 1))
        probs = rng.random((N, 5)).astype("float32")
        return labels.astype("int64"), probs / probs.sum(-1, keepdims=True)
    if kind == "regression":
        return rng.random((N, 3)).astype("float32") * 2, rng.random((N, 3)).astype(
            "float32"
        ) * 2
    if kind == "signed":
        return rng.choice([-1.0, 1.0], (N, 3)).astype("float32"), rng.normal(
            size=(N, 3)
        ).astype("float32")
    if kind == "grid":  # predictions on the thresholds, and outside [0, 1]
        grid = np.array([-0.1, 0.0, 0.25, 0.5, 0.75, 1.0, 1.2], dtype="float32")
        return (rng.random((N, 2)) > 0.5).astype("float32"), rng.choice(grid, (N, 2))
    if kind == "exact":
        return rng.integers(0, 3, (N, 2)).astype("float32"), rng.integers(
            0, 3, (N, 2)
        ).astype("float32")
    raise ValueError(kind)


CASES = [
    ("Accuracy", {}, "exact"),
    ("BinaryAccuracy", {}, "binary"),
    ("BinaryAccuracy", {"threshold": 0.3}, "multilabel"),
    ("CategoricalAccuracy", {}, "onehot"),
    ("SparseCategoricalAccuracy", {}, "sparse"),
    ("SparseCategoricalAccuracy", {}, "sparse_col"),
    ("TopKCategoricalAccuracy", {"k": 2}, "onehot"),
    ("SparseTopKCategoricalAccuracy", {"k": 2}, "sparse"),
    ("SparseTopKCategoricalAccuracy", {"k": 3}, "sparse_col"),
    ("MeanAbsoluteError", {}, "regression"),
    ("MeanSquaredError", {}, "regression"),
    ("RootMeanSquaredError", {}, "regression"),
    ("MeanAbsolutePercentageError", {}, "regression"),
    ("MeanSquaredLogarithmicError", {}, "regression"),
    ("LogCoshError", {}, "regression"),
    ("CosineSimilarity", {}, "regression"),
    ("R2Score", {}, "regression"),
    ("R2Score", {"class_aggregation": "variance_weighted_average"}, "regression"),
    ("R2Score", {"class_aggregation": None}, "regression"),
    ("R2Score", {"num_regressors": 2}, "regression"),
    ("TruePositives", {}, "multilabel"),
    ("TrueNegatives", {"thresholds": [0.2, 0.7]}, "multilabel"),
    ("FalsePositives", {"thresholds": 0.3}, "binary"),
    ("FalseNegatives", {}, "binary_flat"),
    ("Precision", {}, "multilabel"),
    ("Precision", {"thresholds": [0.1, 0.5, 0.9]}, "binary"),
    ("Precision", {"top_k": 2}, "multilabel"),
    ("Precision", {"class_id": 1}, "multilabel"),
    ("Precision", {"top_k": 2, "class_id": 2}, "multilabel"),
    ("Recall", {}, "binary"),
    ("Recall", {"thresholds": [0.3, 0.6]}, "multilabel"),
    ("Recall", {"top_k": 1, "class_id": 0}, "multilabel"),
    ("AUC", {}, "binary"),
    ("AUC", {"num_thresholds": 7}, "multilabel"),
    ("AUC", {"curve": "PR"}, "binary"),
    ("AUC", {"curve": "PR", "num_thresholds": 11}, "multilabel"),
    ("AUC", {"summation_method": "minoring"}, "multilabel"),
    ("AUC", {"curve": "PR", "summation_method": "majoring"}, "binary"),
    ("AUC", {"thresholds": [0.1, 0.35, 0.8]}, "multilabel"),
    ("AUC", {"multi_label": True}, "multilabel"),
    (
        "AUC",
        {"multi_label": True, "curve": "PR", "label_weights": [1.0, 2.0, 0.5]},
        "multilabel",
    ),
    ("AUC", {"multi_label": True, "thresholds": [0.25, 0.5]}, "multilabel"),
    ("AUC", {"label_weights": [1.0, 2.0, 0.5], "num_thresholds": 9}, "multilabel"),
    ("AUC", {"from_logits": True}, "logits"),
    ("AUC", {"num_thresholds": 5}, "grid"),
    ("AUC", {"num_thresholds": 5, "curve": "PR"}, "grid"),
    ("AUC", {"num_thresholds": 5, "multi_label": True}, "grid"),
    ("AUC", {"thresholds": [0.25, 0.5, 0.75]}, "grid"),
    ("AUC", {"thresholds": [0.25, 0.5, 0.75], "curve": "PR"}, "multilabel"),
    ("Precision", {"thresholds": [0.0, 0.5, 1.0]}, "grid"),
    ("Recall", {"thresholds": [0.0, 0.25, 0.5, 0.75, 1.0]}, "grid"),
    ("TruePositives", {"thresholds": [0.0, 0.25, 1.0]}, "grid"),
    ("BinaryCrossentropy", {}, "multilabel"),
    ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, "logits"),
    ("CategoricalCrossentropy", {}, "onehot"),
    (
        "CategoricalCrossentropy",
        {"from_logits": True, "label_smoothing": 0.2},
        "onehot",
    ),
    ("SparseCategoricalCrossentropy", {}, "sparse"),
    ("SparseCategoricalCrossentropy", {"from_logits": True}, "sparse_col"),
    ("SparseCategoricalCrossentropy", {"ignore_class": 1}, "sparse"),
    ("KLDivergence", {}, "onehot"),
    ("Poisson", {}, "regression"),
    ("Hinge", {}, "signed"),
    ("Hinge", {}, "multilabel"),
    ("SquaredHinge", {}, "signed"),
    ("CategoricalHinge", {}, "onehot"),
]


def _ids(case):
    name, kwargs, kind = case
    return f"{name}-{kind}-{'-'.join(f'{k}={v}' for k, v in kwargs.items())}"


def _run(metric, batches, to_input):
    out = []
    for y_true, y_pred, weight in batches:
        args = (to_input(y_true), to_input(y_pred))
        if weight is None:
            metric.update_state(*args)
        else:
            metric.update_state(*args, sample_weight=to_input(weight))
        out.append(np.asarray(metric.result(), dtype="float64"))
    return out


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_metric_matches_keras_over_batches(keras, case):
    name, kwargs, kind = case
    rng = np.random.default_rng(len(name) + len(kind))
    weights = [
        None,
        rng.random(N).astype("float32") * 2,
        None,
        rng.random(N).astype("float32"),
    ]
    batches = [(*_data(kind, rng), w) for w in weights]
    ours = getattr(metrics, name)(**kwargs)
    theirs = getattr(keras.metrics, name)(**kwargs)
    got = _run(ours, batches[:3], torch.as_tensor)
    want = _run(theirs, batches[:3], lambda a: a)
    for g, w in zip(got, want, strict=True):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)
    ours.reset_state()
    theirs.reset_state()
    got = _run(ours, batches[3:], torch.as_tensor)
    want = _run(theirs, batches[3:], lambda a: a)
    np.testing.assert_allclose(got[0], want[0], rtol=1e-5, atol=1e-6)
    assert re.sub(r"_\d+$", "", ours.name) == re.sub(r"_\d+$", "", theirs.name)


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_update_state_never_reads_the_device(monkeypatch, case):
    """No `.item()`, `.tolist()`, `.cpu()` or `if tensor:` inside `update_state`."""
    name, kwargs, kind = case
    rng = np.random.default_rng(0)
    y_true, y_pred = (torch.as_tensor(a) for a in _data(kind, rng))
    weight = torch.rand(N)
    metric = getattr(metrics, name)(**kwargs)

    def forbidden(*args, **kwargs):
        raise AssertionError("host synchronisation in update_state")

    for attr in ("item", "tolist", "cpu", "numpy", "__bool__", "__int__", "__float__"):
        monkeypatch.setattr(torch.Tensor, attr, forbidden)
    metric.update_state(y_true, y_pred)
    metric.update_state(y_true, y_pred, sample_weight=weight)
    monkeypatch.undo()
    assert metric.result().dim() in (0, 1)


def test_keras_style_names_and_uniquification(keras):
    assert metrics.MeanAbsoluteError().name == metrics.MeanAbsoluteError().name
    assert metrics.LogCoshError().name == keras.metrics.LogCoshError().name == "logcosh"
    for cls in ("AUC", "Precision", "Recall", "TruePositives", "FalseNegatives"):
        first, second = getattr(metrics, cls)().name, getattr(metrics, cls)().name
        base = getattr(keras.metrics, cls)().name.split("_")[0]
        assert first != second
        assert first.startswith(base)
        assert second.startswith(base)
    wrapper = metrics.MeanMetricWrapper(metrics.mae)
    assert wrapper.name.startswith("mean_metric_wrapper")


def test_configs_match_keras(keras):
    cases = [
        ("AUC", {"name": "a", "num_thresholds": 50, "curve": "PR"}),
        ("AUC", {"name": "a", "thresholds": [0.2, 0.5]}),
        ("Precision", {"name": "p", "thresholds": [0.2, 0.7], "top_k": 2}),
        ("Recall", {"name": "r", "class_id": 1}),
        ("TruePositives", {"name": "t"}),
        ("BinaryAccuracy", {"threshold": 0.3}),
        ("TopKCategoricalAccuracy", {"k": 3}),
        ("SparseTopKCategoricalAccuracy", {"from_sorted_ids": True}),
        ("BinaryCrossentropy", {"from_logits": True}),
        ("CategoricalCrossentropy", {"label_smoothing": 0.1}),
        ("SparseCategoricalCrossentropy", {"ignore_class": 0}),
        ("R2Score", {"num_regressors": 1}),
        ("CosineSimilarity", {}),
        ("Mean", {}),
        ("Sum", {}),
        ("MeanAbsoluteError", {}),
        ("LogCoshError", {}),
    ]
    for name, kwargs in cases:
        ours = getattr(metrics, name)(**kwargs).get_config()
        theirs = getattr(keras.metrics, name)(**kwargs).get_config()
        if "thresholds" in theirs and theirs["thresholds"] is not None:
            theirs["thresholds"] = [float(t) for t in theirs["thresholds"]]
        assert ours == theirs, name
        rebuilt = getattr(metrics, name).from_config(ours)
        assert rebuilt.get_config() == ours


def test_mean_sum_and_wrapper_match_keras(keras):
    rng = np.random.default_rng(1)
    values = rng.random((N, 3)).astype("float32")
    for weight in (
        None,
        rng.random(N).astype("float32"),
        rng.random((N, 3)).astype("float32"),
    ):
        for name in ("Mean", "Sum"):
            ours, theirs = getattr(metrics, name)(), getattr(keras.metrics, name)()
            tw = None if weight is None else torch.as_tensor(weight)
            ours.update_state(torch.as_tensor(values), sample_weight=tw)
            ours.update_state(torch.as_tensor(values[:, 0]))
            theirs.update_state(values, sample_weight=weight)
            theirs.update_state(values[:, 0])
            np.testing.assert_allclose(
                ours.result(), theirs.result(), rtol=1e-5, atol=1e-6
            )
    ours = metrics.MeanMetricWrapper(metrics.binary_accuracy, threshold=0.3)
    theirs = keras.metrics.MeanMetricWrapper(
        keras.metrics.binary_accuracy, threshold=0.3
    )
    y_true = (values > 0.5).astype("float32")
    np.testing.assert_allclose(
        ours(torch.as_tensor(y_true), torch.as_tensor(values[::-1].copy())),
        theirs(y_true, values[::-1].copy()),
        rtol=1e-6,
    )
    config = ours.get_config()
    assert config == {**theirs.get_config(), "name": config["name"]}
    assert metrics.MeanMetricWrapper.from_config(config)._fn is metrics.binary_accuracy


def test_call_returns_zero_dim_tensor_and_state_has_no_graph():
    metric = metrics.MeanSquaredError()
    y_pred = torch.rand(4, 2, requires_grad=True)
    value = metric(torch.zeros(4, 2), y_pred)
    assert isinstance(value, torch.Tensor)
    assert value.shape == ()
    assert not value.requires_grad
    assert all(not v.requires_grad for v in metric.variables)
    assert float(value) == pytest.approx(float((y_pred.detach() ** 2).mean()), rel=1e-6)


def test_reset_state_and_before_update():
    metric = metrics.AUC()
    assert float(metric.result()) == 0.0
    metric.update_state([0, 1, 1], [0.1, 0.8, 0.6])
    assert float(metric.result()) == pytest.approx(1.0)
    metric.reset_state()
    assert all(float(v.sum()) == 0 for v in metric.variables)
    assert float(metrics.Mean().result()) == 0.0


def test_to_device_keeps_tensor_objects():
    metric = metrics.Precision(thresholds=[0.3, 0.6])
    before = metric.variables
    metric.to_device("cpu")
    metric.update_state(torch.tensor([1.0, 0.0]), torch.tensor([0.9, 0.4]))
    assert all(a is b for a, b in zip(before, metric.variables, strict=True))
    assert metric.true_positives is before[0]
    # 0.4 > 0.3 is a false positive at the first threshold
    np.testing.assert_allclose(metric.result(), [0.5, 1.0])


@pytest.mark.gpu
def test_state_follows_data_to_cuda():
    if not torch.cuda.is_available():
        pytest.skip("needs CUDA")
    for metric in (
        metrics.AUC(),
        metrics.Precision(),
        metrics.Mean(),
        metrics.R2Score(),
    ):
        y_true = torch.rand(6, 2, device="cuda").round()
        y_pred = torch.rand(6, 2, device="cuda")
        if isinstance(metric, metrics.Mean):
            metric.update_state(y_pred)
        else:
            metric.update_state(
                y_true, y_pred, sample_weight=torch.rand(6, device="cuda")
            )
        assert all(v.device.type == "cuda" for v in metric.variables)
        assert metric.result().device.type == "cuda"
