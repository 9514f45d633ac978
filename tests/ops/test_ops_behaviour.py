"""lamina.ops beyond Keras parity: numpy semantics, errors, meta tensors, autograd, layers."""

import numpy as np
import pytest
import torch

import lamina
from lamina import ops

X = np.arange(6, dtype="float32").reshape(2, 3) - 2.5


@pytest.mark.parametrize("mode", ["reflect", "symmetric", "edge", "wrap", "constant"])
def test_pad_modes_match_numpy(mode):
    width = ((2, 1), (4, 3)) if mode != "reflect" else ((1, 1), (2, 2))
    got = ops.pad(X, width, mode=mode).numpy()
    np.testing.assert_array_equal(got, np.pad(X, width, mode=mode))


def test_pad_broadcasts_width():
    assert ops.pad(X, 1).shape == (4, 5)
    assert ops.pad(X, (1, 2)).shape == (5, 6)


def test_numpy_semantics_where_keras_torch_differs():
    np.testing.assert_array_equal(
        ops.take(X, np.array([-1, 0])).numpy(), X.flat[[-1, 0]]
    )
    np.testing.assert_allclose(ops.vdot(X, X + 1).numpy(), np.vdot(X, X + 1))
    got = ops.linspace(np.array([0.0, 1.0]), np.array([1.0, 3.0]), 3, axis=1)
    np.testing.assert_allclose(
        got.numpy(), np.linspace([0.0, 1.0], [1.0, 3.0], 3, axis=1)
    )
    cond = X > 0
    for g, e in zip(ops.where(cond), np.nonzero(cond), strict=True):
        np.testing.assert_array_equal(g.numpy(), e)
    assert ops.count_nonzero(X, axis=1).tolist() == [3, 3]
    assert ops.count_nonzero(X).dtype == torch.int32


def test_sparse_crossentropy_on_first_axis():
    probs = np.array([[0.2, 0.8], [0.3, 0.1], [0.5, 0.1]], dtype="float32")
    got = ops.sparse_categorical_crossentropy(np.array([2, 0]), probs, axis=0)
    np.testing.assert_allclose(got.numpy(), -np.log([0.5, 0.8]), rtol=1e-6)


def test_sparsemax_is_a_sparse_distribution():
    out = ops.sparsemax(np.array([[1.764, 0.400, 0.979]], dtype="float32")).numpy()
    tau = (1.764 + 0.979 - 1.0) / 2  # the two largest entries stay in the support
    np.testing.assert_allclose(out, [[1.764 - tau, 0.0, 0.979 - tau]], atol=1e-6)


def test_average_pool_same_averages_only_real_values():
    # Keras's torch backend disagrees for non-square windows; this is the
    # TensorFlow definition: pad (1, 1) rows and (0, 1) columns, skip padding.
    x = np.random.RandomState(1).randn(1, 5, 5, 1).astype("float32")
    got = ops.average_pool(x, (3, 2), strides=1, padding="same")[0, ..., 0].numpy()
    img = x[0, ..., 0]
    want = [
        [img[max(i - 1, 0) : i + 2, j : j + 2].mean() for j in range(5)]
        for i in range(5)
    ]
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_pool_errors():
    with pytest.raises(ValueError, match="padding 'valid' or 'same'"):
        ops.max_pool(np.ones((1, 4, 4, 1)), 2, padding="full")
    with pytest.raises(ValueError, match="`pool_size` must be an int or a tuple of 2"):
        ops.max_pool(np.ones((1, 4, 4, 1)), (2, 2, 2))


def test_dot_batches_like_matmul():
    a, b = np.ones((2, 3, 4), "float32"), np.ones((2, 4, 5), "float32")
    assert ops.dot(a, b).shape == (2, 3, 5)


def test_python_scalars_follow_keras_dtypes():
    assert ops.add(1, 2).dtype == torch.int32
    assert ops.add(1.0, 2).dtype == torch.float32
    assert ops.multiply(torch.ones(2, dtype=torch.float16), 2.0).dtype == torch.float16
    assert ops.multiply(torch.ones(2, dtype=torch.int8), 3).dtype == torch.int8
    assert ops.divide(torch.ones(2, dtype=torch.int64), 2).dtype == torch.float32
    assert ops.mean(torch.ones(2, dtype=torch.int64)).dtype == torch.float32


def test_shape_and_dtype_helpers():
    t = torch.ones(2, 3, dtype=torch.float16)
    assert ops.shape(t) == (2, 3)
    assert ops.dtype(t) == "float16"
    assert ops.ndim(t) == 2
    assert int(ops.size(t)) == 6
    assert ops.is_tensor(t) and not ops.is_tensor(np.ones(2))
    assert ops.convert_to_numpy(t.to(torch.bfloat16)).dtype == np.float32
    assert ops.cast(t, "int32").dtype == torch.int32


