"""The layer registry: one `LayerCase` per layer configuration.

A shared battery (`tests/layers/test_layer_battery.py`) runs over every entry:
output shape and values against Keras 3 with copied weights, parameter and
weight counts, config round trip, and one `fit` step that changes every
trainable weight. Each family lists its cases in `src/lamina/testing/cases/`.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import Any


@dataclass
class LayerCase:
    """One layer configuration for the shared battery.

    Attributes:
        layer: class name, the same in `lamina.layers` and `keras.layers`.
        kwargs: constructor arguments (for both libraries).
        input_shape: full input shape with batch, or a list of them.
        id: readable test id (default: layer name + kwargs).
        input_dtype: `"float32"` or an integer dtype (then `input_range` applies).
        input_range: (low, high) for integer inputs.
        call_kwargs: extra call arguments (e.g. `{"training": False}`).
        atol, rtol: tolerances for the value comparison with Keras.
        training_parity: also compare outputs in training mode (no randomness).
        fit: run the one-step `fit` check (needs a single tensor output).
        keras_layer: Keras class name when it differs.
        needs_inputs_list: the layer takes a list of inputs (`input_shape` is a list).
        positional_inputs: with a list `input_shape`, the inputs are separate
            positional arguments (`layer(query, value)`), not one list.
        wrapped: `(class name, kwargs)` of a layer built in each library and
            passed as the first constructor argument (wrappers).
    """

    layer: str
    kwargs: dict = field(default_factory=dict)
    input_shape: Any = (2, 3)
    id: str | None = None
    input_dtype: str = "float32"
    input_range: tuple = (0, 10)
    call_kwargs: dict = field(default_factory=dict)
    atol: float = 1e-5
    rtol: float = 1e-5
    training_parity: bool = False
    fit: bool = True
    keras_layer: str | None = None
    positional_inputs: bool = False
    wrapped: tuple | None = None

    @property
    def test_id(self) -> str:
        if self.id:
            return self.id
        args = ",".join(f"{k}={v}" for k, v in self.kwargs.items())
        return f"{self.layer}({args})"


def all_cases() -> list[LayerCase]:
    """Every case from the modules in `lamina.testing.cases`."""
    from lamina.testing import cases

    out: list[LayerCase] = []
    for info in sorted(pkgutil.iter_modules(cases.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"lamina.testing.cases.{info.name}")
        out.extend(getattr(module, "CASES", []))
    return out
