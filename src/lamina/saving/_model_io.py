"""What `Model` gets for files: `save`, `save_weights`, `load_weights`,
`to_json`, the compile config, and copies (pickle, deepcopy) that keep training.

`Model` inherits `ModelSavingMixin` first, so `compile` here records the
arguments Keras writes as `compile_config` before the trainer's `compile` runs.
"""

from __future__ import annotations

import inspect
import json
import os
from collections.abc import Mapping
from typing import Any

import torch

from lamina._naming import to_snake_case
from lamina.saving import saving_lib, serialization_lib

_COMPILE_KEYS = (
    "loss",
    "loss_weights",
    "metrics",
    "weighted_metrics",
    "run_eagerly",
    "steps_per_execution",
    "jit_compile",
)


class ModelSavingMixin:
    """Keras's file methods on a model."""

    # -- files --------------------------------------------------------------------

    def save(
        self, filepath: str | os.PathLike, overwrite: bool = True, **kwargs: Any
    ) -> None:
        """Saves the model (config, weights, optimizer state) to one file.

        Args:
            filepath: a path ending in `.keras` (the Keras 3 format) or `.h5`
                (the legacy HDF5 format).
            overwrite: replace an existing file.

        Example:
        >>> import os, tempfile
        >>> import lamina
        >>> model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(2)])
        >>> path = os.path.join(tempfile.mkdtemp(), "model.keras")
        >>> model.save(path)
        >>> restored = lamina.models.load_model(path)
        >>> [w.shape for w in restored.get_weights()]
        [(3, 2), (2,)]
        """
        saving_lib.save_model(self, filepath, overwrite=overwrite)

    def save_weights(
        self, filepath: str | os.PathLike, overwrite: bool = True, **kwargs: Any
    ) -> None:
        """Saves the weights in a `.weights.h5` file (Keras 3's layout)."""
        saving_lib.save_weights(self, filepath, overwrite=overwrite)

    def load_weights(
        self, filepath: str | os.PathLike, skip_mismatch: bool = False, **kwargs: Any
    ) -> None:
        """Loads weights from a `.weights.h5`, `.keras` or legacy `.h5` file.

        Args:
            filepath: the file.
            skip_mismatch: warn about, instead of refusing, objects whose
                variables differ in count or shape.
        """
        saving_lib.load_weights(self, filepath, skip_mismatch=skip_mismatch)

    def to_json(self, **kwargs: Any) -> str:
        """The model's config as a JSON string (`models.model_from_json`)."""
        return json.dumps(serialization_lib.serialize_keras_object(self), **kwargs)

    # -- compile config -------------------------------------------------------------

    def compile(self, *args: Any, **kwargs: Any) -> None:
        """Configures the model for training (see `Trainer.compile`); the
        arguments are kept for the saved `compile_config`."""
        parent: Any = super()
        bound = inspect.signature(parent.compile).bind(*args, **kwargs)
        bound.apply_defaults()
        parent.compile(*args, **kwargs)
        self.__dict__["_compile_args"] = dict(bound.arguments)

    def get_compile_config(self) -> dict[str, Any] | None:
        """The arguments of `compile`, serialized as Keras writes them."""
        args = self.__dict__.get("_compile_args")
        if args is None or not getattr(self, "compiled", False):
            return None
        config: dict[str, Any] = {
            "optimizer": serialization_lib.serialize_keras_object(
                self.__dict__.get("optimizer")
            )
        }
        for key in _COMPILE_KEYS:
            value = args.get(key)
            if key == "jit_compile":
                value = value is True
            config[key] = serialization_lib.serialize_keras_object(value)
        return config

    def compile_from_config(self, config: Mapping[str, Any]) -> None:
        """Compiles the model from `get_compile_config()`'s output; the
        optimizer is built on the model's variables, ready for its state."""
        values = serialization_lib.deserialize_keras_object(dict(config))
        kwargs = {k: values[k] for k in ("optimizer", *_COMPILE_KEYS) if k in values}
        if kwargs.get("jit_compile") is False:
            kwargs["jit_compile"] = "auto"
        self.compile(**kwargs)
        model: Any = self
        if getattr(model, "built", False) and model.optimizer is not None:
            model.optimizer.build(list(model.trainable_weights))

    # -- build config -------------------------------------------------------------

    def _maybe_build(self, args: tuple, kwargs: dict) -> None:
        first = args[0] if args else None
        if isinstance(first, torch.Tensor):
            self.__dict__["_build_shapes_dict"] = {
                "input_shape": (None, *tuple(first.shape)[1:])
            }
        parent: Any = super()
        parent._maybe_build(args, kwargs)

    def get_build_config(self) -> dict[str, Any] | None:
        """`{"input_shape": ...}` of the first call; `None` as the shape for a
        built model that records none (functional models, as in Keras)."""
        record = self.__dict__.get("_build_shapes_dict")
        if record is None and getattr(self, "built", False):
            return {"input_shape": None}
        return record

    def build_from_config(self, config: Mapping[str, Any]) -> None:
        """Builds a subclassed model from its recorded input shape: by its own
        `build`, or else by calling it once on zeros."""
        shape = config.get("input_shape") if config else None
        if shape is None or getattr(self, "built", False):
            return
        model: Any = self
        if _overrides_build(type(self)):
            model.build(tuple(shape))
        else:
            dims = [1 if d is None else int(d) for d in shape]
            with torch.no_grad():
                model(torch.zeros(dims, dtype=torch.float32), training=False)
        model.built = True

    # -- state_dict keys ------------------------------------------------------------

    def _structural_key(self, layer: Any) -> str:
        """The module key of a sublayer: its class in snake case, numbered in
        this model (`dense`, `dense_1`, ...), as Keras names weight-file groups.

        Never the layer's own name, which counts every layer the process made
        before: `state_dict` keys depend only on the architecture, so a state
        dict loads into the same model built anywhere.
        """
        model: Any = self
        base = to_snake_case(type(layer).__name__)
        key, i = base, 0
        while key in model._modules or hasattr(type(self), key) or key in self.__dict__:
            i += 1
            key = f"{base}_{i}"
        return key

    # -- copies -------------------------------------------------------------------

    def __setstate__(self, state: dict[str, Any]) -> None:
        parent: Any = super()
        parent.__setstate__(state)
        _reindex_optimizer(state.get("optimizer"))


def _overrides_build(cls: type) -> bool:
    for klass in cls.__mro__:
        if "build" in klass.__dict__:
            return klass.__module__ != "lamina.layers.base"
    return False


def _reindex_optimizer(optimizer: Any) -> None:
    """A copied optimizer knows its variables by the old objects' ids; map the
    copies' ids, and drop the plans cached under the old ones."""
    inner = getattr(optimizer, "inner_optimizer", None)
    if inner is not None:
        _reindex_optimizer(inner)
    variables = getattr(optimizer, "_trainable_variables", None)
    if not variables:
        return
    optimizer._index = {id(v): i for i, v in enumerate(variables)}
    optimizer._plans = {}
