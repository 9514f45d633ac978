"""The rest of keras.ops (numpy extras, linalg, signal, segment, conv, nn, image)
against Keras on its torch backend: same inputs, same values and dtypes."""

import inspect

import numpy as np
import pytest
import torch

from lamina import ops

rng = np.random.RandomState(1)
A = rng.randn(2, 3).astype("float32")
B = rng.randn(2, 3).astype("float32")
P = (np.abs(A) + 0.5).astype("float32")
V = rng.randn(5).astype("float32")
M = rng.randn(3, 4).astype("float32")
T3 = rng.randn(2, 3, 4).astype("float32")
SQ = rng.randn(3, 3).astype("float32")
SPD = (SQ @ SQ.T + 3 * np.eye(3)).astype("float32")
UPPER = np.triu(SQ + 3 * np.eye(3)).astype("float32")
I32 = np.array([[3, -1, 2], [0, 5, -4]], dtype="int32")
U8 = np.array([[3, 1, 2], [0, 5, 4]], dtype="int32")
BOOL = np.array([[True, False, True], [False, False, True]])
NANS = np.array([[1.0, np.nan, 3.0], [np.nan, np.nan, np.nan]], dtype="float32")
IMG = rng.rand(2, 6, 5, 3).astype("float32")
IMG1 = rng.rand(5, 4, 3).astype("float32")
SEQ = rng.randn(2, 7, 3).astype("float32")
VOL = rng.rand(1, 4, 4, 4, 2).astype("float32")
SIGNAL = rng.randn(2, 32).astype("float32")
_Z = torch.stft(
    torch.tensor(SIGNAL), 8, 4, 8, torch.hann_window(8), return_complex=True
)
SPECTRUM = (_Z.real.transpose(-2, -1).numpy(), _Z.imag.transpose(-2, -1).numpy())


def case(name, *args, **kwargs):
    """One parity case: `ops.<name>(*args, **kwargs)` vs `keras.ops.<name>`."""
    label = ",".join([name] + [f"{k}={v}" for k, v in kwargs.items()])
    return pytest.param(name, args, kwargs, id=label)


