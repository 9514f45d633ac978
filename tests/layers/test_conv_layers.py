"""Convolution and pooling layers against the Keras oracle and hand computations."""

import itertools

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import lamina
from lamina import layers
from lamina.layers.convolutional import _base_conv

RNG = np.random.default_rng(7)


def _x(*shape):
    return RNG.normal(size=shape).astype("float32")


def _np(t):
    return t.detach().cpu().numpy() if isinstance(t, torch.Tensor) else np.asarray(t)


def _pair(keras, name, kwargs, x, random_bias=True):
    """Builds `name` in both libraries with Keras's weights; returns both outputs."""
    if random_bias and ("filters" in kwargs or name.startswith("Depthwise")):
        kwargs = {**kwargs, "bias_initializer": "random_normal"}
    klayer = getattr(keras.layers, name)(**kwargs)
    llayer = getattr(layers, name)(**kwargs)
    kout = klayer(x)
    llayer(x)
    llayer.set_weights(klayer.get_weights())
    return _np(llayer(x)), _np(kout)


# -- parity sweeps over padding arithmetic ------------------------------------------


def test_conv1d_same_and_causal_padding_sweep_matches_keras(keras):
    configs = [
        (n, k, s, "same") for n, k, s in itertools.product([5, 6], [2, 3, 4], [1, 2, 3])
    ]
    configs += [(6, k, 1, "causal") for k in [2, 3]]
    for n, k, s, padding in configs:
        x = _x(2, n, 2)
        kw = {"filters": 2, "kernel_size": k, "strides": s, "padding": padding}
        lout, kout = _pair(keras, "Conv1D", kw, x)
        np.testing.assert_allclose(lout, kout, atol=1e-5, err_msg=str(kw))


