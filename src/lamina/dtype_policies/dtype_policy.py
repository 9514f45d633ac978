"""`DTypePolicy`: the dtype of a layer's weights and of its computation.

Every layer holds one (`layer.dtype_policy`). Mixed policies keep weights in
float32 and compute in float16 or bfloat16 (under PyTorch's autocast).
"""

from __future__ import annotations

from typing import Any

import torch

from lamina import backend

_GLOBAL: DTypePolicy | None = None
# Policy classes by Keras class name, for `dtype_policies.deserialize`.
_CLASSES: dict[str, type] = {}

_BAD_NAME = (
    "Cannot convert '{name}' to a mixed precision DTypePolicy. Valid policies "
    "include 'mixed_float16', 'mixed_bfloat16', and the name of any float dtype "
    "such as 'float32'."
)


def _parse_name(name: Any) -> tuple[str, str]:
    """`(compute_dtype, variable_dtype)` of a policy name."""
    if not isinstance(name, str):
        raise TypeError(
            "'name' must be a string, such as 'mixed_float16'. "
            f"Received: name={name} (of type {type(name)})"
        )
    if name == "mixed_float16":
        return "float16", "float32"
    if name == "mixed_bfloat16":
        return "bfloat16", "float32"
    try:
        dtype = backend.standardize_dtype(name)
    except ValueError as err:
        raise ValueError(_BAD_NAME.format(name=name)) from err
    return dtype, dtype


class DTypePolicy:
    """A dtype policy for a layer: the dtype of its weights and of its compute.

    Args:
        name: the policy's name. A dtype name (`"float32"`, `"float64"`,
            `"bfloat16"`) makes weights and computation that dtype;
            `"mixed_float16"` and `"mixed_bfloat16"` keep weights in float32
            and compute in float16 / bfloat16. `None` takes the global
            policy's name (`keras.config.dtype_policy()`).

    Raises:
        TypeError: when `name` is not a string.
        ValueError: when `name` names no dtype nor mixed policy.

    Example:
    >>> policy = DTypePolicy("mixed_bfloat16")
    >>> policy.compute_dtype, policy.variable_dtype
    ('bfloat16', 'float32')
    >>> policy
    <DTypePolicy "mixed_bfloat16">
    """

    def __init__(self, name: str | None = None) -> None:
        if name is None:
            name = global_policy().name
        compute, variable = _parse_name(name)
        self._name = name
        self._compute_dtype = compute
        self._variable_dtype = variable
        # Read on every layer call, so plain attributes (no property cost).
        self.mixed = compute != variable
        self.torch_compute_dtype = backend.to_torch_dtype(compute)

    @property
    def name(self) -> str:
        """The policy's name (`"mixed_float16"`)."""
        return self._name

    @property
    def compute_dtype(self) -> str:
        """The dtype layers compute in (and usually return)."""
        return self._compute_dtype

    @property
    def variable_dtype(self) -> str:
        """The dtype layers create their weights in."""
        return self._variable_dtype

    @property
    def quantization_mode(self) -> str | None:
        """None: lamina has no quantized policies."""
        return None

    def convert_input(self, x: Any, autocast: bool, dtype: Any) -> Any:
        """`x` cast to `dtype` when `autocast` is on and `x` is floating;
        integer inputs stay as they are. Numpy arrays become tensors."""
        dtype = backend.standardize_dtype(dtype)
        if not isinstance(x, torch.Tensor):
            if not hasattr(x, "__array__") or backend.is_keras_tensor(x):
                return x
            x = torch.as_tensor(x)
        if autocast and x.is_floating_point() and x.dtype != _torch(dtype):
            return x.to(_torch(dtype))
        return x

    def get_config(self) -> dict:
        return {"name": self.name}

    @classmethod
    def from_config(cls, config: dict) -> DTypePolicy:
        return cls(**config)

    def serialize(self) -> dict:
        """This policy in Keras's serialized form (`dtype_policies.serialize`)."""
        return {
            "module": "keras",
            "class_name": type(self).__name__,
            "config": self.get_config(),
            "registered_name": None,
        }

    def __eq__(self, other: object) -> bool:
        plain = (DTypePolicy, FloatDTypePolicy)
        if type(self) in plain:
            if type(other) not in plain:
                return False
        elif type(other) is not type(self):
            return False
        return self.name == other.name  # type: ignore[attr-defined]

    __hash__ = None  # type: ignore[assignment]  # Keras's policies are unhashable

    def __repr__(self) -> str:
        name = type(self).__name__
        if name == "FloatDTypePolicy":
            name = "DTypePolicy"
        return f'<{name} "{self.name}">'


class FloatDTypePolicy(DTypePolicy):
    """Keras's other name for `DTypePolicy` (it prints as one)."""


def register_policy_class(cls: type) -> None:
    """Lets `dtype_policies.deserialize` find `cls` by its class name."""
    _CLASSES[cls.__name__] = cls


register_policy_class(DTypePolicy)
register_policy_class(FloatDTypePolicy)


def _torch(dtype: str) -> torch.dtype:
    return backend.to_torch_dtype(dtype)


def set_global_policy(policy: Any) -> None:
    """Sets the policy layers get when they are given no `dtype`.

    Args:
        policy: a policy name (`"mixed_float16"`), a `DTypePolicy`, or None to
            go back to `floatx()`.

    Raises:
        ValueError: for anything else.
    """
    global _GLOBAL
    if policy is None or isinstance(policy, DTypePolicy):
        _GLOBAL = policy
    elif isinstance(policy, str):
        _GLOBAL = DTypePolicy(policy)
    elif isinstance(policy, torch.dtype):
        _GLOBAL = DTypePolicy(backend.standardize_dtype(policy))
    else:
        raise ValueError(
            "Invalid `policy` argument. Expected the string name of a policy "
            "(such as 'mixed_float16') or a `DTypePolicy` instance. Received: "
            f"policy={policy} (of type {type(policy)})"
        )


# The default policy for each floatx, made once: every layer without a `dtype`
# shares it (policies never change after they are made), as Keras's do.
_DEFAULTS: dict[str, DTypePolicy] = {}


def global_policy() -> DTypePolicy:
    """The policy layers get when they are given no `dtype`."""
    if _GLOBAL is not None:
        return _GLOBAL
    name = backend.floatx()
    policy = _DEFAULTS.get(name)
    if policy is None:
        policy = _DEFAULTS[name] = DTypePolicy(name)
    return policy


__all__ = [
    "DTypePolicy",
    "FloatDTypePolicy",
    "global_policy",
    "register_policy_class",
    "set_global_policy",
]
