"""Weight initializers with Keras 3's names, arguments and defaults.

An initializer is called as `init(shape, dtype=None)` and returns a new CPU
tensor (float32 by default). Layers take them by name
(`kernel_initializer="glorot_uniform"`); `get`, `serialize` and `deserialize`
convert between names, Keras's config dicts and instances.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from lamina._identifiers import deserialize_object, get_object, serialize_object
from lamina.initializers._base import Initializer
from lamina.initializers.constant_initializers import Constant, Identity, Ones, Zeros
from lamina.initializers.random_initializers import (
    Orthogonal,
    RandomNormal,
    RandomUniform,
    TruncatedNormal,
)
from lamina.initializers.stft_initializer import STFT, STFTInitializer, stft
from lamina.initializers.variance_scaling import (
    GlorotNormal,
    GlorotUniform,
    HeNormal,
    HeUniform,
    LecunNormal,
    LecunUniform,
    VarianceScaling,
    compute_fans,
)

IdentityInitializer = Identity
OrthogonalInitializer = Orthogonal
# Keras's lowercase aliases are the classes themselves.
constant = Constant
glorot_normal = GlorotNormal
glorot_uniform = GlorotUniform
he_normal = HeNormal
he_uniform = HeUniform
identity = Identity
lecun_normal = LecunNormal
lecun_uniform = LecunUniform
ones = Ones
orthogonal = Orthogonal
random_normal = RandomNormal
random_uniform = RandomUniform
truncated_normal = TruncatedNormal
variance_scaling = VarianceScaling
zeros = Zeros

_CLASSES = (
    Constant, GlorotNormal, GlorotUniform, HeNormal, HeUniform, Identity,
    LecunNormal, LecunUniform, Ones, Orthogonal, RandomNormal, RandomUniform,
    STFT, TruncatedNormal, VarianceScaling, Zeros,
)  # fmt: skip
ALL_INITIALIZERS: dict[str, type[Initializer]] = {c.__name__: c for c in _CLASSES}
ALL_INITIALIZERS.update(
    IdentityInitializer=Identity,
    OrthogonalInitializer=Orthogonal,
    STFTInitializer=STFT,
    constant=Constant,
    glorot_normal=GlorotNormal,
    glorot_uniform=GlorotUniform,
    he_normal=HeNormal,
    he_uniform=HeUniform,
    identity=Identity,
    lecun_normal=LecunNormal,
    lecun_uniform=LecunUniform,
    ones=Ones,
    orthogonal=Orthogonal,
    random_normal=RandomNormal,
    random_uniform=RandomUniform,
    stft=STFT,
    normal=RandomNormal,  # Keras 3 still accepts these short names
    uniform=RandomUniform,
    truncated_normal=TruncatedNormal,
    variance_scaling=VarianceScaling,
    zeros=Zeros,
)


def serialize(initializer: Initializer) -> dict[str, Any]:
    """Returns Keras's config dict for an initializer.

    Args:
        initializer: an `Initializer`.

    Returns:
        `{"module": "keras.initializers", "class_name": ..., "config": ...,
        "registered_name": None}`, as Keras writes it in `.keras` files.
    """
    return serialize_object(initializer, "keras.initializers")


def deserialize(
    config: str | Mapping[str, Any],
    custom_objects: Mapping[str, Any] | None = None,
) -> Initializer:
    """Builds an initializer from a name or a config dict.

    Args:
        config: a name such as `"glorot_uniform"` or a dict from `serialize`.
        custom_objects: extra class names mapped to classes, searched first.

    Returns:
        A new initializer.

    Raises:
        ValueError: for an unknown name (with close matches).
    """
    return deserialize_object("initializer", config, ALL_INITIALIZERS, custom_objects)


def get(identifier: object) -> Initializer | Callable[..., Any] | None:
    """Returns an initializer for a name, dict, class, instance or callable.

    Args:
        identifier: `None` (returned as is), a name, a config dict, an
            `Initializer` class (instantiated with defaults), or a callable
            such as an instance (returned as is).

    Returns:
        An initializer, the callable itself, or `None`.

    Raises:
        ValueError: for an unknown name or an identifier of another type.
    """
    expected = "a name, a dict, an Initializer or a callable"
    return get_object(
        "initializer", identifier, deserialize, Initializer, expected=expected
    )


__all__ = [
    "ALL_INITIALIZERS",
    "Constant",
    "GlorotNormal",
    "GlorotUniform",
    "HeNormal",
    "HeUniform",
    "Identity",
    "IdentityInitializer",
    "Initializer",
    "LecunNormal",
    "LecunUniform",
    "Ones",
    "Orthogonal",
    "OrthogonalInitializer",
    "RandomNormal",
    "RandomUniform",
    "STFT",
    "STFTInitializer",
    "TruncatedNormal",
    "VarianceScaling",
    "Zeros",
    "compute_fans",
    "constant",
    "deserialize",
    "get",
    "glorot_normal",
    "glorot_uniform",
    "he_normal",
    "he_uniform",
    "identity",
    "lecun_normal",
    "lecun_uniform",
    "ones",
    "orthogonal",
    "random_normal",
    "random_uniform",
    "serialize",
    "stft",
    "truncated_normal",
    "variance_scaling",
    "zeros",
]
