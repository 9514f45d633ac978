"""Reading and writing the learning rate of a model's optimizer(s)."""

from __future__ import annotations

from typing import Any


def optimizers_of(model: Any) -> list[tuple[str, Any]]:
    """`(log key, optimizer)` pairs: `learning_rate`, or one key per inner optimizer.

    Raises:
        ValueError: when the model has no optimizer with a `learning_rate`.
    """
    optimizer = getattr(model, "optimizer", None)
    # A LossScaleOptimizer wraps the optimizer whose rate is set.
    optimizer = getattr(optimizer, "inner_optimizer", optimizer)
    inner = getattr(optimizer, "optimizers", None)
    if inner is not None:
        return [(f"learning_rate_{opt.name}", opt) for opt in inner]
    if optimizer is None or not hasattr(optimizer, "learning_rate"):
        raise ValueError(
            'Optimizer must have a "learning_rate" attribute. Compile the model '
            f"with an optimizer first. Received: optimizer={optimizer!r}"
        )
    return [("learning_rate", optimizer)]


def get_lr(optimizer: Any) -> float:
    """The optimizer's current learning rate as a Python float."""
    return float(optimizer.learning_rate)


def log_learning_rates(model: Any, logs: dict) -> None:
    """Adds the current learning rate(s) to `logs`, as Keras records them."""
    for key, optimizer in optimizers_of(model):
        logs[key] = get_lr(optimizer)
