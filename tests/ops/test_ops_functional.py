"""keras.ops functions that take functions (control flow, custom gradients) and
those whose results are only defined up to sign or order, against Keras."""

import numpy as np
import pytest
import torch

from lamina import ops

rng = np.random.RandomState(2)
X = rng.randn(4, 3).astype("float32")
SQ = rng.randn(3, 3).astype("float32")


def _np(x):
    return x.detach().numpy() if isinstance(x, torch.Tensor) else np.asarray(x)


def test_cond_and_switch_match_keras(keras):
    for pred in (True, False, torch.tensor(0)):
        args = (pred, lambda: ops.ones(2), lambda: ops.zeros(2))
        np.testing.assert_array_equal(_np(ops.cond(*args)), _np(keras.ops.cond(*args)))
    branches = [lambda x: x + 1, lambda x: x * 10, lambda x: -x]
    for index in (-3, 0, 1, 2, 7):
        got = ops.switch(index, branches, torch.tensor(2.0))
        assert float(got) == float(keras.ops.switch(index, branches, torch.tensor(2.0)))


def test_loops_match_keras(keras):
    def cond(i, total):
        return i < 5

    def body(i, total):
        return i + 1, total + i

    got = ops.while_loop(cond, body, (0, 0.0))
    expected = keras.ops.while_loop(cond, body, (0, 0.0))
    assert [float(g) for g in got] == [float(e) for e in expected]
    assert float(ops.while_loop(lambda x: x < 100, lambda x: x * 2, 1, 3)) == 8.0
    got = ops.fori_loop(1, 4, lambda i, v: v * i, torch.tensor(1.0))
    assert (
        float(got) == float(keras.ops.fori_loop(1, 4, lambda i, v: v * i, 1.0)) == 6.0
    )


def test_scan_matches_keras(keras):
    def step(carry, x):
        carry = carry + x
        return carry, {"sum": carry, "double": 2 * x}

    for reverse in (False, True):
        got = ops.scan(step, torch.zeros(3), torch.tensor(X), reverse=reverse)
        want = keras.ops.scan(step, torch.zeros(3), torch.tensor(X), reverse=reverse)
        np.testing.assert_allclose(_np(got[0]), _np(want[0]), rtol=1e-6)
        for key in ("sum", "double"):
            np.testing.assert_allclose(_np(got[1][key]), _np(want[1][key]), rtol=1e-6)
    carry, ys = ops.scan(lambda c, _: (c * 2, c), torch.tensor(1.0), length=4)
    assert float(carry) == 16.0 and ys.tolist() == [1.0, 2.0, 4.0, 8.0]
    with pytest.raises(ValueError, match="needs `xs` to scan over, or a `length`"):
        ops.scan(step, 0.0)


def test_map_and_vectorized_map_match_keras(keras):
    xs = {"a": torch.tensor(X), "b": torch.tensor(X[:, :1])}

    def fn(d):
        return d["a"].sum() * d["b"][0]

    np.testing.assert_allclose(
        _np(ops.map(fn, xs)), _np(keras.ops.map(fn, xs)), rtol=1e-6
    )
    got = ops.vectorized_map(lambda r: r * r.sum(), torch.tensor(X))
    want = keras.ops.vectorized_map(lambda r: r * r.sum(), torch.tensor(X))
    np.testing.assert_allclose(_np(got), _np(want), rtol=1e-6)


def test_associative_scan_matches_keras(keras):
    x = torch.tensor(X)
    for reverse in (False, True):
        for axis in (0, 1):
            got = ops.associative_scan(torch.add, x, reverse=reverse, axis=axis)
            want = keras.ops.associative_scan(torch.add, x, reverse=reverse, axis=axis)
            np.testing.assert_allclose(_np(got), _np(want), rtol=1e-5, atol=1e-6)
    pairs = (torch.tensor(X[:, 0]), torch.tensor(X[:, 1]))
    got = ops.associative_scan(lambda a, b: (a[0] * b[0], a[1] + b[1]), pairs)
    np.testing.assert_allclose(_np(got[0]), np.cumprod(X[:, 0]), rtol=1e-5)
    np.testing.assert_allclose(_np(got[1]), np.cumsum(X[:, 1]), rtol=1e-5)


def test_custom_gradient_matches_keras(keras):
    def make(namespace):
        @namespace.custom_gradient
        def log1pexp(x):
            e = torch.exp(x)

            def grad(*args, upstream=None):
                upstream = args[0] if upstream is None else upstream
                return upstream * (1.0 - 1.0 / (1.0 + e))

            return torch.log1p(e), grad

        return log1pexp

    grads = []
    for fn in (make(ops), make(keras.ops)):
        x = torch.tensor([0.0, 100.0], requires_grad=True)
        fn(x).sum().backward()
        grads.append(x.grad.numpy())
    np.testing.assert_allclose(grads[0], grads[1])
    np.testing.assert_allclose(grads[0], [0.5, 1.0])


