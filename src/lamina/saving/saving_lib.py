"""`.keras` files and `.weights.h5` files, written and read as Keras 3 does.

A `.keras` file is a zip archive holding `metadata.json`, `config.json` (the
model's `serialize_keras_object` form, with `build_config` and
`compile_config`) and `model.weights.h5` (see `_weights_io`). Every write goes
to a temporary file in the destination folder and replaces the destination
with `os.replace`, so a process killed mid-save leaves the old file intact.
"""

from __future__ import annotations

import datetime
import io
import json
import os
import tempfile
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from lamina import _registry
from lamina.saving import _files, _walk, _weights_io, legacy_h5, serialization_lib

_CONFIG = "config.json"
_METADATA = "metadata.json"
_ASSETS = "assets"
_WEIGHTS = "model.weights.h5"

_BAD_EXTENSION = (
    "Invalid filepath extension for saving. Please add either a `.keras` "
    "extension for the native Keras format (recommended) or a `.h5` extension. "
    "Use `model.export(filepath)` if you want to export a SavedModel for use "
    "with TFLite/TFServing/etc. Received: filepath={filepath}."
)


# -- .keras --------------------------------------------------------------------


def model_config_json(model: Any) -> str:
    """The `config.json` text of `model`."""
    return json.dumps(serialization_lib.serialize_keras_object(model))


def save_model(
    model: Any,
    filepath: str | os.PathLike,
    overwrite: bool = True,
    zipped: bool | None = None,
    **kwargs: Any,
) -> None:
    """Saves `model` as a `.keras` zip archive (or legacy `.h5`), atomically.

    Args:
        model: a built model.
        filepath: a path ending in `.keras` or `.h5`.
        overwrite: replace an existing file.
        zipped: `None` or `True`; lamina writes `.keras` files as zip archives.

    Raises:
        ValueError: for an unbuilt model, a path not ending in `.keras` or
            `.h5`, or `zipped=False`.
    """
    if zipped is False:
        raise ValueError(
            "lamina writes `.keras` files as zip archives only. Received: zipped=False"
        )
    path = Path(filepath)
    if path.suffix in (".h5", ".hdf5"):
        legacy_h5.save_model(model, path, overwrite=overwrite)
        return
    if path.suffix != ".keras":
        raise ValueError(_BAD_EXTENSION.format(filepath=filepath))
    _files.check_built(model)
    _files.check_overwrite(path, overwrite)
    h5py = _weights_io.require_h5py()
    config = model_config_json(model)
    metadata = json.dumps(
        {
            "keras_version": _files.KERAS_FORMAT_VERSION,
            "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S"),
        }
    )
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as h5:
        _weights_io.write_weights(model, h5)
    with _files.atomic_write(path) as tmp, zipfile.ZipFile(tmp, "w") as zf:
        zf.writestr(_METADATA, metadata)
        zf.writestr(_CONFIG, config)
        zf.writestr(_WEIGHTS, buffer.getvalue())
        _write_assets(model, zf)


def _write_assets(model: Any, zf: zipfile.ZipFile) -> None:
    """Files that layers write with `save_assets(dir)` go under `assets/<path>`,
    the object's Keras path (as `model.weights.h5`'s groups are named)."""
    owners = [(p, o) for p, o in _walk.walk(model) if hasattr(o, "save_assets")]
    if not owners:
        return
    with tempfile.TemporaryDirectory() as root:
        for obj_path, obj in owners:
            folder = os.path.join(root, obj_path)
            os.makedirs(folder, exist_ok=True)
            obj.save_assets(folder)
        for folder, _, files in os.walk(root):
            for name in sorted(files):
                full = os.path.join(folder, name)
                zf.write(full, f"{_ASSETS}/{os.path.relpath(full, root)}")


def _load_assets(model: Any, zf: zipfile.ZipFile, path: Path) -> None:
    """Calls `load_assets(dir)` on each object whose `assets/<path>` the file holds."""
    members = [n for n in zf.namelist() if n.startswith(f"{_ASSETS}/")]
    if not members:
        return
    with tempfile.TemporaryDirectory() as root:
        for name in members:
            target = os.path.realpath(os.path.join(root, name))
            if not target.startswith(os.path.realpath(root) + os.sep):
                raise ValueError(f"'{path}' holds an asset outside its folder: {name}")
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "wb") as f:
                f.write(zf.read(name))
        for obj_path, obj in _walk.walk(model):
            folder = os.path.join(root, _ASSETS, obj_path)
            if hasattr(obj, "load_assets") and os.path.isdir(folder):
                obj.load_assets(folder)


def _open_archive(path: Path) -> zipfile.ZipFile:
    if not path.exists():
        raise ValueError(
            f"File not found: filepath={path}. Please ensure the file is an "
            "accessible `.keras` zip file."
        )
    if not zipfile.is_zipfile(path):
        raise ValueError(
            f"'{path}' is not a valid .keras file: it is not a zip archive. The "
            "file is truncated or corrupt, or it was saved in another format "
            "(a legacy HDF5 model file must end in `.h5`)."
        )
    try:
        return zipfile.ZipFile(path, "r")
    except zipfile.BadZipFile as err:
        raise ValueError(f"'{path}' is not a valid .keras file: {err}") from err


def _read_member(zf: zipfile.ZipFile, name: str, path: Path) -> bytes:
    if name not in zf.namelist():
        raise ValueError(
            f"'{path}' is not a valid .keras file: it has no '{name}'. It holds "
            f"{zf.namelist()}."
        )
    try:
        return zf.read(name)
    except (zipfile.BadZipFile, OSError, EOFError) as err:
        raise ValueError(
            f"'{path}' is corrupt: could not read '{name}' ({err})."
        ) from err


