"""Fourier transforms and framing: `fft`, `rfft`, `stft`, `istft`, ...

Complex values travel as a `(real, imag)` pair of float tensors, as in
`keras.ops`; windows are periodic (`"hann"`, `"hamming"`) or given.
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from lamina.ops._convert import float_tensor, to_tensor


def _complex(x: Any, name: str) -> torch.Tensor:
    """A complex tensor from a `(real, imag)` pair of equal shapes."""
    if not isinstance(x, (tuple, list)) or len(x) != 2:
        raise ValueError(
            f"`{name}` takes a tuple of two tensors (real, imag). "
            f"Received: {type(x).__name__}"
        )
    real, imag = float_tensor(x[0]), float_tensor(x[1])
    if real.shape != imag.shape:
        raise ValueError(
            f"`{name}`: the real and imaginary parts must have the same shape. "
            f"Received: real.shape={tuple(real.shape)}, imag.shape={tuple(imag.shape)}"
        )
    return torch.complex(real, imag.to(real.dtype))


def _pair(z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """A complex tensor as `(real, imag)`."""
    return z.real, z.imag


def fft(x: Any) -> tuple[torch.Tensor, torch.Tensor]:
    """FFT along the last axis of `(real, imag)`; returns `(real, imag)`."""
    return _pair(torch.fft.fft(_complex(x, "fft")))


def fft2(x: Any) -> tuple[torch.Tensor, torch.Tensor]:
    """2-D FFT over the last two axes of `(real, imag)`."""
    return _pair(torch.fft.fft2(_complex(x, "fft2")))


def ifft2(x: Any) -> tuple[torch.Tensor, torch.Tensor]:
    """Inverse 2-D FFT over the last two axes of `(real, imag)`."""
    return _pair(torch.fft.ifft2(_complex(x, "ifft2")))


def rfft(x: Any, fft_length: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """FFT of a real signal along the last axis (`fft_length // 2 + 1` bins)."""
    return _pair(torch.fft.rfft(float_tensor(x), n=fft_length, dim=-1))


def irfft(x: Any, fft_length: int | None = None) -> torch.Tensor:
    """Inverse of `rfft`: a real signal of `fft_length` samples."""
    return torch.fft.irfft(_complex(x, "irfft"), n=fft_length, dim=-1)


def extract_sequences(
    x: Any, sequence_length: int, sequence_stride: int
) -> torch.Tensor:
    """Frames of `sequence_length` samples every `sequence_stride` (last axis)."""
    return to_tensor(x).unfold(-1, sequence_length, sequence_stride)


def _window(window: Any, length: int, dtype: torch.dtype, device: Any) -> torch.Tensor:
    """The analysis window: periodic Hann/Hamming, a given tensor, or ones."""
    if window is None:
        return torch.ones(length, dtype=dtype, device=device)
    if isinstance(window, str):
        makers = {"hann": torch.hann_window, "hamming": torch.hamming_window}
        if window not in makers:
            raise ValueError(
                "A string `window` must be 'hann' or 'hamming'. "
                f"Received: window={window!r}"
            )
        return makers[window](length, periodic=True, dtype=dtype, device=device)
    win = to_tensor(window).to(dtype)
    if tuple(win.shape) != (length,):
        raise ValueError(
            "The shape of `window` must be (sequence_length,). "
            f"Received: window.shape={tuple(win.shape)}, sequence_length={length}"
        )
    return win


def stft(
    x: Any,
    sequence_length: int,
    sequence_stride: int,
    fft_length: int,
    window: Any = "hann",
    center: bool = True,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Short-time Fourier transform along the last axis.

    Returns:
        `(real, imag)`, each of shape `(..., frames, fft_length // 2 + 1)`.

    Raises:
        TypeError: for inputs that are not float32 or float64.
        ValueError: when `fft_length < sequence_length` or the window is bad.
    """
    x = to_tensor(x)
    if x.dtype not in (torch.float32, torch.float64):
        raise TypeError(
            f"`stft` needs float32 or float64 input. Received: x.dtype={x.dtype}"
        )
    if fft_length < sequence_length:
        raise ValueError(
            "`fft_length` must be >= `sequence_length`. Received: "
            f"sequence_length={sequence_length}, fft_length={fft_length}"
        )
    win = _window(window, sequence_length, x.dtype, x.device)
    *batch, samples = x.shape
    z = torch.stft(
        x.reshape(-1, samples),
        n_fft=fft_length,
        hop_length=sequence_stride,
        win_length=sequence_length,
        window=win,
        center=center,
        return_complex=True,
    )
    z = z.reshape(*batch, *z.shape[-2:]).transpose(-2, -1)
    return z.real, z.imag


def _overlap_add(frames: torch.Tensor, stride: int) -> torch.Tensor:
    """Sums frames `(..., n, L)` placed every `stride` samples."""
    *batch, n, length = frames.shape
    total = stride * (n - 1) + length
    flat = frames.reshape(-1, n, length).transpose(1, 2)  # (B, L, n)
    out = F.fold(flat, (1, total), (1, length), stride=(1, stride))
    return out.reshape(*batch, total)


def istft(
    x: Any,
    sequence_length: int,
    sequence_stride: int,
    fft_length: int,
    length: int | None = None,
    window: Any = "hann",
    center: bool = True,
) -> torch.Tensor:
    """Inverse short-time Fourier transform of `(real, imag)` frames."""
    frames = torch.fft.irfft(_complex(x, "istft"), n=fft_length, dim=-1)
    dtype, device = frames.dtype, frames.device
    if window is not None:
        win = _window(window, sequence_length, dtype, device)
        left = (fft_length - sequence_length) // 2
        win = F.pad(win, (left, fft_length - sequence_length - left))
        overlaps = -(-fft_length // sequence_stride)
        denom = F.pad(win.square(), (0, overlaps * sequence_stride - fft_length))
        denom = denom.reshape(overlaps, sequence_stride).sum(0).repeat(overlaps)
        frames = frames * (win / denom[:fft_length])
    out = _overlap_add(frames, sequence_stride)
    start = fft_length // 2 if center else 0
    if length is not None:
        return out[..., start : start + length]
    end = out.shape[-1] - fft_length // 2 if center else out.shape[-1]
    return out[..., start:end]