def test_vectorize_and_jvp(keras):
    got = ops.vectorize(lambda a, b: a * b + 1)(torch.tensor(X), torch.tensor(2.0))
    np.testing.assert_allclose(_np(got), X * 2 + 1, rtol=1e-6)
    norms = ops.vectorize(torch.linalg.norm, signature="(d)->()")(torch.tensor(X))
    np.testing.assert_allclose(_np(norms), np.linalg.norm(X, axis=1), rtol=1e-5)
    primal, tangent = ops.jvp(torch.sin, (torch.tensor(X),), (torch.ones(4, 3),))
    want = keras.ops.jvp(torch.sin, (torch.tensor(X),), (torch.ones(4, 3),))
    np.testing.assert_allclose(_np(tangent), _np(want[1]), rtol=1e-6)
    np.testing.assert_allclose(_np(primal), np.sin(X), rtol=1e-6)


def test_decompositions_reconstruct_their_input():
    q, r = ops.qr(X)
    np.testing.assert_allclose(_np(q @ r), X, atol=1e-5)
    u, s, vh = ops.svd(X, full_matrices=False)
    np.testing.assert_allclose(_np(u * s @ vh), X, atol=1e-5)
    w, v = ops.eig(SQ)
    np.testing.assert_allclose(
        _np(v @ torch.diag(w) @ torch.linalg.inv(v)).real, SQ, atol=1e-4
    )
    lu, pivots = ops.lu_factor(SQ)
    want_lu, want_pivots = torch.linalg.lu_factor(torch.tensor(SQ))
    np.testing.assert_allclose(_np(lu), _np(want_lu))
    assert pivots.tolist() == (want_pivots - 1).tolist()


def test_argpartition_partitions(keras):
    x = np.array([[5, 1, 4, 2, 3], [0, 9, 8, 7, 6]], "int32")
    for kth in (0, 2, 4):
        idx = _np(ops.argpartition(x, kth, axis=1))
        values = np.take_along_axis(x, idx, axis=1)
        kept = np.sort(x, axis=1)[:, kth]
        assert (values[:, kth] == kept).all()
        assert (values[:, :kth] <= kept[:, None]).all()
        assert (values[:, kth + 1 :] >= kept[:, None]).all()
        assert idx.dtype == _np(keras.ops.argpartition(x, kth, axis=1)).dtype


def test_creation_helpers():
    assert ops.empty((2, 3)).shape == (2, 3) and ops.empty(2).dtype == torch.float32
    assert ops.empty_like(X, dtype="int32").dtype == torch.int32
    z = ops.view_as_complex(np.array([[1.0, 2.0]], "float32"))
    assert z.dtype == torch.complex64 and complex(z[0]) == 1 + 2j
    with pytest.raises(ValueError, match="last axis of size 2"):
        ops.view_as_complex(X)


def test_elastic_transform_is_seeded_and_displaces():
    image = torch.rand(1, 16, 16, 1)
    a = ops.image.elastic_transform(image, alpha=5.0, sigma=2.0, seed=3)
    b = ops.image.elastic_transform(image, alpha=5.0, sigma=2.0, seed=3)
    c = ops.image.elastic_transform(image, alpha=5.0, sigma=2.0, seed=4)
    torch.testing.assert_close(a, b)
    assert not torch.allclose(a, c)
    assert a.shape == image.shape and float(a.min()) >= 0.0 and float(a.max()) <= 1.0
    same = ops.image.elastic_transform(image, alpha=0.0, sigma=2.0, seed=3)
    torch.testing.assert_close(same, image)


def test_clear_errors():
    with pytest.raises(ValueError, match="`strategy` must be 'greedy'"):
        ops.ctc_decode(np.ones((1, 2, 3), "float32"), np.array([2]), strategy="x")
    with pytest.raises(ValueError, match="must be a multiple of the kernel's input"):
        ops.conv(np.ones((1, 4, 4, 3), "float32"), np.ones((2, 2, 2, 1), "float32"))
    with pytest.raises(ValueError, match="`padding` must be 'valid' or 'same'"):
        ops.conv(np.ones((1, 4, 3), "float32"), np.ones((2, 3, 1), "float32"), 1, "x")
    with pytest.raises(ValueError, match="needs square matrices"):
        ops.det(X)
    with pytest.raises(ValueError, match="needs images of rank 3"):
        ops.image.resize(np.ones((4, 4), "float32"), (2, 2))
    with pytest.raises(ValueError, match="left side names 2 axes"):
        ops.rearrange(np.ones((2, 3, 4)), "a b -> b a")
    with pytest.raises(ValueError, match="one id per row"):
        ops.segment_sum(X, np.array([0, 1]))
    with pytest.raises(TypeError, match="`f` must be callable"):
        ops.scan(3, 0.0, length=2)
    with pytest.raises(ValueError, match="Give exactly two of"):
        ops.image.crop_images(np.ones((4, 4, 1)), top_cropping=1)
