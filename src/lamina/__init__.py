"""lamina: the Keras way of building neural networks, running on PyTorch.

`import lamina as keras` runs ordinary Keras 3 code on PyTorch.
"""

__version__ = "0.1.0"

from lamina import (
    activations,
    applications,
    backend,
    callbacks,
    config,
    constraints,
    datasets,
    distillation,
    distribution,
    dtype_policies,
    export,
    initializers,
    layers,
    losses,
    metrics,
    mixed_precision,
    models,
    ops,
    optimizers,
    preprocessing,
    random,
    regularizers,
    saving,
    tree,
    utils,
    visualization,
)
from lamina._keras_alias import install_as_keras, uninstall_as_keras
from lamina.backend import device
from lamina.backend._remat import RematScope, remat
from lamina.backend._scopes import StatelessScope, SymbolicScope, name_scope
from lamina.backend.variable import Variable
from lamina.dtype_policies import DTypePolicy, FloatDTypePolicy
from lamina.initializers import Initializer
from lamina.layers import Input, InputSpec, Layer
from lamina.layers._symbolic import KerasTensor
from lamina.losses import Loss
from lamina.metrics import Metric
from lamina.models import Model, Sequential
from lamina.ops.function import Function
from lamina.ops.operation import Operation
from lamina.optimizers import Optimizer
from lamina.regularizers import Regularizer


def version() -> str:
    """lamina's version (`keras.version()` gives Keras's)."""
    return __version__


def __getattr__(name: str) -> object:
    """`lamina.wrappers` is imported on first use."""
    if name == "wrappers":
        # defers scikit-learn, which lamina.wrappers imports at its top
        import lamina.wrappers

        return lamina.wrappers
    raise AttributeError(f"module 'lamina' has no attribute {name!r}")


__all__ = [
    "DTypePolicy",
    "FloatDTypePolicy",
    "Function",
    "Initializer",
    "Input",
    "InputSpec",
    "KerasTensor",
    "Layer",
    "Loss",
    "Metric",
    "Model",
    "Operation",
    "Optimizer",
    "Regularizer",
    "RematScope",
    "Sequential",
    "StatelessScope",
    "SymbolicScope",
    "Variable",
    "activations",
    "applications",
    "backend",
    "callbacks",
    "config",
    "constraints",
    "device",
    "datasets",
    "distillation",
    "distribution",
    "dtype_policies",
    "export",
    "initializers",
    "install_as_keras",
    "layers",
    "losses",
    "metrics",
    "name_scope",
    "mixed_precision",
    "models",
    "ops",
    "optimizers",
    "preprocessing",
    "random",
    "regularizers",
    "remat",
    "saving",
    "tree",
    "uninstall_as_keras",
    "utils",
    "version",
    "visualization",
]