CASES = [
    # element-wise
    *[case(n, P) for n in ["cbrt", "deg2rad", "rad2deg", "erfc", "fabs", "i0", "sinc"]],
    *[case(n, A) for n in ["cbrt", "signbit", "fabs", "angle", "conj", "real"]],
    *[
        case(n, (A + 1j * B).astype("complex64"))
        for n in ["imag", "real", "conj", "angle"]
    ],
    *[
        case(n, I32)
        for n in ["cbrt", "fabs", "signbit", "bitwise_invert", "bitwise_not"]
    ],
    case("isneginf", np.array([-np.inf, np.inf, 1.0], "float32")),
    case("isposinf", np.array([-np.inf, np.inf, 1.0], "float32")),
    case("isreal", A),
    *[
        case(n, A, B)
        for n in ["fmax", "fmin", "fmod", "logaddexp2", "nextafter", "heaviside"]
    ],
    *[case(n, U8, 3) for n in ["bitwise_and", "bitwise_or", "bitwise_xor"]],
    *[case(n, U8, U8.T.reshape(2, 3)) for n in ["gcd", "lcm", "bitwise_and"]],
    *[case(n, U8, 1) for n in ["left_shift", "right_shift", "bitwise_left_shift"]],
    case("bitwise_right_shift", U8, U8 % 3),
    case("ldexp", A, I32),
    case("divide_no_nan", A, np.array([[1.0, 0.0, 2.0], [0.0, 1.0, 1.0]], "float32")),
    case("divide_no_nan", I32, U8),
    case("allclose", A, A + 1e-7),
    case("allclose", A, B),
    case("saturate_cast", np.array([-300.0, 3.7, 300.0], "float32"), "uint8"),
    case("saturate_cast", np.array([70000, -5], "int32"), "int16"),
    # arrays
    case("array", [[1, 2], [3, 4]]),
    case("array", A, dtype="float64"),
    case("array_split", V, 3),
    case("array_split", T3, 2, axis=2),
    case("hsplit", T3, 3),
    case("vsplit", T3, 2),
    case("dsplit", T3, [1]),
    case("dstack", [A, B]),
    case("unstack", torch.tensor(T3), axis=1),  # Keras needs a tensor here
    case("fliplr", A),
    case("flipud", T3),
    case("rot90", T3),
    case("rot90", T3, k=3, axes=(1, 2)),
    case("diagflat", A),
    case("diagflat", V, k=-1),
    case("diff", V),
    case("diff", T3, n=2, axis=1),
    case("kron", A, M),
    case("vander", V[:3]),
    case("vander", V[:3], N=4, increasing=True),
    case(
        "cross",
        rng.randn(4, 3).astype("float32"),
        rng.randn(4, 3).astype("float32"),
        axis=-1,
    ),
    case("logspace", 0.0, 2.0, 5),
    case("logspace", 0.0, 2.0, num=4, endpoint=False, base=2),
    case("geomspace", 1.0, 1000.0, 4),
    case("geomspace", -1.0, -16.0, 5),
    case("get_item", T3, 1),
    case("get_item", T3, (0, slice(1, None))),
    case("get_item", A, A > 0),
    case("view", A, "int32"),
    case("view_as_real", A.astype("complex64")),
    case("unravel_index", np.array([0, 5, 7]), (2, 4)),
    case("nonzero", I32),
    case("correlate", V, V[:3]),
    case("correlate", V, V[:3], mode="same"),
    case("correlate", V, V[:3], mode="full"),
    case("trapezoid", A),
    case("trapezoid", A, dx=0.5, axis=0),
    case("trapezoid", V, x=np.arange(5, dtype="float32") ** 2),
    *[case(n, 7) for n in ["bartlett", "blackman", "hamming", "hanning"]],
    case("kaiser", 7, 3.0),
    case("rearrange", T3, "b h w -> b (h w)"),
    case("rearrange", T3, "b (h p) w -> b h p w", p=1),
    case("rearrange", T3, "b h w -> w b h"),
    # statistics
    case("median", A),
    case("median", T3, axis=1, keepdims=True),
    case("quantile", T3, 0.3),
    case("quantile", T3, [0.25, 0.75], axis=(0, 2)),
    case("quantile", A, 0.5, axis=1, method="lower", keepdims=True),
    case("percentile", I32, 40),
    case("percentile", A, [10, 90], axis=0),
    case("average", A),
    case("average", A, axis=1, weights=np.array([1.0, 2.0, 3.0], "float32")),
    case("average", I32, axis=0),
    case("ptp", A),
    case("ptp", T3, axis=(0, 2), keepdims=True),
    *[case(n, NANS) for n in ["nansum", "nanmean", "nanmax", "nanmin", "nanprod"]],
    *[case(n, NANS, axis=1) for n in ["nansum", "nanmax", "nanmin", "nanargmax"]],
    case("nanmean", NANS[:1], axis=1, keepdims=True),
    case("nanvar", NANS[:1]),
    case("nanstd", NANS[:1], axis=1),
    case("nanargmin", NANS[:1]),
    case("nancumsum", NANS, axis=1),
    case("nancumprod", NANS),
    case("nanmedian", NANS[:1]),
    case("nanquantile", NANS[:1], 0.25),
    case("nanpercentile", NANS[:1], 75, axis=1),
    case("bincount", np.array([0, 1, 1, 3])),
    case(
        "bincount",
        np.array([0, 1, 1]),
        weights=np.array([0.5, 1, 2], "float32"),
        minlength=4,
    ),
    case("bincount", np.array([[0, 1], [2, 2]]), minlength=4),
    case("digitize", V, np.array([-1.0, 0.0, 1.0], "float32")),
    case("searchsorted", np.array([1.0, 2.0, 3.0], "float32"), V),
    case("searchsorted", np.array([1, 2, 2, 3]), np.array([2]), side="right"),
    case("histogram", V),
    case("histogram", V, bins=3, range=(-1.0, 1.0)),
    case("isin", I32, np.array([0, 5, 9])),
    case("isin", I32, np.array([0, 5, 9]), invert=True),
    case("corrcoef", M),
    case("unique", np.array([3, 1, 3, 2, 1])),
    case("unique", np.array([3, 1, 3, 2, 1]), return_counts=True, return_inverse=True),
    case("unique", np.array([[1, 2], [1, 2], [0, 1]]), axis=0),
    case("unique", np.array([3, 1, 3]), size=4, fill_value=-1),
    # linear algebra
    case("cholesky", SPD),
    case("cholesky", SPD, upper=True),
    case("cholesky_inverse", np.linalg.cholesky(SPD).astype("float32")),
    case("det", SPD),
    case("logdet", SPD),
    case("slogdet", SQ),
    case("eigh", SPD),
    case("inv", SPD),
    case("pinv", M),
    case("pinv", M, rcond=0.1),
    case("matrix_rank", M),
    case("matrix_rank", np.ones((3, 3), "float32")),
    case("solve", SPD, M),
    case("solve_triangular", UPPER, V[:3]),
    case("solve_triangular", UPPER.T, M, lower=True),
    case("lstsq", M.T, V[:4]),
    case("lstsq", M.T, M.T[:, :2], rcond=0.01),
    case("svd", M, compute_uv=False),
    case("qr", M, mode="complete"),
    # signal
    case("fft", (A, B)),
    case("fft2", (T3, T3 * 2)),
    case("ifft2", (T3, T3 * 2)),
    case("rfft", SIGNAL),
    case("rfft", SIGNAL, fft_length=16),
    case("irfft", (A, B)),
    case("irfft", (A, B), fft_length=6),
    case("extract_sequences", SIGNAL, 8, 4),
    case("stft", SIGNAL, 8, 4, 8),
    case("stft", SIGNAL, 8, 3, 16, window="hamming", center=False),
    case("stft", SIGNAL, 6, 2, 8, window=None),
    case("istft", SPECTRUM, 8, 4, 8),
    case(
        "istft",
        (np.ones((2, 9, 9), "float32"), np.zeros((2, 9, 9), "float32")),
        8,
        4,
        16,
        center=False,
    ),
    case(
        "istft",
        (np.ones((2, 9, 5), "float32"), np.zeros((2, 9, 5), "float32")),
        8,
        4,
        8,
        length=30,
    ),
    # segments
    case("segment_sum", M, np.array([0, 0, 2])),
    case("segment_sum", V, np.array([1, 0, 1, 0, 1]), num_segments=3),
    case("segment_max", M, np.array([0, 0, 2])),
    case("segment_min", V, np.array([1, 0, 1, 0, 1]), num_segments=2),
    case("segment_prod", M, np.array([0, 1, 1])),
    # nn
    case("conv", IMG, rng.randn(3, 2, 3, 4).astype("float32")),
    case("conv", IMG, rng.randn(3, 3, 3, 4).astype("float32"), 2, "same"),
    case(
        "conv", IMG, rng.randn(2, 2, 3, 4).astype("float32"), 1, "same", dilation_rate=2
    ),
    case("conv", IMG, rng.randn(1, 1, 1, 3).astype("float32"), strides=(2, 1)),
    case("conv", SEQ, rng.randn(3, 3, 5).astype("float32"), 2, "same"),
    case("conv", VOL, rng.randn(2, 2, 2, 2, 3).astype("float32")),
    case(
        "conv",
        IMG.transpose(0, 3, 1, 2),
        rng.randn(2, 2, 3, 2).astype("float32"),
        data_format="channels_first",
    ),
    case("depthwise_conv", IMG, rng.randn(3, 3, 3, 2).astype("float32")),
    case("depthwise_conv", IMG, rng.randn(3, 3, 3, 1).astype("float32"), 2, "same"),
    case(
        "separable_conv",
        IMG,
        rng.randn(3, 3, 3, 2).astype("float32"),
        rng.randn(1, 1, 6, 4).astype("float32"),
        1,
        "same",
    ),
    case("conv_transpose", IMG, rng.randn(3, 3, 4, 3).astype("float32")),
    case("conv_transpose", IMG, rng.randn(3, 3, 4, 3).astype("float32"), 2, "same"),
    case("conv_transpose", IMG, rng.randn(2, 2, 4, 3).astype("float32"), 2, "valid"),
    case(
        "conv_transpose",
        IMG,
        rng.randn(3, 3, 4, 3).astype("float32"),
        2,
        "same",
        output_padding=1,
    ),
    case("conv_transpose", SEQ, rng.randn(4, 2, 3).astype("float32"), 3, "same"),
    case("adaptive_average_pool", IMG, (2, 3)),
    case("adaptive_max_pool", IMG, 2),
    case("adaptive_average_pool", SEQ, 3),
    case("depth_to_space", rng.rand(1, 2, 3, 8).astype("float32"), 2),
    case(
        "depth_to_space",
        rng.rand(1, 8, 2, 3).astype("float32"),
        2,
        data_format="channels_first",
    ),
    case("space_to_depth", rng.rand(1, 4, 6, 2).astype("float32"), 2),
    case(
        "space_to_depth",
        rng.rand(1, 2, 4, 6).astype("float32"),
        2,
        data_format="channels_first",
    ),
    case("unfold", torch.tensor(IMG).permute(0, 3, 1, 2), 2),
    case("unfold", torch.tensor(IMG).permute(0, 3, 1, 2), (2, 3), stride=2, padding=1),
    case("fold", torch.rand(2, 12, 20), (5, 6), 2),
    case("batch_normalization", T3, V[:4], P[0].repeat(2)[:4] ** 2, axis=-1),
    case("batch_normalization", T3, V[:3], P[1], axis=1, offset=V[:3], scale=V[1:4]),
    case("layer_normalization", T3),
    case("layer_normalization", T3, gamma=V[:4], beta=V[1:], epsilon=1e-5),
    case("layer_normalization", T3, axis=(1, 2)),
    case("layer_normalization", T3, gamma=M, axis=(1, 2)),
    case("rms_normalization", T3),
    case("rms_normalization", T3, scale=V[:4], axis=-1, epsilon=1e-6),
    case("polar", P, A),
    case("psnr", IMG, IMG * 0.9, 1.0),
    case("in_top_k", np.array([0, 2]), A, 2),
    case("cdist", M, M[:2]),
    case("multi_hot", np.array([[0, 2], [1, 1]]), 4),
    case("multi_hot", np.array([0, 3]), 5, dtype="int32"),
    case(
        "dot_product_attention",
        rng.randn(2, 4, 2, 8).astype("float32"),
        rng.randn(2, 5, 2, 8).astype("float32"),
        rng.randn(2, 5, 2, 8).astype("float32"),
    ),
    case(
        "dot_product_attention",
        rng.randn(2, 4, 2, 8).astype("float32"),
        rng.randn(2, 4, 1, 8).astype("float32"),
        rng.randn(2, 4, 1, 8).astype("float32"),
        is_causal=True,
        scale=0.3,
    ),
    case(
        "dot_product_attention",
        rng.randn(1, 3, 2, 4).astype("float32"),
        rng.randn(1, 3, 2, 4).astype("float32"),
        rng.randn(1, 3, 2, 4).astype("float32"),
        mask=np.array([[True, False, True]] * 3),
    ),
    case(
        "dot_product_attention",
        rng.randn(1, 3, 2, 4).astype("float32"),
        rng.randn(1, 3, 2, 4).astype("float32"),
        rng.randn(1, 3, 2, 4).astype("float32"),
        bias=rng.randn(1, 2, 3, 3).astype("float32"),
    ),
    case(
        "ctc_loss",
        np.array([[1, 2, 0], [2, 0, 0]]),
        rng.randn(2, 6, 4).astype("float32"),
        np.array([2, 1]),
        np.array([6, 5]),
    ),
    case("ctc_decode", rng.randn(2, 6, 4).astype("float32"), np.array([6, 4])),
    case(
        "ctc_decode",
        rng.randn(2, 6, 4).astype("float32"),
        np.array([6, 6]),
        merge_repeated=False,
        mask_index=3,
    ),
]

