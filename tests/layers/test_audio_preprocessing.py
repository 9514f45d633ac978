"""MelSpectrogram and STFTSpectrogram beyond the shared battery."""

import numpy as np
import pytest
import torch

from lamina import layers


def _signal(*shape):
    return np.random.default_rng(0).normal(size=shape).astype("float32")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"fft_length": 256, "sequence_stride": 64, "num_mel_bins": 20},
        {"fft_length": 128, "window": None, "top_db": 20.0, "ref_power": 3.0},
        {"fft_length": 64, "mag_exp": 1.0, "min_freq": 100.0, "max_freq": 3000.0},
    ],
)
def test_mel_spectrogram_matches_keras(keras, kwargs):
    x = _signal(2, 1000)
    k = keras.layers.MelSpectrogram(**kwargs)(x)
    out = layers.MelSpectrogram(**kwargs)(x)
    np.testing.assert_allclose(out.numpy(), k.detach().cpu().numpy(), atol=2e-3)


def test_mel_spectrogram_single_signal_and_errors():
    out = layers.MelSpectrogram(fft_length=64, sequence_stride=32, num_mel_bins=4)(
        _signal(320)
    )
    assert tuple(out.shape) == (4, 11)
    with pytest.raises(ValueError, match="`fft_length` must be greater than"):
        layers.MelSpectrogram(fft_length=64, sequence_length=128)
    with pytest.raises(ValueError, match="`window` must be 'hann'"):
        layers.MelSpectrogram(window="kaiser")


def test_stft_angle_and_array_window_match_keras(keras):
    x = _signal(2, 100, 1)
    win = np.linspace(0.1, 1.0, 16)
    for kwargs in (
        {"mode": "angle", "frame_length": 16},
        {"window": win, "frame_length": 16},
    ):
        k = keras.layers.STFTSpectrogram(**kwargs)
        lay = layers.STFTSpectrogram(**kwargs)
        kout, out = k(x).detach().cpu().numpy(), lay(x).detach().numpy()
        diff = np.abs(kout - out)
        if kwargs.get("mode") == "angle":  # equal up to a turn at the branch cut
            diff = np.minimum(diff, np.abs(diff - 2 * np.pi))
        assert diff.max() < 1e-4


def test_stft_spectrogram_errors():
    with pytest.raises(ValueError, match="`frame_step` should be a positive"):
        layers.STFTSpectrogram(frame_length=8, frame_step=9)
    with pytest.raises(ValueError, match="`fft_length` should be not less"):
        layers.STFTSpectrogram(frame_length=8, fft_length=4)
    with pytest.warns(UserWarning, match="power of two"):
        layers.STFTSpectrogram(frame_length=8, fft_length=12)
    with pytest.raises(ValueError, match="Output mode is invalid"):
        layers.STFTSpectrogram(mode="db")
    with pytest.raises(TypeError, match="Invalid input type"):
        layers.STFTSpectrogram(frame_length=8)(torch.ones(1, 16, 1, dtype=torch.int32))
    with pytest.raises(ValueError, match="expected ndim=3"):
        layers.STFTSpectrogram(frame_length=8)(np.ones((1, 16), "float32"))
