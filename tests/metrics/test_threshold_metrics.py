"""PrecisionAtRecall, RecallAtPrecision, SensitivityAtSpecificity and SpecificityAtSensitivity
against keras.metrics: values and state over batches, configs, names, errors."""

import numpy as np
import pytest
import torch

from lamina import metrics

CLASSES = {
    "PrecisionAtRecall": "recall",
    "RecallAtPrecision": "precision",
    "SensitivityAtSpecificity": "specificity",
    "SpecificityAtSensitivity": "sensitivity",
}
STATE = ["true_positives", "false_positives", "true_negatives", "false_negatives"]


def _batch(rng, shape=(6, 3)):
    """Labels and predictions that agree with them more often than not."""
    labels = (rng.random(shape) > 0.5).astype("float32")
    preds = np.clip(0.15 * labels + 0.85 * rng.random(shape), 0, 1).astype("float32")
    return labels, preds


def _pair(keras, name, target, **kwargs):
    kwargs[CLASSES[name]] = target
    return getattr(keras.metrics, name)(**kwargs), getattr(metrics, name)(**kwargs)


def _same_state(k, lam):
    for kv, lv in zip(k.variables, lam.variables, strict=True):
        np.testing.assert_allclose(lv.numpy(), np.asarray(kv), atol=2e-5)


OPTIONS = [
    {},
    {"num_thresholds": 1},
    {"num_thresholds": 2},
    {"num_thresholds": 7},
    {"class_id": 1},
    {"class_id": 2, "num_thresholds": 11},
]


@pytest.mark.parametrize("options", OPTIONS, ids=str)
@pytest.mark.parametrize("name", list(CLASSES))
@pytest.mark.parametrize("target", [0.6, 0.85])
def test_matches_keras_over_weighted_batches_and_reset(keras, name, target, options):
    rng = np.random.default_rng(len(name) + int(target * 10))
    k, lam = _pair(keras, name, target, **options)
    for step in range(3):
        labels, preds = _batch(rng)
        weight = rng.random(6).astype("float32") if step else None
        k.update_state(labels, preds, sample_weight=weight)
        lam.update_state(labels, preds, sample_weight=weight)
        _same_state(k, lam)
        np.testing.assert_allclose(float(lam.result()), float(k.result()), atol=1e-6)
    lam.reset_state()
    k.reset_state()
    assert all(not v.any() for v in lam.variables)
    labels, preds = _batch(rng)
    lam.update_state(labels, preds)
    k.update_state(labels, preds)
    np.testing.assert_allclose(float(lam.result()), float(k.result()), atol=1e-6)


@pytest.mark.parametrize("name", list(CLASSES))
def test_flat_inputs_torch_tensors_and_elementwise_weights(keras, name):
    rng = np.random.default_rng(1)
    k, lam = _pair(keras, name, 0.5, num_thresholds=13)
    labels, preds = _batch(rng, (10,))
    weight = rng.random(10).astype("float32")
    k.update_state(labels, preds, sample_weight=weight)
    lam.update_state(torch.tensor(labels), torch.tensor(preds), torch.tensor(weight))
    labels, preds = _batch(rng, (5, 2))
    weight = rng.random((5, 2)).astype("float32")
    k.update_state(labels, preds, sample_weight=weight)
    lam.update_state(labels, preds, sample_weight=weight)
    _same_state(k, lam)
    result = lam.result()
    assert isinstance(result, torch.Tensor)
    assert result.shape == ()
    assert result.dtype == torch.float32
    np.testing.assert_allclose(float(result), float(k.result()), atol=1e-6)


def test_keras_docstring_values():
    m = metrics.PrecisionAtRecall(0.5)
    m.update_state(
        [0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8], sample_weight=[2, 2, 2, 1, 1]
    )
    assert float(m.result()) == pytest.approx(1 / 3)
    m = metrics.RecallAtPrecision(0.8)
    m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9], sample_weight=[1, 0, 0, 1])
    assert float(m.result()) == pytest.approx(1.0)
    m = metrics.SensitivityAtSpecificity(0.5)
    m.update_state(
        [0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8], sample_weight=[1, 1, 2, 2, 1]
    )
    assert float(m.result()) == pytest.approx(1 / 3)
    m = metrics.SpecificityAtSensitivity(0.5)
    m.update_state(
        [0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8], sample_weight=[1, 1, 2, 2, 2]
    )
    assert float(m.result()) == pytest.approx(0.5)


