"""fit / evaluate / predict on DataLoaders and generators of batches."""

import numpy as np
import pytest
import torch
from torch.utils.data import DataLoader, TensorDataset

import lamina
from lamina import layers


def _model():
    lamina.utils.set_random_seed(0)
    model = lamina.Sequential(
        [layers.Dense(4, activation="relu", input_shape=(3,)), layers.Dense(1)]
    )
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    return model


def _data(n=40):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 3)).astype("float32")
    return x, x.sum(axis=1, keepdims=True)


def test_dataloader_matches_arrays():
    x, y = _data()
    loader = DataLoader(
        TensorDataset(torch.from_numpy(x), torch.from_numpy(y)),
        batch_size=8,
        shuffle=False,
    )
    h_loader = _model().fit(loader, epochs=3, verbose=0, validation_data=loader)
    h_arrays = _model().fit(
        x, y, epochs=3, batch_size=8, shuffle=False, verbose=0, validation_data=(x, y)
    )
    assert h_loader.params["steps"] == 5
    for key in h_arrays.history:
        np.testing.assert_allclose(
            h_loader.history[key], h_arrays.history[key], rtol=1e-6
        )


def test_generator_with_steps_per_epoch_and_evaluate_predict():
    x, y = _data()

    def batches():
        while True:
            for i in range(0, 40, 10):
                yield x[i : i + 10], y[i : i + 10]

    model = _model()
    h = model.fit(batches(), steps_per_epoch=4, epochs=2, verbose=0)
    assert len(h.history["loss"]) == 2
    loss, mae = model.evaluate(batches(), steps=4, verbose=0)
    ref_loss, ref_mae = model.evaluate(x, y, batch_size=10, verbose=0)
    np.testing.assert_allclose([loss, mae], [ref_loss, ref_mae], rtol=1e-6)
    pred = model.predict((x[i : i + 10] for i in range(0, 40, 10)), verbose=0)
    np.testing.assert_allclose(pred, model.predict(x, verbose=0), rtol=1e-6)


def test_finite_generator_running_out_is_reported():
    x, y = _data()
    gen = ((x[i : i + 10], y[i : i + 10]) for i in range(0, 40, 10))
    model = _model()
    with pytest.warns(UserWarning, match="Your input ran out of data") as caught:
        h = model.fit(gen, steps_per_epoch=6, epochs=3, verbose=0)
    assert len(caught) == 1
    # The 4 batches it had make one epoch; no later epoch is invented.
    assert len(h.history["loss"]) == 1
    ref = _model()
    ref.fit(x, y, batch_size=10, shuffle=False, epochs=1, verbose=0)
    np.testing.assert_allclose(h.history["loss"], ref.history.history["loss"])
