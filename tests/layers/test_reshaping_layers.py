"""Reshaping layers beyond the battery: views, hand-computed values, symbolic
shapes with unknown sizes, configs, and error messages."""

import numpy as np
import pytest
import torch

import lamina


def _np(x):
    return x.detach().cpu().numpy() if isinstance(x, torch.Tensor) else np.asarray(x)


def test_permute_and_repeat_vector_return_views():
    x = torch.randn(2, 3, 4)
    out = lamina.layers.Permute((2, 1))(x)
    assert out.data_ptr() == x.data_ptr()
    np.testing.assert_array_equal(_np(out), _np(x).transpose(0, 2, 1))
    v = torch.randn(2, 4)
    rep = lamina.layers.RepeatVector(3)(v)
    assert rep.data_ptr() == v.data_ptr()
    np.testing.assert_array_equal(_np(rep), np.repeat(_np(v)[:, None], 3, axis=1))


def test_zero_padding_and_cropping_by_hand():
    x = np.arange(2 * 3 * 4 * 1, dtype="float32").reshape(2, 3, 4, 1)
    padded = _np(lamina.layers.ZeroPadding2D(((1, 0), (0, 2)))(x))
    np.testing.assert_array_equal(padded, np.pad(x, ((0, 0), (1, 0), (0, 2), (0, 0))))
    cropped = _np(lamina.layers.Cropping2D(((1, 0), (1, 2)))(x))
    np.testing.assert_array_equal(cropped, x[:, 1:, 1:2])
    xc = np.ones((1, 2, 3), "float32")  # channels_first sequence
    out = _np(lamina.layers.ZeroPadding1D(1, data_format="channels_first")(xc))
    assert out.shape == (1, 2, 5)


def test_upsampling_nearest_repeats_any_dtype():
    x = torch.arange(12).reshape(1, 2, 3, 2)
    out = lamina.layers.UpSampling2D((2, 3))(x)
    want = np.repeat(np.repeat(_np(x), 2, axis=1), 3, axis=2)
    np.testing.assert_array_equal(_np(out), want)
    assert out.dtype == torch.int64


def test_upsampling_bilinear_keeps_channels_last_layout(keras):
    x = np.random.default_rng(0).normal(size=(1, 3, 4, 2)).astype("float32")
    k = keras.layers.UpSampling2D((3, 2), interpolation="bilinear")
    lam = lamina.layers.UpSampling2D((3, 2), interpolation="bilinear")
    np.testing.assert_allclose(_np(lam(x)), _np(k(x)), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize(
    ("layer", "in_shape", "out_shape"),
    [
        (lamina.layers.Cropping1D((1, 1)), (None, 5, 2), (None, 3, 2)),
        (lamina.layers.ZeroPadding3D(1), (None, 2, 2, 2, 3), (None, 4, 4, 4, 3)),
        (lamina.layers.UpSampling1D(2), (None, 4, 3), (None, 8, 3)),
        (lamina.layers.Permute((2, 1)), (None, None, 3), (None, 3, None)),
        (lamina.layers.RepeatVector(4), (None, 3), (None, 4, 3)),
    ],
)
def test_symbolic_shapes(layer, in_shape, out_shape):
    out = layer(lamina.Input(batch_shape=in_shape))
    assert tuple(out.shape) == out_shape


def test_configs_match_keras_conventions(keras):
    pairs = [
        ("ZeroPadding1D", {"padding": 2}),
        ("ZeroPadding2D", {"padding": (1, 2)}),
        ("ZeroPadding3D", {"padding": 2}),
        ("Cropping1D", {"cropping": 2}),
        ("Cropping2D", {"cropping": (1, 2)}),
        ("Cropping3D", {"cropping": 1}),
        ("UpSampling1D", {"size": 3}),
        ("UpSampling2D", {"size": 3}),
        ("UpSampling3D", {"size": 3}),
    ]
    for name, kwargs in pairs:
        lcfg = getattr(lamina.layers, name)(**kwargs).get_config()
        kcfg = getattr(keras.layers, name)(**kwargs).get_config()
        for key in ("padding", "cropping", "size", "data_format"):
            assert lcfg.get(key) == kcfg.get(key), (name, key)


def test_reshaping_errors():
    with pytest.raises(
        ValueError,
        match=r"must be consecutive and start from 1. Received dims=\(2, 3\)",
    ):
        lamina.layers.Permute((2, 3))
    with pytest.raises(ValueError, match="expected ndim=4, found ndim=3"):
        lamina.layers.Permute((1, 2, 3))(torch.ones(2, 3, 2))
    with pytest.raises(TypeError, match="Expected an integer value for `n`"):
        lamina.layers.RepeatVector(2.0)
    with pytest.raises(ValueError, match=r"Received: n=0"):
        lamina.layers.RepeatVector(0)
    with pytest.raises(ValueError, match="expected ndim=2, found ndim=3"):
        lamina.layers.RepeatVector(2)(torch.ones(2, 3, 2))
    with pytest.raises(
        ValueError,
        match=r"`padding` should have two elements. Received: padding=\(1, 2, 3\)",
    ):
        lamina.layers.ZeroPadding2D((1, 2, 3))
    with pytest.raises(
        ValueError, match=r"tuple of 2 integers. Received: padding=\(1, 2, 3\)"
    ):
        lamina.layers.ZeroPadding1D((1, 2, 3))
    with pytest.raises(ValueError, match="do not satisfy `value >= 0`"):
        lamina.layers.ZeroPadding2D(-1)
    with pytest.raises(ValueError, match=r"`cropping` should have three elements"):
        lamina.layers.Cropping3D((1, 2))
    with pytest.raises(
        ValueError, match=r"must leave at least one entry.*cropping=\(2, 2\)"
    ):
        lamina.layers.Cropping1D(2)(torch.ones(2, 3, 2))
    with pytest.raises(ValueError, match=r"Received: size=0, including values \{0\}"):
        lamina.layers.UpSampling2D(0)
    with pytest.raises(ValueError, match=r"Received: interpolation='area'"):
        lamina.layers.UpSampling2D(interpolation="area")
    with pytest.raises(ValueError, match=r"Received: data_format=foo"):
        lamina.layers.Cropping2D(data_format="foo")
    with pytest.raises(ValueError, match="expected ndim=5, found ndim=4"):
        lamina.layers.UpSampling3D()(torch.ones(1, 2, 2, 2))
