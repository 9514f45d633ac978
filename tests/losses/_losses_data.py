"""Random inputs for the loss parity tests."""

import numpy as np
import torch


def to_np(x):
    """Numpy view of a tensor or array."""
    if isinstance(x, torch.Tensor):
        return x.detach().cpu().numpy()
    return np.asarray(x)


def softmax(x, axis=-1):
    """Softmax along `axis`, in numpy."""
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def make_data(kind, shape, rng, axis=-1):
    """(y_true, y_pred) float32 arrays of `shape` for a kind of loss."""
    normal = rng.standard_normal(shape).astype("float32")
    other = rng.standard_normal(shape).astype("float32")
    if kind == "reg":
        return normal, other
    if kind == "pos":
        return rng.poisson(2.0, shape).astype("float32"), np.exp(other)
    if kind == "prob":
        return softmax(normal, axis), softmax(other, axis)
    if kind == "binary":
        probs = rng.uniform(0.001, 0.999, shape).astype("float32")
        return (normal > 0).astype("float32"), probs
    if kind == "soft_binary":
        return rng.uniform(0, 1, shape).astype("float32"), other * 3
    if kind == "pm1":
        return np.where(normal > 0, 1.0, -1.0).astype("float32"), other
    if kind == "onehot":
        labels = rng.integers(0, shape[axis], np.delete(shape, axis))
        onehot = np.moveaxis(np.eye(shape[axis], dtype="float32")[labels], -1, axis)
        return onehot, softmax(other, axis)
    if kind == "onehot_logits":
        onehot, _ = make_data("onehot", shape, rng, axis)
        return onehot, other * 3
    raise ValueError(kind)
