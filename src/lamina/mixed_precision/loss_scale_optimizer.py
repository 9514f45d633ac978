"""`LossScaleOptimizer` lives in `lamina.optimizers`, as Keras exports it from
both `keras.optimizers` and `keras.mixed_precision`: one class, two names."""

from __future__ import annotations

from lamina.optimizers.loss_scale_optimizer import LossScaleOptimizer

__all__ = ["LossScaleOptimizer"]
