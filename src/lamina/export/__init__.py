"""Export: `model.export(path, format="torch" | "onnx")` and `ExportArchive`.

An `ExportArchive` gathers named endpoints (functions of tensors, such as a
model's inference call or any of its methods) and variable collections, and
`write_out(path)` writes a folder with one `torch.export` program per endpoint
(`<name>.pt2`, reloaded with `torch.export.load`) and one tensor file per
variable collection (`<name>.variables.pt`, reloaded with
`torch.load(..., weights_only=True)`). TensorFlow SavedModel is not produced:
lamina does not use TensorFlow.
"""

from __future__ import annotations

import json
import os
import shutil
from typing import Any

import torch

from lamina.export._export import export_model, save_program, trace

__all__ = ["ExportArchive", "export_model"]


class ExportArchive:
    """Named endpoints and variable collections, written as torch.export programs.

    Example:
    >>> import lamina, tempfile, os
    >>> model = lamina.Sequential([lamina.layers.Dense(2, input_shape=(3,))])
    >>> archive = ExportArchive()
    >>> archive.track(model)
    >>> program = archive.add_endpoint("serve", model.__call__,
    ...     input_signature=[lamina.layers.InputSpec(shape=(None, 3))])
    >>> folder = os.path.join(tempfile.mkdtemp(), "archive")
    >>> archive.write_out(folder, verbose=False)
    >>> sorted(os.listdir(folder))
    ['manifest.json', 'serve.pt2']
    """

    def __init__(self) -> None:
        self._tracked: list = []
        self._endpoints: dict[str, Any] = {}
        self._collections: dict[str, list] = {}

    def track(self, resource: Any) -> None:
        """Tracks a model or layer, whose functions endpoints may then call."""
        if not isinstance(resource, torch.nn.Module):
            raise ValueError(
                "`track` takes a lamina layer or model (a torch.nn.Module). "
                f"Received: {resource!r} of type {type(resource).__name__}"
            )
        self._tracked.append(resource)

    def _owner(self, fn: Any) -> Any:
        owner = getattr(fn, "__self__", None)
        if isinstance(owner, torch.nn.Module):
            if not any(owner is t for t in self._tracked):
                raise ValueError(
                    f"The endpoint's function belongs to '{getattr(owner, 'name', owner)}', "
                    "which is not tracked. Call `archive.track(model)` first."
                )
            return owner
        if not self._tracked:
            raise ValueError(
                "Track the model the endpoint uses first: `archive.track(model)`."
            )
        return self._tracked[0]

    def add_endpoint(
        self, name: str, fn: Any = None, input_signature: Any = None, **kwargs: Any
    ) -> Any:
        """Adds endpoint `name`: `fn` traced for inputs like `input_signature`."""
        if name in self._endpoints:
            raise ValueError(f"Endpoint name '{name}' is already taken.")
        if fn is None:
            raise ValueError("`add_endpoint` needs the function `fn` to export.")
        if input_signature is None:
            raise ValueError(
                f"Endpoint '{name}' needs an `input_signature` (a list of "
                "InputSpec or KerasTensor describing the inputs)."
            )
        owner = self._owner(fn)
        self._endpoints[name] = trace(owner, input_signature, fn=fn)
        return self._endpoints[name]

    def track_and_add_endpoint(
        self, name: str, resource: Any, input_signature: Any, **kwargs: Any
    ) -> Any:
        """Tracks `resource` and adds its call as endpoint `name`."""
        self.track(resource)
        return self.add_endpoint(
            name, lambda x: resource(x, training=False), input_signature
        )

    def add_variable_collection(self, name: str, variables: Any) -> None:
        """Saves `variables` (a list of weights) under `name`."""
        variables = list(variables)
        if not all(isinstance(v, torch.Tensor) for v in variables):
            raise ValueError(
                "`variables` must be a list of lamina variables (tensors). "
                f"Received: {[type(v).__name__ for v in variables]}"
            )
        self._collections[name] = variables

    def write_out(
        self, filepath: str, options: Any = None, verbose: Any = True
    ) -> None:
        """Writes the endpoints and collections to the folder `filepath`."""
        if not self._endpoints:
            raise ValueError(
                "No endpoints have been set yet. Call add_endpoint() first."
            )
        parent = os.path.dirname(os.path.abspath(filepath))
        os.makedirs(parent, exist_ok=True)
        tmp = os.path.join(parent, f".{os.path.basename(filepath)}.tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        os.makedirs(tmp)
        for name, program in self._endpoints.items():
            save_program(program, os.path.join(tmp, f"{name}.pt2"))
        for name, variables in self._collections.items():
            tensors = [v.detach().cpu().clone() for v in variables]
            torch.save(tensors, os.path.join(tmp, f"{name}.variables.pt"))
        manifest = {
            "endpoints": sorted(self._endpoints),
            "variable_collections": sorted(self._collections),
            "format": "torch.export",
        }
        with open(os.path.join(tmp, "manifest.json"), "w") as f:
            json.dump(manifest, f, indent=2)
        if os.path.isdir(filepath):
            shutil.rmtree(filepath)
        os.replace(tmp, filepath)
        if verbose:
            print(
                f"Saved artifact at '{filepath}'. Endpoints: {sorted(self._endpoints)}"
            )
