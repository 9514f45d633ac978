"""Identity: returns its input unchanged."""

from __future__ import annotations

from typing import Any

from lamina.layers.base import Layer


class Identity(Layer):
    """Returns its input unchanged; a placeholder in a stack of layers.

    Input shape:
        Any.

    Output shape:
        Same as the input.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs: Any) -> Any:
        return inputs