def test_conv2d_even_kernel_stride2_same_matches_keras(keras):
    for size, k in itertools.product([(6, 7), (7, 8)], [2, 4]):
        x = _x(2, *size, 3)
        kw = {"filters": 2, "kernel_size": k, "strides": 2, "padding": "same"}
        lout, kout = _pair(keras, "Conv2D", kw, x)
        assert lout.shape == (2, -(-size[0] // 2), -(-size[1] // 2), 2)
        np.testing.assert_allclose(lout, kout, atol=1e-5, err_msg=str((size, k)))


def test_conv1d_transpose_sweep_matches_keras(keras):
    # Every output_padding below the stride, even and odd kernels, both paddings.
    configs = [
        (k, s, 1, padding, extra)
        for k, s, padding in itertools.product([1, 2, 3, 4], [2, 3], ["valid", "same"])
        for extra in [None, *range(s)]
    ]
    configs += [(k, 1, d, "same", None) for k in [2, 3] for d in [1, 2]]
    for k, s, d, padding, extra in configs:
        kw = {
            "filters": 2,
            "kernel_size": k,
            "strides": s,
            "dilation_rate": d,
            "padding": padding,
            "output_padding": extra,
        }
        lout, kout = _pair(keras, "Conv1DTranspose", kw, _x(2, 3, 3))
        assert lout.shape == kout.shape, kw
        np.testing.assert_allclose(lout, kout, atol=1e-5, err_msg=str(kw))


def test_max_pooling_same_sweep_matches_keras(keras):
    for n, k, s in itertools.product([4, 5, 7], [1, 2, 3, 4], [1, 2, 3]):
        x = _x(2, n, 2)
        kw = {"pool_size": k, "strides": s, "padding": "same"}
        lout, kout = _pair(keras, "MaxPooling1D", kw, x)
        np.testing.assert_allclose(lout, kout, atol=1e-6, err_msg=str(kw))


def _average_pool_same_by_hand(x, k, s):
    """TensorFlow's rule: mean over the window's positions inside the input."""
    n = x.shape[1]
    out = -(-n // s)
    total = max((out - 1) * s + k - n, 0)
    start = -(total // 2)
    rows = []
    for i in range(out):
        lo, hi = max(start + i * s, 0), min(start + i * s + k, n)
        rows.append(x[:, lo:hi].mean(axis=1))
    return np.stack(rows, axis=1)


@pytest.mark.parametrize(
    ("n", "k", "s"), [(4, 3, 2), (4, 4, 1), (7, 4, 3), (5, 3, 1), (6, 2, 2)]
)
def test_average_pooling_same_excludes_padding(n, k, s):
    # Keras 3.15's torch backend replicates edges when the padding is asymmetric
    # (keras-team/keras#23233); lamina follows TensorFlow and JAX.
    x = _x(2, n, 3)
    layer = layers.AveragePooling1D(k, strides=s, padding="same")
    np.testing.assert_allclose(
        _np(layer(x)), _average_pool_same_by_hand(x, k, s), rtol=1e-6, atol=1e-6
    )


def test_average_pooling2d_asymmetric_same_by_hand():
    x = _x(1, 4, 4, 1)
    y = _np(layers.AveragePooling2D(2, padding="same", strides=1)(x))[0, :, :, 0]
    assert y.shape == (4, 4)
    np.testing.assert_allclose(y[3, 3], x[0, 3, 3, 0], rtol=1e-6)
    np.testing.assert_allclose(y[0, 3], x[0, 0:2, 3, 0].mean(), rtol=1e-6)
    np.testing.assert_allclose(y[1, 1], x[0, 1:3, 1:3, 0].mean(), rtol=1e-6)


# -- semantics ----------------------------------------------------------------------


def test_channels_first_equals_channels_last():
    x = _x(2, 7, 6, 3)
    last = layers.Conv2D(4, 3, strides=2, padding="same")
    first = layers.Conv2D(4, 3, strides=2, padding="same", data_format="channels_first")
    last(x)
    first(x.transpose(0, 3, 1, 2))
    first.set_weights(last.get_weights())
    np.testing.assert_allclose(
        _np(first(x.transpose(0, 3, 1, 2))),
        _np(last(x)).transpose(0, 3, 1, 2),
        atol=1e-5,
    )


def test_causal_output_ignores_future_steps():
    layer = layers.Conv1D(2, 3, padding="causal", dilation_rate=2)
    x = _x(1, 10, 2)
    later = x.copy()
    later[:, 6:] += 5.0
    a, b = _np(layer(x)), _np(layer(later))
    assert a.shape == (1, 10, 2)
    np.testing.assert_array_equal(a[:, :6], b[:, :6])
    assert not np.allclose(a[:, 6:], b[:, 6:])


def test_groups_equal_independent_convolutions():
    x = _x(2, 6, 6, 4)
    grouped = layers.Conv2D(6, 3, groups=2, use_bias=False)
    y = _np(grouped(x))
    kernel = _np(grouped.kernel)  # (3, 3, 2, 6)
    for g in range(2):
        part = layers.Conv2D(3, 3, use_bias=False)
        part(x[..., 2 * g : 2 * g + 2])
        part.set_weights([kernel[..., 3 * g : 3 * g + 3]])
        np.testing.assert_allclose(
            y[..., 3 * g : 3 * g + 3], _np(part(x[..., 2 * g : 2 * g + 2])), atol=1e-5
        )


def test_depthwise_channel_order_by_hand():
    x = _x(1, 5, 2)
    layer = layers.DepthwiseConv1D(3, depth_multiplier=2, use_bias=False)
    y = _np(layer(x))
    kernel = _np(layer.kernel)  # (3, channels, multiplier)
    for c, m in itertools.product(range(2), range(2)):
        want = [x[0, t : t + 3, c] @ kernel[:, c, m] for t in range(3)]
        np.testing.assert_allclose(y[0, :, c * 2 + m], want, rtol=1e-5, atol=1e-6)


def test_dilation_spreads_the_taps():
    layer = layers.Conv1D(
        1, 2, dilation_rate=3, use_bias=False, kernel_initializer="ones"
    )
    x = np.arange(8, dtype="float32").reshape(1, 8, 1)
    np.testing.assert_array_equal(_np(layer(x))[0, :, 0], [3, 5, 7, 9, 11])


def test_transpose_valid_surplus_gets_bias(keras):
    kw = {"filters": 1, "kernel_size": 1, "strides": 3}
    lout, kout = _pair(keras, "Conv2DTranspose", kw, _x(1, 2, 2, 1))
    assert lout.shape == (1, 6, 6, 1)
    np.testing.assert_allclose(lout, kout, atol=1e-6)


def test_global_average_pooling1d_mask_matches_keras(keras):
    x = _x(2, 4, 3)
    mask = np.array([[1, 1, 0, 1], [0, 1, 0, 0]], bool)
    for fmt, data in [("channels_last", x), ("channels_first", x.transpose(0, 2, 1))]:
        kout = keras.layers.GlobalAveragePooling1D(data_format=fmt)(data, mask=mask)
        lout = layers.GlobalAveragePooling1D(data_format=fmt)(
            data, mask=torch.tensor(mask)
        )
        np.testing.assert_allclose(_np(lout), _np(kout), rtol=1e-6)
    np.testing.assert_allclose(_np(lout)[1], data[1, :, 1], rtol=1e-6)


def test_global_average_pooling1d_reads_mask_from_input_and_drops_it():
    x = torch.tensor(_x(2, 4, 3))
    x._keras_mask = torch.tensor([[1, 0, 0, 0], [1, 1, 1, 1]], dtype=torch.bool)
    y = layers.GlobalAveragePooling1D(keepdims=True)(x)
    assert y.shape == (2, 1, 3)
    torch.testing.assert_close(y[0, 0], x[0, 0])
    torch.testing.assert_close(y[1, 0], x[1].mean(0))
    assert getattr(y, "_keras_mask", None) is None
    all_masked = layers.GlobalAveragePooling1D()(
        x, mask=torch.zeros(2, 4, dtype=torch.bool)
    )
    assert torch.isnan(all_masked).all()


def test_global_max_pooling1d_ignores_mask():
    x = torch.tensor(_x(2, 4, 3))
    x._keras_mask = torch.tensor([[1, 0, 0, 0], [1, 1, 1, 1]], dtype=torch.bool)
    torch.testing.assert_close(layers.GlobalMaxPooling1D()(x), x.amax(1))


def test_functional_model_shapes():
    inputs = lamina.Input((9, 9, 3))
    y = layers.Conv2D(4, 3, strides=2, padding="same")(inputs)
    y = layers.Conv2DTranspose(2, 3, strides=2, padding="same")(y)
    y = layers.MaxPooling2D()(y)
    y = layers.SeparableConv2D(5, 2)(y)
    y = layers.GlobalAveragePooling2D()(y)
    model = lamina.Model(inputs, y)
    assert tuple(y.shape) == (None, 5)
    assert tuple(model.predict(_x(2, 9, 9, 3), verbose=0).shape) == (2, 5)


def test_kernel_regularizer_adds_a_loss():
    layer = layers.Conv1D(2, 3, kernel_regularizer="l2")
    layer(_x(1, 5, 2))
    torch.testing.assert_close(layer.losses[0], 0.01 * (layer.kernel**2).sum())


@pytest.mark.parametrize(
    "name",
    [
        "Conv2D",
        "Conv2DTranspose",
        "SeparableConv2D",
        "MaxPooling2D",
        "GlobalAveragePooling2D",
    ],
)
def test_config_keys_match_keras(keras, name):
    kwargs = {"filters": 2} if "Conv" in name else {}
    if "Conv" in name:
        kwargs["kernel_size"] = 3
    kconfig = getattr(keras.layers, name)(**kwargs).get_config()
    lconfig = getattr(layers, name)(**kwargs).get_config()
    assert set(lconfig) == set(kconfig)
    for key in [
        "kernel_size",
        "strides",
        "padding",
        "data_format",
        "dilation_rate",
        "pool_size",
        "groups",
        "output_padding",
        "keepdims",
        "activation",
    ]:
        assert lconfig.get(key) == kconfig.get(key), key


# -- no copies on the way to torch --------------------------------------------------


def test_conv2d_input_and_kernel_reach_torch_as_views(monkeypatch):
    seen = {}

    def spy(x, weight, *args):
        seen["x"], seen["w"] = x, weight
        return F.conv2d(x, weight, *args)

    monkeypatch.setitem(_base_conv.CONV_FNS, 2, spy)
    layer = layers.Conv2D(4, 3, padding="same")
    x = torch.randn(2, 6, 6, 3)
    layer(x)
    assert seen["x"].data_ptr() == x.data_ptr()
    assert seen["x"].shape == (2, 3, 6, 6)
    assert seen["x"].is_contiguous(memory_format=torch.channels_last)
    assert seen["w"].data_ptr() == layer.kernel.data_ptr()
    assert seen["w"].shape == (4, 3, 3, 3)


# -- errors -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: layers.Conv2D(0, 3), r"Received: filters=0"),
        (lambda: layers.Conv2D(2, 3, padding="foo"), r"Received: padding='foo'"),
        (lambda: layers.Conv2D(2, 3, padding="causal"), r"Received: padding='causal'"),
        (lambda: layers.Conv2DTranspose(2, 3, padding="causal"), r"padding='causal'"),
        (lambda: layers.MaxPooling2D(padding="foo"), r"Received: padding='foo'"),
        (lambda: layers.Conv2D(3, 3, groups=2), r"Received: groups=2, filters=3"),
        (lambda: layers.Conv2D(3, 3, groups=0), r"Received: groups=0"),
        (
            lambda: layers.Conv2D(3, (3, 3, 3)),
            r"tuple of 2 integers. Received kernel_size",
        ),
        (lambda: layers.Conv2D(3, 0), r"Received kernel_size=0"),
        (
            lambda: layers.Conv2D(3, 3, strides=2, dilation_rate=2),
            r"strides=\(2, 2\) and",
        ),
        (lambda: layers.Conv2D(3, 3, data_format="foo"), r"Received: data_format=foo"),
        (
            lambda: layers.Conv2DTranspose(2, 3, strides=2, output_padding=2),
            r"strictly less than `strides`.*output_padding=\(2, 2\)",
        ),
        (lambda: layers.DepthwiseConv2D(3, depth_multiplier=0), r"depth_multiplier=0"),
        (lambda: layers.MaxPooling2D(pool_size=0), r"Received pool_size=0"),
    ],
)
def test_invalid_arguments_are_refused(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_wrong_rank_names_the_layer():
    layer = layers.Conv2D(2, 3, name="my_conv")
    with pytest.raises(
        ValueError,
        match=r"layer 'my_conv'.*expected ndim=4, found "
        r"ndim=3. Full shape received: \(None, 5, 5\)",
    ):
        layer(_x(1, 5, 5))
    with pytest.raises(ValueError, match=r"expected ndim=3, found ndim=4"):
        layers.MaxPooling1D()(_x(1, 4, 4, 2))


def test_channel_mismatch_names_expected_and_received():
    layer = layers.Conv2D(2, 3, name="conv_a")
    layer(_x(1, 5, 5, 3))
    with pytest.raises(
        ValueError,
        match=r"Layer 'conv_a' expected inputs with 3 channels "
        r"on axis -1 .*kernel shape \(3, 3, 3, 2\).*"
        r"received input with shape \(None, 5, 5, 4\)",
    ):
        layer(_x(1, 5, 5, 4))


def test_groups_must_divide_input_channels():
    with pytest.raises(
        ValueError,
        match=r"Received groups=2, but the input has 3 "
        r"channels",
    ):
        layers.Conv2D(4, 3, groups=2)(_x(1, 5, 5, 3))


def test_input_smaller_than_kernel():
    with pytest.raises(ValueError, match=r"Layer 'tiny'.*output size would be zero"):
        layers.Conv2D(2, 3, name="tiny")(_x(1, 2, 2, 3))
    with pytest.raises(ValueError, match=r"output size would be zero"):
        layers.MaxPooling1D(4)(_x(1, 3, 2))
