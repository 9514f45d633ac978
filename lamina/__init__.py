"""lamina: the Keras way of building neural networks, running on PyTorch.

`import lamina as keras` runs ordinary Keras 3 code on PyTorch.
"""

__version__ = "0.1.0"

import importlib as _importlib

# TEMPORARY while families land in parallel: skip a family package not written yet.
for _name in ("activations", "backend", "callbacks", "config", "constraints", "initializers",
              "layers", "losses", "metrics", "mixed_precision", "models",
              "ops", "optimizers", "regularizers",
              "saving", "utils"):
    try:
        globals()[_name] = _importlib.import_module(f"lamina.{_name}")
    except ModuleNotFoundError as _err:
        if _err.name != f"lamina.{_name}":
            raise
from lamina.layers import Input, Layer
from lamina.models import Model, Sequential

__all__ = [
    "Input",
    "Layer",
    "Model",
    "Sequential",
    "activations",
    "backend",
    "callbacks",
    "constraints",
    "initializers",
    "layers",
    "losses",
    "metrics",
    "models",
    "optimizers",
    "regularizers",
    "saving",
    "utils",
]
