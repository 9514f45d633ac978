"""`TensorBoard`: event files for TensorBoard, written without TensorFlow.

Writes with `torch.utils.tensorboard` (the optional `tensorboard` package, the
`lamina[tensorboard]` extra) in Keras's layout: `log_dir/train` and
`log_dir/validation`, with Keras's tag names (`epoch_loss`,
`epoch_learning_rate`, `batch_loss`, `evaluation_loss_vs_iterations`,
`<weight path>/histogram`, `<weight path>/image`).
"""

from __future__ import annotations

import os
import time
import warnings
from types import SimpleNamespace
from typing import Any

import numpy as np
import torch

from lamina.backend import floatx, to_torch_dtype
from lamina.callbacks._learning_rate import log_learning_rates
from lamina.callbacks.callback import Callback
from lamina.layers import Embedding

_MISSING = (
    "The `TensorBoard` callback needs the `tensorboard` package, which is not "
    "installed. Install it with `pip install lamina[tensorboard]` (or "
    "`pip install tensorboard`)."
)


def _summary_writer(folder: str) -> Any:
    try:
        # Deferred: torch.utils.tensorboard imports the optional tensorboard package.
        from torch.utils.tensorboard import SummaryWriter
    except ImportError as err:
        raise ImportError(_MISSING) from err
    return SummaryWriter(log_dir=folder)


def _profile_range(profile_batch: Any) -> tuple[int, int]:
    """`(start, stop)` batches to profile from an int, a pair or "a,b"."""
    if isinstance(profile_batch, str):
        profile_batch = [int(p) for p in profile_batch.split(",")]
    if isinstance(profile_batch, (int, np.integer)) and not isinstance(
        profile_batch, bool
    ):
        start = stop = int(profile_batch)
    elif isinstance(profile_batch, (list, tuple)) and len(profile_batch) == 2:
        start, stop = (int(p) for p in profile_batch)
    else:
        start, stop = -1, -1
    if start < 0 or stop < start:
        raise ValueError(
            "`profile_batch` must be a non-negative integer or a pair of positive "
            "integers `(start, stop)` with start <= stop. "
            f"Received: profile_batch={profile_batch!r}"
        )
    return start, stop


def weight_image(weight: torch.Tensor) -> np.ndarray | None:
    """A weight as a batch of NHWC images, as Keras draws it; None if 3D+ conv."""
    w = weight.detach().float().cpu().squeeze()
    if w.ndim == 1:  # a bias
        w = w.reshape(1, -1, 1, 1)
    elif w.ndim == 2:  # a Dense kernel, drawn wide
        if w.shape[0] > w.shape[1]:
            w = w.T
        w = w.reshape(1, w.shape[0], w.shape[1], 1)
    elif w.ndim == 3:  # a 1D conv kernel: one image per output channel
        w = w.permute(2, 0, 1).unsqueeze(-1)
    if w.ndim != 4 or w.shape[-1] not in (1, 3, 4):
        return None
    return w.numpy()


def _sample_from_spec(model: Any) -> Any:
    """Zeros shaped like the model's declared input (batch 1), or None."""
    try:
        spec = model.input
    except (AttributeError, ValueError):
        try:
            shape = model.input_shape
        except (AttributeError, ValueError):
            return None
        spec = _shapes_to_specs(shape)
    device = next((w.device for w in model.weights), None)

    def zeros(t: Any) -> Any:
        dims = tuple(1 if d is None else d for d in t.shape)
        return torch.zeros(dims, dtype=to_torch_dtype(t.dtype), device=device)

    try:
        return torch.utils._pytree.tree_map(zeros, spec)
    except (AttributeError, TypeError):
        return None


def _shapes_to_specs(shape: Any) -> Any:
    """`(None, 3)` or a list of shapes, as float stand-ins with `shape`/`dtype`."""
    if isinstance(shape, list) or (shape and isinstance(shape[0], (tuple, list))):
        return [_shapes_to_specs(tuple(s)) for s in shape]
    return SimpleNamespace(shape=tuple(shape), dtype=floatx())