CTC_LOGITS = (rng.randn(2, 5, 4) * 2).astype("float32")
CASES += [
    case(
        "ctc_decode",
        CTC_LOGITS,
        np.array([5, 4]),
        strategy="beam_search",
        beam_width=50,
        top_paths=2,
    ),
    case(
        "ctc_decode",
        CTC_LOGITS,
        np.array([5, 5]),
        strategy="beam_search",
        beam_width=3,
        mask_index=3,
    ),
]

IMAGE_CASES = [
    case("resize", IMG, (3, 4)),
    case("resize", IMG, (9, 7), interpolation="nearest"),
    case("resize", IMG, (4, 4), interpolation="bicubic"),
    case("resize", IMG, (3, 2), antialias=True),
    case("resize", IMG1, (4, 6), crop_to_aspect_ratio=True),
    case("resize", IMG1, (4, 6), pad_to_aspect_ratio=True, fill_value=0.5),
    case("resize", IMG.transpose(0, 3, 1, 2), (3, 3), data_format="channels_first"),
    case("rgb_to_grayscale", IMG),
    case("rgb_to_grayscale", IMG1.transpose(2, 0, 1), data_format="channels_first"),
    case("rgb_to_hsv", IMG),
    case("hsv_to_rgb", IMG),
    case("crop_images", IMG, 1, 2, target_height=3, target_width=2),
    case(
        "crop_images",
        IMG1,
        bottom_cropping=1,
        right_cropping=1,
        target_height=2,
        target_width=2,
    ),
    case("pad_images", IMG, 1, 2, target_height=9, target_width=8),
    case(
        "pad_images",
        IMG1,
        bottom_padding=1,
        right_padding=2,
        top_padding=0,
        left_padding=3,
    ),
    case("extract_patches", IMG, 2),
    case("extract_patches", IMG, (2, 3), strides=1, padding="same"),
    case("extract_patches", IMG1, 2, strides=(1, 2), dilation_rate=1),
    case("extract_patches_3d", VOL, 2),
    # Keras reads data_format=None as channels-first here, so it is explicit.
    case("gaussian_blur", IMG, data_format="channels_last"),
    case("gaussian_blur", IMG, (5, 5), (2.0, 2.0), "channels_last"),
    case("sobel_edges", IMG),
    case(
        "ssim",
        rng.rand(2, 16, 16, 3).astype("float32"),
        rng.rand(2, 16, 16, 3).astype("float32"),
    ),
    case(
        "ssim",
        rng.rand(12, 12, 1).astype("float32"),
        rng.rand(12, 12, 1).astype("float32"),
        max_val=2.0,
        filter_size=5,
    ),
    case("map_coordinates", SQ, np.array([[0.5, 1.2, -0.4], [0.1, 2.7, 1.0]]), 1),
    *[
        case(
            "map_coordinates",
            SQ,
            np.array([[-1.5, 3.2, 4.0], [0.1, -2.7, 5.5]]),
            o,
            fill_mode=m,
            fill_value=-1.0,
        )
        for o in (0, 1)
        for m in ("constant", "nearest", "wrap", "mirror", "reflect")
    ],
    case(
        "affine_transform",
        IMG1,
        np.array([1.0, 0.2, -0.5, 0.1, 0.9, 0.3, 0.0, 0.0], "float32"),
    ),
    case(
        "affine_transform",
        IMG,
        np.array([[0.8, 0.0, 1.0, 0.0, 1.1, -1.0, 0.0, 0.0]] * 2, "float32"),
        interpolation="nearest",
        fill_mode="reflect",
    ),
    case(
        "perspective_transform",
        IMG,
        np.array([[0, 0], [4, 0], [0, 5], [4, 5]], "float32"),
        np.array([[0.5, 0], [4, 0.5], [0, 5], [3.5, 4.5]], "float32"),
    ),
    case(
        "scale_and_translate",
        IMG,
        (2, 4, 3, 3),
        np.array([0.6, 0.7], "float32"),
        np.array([0.1, -0.2], "float32"),
        (1, 2),
        "linear",
    ),
    case(
        "scale_and_translate",
        IMG,
        (2, 9, 8, 3),
        np.array([1.5, 1.6], "float32"),
        np.array([0.0, 0.5], "float32"),
        (1, 2),
        "cubic",
        antialias=False,
    ),
    case(
        "scale_and_translate",
        IMG,
        (2, 3, 5, 3),
        np.array([0.5, 1.0], "float32"),
        np.array([0.0, 0.0], "float32"),
        (1, 2),
        "lanczos3",
    ),
]


