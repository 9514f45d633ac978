"""Noise and regularization layers: training-mode statistics, identity in
inference, seeds, activity losses against Keras, and error messages."""

import math

import numpy as np
import pytest
import torch

import lamina

ALPHA_PRIME = -1.7580993408473766


def _np(x):
    return x.detach().cpu().numpy() if isinstance(x, torch.Tensor) else np.asarray(x)


@pytest.mark.parametrize(
    ("cls", "kwargs"),
    [
        ("SpatialDropout1D", {"rate": 0.5}),
        ("GaussianNoise", {"stddev": 0.5}),
        ("GaussianDropout", {"rate": 0.5}),
        ("AlphaDropout", {"rate": 0.5}),
    ],
)
def test_noise_layers_are_identity_in_inference(cls, kwargs):
    x = torch.randn(2, 3, 4)
    layer = getattr(lamina.layers, cls)(**kwargs)
    assert layer(x) is x
    assert layer(x, training=False) is x
    assert not torch.equal(layer(x, training=True), x)


@pytest.mark.parametrize(
    ("cls", "shape", "kwargs", "channel_axis"),
    [
        ("SpatialDropout1D", (400, 5, 8), {}, -1),
        ("SpatialDropout2D", (400, 3, 3, 8), {}, -1),
        ("SpatialDropout2D", (400, 8, 3, 3), {"data_format": "channels_first"}, 1),
        ("SpatialDropout3D", (400, 2, 2, 2, 8), {}, -1),
    ],
)
def test_spatial_dropout_drops_whole_channels(cls, shape, kwargs, channel_axis):
    layer = getattr(lamina.layers, cls)(rate=0.25, seed=0, **kwargs)
    out = _np(layer(torch.ones(shape), training=True))
    np.testing.assert_allclose(np.unique(out), [0.0, 1 / 0.75], rtol=1e-6)
    per_map = np.moveaxis(out, channel_axis, 1).reshape(shape[0], 8, -1)
    assert (per_map.min(-1) == per_map.max(-1)).all()  # constant over space
    assert abs((per_map[..., 0] == 0).mean() - 0.25) < 0.03


def test_spatial_dropout_rate_one_drops_everything():
    out = lamina.layers.SpatialDropout1D(1.0)(torch.ones(2, 3, 4), training=True)
    assert torch.equal(out, torch.zeros(2, 3, 4))


@pytest.mark.parametrize(
    ("cls", "args", "name"),
    [
        ("SpatialDropout1D", (0.2, 3, "sd1", "float16"), "sd1"),
        ("SpatialDropout2D", (0.3, "channels_first", 4, "sd2", "float32"), "sd2"),
        ("SpatialDropout3D", (0.4, None, None, "sd3"), "sd3"),
    ],
)
def test_spatial_dropout_positional_arguments_and_config_match_keras(
    keras, cls, args, name
):
    # Keras: (rate, [data_format,] seed, name, dtype), all positional.
    k = getattr(keras.layers, cls)(*args)
    lam = getattr(lamina.layers, cls)(*args)
    assert lam.get_config() == k.get_config()
    assert lam.name == k.name == name
    assert lam.compute_dtype == k.compute_dtype
    clone = getattr(lamina.layers, cls).from_config(k.get_config())
    assert clone.get_config() == k.get_config()


def test_gaussian_noise_statistics_and_seed():
    x = torch.full((200, 100), 2.0)
    noise = _np(lamina.layers.GaussianNoise(0.3, seed=7)(x, training=True)) - 2.0
    assert abs(noise.mean()) < 0.01
    assert abs(noise.std() - 0.3) < 0.01
    again = _np(lamina.layers.GaussianNoise(0.3, seed=7)(x, training=True)) - 2.0
    np.testing.assert_array_equal(noise, again)


def test_gaussian_dropout_statistics():
    x = torch.full((200, 100), 3.0)
    factor = _np(lamina.layers.GaussianDropout(0.3)(x, training=True)) / 3.0
    assert abs(factor.mean() - 1.0) < 0.01
    assert abs(factor.std() - math.sqrt(0.3 / 0.7)) < 0.01


