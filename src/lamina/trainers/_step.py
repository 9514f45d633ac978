"""The built-in step, prepared once per `fit` / `evaluate` call.

`Model.train_step` / `test_step` are the public, overridable steps. When a model
overrides none of the step methods, `fit` runs this module's equivalent of the
default `train_step` instead: the same forward, loss, gradients, update and
metric updates, minus the per-step dict of results (logs are read from the
metrics at a bounded rate). Within it, the hand-written Dense step
(`_dense_fast`) is a further private choice from an allow-list.
"""

from __future__ import annotations

from typing import Any

import torch

from lamina.layers.base import Layer
from lamina.trainers import _dense_fast
from lamina.trainers import data_adapter as da
from lamina.trainers.compile_utils import (
    _NO_LOSS,
    as_list_of_outputs,
    check_target_values,
    check_targets,
    sample_weights_per_output,
    targets_per_output,
)

# Step methods a subclass may override; any override makes the loops call them.
TRAIN_HOOKS = ("train_step", "compute_loss", "compute_metrics", "get_metrics_result")
TEST_HOOKS = ("test_step", "compute_loss", "compute_metrics", "get_metrics_result")
PREDICT_HOOKS = ("predict_step",)


def _is_builtin(module: torch.nn.Module) -> bool:
    return type(module).__module__.startswith("lamina.")


def output_names(model: Any, y_pred: Any) -> list[str]:
    """The output names Keras uses in logs (`<name>_loss`)."""
    if isinstance(y_pred, dict):
        return list(y_pred.keys())
    names = getattr(model, "output_names", None)
    n = len(y_pred) if isinstance(y_pred, (list, tuple)) else 1
    if names and len(names) == n:
        return list(names)
    return ["output"] if n == 1 else [f"output_{i}" for i in range(n)]


def full_precision(t: Any) -> Any:
    """Losses and metrics run in float32 even when layers compute in half."""
    if isinstance(t, torch.Tensor) and t.dtype in (torch.float16, torch.bfloat16):
        return t.float()
    return t


def batch_size_of(x: Any) -> int:
    for t in da.flatten(x):
        if isinstance(t, torch.Tensor) and t.dim():
            return int(t.shape[0])
    return 1


