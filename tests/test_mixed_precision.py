"""Mixed precision: float32 weights, low-precision compute, loss scaling."""

import numpy as np
import pytest
import torch

import lamina
from lamina import layers


@pytest.fixture
def policy():
    def set_policy(name):
        lamina.mixed_precision.set_global_policy(name)

    yield set_policy
    lamina.mixed_precision.set_global_policy(None)


def test_mixed_bfloat16_keeps_float32_weights(policy):
    policy("mixed_bfloat16")
    dense = layers.Dense(3)
    out = dense(np.ones((2, 4), "float32"))
    assert dense.kernel.dtype == torch.float32
    assert dense.compute_dtype == "bfloat16" and dense.dtype == "float32"
    assert out.dtype == torch.bfloat16


def test_mixed_float16_fit_wraps_optimizer_and_trains(policy):
    policy("mixed_float16")
    model = lamina.Sequential(
        [layers.Dense(8, activation="relu", input_shape=(3,)), layers.Dense(1)]
    )
    model.compile(optimizer="sgd", loss="mse")
    assert isinstance(model.optimizer, lamina.mixed_precision.LossScaleOptimizer)
    x = np.random.default_rng(0).normal(size=(64, 3)).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    h = model.fit(x, y, epochs=5, batch_size=16, verbose=0)
    assert model.layers[0].kernel.dtype == torch.float32
    assert np.isfinite(h.history["loss"]).all()
    assert h.history["loss"][-1] < h.history["loss"][0]


def test_loss_scale_skips_overflowing_step():
    opt = lamina.mixed_precision.LossScaleOptimizer(
        lamina.optimizers.SGD(0.1), initial_scale=8.0
    )
    w = torch.nn.Parameter(torch.ones(2))
    opt.apply([torch.tensor([float("inf"), 1.0])], [w])
    assert opt.scale == 4.0 and torch.equal(w.detach(), torch.ones(2))
    opt.apply([torch.tensor([4.0, 4.0])], [w])
    np.testing.assert_allclose(w.detach().numpy(), [0.9, 0.9], rtol=1e-6)


def test_unknown_mixed_policy_refused():
    with pytest.raises(ValueError, match="mixed_float16"):
        lamina.mixed_precision.set_global_policy("mixed_int8")
