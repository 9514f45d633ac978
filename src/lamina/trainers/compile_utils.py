"""What `compile()` turns losses and metrics into, for one or several outputs.

Targets and predictions travel as lists in output order inside the step; the
structure the user gave (`y` as an array, a list, or a dict keyed by output
name) is checked against the outputs once, with a message naming both.
"""

from __future__ import annotations

from typing import Any

import torch

from lamina import losses as losses_module
from lamina.layers._symbolic import flatten
from lamina.metrics import Mean, Metric, resolve_metric

_NO_LOSS = "No loss to compute. Provide a `loss` argument in `compile()`."


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
    if isinstance(spec, (list, tuple)) and len(spec) == 1 and len(names) == 1:
        return list(spec)
    return [spec] * len(names)


def as_loss(identifier: Any) -> Any:
    """A `Loss` object for a name, function or Loss instance."""
    if identifier is None:
        return None
    loss = losses_module.get(identifier)
    if isinstance(loss, losses_module.Loss):
        return loss
    name = getattr(identifier, "__name__", None) if callable(identifier) else identifier
    return losses_module.LossFunctionWrapper(loss, name=name)


def _describe(structure: Any) -> str:
    if isinstance(structure, dict):
        return f"a dict with keys {sorted(structure)}"
    if isinstance(structure, (list, tuple)):
        return f"a {type(structure).__name__} of {len(structure)} arrays"
    return "a single array"


def check_targets(y: Any, names: list[str], needed: list[bool]) -> None:
    """Refuses a `y` whose structure does not match the outputs.

    Args:
        y: the targets as given (one batch or the whole data).
        names: the output names, in order.
        needed: per output, whether it has a loss (and so needs a target).
    """
    if y is None:
        return
    n = len(names)
    hint = f"The model has {n} output{'s' if n > 1 else ''} {names}; pass " + (
        f"a list of {n} arrays or a dict with keys {names}."
        if n > 1
        else "one array (or a dict keyed by the output name)."
    )
    if isinstance(y, dict):
        unknown = sorted(set(y) - set(names))
        missing = [m for m, need in zip(names, needed) if need and m not in y]
        if unknown or missing:
            raise ValueError(
                f"`y` does not match the model's outputs: received {_describe(y)}"
                + (f"; no output is named {unknown}" if unknown else "")
                + (f"; no target for {missing}" if missing else "")
                + f". {hint}"
            )
        return
    if n == 1:
        if isinstance(y, (list, tuple)) and len(y) != 1:
            raise ValueError(
                f"`y` does not match the model's outputs: received {_describe(y)}. "
                f"{hint}"
            )
        return
    if not isinstance(y, (list, tuple)) or len(y) not in (n, sum(needed)):
        raise ValueError(
            f"`y` does not match the model's outputs: received {_describe(y)}. {hint}"
        )


_BINARY_LOSSES = ("binary_crossentropy", "binary_focal_crossentropy")


def _loss_name(loss: Any) -> str:
    fn = getattr(loss, "fn", loss)
    return str(getattr(fn, "__name__", type(loss).__name__))


def check_target_values(y: Any, names: list[str], losses: list) -> None:
    """Refuses binary cross-entropy targets outside [0, 1], once per run (one
    read of the targets' range from the device), naming the output."""
    targets = as_list_of_outputs(y, names) if len(names) > 1 else [y]
    for name, loss, t in zip(names, losses, targets):
        if loss is None or not isinstance(t, torch.Tensor) or t.numel() == 0:
            continue
        if _loss_name(loss) not in _BINARY_LOSSES:
            continue
        low, high = (float(v) for v in torch.aminmax(t.float()))
        if low < 0 or high > 1:
            bad = low if low < 0 else high
            raise ValueError(
                f"Binary cross-entropy needs targets in [0, 1], but the targets of "
                f"output '{name}' hold {bad:g} (range [{low:g}, {high:g}]). For "
                "labels of more than two classes use "
                "`loss='sparse_categorical_crossentropy'` with one output unit per "
                "class; for 0/1 labels coded otherwise, map them to 0 and 1."
            )


