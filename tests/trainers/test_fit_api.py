"""fit / evaluate / predict arguments, data types and errors."""

import warnings

import numpy as np
import pandas as pd
import pytest
import torch

import lamina
from lamina import layers


def _model(d=3, compile_kw=None):
    model = lamina.Sequential(
        [layers.Dense(4, activation="relu", input_shape=(d,)), layers.Dense(1)]
    )
    model.compile(**(compile_kw or {"optimizer": "sgd", "loss": "mse"}))
    return model


def _xy(n=40, d=3):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, d)).astype("float32")
    return x, x.sum(axis=1, keepdims=True)


def test_fit_before_compile_refused():
    model = lamina.Sequential([layers.Dense(1, input_shape=(2,))])
    with pytest.raises(ValueError, match=r"must call `compile\(\)`"):
        model.fit(np.zeros((4, 2)), np.zeros(4), verbose=0)
    with pytest.raises(ValueError, match=r"must call `compile\(\)`"):
        model.evaluate(np.zeros((4, 2)), np.zeros(4), verbose=0)


def test_mismatched_lengths_list_sizes():
    model = _model()
    with pytest.raises(ValueError, match=r"'x' sizes: 10\n'y' sizes: 9"):
        model.fit(np.zeros((10, 3)), np.zeros(9), verbose=0)
    with pytest.raises(ValueError, match=r"'sample_weight' sizes: 8"):
        model.fit(np.zeros((10, 3)), np.zeros(10), sample_weight=np.ones(8), verbose=0)


def test_non_numeric_data_refused():
    model = _model()
    with pytest.raises(TypeError, match="`x` must be numeric"):
        model.fit(np.array([["a", "b", "c"]] * 4), np.zeros(4), verbose=0)


def test_wrong_feature_count_in_fit():
    model = _model(d=3)
    with pytest.raises(
        ValueError, match=r"expected axis -1.*value 3.*\(None, 5\).*input_shape=\(5,\)"
    ):
        model.fit(np.zeros((4, 5)), np.zeros(4), verbose=0)


def test_unknown_names_refused():
    model = lamina.Sequential([layers.Dense(1, input_shape=(2,))])
    with pytest.raises(ValueError, match="adam"):
        model.compile(optimizer="adamm", loss="mse")


def test_data_kinds_give_same_history():
    x, y = _xy()
    results = []
    for xx, yy in (
        (x, y),
        (torch.from_numpy(x), torch.from_numpy(y)),
        (pd.DataFrame(x), pd.Series(y[:, 0])),
        (x.tolist(), y.tolist()),
    ):
        lamina.utils.set_random_seed(1)
        model = _model()
        h = model.fit(xx, yy, epochs=2, batch_size=8, shuffle=False, verbose=0)
        results.append(h.history["loss"])
    for r in results[1:]:
        np.testing.assert_allclose(r, results[0], rtol=1e-6)


def test_set_random_seed_repeats_run():
    x, y = _xy()
    runs = []
    for _ in range(2):
        lamina.utils.set_random_seed(42)
        model = _model()
        runs.append(model.fit(x, y, epochs=2, batch_size=8, verbose=0).history["loss"])
    assert runs[0] == runs[1]


def test_history_params_and_epochs():
    x, y = _xy()
    h = _model().fit(x, y, epochs=5, batch_size=16, verbose=0, initial_epoch=2)
    assert h.epoch == [2, 3, 4]
    assert h.params["epochs"] == 5 and h.params["steps"] == 3


def test_steps_per_epoch_and_validation_freq():
    x, y = _xy()
    seen = []
    cb = lamina.callbacks.LambdaCallback(
        on_train_batch_end=lambda b, logs: seen.append(b)
    )
    h = _model().fit(
        x,
        y,
        epochs=4,
        batch_size=10,  # 4 batches a pass: two epochs of 2 steps each
        steps_per_epoch=2,
        verbose=0,
        validation_data=(x, y),
        validation_freq=2,
        callbacks=[cb],
    )
    assert seen == [0, 1] * 4
    assert len(h.history["val_loss"]) == 2


