"""Normalization layers beyond the battery: moving statistics, masks, frozen
layers, gradients, `Normalization.adapt`, and error messages."""

import warnings

import numpy as np
import pytest
import torch

import lamina

RTOL, ATOL = 1e-5, 1e-6


def _np(x):
    return x.detach().cpu().numpy() if isinstance(x, torch.Tensor) else np.asarray(x)


def _data(*shape, seed=0):
    return np.random.default_rng(seed).normal(size=shape).astype("float32")


def _close(a, b, rtol=RTOL, atol=ATOL):
    np.testing.assert_allclose(_np(a), _np(b), rtol=rtol, atol=atol)


# -- BatchNormalization ---------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "shape"),
    [({"momentum": 0.9}, (4, 3, 2)), ({"axis": 1, "momentum": 0.8}, (3, 2, 2, 3))],
)
def test_batchnorm_moving_statistics_follow_keras(keras, kwargs, shape):
    k = keras.layers.BatchNormalization(**kwargs)
    lam = lamina.layers.BatchNormalization(**kwargs)
    for step in range(4):
        x = _data(*shape, seed=step) * (step + 1) + step
        _close(lam(x, training=True), k(x, training=True))
    for a, b in zip(lam.get_weights(), k.get_weights(), strict=True):
        _close(a, b)
    x = _data(*shape, seed=9)
    _close(lam(x), k(x))  # inference uses the moving statistics


def test_batchnorm_moving_variance_is_biased():
    x = _data(5, 2)
    layer = lamina.layers.BatchNormalization(momentum=0.0)
    layer(x, training=True)
    _close(layer.moving_mean, x.mean(0))
    _close(layer.moving_variance, x.var(0))  # ddof=0


def test_batchnorm_with_mask_matches_keras(keras):
    x = _data(2, 4, 3)
    mask = np.array([[1, 1, 0, 0], [1, 1, 1, 0]], dtype=bool)
    k = keras.layers.BatchNormalization()
    lam = lamina.layers.BatchNormalization()
    kout = k(x, training=True, mask=mask)
    lout = lam(x, training=True, mask=torch.as_tensor(mask))
    _close(lout, kout)
    for a, b in zip(lam.get_weights(), k.get_weights(), strict=True):
        _close(a, b)


def test_frozen_batchnorm_runs_in_inference_mode(keras):
    x = _data(4, 3)
    k = keras.layers.BatchNormalization(trainable=False)
    lam = lamina.layers.BatchNormalization(trainable=False)
    kout = k(x, training=True)
    lam(x)
    lam.set_weights(k.get_weights())
    _close(lam(x, training=True), kout)
    _close(lam.moving_mean, np.zeros(3))
    _close(lam.moving_variance, np.ones(3))
    assert len(lam.trainable_weights) == 0
    assert len(lam.non_trainable_weights) == 4


def test_batchnorm_freezing_after_build_stops_updates():
    layer = lamina.layers.BatchNormalization()
    layer(_data(4, 3), training=True)
    before = layer.moving_mean.clone()
    layer.trainable = False
    out = layer(_data(4, 3, seed=1), training=True)
    assert torch.equal(layer.moving_mean, before)
    inference = layer(_data(4, 3, seed=1), training=False)
    _close(out, inference)


def test_batchnorm_training_gradients_match_keras(keras):
    x = _data(4, 2, 3)
    weight = torch.as_tensor(_data(4, 2, 3, seed=5))
    k = keras.layers.BatchNormalization(gamma_initializer="random_normal")
    lam = lamina.layers.BatchNormalization()
    k(x)
    lam(x)
    lam.set_weights(k.get_weights())
    grads = []
    for layer in (k, lam):
        xt = torch.tensor(x, requires_grad=True)
        (layer(xt, training=True) * weight).sum().backward()
        gamma, beta = layer.trainable_weights
        gamma = getattr(gamma, "value", gamma)
        beta = getattr(beta, "value", beta)
        grads.append([_np(xt.grad), _np(gamma.grad), _np(beta.grad)])
    for a, b in zip(*grads, strict=True):
        _close(a, b, atol=1e-5)


