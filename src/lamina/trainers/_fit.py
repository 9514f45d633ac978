"""The epoch loops behind `fit`, `evaluate` and `predict`.

Each run picks its step once: the model's own `train_step` / `test_step` /
`predict_step` when its class overrides a step method, else the built-in
step of `_step.py` (with its private fast paths).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from lamina.callbacks.callback_list import CallbackList
from lamina.distribution import _data_parallel
from lamina.trainers import data_adapter as da
from lamina.trainers._logs import to_floats, to_numpy
from lamina.trainers._sources import ArraySource, check_validation_split, make_source
from lamina.trainers._step import (
    PREDICT_HOOKS,
    TEST_HOOKS,
    TRAIN_HOOKS,
    batch_size_of,
)
from lamina.utils._run_limits import capped, max_epochs, max_steps_per_epoch


@dataclass
class FitData:
    """The data arguments of `fit`, by name."""

    x: Any
    y: Any
    sample_weight: Any
    class_weight: dict | None
    batch_size: int | None
    shuffle: bool
    steps_per_epoch: int | None
    validation_split: float
    validation_data: Any
    validation_steps: int | None
    validation_batch_size: int | None


def _verbose(verbose: Any) -> int:
    if isinstance(verbose, str) and verbose == "auto":
        return 1
    if isinstance(verbose, (bool, int, np.integer)) and 0 <= int(verbose) <= 2:
        return int(verbose)
    raise ValueError(
        "`verbose` must be 'auto', 0 (silent), 1 (progress bar) or 2 (one line "
        f"per epoch). Received: verbose={verbose!r}"
    )


def check_model(model: Any) -> None:
    """What makes a model unusable for fit/evaluate/predict, said before any work."""
    if _is_sequential(model) and not model.layers:
        raise ValueError(
            f"Sequential model '{model.name}' has no layers: add some with "
            "`model.add(layer)` (or `Sequential([...])`) before training or "
            "predicting."
        )
    meta = [n for n, t in model.named_parameters() if t.device.type == "meta"]
    meta += [n for n, t in model.named_buffers() if t.device.type == "meta"]
    if meta:
        raise ValueError(
            f"Model '{model.name}' has weights on the 'meta' device ({meta[0]}, "
            "...): it was built under `with torch.device('meta')`, so its weights "
            "hold no values. Build it outside that block, or give it real weights "
            "first (`model.to_empty(device='cpu')`, then `load_weights` or "
            "`set_weights`)."
        )


def _is_sequential(model: Any) -> bool:
    # models sit above the trainers: the class is recognised by name
    return any(c.__name__ == "Sequential" for c in type(model).__mro__)


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


# -- data --------------------------------------------------------------------------
def prepare_x(model: Any, x: Any) -> Any:
    """Inputs as device tensors, rank-adjusted to the model's inputs as Keras does."""
    if isinstance(x, dict) and _is_sequential(model):
        raise ValueError(
            f"A Sequential model takes one input array, but `x` is a dict with keys "
            f"{sorted(x)}. Pass the array itself, or build a functional model with "
            "named `Input`s to feed a dict."
        )
    text = da.string_input_names(model)
    xs: Any
    # String inputs (`Input(dtype="string")`) keep their values in numpy.
    if text and isinstance(x, dict):
        xs = {
            k: np.asarray(v) if k in text else da.to_structure(v, model._device(), "x")
            for k, v in x.items()
        }
    elif text and len(model.inputs) == 1:
        one = isinstance(x, (list, tuple)) and len(x) == 1
        xs = np.asarray(x[0] if one and not isinstance(x[0], (str, bytes)) else x)
    else:
        xs = da.to_structure(x, model._device(), "x")
    return da.adjust_input_rank(xs, da.model_input_shapes(model))


