"""Kernels stored in torch's memory order, and BatchNormalization's one-pass moments.

Each fast path has an allow-list and a fallback; every guard is tested here
for the memory layout it chooses and for giving the same numbers as the
fallback (and as hand computations or Keras).
"""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import lamina
from lamina import layers
from lamina.layers.convolutional import _base_conv
from lamina.layers.normalization import batch_normalization as bn_module

RNG = np.random.default_rng(11)


def _x(*shape):
    return torch.from_numpy(RNG.normal(size=shape).astype("float32"))


def _conv(rank, data_format, **kwargs):
    cls = {1: layers.Conv1D, 2: layers.Conv2D, 3: layers.Conv3D}[rank]
    return cls(4, 3, padding="same", data_format=data_format, **kwargs)


def _input(rank, data_format):
    spatial = (5,) * rank
    shape = (2, *spatial, 3) if data_format == "channels_last" else (2, 3, *spatial)
    return _x(*shape)


def _memory_order(t):
    """Axes of `t` from outermost to innermost in memory (its strides, sorted)."""
    return tuple(sorted(range(t.dim()), key=lambda a: -t.stride(a)))


def _in_order(t, order):
    """Whether `t`'s memory follows `order`; axes of size 1 have no place in it."""
    return [a for a in _memory_order(t) if t.shape[a] > 1] == [
        a for a in order if t.shape[a] > 1
    ]


# -- conv kernels: the allow-list by data format ------------------------------------


@pytest.mark.parametrize("rank", [1, 2, 3])
def test_channels_last_kernel_is_torch_channels_last_weight(rank):
    layer = _conv(rank, "channels_last")
    layer(_input(rank, "channels_last"))
    kernel = layer.kernel
    assert tuple(kernel.shape) == (*(3,) * rank, 3, 4)  # Keras's shape
    # memory (filters, *kernel_size, in): torch's channels_last weight
    assert _memory_order(kernel) == (rank + 1, *range(rank), rank)
    weight = _base_conv.torch_kernel(kernel, rank)
    assert weight.permute(0, *range(2, rank + 2), 1).is_contiguous()
    if rank == 2:
        assert weight.is_contiguous(memory_format=torch.channels_last)
    if rank == 3:
        assert weight.is_contiguous(memory_format=torch.channels_last_3d)


@pytest.mark.parametrize("rank", [1, 2, 3])
def test_channels_first_kernel_is_torch_contiguous_weight(rank):
    layer = _conv(rank, "channels_first")
    layer(_input(rank, "channels_first"))
    assert tuple(layer.kernel.shape) == (*(3,) * rank, 3, 4)
    assert _base_conv.torch_kernel(layer.kernel, rank).is_contiguous()


def test_kernel_order_refuses_an_unlisted_data_format():
    with pytest.raises(KeyError):
        _base_conv.kernel_order(2, "channels_middle")


def test_channels_last_conv2d_reads_input_and_kernel_without_copies(monkeypatch):
    seen = {}

    def spy(x, weight, *args):
        seen["x"], seen["w"] = x, weight
        return F.conv2d(x, weight, *args)

    monkeypatch.setitem(_base_conv.CONV_FNS, 2, spy)
    layer = layers.Conv2D(4, 3, padding="same")
    x = _x(2, 6, 6, 3)
    layer(x).sum().backward()
    assert seen["x"].data_ptr() == x.data_ptr()
    assert seen["x"].is_contiguous(memory_format=torch.channels_last)
    assert seen["w"].data_ptr() == layer.kernel.data_ptr()
    assert seen["w"].is_contiguous(memory_format=torch.channels_last)
    # the gradient arrives in the kernel's own layout: no copy to accumulate it
    assert layer.kernel.grad.stride() == layer.kernel.stride()