class TensorBoard(Callback):
    """Writes logs, weight histograms and the model graph for TensorBoard.

    Run `tensorboard --logdir=path_to_your_logs` to see them.

    Args:
        log_dir: the folder of the event files; `train/` and `validation/`
            are made under it.
        histogram_freq: every this many epochs, write a histogram of each
            weight (0: never).
        write_graph: write the model's graph (traced with `torch.jit.trace` on
            a sample of the first training batch, where torch can trace the
            model).
        write_images: also write each weight as an image.
        write_steps_per_second: log the training steps per second.
        update_freq: `"epoch"`, `"batch"`, or an integer N: write the batch
            logs every N batches (`batch_loss`, ...).
        profile_batch: a batch index or `(start, stop)` pair to profile with
            `torch.profiler`, written under `log_dir/train` (0: no profiling).
        embeddings_freq: every this many epochs, write the weights of each
            `Embedding` layer for TensorBoard's projector (0: never).
        embeddings_metadata: accepted for Keras compatibility; unused.
    """

    def __init__(
        self,
        log_dir: str | os.PathLike = "logs",
        histogram_freq: int = 0,
        write_graph: bool = True,
        write_images: bool = False,
        write_steps_per_second: bool = False,
        update_freq: str | int = "epoch",
        profile_batch: Any = 0,
        embeddings_freq: int = 0,
        embeddings_metadata: Any = None,
    ) -> None:
        super().__init__()
        if update_freq not in ("epoch", "batch") and (
            not isinstance(update_freq, int) or update_freq <= 0
        ):
            raise ValueError(
                "`update_freq` must be 'epoch', 'batch' or a positive integer. "
                f"Received: update_freq={update_freq!r}"
            )
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq = histogram_freq
        self.write_graph = write_graph
        self.write_images = write_images
        self.write_steps_per_second = write_steps_per_second
        self.update_freq = 1 if update_freq == "batch" else update_freq
        self.embeddings_freq = embeddings_freq
        self.embeddings_metadata = embeddings_metadata
        self._profile = _profile_range(profile_batch) if profile_batch else None
        self._profiler: Any = None
        self._writers: dict[str, Any] = {}
        self._global_train_batch = 0
        self._graph_input: Any = None
        self._graph_hook: Any = None
        self._graph_written = False
        self._epoch_start = (0.0, 0)
        # Batch logs cost a device read per step: ask for them only when used.
        self._skips_batch_hooks = update_freq == "epoch" and not self._profile

    # -- writers -------------------------------------------------------------

    def _writer(self, which: str) -> Any:
        """The `train` or `validation` writer, made on first use."""
        if which not in self._writers:
            self._writers[which] = _summary_writer(os.path.join(self.log_dir, which))
        return self._writers[which]

    def _close_writers(self) -> None:
        for writer in self._writers.values():
            writer.close()
        self._writers = {}

    # -- training ------------------------------------------------------------

    def on_train_begin(self, logs: dict | None = None) -> None:
        self._global_train_batch = 0
        self._graph_written = False
        self._writer("train")
        if self.write_graph:
            self._graph_hook = self.model.register_forward_pre_hook(
                self._catch_input, with_kwargs=True
            )

    def _catch_input(self, module: Any, args: tuple, kwargs: dict) -> None:
        if self._graph_input is None and args:
            self._graph_input = torch.utils._pytree.tree_map(
                lambda t: t[:1].detach() if isinstance(t, torch.Tensor) else t,
                args[0],
            )
        self._remove_graph_hook()

    def _remove_graph_hook(self) -> None:
        if self._graph_hook is not None:
            self._graph_hook.remove()
            self._graph_hook = None

    def on_train_end(self, logs: dict | None = None) -> None:
        self._remove_graph_hook()
        self._stop_profiler()
        self._close_writers()

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        if self.write_steps_per_second:
            self._epoch_start = (time.perf_counter(), self._iterations())

    def _iterations(self) -> int:
        optimizer = getattr(self.model, "optimizer", None)
        return int(optimizer.iterations) if optimizer is not None else 0

    def on_train_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        self._global_train_batch += 1
        if self._profile and self._global_train_batch == self._profile[0]:
            self._start_profiler()

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        step = self._global_train_batch
        if self.update_freq != "epoch" and step % self.update_freq == 0:
            writer = self._writer("train")
            for name, value in (logs or {}).items():
                writer.add_scalar(f"batch_{name}", float(value), step)
        if self._profiler is not None:
            self._profiler.step()
            if step >= self._profile[1]:
                self._stop_profiler()

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if self.write_graph and not self._graph_written:
            self._graph_written = True
            self._remove_graph_hook()
            sample = self._graph_input
            if sample is None:  # a fast path ran no forward call: use the spec
                sample = _sample_from_spec(self.model)
            if sample is not None:
                self._write_graph(sample)
        self._log_epoch_metrics(epoch, dict(logs or {}))
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._log_weights(epoch)
        if self.embeddings_freq and epoch % self.embeddings_freq == 0:
            self._log_embeddings(epoch)
        for writer in self._writers.values():
            writer.flush()

    def on_test_end(self, logs: dict | None = None) -> None:
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is None or not hasattr(optimizer, "iterations"):
            return
        step = int(optimizer.iterations)
        writer = self._writer("validation")
        for name, value in (logs or {}).items():
            writer.add_scalar(f"evaluation_{name}_vs_iterations", float(value), step)

    # -- what is written -----------------------------------------------------

    def _log_epoch_metrics(self, epoch: int, logs: dict) -> None:
        train = {k: v for k, v in logs.items() if not k.startswith("val_")}
        val = {k[4:]: v for k, v in logs.items() if k.startswith("val_")}
        if getattr(self.model, "optimizer", None) is not None:
            log_learning_rates(self.model, train)
        if self.write_steps_per_second:
            start, steps = self._epoch_start
            elapsed = max(time.perf_counter() - start, 1e-9)
            train["steps_per_second"] = (self._iterations() - steps) / elapsed
        for which, values in (("train", train), ("validation", val)):
            if values:
                writer = self._writer(which)
                for name, value in values.items():
                    writer.add_scalar(f"epoch_{name}", float(value), epoch)

    def _log_weights(self, epoch: int) -> None:
        writer = self._writer("train")
        for layer in self.model.layers:
            for weight in layer.weights:
                name = weight.path.replace(":", "_")
                values = weight.detach().float().cpu().numpy()
                writer.add_histogram(f"{name}/histogram", values, epoch)
                if self.write_images:
                    image = weight_image(weight)
                    if image is not None:
                        writer.add_images(
                            f"{name}/image", image, epoch, dataformats="NHWC"
                        )

    def _log_embeddings(self, epoch: int) -> None:
        writer = self._writer("train")
        for layer in self.model.layers:
            if isinstance(layer, Embedding):
                table = layer.embeddings.detach().float().cpu()
                writer.add_embedding(table, tag=layer.name, global_step=epoch)

    def _write_graph(self, sample: Any) -> None:
        """Traces the model on one sample; warns where torch cannot."""
        self._graph_input = None
        was_training = self.model.training
        self.model.eval()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # tracer warnings
                self._writer("train").add_graph(self.model, sample)
        except Exception as err:  # tracing fails in many ways
            warnings.warn(
                f"TensorBoard could not trace the model's graph with "
                f"torch.jit.trace ({type(err).__name__}: {err}); no graph is "
                "written. Pass `write_graph=False` to skip it.",
                stacklevel=2,
            )
        finally:
            self.model.train(was_training)

    # -- profiling -----------------------------------------------------------

    def _start_profiler(self) -> None:
        train_dir = os.path.join(self.log_dir, "train")
        self._profiler = torch.profiler.profile(
            on_trace_ready=torch.profiler.tensorboard_trace_handler(train_dir)
        )
        self._profiler.__enter__()

    def _stop_profiler(self) -> None:
        if self._profiler is not None:
            profiler, self._profiler = self._profiler, None
            profiler.__exit__(None, None, None)