def _prepare_arrays(
    model: Any, x: Any, y: Any, sw: Any, class_weight: Any = None
) -> tuple:
    if x is None:
        raise ValueError("`x` must be given: the input data.")
    device = model._device()
    xs = prepare_x(model, x)
    ys = da.to_structure(y, device, "y")
    sws = da.to_structure(sw, device, "sample_weight")
    n = da.num_samples(xs, ys, sws)
    if class_weight is not None:
        if ys is None or not isinstance(ys, torch.Tensor):
            raise ValueError("`class_weight` needs a single array of targets `y`.")
        cw = da.class_weights_to_sample_weights(ys, class_weight)
        sws = cw if sws is None else sws * cw
    return xs, ys, sws, n


def one_batch(model: Any, x: Any, y: Any, sw: Any, class_weight: Any) -> tuple:
    """`(x, y, sample_weight)` of one batch, on the device."""
    xs, ys, sws, _ = _prepare_arrays(model, x, y, sw, class_weight)
    return xs, ys, sws


def _validation_source(model: Any, data: FitData, batch_size: int) -> Any:
    val = data.validation_data
    if val is None:
        return None
    val_bs = _batch_size(
        data.validation_batch_size or batch_size, "validation_batch_size"
    )
    source = make_source(
        val, device=model._device(), batch_size=val_bs, steps=data.validation_steps
    )
    if source is not None:  # a PyDataset, DataLoader, generator, torch Dataset
        return source
    vx, vy, vsw = da.unpack_validation_data(val)
    xs, ys, sws, n = _prepare_arrays(model, vx, vy, vsw)
    if n == 0:
        raise ValueError(
            "`validation_data` has 0 samples: there is nothing to validate on, "
            "and no validation loss to report. Pass validation arrays with rows, "
            "or leave `validation_data` out."
        )
    return ArraySource(xs, ys, sws, val_bs, False, model._device())


def _training_source(model: Any, data: FitData) -> tuple:
    """The training source and the validation source (or None)."""
    device = model._device()
    batch_size = _batch_size(data.batch_size)
    source = make_source(
        data.x,
        data.y,
        data.sample_weight,
        device=device,
        batch_size=batch_size,
        steps=data.steps_per_epoch,
        shuffle=bool(data.shuffle),
        class_weight=data.class_weight,
    )
    if source is not None:  # a PyDataset, DataLoader, generator, torch Dataset
        val = _validation_source(model, data, batch_size)
        if val is None and data.validation_split:
            check_validation_split(data.x, data.y, data.sample_weight)
        return source, val
    x, y, sw, n = _prepare_arrays(
        model, data.x, data.y, data.sample_weight, data.class_weight
    )
    val = _validation_source(model, data, batch_size)
    if val is None and data.validation_split:
        (x, y, sw), (vx, vy, vsw) = da.split_validation(
            (x, y, sw), data.validation_split, n
        )
        val_bs = _batch_size(
            data.validation_batch_size or batch_size, "validation_batch_size"
        )
        val = ArraySource(vx, vy, vsw, val_bs, False, device)
    return ArraySource(x, y, sw, batch_size, bool(data.shuffle), device), val


# -- the step of a run ---------------------------------------------------------------
def _pack(x: Any, y: Any, sw: Any) -> tuple:
    if y is None and sw is None:
        return (x,)
    return (x, y) if sw is None else (x, y, sw)


class _BuiltinStep:
    """The built-in step: logs are read from the model's metrics when asked."""

    def __init__(self, model: Any, step: Any) -> None:
        self.model = model
        self.step = step

    def __call__(self, x: Any, y: Any, sw: Any) -> None:
        self.step(x, y, sw)

    def raw(self) -> dict:
        return self.model.get_metrics_result()

    def logs(self) -> dict:
        return to_floats(self.raw())


class _ModelStep:
    """The model's own `train_step` / `test_step`: logs are what it returns."""

    def __init__(self, method: Any) -> None:
        self.method = method
        self.last: Any = {}

    def __call__(self, x: Any, y: Any, sw: Any) -> None:
        self.last = self.method(_pack(x, y, sw))

    def raw(self) -> dict:
        return dict(self.last or {})

    def logs(self) -> dict:
        return to_floats(self.last)


