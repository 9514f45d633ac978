"""lamina.ops against keras.ops: values, dtypes and signatures."""

import inspect

import numpy as np
import pytest
import torch

from lamina import ops

rng = np.random.RandomState(0)
A = rng.randn(2, 3).astype("float32")
B = rng.randn(2, 3).astype("float32")
P = (np.abs(A) + 0.5).astype("float32")  # positive
U = rng.uniform(-0.9, 0.9, (2, 3)).astype("float32")  # inside (-1, 1)
V = rng.randn(3).astype("float32")
M = rng.randn(3, 4).astype("float32")
T3 = rng.randn(2, 3, 4).astype("float32")
I32 = np.array([[3, -1, 2], [0, 5, -4]], dtype="int32")
I64 = np.array([[3, -1, 2], [0, 5, -4]], dtype="int64")
BOOL = np.array([[True, False, True], [False, False, True]])
D64 = rng.randn(2, 3)  # float64
PROBS = np.array([[0.2, 0.3, 0.5], [0.1, 0.8, 0.1]], dtype="float32")
ONEHOT = np.array([[0.0, 0.0, 1.0], [0.0, 1.0, 0.0]], dtype="float32")

UNARY_FLOAT = [
    "sqrt", "rsqrt", "exp", "expm1", "log", "log1p", "log2", "log10", "sin",
    "cos", "tan", "tanh", "sinh", "cosh", "arctan", "erf", "floor", "ceil",
    "reciprocal", "exp2", "arcsinh",
]  # fmt: skip
UNIT_INTERVAL = ["arcsin", "arccos", "arctanh", "erfinv"]
KEEP_DTYPE = ["negative", "abs", "absolute", "sign", "square", "trunc", "relu"]
BINARY = [
    "add", "subtract", "multiply", "divide", "true_divide", "floor_divide",
    "maximum", "minimum", "logaddexp", "arctan2", "hypot", "equal", "not_equal",
    "greater", "greater_equal", "less", "less_equal",
]  # fmt: skip
LOGICAL = ["logical_and", "logical_or", "logical_xor"]
ACTIVATIONS = [
    "relu6", "sigmoid", "softmax", "log_softmax", "gelu", "silu", "swish", "elu",
    "selu", "leaky_relu", "softplus", "softsign", "hard_sigmoid", "hard_silu",
    "log_sigmoid", "celu", "glu", "hard_tanh", "hard_shrink",
    "soft_shrink", "tanh_shrink", "squareplus", "sparse_plus", "sparse_sigmoid",
]  # fmt: skip
REDUCTIONS = ["sum", "mean", "max", "min", "amax", "amin", "std", "var", "logsumexp"]
REDUCE_KW = [{}, {"axis": 1}, {"axis": 0, "keepdims": True}, {"axis": (0, 1)}]


def case(name, *args, **kwargs):
    """One parity case: `ops.<name>(*args, **kwargs)` vs `keras.ops.<name>`."""
    label = ",".join([name] + [f"{k}={v}" for k, v in kwargs.items()])
    return pytest.param(name, args, kwargs, id=label)