def test_unreachable_target_gives_zero():
    m = metrics.RecallAtPrecision(1.0, num_thresholds=5)
    m.update_state([1, 0, 1, 0], [0.2, 0.9, 0.4, 0.95])  # negatives always rank first
    assert float(m.result()) == 0.0
    assert float(metrics.PrecisionAtRecall(0.5).result()) == 0.0  # nothing seen


@pytest.mark.parametrize("name", list(CLASSES))
def test_names_configs_and_variables_match_keras(keras, name):
    target = CLASSES[name]
    for kwargs in (
        {},
        {"num_thresholds": 9, "class_id": 2, "name": "m", "dtype": "float64"},
    ):
        k = getattr(keras.metrics, name)(0.25, **kwargs)
        lam = getattr(metrics, name)(0.25, **kwargs)
        k_config = k.get_config()
        config = lam.get_config()
        if "name" not in kwargs:  # both made unique, against different counters
            assert config["name"].startswith(k_config["name"].split("_")[0])
            k_config["name"] = config["name"]
        assert list(config) == list(k_config)
        assert config == k_config
        assert getattr(lam, target) == 0.25
        assert [v.name for v in lam.variables] == STATE
        assert [tuple(v.shape) for v in lam.variables] == [
            tuple(v.shape) for v in k.variables
        ]
        assert [v.dtype for v in lam.variables] == [torch.float32] * 4
        assert [v.dtype for v in k.variables] == ["float32"] * 4
        rebuilt = type(lam).from_config(config)
        assert rebuilt.get_config() == config
        keras_rebuilt = getattr(keras.metrics, name).from_config(config)
        assert keras_rebuilt.get_config() == config


def test_default_names_are_snake_case_and_unique():
    first, second = (
        metrics.SensitivityAtSpecificity(0.5),
        metrics.SensitivityAtSpecificity(0.5),
    )
    assert first.name.startswith("sensitivity_at_specificity")
    assert second.name != first.name


@pytest.mark.parametrize("name", list(CLASSES))
def test_serialize_deserialize_and_get(name):
    m = getattr(metrics, name)(0.4, num_thresholds=5, class_id=0, name="x")
    data = metrics.serialize(m)
    assert data["module"] == "keras.metrics"
    assert data["class_name"] == name
    back = metrics.deserialize(data)
    assert type(back) is getattr(metrics, name)
    assert back.get_config() == m.get_config()
    got = metrics.get({"class_name": name, "config": {CLASSES[name]: 0.9}})
    assert getattr(got, CLASSES[name]) == 0.9
    with pytest.raises(
        TypeError, match=f"missing 1 required positional argument: '{CLASSES[name]}'"
    ):
        metrics.get(name)


@pytest.mark.parametrize("name", list(CLASSES))
@pytest.mark.parametrize("value", [-0.1, 1.5])
def test_target_out_of_range_message_matches_keras(keras, name, value):
    arg = CLASSES[name]
    expected = f"Argument `{arg}` must be in the range [0, 1]. Received: {arg}={value}"
    for module in (keras.metrics, metrics):
        with pytest.raises(ValueError, match="must be in the range") as err:
            getattr(module, name)(value)
        assert str(err.value) == expected


def test_num_thresholds_and_target_type_errors(keras):
    message = (
        "Argument `num_thresholds` must be an integer > 0. Received: num_thresholds=0"
    )
    for module in (keras.metrics, metrics):
        with pytest.raises(ValueError, match="must be an integer > 0") as err:
            module.PrecisionAtRecall(0.5, num_thresholds=0)
        assert str(err.value) == message
    with pytest.raises(
        TypeError,
        match=r"`num_thresholds` must be an integer > 0\. Received: num_thresholds=2\.5",
    ):
        metrics.RecallAtPrecision(0.5, num_thresholds=2.5)
    with pytest.raises(
        TypeError,
        match=r"`specificity` must be a number in the range \[0, 1\]\. Received: specificity='high'",
    ):
        metrics.SensitivityAtSpecificity("high")