def train_step_for(model: Any, sample: tuple) -> Any:
    """The step `fit` runs, chosen once per call from the model's class."""
    if not model._uses_builtin(TRAIN_HOOKS):
        return _ModelStep(model.train_step)
    runner = model._step_runner()
    runner.prepare(sample[0], sample[1], fast=True)
    return _BuiltinStep(model, runner.train_step)


def eval_step_for(model: Any, sample: tuple, within_fit: bool) -> Any:
    """The step `evaluate` (and validation) runs, chosen once per call."""
    if not model._uses_builtin(TEST_HOOKS):
        return _ModelStep(model.test_step)
    runner = model._step_runner()
    runner.prepare(sample[0], sample[1], fast=False, collect=not within_fit)
    return _BuiltinStep(model, runner.test_step)


# -- loops ------------------------------------------------------------------------
def run_fit(
    model: Any,
    data: FitData,
    *,
    epochs: int,
    initial_epoch: int,
    verbose: Any,
    callbacks: Any,
    validation_freq: int,
) -> Any:
    verbose = _verbose(verbose)
    check_model(model)
    _check_validation_freq(validation_freq)
    epochs = capped(int(epochs), max_epochs())
    dp = _data_parallel.begin(model)  # None unless under torchrun
    source, val = _training_source(model, data)
    step = train_step_for(model, source.sample())  # builds the model
    if not model.trainable_weights:  # Keras warns at each step; once is enough
        warnings.warn(
            "The model does not have any trainable weights: `fit` will not change "
            f"model '{model.name}' (its layers are frozen, or have no weights).",
            stacklevel=3,
        )
    arrays = isinstance(source, ArraySource)
    if dp is not None:
        source, val = _shard(dp, source, train=True), _shard(dp, val)
        dp.install(model.optimizer)
        verbose = verbose if dp.chief else 0
        callbacks = dp.callbacks(callbacks)
    steps = source.steps
    if data.steps_per_epoch and (dp is None or arrays):
        steps = data.steps_per_epoch
    steps = capped(steps, max_steps_per_epoch())
    try:
        return _fit_epochs(
            model,
            data,
            step,
            source,
            val,
            steps,
            dp,
            epochs=epochs,
            initial_epoch=initial_epoch,
            verbose=verbose,
            callbacks=callbacks,
            validation_freq=validation_freq,
            arrays=arrays,
        )
    finally:
        if dp is not None:
            dp.uninstall()


def _shard(dp: Any, source: Any, train: bool = False) -> Any:
    """This rank's part of a source: a share of each batch's rows for arrays,
    every `world`-th batch for streamed inputs."""
    if source is None:
        return None
    if isinstance(source, ArraySource):
        return dp.shard_arrays(source)
    return dp.shard_stream(source, train)


def _fit_epochs(
    model: Any,
    data: FitData,
    step: Any,
    source: Any,
    val: Any,
    steps: Any,
    dp: Any,
    *,
    epochs: int,
    initial_epoch: int,
    verbose: int,
    callbacks: Any,
    validation_freq: Any,
    arrays: bool,
) -> Any:
    cbs = CallbackList(
        callbacks,
        model=model,
        add_history=True,
        add_progbar=verbose > 0,
        verbose=verbose,
        epochs=int(epochs),
        steps=steps,
        # ProgbarLogger(count_mode="samples") counts batches times this.
        batch_size=_batch_size(data.batch_size) if arrays else None,
        samples=source.n if arrays else None,
    )
    model.stop_training = False
    cbs.on_train_begin()
    # BackupAndRestore sets where a resumed run starts, as in Keras.
    initial_epoch = model.__dict__.pop("_initial_epoch", None) or initial_epoch
    logs: dict | None = None
    val_step = None
    for epoch in range(int(initial_epoch), int(epochs)):
        model.reset_metrics()
        cbs.on_epoch_begin(epoch)
        model.train()
        _train_epoch(model, step, cbs, source.batches(steps), dp)
        model.eval()
        if source.seen == 0:  # the input ran out (warned): no epoch to report
            break
        if dp is not None:  # every rank logs the whole data's numbers
            dp.reduce_metrics()
        epoch_logs = step.raw()
        if val is not None and _should_validate(epoch, validation_freq):
            if val_step is None:
                val_step = eval_step_for(model, val.sample(), within_fit=True)
            cbs.on_test_begin()
            val_logs = _evaluate_source(
                model, val_step, val, data.validation_steps, cbs, dp
            )
            cbs.on_test_end(val_logs)
            if val.seen:  # an exhausted validation input reports nothing
                epoch_logs.update({f"val_{k}": v for k, v in val_logs.items()})
        logs = to_floats(epoch_logs)  # one read, in Keras's order
        cbs.on_epoch_end(epoch, logs)
        if dp is not None:  # callbacks decided alike; rank 0's word is final
            model.stop_training = dp.agree(model.stop_training)
        if model.stop_training or source.exhausted:
            break
    _finalize_ema(model, epochs)
    cbs.on_train_end(logs)
    return cbs.history


