"""Learning-rate schedules against Keras 3's, and their use by optimizers."""

import numpy as np
import pytest
import torch

from lamina.optimizers import schedules

STEPS = [0, 1, 2, 3, 5, 7, 9, 10, 11, 15, 19, 20, 21, 33, 50, 99, 100, 101, 250]

CASES = [
    ("ExponentialDecay", (0.1, 10, 0.9), {}),
    ("ExponentialDecay", (0.1, 7, 0.5), {"staircase": True}),
    ("PiecewiseConstantDecay", ([10, 20, 100], [1.0, 0.5, 0.1, 0.01]), {}),
    ("InverseTimeDecay", (0.1, 10, 0.5), {}),
    ("InverseTimeDecay", (0.1, 7, 0.5), {"staircase": True}),
    ("PolynomialDecay", (0.1, 20), {}),
    ("PolynomialDecay", (0.1, 20), {"end_learning_rate": 0.01, "power": 2.0}),
    ("PolynomialDecay", (0.1, 20), {"power": 0.5, "cycle": True}),
    ("CosineDecay", (0.1, 20), {}),
    ("CosineDecay", (0.1, 20), {"alpha": 0.1}),
    ("CosineDecay", (0.0, 50), {"warmup_target": 0.2, "warmup_steps": 10}),
    (
        "CosineDecay",
        (0.05, 30),
        {"alpha": 0.2, "warmup_target": 0.1, "warmup_steps": 5},
    ),
    ("CosineDecayRestarts", (0.1, 10), {}),
    ("CosineDecayRestarts", (0.1, 10), {"t_mul": 1.0, "m_mul": 0.5, "alpha": 0.1}),
    ("CosineDecayRestarts", (0.1, 5), {"t_mul": 1.5, "m_mul": 0.8}),
]


@pytest.mark.parametrize(("name", "args", "kwargs"), CASES, ids=lambda c: str(c))
def test_schedule_matches_keras(keras, name, args, kwargs):
    ours = getattr(schedules, name)(*args, **kwargs)
    theirs = getattr(keras.optimizers.schedules, name)(*args, **kwargs)
    got = [ours(step) for step in STEPS]
    want = [float(keras.ops.convert_to_numpy(theirs(step))) for step in STEPS]
    assert all(isinstance(x, float) for x in got)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)
    assert ours.get_config() == theirs.get_config()
    assert ours(torch.tensor(STEPS[5])) == got[5]


def test_serialize_round_trip(keras):
    schedule = schedules.CosineDecay(
        0.1, 20, alpha=0.1, warmup_target=0.2, warmup_steps=3
    )
    config = schedules.serialize(schedule)
    assert config["module"] == "keras.optimizers.schedules"
    assert config["class_name"] == "CosineDecay"
    rebuilt = schedules.deserialize(config)
    assert rebuilt.get_config() == schedule.get_config()
    theirs = keras.optimizers.schedules.deserialize(config)
    assert float(theirs(7)) == pytest.approx(schedule(7), rel=1e-6)


def test_base_schedule_requires_call():
    with pytest.raises(NotImplementedError, match=r"must override `__call__"):
        schedules.LearningRateSchedule()(0)


@pytest.mark.parametrize("name", ["ExponentialDecay", "InverseTimeDecay"])
def test_decay_steps_must_be_positive(name):
    with pytest.raises(
        ValueError, match=r"`decay_steps` must be > 0. Received: decay_steps=0"
    ):
        getattr(schedules, name)(0.1, 0, 0.5)


def test_piecewise_lengths_checked():
    with pytest.raises(ValueError, match="should be 1 less than the length of values"):
        schedules.PiecewiseConstantDecay([1, 2], [1.0])


def test_unknown_schedule_name():
    with pytest.raises(
        ValueError, match="Unknown learning rate schedule: 'CosineDeca'"
    ):
        schedules.deserialize({"class_name": "CosineDeca", "config": {}})