class LossMean(Mean):
    """Keras's `Mean` for losses, with a one-op update for the built-in step.

    `_add(loss, n)` adds `loss * n` to the total on the device and counts `n`
    on the host; `result()` folds the count in. `update_state` is `Mean`'s, for
    custom steps that call it.
    """

    def __init__(self, name: str = "loss", dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)
        self._pending = 0

    def _add(self, value: torch.Tensor, n: int) -> None:
        if value.device != self._device:
            self.to_device(value.device)
        self.total.add_(value.detach(), alpha=n)
        self._pending += n

    def result(self) -> torch.Tensor:
        if self._pending:
            self.count.add_(self._pending)
            self._pending = 0
        return super().result()

    def reset_state(self) -> None:
        self._pending = 0
        super().reset_state()


class CompiledLoss:
    """Sums each output's loss times its weight; tracks each output's loss.

    With more than one loss, a `Mean` named `<output>_loss` per output records
    the unweighted loss, as Keras logs it.
    """

    def __init__(self, loss: Any, loss_weights: Any, output_names: list[str]) -> None:
        self.spec = loss
        self.weights_spec = loss_weights
        self.output_names = output_names
        self.losses: list = []
        self.weights: list[float] = []
        self.metrics: list[LossMean] = []
        self.built = False

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
        used = [name for name, loss in zip(output_names, self.losses) if loss]
        self.metrics = (
            [LossMean(name=f"{name}_loss") for name in used] if len(used) > 1 else []
        )
        self._tracker_of = dict(zip(used, self.metrics))
        self.built = True

    @property
    def needed(self) -> list[bool]:
        """Per output, whether it has a loss (and so needs a target)."""
        return [loss is not None for loss in self.losses]

    def __call__(self, y_true: list, y_pred: list, sample_weight: list) -> tuple:
        """Returns `(total or None, [(output name, unweighted loss), ...])`."""
        total = None
        parts = []
        for name, loss, w, yt, yp, sw in zip(
            self.output_names,
            self.losses,
            self.weights,
            y_true,
            y_pred,
            sample_weight,
        ):
            if loss is None or yt is None:
                continue
            value = loss(yt, yp, sample_weight=sw)
            parts.append((name, value))
            if w != 1.0:
                value = value * w
            total = value if total is None else total + value
        return total, parts

    def track(self, parts: list, batch_size: int) -> None:
        """Records each output's unweighted loss in its `<output>_loss` mean."""
        for name, value in parts:
            tracker = self._tracker_of.get(name)
            if tracker is not None:
                tracker._add(value, batch_size)


