"""Dtype policies (`keras.dtype_policies`): the dtype of a layer's weights and of
its computation.

`DTypePolicy("float32")`, `"mixed_float16"`, `"mixed_bfloat16"`, ...; a
`DTypePolicyMap` chooses a policy per layer path. Keras's quantized policies
(int8, float8, int4, GPTQ, AWQ) are not part of lamina.

Example:
>>> import lamina
>>> lamina.dtype_policies.get("mixed_bfloat16").compute_dtype
'bfloat16'
"""

from __future__ import annotations

from lamina.dtype_policies._serialization import deserialize, get, serialize
from lamina.dtype_policies.dtype_policy import DTypePolicy, FloatDTypePolicy
from lamina.dtype_policies.dtype_policy_map import DTypePolicyMap

__all__ = [
    "DTypePolicy",
    "DTypePolicyMap",
    "FloatDTypePolicy",
    "deserialize",
    "get",
    "serialize",
]
