"""One function per contender: build the workload's model and time `fit`.

Each returns the seconds spent training (data already in memory, model built,
import and data generation excluded). Run through `bench_one.py`, one contender
per fresh process.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from benchmarks.workloads import Workload


def _keras_like_model(lib: Any, wl: Workload, jit: bool = False) -> Any:
    L = lib.layers
    model = lib.Sequential([lib.Input(shape=wl.x_shape[1:])])
    for spec in wl.layers:
        kind = spec[0]
        if kind == "dense":
            model.add(L.Dense(spec[1], activation=spec[2]))
        elif kind == "conv":
            model.add(L.Conv2D(spec[1], kernel_size=(3, 3), activation=spec[2]))
        elif kind == "pool":
            model.add(L.MaxPooling2D(pool_size=(2, 2)))
        elif kind == "flatten":
            model.add(L.Flatten())
        elif kind == "dropout":
            model.add(L.Dropout(spec[1]))
        elif kind == "lstm":
            model.add(L.LSTM(spec[1]))
    if jit:
        model.compile(optimizer=wl.optimizer, loss=wl.loss, jit_compile=True)
    else:
        model.compile(optimizer=wl.optimizer, loss=wl.loss)
    return model


def _fit_keras_like(
    lib: Any, wl: Workload, data: tuple, verbose: int = 0, jit: bool = False
) -> float:
    x, y, xv, yv = data
    model = _keras_like_model(lib, wl, jit)
    val = (xv, yv) if xv is not None else None
    start = time.perf_counter()
    model.fit(
        x,
        y,
        batch_size=wl.batch_size,
        epochs=wl.epochs,
        verbose=verbose,
        validation_data=val,
        shuffle=True,
    )
    return time.perf_counter() - start


def run_lamina(wl: Workload, data: tuple, verbose: int = 0) -> float:
    import lamina

    return _fit_keras_like(lamina, wl, data, verbose)


def run_lamina_jit(wl: Workload, data: tuple, verbose: int = 0) -> float:
    """lamina with `jit_compile=True`; the time includes torch.compile's."""
    import lamina

    return _fit_keras_like(lamina, wl, data, verbose, jit=True)


def run_keras(wl: Workload, data: tuple, verbose: int = 0) -> float:
    import keras

    return _fit_keras_like(keras, wl, data, verbose)


def _keras_on(backend: str) -> Any:
    """Imports Keras on `backend` (in this fresh process), as many threads as torch."""
    import os

    import torch

    os.environ["KERAS_BACKEND"] = backend
    one_thread = torch.get_num_threads() == 1 and os.environ.get("OMP_NUM_THREADS")
    if backend == "jax" and one_thread:
        os.environ["XLA_FLAGS"] = (
            os.environ.get("XLA_FLAGS", "")
            + " --xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
        )
        # XLA's CPU runtime still starts worker threads; pin the process to
        # one core so that one-thread mode means one core.
        if hasattr(os, "sched_setaffinity"):
            os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    import keras

    if keras.backend.backend() != backend:
        raise RuntimeError(
            f"Keras was imported on {keras.backend.backend()!r}, not {backend!r}"
        )
    if backend == "tensorflow" and one_thread:
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(1)
        tf.config.threading.set_inter_op_parallelism_threads(1)
    return keras


def run_keras_jax(wl: Workload, data: tuple, verbose: int = 0) -> float:
    return _fit_keras_like(_keras_on("jax"), wl, data, verbose)


def run_keras_tensorflow(wl: Workload, data: tuple, verbose: int = 0) -> float:
    return _fit_keras_like(_keras_on("tensorflow"), wl, data, verbose)


def _torch_model(wl: Workload) -> Any:
    import torch
    from torch import nn

    mods: list = []
    shape = wl.x_shape[1:]
    feat = int(np.prod(shape)) if wl.layers[0][0] == "dense" else None
    channels = shape[-1]
    size = shape[0]
    for spec in wl.layers:
        kind = spec[0]
        if kind == "dense":
            mods.append(nn.Linear(feat, spec[1]))
            if spec[2] == "relu":
                mods.append(nn.ReLU())
            feat = spec[1]
        elif kind == "conv":
            mods += [nn.Conv2d(channels, spec[1], 3), nn.ReLU()]
            channels, size = spec[1], size - 2
        elif kind == "pool":
            mods.append(nn.MaxPool2d(2))
            size //= 2
        elif kind == "flatten":
            mods.append(nn.Flatten())
            feat = channels * size * size
        elif kind == "dropout":
            mods.append(nn.Dropout(spec[1]))
        elif kind == "lstm":
            mods.append(_LastLSTM(shape[-1], spec[1]))
            feat = spec[1]
    return torch.nn.Sequential(*mods)