@pytest.mark.parametrize("rank", [1, 2, 3])
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_kernel_in_keras_layout_gives_the_same_numbers(rank, data_format):
    """The fallback: a contiguous Keras-layout kernel (any other layout) still works."""
    fast = _conv(rank, data_format, bias_initializer="random_normal")
    x = _input(rank, data_format)
    fast(x)
    slow = _conv(rank, data_format)
    slow(x)
    slow.set_weights(fast.get_weights())
    with torch.no_grad():
        slow.kernel.data = slow.kernel.data.contiguous()
    assert slow.kernel.is_contiguous() and not fast.kernel.is_contiguous()
    xs = [x.clone().requires_grad_(True) for _ in range(2)]
    outs = [layer(xi) for layer, xi in zip((fast, slow), xs, strict=True)]
    torch.testing.assert_close(outs[0], outs[1], rtol=1e-6, atol=1e-6)
    for out in outs:
        (out * out).sum().backward()
    torch.testing.assert_close(xs[0].grad, xs[1].grad, rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(fast.kernel.grad, slow.kernel.grad, rtol=1e-5, atol=1e-5)


# Depthwise, separable and transposed convolutions: their kernels, their memory
# order (outermost first, as Keras's kernel axes) and a layer call.
OTHER_KERNELS = {
    "DepthwiseConv2D": (
        lambda fmt: layers.DepthwiseConv2D(
            3, depth_multiplier=2, padding="same", data_format=fmt
        ),
        {"kernel": (2, 3, 0, 1)},
    ),
    "DepthwiseConv1D": (
        lambda fmt: layers.DepthwiseConv1D(3, depth_multiplier=2, data_format=fmt),
        {"kernel": (1, 2, 0)},
    ),
    "SeparableConv2D": (
        lambda fmt: layers.SeparableConv2D(4, 3, depth_multiplier=2, data_format=fmt),
        {
            "depthwise_kernel": (2, 3, 0, 1),
            "pointwise_kernel": {
                "channels_last": (3, 0, 1, 2),
                "channels_first": (3, 2, 0, 1),
            },
        },
    ),
    "Conv2DTranspose": (
        lambda fmt: layers.Conv2DTranspose(4, 3, strides=2, data_format=fmt),
        {"kernel": {"channels_last": (3, 0, 1, 2), "channels_first": (3, 2, 0, 1)}},
    ),
    "Conv1DTranspose": (
        lambda fmt: layers.Conv1DTranspose(4, 3, strides=2, data_format=fmt),
        {"kernel": {"channels_last": (2, 0, 1), "channels_first": (2, 1, 0)}},
    ),
}


def _rank_of(name):
    return 2 if "2D" in name else 1


@pytest.mark.parametrize("name", sorted(OTHER_KERNELS))
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_other_kernels_are_in_torch_order_and_match_keras_layout(name, data_format):
    make, orders = OTHER_KERNELS[name]
    x = _input(_rank_of(name), data_format)
    fast = make(data_format)
    fast(x)
    for attr, order in orders.items():
        if isinstance(order, dict):
            order = order[data_format]
        assert _in_order(getattr(fast, attr), order), attr
    # the fallback: the same weights stored contiguously give the same numbers
    slow = make(data_format)
    slow(x)
    slow.set_weights(fast.get_weights())
    with torch.no_grad():
        for attr in orders:
            weight = getattr(slow, attr)
            weight.data = weight.data.contiguous()
    xs = [x.clone().requires_grad_(True) for _ in range(2)]
    outs = [layer(xi) for layer, xi in zip((fast, slow), xs, strict=True)]
    torch.testing.assert_close(outs[0], outs[1], rtol=1e-6, atol=1e-6)
    for out in outs:
        (out * out).sum().backward()
    torch.testing.assert_close(xs[0].grad, xs[1].grad, rtol=1e-5, atol=1e-5)
    for attr in orders:
        f, s = getattr(fast, attr), getattr(slow, attr)
        assert f.grad.stride() == f.stride()
        torch.testing.assert_close(f.grad, s.grad, rtol=1e-5, atol=1e-5)


def test_depthwise_kernel_reaches_torch_as_a_view(monkeypatch):
    seen = {}

    def spy(x, weight, *args):
        seen["w"] = weight
        return F.conv2d(x, weight, *args)

    monkeypatch.setitem(_base_conv.CONV_FNS, 2, spy)
    layer = layers.DepthwiseConv2D(3, depth_multiplier=2)
    layer(_x(1, 5, 5, 3))
    assert seen["w"].shape == (6, 1, 3, 3)
    assert seen["w"].data_ptr() == layer.kernel.data_ptr()
    assert seen["w"].is_contiguous()


def test_kernel_values_and_weights_are_keras_layout():
    layer = layers.Conv2D(4, (3, 2), kernel_initializer="glorot_uniform")
    layer(_x(1, 5, 5, 3))
    (kernel, bias) = layer.get_weights()
    assert kernel.shape == (3, 2, 3, 4) and bias.shape == (4,)
    # the same values as a Keras-layout copy, element by element
    np.testing.assert_array_equal(kernel, layer.kernel.detach().contiguous().numpy())
    new = RNG.normal(size=(3, 2, 3, 4)).astype("float32")
    layer.set_weights([new, bias])
    np.testing.assert_array_equal(layer.get_weights()[0], new)
    assert _memory_order(layer.kernel) == (3, 0, 1, 2)  # set_weights keeps it


def test_grouped_conv_matches_keras(keras):
    x = RNG.normal(size=(2, 6, 6, 4)).astype("float32")
    kwargs = {"filters": 6, "kernel_size": 3, "groups": 2, "padding": "same"}
    klayer = keras.layers.Conv2D(**kwargs, bias_initializer="random_normal")
    llayer = layers.Conv2D(**kwargs)
    kout = klayer(x)
    llayer(x)
    llayer.set_weights(klayer.get_weights())
    np.testing.assert_allclose(
        llayer(x).detach().numpy(), kout.detach().cpu().numpy(), rtol=1e-5, atol=1e-5
    )


def test_layout_survives_training_dtype_change_and_saving(tmp_path):
    model = lamina.Sequential(
        [
            lamina.Input((6, 6, 2)),
            layers.Conv2D(3, 3, padding="same"),
            layers.GlobalAveragePooling2D(),
            layers.Dense(1),
        ]
    )
    model.compile(optimizer=lamina.optimizers.SGD(0.1, momentum=0.9), loss="mse")
    x = RNG.normal(size=(8, 6, 6, 2)).astype("float32")
    y = RNG.normal(size=(8, 1)).astype("float32")
    kernel = model.layers[0].kernel
    before = kernel.detach().clone()
    model.fit(x, y, epochs=2, batch_size=4, verbose=0)
    assert not torch.equal(before, kernel.detach())  # it trained
    assert _memory_order(kernel) == (3, 0, 1, 2)
    assert kernel.grad is None or kernel.grad.stride() == kernel.stride()
    path = tmp_path / "m.keras"
    model.save(path)
    loaded = lamina.models.load_model(path)
    np.testing.assert_array_equal(
        loaded.layers[0].get_weights()[0], model.layers[0].get_weights()[0]
    )
    np.testing.assert_allclose(
        loaded.predict(x, verbose=0), model.predict(x, verbose=0)
    )
    model.double()
    assert kernel.dtype == torch.float64
    assert _memory_order(kernel) == (3, 0, 1, 2)


# -- BatchNormalization: moments from F.batch_norm's own pass -----------------------


def test_fused_moments_allow_list():
    x = torch.zeros(4, 3, 2, 2)
    gamma = torch.ones(3)
    assert bn_module.fused_moments(x, gamma, None)
    assert bn_module.fused_moments(x.double(), gamma.double(), gamma.double())
    # low-precision inputs keep their statistics out of their own dtype
    assert not bn_module.fused_moments(x.to(torch.bfloat16), None, None)
    assert not bn_module.fused_moments(x.half(), None, None)
    # a parameter of another dtype than the input
    assert not bn_module.fused_moments(x, gamma.double(), None)
    # devices outside the list
    assert not bn_module.fused_moments(x.to("meta"), None, None)


def _bn_pair(fused, x, monkeypatch, **kwargs):
    monkeypatch.setattr(bn_module, "fused_moments", lambda *a: fused)
    layer = layers.BatchNormalization(
        momentum=0.9,
        beta_initializer="random_normal",
        gamma_initializer="random_normal",
        moving_mean_initializer="random_normal",
        moving_variance_initializer="ones",
        **kwargs,
    )
    torch.manual_seed(0)
    layer.build(tuple(x.shape))
    xi = x.clone().requires_grad_(True)
    out = layer(xi, training=True)
    (out * out).sum().backward()
    return layer, out, xi.grad


@pytest.mark.parametrize("axis", [-1, 1])
def test_fused_and_two_pass_training_give_the_same_numbers(axis, monkeypatch):
    x = _x(4, 3, 5, 6) * 3 + 1
    fast, out_f, grad_f = _bn_pair(True, x, monkeypatch, axis=axis)
    slow, out_s, grad_s = _bn_pair(False, x, monkeypatch, axis=axis)
    torch.testing.assert_close(out_f, out_s, rtol=1e-6, atol=1e-6)
    torch.testing.assert_close(grad_f, grad_s, rtol=1e-5, atol=1e-5)
    for f, s in zip(fast.weights, slow.weights, strict=True):
        torch.testing.assert_close(f, s, rtol=1e-6, atol=1e-6)


def test_fused_moving_statistics_by_hand():
    """Keras tracks the biased variance: moving = m * moving + (1 - m) * batch."""
    x = torch.from_numpy(RNG.normal(2.0, 3.0, size=(3, 4, 4, 5)))  # float64
    layer = layers.BatchNormalization(momentum=0.8, dtype="float64")
    layer(x, training=True)
    flat = x.numpy().reshape(-1, 5)
    np.testing.assert_allclose(
        layer.moving_mean.detach().numpy(), 0.2 * flat.mean(0), rtol=1e-12
    )
    np.testing.assert_allclose(
        layer.moving_variance.detach().numpy(),
        0.8 + 0.2 * flat.var(0),
        rtol=1e-12,
    )


def test_bfloat16_training_takes_the_two_pass_path(monkeypatch):
    calls = []
    real = bn_module.BatchNormalization._train_fused

    def spy(self, x):
        calls.append(x.dtype)
        return real(self, x)

    monkeypatch.setattr(bn_module.BatchNormalization, "_train_fused", spy)
    x = _x(4, 3, 3, 2)
    layer = layers.BatchNormalization(dtype="bfloat16")
    out = layer(x.to(torch.bfloat16), training=True)
    assert calls == [] and out.dtype == torch.bfloat16
    flat = x.to(torch.bfloat16).float().numpy().reshape(-1, 2)
    np.testing.assert_allclose(
        layer.moving_mean.float().numpy(), 0.01 * flat.mean(0), rtol=2e-2, atol=1e-4
    )
    layer32 = layers.BatchNormalization()
    layer32(x, training=True)
    assert calls == [torch.float32]


def test_batch_norm_training_matches_keras_on_images(keras):
    x = (RNG.normal(size=(4, 5, 5, 3)) * 2 + 1).astype("float32")
    kwargs = {"momentum": 0.7, "epsilon": 1.001e-5}
    klayer = keras.layers.BatchNormalization(**kwargs)
    llayer = layers.BatchNormalization(**kwargs)
    kout = klayer(x, training=True)
    lout = llayer(x, training=True)
    np.testing.assert_allclose(
        lout.detach().numpy(), kout.detach().cpu().numpy(), rtol=1e-4, atol=1e-5
    )
    for lw, kw in zip(llayer.get_weights(), klayer.get_weights(), strict=True):
        np.testing.assert_allclose(lw, kw, rtol=1e-5, atol=1e-6)
