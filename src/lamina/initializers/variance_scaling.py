"""VarianceScaling and its named forms (Glorot, He, LeCun)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import torch

from lamina.backend import SeedGenerator
from lamina.initializers._base import (
    RandomInitializer,
    Shape,
    check_shape,
    empty_for_sampling,
    float_dtype,
    product,
)

# Standard deviation of a unit normal truncated to [-2, 2]; dividing by it
# gives the truncated draw the requested variance.
TRUNCATED_STDDEV_FACTOR = 0.87962566103423978
_MODES = ("fan_in", "fan_out", "fan_avg")
_DISTRIBUTIONS = ("truncated_normal", "untruncated_normal", "uniform")


def compute_fans(
    shape: Sequence[int],
    input_axes: Sequence[int] | None = None,
    output_axes: Sequence[int] | None = None,
) -> tuple[int, int]:
    """Returns `(fan_in, fan_out)` of a weight shape, as Keras counts them.

    A Dense kernel `(in, out)` gives `(in, out)`; a convolution kernel
    `(*spatial, in, out)` gives `(in * receptive, out * receptive)` with
    `receptive = prod(spatial)`; a vector `(n,)` gives `(n, n)` and a scalar
    `(1, 1)`. When both `input_axes` and `output_axes` are given, the fans are
    the products of the sizes on those axes.

    Args:
        shape: the weight shape.
        input_axes: axes counted for the fan-in.
        output_axes: axes counted for the fan-out.

    Returns:
        The pair `(fan_in, fan_out)`.
    """
    shape = tuple(shape)
    if input_axes is not None and output_axes is not None:
        try:
            return product([shape[a] for a in input_axes]), product(
                [shape[a] for a in output_axes]
            )
        except IndexError as err:
            raise ValueError(
                "`input_axes` and `output_axes` must be valid axes of the shape. "
                f"Received: shape={shape}, input_axes={input_axes}, "
                f"output_axes={output_axes}"
            ) from err
    if not shape:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive = product(shape[:-2])
    return shape[-2] * receptive, shape[-1] * receptive


def _check_arguments(scale: float, mode: str, distribution: str) -> str:
    """Validates VarianceScaling's arguments; returns the canonical distribution."""
    if not scale > 0.0:
        raise ValueError(f"`scale` must be a positive float. Received: scale={scale}")
    if mode not in _MODES:
        raise ValueError(
            f"`mode` must be one of {', '.join(_MODES)}. Received: mode={mode!r}"
        )
    canonical = str(distribution).lower()
    canonical = "truncated_normal" if canonical == "normal" else canonical
    if canonical not in _DISTRIBUTIONS:
        raise ValueError(
            f"`distribution` must be one of {', '.join(_DISTRIBUTIONS)}. "
            f"Received: distribution={distribution!r}"
        )
    return canonical