def _LastLSTM(n_in: int, units: int) -> Any:
    """`nn.LSTM` returning the last timestep's output, like Keras's LSTM."""
    from torch import nn

    class LastLSTM(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.lstm = nn.LSTM(n_in, units, batch_first=True)

        def forward(self, x: Any) -> Any:
            return self.lstm(x)[0][:, -1]

    return LastLSTM()


def _torch_setup(wl: Workload, data: tuple) -> tuple:
    import torch

    x, y, xv, yv = data
    if wl.layers[0][0] == "conv":  # PyTorch's own layout: NCHW
        x = np.ascontiguousarray(x.transpose(0, 3, 1, 2))
        if xv is not None:
            xv = np.ascontiguousarray(xv.transpose(0, 3, 1, 2))
    model = _torch_model(wl)
    if wl.optimizer == "sgd":
        opt = torch.optim.SGD(model.parameters(), lr=0.01, foreach=True)
    else:
        opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7, foreach=True)
    if wl.loss == "mse":
        loss_fn = torch.nn.MSELoss()
    elif wl.loss == "mae":
        loss_fn = torch.nn.L1Loss()
    else:
        loss_fn = torch.nn.CrossEntropyLoss()  # the softmax is folded into the loss
    return model, opt, loss_fn, (x, y, xv, yv)


def run_torch_tuned(wl: Workload, data: tuple, verbose: int = 0) -> float:
    """Hand-tuned: one tensor, randperm slicing, foreach optimizer, no per-step sync."""
    import torch

    model, opt, loss_fn, (x, y, xv, yv) = _torch_setup(wl, data)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    xvt = torch.from_numpy(xv) if xv is not None else None
    yvt = torch.from_numpy(yv) if yv is not None else None
    n, bs = xt.shape[0], wl.batch_size
    start = time.perf_counter()
    for _ in range(wl.epochs):
        model.train()
        perm = torch.randperm(n)
        total = torch.zeros(())
        for idx in perm.split(bs):
            loss = loss_fn(model(xt[idx]), yt[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            total += loss.detach() * idx.shape[0]
        epoch_loss = float(total) / n
        if xvt is not None:
            model.eval()
            with torch.no_grad():
                vtotal = torch.zeros(())
                for i in range(0, xvt.shape[0], bs):
                    vtotal += loss_fn(model(xvt[i : i + bs]), yvt[i : i + bs]) * min(
                        bs, xvt.shape[0] - i
                    )
                float(vtotal)
    del epoch_loss
    return time.perf_counter() - start


def run_torch_dataloader(wl: Workload, data: tuple, verbose: int = 0) -> float:
    """As tutorials write it: TensorDataset + DataLoader, `.item()` every step."""
    import torch
    from torch.utils.data import DataLoader, TensorDataset

    model, opt, loss_fn, (x, y, xv, yv) = _torch_setup(wl, data)
    loader = DataLoader(
        TensorDataset(torch.from_numpy(x), torch.from_numpy(y)),
        batch_size=wl.batch_size,
        shuffle=True,
    )
    val_loader = None
    if xv is not None:
        val_loader = DataLoader(
            TensorDataset(torch.from_numpy(xv), torch.from_numpy(yv)),
            batch_size=wl.batch_size,
        )
    start = time.perf_counter()
    for _ in range(wl.epochs):
        model.train()
        running = 0.0
        for xb, yb in loader:
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            running += loss.item()
        if val_loader is not None:
            model.eval()
            with torch.no_grad():
                for xb, yb in val_loader:
                    running += loss_fn(model(xb), yb).item()
    return time.perf_counter() - start


def run_sklearn(wl: Workload, data: tuple, verbose: int = 0) -> float:
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPRegressor

    x, y, _, _ = data
    hidden = tuple(s[1] for s in wl.layers[:-1])
    model = MLPRegressor(
        hidden_layer_sizes=hidden,
        solver="sgd" if wl.optimizer == "sgd" else "adam",
        batch_size=wl.batch_size,
        max_iter=wl.epochs,
        learning_rate_init=0.01 if wl.optimizer == "sgd" else 1e-3,
        momentum=0.0,
        shuffle=True,
        tol=0.0,
        n_iter_no_change=wl.epochs + 1,
        random_state=0,
        alpha=0.0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        start = time.perf_counter()
        model.fit(x.reshape(len(x), -1), y.ravel())
    return time.perf_counter() - start


EXTRA_CONTENDERS = {"lamina_jit": run_lamina_jit}

CONTENDERS = {
    "lamina": run_lamina,
    "keras_torch": run_keras,
    "keras_jax": run_keras_jax,
    "keras_tensorflow": run_keras_tensorflow,
    "torch_dataloader": run_torch_dataloader,
    "torch_tuned": run_torch_tuned,
    "sklearn": run_sklearn,
}


def available(name: str, wl: Workload) -> bool:
    if name == "sklearn":  # regression MLPs only, as in the table
        return wl.task == "regression" and all(s[0] == "dense" for s in wl.layers)
    if name.startswith("keras"):
        import importlib.util

        # Keras on JAX or TensorFlow runs only where that package is installed.
        needs = {"keras_jax": "jax", "keras_tensorflow": "tensorflow"}
        return all(
            importlib.util.find_spec(mod) is not None
            for mod in ("keras", needs.get(name, "torch"))
        )
    return True
