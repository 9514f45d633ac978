"""`KerasFileEditor`: look inside a `.keras` or `.weights.h5` file and edit its
weights without building the model (rename, delete or add objects and weights),
then write a `.weights.h5` file."""

from __future__ import annotations

import io
import json
import os
import zipfile
from typing import Any

import numpy as np

from lamina.saving import _files, _walk, _weights_io

Tree = dict[str, Any]  # group name -> Tree, or weight name ("0", "1") -> array


class KerasFileEditor:
    """Reads a Keras weights tree: `weights_dict` nests the file's groups as
    dicts (`{"layers": {"dense": {"0": kernel, "1": bias}}}`), each object's
    `vars` folded into its own dict.

    Args:
        filepath: a `.keras` archive or a `.weights.h5` file.

    Raises:
        ValueError: for another extension.

    Example:
    >>> import os, tempfile
    >>> import lamina
    >>> model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(2)])
    >>> path = os.path.join(tempfile.mkdtemp(), "m.keras")
    >>> model.save(path)
    >>> editor = lamina.saving.KerasFileEditor(path)
    >>> sorted(editor.weights_dict["layers"]["dense"])
    ['0', '1']
    """

    def __init__(self, filepath: str | os.PathLike) -> None:
        self.filepath = os.fspath(filepath)
        self.metadata: dict | None = None
        self.config: dict | None = None
        h5py = _weights_io.require_h5py()
        if self.filepath.endswith(".keras"):
            with zipfile.ZipFile(self.filepath) as zf:
                self.config = json.loads(zf.read("config.json"))
                self.metadata = json.loads(zf.read("metadata.json"))
                data = io.BytesIO(zf.read("model.weights.h5"))
            source: Any = data
        elif self.filepath.endswith(".weights.h5"):
            source = self.filepath
        else:
            raise ValueError(
                "Invalid filename: expected a `.keras` `.weights.h5` extension. "
                f"Received: filepath={self.filepath}"
            )
        self.object_metadata: dict[str, str] = {}
        with h5py.File(source, "r") as h5:
            self.weights_dict: Tree = self._read(h5, "")

    def _read(self, group: Any, path: str) -> Tree:
        out: Tree = {}
        for key in group:
            item = group[key]
            if key == "vars":
                name = item.attrs.get("name")
                if name is not None:
                    self.object_metadata[path] = str(name)
                for weight in item:
                    out[weight] = item[weight][()]
            elif hasattr(item, "keys"):
                out[key] = self._read(item, f"{path}/{key}" if path else key)
        return out

    # -- looking ---------------------------------------------------------------

    def summary(self) -> None:
        """Prints every object path with its weights' shapes."""
        for path, weights in _objects(self.weights_dict, ""):
            name = self.object_metadata.get(path)
            shapes = {k: tuple(np.shape(v)) for k, v in weights.items()}
            label = f"{path or '/'}" + (f" ({name})" if name else "")
            print(f"{label}: {shapes}")

    def compare(self, reference_model: Any) -> dict[str, Any]:
        """Compares the file's weights with a model's, object by object.

        Returns:
            `{"status": "success" | "error", "error_count", "match_count"}`;
            each difference (missing object, count or shape) is printed.
        """
        errors = matches = 0
        expected = {}
        for path, obj in _walk.walk(reference_model):
            store: dict[str, Any] = {}
            _weights_io._saveable_own(obj).save_own_variables(store)
            expected[path] = store
        found = dict(_objects(self.weights_dict, ""))
        for path, store in expected.items():
            have = found.get(path, {})
            want_shapes = [np.shape(store[k]) for k in sorted(store, key=int)]
            have_shapes = [np.shape(have[k]) for k in sorted(have, key=_int_or_name)]
            if want_shapes == have_shapes:
                matches += 1
            else:
                errors += 1
                print(
                    f"Object '{path or '/'}': the model has weights of shapes "
                    f"{want_shapes}, the file {have_shapes}."
                )
        return {
            "status": "success" if errors == 0 else "error",
            "error_count": errors,
            "match_count": matches,
        }

    # -- editing ---------------------------------------------------------------

    def _locate(self, object_name: str) -> tuple[Tree, str]:
        """The parent dict and key of an object given by path or by name."""
        if "/" in object_name:
            *parents, last = object_name.split("/")
            tree = self.weights_dict
            for part in parents:
                if part not in tree:
                    raise ValueError(f"Path '{object_name}' not found in the file.")
                tree = tree[part]
            if last not in tree:
                raise ValueError(f"Path '{object_name}' not found in the file.")
            return tree, last
        hits = [
            path
            for path, name in self.object_metadata.items()
            if name == object_name or path.split("/")[-1] == object_name
        ]
        if len(hits) != 1:
            raise ValueError(
                f"Expected one object named '{object_name}' in the file, found "
                f"{len(hits)}: {hits}. Give its full path (e.g. 'layers/dense')."
            )
        path = hits[0]
        if "/" not in path:
            return self.weights_dict, path
        return self._locate(path)

    def rename_object(self, object_name: str, new_name: str) -> None:
        """Renames an object (e.g. `"dense_2"` or `"layers/dense_2"`)."""
        tree, key = self._locate(object_name)
        tree[new_name] = tree.pop(key)

    def delete_object(self, object_name: str) -> None:
        """Removes an object and its weights."""
        tree, key = self._locate(object_name)
        del tree[key]

    def add_object(self, object_path: str, weights: dict[str, Any]) -> None:
        """Adds an object at `object_path` with weights `{"0": array, ...}`."""
        _check_weights(weights)
        *parents, last = object_path.split("/")
        tree = self.weights_dict
        for part in parents:
            if part not in tree:
                raise ValueError(f"Path '{'/'.join(parents)}' not found in the file.")
            tree = tree[part]
        tree[last] = {k: np.asarray(v) for k, v in weights.items()}

    def delete_weight(self, object_name: str, weight_name: str) -> None:
        """Removes one weight (e.g. `"1"`) from an object."""
        tree, key = self._locate(object_name)
        if weight_name not in tree[key]:
            raise ValueError(
                f"Weight {weight_name} not found in object {object_name}. "
                f"Weights found: {[k for k in tree[key] if not _is_group(tree[key][k])]}"
            )
        del tree[key][weight_name]

    def add_weights(self, object_name: str, weights: dict[str, Any]) -> None:
        """Adds weights `{"2": array, ...}` to an existing object."""
        _check_weights(weights)
        tree, key = self._locate(object_name)
        tree[key].update({k: np.asarray(v) for k, v in weights.items()})

    # -- writing ---------------------------------------------------------------

    def save(self, filepath: str | os.PathLike) -> None:
        """Writes the edited weights to a `.weights.h5` file, atomically."""
        filepath = os.fspath(filepath)
        if not filepath.endswith(".weights.h5"):
            raise ValueError(
                "Invalid `filepath` argument: expected a `.weights.h5` extension. "
                f"Received: filepath={filepath}"
            )
        h5py = _weights_io.require_h5py()
        with _files.atomic_write(filepath) as tmp, h5py.File(tmp, "w") as h5:
            self._write(h5, self.weights_dict, "")

    def resave_weights(self, filepath: str | os.PathLike) -> None:
        """Same as `save`."""
        self.save(filepath)

    def _write(self, h5: Any, tree: Tree, path: str) -> None:
        weights = {k: v for k, v in tree.items() if not _is_group(v)}
        if weights or path == "":
            group = h5.require_group(f"{path}/vars" if path else "vars")
            name = self.object_metadata.get(path)
            if name is not None:
                group.attrs["name"] = name
            for key, value in weights.items():
                group.create_dataset(key, data=np.asarray(value))
        for key, value in tree.items():
            if _is_group(value):
                self._write(h5, value, f"{path}/{key}" if path else key)


def _is_group(value: Any) -> bool:
    return isinstance(value, dict)


def _int_or_name(key: str) -> Any:
    return (0, int(key)) if key.isdigit() else (1, key)


def _objects(tree: Tree, path: str) -> list[tuple[str, dict[str, Any]]]:
    """`(path, {weight name: array})` of every group, depth first."""
    out = [(path, {k: v for k, v in tree.items() if not _is_group(v)})]
    for key, value in tree.items():
        if _is_group(value):
            out.extend(_objects(value, f"{path}/{key}" if path else key))
    return out


def _check_weights(weights: Any) -> None:
    if not isinstance(weights, dict):
        raise ValueError(
            "Argument `weights` should be a dict where keys are weight names "
            "(usually '0', '1', etc.) and values are NumPy arrays. "
            f"Received: type(weights)={type(weights)}"
        )
