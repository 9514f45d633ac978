"""Keras's `keras.distribution` API, on torch.distributed.

`DataParallel` is what lamina runs: under torchrun every process holds a full
replica, takes its share of each global batch, and gradients and metrics are
summed over the processes. `DeviceMesh`, `TensorLayout` and `LayoutMap` are
Keras's descriptions of a layout; `ModelParallel` (sharded weights) is accepted
as a description, but `fit` refuses it: lamina does not shard weights yet.
"""

from __future__ import annotations

import re
from collections.abc import MutableMapping
from typing import Any

import numpy as np
import torch

from lamina.distribution import _process

_GLOBAL: dict[str, Any] = {"distribution": None}


def _device_type(device_type: str | None) -> str:
    if device_type is None:
        return "gpu" if torch.cuda.is_available() else "cpu"
    kind = device_type.lower()
    if kind not in ("cpu", "gpu", "cuda"):
        raise ValueError(
            "`device_type` must be 'cpu' or 'gpu' (lamina has no TPU backend). "
            f"Received: device_type={device_type!r}"
        )
    return "gpu" if kind == "cuda" else kind


def list_devices(device_type: str | None = None) -> list[str]:
    """All devices of one type, over every process of the job (`"gpu:0"`, ...).

    Under torchrun each process drives one device, so the list has one entry per
    process; in a single process it lists the local GPUs, or the one CPU.
    """
    kind = _device_type(device_type)
    _process.ensure_initialized()
    if _process.active():
        count = _process.world_size()
    elif kind == "gpu":
        count = torch.cuda.device_count()
    else:
        count = 1
    return [f"{kind}:{i}" for i in range(count)]


def get_device_count(device_type: str | None = None) -> int:
    """The number of devices `list_devices(device_type)` returns."""
    return len(list_devices(device_type))


def initialize(
    job_addresses: str | None = None,
    num_processes: int | None = None,
    process_id: int | None = None,
) -> None:
    """Joins a multi-process job.

    Under torchrun, no argument is needed: its environment says everything.
    Otherwise give `job_addresses` (`"host:port"`; the first address is the
    coordinator), `num_processes` and this process's `process_id`.
    """
    if job_addresses is None and num_processes is None:
        _process.ensure_initialized()
        return
    if job_addresses is None or num_processes is None or process_id is None:
        raise ValueError(
            "Outside torchrun, `initialize` needs `job_addresses`, `num_processes` "
            f"and `process_id`. Received: job_addresses={job_addresses!r}, "
            f"num_processes={num_processes!r}, process_id={process_id!r}"
        )
    coordinator = job_addresses.split(",")[0].strip()
    _process.init_process_group(
        world_size=int(num_processes),
        rank=int(process_id),
        init_method=f"tcp://{coordinator}",
    )


class DeviceMesh:
    """A grid of devices with named axes (`shape=(2, 4)`, `("batch", "model")`)."""

    def __init__(self, shape: Any, axis_names: Any, devices: Any = None) -> None:
        shape = tuple(int(s) for s in shape)
        axis_names = tuple(axis_names)
        if not shape or not axis_names:
            raise ValueError(
                "`shape` and `axis_names` must be non-empty. Received: "
                f"shape={shape}, axis_names={axis_names}"
            )
        if len(shape) != len(axis_names):
            raise ValueError(
                "`shape` and `axis_names` must have the same length. Received: "
                f"shape={shape}, axis_names={axis_names}"
            )
        if devices is None:
            devices = list_devices()
        devices = np.array(devices)
        if int(np.prod(shape)) != devices.size:
            raise ValueError(
                f"A mesh of shape {shape} needs {int(np.prod(shape))} devices. "
                f"Received {devices.size}: {devices.tolist()}"
            )
        self._shape = shape
        self._axis_names = axis_names
        self._devices = devices.reshape(shape)

    @property
    def shape(self) -> tuple:
        return self._shape

    @property
    def axis_names(self) -> tuple:
        return self._axis_names

    @property
    def devices(self) -> np.ndarray:
        return self._devices

    def __repr__(self) -> str:
        return (
            f"<DeviceMesh shape={self.shape}, axis_names={self.axis_names}, "
            f"devices={self.devices.tolist()}>"
        )