def _check_validation_freq(validation_freq: Any) -> None:
    if (
        isinstance(validation_freq, bool)
        or not isinstance(validation_freq, (int, list, tuple, set, range))
        or (isinstance(validation_freq, int) and validation_freq < 1)
    ):
        raise ValueError(
            "Expected `validation_freq` to be a list or int. Received: "
            f"validation_freq={validation_freq!r} of the type "
            f"{type(validation_freq)}."
        )


def _should_validate(epoch: int, validation_freq: Any) -> bool:
    """Keras's rule: every `n` epochs for an int, the listed (1-based) epochs for
    a list."""
    if isinstance(validation_freq, int):
        return (epoch + 1) % validation_freq == 0
    return epoch + 1 in validation_freq


def _finalize_ema(model: Any, epochs: int) -> None:
    """With `use_ema`, fit ends with the moving averages in the weights (Keras)."""
    optimizer = getattr(model, "optimizer", None)
    optimizer = getattr(optimizer, "inner_optimizer", optimizer)
    if epochs > 0 and optimizer is not None and getattr(optimizer, "use_ema", False):
        optimizer.finalize_variable_values(model.trainable_weights)


def _train_epoch(
    model: Any, step: Any, cbs: CallbackList, batches: Any, dp: Any = None
) -> None:
    progbar = cbs.progbar
    if progbar is not None and not progbar.live:
        progbar = None
    batch_hooks = cbs.wants_batch_logs("train")
    for i, (x, y, sw) in enumerate(batches):
        if batch_hooks:
            cbs.batch_begin("train", i)
        if dp is not None:
            dp.current_n = batch_size_of(x)
            if dp.current_n == 0:  # no rows for this rank in this global batch
                dp.empty_step()
                continue
        step(x, y, sw)
        if progbar is not None:
            progbar.update(i + 1, step.logs)
        if batch_hooks:
            cbs.batch_end("train", i, step.logs)
        if model.stop_training:
            break


def _evaluate_source(
    model: Any,
    step: Any,
    source: Any,
    steps: int | None,
    cbs: CallbackList | None = None,
    dp: Any = None,
) -> dict:
    model.reset_metrics()
    hooks = cbs if cbs is not None and cbs.wants_batch_logs("test") else None
    for i, (x, y, sw) in enumerate(source.batches(steps)):
        if hooks is not None:
            hooks.batch_begin("test", i)
        if dp is None or batch_size_of(x):  # a rank may have no rows of a batch
            step(x, y, sw)
        if hooks is not None:
            hooks.batch_end("test", i, step.logs)
    if dp is not None:
        dp.reduce_metrics()
    return step.logs()


def _source_for(
    model: Any, x: Any, y: Any, sw: Any, batch_size: Any, steps: Any
) -> Any:
    source = make_source(
        x,
        y,
        sw,
        device=model._device(),
        batch_size=_batch_size(batch_size),
        steps=steps,
    )
    if source is not None:  # a PyDataset, DataLoader, generator, torch Dataset
        return source
    xs, ys, sws, _ = _prepare_arrays(model, x, y, sw)
    return ArraySource(xs, ys, sws, _batch_size(batch_size), False, model._device())


