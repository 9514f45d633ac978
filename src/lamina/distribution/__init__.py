"""Data-parallel training on torch.distributed, and Keras's distribution API.

Run a `fit` script under `torchrun --nproc-per-node N script.py` and it trains
data-parallel, unchanged: each process takes its share of every global batch,
gradients and metrics are summed across processes, and only rank 0 prints and
writes files.
"""

from lamina.distribution._api import (
    DataParallel,
    DeviceMesh,
    Distribution,
    LayoutMap,
    ModelParallel,
    TensorLayout,
    distribute_tensor,
    distribution,
    get_device_count,
    initialize,
    list_devices,
    set_distribution,
)
from lamina.distribution._process import is_chief

__all__ = [
    "DataParallel",
    "DeviceMesh",
    "Distribution",
    "LayoutMap",
    "ModelParallel",
    "TensorLayout",
    "distribute_tensor",
    "distribution",
    "get_device_count",
    "initialize",
    "is_chief",
    "list_devices",
    "set_distribution",
]
