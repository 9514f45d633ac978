"""Model weights in Keras 3's HDF5 layout: `<path>/vars/<i>` per object.

`write_weights` fills an open `h5py.File` (or group); `read_weights` sets a
model's weights (and its optimizer's state) from one. Paths come from
`_walk`, so files exchange with Keras in both directions.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import torch

from lamina.saving import _walk

_H5PY_MISSING = (
    "Saving and loading weights needs the optional dependency h5py. Install it "
    'with `pip install "lamina[h5]"` (or `pip install h5py`).'
)


def require_h5py() -> Any:
    """Returns the h5py module, or raises an ImportError naming the extra."""
    try:
        import h5py  # deferred: h5py is an optional dependency (the "h5" extra)
    except ImportError as err:
        raise ImportError(_H5PY_MISSING) from err
    return h5py


class _Group(dict):
    """The datasets of one `vars` group, read into memory, keyed "0", "1", ..."""


def _vars_path(path: str) -> str:
    return f"{path}/vars" if path else "vars"


def _saveable_own(obj: Any) -> Any:
    """The object's `save_own_variables`, or a plain torch module's stand-in."""
    if hasattr(obj, "save_own_variables"):
        return obj
    return _TorchModuleState(obj)


class _TorchModuleState:
    """A plain `torch.nn.Module` inside a lamina model: its own parameters and
    buffers, in registration order (Keras has no such objects)."""

    def __init__(self, module: Any) -> None:
        self.module = module
        self.name = type(module).__name__

    def _tensors(self) -> list[Any]:
        m = self.module
        return [*m.parameters(recurse=False), *m.buffers(recurse=False)]

    def save_own_variables(self, store: Any) -> None:
        for i, t in enumerate(self._tensors()):
            store[str(i)] = t.detach().cpu().numpy()

    def load_own_variables(self, store: Any) -> None:
        tensors = self._tensors()
        if len(store) != len(tensors):
            raise ValueError(
                f"Module '{self.name}' expected {len(tensors)} variables, but "
                f"received {len(store)} variables during loading."
            )
        with torch.no_grad():
            for i, t in enumerate(tensors):
                t.copy_(torch.as_tensor(np.asarray(store[str(i)])).to(t.dtype))


def write_weights(model: Any, h5: Any) -> None:
    """Writes every object's own variables under its Keras path in `h5`."""
    for path, obj in _walk.walk(model):
        group = h5.require_group(_vars_path(path))
        name = getattr(obj, "name", None)
        if isinstance(name, str):
            group.attrs["name"] = name
        store = _Group()
        _saveable_own(obj).save_own_variables(store)
        for key, value in store.items():
            group.create_dataset(key, data=np.asarray(value))


def _read_group(h5: Any, path: str) -> _Group:
    group = h5.get(_vars_path(path))
    out = _Group()
    if group is None:
        return out
    for key in group:
        out[key] = group[key][()]
    return out


def read_weights(
    model: Any, h5: Any, filename: str, skip_mismatch: bool = False
) -> None:
    """Sets `model`'s weights from `h5`; every mismatch is reported at once.

    Raises:
        ValueError: naming the file and every object whose variables differ
            in count or shape (unless `skip_mismatch`, which warns instead).
    """
    errors: list[str] = []
    plan = list(_walk.walk(model))
    for path, obj in plan:
        store = _read_group(h5, path)
        _prepare_optimizer(model, obj, store)
        try:
            _saveable_own(obj).load_own_variables(store)
        except (ValueError, KeyError, TypeError) as err:
            errors.append(f"'{path or '/'}': {err}")
    if errors and skip_mismatch:
        for error in errors:
            warnings.warn(
                f"Skipping variables of {error} (skip_mismatch=True).", stacklevel=3
            )
        return
    if errors:
        listed = "\n- ".join(errors)
        raise ValueError(
            f"The weights in '{filename}' do not match the model "
            f"'{getattr(model, 'name', type(model).__name__)}':\n- {listed}\n"
            "Build the same architecture as the one saved, or pass "
            "`skip_mismatch=True` to load the weights that match."
        )


def _prepare_optimizer(model: Any, obj: Any, store: _Group) -> None:
    """Builds an unbuilt optimizer on the model's variables when the file holds
    its slots, as Keras does when it loads a compiled model."""
    if obj is not model.__dict__.get("optimizer") or getattr(obj, "built", True):
        return
    if len(store) > len(obj.variables):
        obj.build(list(model.trainable_weights))