def run_evaluate(
    model: Any,
    *,
    x: Any,
    y: Any,
    sample_weight: Any,
    batch_size: Any,
    steps: Any,
    verbose: Any,
    callbacks: Any,
) -> dict:
    verbose = _verbose(verbose)
    check_model(model)
    dp = _data_parallel.begin(model)  # None unless under torchrun
    source = _source_for(model, x, y, sample_weight, batch_size, steps)
    step = eval_step_for(model, source.sample(), within_fit=False)
    if dp is not None:
        source = _shard(dp, source)
        verbose = verbose if dp.chief else 0
        callbacks = dp.callbacks(callbacks)
    cbs = CallbackList(
        callbacks,
        model=model,
        add_progbar=verbose > 0,
        verbose=verbose,
        epochs=1,
        steps=steps or source.steps,
        mode="evaluate",
    )
    cbs.on_test_begin()
    model.eval()
    logs = _evaluate_source(model, step, source, steps, cbs, dp)
    cbs.on_test_end(logs)
    return logs


def run_predict(
    model: Any,
    *,
    x: Any,
    batch_size: Any,
    verbose: Any,
    steps: Any,
    callbacks: Any,
) -> Any:
    verbose = _verbose(verbose)
    check_model(model)
    dp = _data_parallel.begin(model)  # None unless under torchrun
    source = make_source(
        x, device=model._device(), batch_size=_batch_size(batch_size), steps=steps
    )
    if source is None:
        xs = prepare_x(model, x)
        source = ArraySource(
            xs, None, None, _batch_size(batch_size), False, model._device()
        )
    streamed = dp is not None and not isinstance(source, ArraySource)
    total = steps or source.steps
    if dp is not None:  # each rank predicts its part; every rank returns all
        if streamed and (total is None or total < dp.world):
            raise ValueError(
                f"Data-parallel predict on a streamed input needs at least "
                f"{dp.world} batches of known number; got {total}. Pass `steps=`, "
                "or predict in one process."
            )
        source = _shard(dp, source)
        verbose = verbose if dp.chief else 0
        callbacks = dp.callbacks(callbacks)
    batches = [b[0] for b in source.batches(steps if streamed else total)]
    cbs = CallbackList(
        callbacks,
        model=model,
        add_progbar=verbose > 0,
        verbose=verbose,
        epochs=1,
        steps=len(batches),
        mode="predict",
    )
    cbs.on_predict_begin()
    model.eval()
    if model._uses_builtin(PREDICT_HOOKS):
        predict = model.__call__

        def run(xb: Any) -> Any:
            return predict(xb, training=False)
    else:

        def run(xb: Any) -> Any:
            return model.predict_step((xb,))

    outputs = []
    hooks = cbs.wants_batch_logs("predict")
    with torch.no_grad():
        for i, xb in enumerate(batches):
            if hooks:
                cbs.batch_begin("predict", i)
            out = run(xb)
            if dp is not None and not streamed:
                out = dp.gather(out)  # the rows of this batch from every rank
            outputs.append(out)
            if hooks:
                cbs.batch_end("predict", i, _outputs_logs(out))
    cbs.on_predict_end()
    if streamed and dp is not None:  # `streamed` implies `dp`
        outputs = dp.gather_rounds(outputs, total)
    return to_numpy(_concat(outputs))


def _outputs_logs(out: Any) -> Callable[[], dict]:
    """The logs of a predict batch, built only if a callback asks for them."""
    return lambda: {"outputs": out}


def _concat(outputs: list) -> Any:
    first = outputs[0]
    if isinstance(first, torch.Tensor):
        return first if len(outputs) == 1 else torch.cat(outputs)
    if isinstance(first, (list, tuple)):
        return type(first)(_concat([o[i] for o in outputs]) for i in range(len(first)))
    if isinstance(first, dict):
        return {k: _concat([o[k] for o in outputs]) for k in first}
    return outputs