class TensorLayout:
    """How a tensor lies on a mesh: per tensor axis, a mesh axis name or None."""

    def __init__(self, axes: Any, device_mesh: DeviceMesh | None = None) -> None:
        self._axes = tuple(axes)
        self._device_mesh = None
        if device_mesh is not None:
            self.device_mesh = device_mesh

    @property
    def axes(self) -> tuple:
        return self._axes

    @property
    def device_mesh(self) -> DeviceMesh | None:
        return self._device_mesh

    @device_mesh.setter
    def device_mesh(self, device_mesh: DeviceMesh) -> None:
        if self._device_mesh is not None:
            raise ValueError(
                "Cannot override `device_mesh`: this layout already has one "
                f"({self._device_mesh})."
            )
        unknown = [
            a for a in self._axes if a is not None and a not in device_mesh.axis_names
        ]
        if unknown:
            raise ValueError(
                f"Layout axes {unknown} are not axes of the mesh "
                f"{device_mesh.axis_names}."
            )
        self._device_mesh = device_mesh

    def __repr__(self) -> str:
        return f"<TensorLayout axes={self.axes}, device_mesh={self.device_mesh}>"


class LayoutMap(MutableMapping):
    """Variable paths (regular expressions) to `TensorLayout`s.

    A lookup returns the layout of the key equal to the path, else of the one
    key whose regex matches it (`re.search`), else None; several matching keys
    are an error.
    """

    def __init__(self, device_mesh: DeviceMesh) -> None:
        self._layout_map: dict[str, TensorLayout] = {}
        self._device_mesh = device_mesh

    @property
    def device_mesh(self) -> DeviceMesh:
        return self._device_mesh

    def __getitem__(self, key: str) -> TensorLayout | None:
        if key in self._layout_map:
            return self._layout_map[key]
        matches = [k for k in self._layout_map if re.search(k, key)]
        if len(matches) > 1:
            raise ValueError(
                f"Path '{key}' matches several layout keys: {matches}. Make the "
                "keys more specific so that one matches."
            )
        return self._layout_map[matches[0]] if matches else None

    def __setitem__(self, key: str, layout: Any) -> None:
        if key in self._layout_map:
            raise ValueError(
                f"'{key}' already has a layout ({self._layout_map[key]}); delete "
                "it first to change it."
            )
        if isinstance(layout, (tuple, list)):
            layout = TensorLayout(layout, None)
        if not isinstance(layout, TensorLayout):
            raise ValueError(
                "A layout must be a TensorLayout or a tuple of axis names. "
                f"Received: {layout!r}"
            )
        if layout.device_mesh is None:
            layout.device_mesh = self._device_mesh
        self._layout_map[key] = layout

    def __delitem__(self, key: str) -> None:
        del self._layout_map[key]

    def __len__(self) -> int:
        return len(self._layout_map)

    def __iter__(self) -> Any:
        return iter(self._layout_map)


class Distribution:
    """Base class: a mesh, the name of its batch axis, and dataset sharding."""

    def __init__(
        self,
        device_mesh: DeviceMesh,
        batch_dim_name: str | None = None,
        auto_shard_dataset: bool = True,
    ) -> None:
        self._device_mesh = device_mesh
        self._batch_dim_name = batch_dim_name or device_mesh.axis_names[0]
        self._auto_shard_dataset = auto_shard_dataset

    @property
    def device_mesh(self) -> DeviceMesh:
        return self._device_mesh

    @property
    def batch_dim_name(self) -> str:
        return self._batch_dim_name

    @property
    def auto_shard_dataset(self) -> bool:
        return self._auto_shard_dataset

    @auto_shard_dataset.setter
    def auto_shard_dataset(self, value: bool) -> None:
        self._auto_shard_dataset = bool(value)

    @property
    def num_processes(self) -> int:
        return _process.world_size()

    def get_data_layout(self, data_shape: Any) -> TensorLayout:
        axes = [self.batch_dim_name] + [None] * (len(data_shape) - 1)
        return TensorLayout(axes, self.device_mesh)

    def get_variable_layout(self, variable: Any) -> TensorLayout:
        return TensorLayout([None] * len(variable.shape), self.device_mesh)

    def get_tensor_layout(self, path: str) -> TensorLayout | None:
        return None

    def distribute_dataset(self, dataset: Any) -> Any:
        """Datasets are sharded by `fit` itself (by row or batch index)."""
        return dataset

    def scope(self) -> Any:
        """A context in which this distribution is the global one."""
        return _DistributionScope(self)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} device_mesh={self.device_mesh}>"


