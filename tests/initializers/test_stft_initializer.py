"""initializers.STFT against Keras: kernel values, configs, files and errors."""

import json
import math

import numpy as np
import pytest
import torch

import lamina
from lamina import initializers
from lamina.initializers.stft_initializer import window_values

OPTIONS = [
    {},
    {"side": "imag"},
    {"window": "hamming", "periodic": True},
    {"window": None},
    {"window": "blackman", "scaling": "spectrum"},
    {"window": "bartlett", "scaling": None, "side": "imag"},
    {"window": "boxcar", "periodic": True},
    {"window": "flattop"},  # a scipy-only window
]
SHAPES = [(16, 1, 9), (8, 1, 5), (7, 1, 2), (1, 1, 3)]


def _keras_np(tensor):
    return np.asarray(tensor.detach().cpu())


@pytest.mark.parametrize("kwargs", OPTIONS)
def test_kernels_match_keras(keras, kwargs):
    for shape in SHAPES:
        theirs = _keras_np(keras.initializers.STFT(**kwargs)(shape))
        ours = initializers.STFT(**kwargs)(shape)
        assert ours.dtype == torch.float32
        assert tuple(ours.shape) == shape
        np.testing.assert_allclose(ours.numpy(), theirs, rtol=1e-6, atol=1e-7)


def test_float64_and_array_window_match_keras(keras):
    win = np.random.default_rng(0).uniform(size=6)
    for kwargs in ({"window": "hann", "side": "imag"}, {"window": win}):
        theirs = keras.initializers.STFT(**kwargs)((6, 1, 4), dtype="float64")
        ours = initializers.STFT(**kwargs)((6, 1, 4), dtype="float64")
        assert ours.dtype == torch.float64
        np.testing.assert_allclose(ours.numpy(), _keras_np(theirs), rtol=1e-12)


def test_kernel_is_the_scaled_dft_basis():
    # kernel[t, 0, k] = cos(-2 pi t k / n_fft) * w[t] / sqrt(sum(w ** 2)), n_fft = 8
    kernel = initializers.STFT()((8, 1, 5)).numpy()[:, 0, :]
    t, k = np.arange(8)[:, None], np.arange(5)[None, :]
    w = 0.5 - 0.5 * np.cos(2 * math.pi * np.arange(8) / 7)  # symmetric Hann
    want = np.cos(-2 * math.pi * t * k / 8) * w[:, None] / np.sqrt((w**2).sum())
    np.testing.assert_allclose(kernel, want, atol=1e-6)
    # The convolution of a frame with the bases is the frame's real DFT.
    frame = np.random.default_rng(1).normal(size=8)
    real = frame @ initializers.STFT(window=None)((8, 1, 5)).numpy()[:, 0, :]
    imag = frame @ initializers.STFT("imag", None)((8, 1, 5)).numpy()[:, 0, :]
    np.testing.assert_allclose(real + 1j * imag, np.fft.rfft(frame), atol=1e-5)


@pytest.mark.parametrize("name", ["hann", "hamming", "blackman", "bartlett", "boxcar"])
@pytest.mark.parametrize("periodic", [False, True])
def test_torch_built_windows_match_scipy(name, periodic):
    scipy_signal = pytest.importorskip("scipy.signal")
    for length in (1, 2, 7, 16):
        np.testing.assert_allclose(
            window_values(name, length, periodic),
            scipy_signal.get_window(name, length, periodic),
            atol=1e-15,
        )


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"side": "imag", "window": "hamming", "scaling": None, "periodic": True}],
)
def test_config_and_files_match_keras(keras, kwargs):
    ours, theirs = initializers.STFT(**kwargs), keras.initializers.STFT(**kwargs)
    assert initializers.serialize(ours) == keras.initializers.serialize(theirs)
    back = initializers.deserialize(keras.initializers.serialize(theirs))
    assert isinstance(back, initializers.STFT)
    assert back.get_config() == ours.get_config()
    to_keras = keras.initializers.deserialize(initializers.serialize(ours))
    np.testing.assert_allclose(
        _keras_np(to_keras((8, 1, 5))), back((8, 1, 5)).numpy(), atol=1e-7
    )