def _steps_run(lib, **fit_kw):
    """The first value of each batch a model's train_step saw, and the warnings."""
    seen = []

    class Recorder(lib.Model):
        def train_step(self, data):
            seen.append(float(data[0][0, 0]))
            return {}

    inp = lib.Input((1,))
    model = Recorder(inp, lib.layers.Dense(1)(inp))
    model.compile("sgd", "mse")
    x = np.arange(10, dtype="float32").reshape(10, 1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(x, x, batch_size=3, verbose=0, shuffle=False, **fit_kw)
    ran_out = sum("ran out of data" in str(w.message) for w in caught)
    return seen, ran_out


@pytest.mark.parametrize("steps", [2, 3, 4, 5])
def test_steps_per_epoch_on_arrays_follows_keras(steps):
    # Keras continues an unfinished pass in the next epoch; a pass that ends
    # before `steps_per_epoch` ends the epoch with a warning (no cycling).
    keras = pytest.importorskip("keras")
    ours = _steps_run(lamina, epochs=3, steps_per_epoch=steps)
    assert ours == _steps_run(keras, epochs=3, steps_per_epoch=steps)
    expected = {
        2: [0, 3, 6, 9, 0, 3],
        3: [0, 3, 6, 9, 0, 3, 6],
        4: [0, 3, 6, 9] * 3,
        5: [0, 3, 6, 9] * 3,
    }[steps]
    assert ours[0] == expected
    assert ours[1] == {2: 0, 3: 1, 4: 0, 5: 3}[steps]


def test_evaluate_and_predict_steps_beyond_arrays_follow_keras():
    keras = pytest.importorskip("keras")
    x = np.arange(10, dtype="float32").reshape(10, 1)
    results = []
    for lib in (lamina, keras):
        inp = lib.Input((1,))
        model = lib.Model(inp, lib.layers.Dense(1, kernel_initializer="ones")(inp))
        model.compile("sgd", "mse")
        with pytest.warns(UserWarning, match="Your input ran out of data"):
            loss = model.evaluate(x, x * 0, batch_size=3, steps=6, verbose=0)
        with pytest.warns(UserWarning, match="Your input ran out of data"):
            rows = model.predict(x, batch_size=3, steps=6, verbose=0).shape[0]
        short = model.evaluate(x, x * 0, batch_size=3, steps=2, verbose=0)
        results.append((loss, rows, short))
    (loss, rows, short), (k_loss, k_rows, k_short) = results
    assert rows == k_rows == 10  # every row once, no cycling
    np.testing.assert_allclose(loss, k_loss, rtol=1e-6)  # mean of x**2: 28.5
    np.testing.assert_allclose(loss, np.mean(x**2), rtol=1e-6)
    np.testing.assert_allclose(short, k_short, rtol=1e-6)


def test_evaluate_forms_and_predict_numpy():
    x, y = _xy()
    model = _model(compile_kw={"optimizer": "adam", "loss": "mse", "metrics": ["mae"]})
    loss, mae = model.evaluate(x, y, verbose=0)
    d = model.evaluate(x, y, verbose=0, return_dict=True)
    assert d == {"loss": loss, "mae": mae}
    pred = model.predict(x, verbose=0)
    assert isinstance(pred, np.ndarray) and pred.shape == (40, 1)
    np.testing.assert_allclose(pred, model(x).detach().numpy(), rtol=1e-6)
    np.testing.assert_allclose(np.mean((pred - y) ** 2), loss, rtol=1e-5)


def test_on_batch_methods():
    x, y = _xy(n=8)
    model = _model()
    before = model.test_on_batch(x, y)
    model.train_on_batch(x, y)
    after = model.test_on_batch(x, y)
    assert after < before
    assert model.predict_on_batch(x).shape == (8, 1)


def test_dict_inputs_to_functional_model():
    a = lamina.Input(shape=(2,), name="a")
    b = lamina.Input(shape=(3,), name="b")
    merged = layers.Dense(4)(a)
    out = layers.Dense(1)(merged)
    model = lamina.Model([a, b], out)
    model.compile(optimizer="sgd", loss="mse")
    x = {"a": np.ones((6, 2), "float32"), "b": np.ones((6, 3), "float32")}
    h = model.fit(x, np.ones((6, 1), "float32"), epochs=1, verbose=0)
    assert len(h.history["loss"]) == 1


def test_verbose_one_line_per_epoch_when_not_a_terminal(capsys):
    x, y = _xy()
    _model().fit(x, y, epochs=3, batch_size=8, verbose=1)
    lines = [ln for ln in capsys.readouterr().out.splitlines() if ln.strip()]
    assert len(lines) == 3
    assert lines[0].startswith("Epoch 1/3 - 5/5 - ") and "loss: " in lines[0]


def test_custom_layer_and_weightless_layer_train():
    class Scale(lamina.layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight(
                shape=(input_shape[-1],), initializer="ones", name="w"
            )

        def call(self, inputs):
            return inputs * self.w

    class Double(lamina.layers.Layer):
        def call(self, inputs):
            return inputs * 2.0

    x, y = _xy()
    model = lamina.Sequential([Scale(input_shape=(3,)), Double(), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    start = model.layers[0].w.detach().clone()
    model.fit(x, y, epochs=2, verbose=0)
    assert not torch.equal(start, model.layers[0].w.detach())
    assert len(model.layers[0].weights) == 1
