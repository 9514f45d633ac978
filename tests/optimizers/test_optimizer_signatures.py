"""Optimizers name every Keras argument in their signatures, with Keras's defaults."""

import inspect

import pytest

import lamina
from lamina import optimizers

NAMES = [
    "SGD",
    "Adadelta",
    "Adafactor",
    "Adagrad",
    "Adam",
    "AdamW",
    "Adamax",
    "Ftrl",
    "Lion",
    "Nadam",
    "RMSprop",
]


@pytest.mark.parametrize("name", NAMES)
def test_signature_is_keras(keras, name):
    ours = inspect.signature(getattr(optimizers, name)).parameters
    theirs = inspect.signature(getattr(keras.optimizers, name)).parameters
    assert list(ours) == list(theirs)
    for p in ours:
        assert ours[p].default == theirs[p].default, p


@pytest.mark.parametrize("name", NAMES)
def test_base_arguments_reach_the_optimizer(name):
    opt = getattr(optimizers, name)(
        clipnorm=1.5, use_ema=True, ema_momentum=0.9, name="mine"
    )
    assert (opt.clipnorm, opt.use_ema, opt.ema_momentum, opt.name) == (
        1.5,
        True,
        0.9,
        "mine",
    )


def test_adamw_keeps_its_own_weight_decay_default():
    assert optimizers.AdamW().weight_decay == 0.004
    assert optimizers.AdamW(weight_decay=0.1, clipvalue=2.0).clipvalue == 2.0


def test_unknown_arguments_are_still_refused():
    with pytest.raises(ValueError, match="Argument\\(s\\) not recognized"):
        optimizers.Adam(learnin_rate=0.1)


def test_loss_scale_optimizer_takes_keras_arguments(keras):
    ours = inspect.signature(lamina.mixed_precision.LossScaleOptimizer).parameters
    theirs = inspect.signature(keras.mixed_precision.LossScaleOptimizer).parameters
    assert list(ours) == list(theirs)
    lamina.backend.clear_session()
    opt = lamina.mixed_precision.LossScaleOptimizer(optimizers.SGD())
    assert opt.name == "loss_scale_optimizer"
    named = lamina.mixed_precision.LossScaleOptimizer(optimizers.SGD(), name="x")
    assert named.name == "x"
    with pytest.raises(ValueError, match="does not support arguments: `foo`"):
        lamina.mixed_precision.LossScaleOptimizer(optimizers.SGD(), foo=1)
