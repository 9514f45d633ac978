"""Learning-rate schedules: a learning rate that changes with the step count.

An optimizer given a schedule as `learning_rate` calls it with its iteration
count before each update (0 for the first update).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lamina._identifiers import deserialize_object, serialize_object
from lamina.optimizers.schedules.cosine import CosineDecay, CosineDecayRestarts
from lamina.optimizers.schedules.learning_rate_schedule import (
    ExponentialDecay,
    InverseTimeDecay,
    LearningRateSchedule,
    PiecewiseConstantDecay,
    PolynomialDecay,
)

__all__ = [
    "CosineDecay",
    "CosineDecayRestarts",
    "ExponentialDecay",
    "InverseTimeDecay",
    "LearningRateSchedule",
    "PiecewiseConstantDecay",
    "PolynomialDecay",
    "deserialize",
    "serialize",
]

_SCHEDULES = {
    cls.__name__: cls
    for cls in (
        CosineDecay,
        CosineDecayRestarts,
        ExponentialDecay,
        InverseTimeDecay,
        PiecewiseConstantDecay,
        PolynomialDecay,
    )
}


def serialize(learning_rate_schedule: LearningRateSchedule) -> dict[str, Any] | None:
    """Returns the Keras 3 serialization dict of a schedule.

    Args:
        learning_rate_schedule: the schedule.

    Returns:
        `{"module", "class_name", "config", "registered_name"}`.
    """
    return serialize_object(learning_rate_schedule, "keras.optimizers.schedules")


def deserialize(
    config: Mapping[str, Any], custom_objects: Mapping[str, Any] | None = None
) -> LearningRateSchedule:
    """Rebuilds a schedule from its serialization dict.

    Args:
        config: a dict from `serialize` (or `{"class_name", "config"}`).
        custom_objects: extra class names mapped to schedule classes.

    Returns:
        A new schedule.

    Raises:
        ValueError: when the class name is unknown.
    """
    return deserialize_object(
        "learning rate schedule", config, _SCHEDULES, custom_objects
    )
