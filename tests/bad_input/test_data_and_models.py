"""Issue 12, groups 1-3 and 5: degenerate data and models, refused or warned about."""

import warnings

import numpy as np
import pytest
import torch

import lamina
from lamina import layers
from lamina.trainers import trainer


def _model(units=1, features=3, activation=None):
    model = lamina.Sequential(
        [layers.Dense(units, activation=activation, input_shape=(features,))]
    )
    model.compile(optimizer="sgd", loss="mse")
    return model


def _xy(n=4):
    return np.zeros((n, 3), dtype="float32"), np.zeros((n, 1), dtype="float32")


@pytest.mark.parametrize("call", ["fit", "evaluate", "predict"])
def test_zero_rows_refused_never_a_made_up_loss(call):
    x, y = _xy(0)
    args = (x,) if call == "predict" else (x, y)
    with pytest.raises(ValueError, match="has 0 samples"):
        getattr(_model(), call)(*args, verbose=0)


def test_empty_validation_data_named():
    x, y = _xy()
    with pytest.raises(ValueError, match="`validation_data` has 0 samples"):
        _model().fit(x, y, validation_data=_xy(0), verbose=0)


@pytest.mark.parametrize("call", ["fit", "evaluate", "predict"])
def test_empty_sequential_has_no_layers(call):
    model = lamina.Sequential(name="nothing")
    model.compile(optimizer="sgd", loss="mse")
    x, y = _xy()
    args = (x,) if call == "predict" else (x, y)
    with pytest.raises(ValueError, match="Sequential model 'nothing' has no layers"):
        getattr(model, call)(*args, verbose=0)


def test_no_trainable_weights_warns_once_per_fit(keras):
    model = lamina.Sequential([layers.Flatten(input_shape=(3,))])
    model.compile(optimizer="sgd", loss="mse")
    x = np.zeros((8, 3), dtype="float32")
    with pytest.warns(UserWarning, match="does not have any trainable weights") as seen:
        model.fit(x, x, batch_size=4, epochs=2, verbose=0)
    assert len([w for w in seen if "trainable" in str(w.message)]) == 1
    frozen = _model()
    frozen.trainable = False
    with pytest.warns(UserWarning, match="does not have any trainable weights"):
        frozen.fit(*_xy(), verbose=0)
    # Keras warns too (at every step)
    kmodel = keras.Sequential([keras.Input((3,)), keras.layers.Flatten()])
    kmodel.compile(optimizer="sgd", loss="mse")
    with pytest.warns(UserWarning, match="does not have any trainable weights"):
        kmodel.fit(x, x, verbose=0)


@pytest.mark.parametrize("verbose", [3, -1, "x", 1.5, None])
def test_invalid_verbose_named(verbose):
    with pytest.raises(ValueError, match=rf"Received: verbose={verbose!r}"):
        _model().fit(*_xy(), verbose=verbose)


def test_valid_verbose_values_accepted():
    for verbose in ("auto", 0, 1, 2, True, np.int64(0)):
        _model().fit(*_xy(), verbose=verbose)


def test_steps_per_execution_warned_once(monkeypatch):
    monkeypatch.setattr(trainer, "_WARNED", set())
    model = _model()
    with pytest.warns(UserWarning, match=r"`steps_per_execution=4` has no effect"):
        model.compile(optimizer="sgd", loss="mse", steps_per_execution=4)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.compile(optimizer="sgd", loss="mse", steps_per_execution=4)
        model.compile(optimizer="sgd", loss="mse")


def test_binary_crossentropy_refuses_targets_outside_unit_interval():
    model = _model(activation="sigmoid")
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    x, _ = _xy()
    with pytest.raises(
        ValueError, match=r"targets in \[0, 1\].*hold 2 \(range \[0, 2\]\)"
    ):
        model.fit(x, np.array([0, 1, 2, 1]), verbose=0)
    history = model.fit(x, np.array([0, 1, 0.5, 1]), verbose=0)
    assert np.isfinite(history.history["loss"][0])


def test_model_built_on_meta_device_named():
    with (
        torch.device("meta"),
        pytest.raises(ValueError, match=r"under `with torch.device\('meta'\)`"),
    ):
        lamina.Sequential([layers.Dense(2, input_shape=(3,), name="d")])
    model = _model()  # weights moved to meta afterwards: named at fit
    model.to("meta")
    with pytest.raises(ValueError, match="weights on the 'meta' device"):
        model.fit(*_xy(), verbose=0)
    with pytest.raises(ValueError, match=r"model.to_empty\(device='cpu'\)"):
        model.predict(_xy()[0], verbose=0)
