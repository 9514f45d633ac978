"""Legacy HDF5 model files (`.h5`): Keras 2 / tf.keras, and Keras 3's writer.

A legacy file keeps the model config as JSON in the root attribute
`model_config`, the compile arguments in `training_config`, each layer's
weights under `model_weights/<layer name>` (listed by the `weight_names`
attribute, in the layer's `weights` order), and the optimizer's under
`optimizer_weights`. Layers are matched by order among those with weights,
as Keras does.
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from lamina import _registry
from lamina.saving import _files, _weights_io, serialization_lib

_STRIPPED = ("module", "registered_name", "build_config", "compile_config")


def _legacy_entry(entry: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in entry.items() if k not in _STRIPPED}


def _legacy_config(model: Any) -> dict[str, Any]:
    full = serialization_lib.serialize_keras_object(model)
    out = _legacy_entry(full)
    config = dict(out["config"])
    if isinstance(config.get("layers"), list):
        config["layers"] = [_legacy_entry(e) for e in config["layers"]]
    out["config"] = config
    return out


def _training_config(model: Any) -> dict[str, Any] | None:
    compile_config = model.get_compile_config()
    if compile_config is None:
        return None
    out = {k: v for k, v in compile_config.items() if k != "optimizer"}
    optimizer = compile_config["optimizer"]
    out["optimizer_config"] = {
        "class_name": optimizer["class_name"],
        "config": optimizer["config"],
    }
    return out


def _layers_with_weights(model: Any) -> list[Any]:
    return [layer for layer in model.layers if layer.weights]


def _write_layer(group: Any, layer: Any) -> None:
    names = []
    for i, weight in enumerate(layer.weights):
        path = getattr(weight, "path", None) or f"{layer.name}/variable_{i}"
        name = path if path.startswith(f"{layer.name}/") else f"{layer.name}/{path}"
        if name in names:
            name = f"{name}_{i}"
        names.append(name)
        group.create_dataset(name, data=weight.detach().cpu().numpy())
    group.attrs["weight_names"] = np.array(names, dtype=object) if names else []


def save_model(model: Any, filepath: str | os.PathLike, overwrite: bool = True) -> None:
    """Writes `model` as a legacy HDF5 file, as Keras 3's `.h5` writer does."""
    path = Path(filepath)
    _files.check_built(model)
    _files.check_overwrite(path, overwrite)
    h5py = _weights_io.require_h5py()
    with _files.atomic_write(path) as tmp, h5py.File(tmp, "w") as f:
        f.attrs["backend"] = "torch"
        f.attrs["keras_version"] = _files.KERAS_FORMAT_VERSION
        f.attrs["model_config"] = json.dumps(_legacy_config(model))
        training = _training_config(model)
        if training is not None:
            f.attrs["training_config"] = json.dumps(training)
        weights = f.create_group("model_weights")
        weights.attrs["backend"] = "torch"
        weights.attrs["keras_version"] = _files.KERAS_FORMAT_VERSION
        layers = list(model.layers)
        weights.attrs["layer_names"] = np.array(
            [layer.name for layer in layers], dtype=object
        )
        for layer in layers:
            _write_layer(weights.create_group(layer.name), layer)
        optimizer = model.__dict__.get("optimizer")
        if training is not None and optimizer is not None and optimizer.built:
            _write_optimizer(f.create_group("optimizer_weights"), optimizer)


def _write_optimizer(group: Any, optimizer: Any) -> None:
    names = []
    for i, value in enumerate(optimizer.variables):
        name = f"{optimizer.name}/variable_{i}"
        names.append(name)
        group.create_dataset(name, data=value.detach().cpu().numpy())
    group.attrs["weight_names"] = np.array(names, dtype=object)


def _text(value: Any) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def load_model(
    filepath: str | os.PathLike,
    custom_objects: Mapping[str, Any] | None = None,
    compile: bool = True,
    safe_mode: bool = True,
) -> Any:
    """Loads a legacy `.h5` model file (Keras 2, tf.keras or Keras 3's writer).

    Raises:
        ValueError: for a file without a model config, or one that is not HDF5.
    """
    h5py = _weights_io.require_h5py()
    name = str(filepath)
    if not Path(name).exists():
        raise ValueError(f"File not found: filepath={name}.")
    try:
        f = h5py.File(name, "r")
    except OSError as err:
        raise ValueError(
            f"'{name}' is not a readable HDF5 file (truncated or corrupt): {err}"
        ) from err
    with f:
        if "model_config" not in f.attrs:
            raise ValueError(
                f"No model config found in the file at '{name}': it holds weights "
                "only. Build the model in code and call `model.load_weights()`."
            )
        config = json.loads(_text(f.attrs["model_config"]))
        with _registry.safe_mode_scope(safe_mode):
            model = serialization_lib._deserialize(config, custom_objects, False)
        load_weights_from_group(model, f, name)
        if compile and "training_config" in f.attrs:
            _compile_from_training_config(
                model, json.loads(_text(f.attrs["training_config"]))
            )
            if "optimizer_weights" in f:
                _load_optimizer(model, f["optimizer_weights"], name)
    return model


def _compile_from_training_config(model: Any, training: Mapping[str, Any]) -> None:
    optimizer = training["optimizer_config"]
    model.compile(
        optimizer=serialization_lib.deserialize_keras_object(
            {"module": "keras.optimizers", "registered_name": None, **optimizer}
        ),
        loss=serialization_lib.deserialize_keras_object(training.get("loss")),
        loss_weights=training.get("loss_weights"),
        metrics=serialization_lib.deserialize_keras_object(training.get("metrics")),
        weighted_metrics=serialization_lib.deserialize_keras_object(
            training.get("weighted_metrics")
        ),
    )


def _load_optimizer(model: Any, group: Any, filename: str) -> None:
    names = [_text(n) for n in group.attrs.get("weight_names", [])]
    optimizer = model.optimizer
    optimizer.build(list(model.trainable_weights))
    try:
        optimizer.set_weights([group[n][()] for n in names])
    except ValueError as err:
        warnings.warn(
            f"The optimizer state in '{filename}' does not fit the model's "
            f"optimizer ({err}); the optimizer starts afresh.",
            stacklevel=3,
        )


def load_weights_from_group(
    model: Any, f: Any, filename: str, skip_mismatch: bool = False
) -> None:
    """Sets `model`'s weights from a legacy file, layer by layer in order.

    Raises:
        ValueError: when the file and the model have different numbers of
            layers with weights, or a layer's weights differ in count or shape.
    """
    group = f.get("model_weights", f)
    stored = []
    for layer_name in group.attrs["layer_names"]:
        entry = group[_text(layer_name)]
        names = [_text(n) for n in entry.attrs.get("weight_names", [])]
        if names:
            stored.append((_text(layer_name), [entry[n][()] for n in names]))
    layers = _layers_with_weights(model)
    if len(stored) != len(layers):
        raise ValueError(
            f"Layer count mismatch when loading weights from '{filename}': the "
            f"file holds weights for {len(stored)} layers "
            f"({[n for n, _ in stored]}), but the model has {len(layers)} layers "
            f"with weights ({[layer.name for layer in layers]})."
        )
    for layer, (name, values) in zip(layers, stored):
        try:
            layer.set_weights(values)
        except ValueError as err:
            if not skip_mismatch:
                raise ValueError(
                    f"Could not load the weights of layer '{name}' from "
                    f"'{filename}' into layer '{layer.name}': {err}"
                ) from err
            warnings.warn(
                f"Skipping loading weights for layer '{layer.name}' "
                f"(skip_mismatch=True): {err}",
                stacklevel=2,
            )