CASES = []
CASES += [case(n, P) for n in UNARY_FLOAT]
CASES += [case(n, np.array([1, 4], dtype="int32")) for n in ["sqrt", "exp", "floor"]]
CASES += [case(n, U) for n in UNIT_INTERVAL]
CASES += [case(n, x) for n in KEEP_DTYPE for x in (A, I32)]
CASES += [case(n, A, B) for n in BINARY]
CASES += [case(n, A, 1.5) for n in ["add", "multiply", "maximum", "greater", "power"]]
CASES += [case(n, I32, 2) for n in ["add", "multiply", "divide", "floor_divide", "mod"]]
CASES += [
    case("mod", A, 0.7),
    case("power", P, B),
    case("add", I32, 1.5),
    case("add", I32, I64),
    case("add", I32, A),
    case("add", D64, A),
    case("add", A.astype("float16"), 1.0),
    case("multiply", 2.0, A),
    case("subtract", 3, I32),
    case("round", np.array([0.5, 1.5, 2.5, -0.5, 1.26], dtype="float32")),
    case("round", np.array([1.234, -5.678], dtype="float32"), decimals=1),
    case("clip", A, -0.5, 0.5),
    case("clip", I32, 0, 3),
    case("clip", BOOL, 0, 1),
    case("nan_to_num", np.array([np.nan, np.inf, -np.inf, 1.0], dtype="float32")),
    case("isnan", np.array([np.nan, np.inf, 1.0], dtype="float32")),
    case("isinf", np.array([np.nan, np.inf, 1.0], dtype="float32")),
    case("isfinite", np.array([np.nan, np.inf, 1.0], dtype="float32")),
    case("isclose", A, A + 1e-6),
    case("logical_not", BOOL),
    case("where", BOOL, A, B),
    case("where", BOOL, 1.0, I32),
    case("select", [A > 0, B > 0], [A, B], 7.0),
]
CASES += [case(n, BOOL, BOOL.T.reshape(2, 3)) for n in LOGICAL]
CASES += [case(n, A, **kw) for n in REDUCTIONS for kw in REDUCE_KW]
CASES += [case(n, x) for n in ["sum", "mean", "max", "std"] for x in (I32, BOOL[0])]
CASES += [
    case("sum", I64),
    case("sum", D64, axis=1),
    case("prod", A),
    case("prod", A, axis=(0, 1), keepdims=True),
    case("prod", A, axis=1),
    case("prod", I32, axis=0),
    case("max", A, initial=1.0),
    case("min", A, axis=1, initial=-0.1),
    case("all", BOOL, axis=1),
    case("any", BOOL),
    case("any", A > 1, axis=0, keepdims=True),
    case("all", A),
    case("argmax", A),
    case("argmax", A, axis=1),
    case("argmin", A, axis=0, keepdims=True),
    case("argmax", A, keepdims=True),
    case("cumsum", A),
    case("cumsum", A, axis=1),
    case("cumsum", I32, axis=0),
    case("cumsum", BOOL, axis=1),
    case("cumsum", A, axis=1, dtype="int32"),
    case("cumprod", A, axis=0),
    case("norm", A),
    case("norm", A, axis=1),
    case("norm", A, ord=1, axis=1, keepdims=True),
    case("norm", A, ord="fro"),
    case("norm", A, ord="nuc"),
    case("norm", V, ord=np.inf),
    case("norm", I32, axis=0),
    case("moments", T3, axes=[0, 1]),
    case("moments", T3, axes=(2,), keepdims=True),
]
CASES += [
    case("zeros", (2, 3)),
    case("ones", 3, dtype="int32"),
    case("full", (2, 2), 1.5),
    case("full", (2,), 1),
    case("full", (2,), 4, dtype="int64"),
    case("zeros_like", I32),
    case("ones_like", A, dtype="float16"),
    case("full_like", I32, 1.5),
    case("full_like", A, 2),
    case("arange", 5),
    case("arange", 1, 7, 2),
    case("arange", 0.0, 2.0, 0.5),
    case("arange", 5, dtype="float32"),
    case("linspace", 0, 1, 5),
    case("linspace", -1.0, 3.0, num=4, endpoint=False),
    case("linspace", np.array([0.0, 1.0]), np.array([1.0, 3.0]), 3),
    case("eye", 3),
    case("eye", 2, 4, k=1),
    case("eye", 3, dtype="int32"),
    case("identity", 2),
    case("tri", 3),
    case("tri", 3, 4, k=-1),
    case("triu", M),
    case("tril", M, k=1),
    case("triu", T3, -1),
]
CASES += [
    case("reshape", A, (3, 2)),
    case("reshape", A, -1),
    case("reshape", T3, (-1, 4)),
    case("transpose", A),
    case("transpose", T3, (1, 0, 2)),
    case("expand_dims", A, 0),
    case("expand_dims", A, -1),
    case("expand_dims", A, (0, 3)),
    case("squeeze", np.ones((1, 2, 1), "float32")),
    case("squeeze", np.ones((1, 2, 1), "float32"), axis=-1),
    case("concatenate", [A, B]),
    case("concatenate", [A, B], axis=1),
    case("concatenate", [A, I32], axis=-1),
    case("stack", [A, B]),
    case("stack", [A, B], axis=2),
    case("split", T3, 2, axis=2),
    case("split", T3, [1, 2], axis=1),
    case("split", V, 3),
    case("tile", A, (2, 1)),
    case("tile", V, 2),
    case("repeat", A, 2),
    case("repeat", A, 2, axis=1),
    case("broadcast_to", V, (2, 3)),
    case("flip", A),
    case("flip", T3, axis=1),
    case("flip", T3, axis=(0, 2)),
    case("roll", A, 1),
    case("roll", A, -1, axis=1),
    case("pad", A, ((1, 0), (0, 2))),
    case("pad", A, ((1, 1), (2, 2)), constant_values=3.0),
    case("pad", A, ((1, 1), (2, 2)), mode="reflect"),
    case("swapaxes", T3, 0, 2),
    case("moveaxis", T3, 0, -1),
    case("moveaxis", T3, (0, 1), (2, 0)),
    case("ravel", A),
    case("hstack", [A, B]),
    case("vstack", [V, V]),
    case("append", A, B),
    case("append", A, B, axis=0),
    case("meshgrid", V, M[0]),
    case("meshgrid", V, M[0], indexing="ij"),
]
CASES += [
    case("take", A, np.array([5, 0, 2])),
    case("take", A, np.array([[1, 0], [2, 2]]), axis=1),
    case("take", T3, np.array([1, -1]), axis=-1),
    case("take_along_axis", A, np.array([[0, 2], [1, 1]]), axis=1),
    case("take_along_axis", A, np.argsort(A, axis=0), axis=0),
    case("slice", T3, (1, 0, 2), (1, 2, 2)),
    case("slice_update", A, (0, 1), np.ones((2, 2), "float32")),
    case(
        "scatter", np.array([[0, 1], [1, 2], [0, 1]]), np.array([1.0, 2.0, 3.0]), (2, 3)
    ),
    case("scatter", np.array([[1]]), np.ones((1, 3), "float32"), (2, 3)),
    case(
        "scatter_update", A, np.array([[0, 0], [1, 2]]), np.array([9.0, 8.0], "float32")
    ),
    case("one_hot", np.array([1, -1, 2]), 3),
    case("one_hot", np.array([[0, 1]]), 3, axis=0),
    case("one_hot", np.array([0, 2]), 3, dtype="int32"),
    case("sort", A),
    case("sort", A, axis=0),
    case("argsort", A),
    case("argsort", A, axis=0),
    case("top_k", A, 2),
    case("diag", V),
    case("diag", M, k=1),
    case("diagonal", T3),
    case("diagonal", T3, offset=1, axis1=1, axis2=2),
    case("trace", M),
    case("trace", T3, axis1=1, axis2=2),
]
CASES += [
    case("matmul", A, M),
    case("matmul", T3, M.T),
    case("matmul", V, M),
    case("matmul", np.ones((2, 2), "int8"), np.ones((2, 2), "int8")),
    case("matmul", I32, M.astype("int32")),
    case("dot", A, V),
    case("dot", V, V),
    case("dot", A, M),
    case("dot", T3, np.ones((2, 4, 3), "float32")),
    case("dot", 2.0, V),
    case("tensordot", T3, M.T, axes=1),
    case("tensordot", T3, T3, axes=([0, 1], [0, 1])),
    case("tensordot", A, A),
    case("einsum", "ij,jk->ik", A, M),
    case("einsum", "bij->bji", T3),
    case("outer", V, M[0]),
    case("inner", A, B),
    case("vdot", V, V),
]
CASES += [case(n, A) for n in ACTIVATIONS if n != "glu"]
CASES += [
    case("glu", np.ones((2, 4), "float32") * M[:2]),
    case("relu", A),
    case("softmax", T3, axis=1),
    case("log_softmax", T3, axis=0),
    case("gelu", A, approximate=False),
    case("leaky_relu", A, negative_slope=0.1),
    case("elu", A, alpha=0.5),
    case("threshold", A, 0.1, -2.0),
    case("sigmoid", I32),
    case("normalize", A),
    case("normalize", A, axis=0, order=1),
    case("normalize", np.zeros((2, 2), "float32")),
    case("categorical_crossentropy", ONEHOT, PROBS),
    case("categorical_crossentropy", ONEHOT, A, from_logits=True),
    case("categorical_crossentropy", ONEHOT.T, PROBS.T, axis=0),
    case("sparse_categorical_crossentropy", np.array([2, 1]), PROBS),
    case("sparse_categorical_crossentropy", np.array([[2], [0]]), A, from_logits=True),
    case("binary_crossentropy", ONEHOT, PROBS),
    case("binary_crossentropy", ONEHOT, np.array([[0.0, 1.0, 0.5]] * 2, "float32")),
    case("binary_crossentropy", ONEHOT, A, from_logits=True),
]
IMG = rng.randn(2, 5, 5, 3).astype("float32")
SEQ = rng.randn(2, 7, 3).astype("float32")
CASES += [
    case(n, x, pool, **kw)
    for n in ["max_pool", "average_pool"]
    for x, pool in [(IMG, 2), (SEQ, 3)]
    for kw in [{}, {"strides": 2, "padding": "same"}, {"strides": 1, "padding": "same"}]
]
CASES += [case(n, IMG, (3, 2)) for n in ["max_pool", "average_pool"]]
CASES += [case("max_pool", IMG, (3, 2), 1, "same")]
CASES += [
    case("max_pool", IMG.transpose(0, 3, 1, 2), 2, data_format="channels_first"),
    case("average_pool", IMG.transpose(0, 3, 1, 2), 3, 2, "same", "channels_first"),
]
CASES += [
    case("convert_to_tensor", 1.5),
    case("convert_to_tensor", 3),
    case("convert_to_tensor", True),
    case("convert_to_tensor", [1, 2]),
    case("convert_to_tensor", [[1.0, 2], [3, 4]]),
    case("convert_to_tensor", D64),
    case("convert_to_tensor", I64),
    case("convert_to_tensor", np.float64(2.5)),
    case("convert_to_tensor", np.float32(2.5)),
    case("convert_to_tensor", np.int64(2)),
    case("convert_to_tensor", np.array([1, 2], "uint32")),
    case("convert_to_tensor", 1.7, dtype="int32"),
    case("convert_to_tensor", A, dtype="float16"),
    case("cast", np.array([1.7, -1.7], "float32"), "int32"),
    case("cast", I32, "bool"),
    case("stop_gradient", torch.tensor(A)),
    case("copy", A),
]