def _flatten(out):
    """A result as a flat list of numpy arrays (tuples and lists unpacked)."""
    if isinstance(out, (tuple, list)):
        return [a for item in out for a in _flatten(item)]
    if isinstance(out, torch.Tensor):
        return [out.detach().cpu().resolve_conj().numpy()]
    return [np.asarray(out)]


def _compare(got, expected, name):
    assert len(got) == len(expected), name
    for g, e in zip(got, expected, strict=True):
        assert g.shape == e.shape, f"{name}: shape {g.shape} != keras {e.shape}"
        assert g.dtype == e.dtype, f"{name}: dtype {g.dtype} != keras {e.dtype}"
        np.testing.assert_allclose(g, e, rtol=1e-4, atol=1e-5, err_msg=name)


@pytest.mark.parametrize(("name", "args", "kwargs"), CASES)
def test_matches_keras(keras, name, args, kwargs):
    expected = _flatten(getattr(keras.ops, name)(*args, **kwargs))
    got = _flatten(getattr(ops, name)(*args, **kwargs))
    _compare(got, expected, name)


@pytest.mark.parametrize(("name", "args", "kwargs"), IMAGE_CASES)
def test_image_matches_keras(keras, name, args, kwargs):
    expected = _flatten(getattr(keras.ops.image, name)(*args, **kwargs))
    got = _flatten(getattr(ops.image, name)(*args, **kwargs))
    _compare(got, expected, name)


