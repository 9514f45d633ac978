"""`Trainer`: compile / fit / evaluate / predict, mixed into `Model`.

The loop follows trainers/README.md: data goes to the device once, batches are cut by
index, losses and metrics accumulate on the device and are read as floats once
per epoch (and per batch only when a callback asks for batch logs).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from lamina.trainers import data_adapter as da
from lamina.trainers._step import StepRunner
from lamina.trainers.compile_utils import CompiledLoss, CompiledMetrics

_NOT_COMPILED = (
    "You must call `compile()` before using the model. "
    "E.g. `model.compile(optimizer='adam', loss='mse')`."
)


class Trainer:
    """Keras's training API on a `torch.nn.Module` model."""

    def _init_trainer(self) -> None:
        self.compiled = False
        self.optimizer: Any = None
        self.compiled_loss: CompiledLoss | None = None
        self.compiled_metrics: CompiledMetrics | None = None
        self.stop_training = False
        self.history: Any = None
        self._runner: StepRunner | None = None

    def compile(
        self,
        optimizer: Any = "rmsprop",
        loss: Any = None,
        loss_weights: Any = None,
        metrics: Any = None,
        weighted_metrics: Any = None,
        run_eagerly: bool = False,
        steps_per_execution: int = 1,
        jit_compile: Any = "auto",
        auto_scale_loss: bool = True,
    ) -> None:
        """Configures the model for training.

        Args:
            optimizer: name (`"adam"`, case-insensitive) or Optimizer instance.
            loss: loss name, function or `Loss`; a list or dict for several outputs.
            loss_weights: weights of each output's loss.
            metrics: metrics to report (`["accuracy", "mae"]`).
            weighted_metrics: metrics that take `sample_weight`/`class_weight`.
            jit_compile: True compiles the train step with `torch.compile`.
        """
        from lamina import optimizers

        self.optimizer = optimizers.get(optimizer)
        from lamina.mixed_precision import LossScaleOptimizer, global_policy

        if (
            auto_scale_loss
            and global_policy().compute_dtype == "float16"
            and not isinstance(self.optimizer, LossScaleOptimizer)
        ):
            self.optimizer = LossScaleOptimizer(self.optimizer)
        self.compiled_loss = CompiledLoss(loss, loss_weights, [])
        self.compiled_metrics = CompiledMetrics(metrics, weighted_metrics)
        self.jit_compile = jit_compile is True
        self.run_eagerly = run_eagerly
        self.loss = loss
        self.compiled = True
        self._runner = None

    def _assert_compiled(self) -> None:
        if not getattr(self, "compiled", False):
            raise ValueError(_NOT_COMPILED)

    def _device(self) -> torch.device:
        for t in self.weights:
            return t.device
        from lamina import backend

        return backend.get_device()

    def _get_runner(self, x_sample: Any, y_sample: Any) -> StepRunner:
        if self._runner is None:
            self._runner = StepRunner(self)
        self._runner.prepare(x_sample, y_sample)
        return self._runner

    @property
    def metrics(self) -> list:
        """The model's metrics: the loss tracker first, then compiled metrics."""
        out: list = []
        if self._runner is not None:
            out.append(self._runner.loss_tracker)
        if self.compiled_metrics is not None and self.compiled_metrics.built:
            out.extend(self.compiled_metrics.all())
        return out

    @property
    def metrics_names(self) -> list[str]:
        return [m.name for m in self.metrics]

    def reset_metrics(self) -> None:
        for m in self.metrics:
            m.reset_state()

    def fit(
        self,
        x: Any = None,
        y: Any = None,
        batch_size: int | None = None,
        epochs: int = 1,
        verbose: Any = "auto",
        callbacks: list | None = None,
        validation_split: float = 0.0,
        validation_data: Any = None,
        shuffle: bool = True,
        class_weight: dict | None = None,
        sample_weight: Any = None,
        initial_epoch: int = 0,
        steps_per_epoch: int | None = None,
        validation_steps: int | None = None,
        validation_batch_size: int | None = None,
        validation_freq: int = 1,
    ) -> Any:
        """Trains the model for `epochs` epochs; returns a `History`.

        Args:
            x, y: inputs and targets (numpy, torch, pandas, lists, dicts).
            batch_size: samples per gradient update (default 32).
            epochs: index of the last epoch to train.
            verbose: 0 silent, 1 progress bar, 2 one line per epoch; "auto" is 1.
            callbacks: list of `Callback`s.
            validation_split: fraction of the data (the last rows, taken before
                shuffling) held out for validation.
            validation_data: `(x_val, y_val)` or `(x_val, y_val, weights)`.
            shuffle: reshuffle the training rows each epoch.
            class_weight: `{class_index: weight}`, scales each sample's loss.
            sample_weight: one weight per sample.
            initial_epoch: epoch to start from (to resume a run).
            steps_per_epoch: batches per epoch (default: all the data).
            validation_freq: validate every this many epochs.

        Returns:
            The `History` callback, whose `history` maps names to per-epoch values.
        """
        from lamina.trainers._fit import run_fit

        self._assert_compiled()
        return run_fit(self, locals())

    def evaluate(
        self,
        x: Any = None,
        y: Any = None,
        batch_size: int | None = None,
        verbose: Any = "auto",
        sample_weight: Any = None,
        steps: int | None = None,
        callbacks: list | None = None,
        return_dict: bool = False,
        **kwargs: Any,
    ) -> Any:
        """Returns the loss and metrics on the given data.

        Returns:
            A float when there are no metrics, else a list `[loss, *metrics]`,
            or a dict with `return_dict=True`.
        """
        from lamina.trainers._fit import run_evaluate

        self._assert_compiled()
        logs = run_evaluate(
            self, x, y, sample_weight, batch_size, steps, verbose, callbacks
        )
        if return_dict:
            return logs
        values = list(logs.values())
        return values[0] if len(values) == 1 else values

    def predict(
        self,
        x: Any,
        batch_size: int | None = None,
        verbose: Any = "auto",
        steps: int | None = None,
        callbacks: list | None = None,
    ) -> Any:
        """Returns the model's outputs for `x` as numpy arrays, batch by batch."""
        from lamina.trainers._fit import run_predict

        return run_predict(self, x, batch_size, verbose, steps, callbacks)

    def train_on_batch(
        self,
        x: Any,
        y: Any = None,
        sample_weight: Any = None,
        class_weight: dict | None = None,
        return_dict: bool = False,
    ) -> Any:
        """Runs one gradient update on one batch; returns its loss and metrics."""
        self._assert_compiled()
        device = self._device()
        xs = da.to_structure(x, device, "x")
        ys = da.to_structure(y, device, "y")
        sw = da.to_structure(sample_weight, device, "sample_weight")
        da.num_samples(xs, ys, sw)
        if class_weight is not None:
            cw = da.class_weights_to_sample_weights(ys, class_weight)
            sw = cw if sw is None else sw * cw
        runner = self._get_runner(xs, ys)
        runner.reset()
        runner.train_step(xs, ys, sw)
        return _format_logs(runner.logs(), return_dict)

    def test_on_batch(
        self,
        x: Any,
        y: Any = None,
        sample_weight: Any = None,
        return_dict: bool = False,
    ) -> Any:
        """Returns the loss and metrics of one batch, without training."""
        self._assert_compiled()
        device = self._device()
        xs = da.to_structure(x, device, "x")
        ys = da.to_structure(y, device, "y")
        sw = da.to_structure(sample_weight, device, "sample_weight")
        runner = self._get_runner(xs, ys)
        runner.reset()
        runner.test_step(xs, ys, sw)
        return _format_logs(runner.logs(), return_dict)

    def predict_on_batch(self, x: Any) -> Any:
        """Returns the model's outputs for one batch, as numpy."""
        xs = da.to_structure(x, self._device(), "x")
        with torch.no_grad():
            out = self(xs, training=False)
        return _to_numpy(out)


def _format_logs(logs: dict, return_dict: bool) -> Any:
    if return_dict:
        return logs
    values = list(logs.values())
    return values[0] if len(values) == 1 else values


def _to_numpy(out: Any) -> Any:
    if isinstance(out, torch.Tensor):
        if out.dtype == torch.bfloat16:  # numpy has no bfloat16
            out = out.float()
        return out.detach().cpu().numpy()
    if isinstance(out, (list, tuple)):
        return type(out)(_to_numpy(o) for o in out)
    if isinstance(out, dict):
        return {k: _to_numpy(v) for k, v in out.items()}
    return np.asarray(out)
