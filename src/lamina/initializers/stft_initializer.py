"""STFT: windowed discrete-Fourier-transform bases as convolution kernels."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from lamina.backend import standardize_dtype, to_torch_dtype
from lamina.initializers._base import Initializer, Shape, check_shape
from lamina.initializers.constant_initializers import (
    _value_from_config,
    _value_to_config,
)

_SIDES = ("real", "imag")
_SCALINGS = (None, "density", "spectrum")
# Windows built here with torch; other names go to `scipy.signal.get_window`.
_TORCH_WINDOWS = {
    "hann": torch.hann_window,
    "hamming": torch.hamming_window,
    "blackman": torch.blackman_window,
    "bartlett": torch.bartlett_window,
}
_SCIPY_HINT = (
    "`STFT(window={window!r})` needs scipy (`pip install scipy`), which builds "
    "every window of `scipy.signal.windows`. Without it, use one of "
    "'hann', 'hamming', 'blackman', 'bartlett', 'boxcar', None, or pass the "
    "window's values as an array."
)


def _scipy_window(name: str, length: int, periodic: bool) -> np.ndarray:
    """`scipy.signal.get_window(name, length, periodic)`, with a clear error."""
    try:
        # scipy is optional: imported only for windows torch does not build.
        import scipy.signal
    except ImportError as err:
        raise ImportError(_SCIPY_HINT.format(window=name)) from err
    return scipy.signal.get_window(name, length, periodic)


def window_values(name: str, length: int, periodic: bool) -> np.ndarray:
    """The float64 values of the window `name` over `length` samples.

    `periodic=True` gives the periodic (DFT-even) window, `False` the
    symmetric one, as `scipy.signal.get_window(name, length, periodic)`.
    """
    if name in _TORCH_WINDOWS:
        if length == 1:  # scipy's convention; torch's periodic form divides by 1
            return np.ones(1)
        builder = _TORCH_WINDOWS[name]
        return builder(length, periodic=periodic, dtype=torch.float64).numpy()
    if name == "boxcar":
        return np.ones(length)
    return _scipy_window(name, length, periodic)


def _check_window(window: Any) -> Any:
    """Returns `window` (a name, array values or None), or raises early."""
    window = _value_from_config(window)  # an array written as Keras's __numpy__
    named = isinstance(window, tuple) and any(isinstance(v, str) for v in window)
    if window is None or (
        isinstance(window, (np.ndarray, torch.Tensor, list, tuple)) and not named
    ):
        return window
    if isinstance(window, str):
        window_values(window, 1, False)  # an unknown name raises scipy's error
        return window
    raise ValueError(
        "`window` must be a window name (such as 'hann'), an array with one value "
        "per frame sample, or None. Received: "
        f"window={window!r}. For a window with parameters such as ('kaiser', 8.0), "
        "pass its values: `scipy.signal.get_window(('kaiser', 8.0), frame_length)`."
    )


class STFT(Initializer):
    """Kernels of a short-time Fourier transform, for `(frame, 1, bins)` convolutions.

    A convolution of a signal with this kernel gives the real (`side="real"`,
    cosine basis) or imaginary (`side="imag"`, sine basis) part of the DFT of
    each frame, for the first `bins = fft_length // 2 + 1` frequencies:

    `kernel[t, 0, k] = cos(-2 pi t k / fft_length) * window[t] / scale`

    (`sin` for the imaginary side), where `fft_length = 2 * (bins - 1)` and
    `scale` is `sqrt(sum(window ** 2))` for `scaling="density"`,
    `sum(|window|)` for `"spectrum"` and 1 for None. Without a window the
    basis is not scaled. `STFTSpectrogram` builds its kernels this way.

    Args:
        side: `"real"` (default) or `"imag"`.
        window: a window name from `scipy.signal.windows` (`"hann"`, the
            default, `"hamming"`, `"blackman"`, `"bartlett"` and `"boxcar"` are
            built without scipy), an array of `frame_length` values, or None.
        scaling: `"density"` (default, L2 normalization of the window),
            `"spectrum"` (L1) or None.
        periodic: whether a named window is periodic (True) or symmetric
            (False, default).

    Raises:
        ValueError: for an unknown side, window or scaling.

    Example:

    >>> kernel = STFT("real", "hann", "density", False)((8, 1, 5))
    >>> tuple(kernel.shape)
    (8, 1, 5)
    """

    def __init__(
        self,
        side: str = "real",
        window: Any = "hann",
        scaling: str | None = "density",
        periodic: bool = False,
    ) -> None:
        if not isinstance(side, str) or side not in _SIDES:
            raise ValueError(
                f"`side` should be 'real' or 'imag'. Received: side={side!r}"
            )
        if (
            not (scaling is None or isinstance(scaling, str))
            or scaling not in _SCALINGS
        ):
            raise ValueError(
                "Scaling is invalid, it must be `None`, 'density' or 'spectrum'. "
                f"Received scaling={scaling!r}"
            )
        self.side = side
        self.window = _check_window(window)
        self.scaling = scaling
        self.periodic = periodic

    def __call__(self, shape: Shape, dtype: object = None) -> torch.Tensor:
        """Returns the `(frame_length, 1, bins)` kernel in `dtype` (default floatx)."""
        frame_length, bins = self._check_call_shape(shape)
        torch_dtype = to_torch_dtype(standardize_dtype(dtype))
        if not torch_dtype.is_floating_point:
            raise ValueError(
                "STFT computes cosines and sines, so `dtype` must be a float type. "
                f"Received: dtype={standardize_dtype(dtype)!r}"
            )
        time = torch.arange(frame_length, dtype=torch_dtype).reshape(-1, 1, 1)
        freq = torch.arange(bins, dtype=torch_dtype).reshape(1, 1, -1) / (2 * bins - 2)
        # Keras's order of operations, so that float32 kernels agree to the bit.
        args = (-2 * time) * freq * torch.arccos(torch.tensor(-1, dtype=torch_dtype))
        kernel = torch.cos(args) if self.side == "real" else torch.sin(args)
        win = self._window(frame_length, torch_dtype)
        if win is None:
            return kernel
        return kernel * win / self._scale(win)

    def _check_call_shape(self, shape: Shape) -> tuple[int, int]:
        dims = check_shape(shape)
        if len(dims) != 3 or dims[1] != 1 or dims[2] < 2:
            raise ValueError(
                "STFT makes kernels of shape (frame_length, 1, fft_length // 2 + 1), "
                "with one input channel and at least 2 frequency bins. Received: "
                f"shape={tuple(shape)}"
            )
        return dims[0], dims[2]

    def _window(self, frame_length: int, dtype: torch.dtype) -> torch.Tensor | None:
        """The window as a `(frame_length, 1, 1)` tensor, or None."""
        if self.window is None:
            return None
        if isinstance(self.window, str):
            values = window_values(self.window, frame_length, bool(self.periodic))
        else:
            values = self.window
        win = torch.as_tensor(np.asarray(values), dtype=dtype)
        if win.shape != (frame_length,):
            raise ValueError(
                "The shape of `window` must be equal to [frame_length]. Received: "
                f"window shape={tuple(win.shape)}, frame_length={frame_length}"
            )
        return win.reshape(frame_length, 1, 1)

    def _scale(self, win: torch.Tensor) -> torch.Tensor | float:
        if self.scaling == "density":
            return torch.sqrt(torch.sum(torch.square(win)))
        if self.scaling == "spectrum":
            return torch.sum(torch.abs(win))
        return 1

    def get_config(self) -> dict[str, Any]:
        """Returns Keras's config: side, window, periodic and scaling.

        An array window is written in Keras's `__numpy__` form, as Keras's
        `serialize` writes it, so the config stays JSON.
        """
        return {
            "side": self.side,
            "window": _value_to_config(self.window),
            "periodic": self.periodic,
            "scaling": self.scaling,
        }


STFTInitializer = STFT
stft = STFT

__all__ = ["STFT", "STFTInitializer", "stft", "window_values"]