def test_names_and_aliases():
    assert initializers.STFTInitializer is initializers.stft is initializers.STFT
    assert lamina.initializers.STFT is initializers.STFT
    for name in ("STFT", "STFTInitializer", "stft"):
        assert isinstance(initializers.get(name), initializers.STFT)


def test_array_window_config_is_keras_numpy_form(keras):
    win = np.linspace(0.0, 1.0, 4)
    ours = initializers.STFT(window=win, scaling=None)
    theirs = keras.initializers.STFT(window=win, scaling=None)
    # Keras's get_config holds the array; its serialize writes `__numpy__`, JSON.
    assert initializers.serialize(ours) == keras.initializers.serialize(theirs)
    config = ours.get_config()
    assert config["window"]["class_name"] == "__numpy__"
    loaded = initializers.STFT.from_config(json.loads(json.dumps(config)))
    # No scaling: the window multiplies the cosine basis as it is.
    t, k = np.arange(4)[:, None], np.arange(3)[None, :]
    want = np.cos(-2 * math.pi * t * k / 4) * win[:, None]
    np.testing.assert_allclose(loaded((4, 1, 3)).numpy()[:, 0], want, atol=1e-6)
    tensor_window = initializers.STFT(window=torch.tensor(win), scaling=None)
    assert tensor_window.get_config() == config
    np.testing.assert_array_equal(
        tensor_window((4, 1, 3)).numpy(), loaded((4, 1, 3)).numpy()
    )


def test_errors(keras):
    with pytest.raises(
        ValueError, match=r"`side` should be 'real' or 'imag'.*side='x'"
    ):
        initializers.STFT(side="x")
    with pytest.raises(ValueError, match=r"Scaling is invalid.*scaling='l2'"):
        initializers.STFT(scaling="l2")
    with pytest.raises(ValueError, match=r"`side` should be.*side=array"):
        initializers.STFT(np.ones(4))  # the window passed in `side`'s place
    with pytest.raises(ValueError, match="Invalid window name 'nope'"):
        keras.initializers.STFT(window="nope")
    with pytest.raises(ValueError, match="'nope'"):
        initializers.STFT(window="nope")
    # Keras accepts a parameterised window here and fails at the call.
    with pytest.raises(ValueError, match=r"window=\('kaiser', 8.0\).*get_window"):
        initializers.STFT(window=("kaiser", 8.0))
    values = initializers.STFT(window=(0.5, 1.0, 0.5), scaling=None)((3, 1, 2))
    np.testing.assert_allclose(values.numpy()[:, 0, 0], [0.5, 1.0, 0.5])
    with pytest.raises(ValueError, match=r"window shape=\(3,\), frame_length=4"):
        initializers.STFT(window=[1.0, 2.0, 3.0])((4, 1, 3))
    # Keras fails to unpack (4, 3) and returns NaN for one bin or (8, 1, 5) for 2
    # channels; lamina names the shape it makes.
    for shape in ((4, 3), (4, 1, 1), (8, 2, 5)):
        with pytest.raises(ValueError, match=r"\(frame_length, 1, fft_length // 2"):
            initializers.STFT()(shape)
    with pytest.raises(ValueError, match="must be a float type.*'int32'"):
        initializers.STFT()((4, 1, 3), dtype="int32")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"mode": "stft", "frame_length": 8, "window": "hamming", "periodic": True},
        {"mode": "real", "frame_length": 6, "fft_length": 8, "scaling": "spectrum"},
    ],
)
def test_stft_spectrogram_starts_from_keras_kernels(keras, kwargs):
    # No weights copied: the layer's initial kernels come from this initializer.
    x = np.random.default_rng(2).normal(size=(1, 32, 1)).astype("float32")
    k, lam = (
        keras.layers.STFTSpectrogram(**kwargs),
        lamina.layers.STFTSpectrogram(**kwargs),
    )
    kout, lout = k(x), lam(x)
    assert len(lam.weights) == len(k.weights)
    for ours, theirs in zip(lam.get_weights(), k.get_weights()):
        np.testing.assert_array_equal(ours, theirs)
    np.testing.assert_allclose(lout.detach().numpy(), _keras_np(kout), atol=1e-5)
