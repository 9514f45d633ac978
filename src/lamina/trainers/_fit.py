"""The epoch loops behind `fit`, `evaluate` and `predict`."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from lamina.callbacks.callback_list import CallbackList
from lamina.trainers import data_adapter as da
from lamina.trainers._sources import ArraySource, check_validation_split, make_source


def _verbose(verbose: Any) -> int:
    return 1 if verbose == "auto" else int(verbose)


def _batch_size(batch_size: Any, name: str = "batch_size") -> int:
    if batch_size is None:
        return 32
    if (
        isinstance(batch_size, bool)
        or not isinstance(batch_size, (int, np.integer))
        or batch_size <= 0
    ):
        raise ValueError(
            f"`{name}` must be a positive integer. Received: {name}={batch_size!r}"
        )
    return int(batch_size)


def _prepare_arrays(
    model: Any, x: Any, y: Any, sw: Any, class_weight: Any = None
) -> tuple:
    if x is None:
        raise ValueError("`x` must be given: the input data.")
    device = model._device()
    xs = da.to_structure(x, device, "x")
    ys = da.to_structure(y, device, "y")
    sws = da.to_structure(sw, device, "sample_weight")
    n = da.num_samples(xs, ys, sws)
    if class_weight is not None:
        if ys is None or not isinstance(ys, torch.Tensor):
            raise ValueError("`class_weight` needs a single array of targets `y`.")
        cw = da.class_weights_to_sample_weights(ys, class_weight)
        sws = cw if sws is None else sws * cw
    return xs, ys, sws, n


def _training_source(model: Any, args: dict, batch_size: int) -> tuple:
    """The training source and the validation source (or None)."""
    device = model._device()
    source = make_source(
        args["x"],
        args["y"],
        args["sample_weight"],
        device=device,
        batch_size=batch_size,
        steps=args["steps_per_epoch"],
        shuffle=bool(args["shuffle"]),
        class_weight=args["class_weight"],
    )
    val_bs = _batch_size(
        args["validation_batch_size"] or batch_size, "validation_batch_size"
    )
    val = None
    if args["validation_data"] is not None:
        val = make_source(
            args["validation_data"],
            device=device,
            batch_size=val_bs,
            steps=args["validation_steps"],
        )
        if val is None:
            vx, vy, vsw = da.unpack_validation_data(args["validation_data"])
            val = ArraySource(
                *_prepare_arrays(model, vx, vy, vsw)[:3], val_bs, False, device
            )
    if source is not None:
        if args["validation_split"] and val is None:
            check_validation_split(args["x"], args["y"], args["sample_weight"])
        return source, val
    x, y, sw, n = _prepare_arrays(
        model, args["x"], args["y"], args["sample_weight"], args["class_weight"]
    )
    if val is None and args["validation_split"]:
        (x, y, sw), (vx, vy, vsw) = da.split_validation(
            (x, y, sw), args["validation_split"], n
        )
        val = ArraySource(vx, vy, vsw, val_bs, False, device)
    return ArraySource(x, y, sw, batch_size, bool(args["shuffle"]), device), val


def run_fit(model: Any, args: dict) -> Any:
    epochs = int(args["epochs"])
    verbose = _verbose(args["verbose"])
    source, val = _training_source(model, args, _batch_size(args["batch_size"]))
    runner = model._get_runner(*source.sample())
    steps = args["steps_per_epoch"] or source.steps
    callbacks = CallbackList(
        args["callbacks"],
        model=model,
        add_history=True,
        add_progbar=verbose > 0,
        verbose=verbose,
        epochs=epochs,
        steps=steps,
    )
    model.stop_training = False
    callbacks.on_train_begin()
    logs: dict | None = None
    for epoch in range(int(args["initial_epoch"]), epochs):
        runner.reset()
        callbacks.on_epoch_begin(epoch)
        model.train()
        _train_epoch(runner, callbacks, source.batches(steps))
        model.eval()
        if source.seen == 0:  # the input ran out (warned): no epoch to report
            break
        logs = runner.logs()
        if val is not None and (epoch + 1) % args["validation_freq"] == 0:
            val_logs = _evaluate_source(runner, val, args["validation_steps"])
            if val.seen:  # an exhausted validation input reports nothing
                logs.update({f"val_{k}": v for k, v in val_logs.items()})
        callbacks.on_epoch_end(epoch, logs)
        if model.stop_training or source.exhausted:
            break
    callbacks.on_train_end(logs)
    return callbacks.history


def _train_epoch(runner: Any, callbacks: CallbackList, batches: Any) -> None:
    model = runner.model
    progbar = callbacks.progbar
    if progbar is not None and not progbar.live:
        progbar = None
    batch_hooks = callbacks.wants_batch_logs("train")
    for step, (x, y, sw) in enumerate(batches):
        if batch_hooks:
            callbacks.batch_begin("train", step)
        runner.train_step(x, y, sw)
        if progbar is not None:
            progbar.update(step + 1, runner.logs)
        if batch_hooks:
            callbacks.batch_end("train", step, runner.logs)
        if model.stop_training:
            break


def _evaluate_source(
    runner: Any, source: Any, steps: int | None, callbacks: CallbackList | None = None
) -> dict:
    runner.reset()
    hooks = callbacks is not None and callbacks.wants_batch_logs("test")
    for step, (x, y, sw) in enumerate(source.batches(steps)):
        if hooks:
            callbacks.batch_begin("test", step)
        runner.test_step(x, y, sw)
        if hooks:
            callbacks.batch_end("test", step, runner.logs)
    return runner.logs()


def run_evaluate(
    model: Any,
    x: Any,
    y: Any,
    sw: Any,
    batch_size: Any,
    steps: Any,
    verbose: Any,
    callbacks: Any,
) -> dict:
    device = model._device()
    source = make_source(
        x, y, sw, device=device, batch_size=_batch_size(batch_size), steps=steps
    )
    if source is None:
        xs, ys, sws, _ = _prepare_arrays(model, x, y, sw)
        source = ArraySource(xs, ys, sws, _batch_size(batch_size), False, device)
    runner = model._get_runner(*source.sample())
    cbs = CallbackList(
        callbacks,
        model=model,
        add_progbar=_verbose(verbose) > 0,
        verbose=_verbose(verbose),
        epochs=1,
        steps=steps or source.steps,
        mode="evaluate",
    )
    cbs.on_test_begin()
    model.eval()
    logs = _evaluate_source(runner, source, steps, cbs)
    cbs.on_test_end(logs)
    return logs


def run_predict(
    model: Any, x: Any, batch_size: Any, verbose: Any, steps: Any, callbacks: Any
) -> Any:
    from lamina.trainers.trainer import _to_numpy

    device = model._device()
    source = make_source(
        x, device=device, batch_size=_batch_size(batch_size), steps=steps
    )
    if source is None:
        source = ArraySource(
            da.to_structure(x, device, "x"),
            None,
            None,
            _batch_size(batch_size),
            False,
            device,
        )
    batches = [b[0] for b in source.batches(steps or source.steps)]
    cbs = CallbackList(
        callbacks,
        model=model,
        add_progbar=_verbose(verbose) > 0,
        verbose=_verbose(verbose),
        epochs=1,
        steps=len(batches),
        mode="predict",
    )
    cbs.on_predict_begin()
    model.eval()
    outputs = []
    hooks = cbs.wants_batch_logs("predict")
    with torch.no_grad():
        for step, xb in enumerate(batches):
            if hooks:
                cbs.batch_begin("predict", step)
            out = model(xb, training=False)
            outputs.append(out)
            if hooks:
                cbs.batch_end("predict", step, lambda o=out: {"outputs": o})
    cbs.on_predict_end()
    return _to_numpy(_concat(outputs))


def _concat(outputs: list) -> Any:
    first = outputs[0]
    if isinstance(first, torch.Tensor):
        return first if len(outputs) == 1 else torch.cat(outputs)
    if isinstance(first, (list, tuple)):
        return type(first)(_concat([o[i] for o in outputs]) for i in range(len(first)))
    if isinstance(first, dict):
        return {k: _concat([o[k] for o in outputs]) for k in first}
    return outputs