def test_alpha_dropout_values_and_self_normalization():
    rate = 0.3
    a = ((1 - rate) * (1 + rate * ALPHA_PRIME**2)) ** -0.5
    b = -a * ALPHA_PRIME * rate
    layer = lamina.layers.AlphaDropout(rate, seed=1)
    out = _np(layer(torch.full((100, 100), 0.5), training=True))
    np.testing.assert_allclose(
        np.unique(out), sorted([0.5 * a + b, ALPHA_PRIME * a + b]), rtol=1e-6
    )
    assert abs((np.isclose(out, ALPHA_PRIME * a + b)).mean() - rate) < 0.02
    z = _np(layer(torch.randn(200, 100), training=True))
    assert abs(z.mean()) < 0.03
    assert abs(z.std() - 1.0) < 0.03


def test_alpha_dropout_noise_shape_broadcasts():
    layer = lamina.layers.AlphaDropout(0.5, noise_shape=(None, 1, 4), seed=0)
    out = _np(layer(torch.ones(3, 5, 4), training=True))
    assert (out == out[:, :1, :]).all()
    with pytest.raises(
        ValueError, match="`noise_shape` must have one entry per input axis"
    ):
        lamina.layers.AlphaDropout(0.5, noise_shape=(None, 4))(
            torch.ones(3, 5, 4), training=True
        )


def test_activity_regularization_loss_matches_keras(keras):
    x = np.random.default_rng(0).normal(size=(3, 4)).astype("float32")
    k = keras.layers.ActivityRegularization(l1=0.1, l2=0.2)
    lam = lamina.layers.ActivityRegularization(l1=0.1, l2=0.2)
    kout, lout = k(x), lam(x)
    np.testing.assert_array_equal(_np(lout), x)
    assert len(lam.losses) == len(k.losses) == 1
    np.testing.assert_allclose(_np(lam.losses[0]), _np(k.losses[0]), rtol=1e-6)
    np.testing.assert_array_equal(_np(kout), x)


def test_activity_regularization_adds_to_the_training_loss():
    x = np.ones((4, 2), "float32")
    model = lamina.Sequential(
        [
            lamina.Input((2,)),
            lamina.layers.ActivityRegularization(l2=0.5),
            lamina.layers.Dense(2, kernel_initializer="zeros"),
        ]
    )
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(x, np.zeros_like(x), epochs=1, batch_size=4, verbose=0)
    # mse is 0; the penalty is 0.5 * sum(x**2) / batch = 0.5 * 8 / 4.
    np.testing.assert_allclose(history.history["loss"][0], 1.0, rtol=1e-6)


def test_regularization_errors():
    with pytest.raises(ValueError, match=r"between 0 and 1. Received: rate=1.5"):
        lamina.layers.SpatialDropout2D(1.5)
    with pytest.raises(ValueError, match=r"Received: stddev=2"):
        lamina.layers.GaussianNoise(2)
    with pytest.raises(ValueError, match=r"Received: rate=1.0"):
        lamina.layers.GaussianDropout(1.0)
    with pytest.raises(ValueError, match=r"Received: rate=-0.1"):
        lamina.layers.AlphaDropout(-0.1)
    with pytest.raises(ValueError, match=r"Received: l1=-1"):
        lamina.layers.ActivityRegularization(l1=-1)
    with pytest.raises(ValueError, match=r"data_format=nchw"):
        lamina.layers.SpatialDropout2D(0.5, data_format="nchw")
    with pytest.raises(ValueError, match="expected ndim=3, found ndim=2"):
        lamina.layers.SpatialDropout1D(0.5)(torch.ones(2, 3))
    with pytest.raises(ValueError, match="expected ndim=5, found ndim=4"):
        lamina.layers.SpatialDropout3D(0.5)(torch.ones(2, 3, 3, 3))