class CompiledMetrics(Metric):
    """The compiled metrics of every output, as one metric named `compile_metrics`.

    `update_state(y_true, y_pred, sample_weight)` takes the structures the
    model and the data use; `result()` returns a dict of every metric's value,
    as Keras's `CompileMetrics` does. Built on the first update.
    """

    def __init__(self, metrics: Any, weighted_metrics: Any) -> None:
        super().__init__(name="compile_metrics")
        self.metrics_spec = metrics
        self.weighted_spec = weighted_metrics
        self.unweighted: list[list] = []
        self.weighted: list[list] = []
        self.output_names: list[str] = []
        self.built = False

    @property
    def empty(self) -> bool:
        return not self.metrics_spec and not self.weighted_spec

    def build(self, y_true: list, y_pred: list, names: list[str], losses: list) -> None:
        self.built = True
        self.output_names = names
        if self.empty:
            return
        multi = len(names) > 1

        def resolve(spec: Any) -> list[list]:
            out: list[list] = []
            for i, entry in enumerate(_per_output_metrics(spec, names)):
                if y_true[i] is None:  # no target for this output: nothing to score
                    out.append([])
                    continue
                resolved = []
                for ident in entry:
                    m = resolve_metric(ident, y_true[i], y_pred[i], loss=losses[i])
                    if multi:
                        m.name = f"{names[i]}_{m.name}"
                    resolved.append(m)
                out.append(resolved)
            return out

        self.unweighted = resolve(self.metrics_spec)
        self.weighted = resolve(self.weighted_spec)
        device = y_pred[0].device
        for m in self.all():
            if hasattr(m, "to_device"):
                m.to_device(device)

    def all(self) -> list:
        return [m for group in (*self.unweighted, *self.weighted) for m in group]

    @property
    def metrics(self) -> list:
        """The metrics inside, in order."""
        return self.all()

    @property
    def variables(self) -> list[torch.Tensor]:
        return [v for m in self.all() for v in m.variables]

    @torch.no_grad()
    def update_lists(self, y_true: list, y_pred: list, sample_weight: list) -> None:
        """Updates from per-output lists (the step's own layout)."""
        for i, group in enumerate(self.unweighted):
            if y_true[i] is None:  # an output given no target
                continue
            for m in group:
                m.update_state(y_true[i], y_pred[i])
        for i, group in enumerate(self.weighted):
            if y_true[i] is None:
                continue
            for m in group:
                m.update_state(y_true[i], y_pred[i], sample_weight=sample_weight[i])

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        """Updates every metric from the model's outputs and the targets."""
        names = self.output_names or _names_of(y_pred)
        yt = as_list_of_outputs(y_true, names)
        yp = as_list_of_outputs(y_pred, names)
        sws = sample_weights_per_output(sample_weight, names)
        if not self.built:
            self.build(yt, yp, names, [None] * len(names))
        self.update_lists(yt, yp, sws)

    def reset_state(self) -> None:
        for m in self.all():
            m.reset_state()

    def result(self) -> dict:
        """Every metric's value by log key, named as Keras names them: a repeated
        name gets `_1`, `_2`, ...; a weighted metric repeating a name becomes
        `weighted_<name>` (after the output prefix)."""
        results: dict = {}
        counts: dict[str, int] = {}

        def add(name: str, value: Any) -> None:
            if name in counts:
                counts[name] += 1
                name = f"{name}_{counts[name] - 1}"
            else:
                counts[name] = 1
            results[name] = value

        for m in (m for group in self.unweighted for m in group):
            add(m.name, m.result())
        for i, group in enumerate(self.weighted):
            prefix = f"{self.output_names[i]}_" if len(self.output_names) > 1 else ""
            for m in group:
                name = m.name
                if name in counts:
                    name = f"{prefix}weighted_{name.removeprefix(prefix)}"
                add(name, m.result())
        return results

    def to_device(self, device: Any) -> None:
        for m in self.all():
            m.to_device(device)


def _names_of(y_pred: Any) -> list[str]:
    if isinstance(y_pred, dict):
        return list(y_pred)
    if isinstance(y_pred, (list, tuple)):
        return [f"output_{i}" for i in range(len(y_pred))]
    return ["output"]


def _per_output_metrics(spec: Any, names: list[str]) -> list[list]:
    if spec is None:
        return [[] for _ in names]
    if isinstance(spec, dict):
        unknown = set(spec) - set(names)
        if unknown:
            raise ValueError(
                f"`metrics` has keys {sorted(unknown)} that match no output. "
                f"The model's outputs are {names}."
            )
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
        if len(names) > 1:
            return list(structure)
        return [structure[0]] if len(structure) == 1 else [structure]
    return [structure]


def targets_per_output(y: Any, names: list[str], needed: list[bool] | None) -> list:
    """Targets in output order. As in Keras, a list holding one array per output
    that has a loss (`loss=[None, "mse"]`, `y=[y_b]`) is spread over those
    outputs."""
    if (
        needed is not None
        and isinstance(y, (list, tuple))
        and len(names) > 1
        and len(y) == sum(needed) < len(names)
    ):
        given = iter(y)
        return [next(given) if need else None for need in needed]
    return as_list_of_outputs(y, names)


def sample_weights_per_output(sample_weight: Any, names: list[str]) -> list:
    """One sample weight per output: shared, or given per output (list/dict)."""
    if isinstance(sample_weight, dict):
        return [sample_weight.get(n) for n in names]
    if isinstance(sample_weight, (list, tuple)) and len(names) > 1:
        return list(sample_weight)
    return [sample_weight] * len(names)


__all__ = [
    "CompiledLoss",
    "CompiledMetrics",
    "LossMean",
    "as_list_of_outputs",
    "check_targets",
    "flatten",
    "sample_weights_per_output",
    "targets_per_output",
]