def test_class_id_needs_two_dimensional_predictions(keras):
    with pytest.raises(
        ValueError, match="When class_id is provided, y_pred must be a 2D"
    ):
        keras.metrics.PrecisionAtRecall(0.5, class_id=1)([0, 1], [0.2, 0.5])
    with pytest.raises(
        ValueError,
        match=r"When class_id is provided, y_pred must be a 2D array with shape "
        r"\(num_samples, num_classes\), found shape: \(2,\)",
    ):
        metrics.PrecisionAtRecall(0.5, class_id=1)([0, 1], [0.2, 0.5])


@pytest.mark.gpu
@pytest.mark.parametrize("num_thresholds", [1, 200])
def test_state_follows_data_to_cuda_with_cpu_values(num_thresholds):
    if not torch.cuda.is_available():
        pytest.skip("needs CUDA")
    labels, preds = _batch(np.random.default_rng(0))
    weight = np.random.default_rng(1).random(6).astype("float32")
    for name, target in CLASSES.items():
        on_cpu = getattr(metrics, name)(**{target: 0.6}, num_thresholds=num_thresholds)
        on_gpu = getattr(metrics, name)(**{target: 0.6}, num_thresholds=num_thresholds)
        on_cpu.update_state(labels, preds, weight)
        on_gpu.update_state(
            *(torch.tensor(a, device="cuda") for a in (labels, preds, weight))
        )
        assert all(v.device.type == "cuda" for v in on_gpu.variables)
        result = on_gpu.result()
        assert result.device.type == "cuda"
        assert float(result) == pytest.approx(float(on_cpu.result()), abs=1e-6)


@pytest.mark.parametrize("num_thresholds", [1, 2, 5, 200])
def test_predictions_on_thresholds_and_outside_unit_interval(keras, num_thresholds):
    grid = np.array([-0.2, 0.0, 0.25, 0.5, 0.75, 1.0, 1.3], dtype="float32")
    rng = np.random.default_rng(num_thresholds)
    for name in CLASSES:
        k, lam = _pair(keras, name, 0.5, num_thresholds=num_thresholds)
        for _ in range(2):
            labels = (rng.random((8, 2)) > 0.5).astype("float32")
            preds = rng.choice(grid, (8, 2))
            k.update_state(labels, preds)
            lam.update_state(labels, preds)
        _same_state(k, lam)
        np.testing.assert_allclose(float(lam.result()), float(k.result()), atol=1e-6)


@pytest.mark.parametrize("dtype", [torch.bfloat16, torch.float16, torch.float64])
def test_low_and_high_precision_predictions_count_as_keras(keras, dtype):
    generator = torch.Generator().manual_seed(0)
    labels = (torch.rand(3000, generator=generator) > 0.5).float()
    preds = torch.rand(3000, generator=generator).to(dtype)
    for name in CLASSES:
        k, lam = _pair(keras, name, 0.5)
        k.update_state(labels, preds)
        lam.update_state(labels, preds)
        _same_state(k, lam)  # bfloat16 sums would be off by whole samples
        assert float(lam.result()) == pytest.approx(float(k.result()), abs=1e-6)


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("FalseNegatives", {"thresholds": [0.0, 0.25, 0.5, 0.75, 1.0]}),
        ("TruePositives", {"thresholds": [0.0, 0.5, 1.0]}),
        ("Precision", {"thresholds": [0.0, 0.5, 1.0]}),
        ("Recall", {"thresholds": [0.2, 0.5, 0.7]}),
    ],
)
def test_shared_threshold_counting_takes_bfloat16_as_keras(keras, name, kwargs):
    """The counting these metrics share with Precision & co. (even thresholds are
    counted by buckets) sums in the state's dtype, never in bfloat16."""
    generator = torch.Generator().manual_seed(0)
    labels = (torch.rand(3000, generator=generator) > 0.5).float()
    preds = torch.rand(3000, generator=generator).bfloat16()
    k, lam = getattr(keras.metrics, name)(**kwargs), getattr(metrics, name)(**kwargs)
    k.update_state(labels, preds)
    lam.update_state(labels, preds)
    _same_state(k, lam)
    np.testing.assert_allclose(lam.result().numpy(), np.asarray(k.result()), atol=1e-6)
