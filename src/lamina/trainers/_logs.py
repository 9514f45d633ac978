"""Logs as Keras reports them: flat, sorted by name, floats read in one go."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch


def _flat(logs: Any, out: dict) -> dict:
    """Keras's order: keys sorted, a nested dict (`compile_metrics`) flattened
    in the place of its key, itself sorted."""
    for key, value in sorted(logs.items()):
        if isinstance(value, dict):
            _flat(value, out)
        else:
            out[key] = value
    return out


def to_floats(logs: Any) -> dict[str, float]:
    """A metrics dict (nested dicts flattened) as floats, in Keras's order.

    Every device tensor is read back in one transfer.
    """
    if not logs:
        return {}
    flat = _flat(logs, {})
    keys = list(flat)
    tensors = [
        k for k in keys if isinstance(flat[k], torch.Tensor) and flat[k].numel() == 1
    ]
    values: dict[str, Any] = {}
    if tensors:
        stacked = torch.stack(
            [flat[k].detach().reshape(-1)[0].float().cpu() for k in tensors]
        )
        values.update(zip(tensors, stacked.tolist()))
    for k in keys:
        if k not in values:
            value = flat[k]
            if isinstance(value, torch.Tensor):
                value = to_numpy(value)
            try:
                values[k] = float(np.asarray(value))
            except (TypeError, ValueError):
                values[k] = value
    return {k: values[k] for k in keys}


def ordered_values(model: Any, logs: dict) -> list:
    """Values in Keras's `evaluate` order: the loss, then names listed by
    `model.metrics` (compiled metrics one by one), then the rest by name."""
    names: list[str] = []
    for metric in model.metrics:
        inner = getattr(metric, "metrics", None)
        if metric.name == "compile_metrics" and inner is not None:
            # Keras matches them by name only for one output: with several,
            # the prefixed names fall to the sorted rest.
            if len(getattr(metric, "output_names", ())) <= 1:
                names.extend(m.name for m in inner)
        else:
            names.append(metric.name)
    out = [logs[n] for n in names if n in logs]
    out.extend(logs[k] for k in sorted(logs) if k not in names)
    return out


def format_logs(model: Any, logs: dict, return_dict: bool) -> Any:
    """A dict, a single float, or a list in Keras's order."""
    if return_dict:
        return logs
    values = ordered_values(model, logs)
    return values[0] if len(values) == 1 else values


def to_numpy(out: Any) -> Any:
    """Outputs (tensors in lists/tuples/dicts) as numpy arrays."""
    if isinstance(out, torch.Tensor):
        if out.dtype == torch.bfloat16:  # numpy has no bfloat16
            out = out.float()
        return out.detach().cpu().numpy()
    if isinstance(out, (list, tuple)):
        return type(out)(to_numpy(o) for o in out)
    if isinstance(out, dict):
        return {k: to_numpy(v) for k, v in out.items()}
    return np.asarray(out)