def test_every_keras_ops_name_exists(keras):
    for space in ["", "nn", "image", "linalg", "numpy"]:
        theirs = getattr(keras.ops, space) if space else keras.ops
        ours = getattr(ops, space) if space else ops
        names = {
            n
            for n in dir(theirs)
            if not n.startswith("_") and not inspect.ismodule(getattr(theirs, n))
        }
        missing = sorted(n for n in names if not hasattr(ours, n))
        assert not missing, f"ops.{space}: {missing}"


@pytest.mark.parametrize("space", ["nn", "image", "linalg", "numpy"])
def test_signatures_match_keras(keras, space):
    """Every function has Keras's argument names and defaults."""
    theirs, ours = getattr(keras.ops, space), getattr(ops, space)
    mismatched = {}
    for name in ours.__all__:
        want = inspect.signature(getattr(theirs, name)).parameters
        have = inspect.signature(getattr(ours, name)).parameters
        mine = [(p.name, p.default, p.kind) for p in have.values()]
        expected = [(p.name, p.default, p.kind) for p in want.values()]
        if mine != expected:
            mismatched[name] = (mine, expected)
    assert not mismatched


def test_affine_transform_divides_by_the_projective_term():
    # Keras's torch backend mixes c0/c1 into the channel coordinate; lamina
    # follows the documented rule: sample at ((a0 x + a1 y + a2) / k, ...)
    # with k = c0 x + c1 y + 1.
    image = np.arange(8 * 8, dtype="float32").reshape(8, 8, 1)
    transform = np.array([2.0, 0.0, 0.0, 0.0, 2.0, 0.0, 0.25, 0.0], "float32")
    out = ops.image.affine_transform(image, transform, interpolation="nearest")
    for y, x in [(2, 3), (4, 1), (0, 0)]:
        k = 0.25 * x + 1.0
        src_y, src_x = round(2 * y / k), round(2 * x / k)
        assert out[y, x, 0] == image[src_y, src_x, 0]
