"""`keras.distillation`: knowledge distillation from a teacher to a student model."""

from lamina import _registry
from lamina.distillation.distillation_loss import (
    DistillationLoss,
    FeatureDistillation,
    LogitsDistillation,
)
from lamina.distillation.distiller import Distiller

# Keras writes these under module `keras.distillation`; loading finds them here.
for _cls in (DistillationLoss, Distiller, FeatureDistillation, LogitsDistillation):
    _registry.register_builtin("distillation", _cls)
del _cls

__all__ = [
    "DistillationLoss",
    "Distiller",
    "FeatureDistillation",
    "LogitsDistillation",
]
