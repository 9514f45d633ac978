"""Initializer values: statistics, bounds, fans, determinism, dtypes."""

import math

import numpy as np
import pytest
import torch

from lamina import initializers
from lamina.backend import SeedGenerator

BIG = (400, 500)  # 200k samples: mean/std within ~1% of the target


def test_constant_family():
    assert torch.equal(initializers.Zeros()((2, 3)), torch.zeros(2, 3))
    assert torch.equal(initializers.Ones()((2,)), torch.ones(2))
    out = initializers.Constant(2.5)((2, 2))
    assert out.dtype == torch.float32
    assert torch.equal(out, torch.full((2, 2), 2.5))
    row = initializers.Constant(np.array([1.0, 2.0, 3.0]))((2, 3))
    assert torch.equal(row, torch.tensor([[1.0, 2.0, 3.0]] * 2))
    assert initializers.Zeros()((2,), dtype="int32").dtype == torch.int32
    assert initializers.Constant(3)((2,), dtype="int64").tolist() == [3, 3]


def test_constant_bad_broadcast():
    with pytest.raises(ValueError, match=r"could not broadcast .* shape=\(2, 2\)"):
        initializers.Constant([1.0, 2.0, 3.0])((2, 2))


def test_identity():
    out = initializers.Identity(gain=2.0)((2, 3))
    assert torch.equal(out, 2.0 * torch.eye(2, 3))
    with pytest.raises(
        ValueError, match=r"only be used for 2D matrices. Received: shape=\(3,\)"
    ):
        initializers.Identity()((3,))


@pytest.mark.parametrize("shape", [(4, 4), (3, 5), (5, 3), (2, 3, 4), (3, 3, 2, 8)])
def test_orthogonal(shape):
    out = initializers.Orthogonal(gain=1.5, seed=1)(shape)
    assert out.shape == shape
    flat = out.reshape(-1, shape[-1]).double()
    small = flat.T @ flat if flat.shape[0] >= flat.shape[1] else flat @ flat.T
    torch.testing.assert_close(
        small, 2.25 * torch.eye(small.shape[0]).double(), atol=1e-5, rtol=0
    )


def test_orthogonal_needs_rank_two():
    with pytest.raises(
        ValueError, match=r"at least two-dimensional. Received: shape=\(3,\) of rank 1"
    ):
        initializers.Orthogonal()((3,))


def test_random_normal_statistics():
    out = initializers.RandomNormal(mean=1.0, stddev=2.0, seed=0)(BIG)
    assert abs(out.mean().item() - 1.0) < 0.02
    assert abs(out.std().item() - 2.0) < 0.02


def test_random_uniform_bounds():
    out = initializers.RandomUniform(minval=-1.0, maxval=3.0, seed=0)(BIG)
    assert out.min() >= -1.0
    assert out.max() < 3.0
    assert abs(out.mean().item() - 1.0) < 0.02


def test_truncated_normal_bounds_and_spread():
    out = initializers.TruncatedNormal(mean=1.0, stddev=2.0, seed=0)(BIG)
    assert out.min() >= -3.0
    assert out.max() <= 5.0
    assert abs(out.std().item() - 2.0 * 0.87962566103423978) < 0.02


@pytest.mark.parametrize(
    ("shape", "fans"),
    [
        ((), (1, 1)),
        ((7,), (7, 7)),
        ((3, 4), (3, 4)),
        ((2, 3, 4), (6, 8)),
        ((3, 3, 4, 5), (36, 45)),
        ((2, 2, 2, 3, 4), (24, 32)),
    ],
)
def test_compute_fans(shape, fans):
    assert initializers.compute_fans(shape) == fans


def test_compute_fans_with_axes():
    shape = (2, 3, 4, 5)
    assert initializers.compute_fans(shape, [0], [1]) == (2, 3)
    assert initializers.compute_fans(shape, [0, 1], [-1]) == (6, 5)
    assert initializers.compute_fans(shape, [0], None) == (24, 30)  # needs both


def _max_abs_over_seeds(init_cls, shape, n=6):
    return max(init_cls(seed=s)(shape).abs().max().item() for s in range(n))


@pytest.mark.parametrize(
    ("cls", "limit"),
    [
        (initializers.GlorotUniform, lambda fi, fo: math.sqrt(6 / (fi + fo))),
        (initializers.HeUniform, lambda fi, fo: math.sqrt(6 / fi)),
        (initializers.LecunUniform, lambda fi, fo: math.sqrt(3 / fi)),
    ],
)
@pytest.mark.parametrize("shape", [(30, 50), (3, 3, 8, 16)])
def test_uniform_limits(cls, limit, shape):
    fan_in, fan_out = initializers.compute_fans(shape)
    expected = limit(fan_in, fan_out)
    seen = _max_abs_over_seeds(cls, shape)
    assert seen <= expected * (1 + 1e-6)
    assert seen > expected * 0.995


