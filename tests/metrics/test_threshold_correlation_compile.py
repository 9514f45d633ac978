"""The threshold and correlation metrics in compile(metrics=[...]): fit/evaluate logs vs Keras."""

import numpy as np
import pytest

import lamina


def _data():
    rng = np.random.default_rng(0)
    x = rng.random((16, 4)).astype("float32")
    y = (rng.random((16, 3)) > 0.5).astype("float32")
    y[:, 0] = 1.0 - y[:, 1]  # no constant row, so no NaN Pearson coefficient
    weights = [rng.normal(size=(4, 3)).astype("float32"), np.zeros(3, "float32")]
    return x, y, weights


def _metrics(module, functions):
    m = module.metrics
    return [
        m.PrecisionAtRecall(0.5),
        m.RecallAtPrecision(0.6, num_thresholds=20),
        m.SensitivityAtSpecificity(0.5, class_id=1),
        m.SpecificityAtSensitivity(0.7, num_thresholds=1),
        m.PearsonCorrelation(),
        "concordance_correlation",
        *[getattr(m, name) for name in functions],
    ]


def _train(module, functions):
    module.backend.clear_session()  # default names start again: precision_at_recall
    x, y, weights = _data()
    model = module.Sequential(
        [module.Input((4,)), module.layers.Dense(3, activation="sigmoid")]
    )
    model.set_weights(weights)
    model.compile(
        optimizer=module.optimizers.SGD(0.5),
        loss="binary_crossentropy",
        metrics=_metrics(module, functions),
    )
    history = model.fit(
        x,
        y,
        batch_size=5,
        epochs=2,
        shuffle=False,
        verbose=0,
        validation_data=(x[:7], y[:7]),
    )
    evaluated = model.evaluate(x, y, batch_size=6, verbose=0, return_dict=True)
    return history.history, evaluated


def test_fit_and_evaluate_logs_match_keras(keras):
    functions = ("huber", "binary_focal_crossentropy", "categorical_focal_crossentropy")
    keras_history, keras_eval = _train(keras, functions)
    history, evaluated = _train(lamina, functions)
    assert sorted(history) == sorted(keras_history)
    assert sorted(evaluated) == sorted(keras_eval)
    expected = {
        "loss",
        "precision_at_recall",
        "recall_at_precision",
        "sensitivity_at_specificity",
        "specificity_at_sensitivity",
        "pearson_correlation",
        "concordance_correlation",
        *functions,
    }
    assert set(evaluated) == expected
    assert set(history) == expected | {f"val_{key}" for key in expected}
    for key, values in keras_history.items():
        np.testing.assert_allclose(history[key], values, rtol=1e-5, atol=1e-6)
    for key, value in keras_eval.items():
        assert evaluated[key] == pytest.approx(value, rel=1e-5, abs=1e-6), key
    assert not any(np.isnan(v) for v in evaluated.values())
    assert 0.0 < evaluated["precision_at_recall"] < 1.0


def test_pearson_function_in_compile_logs_under_its_name(keras):
    x, y, weights = _data()
    logs = []
    for module in (keras, lamina):
        model = module.Sequential(
            [module.Input((4,)), module.layers.Dense(3, activation="sigmoid")]
        )
        model.set_weights(weights)
        model.compile(loss="mse", metrics=[module.metrics.pearson_correlation])
        logs.append(model.evaluate(x, y, batch_size=8, verbose=0, return_dict=True))
    assert sorted(logs[1]) == sorted(logs[0]) == ["loss", "pearson_correlation"]
    assert logs[1]["pearson_correlation"] == pytest.approx(
        logs[0]["pearson_correlation"], rel=1e-5
    )


