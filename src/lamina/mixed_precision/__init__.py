"""Mixed precision the Keras way, on PyTorch's autocast.

`set_global_policy("mixed_float16")` or `"mixed_bfloat16"` makes layers created
afterwards compute in the low precision while their weights stay float32. With
float16, `compile` wraps the optimizer in a `LossScaleOptimizer`.

Example:
>>> import lamina
>>> lamina.mixed_precision.set_global_policy("mixed_bfloat16")
>>> lamina.layers.Dense(2).dtype_policy
<DTypePolicy "mixed_bfloat16">
>>> lamina.mixed_precision.set_global_policy("float32")
"""

from __future__ import annotations

from lamina.layers._dtype_policy import DTypePolicy, global_policy, set_global_policy
from lamina.mixed_precision.loss_scale_optimizer import LossScaleOptimizer

Policy = DTypePolicy
set_dtype_policy = set_global_policy
dtype_policy = global_policy

__all__ = [
    "DTypePolicy",
    "LossScaleOptimizer",
    "Policy",
    "dtype_policy",
    "global_policy",
    "set_dtype_policy",
    "set_global_policy",
]
