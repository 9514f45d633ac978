"""The `gamma` / `beta` weights shared by the normalization layers."""

from __future__ import annotations

from typing import Any

from lamina import constraints, initializers, regularizers

_FAMILIES = {
    "initializer": initializers,
    "regularizer": regularizers,
    "constraint": constraints,
}


class AffineMixin:
    """Stores, builds and serializes the scale `gamma` and offset `beta`.

    `<part>_initializer` is kept for every part in `initializer_parts` (so
    BatchNormalization adds its moving statistics), `<part>_regularizer` and
    `<part>_constraint` for `beta` and `gamma`.
    """

    initializer_parts: tuple = ("beta", "gamma")

    def _parts(self, kind: str) -> tuple:
        return self.initializer_parts if kind == "initializer" else ("beta", "gamma")

    def _set_affine_args(self, args: dict) -> None:
        """Stores the weight arguments of `args`, the constructor's `locals()`."""
        for kind, family in _FAMILIES.items():
            for part in self._parts(kind):
                key = f"{part}_{kind}"
                setattr(self, key, family.get(args[key]))

    def _add_affine(self, shape: Any, scale: bool, center: bool) -> None:
        """Adds `gamma` when `scale` and `beta` when `center`; None otherwise."""
        self.gamma = self.beta = None
        for part, wanted in (("gamma", scale), ("beta", center)):
            if wanted:
                weight = self.add_weight(
                    shape=shape,
                    initializer=getattr(self, f"{part}_initializer"),
                    regularizer=getattr(self, f"{part}_regularizer"),
                    constraint=getattr(self, f"{part}_constraint"),
                    name=part,
                )
                setattr(self, part, weight)

    def _affine_config(self) -> dict:
        """Config of the initializer, regularizer and constraint arguments."""
        config = {}
        for kind, family in _FAMILIES.items():
            for part in self._parts(kind):
                key = f"{part}_{kind}"
                config[key] = family.serialize(getattr(self, key))
        return config