@pytest.mark.parametrize(
    ("cls", "std"),
    [
        (initializers.GlorotNormal, lambda fi, fo: math.sqrt(2 / (fi + fo))),
        (initializers.HeNormal, lambda fi, fo: math.sqrt(2 / fi)),
        (initializers.LecunNormal, lambda fi, fo: math.sqrt(1 / fi)),
    ],
)
def test_truncated_normal_family_std_and_bounds(cls, std):
    shape = (3, 3, 40, 600)  # fan_in 360, fan_out 5400
    expected = std(*initializers.compute_fans(shape))
    out = cls(seed=0)(shape)
    assert abs(out.std().item() / expected - 1) < 0.01
    bound = 2 * expected / 0.87962566103423978
    assert out.abs().max().item() <= bound * (1 + 1e-6)


def test_variance_scaling_untruncated_and_modes():
    init = initializers.VarianceScaling(
        scale=3.0, mode="fan_out", distribution="untruncated_normal", seed=0
    )
    out = init((200, 1000))
    assert abs(out.std().item() - math.sqrt(3.0 / 1000)) < 0.01 * math.sqrt(3.0 / 1000)
    assert out.abs().max().item() > 3 * math.sqrt(3.0 / 1000)  # not truncated
    avg = initializers.VarianceScaling(
        scale=2.0, mode="fan_avg", distribution="uniform"
    )
    assert avg((100, 300)).abs().max() <= math.sqrt(3 * 2.0 / 200)


def test_variance_scaling_uses_axes():
    init = initializers.VarianceScaling(
        mode="fan_in", distribution="uniform", seed=0, input_axes=[0], output_axes=[1]
    )
    out = init((4, 3, 50, 60))
    assert out.abs().max() <= math.sqrt(3 / 4)
    assert out.abs().max() > 0.99 * math.sqrt(3 / 4)


def test_int_seed_repeats_every_call():
    init = initializers.GlorotUniform(seed=7)
    assert torch.equal(init((5, 4)), init((5, 4)))
    assert torch.equal(init((5, 4)), initializers.GlorotUniform(seed=7)((5, 4)))
    assert not torch.equal(init((5, 4)), initializers.GlorotUniform(seed=8)((5, 4)))


def test_seed_generator_gives_new_values_each_call():
    init = initializers.RandomNormal(seed=SeedGenerator(3))
    assert not torch.equal(init((5, 4)), init((5, 4)))


def test_unseeded_follows_torch_global_rng():
    init = initializers.Orthogonal()
    torch.manual_seed(11)
    first = init((4, 4))
    torch.manual_seed(11)
    assert torch.equal(first, init((4, 4)))
    assert not torch.equal(first, init((4, 4)))


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float64", torch.float64])
def test_dtypes(dtype):
    for init in (
        initializers.GlorotUniform(seed=1),
        initializers.TruncatedNormal(seed=1),
        initializers.Orthogonal(seed=1),
    ):
        out = init((3, 3), dtype=dtype)
        assert out.dtype == getattr(torch, str(dtype).replace("torch.", ""))
        assert out.device.type == "cpu"


def test_random_needs_float_dtype():
    with pytest.raises(
        ValueError, match=r"RandomNormal draws random floats.*dtype='int32'"
    ):
        initializers.RandomNormal()((2,), dtype="int32")


def test_validation_errors():
    with pytest.raises(
        ValueError, match=r"`scale` must be a positive float. Received: scale=0"
    ):
        initializers.VarianceScaling(scale=0)
    with pytest.raises(ValueError, match=r"`mode` must be one of .*mode='bad'"):
        initializers.VarianceScaling(mode="bad")
    with pytest.raises(ValueError, match=r"`distribution` must be one of .*'foo'"):
        initializers.VarianceScaling(distribution="foo")
    with pytest.raises(ValueError, match=r"`seed` must be an integer.*seed='a'"):
        initializers.RandomNormal(seed="a")
    with pytest.raises(ValueError, match=r"`shape` must be a tuple.*shape=\(2, -1\)"):
        initializers.Zeros()((2, -1))
    with pytest.raises(NotImplementedError, match="must implement"):
        initializers.Initializer()((2,))


def test_normal_distribution_alias():
    init = initializers.VarianceScaling(distribution="normal")
    assert init.get_config()["distribution"] == "truncated_normal"