def _flatten(out):
    """A result as a flat list of numpy arrays (tuples and lists unpacked)."""
    if isinstance(out, (tuple, list)):
        return [a for item in out for a in _flatten(item)]
    if isinstance(out, torch.Tensor):
        return [out.detach().cpu().numpy()]
    return [np.asarray(out)]


@pytest.mark.parametrize(("name", "args", "kwargs"), CASES)
def test_matches_keras(keras, name, args, kwargs):
    expected = _flatten(getattr(keras.ops, name)(*args, **kwargs))
    got = _flatten(getattr(ops, name)(*args, **kwargs))
    assert len(got) == len(expected)
    for g, e in zip(got, expected, strict=True):
        assert g.shape == e.shape
        assert g.dtype == e.dtype, f"{name}: dtype {g.dtype} != keras {e.dtype}"
        np.testing.assert_allclose(g, e, rtol=1e-5, atol=1e-6)


def test_signatures_match_keras(keras):
    """Every public op has Keras's argument names and defaults."""
    mismatched = {}
    for name in ops.__all__:
        theirs = getattr(keras.ops, name, None)
        if theirs is None:
            continue
        ours = inspect.signature(getattr(ops, name)).parameters
        expected = inspect.signature(theirs).parameters
        mine = [(p.name, p.default, p.kind) for p in ours.values()]
        want = [(p.name, p.default, p.kind) for p in expected.values()]
        if mine != want:
            mismatched[name] = (mine, want)
    assert not mismatched


def test_covers_common_keras_ops(keras):
    for name in ["convert_to_tensor", "matmul", "einsum", "softmax", "moments", "pad"]:
        assert hasattr(keras.ops, name)
        assert name in ops.__all__
