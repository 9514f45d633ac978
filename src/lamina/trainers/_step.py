"""One training / evaluation step, and what it needs prepared once per run."""

from __future__ import annotations

from typing import Any

import torch

from lamina.trainers import data_adapter as da
from lamina.trainers.compile_utils import as_list_of_outputs


class LossTracker:
    """Running mean of the batch losses, weighted by batch size, on the device."""

    name = "loss"

    def __init__(self) -> None:
        self.total: torch.Tensor | None = None
        self.count = 0

    def update(self, loss: torch.Tensor, n: int) -> None:
        if self.total is None:
            self.total = loss.detach() * n
        else:  # one in-place op per step
            self.total.add_(loss.detach(), alpha=n)
        self.count += n

    def result(self) -> torch.Tensor:
        if self.total is None:
            return torch.tensor(0.0)
        return self.total / max(self.count, 1)

    def reset_state(self) -> None:
        self.total = None
        self.count = 0


def _is_builtin(module: torch.nn.Module) -> bool:
    return type(module).__module__.startswith("lamina.")


class StepRunner:
    """Runs train/test steps for a compiled model."""

    def __init__(self, model: Any) -> None:
        self.model = model
        self.loss_tracker = LossTracker()
        self.names: list[str] = []
        self.params: list[torch.Tensor] = []
        self.loss_layers: list = []
        self.reg_layers: list = []
        self.constraints: list = []
        self.prepared = False
        self._forward_loss: Any = None
        self._dense: Any = None

    # -- preparation ------------------------------------------------------------
    def prepare(self, x: Any, y: Any) -> None:
        model = self.model
        if not self.prepared:
            sample = da.take(x, slice(0, 2))
            with torch.no_grad():
                y_pred = model(sample, training=False)
            self.names = _output_names(model, y_pred)
            model.compiled_loss.build(self.names)
            if y is not None:
                y_list = as_list_of_outputs(da.take(y, slice(0, 2)), self.names)
                yp_list = as_list_of_outputs(y_pred, self.names)
                model.compiled_metrics.build(
                    y_list, yp_list, self.names, model.compiled_loss.losses
                )
            self.prepared = True
        self._collect()

    def _collect(self) -> None:
        from lamina.layers.base import Layer

        model = self.model
        self.params = list(model.trainable_weights)
        model.optimizer.build(self.params)
        layers = [m for m in model.modules() if isinstance(m, Layer)]
        self.loss_layers = [
            m
            for m in layers
            if m.activity_regularizer is not None or not _is_builtin(m)
        ]
        self.reg_layers = [m for m in layers if m._regularizers]
        self.constraints = model._constraint_pairs()
        self._forward_loss = self._make_forward_loss()
        from lamina.trainers._dense_fast import plan_for

        self._dense = plan_for(model)

    def _make_forward_loss(self) -> Any:
        fn = self._forward_and_loss
        if getattr(self.model, "jit_compile", False):
            fn = torch.compile(fn)
        return fn

    # -- steps --------------------------------------------------------------------
    def _extra_losses(self) -> list[torch.Tensor]:
        extra = [t for m in self.loss_layers for t in m._call_losses]
        for m in self.reg_layers:
            extra.extend(reg(getattr(m, key)) for key, reg in m._regularizers)
        return extra

    def _forward_and_loss(self, x: Any, y: Any, sw: Any) -> tuple:
        model = self.model
        y_pred = model(x, training=True)
        yp = [_full_precision(p) for p in as_list_of_outputs(y_pred, self.names)]
        yt = as_list_of_outputs(y, self.names)
        sws = [sw] * len(self.names)
        loss = model.compiled_loss(yt, yp, sws)
        if self.loss_layers or self.reg_layers:
            extra = self._extra_losses()
            if extra:
                loss = loss + torch.stack([e.to(loss.dtype) for e in extra]).sum()
        return loss, yt, yp, sws

    def train_step(self, x: Any, y: Any, sw: Any) -> torch.Tensor:
        dense = self._dense
        if dense is not None and dense.usable(x, y, sw):
            loss, grads, y_pred = dense.step(x, y)
            self.model.optimizer.apply(grads, self.params)
            self._track(loss, [y], [y_pred], [None])
            return loss
        loss, yt, yp, sws = self._forward_loss(x, y, sw)
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
        self._track(loss, yt, yp, sws)
        return loss

    @torch.no_grad()
    def test_step(self, x: Any, y: Any, sw: Any) -> torch.Tensor:
        model = self.model
        y_pred = model(x, training=False)
        yp = [_full_precision(p) for p in as_list_of_outputs(y_pred, self.names)]
        yt = as_list_of_outputs(y, self.names)
        sws = [sw] * len(self.names)
        loss = model.compiled_loss(yt, yp, sws)
        if self.loss_layers or self.reg_layers:
            extra = self._extra_losses()
            if extra:
                loss = loss + torch.stack([e.to(loss.dtype) for e in extra]).sum()
        self._track(loss, yt, yp, sws)
        return loss

    def _track(self, loss: torch.Tensor, yt: list, yp: list, sws: list) -> None:
        n = int(yp[0].shape[0])
        self.loss_tracker.update(loss, n)
        metrics = self.model.compiled_metrics
        if metrics.built:
            metrics.update_state(
                [t.detach() if t is not None else None for t in yt],
                [p.detach() for p in yp],
                sws,
            )

    def reset(self) -> None:
        self.loss_tracker.reset_state()
        self.model.compiled_metrics.reset_state()

    def logs(self) -> dict[str, float]:
        """Current loss and metrics as floats (one read from the device)."""
        values = {"loss": self.loss_tracker.result()}
        if self.model.compiled_metrics.built:
            values.update(self.model.compiled_metrics.results())
        stacked = torch.stack(
            [
                torch.as_tensor(v, dtype=torch.float32).reshape(()).to("cpu")
                if not isinstance(v, torch.Tensor)
                else v.detach().float().reshape(()).cpu()
                for v in values.values()
            ]
        )
        return dict(zip(values.keys(), stacked.tolist()))


def _output_names(model: Any, y_pred: Any) -> list[str]:
    names = getattr(model, "output_names", None)
    n = len(y_pred) if isinstance(y_pred, (list, tuple, dict)) else 1
    if isinstance(y_pred, dict):
        return list(y_pred.keys())
    if names and len(names) == n:
        return list(names)
    return ["output"] if n == 1 else [f"output_{i}" for i in range(n)]


def _full_precision(t: Any) -> Any:
    """Losses and metrics run in float32 even when layers compute in half."""
    if isinstance(t, torch.Tensor) and t.dtype in (torch.float16, torch.bfloat16):
        return t.float()
    return t
