"""The process group: torchrun's environment, ranks, and the few collectives
the training loop needs (gradient and metric sums, permutation broadcast,
prediction gathering).

lamina never starts processes itself: `torchrun --nproc-per-node N script.py`
does, and sets RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR and MASTER_PORT. The
first `fit`, `evaluate` or `predict` in such a process joins the group (gloo on
CPU, NCCL on CUDA), so the script needs no change.
"""

from __future__ import annotations

import atexit
import os
from typing import Any

import torch
import torch.distributed as dist

from lamina.backend import set_device

_TORCHRUN_VARS = ("RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT")


def launched_by_torchrun() -> bool:
    """Whether this process was started by torchrun with more than one process."""
    if not all(v in os.environ for v in _TORCHRUN_VARS):
        return False
    return int(os.environ["WORLD_SIZE"]) > 1


def default_backend() -> str:
    return "nccl" if torch.cuda.is_available() else "gloo"


def init_process_group(
    world_size: int | None = None, rank: int | None = None, init_method: str = "env://"
) -> None:
    """Joins the process group once; the device follows LOCAL_RANK on CUDA."""
    if dist.is_initialized():
        return
    backend = default_backend()
    if backend == "nccl":
        local = int(os.environ.get("LOCAL_RANK", rank or 0))
        torch.cuda.set_device(local)
        set_device(f"cuda:{local}")
    kwargs: dict[str, Any] = {"backend": backend, "init_method": init_method}
    if world_size is not None:
        kwargs.update(world_size=world_size, rank=rank)
    dist.init_process_group(**kwargs)
    # Leave the group before the interpreter tears down (gloo aborts otherwise).
    atexit.register(_leave)


def _leave() -> None:
    if dist.is_initialized():
        dist.barrier()
        dist.destroy_process_group()


def ensure_initialized() -> bool:
    """Joins torchrun's group if this process is one of several; returns whether
    training is data-parallel."""
    if not dist.is_initialized() and launched_by_torchrun():
        init_process_group()
    return active()


def active() -> bool:
    """Whether a process group of more than one process is running."""
    return dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1


def world_size() -> int:
    return dist.get_world_size() if active() else 1


def rank() -> int:
    return dist.get_rank() if active() else 0


def is_chief() -> bool:
    """Rank 0 (or the only process): the one that prints and writes files."""
    if dist.is_available() and dist.is_initialized():
        return dist.get_rank() == 0
    return int(os.environ.get("RANK", "0")) == 0


def all_reduce_sum_(tensors: list[torch.Tensor], exact: bool = False) -> None:
    """Sums each tensor over the ranks, in place, in one flat message: float32
    for gradients (half the traffic), float64 with `exact` (metric counts)."""
    if not tensors:
        return
    dtype = torch.float64 if exact else torch.float32
    flat = torch.cat([t.reshape(-1).to(dtype) for t in tensors])
    dist.all_reduce(flat)
    offset = 0
    for t in tensors:
        n = t.numel()
        t.copy_(flat[offset : offset + n].view_as(t).to(t.dtype))
        offset += n


def all_reduce_each_(tensors: list[torch.Tensor]) -> None:
    """Sums each tensor over the ranks in place, all messages in flight at once
    (no concatenated copy: gradients of wide layers are hundreds of MB)."""
    handles = [dist.all_reduce(t, async_op=True) for t in tensors]
    for handle in handles:
        handle.wait()


def broadcast_tensor(t: torch.Tensor, src: int = 0) -> torch.Tensor:
    dist.broadcast(t, src)
    return t


def broadcast_flag(flag: bool) -> bool:
    """Rank 0's value of a boolean, so every rank takes the same decision."""
    t = torch.tensor([1 if flag else 0], device=_collective_device())
    dist.broadcast(t, 0)
    return bool(t.item())


def all_gather_rows(t: torch.Tensor) -> list[torch.Tensor]:
    """Every rank's tensor (rows may differ in number), in rank order."""
    device = _collective_device()
    n = torch.tensor([t.shape[0]], device=device)
    sizes = [torch.zeros_like(n) for _ in range(world_size())]
    dist.all_gather(sizes, n)
    most = int(max(s.item() for s in sizes))
    padded = torch.zeros((most, *t.shape[1:]), dtype=t.dtype, device=device)
    padded[: t.shape[0]] = t.to(device)
    parts = [torch.zeros_like(padded) for _ in range(world_size())]
    dist.all_gather(parts, padded)
    return [p[: int(s.item())].to(t.device) for p, s in zip(parts, sizes)]


def _collective_device() -> torch.device:
    if dist.get_backend() == "nccl":
        return torch.device("cuda", torch.cuda.current_device())
    return torch.device("cpu")
