"""The epoch loops behind `fit`, `evaluate` and `predict`."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import torch

from lamina.callbacks.callback_list import CallbackList
from lamina.trainers import data_adapter as da


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


def run_fit(model: Any, args: dict) -> Any:
    epochs = int(args["epochs"])
    batch_size = _batch_size(args["batch_size"])
    verbose = _verbose(args["verbose"])
    x, y, sw, n = _prepare_arrays(
        model, args["x"], args["y"], args["sample_weight"], args["class_weight"]
    )
    val = None
    if args["validation_data"] is not None:
        vx, vy, vsw = da.unpack_validation_data(args["validation_data"])
        val = _prepare_arrays(model, vx, vy, vsw)[:3]
    elif args["validation_split"]:
        (x, y, sw), val = da.split_validation((x, y, sw), args["validation_split"], n)
        n = da.num_samples(x, y, sw)
    runner = model._get_runner(x, y)
    indexer = da.BatchIndexer(n, batch_size, bool(args["shuffle"]), model._device())
    steps = args["steps_per_epoch"] or indexer.steps
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
    val_bs = _batch_size(
        args["validation_batch_size"] or batch_size, "validation_batch_size"
    )
    for epoch in range(int(args["initial_epoch"]), epochs):
        runner.reset()
        callbacks.on_epoch_begin(epoch)
        model.train()
        _train_epoch(runner, callbacks, indexer, steps, x, y, sw)
        model.eval()
        logs = runner.logs()
        if val is not None and (epoch + 1) % args["validation_freq"] == 0:
            val_logs = _evaluate_arrays(
                model, runner, *val, val_bs, args["validation_steps"]
            )
            logs.update({f"val_{k}": v for k, v in val_logs.items()})
        callbacks.on_epoch_end(epoch, logs)
        if model.stop_training:
            break
    callbacks.on_train_end(logs if epochs > args["initial_epoch"] else None)
    return callbacks.history


def _epoch_batches(indexer: da.BatchIndexer, steps: int) -> list:
    batches = indexer.epoch()
    if steps <= len(batches):
        return batches[:steps]
    more = itertools.chain.from_iterable(indexer.epoch() for _ in itertools.count())
    return list(itertools.islice(itertools.chain(batches, more), steps))


def _train_epoch(
    runner: Any,
    callbacks: CallbackList,
    indexer: da.BatchIndexer,
    steps: int,
    x: Any,
    y: Any,
    sw: Any,
) -> None:
    model = runner.model
    progbar = (
        callbacks.progbar
        if callbacks.progbar is not None and callbacks.progbar.live
        else None
    )
    batch_hooks = callbacks.wants_batch_logs("train")
    take = da.take
    for step, idx in enumerate(_epoch_batches(indexer, steps)):
        if batch_hooks:
            callbacks.batch_begin("train", step)
        runner.train_step(take(x, idx), take(y, idx), take(sw, idx))
        if progbar is not None:
            progbar.update(step + 1, runner.logs)
        if batch_hooks:
            callbacks.batch_end("train", step, runner.logs)
        if model.stop_training:
            break


def _evaluate_arrays(
    model: Any,
    runner: Any,
    x: Any,
    y: Any,
    sw: Any,
    batch_size: int,
    steps: int | None,
    callbacks: CallbackList | None = None,
) -> dict:
    n = da.num_samples(x, y, sw)
    indexer = da.BatchIndexer(n, batch_size, False, model._device())
    runner.reset()
    batches = indexer.epoch()[: steps or indexer.steps]
    hooks = callbacks is not None and callbacks.wants_batch_logs("test")
    for step, idx in enumerate(batches):
        if hooks:
            callbacks.batch_begin("test", step)
        runner.test_step(da.take(x, idx), da.take(y, idx), da.take(sw, idx))
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
    bs = _batch_size(batch_size)
    x, y, sw, n = _prepare_arrays(model, x, y, sw)
    runner = model._get_runner(x, y)
    n_steps = steps or -(-n // bs)
    cbs = CallbackList(
        callbacks,
        model=model,
        add_progbar=_verbose(verbose) > 0,
        verbose=_verbose(verbose),
        epochs=1,
        steps=n_steps,
        mode="evaluate",
    )
    cbs.on_test_begin()
    model.eval()
    logs = _evaluate_arrays(model, runner, x, y, sw, bs, steps, cbs)
    cbs.on_test_end(logs)
    return logs


def run_predict(
    model: Any, x: Any, batch_size: Any, verbose: Any, steps: Any, callbacks: Any
) -> Any:
    from lamina.trainers.trainer import _to_numpy

    bs = _batch_size(batch_size)
    device = model._device()
    xs = da.to_structure(x, device, "x")
    n = da.num_samples(xs)
    indexer = da.BatchIndexer(n, bs, False, device)
    batches = indexer.epoch()[: steps or indexer.steps]
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
        for step, idx in enumerate(batches):
            if hooks:
                cbs.batch_begin("predict", step)
            out = model(da.take(xs, idx), training=False)
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
