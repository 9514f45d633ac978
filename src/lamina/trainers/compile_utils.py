"""What `compile()` turns losses and metrics into, for one or several outputs."""

from __future__ import annotations

from typing import Any

import torch

from lamina.layers._symbolic import flatten


def _per_output(spec: Any, names: list[str], what: str) -> list:
    """One entry per output from a single value, a list, or a dict by output name."""
    if isinstance(spec, dict):
        unknown = set(spec) - set(names)
        if unknown:
            raise ValueError(
                f"`{what}` has keys {sorted(unknown)} that match no output. "
                f"The model's outputs are {names}."
            )
        return [spec.get(n) for n in names]
    if isinstance(spec, (list, tuple)) and len(names) > 1:
        if len(spec) != len(names):
            raise ValueError(
                f"`{what}` has {len(spec)} entries but the model has "
                f"{len(names)} outputs ({names})."
            )
        return list(spec)
    return [spec] * len(names)


def as_loss(identifier: Any) -> Any:
    """A `Loss` object for a name, function or Loss instance."""
    from lamina import losses

    if identifier is None:
        return None
    loss = losses.get(identifier)
    if isinstance(loss, losses.Loss):
        return loss
    name = getattr(identifier, "__name__", None) if callable(identifier) else identifier
    return losses.LossFunctionWrapper(loss, name=name)


class CompiledLoss:
    """Sums each output's loss times its weight."""

    def __init__(self, loss: Any, loss_weights: Any, output_names: list[str]) -> None:
        self.spec = loss
        self.weights_spec = loss_weights
        self.output_names = output_names
        self.losses: list = []
        self.weights: list[float] = []

    def build(self, output_names: list[str]) -> None:
        self.output_names = output_names
        specs = _per_output(self.spec, output_names, "loss")
        self.losses = [as_loss(s) for s in specs]
        if self.weights_spec is None:
            self.weights = [1.0] * len(output_names)
        else:
            self.weights = [
                1.0 if w is None else float(w)
                for w in _per_output(self.weights_spec, output_names, "loss_weights")
            ]

    def __call__(self, y_true: list, y_pred: list, sample_weight: list) -> torch.Tensor:
        total = None
        for loss, w, yt, yp, sw in zip(
            self.losses, self.weights, y_true, y_pred, sample_weight
        ):
            if loss is None or yt is None:
                continue
            value = loss(yt, yp, sample_weight=sw)
            if w != 1.0:
                value = value * w
            total = value if total is None else total + value
        if total is None:
            raise ValueError(
                "No loss to compute: give `loss` to compile() and `y` to fit()."
            )
        return total


class CompiledMetrics:
    """The compiled metrics of every output, updated on the device."""

    def __init__(self, metrics: Any, weighted_metrics: Any) -> None:
        self.metrics_spec = metrics
        self.weighted_spec = weighted_metrics
        self.unweighted: list[list] = []
        self.weighted: list[list] = []
        self.built = False

    def build(self, y_true: list, y_pred: list, names: list[str], losses: list) -> None:
        self.built = True
        if not self.metrics_spec and not self.weighted_spec:
            return
        from lamina.metrics import resolve_metric

        multi = len(names) > 1

        def resolve(spec: Any, prefix_weighted: bool) -> list[list]:
            out = []
            for i, entry in enumerate(_per_output_metrics(spec, names)):
                resolved = []
                for ident in entry:
                    m = resolve_metric(ident, y_true[i], y_pred[i], loss=losses[i])
                    if multi:
                        m.name = f"{names[i]}_{m.name}"
                    resolved.append(m)
                out.append(resolved)
            return out

        self.unweighted = resolve(self.metrics_spec, False)
        self.weighted = resolve(self.weighted_spec, True)
        device = y_pred[0].device
        for m in self.all():
            if hasattr(m, "to_device"):
                m.to_device(device)
        self.built = True

    def all(self) -> list:
        return [m for group in (*self.unweighted, *self.weighted) for m in group]

    @torch.no_grad()
    def update_state(self, y_true: list, y_pred: list, sample_weight: list) -> None:
        for i, group in enumerate(self.unweighted):
            for m in group:
                m.update_state(y_true[i], y_pred[i])
        for i, group in enumerate(self.weighted):
            for m in group:
                m.update_state(y_true[i], y_pred[i], sample_weight=sample_weight[i])

    def reset_state(self) -> None:
        for m in self.all():
            m.reset_state()

    def results(self) -> dict:
        return {m.name: m.result() for m in self.all()}


def _per_output_metrics(spec: Any, names: list[str]) -> list[list]:
    if spec is None:
        return [[] for _ in names]
    if isinstance(spec, dict):
        return [_as_list(spec.get(n)) for n in names]
    spec_list = list(spec) if isinstance(spec, (list, tuple)) else [spec]
    if (
        len(names) > 1
        and spec_list
        and all(isinstance(s, (list, tuple)) or s is None for s in spec_list)
    ):
        return [_as_list(s) for s in spec_list]
    return [spec_list for _ in names]


def _as_list(x: Any) -> list:
    if x is None:
        return []
    return list(x) if isinstance(x, (list, tuple)) else [x]


def as_list_of_outputs(structure: Any, names: list[str]) -> list:
    """Outputs (or targets) as a list in output order, from a tensor/list/dict."""
    if structure is None:
        return [None] * len(names)
    if isinstance(structure, dict):
        return [structure.get(n) for n in names]
    if isinstance(structure, (list, tuple)):
        return (
            list(structure)
            if len(names) > 1
            else [structure[0]]
            if len(structure) == 1
            else [structure]
        )
    return [structure]


__all__ = ["CompiledLoss", "CompiledMetrics", "as_list_of_outputs", "flatten"]