def test_batchnorm_in_fit_updates_moving_statistics_like_keras(keras):
    x, y = _data(8, 3), _data(8, 1, seed=1)

    def run(lib):
        model = lib.Sequential([lib.Input((3,)), lib.layers.BatchNormalization()])
        model.compile(optimizer=lib.optimizers.SGD(0.0), loss="mse")
        model.fit(
            x, np.repeat(y, 3, axis=1), batch_size=4, epochs=2, shuffle=False, verbose=0
        )
        return model.layers[-1].get_weights()

    for a, b in zip(run(lamina), run(keras), strict=True):
        _close(a, b)


def test_batchnorm_symbolic_call():
    inputs = lamina.Input((5, 4))
    out = lamina.layers.BatchNormalization(axis=1)(inputs)
    assert tuple(out.shape) == (None, 5, 4)


def test_batchnorm_errors():
    with pytest.raises(
        TypeError, match=r"`axis` must be an integer. Received: axis=\[1, 2\]"
    ):
        lamina.layers.BatchNormalization(axis=[1, 2])
    with pytest.raises(ValueError, match="renorm=True"):
        lamina.layers.BatchNormalization(renorm=True)
    with pytest.raises(ValueError, match="out of range for an input of rank 3"):
        lamina.layers.BatchNormalization(axis=5)(_data(2, 3, 4))
    with pytest.raises(ValueError, match="rank 2 or more"):
        lamina.layers.BatchNormalization()(_data(3))
    layer = lamina.layers.BatchNormalization()
    layer(_data(2, 3))
    with pytest.raises(
        ValueError, match="expected axis 1 of input shape to have value 3"
    ):
        layer(_data(2, 4))


# -- LayerNormalization ---------------------------------------------------------


def test_layernorm_on_a_middle_axis_matches_the_formula():
    # Keras 3's torch backend fails on non-trailing axes, so check by hand.
    x = _data(2, 3, 4)
    layer = lamina.layers.LayerNormalization(axis=1, gamma_initializer="random_normal")
    layer(x)
    gamma, beta = layer.get_weights()
    beta = beta + 0.5
    layer.set_weights([gamma, beta])
    mean, var = x.mean(1, keepdims=True), x.var(1, keepdims=True)
    want = (x - mean) / np.sqrt(var + 1e-3) * gamma[None, :, None] + beta[None, :, None]
    _close(layer(x), want)