def test_errors_name_the_argument():
    with pytest.raises(ValueError, match="`indices_or_sections` must divide"):
        ops.split(X, 4, axis=1)
    with pytest.raises(ValueError, match="Cannot squeeze axis 1: its size is 3"):
        ops.squeeze(X, axis=1)
    with pytest.raises(ValueError, match="`x1` and `x2` must be both given"):
        ops.where(X > 0, 1.0)
    with pytest.raises(ValueError, match="`constant_values` can only be set"):
        ops.pad(X, 1, mode="reflect", constant_values=1)
    with pytest.raises(ValueError, match="`mode` must be one of"):
        ops.pad(X, 1, mode="mirror")
    with pytest.raises(ValueError, match="`target` and `output` must have the same"):
        ops.categorical_crossentropy(np.ones((2, 3)), np.ones((2, 4)))
    with pytest.raises(ValueError, match="`sparse` and `ragged` must be None"):
        ops.convert_to_tensor(X, sparse=True)
    with pytest.raises(ValueError, match="`condlist` and `choicelist`"):
        ops.select([X > 0], [X, X])
    with pytest.raises(TypeError, match="Cannot convert to a tensor"):
        ops.convert_to_tensor({"a": 1})


META_CALLS = [
    lambda x, w: ops.matmul(x, w),
    lambda x, w: ops.einsum("bi,ij->bj", x, w),
    lambda x, w: ops.add(x, 1.0),
    lambda x, w: ops.maximum(x, 0.0),
    lambda x, w: ops.sum(x, axis=1, keepdims=True),
    lambda x, w: ops.moments(x, axes=[0])[1],
    lambda x, w: ops.logsumexp(x, axis=-1),
    lambda x, w: ops.softmax(x),
    lambda x, w: ops.gelu(x),
    lambda x, w: ops.where(x > 0, x, 0.0),
    lambda x, w: ops.one_hot(ops.argmax(x, axis=-1), 5),
    lambda x, w: ops.take(x, [0, 2], axis=1),
    lambda x, w: ops.pad(x, ((0, 0), (1, 1)), mode="reflect"),
    lambda x, w: ops.normalize(x),
    lambda x, w: ops.sparse_categorical_crossentropy(ops.argmax(x, axis=-1), x, True),
    lambda x, w: ops.clip(ops.prod(x, axis=0), -1.0, 1.0),
    lambda x, w: ops.split(x, 2, axis=1)[0],
]


@pytest.mark.parametrize("fn", META_CALLS)
def test_runs_on_meta_tensors(fn):
    x, w = torch.empty(3, 4, device="meta"), torch.empty(4, 2, device="meta")
    assert fn(x, w).device.type == "meta"


def test_gradients_flow_through_ops():
    x = torch.tensor(X, requires_grad=True)
    y = ops.sum(ops.square(ops.relu(x))) + ops.mean(ops.logsumexp(x, axis=1))
    y.backward()
    expected = 2 * np.maximum(X, 0) + torch.softmax(torch.tensor(X), 1).numpy() / 2
    np.testing.assert_allclose(x.grad.numpy(), expected, rtol=1e-5, atol=1e-6)
    assert ops.stop_gradient(x).requires_grad is False


class OpsDense(lamina.layers.Layer):
    """A dense layer written with `lamina.ops` only."""

    def build(self, input_shape):
        self.w = self.add_weight(
            shape=(input_shape[-1], 4), initializer="glorot_uniform"
        )
        self.b = self.add_weight(shape=(4,), initializer="zeros")

    def call(self, x):
        h = ops.add(ops.matmul(x, self.w), self.b)
        return ops.concatenate([ops.relu(h), ops.tanh(h)], axis=-1)


def test_custom_layer_with_ops_trains_in_sequential():
    torch.manual_seed(0)
    model = lamina.Sequential([OpsDense(), lamina.layers.Dense(1)])
    x = np.random.RandomState(0).randn(16, 3).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    model.compile("sgd", "mse")
    model(x[:1])
    before = [w.detach().clone() for w in model.layers[0].trainable_weights]
    history = model.fit(x, y, batch_size=8, epochs=2, verbose=0)
    after = model.layers[0].trainable_weights
    assert all(not torch.equal(b, a) for b, a in zip(before, after, strict=True))
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert model.predict(x, verbose=0).shape == (16, 1)
