"""STFTSpectrogram: short-time Fourier transforms as learnable convolutions."""

from __future__ import annotations

import math
import warnings
from typing import Any

import torch
import torch.nn.functional as F

from lamina import backend
from lamina.initializers.stft_initializer import STFT
from lamina.layers.base import Layer
from lamina.layers.convolutional import _conv_utils as cu
from lamina.layers.input_spec import InputSpec

_MODES = ("log", "magnitude", "psd", "real", "imag", "angle", "stft")


class STFTSpectrogram(Layer):
    """Spectrograms of multi-channel signals, as a strided 1D convolution.

    The real and imaginary parts are convolutions with windowed DFT bases
    (`real_kernel`, `imag_kernel`, shape `(frame_length, 1, fft_length // 2 +
    1)`, trainable, initialized as Keras's `STFT` initializer). Modes: `"log"`
    (log magnitude), `"magnitude"`, `"psd"`, `"real"`, `"imag"`, `"angle"`,
    `"stft"` (real and imaginary stacked). Runs on torch tensors, on the
    inputs' device.

    Args:
        mode: the output, see above (default `"log"`).
        frame_length: window length (default 256).
        frame_step: hop (default `frame_length // 2`).
        fft_length: FFT size (default the next power of 2).
        window: `"hann"` (default), `"hamming"`, another scipy window name, an
            array, or None.
        periodic: periodic (True) or symmetric (False, default) window.
        scaling: `"density"` (default), `"spectrum"` or None.
        padding: `"valid"` (default) or `"same"`.
        expand_dims: keep channels as a separate axis.
        data_format: `"channels_last"` (default) or `"channels_first"`.

    Input shape:
        `(batch, time, channels)` (channels last).

    Output shape:
        `(batch, frames, channels * freq)`, or `(batch, frames, freq,
        channels)` with `expand_dims`.

    Example:
    >>> import lamina
    >>> layer = lamina.layers.STFTSpectrogram(frame_length=16, frame_step=8)
    >>> layer(np.ones((1, 64, 1))).shape
    torch.Size([1, 7, 9])
    """

    # Integer signals are refused, as Keras does, rather than cast.
    _keeps_integer_inputs = True

    def __init__(
        self,
        mode: str = "log",
        frame_length: int = 256,
        frame_step: int | None = None,
        fft_length: int | None = None,
        window: Any = "hann",
        periodic: bool = False,
        scaling: str | None = "density",
        padding: str = "valid",
        expand_dims: bool = False,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._check_args(mode, frame_length, frame_step, fft_length, scaling, padding)
        self.mode = mode
        self.frame_length = frame_length
        self.frame_step = frame_step
        self._frame_step = frame_step or frame_length // 2
        self.fft_length = fft_length
        self._fft_length = fft_length or 2 ** math.ceil(math.log2(frame_length))
        self.window = window
        self.periodic = periodic
        self.scaling = scaling
        self.padding = padding
        self.expand_dims = expand_dims
        self.data_format = cu.normalize_data_format(data_format)
        self.input_spec = InputSpec(ndim=3)

    @staticmethod
    def _check_args(
        mode: str, length: int, step: Any, fft: Any, scaling: Any, padding: str
    ) -> None:
        if step is not None and (step > length or step < 1):
            raise ValueError(
                "`frame_step` should be a positive integer not greater than "
                f"`frame_length`. Received frame_step={step}, frame_length={length}"
            )
        if fft is not None and fft < length:
            raise ValueError(
                "`fft_length` should be not less than `frame_length`. Received "
                f"fft_length={fft}, frame_length={length}"
            )
        if fft is not None and (fft & -fft) != fft:
            warnings.warn(
                "`fft_length` is recommended to be a power of two. Received "
                f"fft_length={fft}",
                stacklevel=3,
            )
        if mode not in _MODES:
            raise ValueError(
                f"Output mode is invalid, it must be one of {', '.join(_MODES)}. "
                f"Received: mode={mode}"
            )
        if scaling is not None and scaling not in ("density", "spectrum"):
            raise ValueError(
                "Scaling is invalid, it must be `None`, 'density' or 'spectrum'. "
                f"Received scaling={scaling}"
            )
        if padding not in ("valid", "same"):
            raise ValueError(
                f"Padding is invalid, it should be 'valid', 'same'. Received: "
                f"padding={padding}"
            )

    def build(self, input_shape: tuple) -> None:
        shape = (self.frame_length, 1, self._fft_length // 2 + 1)
        for side in ("real", "imag"):
            if self.mode != {"real": "imag", "imag": "real"}[side]:
                weight = self.add_weight(
                    shape=shape,
                    initializer=STFT(side, self.window, self.scaling, self.periodic),
                    name=f"{side}_kernel",
                )
                setattr(self, f"{side}_kernel", weight)
        self.built = True

    def _conv(self, x: torch.Tensor, kernel: torch.Tensor) -> torch.Tensor:
        """`(B, C, T)` signals -> `(B, C, freq, frames)`."""
        B, C, T = x.shape  # batch, channels, time
        signal = x.reshape(B * C, 1, T)
        if self.padding == "same":
            pads = cu.same_pads(T, self.frame_length, self._frame_step)
            signal = F.pad(signal, pads)
        weight = kernel.to(x.dtype).permute(2, 1, 0)  # (freq, 1, frame_length)
        out = F.conv1d(signal, weight, stride=self._frame_step)
        return out.reshape(B, C, *out.shape[1:])

    def _adjust(self, out: torch.Tensor) -> torch.Tensor:
        B, C, Fq, T = out.shape  # batch, channels, freq, frames
        if self.data_format == "channels_last":
            if self.expand_dims:
                return out.permute(0, 3, 2, 1)
            return out.reshape(B, C * Fq, T).transpose(1, 2)
        if self.expand_dims:
            return out.permute(0, 1, 3, 2)
        return out.reshape(B, C * Fq, T)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        if not inputs.is_floating_point() or inputs.dtype == torch.bfloat16:
            raise TypeError(
                "Invalid input type. Expected `float16`, `float32` or `float64`. "
                f"Received: input type={inputs.dtype}"
            )
        x = inputs.transpose(1, 2) if self.data_format == "channels_last" else inputs
        if self.mode == "real":
            return self._adjust(self._conv(x, self.real_kernel))
        if self.mode == "imag":
            return self._adjust(self._conv(x, self.imag_kernel))
        real = self._conv(x, self.real_kernel)
        imag = self._conv(x, self.imag_kernel)
        if self.mode == "angle":
            return self._adjust(torch.atan2(imag, real))
        if self.mode == "stft":
            return self._adjust(torch.cat([real, imag], dim=2))
        power = real.square() + imag.square()
        if self.mode == "psd":
            inner = F.pad(power[:, :, 1:-1], (0, 0, 1, 1))
            return self._adjust(power + inner)
        eps = backend.epsilon()
        magnitude = self._adjust(torch.sqrt(torch.clamp(power, min=eps)))
        if self.mode == "magnitude":
            return magnitude
        return torch.log(torch.clamp(magnitude, min=eps))

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "mode": self.mode,
            "frame_length": self.frame_length,
            "frame_step": self.frame_step,
            "fft_length": self.fft_length,
            "window": self.window,
            "periodic": self.periodic,
            "scaling": self.scaling,
            "padding": self.padding,
            "expand_dims": self.expand_dims,
            "data_format": self.data_format,
        }