def test_layernorm_rms_scaling_matches_keras(keras):
    x = _data(2, 3, 4)
    with pytest.warns(UserWarning, match="rms_scaling"):
        lam = lamina.layers.LayerNormalization(rms_scaling=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        k = keras.layers.LayerNormalization(rms_scaling=True)
        kout = k(x)
    lam(x)
    assert len(lam.weights) == len(k.weights) == 1
    _close(lam(x), kout)


def test_layernorm_rms_scaling_with_random_gamma_matches_keras(keras):
    # Keras 3 takes `rms_scaling` only as a keyword: `x * gamma / sqrt(var + eps)`.
    x = _data(2, 3, 4) * 3.0 + 1.0
    kwargs = {"axis": [1, 2], "epsilon": 1e-2, "rms_scaling": True, "center": True}
    with pytest.warns(UserWarning, match=r"You passed `rms_scaling=True`"):
        lam = lamina.layers.LayerNormalization(**kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        k = keras.layers.LayerNormalization(**kwargs)
        k(x)
        gamma = _data(3, 4, seed=1)
        k.set_weights([gamma])
        kout = k(x)
    lam(x)
    lam.set_weights([gamma])
    assert lam.beta is None
    _close(lam(x), kout)
    var = x.var(axis=(1, 2), keepdims=True)
    _close(lam(x), x / np.sqrt(var + 1e-2) * gamma, rtol=1e-5, atol=1e-5)
    config = lam.get_config()
    assert config["rms_scaling"] is True
    with pytest.warns(UserWarning, match="rms_scaling"):
        clone = lamina.layers.LayerNormalization.from_config(config)
    clone(x)
    clone.set_weights([gamma])
    _close(clone(x), kout)


@pytest.mark.parametrize("dtype", ["mixed_float16", "float16", "mixed_bfloat16"])
@pytest.mark.parametrize("kwargs", [{}, {"axis": [1, 2]}, {"rms_scaling": True}])
def test_layernorm_low_precision_computes_in_float32_as_keras(keras, dtype, kwargs):
    # Keras keeps the float32 input, normalizes in float32 and casts the result.
    x = _data(2, 3, 4) * 100.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # rms_scaling's deprecation
        k = keras.layers.LayerNormalization(dtype=dtype, **kwargs)
        lam = lamina.layers.LayerNormalization(dtype=dtype, **kwargs)
        kout = k(x)
        lout = lam(x)
    assert str(lout.dtype) == str(kout.dtype)
    assert [str(w.dtype) for w in lam.weights] == [
        f"torch.{w.dtype}" for w in k.weights
    ]
    _close(lout.float(), kout.float(), rtol=0, atol=0)


def test_layernorm_positional_arguments_bind_as_in_keras(keras):
    # The fifth positional argument is `beta_initializer` (no `rms_scaling`).
    args = (-1, 1e-5, True, False, "ones")
    k = keras.layers.LayerNormalization(*args)
    lam = lamina.layers.LayerNormalization(*args)
    x = _data(2, 5)
    _close(lam(x), k(x))
    assert lam.get_config()["beta_initializer"]["class_name"] == "Ones"
    assert lam.get_config()["rms_scaling"] is k.get_config()["rms_scaling"] is False


def test_layernorm_gradients_match_keras(keras):
    x = _data(2, 3, 4)
    k = keras.layers.LayerNormalization(axis=[1, 2], gamma_initializer="random_normal")
    lam = lamina.layers.LayerNormalization(axis=[1, 2])
    k(x)
    lam(x)
    lam.set_weights(k.get_weights())
    grads = []
    for layer in (k, lam):
        xt = torch.tensor(x, requires_grad=True)
        (layer(xt) ** 3).sum().backward()
        grads.append(_np(xt.grad))
    _close(grads[1], grads[0], atol=1e-5)


def test_layernorm_errors():
    with pytest.raises(TypeError, match=r"Received: axis='a'"):
        lamina.layers.LayerNormalization(axis="a")
    with pytest.raises(ValueError, match="out of range"):
        lamina.layers.LayerNormalization(axis=3)(_data(2, 3, 4))
    layer = lamina.layers.LayerNormalization()
    layer(_data(2, 3))
    with pytest.raises(
        ValueError, match="expected axis 1 of input shape to have value 3"
    ):
        layer(_data(2, 5))


# -- GroupNormalization and UnitNormalization -------------------------------------


def test_groupnorm_channels_first_matches_the_formula():
    x = _data(2, 4, 3)
    layer = lamina.layers.GroupNormalization(groups=2, axis=1)
    groups = x.reshape(2, 2, 2, 3)
    mean = groups.mean((2, 3), keepdims=True)
    var = groups.var((2, 3), keepdims=True)
    _close(layer(x), ((groups - mean) / np.sqrt(var + 1e-3)).reshape(2, 4, 3))


def test_groupnorm_minus_one_means_one_group_per_channel():
    layer = lamina.layers.GroupNormalization(groups=-1)
    layer(_data(2, 3, 5))
    assert layer.groups == 5
    assert layer.get_config()["groups"] == 5


def test_groupnorm_errors():
    with pytest.raises(ValueError, match=r"Received: groups=0"):
        lamina.layers.GroupNormalization(groups=0)
    with pytest.raises(
        ValueError, match=r"cannot be more than the number of channels \(4\)"
    ):
        lamina.layers.GroupNormalization(groups=8)(_data(2, 4))
    with pytest.raises(
        ValueError, match=r"must be a multiple of the number of groups \(3\)"
    ):
        lamina.layers.GroupNormalization(groups=3)(_data(2, 4))


def test_unit_normalization_tiny_and_zero_vectors_match_keras(keras):
    x = np.zeros((4, 3), "float32")
    x[0, 0], x[1, 1], x[2] = 1e-15, 1e-19, [3.0, 0.0, 4.0]
    _close(lamina.layers.UnitNormalization()(x), keras.layers.UnitNormalization()(x))


def test_unit_normalization_bad_axis():
    with pytest.raises(ValueError, match="out of range"):
        lamina.layers.UnitNormalization(axis=4)(_data(2, 3))


# -- Normalization (preprocessing) and Rescaling ----------------------------------


@pytest.mark.parametrize("axis", [-1, (1, 2), None, 1])
def test_normalization_adapt_matches_keras(keras, axis):
    data = _data(6, 3, 2) * 3 + 1
    k = keras.layers.Normalization(axis=axis)
    lam = lamina.layers.Normalization(axis=axis)
    k.adapt(data)
    lam.adapt(data)
    for a, b in zip(lam.get_weights(), k.get_weights(), strict=True):
        _close(a, b)
    x = _data(2, 3, 2, seed=1)
    _close(lam(x), k(x))


def test_normalization_adapt_over_batches_equals_one_array():
    data = _data(10, 4) * 2 - 1
    whole = lamina.layers.Normalization()
    whole.adapt(data)
    batched = lamina.layers.Normalization()
    batched.adapt([data[:3], data[3:7], data[7:]].__iter__())
    for a, b in zip(batched.get_weights(), whole.get_weights(), strict=True):
        _close(a, b)
    _close(whole.adapt_mean, data.mean(0))
    _close(whole.adapt_variance, data.var(0))


def test_normalization_adapt_twice_replaces_statistics():
    layer = lamina.layers.Normalization()
    layer.adapt(np.arange(6.0).reshape(3, 2))
    layer.adapt(np.arange(6.0).reshape(3, 2) * 2)
    _close(layer.adapt_mean, [4.0, 6.0])


def test_normalization_given_values_and_invert_match_keras(keras):
    kwargs = {"mean": [1.0, 2.0], "variance": [4.0, 0.0]}
    x = _data(3, 2)
    _close(
        lamina.layers.Normalization(**kwargs)(x),
        keras.layers.Normalization(**kwargs)(x),
    )
    inv = {"mean": 1.0, "variance": 4.0, "invert": True}
    _close(lamina.layers.Normalization(**inv)(x), keras.layers.Normalization(**inv)(x))


def test_normalization_round_trips_through_invert():
    data = _data(8, 3) * 5
    norm = lamina.layers.Normalization()
    norm.adapt(data)
    mean, var = norm.adapt_mean.numpy(), norm.adapt_variance.numpy()
    inverse = lamina.layers.Normalization(mean=mean, variance=var, invert=True)
    _close(inverse(norm(data)), data, atol=1e-5)


def test_normalization_errors():
    with pytest.raises(
        ValueError,
        match=r"both `mean` and `variance` must be set. Received: mean=1.0 and variance=None",
    ):
        lamina.layers.Normalization(mean=1.0)
    with pytest.raises(ValueError, match="cannot be adapted"):
        lamina.layers.Normalization(mean=1.0, variance=1.0).adapt(_data(3, 2))
    with pytest.raises(ValueError, match="non-batch axes"):
        lamina.layers.Normalization(axis=0).adapt(_data(3, 2))
    layer = lamina.layers.Normalization()
    layer.adapt(_data(3, 2))
    with pytest.raises(
        ValueError, match="expected axis 1 of input shape to have value 2"
    ):
        layer(_data(3, 4))
    with pytest.raises(ValueError, match="does not broadcast"):
        lamina.layers.Normalization(mean=[1.0, 2.0], variance=[1.0, 1.0])(_data(2, 3))


def test_rescaling_casts_integers_and_broadcasts(keras):
    x = np.arange(12, dtype="int64").reshape(2, 3, 2)
    kwargs = {"scale": [0.5, 2.0], "offset": 1}
    out = lamina.layers.Rescaling(**kwargs)(x)
    assert out.dtype == torch.float32
    _close(out, keras.layers.Rescaling(**kwargs)(x))
    with pytest.raises(TypeError, match=r"Received: scale='a'"):
        lamina.layers.Rescaling("a")
