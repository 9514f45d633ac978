"""The hand-written Dense step gives the autograd path's weights and losses."""

import numpy as np
import pytest

import lamina
from lamina import layers
from lamina.trainers import _dense_fast


def _train(fast, activation, loss, optimizer, y_shape, use_bias=True, metrics=None):
    _dense_fast.ENABLED = fast
    try:
        lamina.utils.set_random_seed(3)
        model = lamina.Sequential(
            [
                layers.Dense(
                    5, activation=activation, input_shape=(3,), use_bias=use_bias
                ),
                layers.Dense(4, activation="relu"),
                layers.Dense(y_shape[-1] if len(y_shape) > 1 else 1),
            ]
        )
        model.compile(optimizer=optimizer, loss=loss, metrics=metrics)
        rng = np.random.default_rng(0)
        x = rng.normal(size=(40, 3)).astype("float32")
        y = rng.normal(size=y_shape).astype("float32")
        h = model.fit(x, y, epochs=3, batch_size=8, shuffle=False, verbose=0)
        used = model._runner._dense is not None
        return h.history, model.get_weights(), used
    finally:
        _dense_fast.ENABLED = True


@pytest.mark.parametrize(
    ("activation", "loss", "optimizer", "y_shape", "use_bias"),
    [
        ("relu", "mse", "sgd", (40,), True),
        ("tanh", "mae", "adam", (40, 1), True),
        ("sigmoid", "mse", "rmsprop", (40, 2), False),
        ("linear", "mean_absolute_error", "sgd", (40, 2), True),
    ],
)
def test_fast_step_matches_autograd(activation, loss, optimizer, y_shape, use_bias):
    h_fast, w_fast, used = _train(
        True, activation, loss, optimizer, y_shape, use_bias, metrics=["mae"]
    )
    h_slow, w_slow, used_slow = _train(
        False, activation, loss, optimizer, y_shape, use_bias, metrics=["mae"]
    )
    assert used and not used_slow
    for key in h_slow:
        np.testing.assert_allclose(h_fast[key], h_slow[key], rtol=1e-5, atol=1e-7)
    for a, b in zip(w_fast, w_slow):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def _plan(model, loss="mse"):
    model.compile(optimizer="sgd", loss=loss)
    model.compiled_loss.build(["output"])
    return _dense_fast.plan_for(model)


def test_used_for_plain_dense_stack():
    model = lamina.Sequential([layers.Dense(2, input_shape=(3,)), layers.Dense(1)])
    assert _plan(model) is not None


@pytest.mark.parametrize(
    "stack",
    [
        lambda: [layers.Dense(2, input_shape=(3,), kernel_regularizer="l2")],
        lambda: [layers.Dense(2, input_shape=(3,), activation="gelu")],
        lambda: [layers.Dense(2, input_shape=(3,), kernel_constraint="non_neg")],
        lambda: [layers.Dense(2, input_shape=(3,)), layers.Dropout(0.5)],
        lambda: [layers.Dense(300, input_shape=(3,))],
    ],
)
def test_not_used_when_something_needs_autograd(stack):
    assert _plan(lamina.Sequential(stack())) is None


def test_not_used_for_other_losses():
    model = lamina.Sequential([layers.Dense(2, input_shape=(3,))])
    assert _plan(model, loss="huber") is None