def test_monitor_auto_mode_maximises_the_new_metrics_as_keras_does(keras):
    names = [
        "precision_at_recall",
        "recall_at_precision",
        "sensitivity_at_specificity",
        "specificity_at_sensitivity",
        "pearson_correlation",
        "concordance_correlation",
    ]
    models = {}
    for module in (keras, lamina):
        module.backend.clear_session()  # the metrics get their default names
        model = module.Sequential([module.Input((4,)), module.layers.Dense(3)])
        model.compile(loss="mse", metrics=_metrics(module, ()))
        model.evaluate(*_data()[:2], verbose=0)  # builds the compiled metrics
        models[module] = model
    for name in names:
        keras_cb = keras.callbacks.EarlyStopping(monitor=f"val_{name}")
        keras_cb.set_model(models[keras])
        keras_cb._set_monitor_op()
        assert keras_cb.monitor_op is keras.ops.greater, name
        for callback in (
            lamina.callbacks.EarlyStopping(monitor=f"val_{name}"),
            lamina.callbacks.ReduceLROnPlateau(monitor=name),
            lamina.callbacks.ModelCheckpoint("m.keras", monitor=f"val_{name}"),
        ):
            callback.set_model(models[lamina])  # where Keras resolves "auto"
            assert callback.mode == "max", (type(callback).__name__, name)


@pytest.mark.parametrize("direction", ["keras_to_lamina", "lamina_to_keras"])
def test_compiled_metrics_travel_in_keras_files(keras, tmp_path, direction):
    source, target = (
        (keras, lamina) if direction == "keras_to_lamina" else (lamina, keras)
    )
    x, y, weights = _data()
    model = source.Sequential(
        [source.Input((4,)), source.layers.Dense(3, activation="sigmoid")]
    )
    model.set_weights(weights)
    m = source.metrics
    model.compile(
        loss="binary_crossentropy",
        metrics=[
            m.PrecisionAtRecall(0.5, name="par"),
            m.SpecificityAtSensitivity(0.4, class_id=1, num_thresholds=7),
            m.ConcordanceCorrelation(axis=-1),
            m.huber,  # saved by Keras as a function of module "builtins"
            m.pearson_correlation,
        ],
    )
    before = model.evaluate(x, y, verbose=0, return_dict=True)
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = target.models.load_model(path)
    after = loaded.evaluate(x, y, verbose=0, return_dict=True)
    assert sorted(after) == sorted(before)
    assert "par" in after
    assert "huber" in after
    for key, value in before.items():
        assert after[key] == pytest.approx(value, rel=1e-5), key


def _duplicate_logs(module, outputs):
    module.backend.clear_session()
    x, y, weights = _data()
    inputs = module.Input((4,))
    layer = module.layers.Dense(3, activation="sigmoid")
    if outputs == 1:
        model = module.Model(inputs, layer(inputs))
        ys = y
    else:
        second = module.layers.Dense(3, activation="sigmoid", name="second")
        model = module.Model(inputs, [layer(inputs), second(inputs)])
        ys = [y, y[:, ::-1].copy()]
    model.layers[1].set_weights(weights)
    if outputs == 2:
        model.get_layer("second").set_weights(weights)
    m = module.metrics

    def per_output(make):
        return make() if outputs == 1 else [make() for _ in range(outputs)]

    model.compile(
        loss="mse",
        metrics=per_output(
            lambda: [m.PearsonCorrelation(), m.pearson_correlation, "mae", "mae"]
        ),
        weighted_metrics=per_output(lambda: ["mae", m.PearsonCorrelation(), "mae"]),
    )
    sample_weight = np.linspace(0.5, 1.5, 16).astype("float32")
    return model.evaluate(
        x, ys, sample_weight=sample_weight, verbose=0, return_dict=True
    )


@pytest.mark.parametrize("outputs", [1, 2])
def test_repeated_metric_names_get_keras_log_keys(keras, outputs):
    expected = _duplicate_logs(keras, outputs)
    logs = _duplicate_logs(lamina, outputs)
    assert sorted(logs) == sorted(expected)
    if outputs == 1:
        assert {"pearson_correlation_1", "weighted_mae", "weighted_mae_1"} <= set(logs)
    for key, value in expected.items():
        assert logs[key] == pytest.approx(value, rel=1e-5), key
