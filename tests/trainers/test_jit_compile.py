"""`jit_compile=True` compiles the train step with torch.compile (slow: marker)."""

import numpy as np
import pytest

import lamina
from lamina import layers


@pytest.mark.slow
def test_jit_compile_matches_eager():
    x = np.random.default_rng(0).normal(size=(64, 3)).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    histories = []
    for jit in (False, True):
        lamina.utils.set_random_seed(0)
        model = lamina.Sequential(
            [layers.Dense(8, activation="relu", input_shape=(3,)), layers.Dense(1)]
        )
        model.compile(optimizer="adam", loss="mse", jit_compile=jit)
        histories.append(
            model.fit(x, y, epochs=3, batch_size=16, shuffle=False, verbose=0).history[
                "loss"
            ]
        )
    np.testing.assert_allclose(histories[1], histories[0], rtol=1e-5)
