"""What `fit`, `evaluate` and `predict` do differently under torchrun.

One `DataParallelRun` serves one call. It

- broadcasts rank 0's weights, so every replica starts equal;
- gives each rank its contiguous share of every global batch (the global
  batch is `batch_size`, as in Keras's DataParallel), from one permutation
  drawn on rank 0 and broadcast;
- sums `n_r * grad_r` over the ranks and divides by the global batch size, so
  the update equals one process's update on the whole batch (PyTorch's
  DistributedDataParallel averages the same way for equal shares);
- sums the metrics' state over the ranks before logs are read, so every rank
  logs the numbers of the whole data, and callbacks decide alike;
- gathers `predict`'s rows from every rank, in order.
"""

from __future__ import annotations

from typing import Any

import torch

from lamina.distribution import _api, _process

# Callbacks that only print or write files: rank 0 alone runs them.
CHIEF_ONLY_CALLBACKS = ("CSVLogger", "TensorBoard", "RemoteMonitor", "ProgbarLogger")


def begin(model: Any) -> DataParallelRun | None:
    """The run's data-parallel helper, or None in a single process."""
    _api.check_supported()
    if not _process.ensure_initialized():
        return None
    return DataParallelRun(model)


class ShardedIndexer:
    """A batch indexer whose batches are this rank's share of the global ones."""

    def __init__(self, indexer: Any, rank: int, world: int) -> None:
        self.inner = indexer
        self.rank, self.world = rank, world
        self.steps = indexer.steps
        self.n = indexer.n

    def _share(self, index: Any) -> Any:
        """Rows `[rank * per, (rank + 1) * per)` of one global batch."""
        if isinstance(index, slice):
            start, stop = index.start or 0, index.stop
            size = stop - start
            per = -(-size // self.world)
            lo = min(start + self.rank * per, stop)
            return slice(lo, min(lo + per, stop))
        per = -(-index.numel() // self.world)
        return index[self.rank * per : (self.rank + 1) * per]

    def epoch(self) -> list:
        batches = self.inner.epoch()
        if batches and not isinstance(batches[0], slice):
            # One permutation for all: rank 0's, broadcast.
            perm = torch.cat(batches).cpu()
            _process.broadcast_tensor(perm)
            perm = perm.to(batches[0].device)
            batches = list(perm.split(self.inner.batch_size))
        return [self._share(b) for b in batches]


class ShardedStream:
    """A streamed source (PyDataset, DataLoader, generator) read by batch index:
    rank `r` takes the batches `i` with `i % world == r`.

    For training every rank must take the same number of steps (each step sums
    gradients), so an epoch is `len // world` batches per rank and the last
    `len % world` batches are left out; evaluation reads them all.
    """

    def __init__(self, source: Any, rank: int, world: int, train: bool) -> None:
        self.source = source
        self.rank, self.world, self.train = rank, world, train
        total = source.steps
        if total is None:
            raise ValueError(
                "Data-parallel training splits a streamed input by batch index, "
                "so it needs the number of batches: this input has no length. "
                "Pass `steps_per_epoch=` (and `validation_steps=`), or a "
                "PyDataset / DataLoader, which know their length."
            )
        if train and total < world:
            raise ValueError(
                f"The input has {total} batches, fewer than the {world} processes: "
                "every process needs at least one batch per step. Use a smaller "
                "batch size or more data."
            )
        self.steps = total // world if train else -(-(total - rank) // world)
        self.dropped = total % world if train else 0
        if getattr(source, "shuffle", False) and hasattr(source, "_indices"):
            inner = source._indices
            source._indices = lambda: _broadcast_order(inner())

    def __getattr__(self, name: str) -> Any:
        return getattr(self.source, name)

    def batches(self, steps: int | None) -> Any:
        """Training: `steps` per rank. Evaluation: `steps` counts global
        batches (None: the whole input), as the user gave it."""
        if self.train:
            per_rank = self.steps if steps is None else min(steps, self.steps)
            steps = per_rank * self.world
        for i, batch in enumerate(self.source.batches(steps)):
            if i % self.world == self.rank:
                yield batch


def _broadcast_order(indices: Any) -> list:
    """Rank 0's batch order, so every rank shards the same shuffled order."""
    order = torch.as_tensor(list(indices), dtype=torch.int64)
    return _process.broadcast_tensor(order).tolist()


class DataParallelRun:
    """The collectives of one data-parallel `fit` / `evaluate` / `predict`."""

    def __init__(self, model: Any) -> None:
        self.model = model
        self.optimizer: Any = None
        self.current_n = 1
        self.rank = _process.rank()
        self.world = _process.world_size()
        self.chief = self.rank == 0
        self._sync_weights()

    def _sync_weights(self) -> None:
        with torch.no_grad():
            for t in [*self.model.parameters(), *self.model.buffers()]:
                if t.is_floating_point() or t.dtype in (torch.int32, torch.int64):
                    _process.broadcast_tensor(t.data)

    # -- data -----------------------------------------------------------------------
    def shard_arrays(self, source: Any) -> Any:
        """An array source that yields this rank's share of each batch."""
        source.indexer = ShardedIndexer(source.indexer, self.rank, self.world)
        return source

    def shard_stream(self, source: Any, train: bool) -> ShardedStream:
        """A streamed source that yields every `world`-th batch to this rank."""
        return ShardedStream(source, self.rank, self.world, train)

    # -- gradients ------------------------------------------------------------------
    def install(self, optimizer: Any) -> None:
        """Makes `optimizer.apply` reduce the gradients first, whichever step
        (built-in, fast, or the model's own `train_step`) computed them."""
        self.optimizer = getattr(optimizer, "inner_optimizer", optimizer)
        self.optimizer._grad_reducer = self.reduce_grads
        self.current_n = 1

    def uninstall(self) -> None:
        if getattr(self, "optimizer", None) is not None:
            self.optimizer._grad_reducer = None

    def reduce_grads(self, grads: list) -> list:
        """`sum_r n_r * g_r / sum_r n_r` over the ranks: the gradient of the global
        batch's mean loss, `n_r` being each rank's rows in this step."""
        n_local = float(self.current_n)
        # contiguous tensors of our own (autograd's are usually both already)
        out = [None if g is None else g.contiguous() for g in grads]
        live = [g for g in out if g is not None]
        with torch.no_grad():
            for g in live:
                if n_local:
                    g.mul_(n_local)
                else:
                    g.zero_()
            device = live[0].device if live else torch.device("cpu")
            count = torch.tensor([n_local], device=device)
            _process.all_reduce_each_([*live, count])
            total = max(float(count.item()), 1.0)
            for g in live:
                g.div_(total)
        return out

    def empty_step(self) -> None:
        """This rank has no rows of the step's batch: it still joins the sum
        (with zero gradients) and applies the same update as the others."""
        self.current_n = 0
        params = list(self.model.trainable_weights)
        self.optimizer.apply([torch.zeros_like(p) for p in params], params)

    # -- metrics --------------------------------------------------------------------
    def reduce_metrics(self) -> None:
        """Sums (or averages, per the variable's aggregation) every metric's
        state over the ranks, in place, once per epoch or evaluation."""
        summed, averaged = [], []
        for metric in self.model.metrics:
            metric.result()  # flushes counts kept on the host
            for v in metric.variables:
                kind = getattr(v, "aggregation", "sum")
                if kind == "mean":
                    averaged.append(v)
                elif kind in ("sum", "none", None):
                    summed.append(v)
        with torch.no_grad():
            _process.all_reduce_sum_(summed + averaged, exact=True)
            for v in averaged:
                v.div_(self.world)

    def callbacks(self, callbacks: Any) -> Any:
        """The callbacks this rank runs: rank 0 all, the others none that only
        print or write files (saving is rank 0's inside lamina.saving)."""
        if self.chief or callbacks is None:
            return callbacks
        items = callbacks if isinstance(callbacks, (list, tuple)) else [callbacks]
        return [c for c in items if type(c).__name__ not in CHIEF_ONLY_CALLBACKS]

    def agree(self, flag: bool) -> bool:
        """Rank 0's decision (stop training), taken by every rank."""
        return _process.broadcast_flag(flag)

    # -- predict --------------------------------------------------------------------
    def gather_rounds(self, outputs: list, total: int) -> list:
        """Streamed predict: batch `i` was predicted by rank `i % world`. Each
        round of `world` batches is gathered, so every rank gets every batch,
        in order; a rank with no batch in the last round sends no rows."""
        rounds = -(-total // self.world)
        template = outputs[0]
        out = []
        for r in range(rounds):
            mine = outputs[r] if r < len(outputs) else _empty_like(template)
            parts = self._gather_parts(mine)
            out.extend(p for p in parts if _rows(p))
        return out

    def _gather_parts(self, out: Any) -> list:
        """Each rank's `out` (same structure, any rows), in rank order."""
        if isinstance(out, torch.Tensor):
            return _process.all_gather_rows(out.detach())
        if isinstance(out, (list, tuple)):
            cols = [self._gather_parts(o) for o in out]
            return [type(out)(c[i] for c in cols) for i in range(self.world)]
        if isinstance(out, dict):
            cols = {k: self._gather_parts(v) for k, v in out.items()}
            return [{k: c[i] for k, c in cols.items()} for i in range(self.world)]
        return [out] * self.world

    def gather(self, out: Any) -> Any:
        """Every rank's rows of one batch, in rank order (rows stay in order)."""
        if isinstance(out, torch.Tensor):
            return torch.cat(_process.all_gather_rows(out.detach()))
        if isinstance(out, (list, tuple)):
            return type(out)(self.gather(o) for o in out)
        if isinstance(out, dict):
            return {k: self.gather(v) for k, v in out.items()}
        return out


def _empty_like(out: Any) -> Any:
    if isinstance(out, torch.Tensor):
        return out[:0]
    if isinstance(out, (list, tuple)):
        return type(out)(_empty_like(o) for o in out)
    if isinstance(out, dict):
        return {k: _empty_like(v) for k, v in out.items()}
    return out


def _rows(out: Any) -> int:
    if isinstance(out, torch.Tensor):
        return int(out.shape[0]) if out.dim() else 1
    if isinstance(out, (list, tuple)) and out:
        return _rows(out[0])
    if isinstance(out, dict) and out:
        return _rows(next(iter(out.values())))
    return 1
