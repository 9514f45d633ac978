"""The fast paths are private choices from an allow-list: one test per guard.

Each test builds a model the hand-written Dense step (trainers/_dense_fast.py)
would take but for one condition, runs `fit`, and checks the step fell back to
autograd (and, where it matters, that the result is right).
"""

import numpy as np
import pytest
import torch

import lamina
from lamina import layers
from lamina.layers.core.dense import Dense
from lamina.trainers import _dense_fast


def _data(n=32, d=3, units=1):
    rng = np.random.default_rng(0)
    return (
        rng.normal(size=(n, d)).astype("float32"),
        rng.normal(size=(n, units)).astype("float32"),
    )


def _stack(*dense_kwargs, cls=lamina.Sequential):
    return cls(
        [lamina.Input((3,))] + [layers.Dense(**kwargs) for kwargs in dense_kwargs]
    )


def _fast_used(model, loss="mse", x=None, y=None, **fit_kwargs):
    if not model.compiled:
        model.compile(optimizer="sgd", loss=loss)
    x_default, y_default = _data(units=model.layers[-1].units)
    x = x_default if x is None else x
    y = y_default if y is None else y
    model.fit(x, y, epochs=1, batch_size=8, verbose=0, **fit_kwargs)
    runner = model._runner
    return runner is not None and runner._dense is not None


def test_taken_for_a_plain_dense_stack():
    assert _fast_used(_stack({"units": 4, "activation": "relu"}, {"units": 1}))


def test_switched_off():
    _dense_fast.ENABLED = False
    try:
        assert not _fast_used(_stack({"units": 1}))
    finally:
        _dense_fast.ENABLED = True


def test_not_for_a_sequential_subclass():
    class MySequential(lamina.Sequential):
        pass

    assert not _fast_used(_stack({"units": 1}, cls=MySequential))


@pytest.mark.parametrize(
    "hook", ["train_step", "compute_loss", "compute_metrics", "metrics"]
)
def test_not_when_a_step_method_is_overridden(hook):
    calls = []

    def wrap(name):
        base = getattr(lamina.Sequential, name)
        if isinstance(base, property):
            return property(lambda self: calls.append(name) or base.fget(self))
        return lambda self, *a, **k: calls.append(name) or base(self, *a, **k)

    cls = type("Custom", (lamina.Sequential,), {hook: wrap(hook)})
    model = cls([lamina.Input((3,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(*_data(), epochs=1, batch_size=8, verbose=0)
    assert calls, f"the overridden {hook} was not called"
    assert model._runner is None or model._runner._dense is None


def test_not_with_jit_compile(monkeypatch):
    model = _stack({"units": 1})
    model.compile(optimizer="sgd", loss="mse", jit_compile=True)
    monkeypatch.setattr(torch, "compile", lambda fn: fn)  # no compilation cost
    assert not _fast_used(model)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"units": 2, "activation": "gelu"},
        {"units": 2, "kernel_regularizer": "l2"},
        {"units": 2, "bias_regularizer": "l1"},
        {"units": 2, "activity_regularizer": "l2"},
        {"units": 2, "kernel_constraint": "non_neg"},
        {"units": 2, "bias_constraint": "non_neg"},
        {"units": 300},
        {"units": 2, "dtype": "float64"},
        {"units": 2, "dtype": "mixed_bfloat16"},
    ],
    ids=lambda k: "-".join(f"{a}={b}" for a, b in k.items()),
)
def test_not_for_a_dense_option_outside_the_allow_list(kwargs):
    assert not _fast_used(_stack(kwargs, {"units": 2}))


def test_an_unknown_dense_option_falls_back(monkeypatch):
    original = Dense.get_config

    def with_new_option(self):
        return {**original(self), "a_future_option": None}

    monkeypatch.setattr(Dense, "get_config", with_new_option)
    assert not _fast_used(_stack({"units": 1}))


def test_not_for_a_frozen_layer():
    model = _stack({"units": 4}, {"units": 1})
    model.layers[0].trainable = False
    assert not _fast_used(model)


def test_not_for_other_layers():
    model = lamina.Sequential(
        [lamina.Input((3,)), layers.Dense(4), layers.Dropout(0.5), layers.Dense(1)]
    )
    assert not _fast_used(model)


@pytest.mark.parametrize("loss", ["huber", "binary_crossentropy"])
def test_not_for_other_losses(loss):
    _, y = _data()
    y01 = (y > 0).astype("float32")  # binary cross-entropy refuses other targets
    model = _stack({"units": 1, "activation": "sigmoid"})
    assert not _fast_used(model, loss=loss, y=y01)


def test_not_with_loss_weights():
    model = _stack({"units": 1})
    model.compile(optimizer="sgd", loss="mse", loss_weights=[2.0])
    assert not _fast_used(model)


def test_not_with_hooks_on_the_model():
    model = _stack({"units": 1})
    seen = []
    model.register_forward_hook(lambda *args: seen.append(1))
    assert not _fast_used(model)
    assert seen


def test_per_batch_fallbacks_give_autograd_results():
    """Sample weights, float64 or integer inputs: the batch goes through autograd
    even though the plan exists."""
    x, y = _data()
    for extra in (
        {"sample_weight": np.linspace(0.1, 1.0, 32)},
        {"x": x.astype("float64")},
        {"x": np.round(x * 3).astype("int64")},
    ):
        model = _stack({"units": 1})
        reference = _stack({"units": 1})
        reference.set_weights(model.get_weights())
        kwargs = {"shuffle": False, **extra}
        assert _fast_used(model, **kwargs)
        _dense_fast.ENABLED = False
        try:
            _fast_used(reference, **kwargs)
        finally:
            _dense_fast.ENABLED = True
        for a, b in zip(model.get_weights(), reference.get_weights()):
            np.testing.assert_allclose(a, b, rtol=1e-6)


def test_activity_regularizer_set_after_the_first_call_is_not_dropped():
    x, y = _data()
    model = _stack({"units": 4}, {"units": 1})
    model.compile(optimizer="sgd", loss="mse")
    before = model.evaluate(x, y, verbose=0)
    model.layers[0].activity_regularizer = lamina.regularizers.L2(1.0)
    after = model.evaluate(x, y, verbose=0)
    hidden = model.layers[0](torch.tensor(x)).detach()
    penalty = float((hidden**2).sum()) / len(x)
    assert after == pytest.approx(before + penalty, rel=1e-4)
    # a direct call (a hand-written loop) also sees it in model.losses
    model(torch.tensor(x))
    assert len(model.losses) == 1
    assert not _fast_used(model)
    assert model.fit(x, y, verbose=0, epochs=1).history["loss"][0] > before


def test_a_dense_option_changed_after_a_fit_is_re_decided():
    model = _stack({"units": 1})
    assert _fast_used(model)
    model.layers[0].kernel_regularizer = lamina.regularizers.L2(0.1)
    assert not _fast_used(model)


def test_validation_inside_fit_keeps_the_fast_step(monkeypatch):
    calls = []
    original = _dense_fast.DenseStep.step

    def counting(self, x, y):
        calls.append(1)
        return original(self, x, y)

    monkeypatch.setattr(_dense_fast.DenseStep, "step", counting)
    x, y = _data()
    model = _stack({"units": 1})
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, y, epochs=3, batch_size=8, validation_data=(x, y), verbose=0)
    assert len(calls) == 3 * 4  # every training batch of every epoch