class _DistributionScope:
    def __init__(self, value: Distribution) -> None:
        self.value = value
        self.previous: Any = None

    def __enter__(self) -> Distribution:
        self.previous = distribution()
        set_distribution(self.value)
        return self.value

    def __exit__(self, *exc: Any) -> None:
        set_distribution(self.previous)


class DataParallel(Distribution):
    """Every device holds the whole model; each takes a share of each batch.

    Args:
        device_mesh: a one-axis mesh (its axis is the batch axis).
        devices: the devices, instead of a mesh (default: `list_devices()`).
        auto_shard_dataset: shard the data between processes (default True).
    """

    def __init__(
        self,
        device_mesh: DeviceMesh | None = None,
        devices: Any = None,
        auto_shard_dataset: bool = True,
    ) -> None:
        if device_mesh is None:
            devices = list_devices() if devices is None else list(devices)
            device_mesh = DeviceMesh((len(devices),), ("batch",), devices)
        elif len(device_mesh.shape) != 1:
            raise ValueError(
                "DataParallel needs a one-axis mesh. Received a mesh of shape "
                f"{device_mesh.shape}; use ModelParallel for more axes."
            )
        super().__init__(device_mesh, device_mesh.axis_names[0], auto_shard_dataset)

    @property
    def num_model_replicas(self) -> int:
        return int(self.device_mesh.devices.size)


class ModelParallel(Distribution):
    """Weights laid out on a mesh by a `LayoutMap` (described, not yet run).

    lamina accepts and validates the description, but `fit` refuses it: sharded
    weights (DTensor/FSDP) are not implemented. Use `DataParallel` under
    torchrun.
    """

    def __init__(
        self,
        *,
        layout_map: LayoutMap | None = None,
        batch_dim_name: str | None = None,
        auto_shard_dataset: bool = True,
        **kwargs: Any,
    ) -> None:
        if layout_map is None:
            raise ValueError("You must specify a layout_map argument.")
        if not isinstance(layout_map, LayoutMap):
            raise ValueError(
                "`layout_map` must be a LayoutMap instance. Received: "
                f"layout_map={layout_map!r}"
            )
        mesh = layout_map.device_mesh
        if batch_dim_name is not None and batch_dim_name not in mesh.axis_names:
            raise ValueError(
                f"`batch_dim_name` '{batch_dim_name}' is not an axis of the mesh "
                f"{mesh.axis_names}."
            )
        super().__init__(mesh, batch_dim_name, auto_shard_dataset)
        self._layout_map = layout_map

    @property
    def num_model_replicas(self) -> int:
        return int(
            self.device_mesh.shape[
                self.device_mesh.axis_names.index(self.batch_dim_name)
            ]
        )

    def get_variable_layout(self, variable: Any) -> TensorLayout:
        layout = self._layout_map[getattr(variable, "path", "")]
        return layout or super().get_variable_layout(variable)

    def get_tensor_layout(self, path: str) -> TensorLayout | None:
        return self._layout_map[path]


def set_distribution(value: Distribution | None) -> None:
    """Makes `value` the global distribution (None for a single device)."""
    if value is not None and not isinstance(value, Distribution):
        raise ValueError(
            "`set_distribution` takes a Distribution (DataParallel, ...) or None. "
            f"Received: {value!r}"
        )
    _GLOBAL["distribution"] = value


def distribution() -> Distribution | None:
    """The global distribution set by `set_distribution`, or None."""
    return _GLOBAL["distribution"]


def distribute_tensor(tensor: Any, layout: Any) -> Any:
    """This process's part of `tensor` under `layout`.

    An axis laid on the mesh's batch axis is split between the processes in
    contiguous blocks; other axes stay whole. In one process it is the tensor.
    """
    if not isinstance(layout, TensorLayout) or not _process.active():
        return tensor
    world, rank = _process.world_size(), _process.rank()
    out = tensor
    for axis, name in enumerate(layout.axes):
        if name is None:
            continue
        size = out.shape[axis]
        per = -(-size // world)
        out = out.narrow(
            axis, min(rank * per, size), max(0, min(per, size - rank * per))
        )
    return out


def check_supported() -> None:
    """Refuses a global distribution that `fit` cannot honour."""
    current = distribution()
    if isinstance(current, ModelParallel):
        raise NotImplementedError(
            "ModelParallel (weights sharded by a LayoutMap) is not supported by "
            "lamina yet. Use DataParallel: run the script under `torchrun "
            "--nproc-per-node N` and every process trains a full replica on its "
            "share of each batch."
        )
