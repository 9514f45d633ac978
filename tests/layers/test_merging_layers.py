"""Merging layers: errors, masks, dtypes and functional forms against Keras."""

import numpy as np
import pytest
import torch

import lamina
from lamina import layers


def _np(x):
    return x.detach().cpu().numpy()


def _rand(*shape, seed=0):
    return np.random.default_rng(seed).normal(size=shape).astype("float32")


def _masked(x, mask):
    t = torch.as_tensor(x)
    t._keras_mask = torch.as_tensor(mask)
    return t


M1 = np.array([[1, 1, 0], [1, 0, 0]], bool)
M2 = np.array([[1, 0, 1], [1, 1, 0]], bool)


@pytest.mark.parametrize(
    ("layer", "shapes", "match"),
    [
        (
            layers.Subtract,
            [(2, 3)] * 3,
            r"A `Subtract` layer should be called on "
            r"exactly 2 inputs. Received: input_shape=\[\(2, 3\), \(2, 3\), \(2, 3\)\]",
        ),
        (layers.Add, (2, 3), r"A merge layer should be called on a list of inputs"),
        (
            layers.Add,
            [(2, 3), (2, 4)],
            r"Inputs have incompatible shapes. "
            r"Received shapes \(3,\) and \(4,\)",
        ),
        (
            layers.Maximum,
            [(2, 3), (1, 3)],
            r"Cannot merge tensors with different "
            r"batch sizes. Received tensors with shapes \[\(2, 3\), \(1, 3\)\]",
        ),
        (
            layers.Concatenate,
            [(2, 3), (2, 4, 3)],
            r"A `Concatenate` layer requires "
            r"inputs with matching shapes except for the concatenation axis",
        ),
    ],
)
def test_merge_errors_match_keras(keras, layer, shapes, match):
    inputs = [_rand(*s) for s in shapes] if isinstance(shapes, list) else _rand(*shapes)
    with pytest.raises(ValueError, match=match):
        getattr(keras.layers, layer.__name__)()(inputs)
    with pytest.raises(ValueError, match=match):
        layer()(inputs)


def test_concatenate_axis_mismatch_error():
    with pytest.raises(
        ValueError, match=r"Received: input_shape=\[\(2, 3\), \(2, 4\)\]"
    ):
        layers.Concatenate(axis=0)([_rand(2, 3), _rand(2, 4)])


def test_dot_argument_and_shape_errors():
    with pytest.raises(
        TypeError,
        match=r"Invalid type for argument `axes`: it should "
        r"be a list or an int. Received: axes=x",
    ):
        layers.Dot(axes="x")
    with pytest.raises(
        ValueError,
        match=r"it should contain two elements. "
        r"Received: axes=\[1\]",
    ):
        layers.Dot(axes=[1])
    with pytest.raises(
        ValueError,
        match=r"A `Dot` layer should be called on a list "
        r"of 2 inputs",
    ):
        layers.Dot(axes=1)([_rand(2, 3)] * 3)
    with pytest.raises(
        ValueError,
        match=r"Incompatible input shapes: axis values 3 "
        r"\(at axis 1\) != 4 \(at axis 1\). Full input shapes: "
        r"\(2, 3\), \(2, 4\)",
    ):
        layers.Dot(axes=1)([_rand(2, 3), _rand(2, 4)])
    with pytest.raises(ValueError, match=r"Cannot perform batch_dot over axis 0"):
        layers.Dot(axes=0)([_rand(2, 3), _rand(2, 3)])


def test_rank_broadcast_inserts_axes_after_batch():
    x, y = _rand(2, 2, 3), _rand(2, 3, seed=1)
    np.testing.assert_allclose(_np(layers.Add()([x, y])), x + y[:, None], rtol=1e-6)
    np.testing.assert_allclose(
        _np(layers.Subtract()([y, x])), y[:, None] - x, rtol=1e-6
    )


