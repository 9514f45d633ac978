"""InputSpec: the rank, dtype and axis sizes a layer accepts, checked on call."""

from __future__ import annotations

from typing import Any


def user_shape(shape: tuple) -> tuple:
    """A batch shape as the user sees it: the batch axis is None (the size of
    an internal sample batch means nothing to them)."""
    shape = tuple(shape)
    return (None, *shape[1:]) if shape else shape


def _feature_hint(want: int, got: int, rank: int) -> str:
    """For 2-D inputs: suggest the size the data has, never the one given."""
    if rank != 2:
        return ""
    return (
        f" Hint: the data has {got} features per sample, but the layer was built "
        f"for {want}. If this is the model's first layer, use "
        f"`input_shape=({got},)` (or `Input(shape=({got},))`): the shape excludes "
        "the batch dimension."
    )


class InputSpec:
    """Describes what a layer expects of an input.

    Args:
        dtype: expected dtype, or None.
        shape: expected full shape (None entries match any size).
        ndim: expected rank.
        max_ndim: largest rank accepted.
        min_ndim: smallest rank accepted.
        axes: dict mapping an axis to its expected size.
        allow_last_axis_squeeze: accept a missing trailing axis of size 1.
        name: the input's name.
    """

    def __init__(
        self,
        dtype: Any = None,
        shape: tuple | None = None,
        ndim: int | None = None,
        max_ndim: int | None = None,
        min_ndim: int | None = None,
        axes: dict[int, int] | None = None,
        allow_last_axis_squeeze: bool = False,
        name: str | None = None,
        optional: bool = False,
    ) -> None:
        self.optional = optional  # an input that may be None (Keras)
        self.dtype = dtype
        self.shape = tuple(shape) if shape is not None else None
        self.ndim = len(shape) if shape is not None else ndim
        self.max_ndim = max_ndim
        self.min_ndim = min_ndim
        self.axes = dict(axes or {})
        self.allow_last_axis_squeeze = allow_last_axis_squeeze
        self.name = name

    def get_config(self) -> dict:
        return {
            "dtype": self.dtype,
            "shape": self.shape,
            "ndim": self.ndim,
            "max_ndim": self.max_ndim,
            "min_ndim": self.min_ndim,
            "axes": self.axes,
        }

    def check(self, layer_name: str, shape: tuple) -> None:
        """Raises ValueError when `shape` (with batch) does not fit this spec."""
        rank = len(shape)
        where = f"Input 0 of layer '{layer_name}' is incompatible with the layer"
        if self.ndim is not None and rank != self.ndim:
            raise ValueError(
                f"{where}: expected ndim={self.ndim}, found ndim={rank}. "
                f"Full shape received: {user_shape(shape)}"
            )
        if self.min_ndim is not None and rank < self.min_ndim:
            raise ValueError(
                f"{where}: expected min_ndim={self.min_ndim}, found ndim={rank}. "
                f"Full shape received: {user_shape(shape)}"
            )
        if self.max_ndim is not None and rank > self.max_ndim:
            raise ValueError(
                f"{where}: expected max_ndim={self.max_ndim}, found ndim={rank}. "
                f"Full shape received: {user_shape(shape)}"
            )
        for axis, size in self.axes.items():
            got = shape[axis] if -rank <= axis < rank else None
            if size is not None and got is not None and got != size:
                raise ValueError(
                    f"{where}: expected axis {axis} of input shape to have value "
                    f"{size}, but received input with shape {user_shape(shape)}."
                    + _feature_hint(size, got, rank)
                )
        if self.shape is not None:
            for want, got in zip(self.shape, shape):
                if want is not None and got is not None and want != got:
                    raise ValueError(
                        f"{where}: expected shape={self.shape}, found "
                        f"shape={user_shape(shape)}"
                    )