class StepRunner:
    """The built-in train/test steps of a compiled model."""

    def __init__(self, model: Any) -> None:
        self.model = model
        self.names: list[str] = []
        self.needed: list[bool] | None = None  # per output: has a loss
        self.params: list[torch.Tensor] = []
        self.loss_layers: list = []
        self.reg_layers: list = []
        self.constraints: list = []
        self.prepared = False
        self.collected = False
        self._forward_loss: Any = None
        self._dense: Any = None

    # -- preparation ------------------------------------------------------------
    def prepare(self, x: Any, y: Any, fast: bool = True, collect: bool = True) -> None:
        """Sizes up the outputs once, then re-collects what the step needs and
        re-decides the fast paths (once per run: the model may have changed).

        Args:
            fast: whether the train step may take the hand-written Dense step.
            collect: False for the validation passes inside `fit`, which keep
                the run's choices.
        """
        model = self.model
        if not self.prepared:
            sample = da.take(x, slice(0, 2))
            with torch.no_grad():
                y_pred = model(sample, training=False)
            self.build(y_pred, None if y is None else da.take(y, slice(0, 2)))
        if y is not None and model._compile_loss is not None:
            check_targets(y, self.names, model._compile_loss.needed)
            check_target_values(y, self.names, model._compile_loss.losses)
        if collect or not self.collected:
            self._collect(fast)

    def build(self, y_pred: Any, y: Any) -> None:
        """Builds the compiled loss and metrics from one batch's structures."""
        model = self.model
        self.names = output_names(model, y_pred)
        compiled_loss = model._compile_loss
        if compiled_loss is not None:
            compiled_loss.build(self.names)
            check_targets(y, self.names, compiled_loss.needed)
            self.needed = compiled_loss.needed
        metrics = model._compile_metrics
        if metrics is not None and not metrics.built and y is not None:
            losses = compiled_loss.losses if compiled_loss else [None] * len(self.names)
            metrics.build(
                targets_per_output(y, self.names, self.needed),
                [full_precision(p) for p in as_list_of_outputs(y_pred, self.names)],
                self.names,
                losses,
            )
        self.prepared = True

    def collect_once(self) -> None:
        """Collects the weights for a custom step's `update` (once per run)."""
        if not self.collected:
            self._collect(fast=False)

    def _collect(self, fast: bool) -> None:
        self.collected = True
        model = self.model
        self.params = list(model.trainable_weights)
        if model.optimizer is not None:
            model.optimizer.build(self.params)
        layers = [m for m in model.modules() if isinstance(m, Layer)]
        self.loss_layers = [
            m
            for m in layers
            if m.activity_regularizer is not None or not _is_builtin(m)
        ]
        self.reg_layers = [m for m in layers if m._regularizers]
        self.constraints = model._constraint_pairs()
        for m in model.modules():  # Sequential plans re-decide once per run
            if "_plan" in m.__dict__:
                m.__dict__["_plan"] = None
        self._forward_loss = self._make_forward_loss()
        if fast:  # a test step never takes it; a train run always re-decides
            self._dense = _dense_fast.plan_for(model)

    def _make_forward_loss(self) -> Any:
        fn = self._forward_and_loss
        if getattr(self.model, "jit_compile", False):
            fn = torch.compile(fn)
        return fn

    # -- losses -------------------------------------------------------------------
    def _extra_losses(self) -> list[torch.Tensor]:
        extra = [t for m in self.loss_layers for t in m._call_losses]
        for m in self.reg_layers:
            extra.extend(reg(getattr(m, key)) for key, reg in m._regularizers)
        return extra

    def loss_of(self, yt: list, yp: list, sws: list) -> tuple:
        """Compiled loss plus `add_loss` and regularization terms."""
        compiled = self.model._compile_loss
        loss, parts = (None, []) if compiled is None else compiled(yt, yp, sws)
        if self.loss_layers or self.reg_layers:
            extra = self._extra_losses()
            if extra:
                dtype = torch.float32 if loss is None else loss.dtype
                total = torch.stack([e.to(dtype).sum() for e in extra]).sum()
                loss = total if loss is None else loss + total
        if loss is None:
            raise ValueError(_NO_LOSS)
        return loss, parts

    def _forward_and_loss(self, x: Any, y: Any, sw: Any) -> tuple:
        y_pred = self.model(x, training=True)
        yp = [full_precision(p) for p in as_list_of_outputs(y_pred, self.names)]
        yt = targets_per_output(y, self.names, self.needed)
        sws = sample_weights_per_output(sw, self.names)
        loss, parts = self.loss_of(yt, yp, sws)
        return loss, parts, yt, yp, sws

    # -- steps --------------------------------------------------------------------
    def train_step(self, x: Any, y: Any, sw: Any) -> torch.Tensor:
        dense = self._dense
        model = self.model
        if dense is not None and dense.usable(x, y, sw):
            loss, grads, y_pred = dense.step(x, y)
            model.optimizer.apply(grads, self.params)
            self._track(loss, [], [y], [y_pred], [None])
            return loss
        loss, parts, yt, yp, sws = self._forward_loss(x, y, sw)
        self.update(loss)
        self._track(loss, parts, yt, yp, sws)
        return loss

    def update(self, loss: torch.Tensor) -> None:
        """Gradients of `loss`, one optimizer update, then the constraints."""
        params = self.params
        optimizer = self.model.optimizer
        if params:  # a model may have no trainable weights at all
            scaled = (
                optimizer.scale_loss(loss) if hasattr(optimizer, "scale_loss") else loss
            )
            grads = torch.autograd.grad(scaled, params, allow_unused=True)
            optimizer.apply(list(grads), params)
        if self.constraints:
            with torch.no_grad():
                for p, c in self.constraints:
                    p.copy_(c(p))

    @torch.no_grad()
    def test_step(self, x: Any, y: Any, sw: Any) -> torch.Tensor:
        y_pred = self.model(x, training=False)
        yp = [full_precision(p) for p in as_list_of_outputs(y_pred, self.names)]
        yt = targets_per_output(y, self.names, self.needed)
        sws = sample_weights_per_output(sw, self.names)
        loss, parts = self.loss_of(yt, yp, sws)
        self._track(loss, parts, yt, yp, sws)
        return loss

    def _track(self, loss: Any, parts: list, yt: list, yp: list, sws: list) -> None:
        model = self.model
        n = int(yp[0].shape[0])
        model._loss_tracker._add(loss, n)
        if parts:
            model._compile_loss.track(parts, n)
        metrics = model._compile_metrics
        if metrics is not None and metrics.built:
            metrics.update_lists(
                [t.detach() if t is not None else None for t in yt],
                [p.detach() for p in yp],
                sws,
            )