class VarianceScaling(RandomInitializer):
    """Initializer whose spread adapts to the shape of the weight.

    With `n` the fan-in, fan-out or their mean (`mode`), values are drawn
    with variance `scale / n`: from a normal truncated at two standard
    deviations (`"truncated_normal"`), an ordinary normal
    (`"untruncated_normal"`), or uniformly on `[-limit, limit]` with
    `limit = sqrt(3 * scale / n)` (`"uniform"`).

    Args:
        scale: positive scaling factor.
        mode: `"fan_in"`, `"fan_out"` or `"fan_avg"`.
        distribution: `"truncated_normal"` (alias `"normal"`),
            `"untruncated_normal"` or `"uniform"`.
        seed: an int (same values every call), a `SeedGenerator` (new values
            every call) or `None` (torch's global RNG).
        input_axes: axes counted for the fan-in (needs `output_axes` too).
        output_axes: axes counted for the fan-out (needs `input_axes` too).

    Raises:
        ValueError: for a non-positive scale or an unknown mode or distribution.

    Example:

    >>> init = VarianceScaling(scale=0.1, mode="fan_in", distribution="uniform")
    >>> init((2, 2)).shape
    torch.Size([2, 2])
    """

    def __init__(
        self,
        scale: float = 1.0,
        mode: str = "fan_in",
        distribution: str = "truncated_normal",
        seed: int | SeedGenerator | None = None,
        input_axes: Sequence[int] | None = None,
        output_axes: Sequence[int] | None = None,
    ) -> None:
        super().__init__(seed)
        self.distribution = _check_arguments(scale, mode, distribution)
        self.scale = scale
        self.mode = mode
        self.input_axes = input_axes
        self.output_axes = output_axes

    def _variance(self, shape: tuple[int, ...]) -> float:
        fan_in, fan_out = compute_fans(shape, self.input_axes, self.output_axes)
        fan = {"fan_in": fan_in, "fan_out": fan_out}.get(
            self.mode, (fan_in + fan_out) / 2
        )
        return self.scale / max(1.0, fan)

    def __call__(self, shape: Shape, dtype: object = None) -> torch.Tensor:
        """Returns a CPU tensor of `shape` with variance `scale / n`."""
        shape = check_shape(shape)
        torch_dtype = float_dtype(dtype, type(self).__name__)
        variance = self._variance(shape)
        out = empty_for_sampling(shape, torch_dtype)
        generator = self.generator()
        if self.distribution == "uniform":
            limit = math.sqrt(3.0 * variance)
            out.uniform_(-limit, limit, generator=generator)
        elif self.distribution == "untruncated_normal":
            out.normal_(0.0, math.sqrt(variance), generator=generator)
        else:
            std = math.sqrt(variance) / TRUNCATED_STDDEV_FACTOR
            torch.nn.init.trunc_normal_(out, 0.0, std, -2 * std, 2 * std, generator)
        return out.to(torch_dtype)

    def get_config(self) -> dict[str, Any]:
        """Returns the constructor arguments."""
        return {
            **super().get_config(),
            "scale": self.scale,
            "mode": self.mode,
            "distribution": self.distribution,
            "input_axes": self.input_axes,
            "output_axes": self.output_axes,
        }


class _FixedVarianceScaling(VarianceScaling):
    """VarianceScaling with scale, mode and distribution set by the subclass."""

    _SCALE = 1.0
    _MODE = "fan_in"
    _DISTRIBUTION = "truncated_normal"

    def __init__(
        self,
        seed: int | SeedGenerator | None = None,
        input_axes: Sequence[int] | None = None,
        output_axes: Sequence[int] | None = None,
    ) -> None:
        super().__init__(
            self._SCALE, self._MODE, self._DISTRIBUTION, seed, input_axes, output_axes
        )

    def get_config(self) -> dict[str, Any]:
        """Returns `{"seed", "input_axes", "output_axes"}`."""
        config = super().get_config()
        return {k: config[k] for k in ("seed", "input_axes", "output_axes")}


class GlorotUniform(_FixedVarianceScaling):
    """Glorot (Xavier) uniform: U(-limit, limit), limit = sqrt(6 / (fan_in + fan_out)).

    Args:
        seed: an int (same values every call), a `SeedGenerator` (new values
            every call) or `None` (torch's global RNG).
        input_axes: axes counted for the fan-in (needs `output_axes` too).
        output_axes: axes counted for the fan-out (needs `input_axes` too).
    """

    _MODE = "fan_avg"
    _DISTRIBUTION = "uniform"


class GlorotNormal(_FixedVarianceScaling):
    """Glorot (Xavier) normal: truncated normal, stddev sqrt(2 / (fan_in + fan_out)).

    Args: as for `GlorotUniform`.
    """

    _MODE = "fan_avg"


class HeUniform(_FixedVarianceScaling):
    """He uniform: U(-limit, limit), limit = sqrt(6 / fan_in).

    Args: as for `GlorotUniform`.
    """

    _SCALE = 2.0
    _DISTRIBUTION = "uniform"


class HeNormal(_FixedVarianceScaling):
    """He normal: truncated normal with stddev sqrt(2 / fan_in).

    Args: as for `GlorotUniform`.
    """

    _SCALE = 2.0


class LecunUniform(_FixedVarianceScaling):
    """LeCun uniform: U(-limit, limit), limit = sqrt(3 / fan_in).

    Args: as for `GlorotUniform`.
    """

    _DISTRIBUTION = "uniform"


class LecunNormal(_FixedVarianceScaling):
    """LeCun normal: truncated normal with stddev sqrt(1 / fan_in).

    Args: as for `GlorotUniform`.
    """