@pytest.mark.parametrize(
    "name", ["Add", "Subtract", "Maximum", "Minimum", "Multiply", "Average"]
)
def test_merge_masks_are_unions_like_keras(keras, name):
    x, y = _rand(2, 3, 4), _rand(2, 3, 4, seed=1)
    for masks in [(M1, M2), (M1, None)]:
        k_in = [_masked(x, masks[0]), torch.as_tensor(y)]
        l_in = [_masked(x, masks[0]), torch.as_tensor(y)]
        if masks[1] is not None:
            k_in[1]._keras_mask = l_in[1]._keras_mask = torch.as_tensor(masks[1])
        kout = getattr(keras.layers, name)()(k_in)
        lout = getattr(layers, name)()(l_in)
        np.testing.assert_allclose(_np(lout), _np(kout), rtol=1e-6)
        kmask, lmask = (
            getattr(kout, "_keras_mask", None),
            getattr(lout, "_keras_mask", None),
        )
        if kmask is None:
            assert lmask is None
        else:
            np.testing.assert_array_equal(_np(lmask), _np(kmask))


@pytest.mark.parametrize("axis", [-1, 1])
@pytest.mark.parametrize("second_mask", [True, False])
def test_concatenate_mask_matches_keras(keras, axis, second_mask):
    x, y = _rand(2, 3, 4), _rand(2, 3, 4, seed=1)
    outs = []
    for lib in (keras.layers, layers):
        b = _masked(y, M2) if second_mask else torch.as_tensor(y)
        outs.append(lib.Concatenate(axis=axis)([_masked(x, M1), b]))
    np.testing.assert_array_equal(_np(outs[1]._keras_mask), _np(outs[0]._keras_mask))
    np.testing.assert_allclose(_np(outs[1]), _np(outs[0]))


def test_dot_drops_masks_and_matches_normalized_keras(keras):
    x = np.array([[1e-7, 0, 0], [3, 4, 0], [1e-20, 0, 0]], "float32")
    y = np.array([[1e-7, 0, 0], [3, 0, 4], [1e-20, 0, 0]], "float32")
    kout = keras.layers.Dot(axes=1, normalize=True)([x, y])
    lout = layers.Dot(axes=1, normalize=True)([_masked(x, np.ones(3, bool)), y])
    np.testing.assert_allclose(_np(lout), _np(kout), rtol=1e-6)
    assert getattr(lout, "_keras_mask", None) is None


def test_dtypes_follow_keras(keras):
    a = np.arange(6, dtype="int32").reshape(2, 3)
    f = a.astype("float32")
    assert layers.Add()([a, a]).dtype == torch.int32
    assert layers.Add()([f, a]).dtype == torch.float32
    out = layers.Average()([a, a + 1])
    kout = keras.layers.Average()([a, a + 1])
    assert out.dtype == torch.float32
    np.testing.assert_allclose(_np(out), _np(kout))


@pytest.mark.parametrize(
    ("fn", "kwargs", "expect"),
    [
        ("add", {}, lambda x, y: x + y),
        ("subtract", {}, lambda x, y: x - y),
        ("multiply", {}, lambda x, y: x * y),
        ("average", {}, lambda x, y: (x + y) / 2),
        ("maximum", {}, np.maximum),
        ("minimum", {}, np.minimum),
        ("concatenate", {"axis": 0}, lambda x, y: np.concatenate([x, y], 0)),
        ("dot", {"axes": 1}, lambda x, y: (x * y).sum(1, keepdims=True)),
    ],
)
def test_functional_forms(fn, kwargs, expect):
    x, y = _rand(2, 3), _rand(2, 3, seed=1)
    out = getattr(layers, fn)([x, y], **kwargs)
    np.testing.assert_allclose(_np(out), expect(x, y), rtol=1e-5, atol=1e-6)


def test_concatenate_in_functional_model_trains(keras):
    a, b = lamina.Input((3,)), lamina.Input((2,))
    out = lamina.layers.Dense(1)(layers.concatenate([a, layers.add([b, b])]))
    model = lamina.Model([a, b], out)
    assert out.shape == (None, 1)
    model.compile(optimizer=lamina.optimizers.SGD(0.1), loss="mse")
    kernel = [w for w in model.trainable_weights if w.dim() == 2][0]
    before = _np(kernel).copy()
    model.fit(
        [_rand(4, 3), _rand(4, 2)], _rand(4, 1), epochs=1, batch_size=4, verbose=0
    )
    assert not np.allclose(before, _np(kernel))
    assert tuple(model.predict([_rand(4, 3), _rand(4, 2)], verbose=0).shape) == (4, 1)
