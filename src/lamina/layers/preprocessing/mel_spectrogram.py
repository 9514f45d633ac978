"""MelSpectrogram: audio waveforms to mel-scale (log-)power spectrograms."""

from __future__ import annotations

import math
from typing import Any

import torch

from lamina.layers.base import Layer

_MEL_BREAK_HZ = 700.0
_MEL_HIGH_Q = 1127.0


def _hertz_to_mel(hz: torch.Tensor) -> torch.Tensor:
    return _MEL_HIGH_Q * torch.log(1.0 + hz / _MEL_BREAK_HZ)


def mel_weight_matrix(
    num_mel_bins: int,
    num_spectrogram_bins: int,
    sampling_rate: float,
    lower_edge_hertz: float,
    upper_edge_hertz: float,
    device: Any = None,
) -> torch.Tensor:
    """`(num_spectrogram_bins, num_mel_bins)` triangular HTK mel filters, peak 1;
    the DC bin gets no weight."""

    def span(start: torch.Tensor, stop: torch.Tensor, num: int) -> torch.Tensor:
        # `start + k / (num - 1) * (stop - start)` in float32, Keras's linspace
        # arithmetic, so band edges land on the same floats.
        steps = torch.arange(num, dtype=torch.float32, device=device) / (num - 1)
        return start + steps * (stop - start)

    def f32(v: float) -> torch.Tensor:
        return torch.tensor(float(v), dtype=torch.float32, device=device)

    linear = span(f32(0.0), f32(sampling_rate) / 2.0, num_spectrogram_bins)[1:]
    bins_mel = _hertz_to_mel(linear)[:, None]
    edges = span(
        _hertz_to_mel(f32(lower_edge_hertz)),
        _hertz_to_mel(f32(upper_edge_hertz)),
        num_mel_bins + 2,
    )
    lower, center, upper = edges[:-2][None], edges[1:-1][None], edges[2:][None]
    rising = (bins_mel - lower) / (center - lower)
    falling = (upper - bins_mel) / (upper - center)
    weights = torch.clamp(torch.minimum(rising, falling), min=0.0)
    return torch.nn.functional.pad(weights, (0, 0, 1, 0))


class MelSpectrogram(Layer):
    """Computes mel spectrograms of raw audio, Keras's way.

    `|STFT(x)| ** mag_exp` (Hann window, centred frames with reflect padding)
    is projected on `num_mel_bins` triangular filters between `min_freq` and
    `max_freq` and, with `power_to_db`, converted to decibels relative to
    `ref_power`, floored at `top_db` below the maximum (the maximum over the
    whole batch, as in Keras). Runs on torch tensors, on the inputs' device
    (`torch.stft`).

    Args:
        fft_length: FFT size (default 2048).
        sequence_stride: hop between frames (default 512).
        sequence_length: window length (default `fft_length`).
        window: `"hann"`, `"hamming"` or None.
        sampling_rate: samples per second (default 16000).
        num_mel_bins: number of mel bands (default 128).
        min_freq, max_freq: band limits in Hz (default 20 and half the rate).
        power_to_db: convert to decibels.
        top_db: dynamic range kept in decibels (default 80).
        mag_exp: exponent of the magnitude (2: power).
        min_power, ref_power: floor and reference of the decibel scale.

    Input shape:
        `(batch, samples)` or `(samples,)`.

    Output shape:
        `(batch, num_mel_bins, frames)` with `frames = 1 + samples // stride`.

    Example:
    >>> import lamina
    >>> lamina.layers.MelSpectrogram(num_mel_bins=8)(np.ones((1, 4096))).shape
    torch.Size([1, 8, 9])
    """

    def __init__(
        self,
        fft_length: int = 2048,
        sequence_stride: int = 512,
        sequence_length: int | None = None,
        window: str | None = "hann",
        sampling_rate: int = 16000,
        num_mel_bins: int = 128,
        min_freq: float = 20.0,
        max_freq: float | None = None,
        power_to_db: bool = True,
        top_db: float = 80.0,
        mag_exp: float = 2.0,
        min_power: float = 1e-10,
        ref_power: float = 1.0,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.fft_length = fft_length
        self.sequence_stride = sequence_stride
        self.sequence_length = sequence_length or fft_length
        if self.fft_length < self.sequence_length:
            raise ValueError(
                "`fft_length` must be greater than or equal to `sequence_length`. "
                f"Received: `sequence_length`={self.sequence_length}, "
                f"`fft_length`={self.fft_length}."
            )
        if window not in ("hann", "hamming", None):
            raise ValueError(
                f"`window` must be 'hann', 'hamming' or None. Received: window={window}"
            )
        self.window = window
        self.sampling_rate = sampling_rate
        self.num_mel_bins = num_mel_bins
        self.min_freq = min_freq
        self.max_freq = max_freq or int(sampling_rate / 2)
        self.power_to_db = power_to_db
        self.top_db = top_db
        self.mag_exp = mag_exp
        self.min_power = min_power
        self.ref_power = ref_power
        self.built = True

    def _window(self, x: torch.Tensor) -> torch.Tensor:
        n = self.sequence_length
        if self.window == "hann":
            return torch.hann_window(n, periodic=True, dtype=x.dtype, device=x.device)
        if self.window == "hamming":
            return torch.hamming_window(
                n, periodic=True, dtype=x.dtype, device=x.device
            )
        return torch.ones(n, dtype=x.dtype, device=x.device)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        x = inputs.to(torch.float64 if inputs.dtype == torch.float64 else torch.float32)
        lead, samples = x.shape[:-1], x.shape[-1]
        spec = torch.stft(
            x.reshape(-1, samples),
            n_fft=self.fft_length,
            hop_length=self.sequence_stride,
            win_length=self.sequence_length,
            window=self._window(x),
            center=True,
            return_complex=True,
        )  # (N, bins, frames)
        power = spec.abs() ** self.mag_exp
        mel = mel_weight_matrix(
            self.num_mel_bins,
            power.shape[1],
            self.sampling_rate,
            self.min_freq,
            self.max_freq,
            x.device,
        ).to(x.dtype)
        out = torch.einsum("nbt,bm->nmt", power, mel)
        if self.power_to_db:
            out = self._db(out)
        out = out.reshape(*lead, *out.shape[1:])
        return out.to(self._dtype_policy.torch_compute_dtype)

    def _db(self, power: torch.Tensor) -> torch.Tensor:
        log = 10.0 * torch.log10(torch.clamp(power, min=self.min_power))
        log = log - 10.0 * math.log10(max(abs(self.ref_power), self.min_power))
        return torch.maximum(log, log.max() - self.top_db)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "fft_length": self.fft_length,
            "sequence_stride": self.sequence_stride,
            "sequence_length": self.sequence_length,
            "window": self.window,
            "sampling_rate": self.sampling_rate,
            "num_mel_bins": self.num_mel_bins,
            "min_freq": self.min_freq,
            "max_freq": self.max_freq,
            "power_to_db": self.power_to_db,
            "top_db": self.top_db,
            "mag_exp": self.mag_exp,
            "min_power": self.min_power,
            "ref_power": self.ref_power,
        }
