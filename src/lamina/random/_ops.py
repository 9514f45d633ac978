"""`keras.random` functions on torch, drawing exactly as Keras's torch backend.

Each draw takes a `torch.Generator` seeded from the `seed` argument (see
`lamina.backend._random`), so the same seed gives the same values as Keras
run on PyTorch. Inside a symbolic (meta) run the functions return meta tensors
and leave seed generators untouched.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import torch

from lamina.backend import floatx, get_device, standardize_dtype, to_torch_dtype
from lamina.backend._random import SeedGenerator, generator_for, seed_pair
from lamina.ops._symbolic_eval import in_meta_run

Seed = int | SeedGenerator | None


def _device() -> torch.device:
    return torch.device("meta") if in_meta_run() else get_device()


def _generator(seed: Seed) -> torch.Generator | None:
    """The generator of one draw; None on meta, where no generator works."""
    if in_meta_run():
        return None
    return generator_for(seed_pair(seed), _device())


def _shape(shape: Any) -> tuple[int, ...]:
    if isinstance(shape, int):
        return (shape,)
    return tuple(int(d) for d in shape)


def _tensor(x: Any) -> torch.Tensor:
    if isinstance(x, torch.Tensor):
        return x
    return torch.as_tensor(x, device=_device())


def _float_dtype(dtype: Any, fn: str) -> torch.dtype:
    name = standardize_dtype(dtype or floatx())
    if not (name.startswith("float") or name.startswith("bfloat")):
        raise ValueError(
            f"`keras.random.{fn}` requires a floating point `dtype`. "
            f"Received: dtype={dtype} "
        )
    return to_torch_dtype(name)


def normal(
    shape: Sequence[int],
    mean: float = 0.0,
    stddev: float = 1.0,
    dtype: Any = None,
    seed: Seed = None,
) -> torch.Tensor:
    """Values drawn from a normal distribution.

    Args:
        shape: the output shape.
        mean: the distribution's mean.
        stddev: its standard deviation.
        dtype: a floating dtype (default `floatx()`).
        seed: an int (the same values each call), a `SeedGenerator` (new
            values each call) or None (the global generator).
    """
    return torch.normal(
        mean,
        stddev,
        size=_shape(shape),
        generator=_generator(seed),
        dtype=_float_dtype(dtype, "normal"),
        device=_device(),
    )


def uniform(
    shape: Sequence[int],
    minval: float = 0.0,
    maxval: float = 1.0,
    dtype: Any = None,
    seed: Seed = None,
) -> torch.Tensor:
    """Values drawn uniformly from `[minval, maxval)`; arguments as `normal`.

    Raises:
        ValueError: for a non-floating `dtype`.
    """
    torch_dtype = _float_dtype(dtype, "uniform")
    size = _shape(shape) or (1,)
    r = torch.rand(
        size, generator=_generator(seed), dtype=torch_dtype, device=_device()
    )
    out = (maxval - minval) * r + minval
    return out if _shape(shape) else out[0]


def randint(
    shape: Sequence[int],
    minval: int,
    maxval: int,
    dtype: Any = "int32",
    seed: Seed = None,
) -> torch.Tensor:
    """Integers drawn uniformly from `[minval, maxval)`.

    Raises:
        ValueError: for a non-integer `dtype`.
    """
    name = standardize_dtype(dtype)
    if "int" not in name:
        raise ValueError(
            "`keras.random.randint` requires an integer `dtype`. "
            f"Received: dtype={dtype} "
        )
    return torch.randint(
        int(minval),
        int(maxval),
        _shape(shape),
        generator=_generator(seed),
        dtype=to_torch_dtype(name),
        device=_device(),
    )


def truncated_normal(
    shape: Sequence[int],
    mean: float = 0.0,
    stddev: float = 1.0,
    dtype: Any = None,
    seed: Seed = None,
) -> torch.Tensor:
    """Normal values more than two standard deviations out are redrawn.

    Four candidates are drawn per value; the first within two standard
    deviations is kept, as Keras does on torch.
    """
    torch_dtype = _float_dtype(dtype, "truncated_normal")
    x = normal((*_shape(shape), 4), 0.0, 1.0, dtype=torch_dtype, seed=seed)
    first_valid = ((x > -2) & (x < 2)).max(-1, keepdim=True)[1]
    return x.gather(-1, first_valid).squeeze(-1) * stddev + mean


def categorical(
    logits: Any, num_samples: int, dtype: Any = "int32", seed: Seed = None
) -> torch.Tensor:
    """Class indices drawn from the softmax of each row of `logits`.

    Args:
        logits: a `(batch_size, num_classes)` tensor of unnormalized
            log-probabilities.
        num_samples: draws per row.

    Returns:
        A `(batch_size, num_samples)` integer tensor.

    Raises:
        ValueError: when `logits` is not 2-D.
    """
    logits = _tensor(logits)
    if logits.ndim != 2:
        raise ValueError(
            "`logits` should be a 2-D tensor with shape "
            f"[batch_size, num_classes]. Received: logits={logits}"
        )
    probs = torch.softmax(logits, dim=-1)
    out = torch.multinomial(
        probs, int(num_samples), replacement=True, generator=_generator(seed)
    )
    return out.to(to_torch_dtype(dtype))


def dropout(
    inputs: Any, rate: float, noise_shape: Any = None, seed: Seed = None
) -> torch.Tensor:
    """Zeroes each value with probability `rate`, scales the rest by
    `1 / (1 - rate)`.

    Args:
        inputs: the tensor.
        rate: the drop probability.
        noise_shape: the shape of the keep mask, broadcast to `inputs`
            (None entries take the input's size).
        seed: as for `normal`; without a seed or `noise_shape`, torch's own
            dropout kernel runs on the global RNG, as in Keras.
    """
    inputs = _tensor(inputs)
    if rate == 1.0:
        return torch.zeros_like(inputs)
    if rate == 0.0:
        return inputs
    seeded = seed is not None and not (
        isinstance(seed, SeedGenerator) and seed._initial_seed is None
    )
    if not seeded and noise_shape is None:
        return torch.nn.functional.dropout(inputs, p=rate, training=True)
    keep = 1.0 - rate
    if noise_shape is None:
        shape = tuple(inputs.shape)
    else:
        shape = tuple(
            inputs.shape[i] if d is None else int(d) for i, d in enumerate(noise_shape)
        )
    probs = torch.full(shape, keep, device=inputs.device)
    mask = torch.bernoulli(probs, generator=_generator(seed)).bool()
    mask = torch.broadcast_to(mask, inputs.shape)
    return torch.where(mask, inputs / keep, torch.zeros_like(inputs))


def shuffle(x: Any, axis: int = 0, seed: Seed = None) -> torch.Tensor:
    """`x` with its entries along `axis` in a random order."""
    x = _tensor(x)
    axis = axis % x.ndim if x.ndim else 0
    keys = torch.rand(x.shape[: axis + 1], generator=_generator(seed), device=x.device)
    order = keys.argsort(axis)
    order = order.reshape(*order.shape, *([1] * (x.ndim - axis - 1)))
    return x.gather(axis, order.expand(x.shape))


@contextmanager
def _global_rng_from(seed: Seed) -> Iterator[None]:
    """Seeds torch's global CPU RNG for one draw and restores it afterwards.

    torch.distributions sample from the global RNG only, so Keras seeds it.
    """
    state = torch.random.get_rng_state()
    if not in_meta_run():
        pair = seed_pair(seed)
        torch.manual_seed((pair[0] + pair[1]) & 0xFFFFFFFF)
    try:
        yield
    finally:
        torch.random.set_rng_state(state)


def _broadcast(value: Any, shape: tuple[int, ...]) -> torch.Tensor:
    return torch.broadcast_to(_tensor(value), shape)


def gamma(
    shape: Sequence[int], alpha: Any, dtype: Any = None, seed: Seed = None
) -> torch.Tensor:
    """Values drawn from a gamma distribution of shape `alpha` (scale 1)."""
    size = _shape(shape)
    torch_dtype = _float_dtype(dtype, "gamma")
    concentration = _broadcast(alpha, size)
    rate = torch.ones(size, device=concentration.device)
    with _global_rng_from(seed):
        sample = torch.distributions.Gamma(concentration, rate).sample()
    return sample.to(torch_dtype)


def beta(
    shape: Sequence[int], alpha: Any, beta: Any, dtype: Any = None, seed: Seed = None
) -> torch.Tensor:
    """Values drawn from a beta distribution with parameters `alpha`, `beta`."""
    size = _shape(shape)
    torch_dtype = _float_dtype(dtype, "beta")
    a, b = _broadcast(alpha, size), _broadcast(beta, size)
    with _global_rng_from(seed):
        sample = torch.distributions.Beta(a, b).sample()
    return sample.to(torch_dtype)


def binomial(
    shape: Sequence[int],
    counts: Any,
    probabilities: Any,
    dtype: Any = None,
    seed: Seed = None,
) -> torch.Tensor:
    """Successes out of `counts` trials of probability `probabilities`."""
    size = _shape(shape)
    torch_dtype = _float_dtype(dtype, "binomial")
    n, p = _broadcast(counts, size), _broadcast(probabilities, size)
    with _global_rng_from(seed):
        sample = torch.distributions.Binomial(total_count=n, probs=p).sample()
    return sample.to(torch_dtype)
