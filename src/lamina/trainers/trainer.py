"""`Trainer`: compile / fit / evaluate / predict and the step methods, mixed into
`Model`.

As in Keras, `train_step(data)`, `test_step(data)` and `predict_step(data)` are
public and `fit` / `evaluate` / `predict` call them, so a subclass's override
is honoured; `compute_loss` and `compute_metrics` are the pieces they use. When
a model overrides none of them, the loops run the equivalent built-in step of
`_step.py` (the same arithmetic, with logs read from the metrics at a bounded
rate instead of a dict built per step).
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

import torch

from lamina import backend, optimizers
from lamina.metrics import Metric
from lamina.mixed_precision import LossScaleOptimizer, global_policy
from lamina.trainers import _fit
from lamina.trainers._logs import format_logs, to_numpy
from lamina.trainers._step import (
    StepRunner,
    as_list_of_outputs,
    batch_size_of,
    full_precision,
    sample_weights_per_output,
)
from lamina.trainers.compile_utils import (
    _NO_LOSS,
    CompiledLoss,
    CompiledMetrics,
    LossMean,
    check_targets,
    targets_per_output,
)

_NOT_COMPILED = (
    "You must call `compile()` before using the model. "
    "E.g. `model.compile(optimizer='adam', loss='mse')`."
)


def _unpack(data: Any) -> tuple[Any, Any, Any]:
    """`x`, `(x,)`, `(x, y)` or `(x, y, sample_weight)` as a triple."""
    if isinstance(data, list):
        data = tuple(data)
    if isinstance(data, tuple) and len(data) in (1, 2, 3):
        return (*data, None, None)[:3]
    return data, None, None


_WARNED: set[str] = set()


def _warn_once(key: str, message: str) -> None:
    """Warns about an accepted-but-ignored argument once per process."""
    if key not in _WARNED:
        _WARNED.add(key)
        warnings.warn(message, stacklevel=3)


if TYPE_CHECKING:
    # The mixin's host is a `Layer` (`Model(Trainer, Layer)`): its methods use the
    # host's `weights`, `losses`, `modules`, `eval` and `__call__`. Only the type
    # checker sees this base; at run time the mixin stays a plain class.
    from lamina.layers.base import Layer as _TrainerHost
else:
    _TrainerHost = object


class Trainer(_TrainerHost):
    """Keras's training API on a `torch.nn.Module` model."""

    def _init_trainer(self) -> None:
        self.compiled = False
        self.optimizer: Any = None
        self._loss_tracker: LossMean | None = None
        self._compile_loss: CompiledLoss | None = None
        self._compile_metrics: CompiledMetrics | None = None
        self.stop_training = False
        self.history: Any = None
        self._runner: StepRunner | None = None

    # -- compile ------------------------------------------------------------------
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
            loss: loss name, function or `Loss`; a list or dict for several
                outputs. None when the loss comes from `add_loss` or a custom
                `train_step`.
            loss_weights: weights of each output's loss.
            metrics: metrics to report (`["accuracy", "mae"]`), a list per
                output, or a dict keyed by output name.
            weighted_metrics: metrics that take `sample_weight`/`class_weight`.
            jit_compile: True compiles the train step with `torch.compile`.
        """
        if steps_per_execution != 1:
            _warn_once(
                "steps_per_execution",
                f"`steps_per_execution={steps_per_execution}` has no effect in "
                "lamina: steps run eagerly one by one (the numbers are the same); "
                "batch-level callbacks are called after every batch.",
            )
        self.optimizer = optimizers.get(optimizer)
        if (
            auto_scale_loss
            and global_policy().compute_dtype == "float16"
            and not isinstance(self.optimizer, LossScaleOptimizer)
        ):
            self.optimizer = LossScaleOptimizer(self.optimizer)
        self._loss_tracker = LossMean(name="loss")
        self._compile_loss = (
            None if loss is None else CompiledLoss(loss, loss_weights, [])
        )
        self._compile_metrics = (
            None
            if metrics is None and weighted_metrics is None
            else CompiledMetrics(metrics, weighted_metrics)
        )
        self.jit_compile = jit_compile is True
        self.run_eagerly = run_eagerly
        self.loss = loss
        self.compiled = True
        self._runner = None

    @property
    def compiled_loss(self) -> CompiledLoss | None:
        return self._compile_loss

    @property
    def compiled_metrics(self) -> CompiledMetrics | None:
        return self._compile_metrics

    def _assert_compiled(self) -> None:
        if not getattr(self, "compiled", False):
            raise ValueError(_NOT_COMPILED)

    def _device(self) -> torch.device:
        for t in self.weights:
            return t.device
        return backend.get_device()

    def _compiled_loss_tracker(self) -> LossMean:
        """The `loss` metric that `compile` makes.

        Raises:
            ValueError: when the model is not compiled.
        """
        if self._loss_tracker is None:
            raise ValueError(_NOT_COMPILED)
        return self._loss_tracker

    def _step_runner(self) -> StepRunner:
        if self._runner is None:
            self._runner = StepRunner(self)
        return self._runner

    def _uses_builtin(self, hooks: tuple[str, ...]) -> bool:
        """True when the class overrides none of `hooks` (nor `metrics`)."""
        cls = type(self)
        if cls.metrics is not Trainer.metrics:
            return False
        return all(getattr(cls, h) is getattr(Trainer, h) for h in hooks)

    # -- metrics ------------------------------------------------------------------
    @property
    def metrics(self) -> list:
        """The loss tracker first, then the compiled metrics, each output's loss
        tracker, and metrics held as attributes of the model or its layers."""
        out: list = []
        if getattr(self, "compiled", False):
            out.append(self._loss_tracker)
            if self._compile_metrics is not None:
                out.append(self._compile_metrics)
            if self._compile_loss is not None:
                out.extend(self._compile_loss.metrics)
        out.extend(self._tracked_metrics())
        return out

    def _tracked_metrics(self) -> list:
        own = {
            id(m) for m in (self._loss_tracker, self._compile_metrics) if m is not None
        }
        found: list = []
        for module in self.modules():
            if module is not self and isinstance(module, Trainer):
                continue
            for value in vars(module).values():
                if isinstance(value, Metric) and id(value) not in own:
                    own.add(id(value))
                    found.append(value)
        return found

    @property
    def metrics_names(self) -> list[str]:
        return [m.name for m in self.metrics]

    def reset_metrics(self) -> None:
        """Resets every metric in `self.metrics`."""
        for m in self.metrics:
            m.reset_state()

    def get_metrics_result(self) -> dict:
        """The current value of every metric in `self.metrics`, by name."""
        out: dict = {}
        for metric in self.metrics:
            result = metric.result()
            if isinstance(result, dict):
                out.update(result)
            else:
                out[metric.name] = result
        return out

    # -- the step pieces ------------------------------------------------------------
    def _built_runner(self, y_pred: Any, y: Any) -> StepRunner:
        runner = self._step_runner()
        if not runner.prepared:
            runner.build(y_pred, y)
        return runner

    def compute_loss(
        self,
        x: Any = None,
        y: Any = None,
        y_pred: Any = None,
        sample_weight: Any = None,
        training: bool = True,
    ) -> torch.Tensor:
        """The total loss: the compiled loss plus `self.losses` (`add_loss` terms
        and weight regularization). Subclasses may override it.

        Raises:
            ValueError: when there is no loss at all, or `y` does not match the
                outputs.
        """
        del x, training
        runner = self._built_runner(y_pred, y)
        names = runner.names
        total = None
        compiled = self._compile_loss
        if compiled is not None:
            check_targets(y, names, compiled.needed)
            yp = [full_precision(p) for p in as_list_of_outputs(y_pred, names)]
            total, parts = compiled(
                targets_per_output(y, names, runner.needed),
                yp,
                sample_weights_per_output(sample_weight, names),
            )
            compiled.track(parts, int(yp[0].shape[0]))
        for extra in self.losses:
            term = extra.sum()
            if not term.is_floating_point():
                term = term.float()
            total = term if total is None else total + term
        if total is None:
            raise ValueError(_NO_LOSS)
        return total

    def compute_metrics(
        self, x: Any, y: Any, y_pred: Any, sample_weight: Any = None
    ) -> dict:
        """Updates the compiled metrics; returns `get_metrics_result()`."""
        del x
        metrics = self._compile_metrics
        if metrics is not None:
            runner = self._built_runner(y_pred, y)
            names = runner.names
            metrics.update_lists(
                [
                    None if t is None else t.detach()
                    for t in targets_per_output(y, names, runner.needed)
                ],
                [full_precision(p).detach() for p in as_list_of_outputs(y_pred, names)],
                sample_weights_per_output(sample_weight, names),
            )
        return self.get_metrics_result()

    def _compute_loss_compat(self, **kwargs: Any) -> torch.Tensor:
        """Calls `compute_loss`, also when an override has no `training` argument
        (it was added in Keras 3.3)."""
        try:
            return self.compute_loss(**kwargs)
        except TypeError as err:
            if "training" not in str(err):
                raise
            kwargs.pop("training")
            return self.compute_loss(**kwargs)

    def train_step(self, data: Any) -> dict:
        """One training step on a batch `data` = `(x, y)` or `(x, y, sample_weight)`.

        Forward pass, `compute_loss`, gradients, one optimizer update, then
        `compute_metrics`. Returns the dict of metric values that `fit` logs.
        """
        x, y, sample_weight = _unpack(data)
        y_pred = self(x, training=True)
        loss = self._compute_loss_compat(
            x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=True
        )
        self._compiled_loss_tracker()._add(loss, batch_size_of(x))
        runner = self._step_runner()
        runner.collect_once()
        runner.update(loss)
        return self.compute_metrics(x, y, y_pred, sample_weight=sample_weight)

    def test_step(self, data: Any) -> dict:
        """One evaluation step: forward, `compute_loss`, `compute_metrics`."""
        x, y, sample_weight = _unpack(data)
        with torch.no_grad():
            y_pred = self(x, training=False)
            loss = self._compute_loss_compat(
                x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=False
            )
        self._compiled_loss_tracker()._add(loss, batch_size_of(x))
        return self.compute_metrics(x, y, y_pred, sample_weight=sample_weight)

    def predict_step(self, data: Any) -> Any:
        """The model's outputs for one batch `data` = `(x,)`."""
        x, _, _ = _unpack(data)
        return self(x, training=False)

    # -- the loops ----------------------------------------------------------------
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
            x, y: inputs and targets (numpy, torch, pandas, lists, dicts), or
                an iterable of batches (a DataLoader, a generator) as `x`.
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
        self._assert_compiled()
        data = _fit.FitData(
            x=x,
            y=y,
            sample_weight=sample_weight,
            class_weight=class_weight,
            batch_size=batch_size,
            shuffle=shuffle,
            steps_per_epoch=steps_per_epoch,
            validation_split=validation_split,
            validation_data=validation_data,
            validation_steps=validation_steps,
            validation_batch_size=validation_batch_size,
        )
        return _fit.run_fit(
            self,
            data,
            epochs=epochs,
            initial_epoch=initial_epoch,
            verbose=verbose,
            callbacks=callbacks,
            validation_freq=validation_freq,
        )

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
        kwargs.pop("_use_cached_eval_dataset", None)  # Keras's private fit flag
        if kwargs:
            raise ValueError(f"Arguments not recognized: {kwargs}")
        self._assert_compiled()
        logs = _fit.run_evaluate(
            self,
            x=x,
            y=y,
            sample_weight=sample_weight,
            batch_size=batch_size,
            steps=steps,
            verbose=verbose,
            callbacks=callbacks,
        )
        return format_logs(self, logs, return_dict)

    def predict(
        self,
        x: Any,
        batch_size: int | None = None,
        verbose: Any = "auto",
        steps: int | None = None,
        callbacks: list | None = None,
    ) -> Any:
        """Returns the model's outputs for `x` as numpy arrays, batch by batch."""
        return _fit.run_predict(
            self,
            x=x,
            batch_size=batch_size,
            verbose=verbose,
            steps=steps,
            callbacks=callbacks,
        )

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
        batch = _fit.one_batch(self, x, y, sample_weight, class_weight)
        self.reset_metrics()
        step = _fit.train_step_for(self, batch)
        step(*batch)
        return format_logs(self, step.logs(), return_dict)

    def test_on_batch(
        self,
        x: Any,
        y: Any = None,
        sample_weight: Any = None,
        return_dict: bool = False,
    ) -> Any:
        """Returns the loss and metrics of one batch, without training."""
        self._assert_compiled()
        batch = _fit.one_batch(self, x, y, sample_weight, None)
        self.reset_metrics()
        step = _fit.eval_step_for(self, batch, within_fit=False)
        step(*batch)
        return format_logs(self, step.logs(), return_dict)

    def predict_on_batch(self, x: Any) -> Any:
        """Returns the model's outputs for one batch, as numpy."""
        xs = _fit.prepare_x(self, x)
        self.eval()
        with torch.no_grad():
            out = self.predict_step((xs,))
        return to_numpy(out)


__all__ = ["Trainer"]