def load_model(
    filepath: str | os.PathLike,
    custom_objects: Mapping[str, Any] | None = None,
    compile: bool = True,
    safe_mode: bool = True,
) -> Any:
    """Loads a model saved by `save_model` (lamina or Keras 3).

    Args:
        filepath: path of the `.keras` file.
        custom_objects: names mapped to custom classes and functions.
        compile: compile the model as it was saved (optimizer state included).
        safe_mode: refuse code stored in the file (a `Lambda`'s bytecode).

    Raises:
        ValueError: for a missing, truncated, corrupt or mismatched file; the
            message names the file and what is wrong.
    """
    path = Path(filepath)
    if str(path).endswith((".h5", ".hdf5")):
        return legacy_h5.load_model(path, custom_objects, compile, safe_mode)
    with _open_archive(path) as zf:
        raw = _read_member(zf, _CONFIG, path)
        try:
            config = json.loads(raw)
        except ValueError as err:
            raise ValueError(
                f"'{path}' is corrupt: its {_CONFIG} is not valid JSON ({err})."
            ) from err
        weights = (
            _read_member(zf, _WEIGHTS, path) if _WEIGHTS in zf.namelist() else None
        )
        with _registry.safe_mode_scope(safe_mode):
            model = serialization_lib._deserialize(config, custom_objects, compile)
        if weights is not None:
            _read_weights_bytes(model, weights, f"{path}/{_WEIGHTS}")
        _load_assets(model, zf, path)
    return model


def _read_weights_bytes(
    model: Any, data: bytes, filename: str, skip_mismatch: bool = False
) -> None:
    h5py = _weights_io.require_h5py()
    try:
        h5 = h5py.File(io.BytesIO(data), "r")
    except OSError as err:
        raise ValueError(
            f"'{filename}' is not a readable HDF5 file (truncated or corrupt): {err}"
        ) from err
    with h5:
        _weights_io.read_weights(model, h5, filename, skip_mismatch)


def model_from_json(
    json_string: str, custom_objects: Mapping[str, Any] | None = None
) -> Any:
    """Rebuilds a model (new weights) from `model.to_json()`'s output.

    Raises:
        ValueError: for a string that is not JSON.
    """
    try:
        config = json.loads(json_string)
    except ValueError as err:
        raise ValueError(
            f"`model_from_json` expects the JSON string of `model.to_json()`: {err}"
        ) from err
    return serialization_lib.deserialize_keras_object(config, custom_objects)


# -- .weights.h5 ---------------------------------------------------------------


def save_weights(
    model: Any,
    filepath: str | os.PathLike,
    overwrite: bool = True,
    max_shard_size: Any = None,
    **kwargs: Any,
) -> None:
    """Saves the weights (and optimizer state) in a `.weights.h5` file.

    Raises:
        ValueError: for a name not ending in `.weights.h5`, an unbuilt model,
            or `max_shard_size` (sharded files are not supported).
    """
    if max_shard_size is not None:
        raise ValueError(
            "lamina does not write sharded weights files. Received: "
            f"max_shard_size={max_shard_size}"
        )
    path = Path(filepath)
    if not str(path).endswith(".weights.h5"):
        raise ValueError(
            f"The filename must end in `.weights.h5`. Received: filepath={filepath}"
        )
    _files.check_built(model)
    _files.check_overwrite(path, overwrite)
    h5py = _weights_io.require_h5py()
    with _files.atomic_write(path) as tmp, h5py.File(tmp, "w") as h5:
        _weights_io.write_weights(model, h5)


def load_weights(
    model: Any,
    filepath: str | os.PathLike,
    skip_mismatch: bool = False,
    **kwargs: Any,
) -> None:
    """Loads weights from a `.weights.h5`, `.keras` or legacy `.h5` file.

    Raises:
        ValueError: for an unknown extension, a missing or corrupt file, or
            weights that do not fit the model (unless `skip_mismatch`).
    """
    path = Path(filepath)
    name = str(path)
    if name.endswith(".keras"):
        with _open_archive(path) as zf:
            data = _read_member(zf, _WEIGHTS, path)
        _read_weights_bytes(model, data, f"{path}/{_WEIGHTS}", skip_mismatch)
        return
    if not name.endswith((".weights.h5", ".h5", ".hdf5")):
        raise ValueError(
            "File format not supported: filepath="
            f"{filepath}. Keras 3 only supports V3 `.keras` and `.weights.h5` "
            "files, or legacy H5 format files (`.h5` extension)."
        )
    if not path.exists():
        raise ValueError(f"File not found: filepath={filepath}.")
    h5py = _weights_io.require_h5py()
    try:
        h5 = h5py.File(path, "r")
    except OSError as err:
        raise ValueError(
            f"'{path}' is not a readable HDF5 file (truncated or corrupt): {err}"
        ) from err
    with h5:
        if not name.endswith(".weights.h5") and _is_legacy(h5):
            legacy_h5.load_weights_from_group(model, h5, name, skip_mismatch)
            return
        _weights_io.read_weights(model, h5, name, skip_mismatch)


def _is_legacy(h5: Any) -> bool:
    """Legacy Keras 2 files list their layers in a `layer_names` attribute."""
    group = h5.get("model_weights", h5)
    return "layer_names" in group.attrs
