"""pad_sequences, to_categorical, normalize, pack/unpack: compared with Keras."""

import numpy as np
import pytest
import torch

import lamina
from lamina.utils import (
    normalize,
    pack_x_y_sample_weight,
    pad_sequences,
    to_categorical,
    unpack_x_y_sample_weight,
)

PAD_CASES = [
    ([[1, 2, 3], [4], []], {}),
    ([[1, 2, 3], [4]], {"maxlen": 2, "padding": "post", "truncating": "post"}),
    ([[1, 2, 3], [4]], {"maxlen": 2}),
    ([[1.5, 2.0], [3.0]], {"dtype": "float32", "value": -1.0}),
    ([np.ones((2, 3)), np.zeros((1, 3))], {"maxlen": 3, "padding": "post"}),
    ([["a", "bb"], ["c"]], {"dtype": object, "value": ""}),
    ([[1, 2, 3, 4, 5]], {"maxlen": 8, "value": 9}),
]


@pytest.mark.parametrize(("seqs", "kwargs"), PAD_CASES)
def test_pad_sequences_matches_keras(keras, seqs, kwargs):
    ours = pad_sequences(seqs, **kwargs)
    theirs = keras.utils.pad_sequences(seqs, **kwargs)
    assert ours.dtype == theirs.dtype
    assert ours.shape == theirs.shape
    assert (ours == theirs).all()


def test_pad_sequences_also_in_preprocessing_sequence():
    out = lamina.preprocessing.sequence.pad_sequences([[1, 2, 3], [4]], maxlen=2)
    assert out.tolist() == [[2, 3], [0, 4]]


def test_pad_sequences_errors():
    with pytest.raises(ValueError, match="Found non-iterable: 3"):
        pad_sequences([[1], 3])
    with pytest.raises(ValueError, match='Padding type "middle" not understood'):
        pad_sequences([[1]], padding="middle")
    with pytest.raises(ValueError, match='Truncating type "x" not understood'):
        pad_sequences([[1]], truncating="x")
    with pytest.raises(ValueError, match="is different from expected shape"):
        pad_sequences([np.ones((2, 3)), np.ones((1, 4))])
    with pytest.raises(ValueError, match="You should set `dtype=object`"):
        pad_sequences([["a"]], dtype="<U2", value=0)


CAT_CASES = [
    ([0, 2, 1], {}),
    (np.array([[1], [0]]), {}),
    (np.array([[0, 1], [2, 0]]), {"num_classes": 4}),
    (np.array([1, 0], dtype="int8"), {}),
    (3, {"num_classes": 4}),
]


@pytest.mark.parametrize(("labels", "kwargs"), CAT_CASES)
def test_to_categorical_matches_keras(keras, labels, kwargs):
    ours = to_categorical(labels, **kwargs)
    theirs = keras.utils.to_categorical(labels, **kwargs)
    assert ours.dtype == theirs.dtype == np.float64
    np.testing.assert_array_equal(ours, theirs)


def test_to_categorical_on_tensors_and_bad_labels():
    out = to_categorical(torch.tensor([1, 0]))
    assert out.dtype == torch.float32
    assert out.tolist() == [[0.0, 1.0], [1.0, 0.0]]
    with pytest.raises(ValueError, match=r"labels must lie in \[0, num_classes=2\)"):
        to_categorical([0, 3], num_classes=2)
    with pytest.raises(ValueError, match="Received label -1"):
        to_categorical([-1, 1])


@pytest.mark.parametrize(
    ("x", "kwargs"),
    [
        (np.array([[3.0, 4.0], [0.0, 0.0]]), {}),
        (np.array([[3.0, 4.0], [1.0, 0.0]], dtype="float32"), {"order": 1}),
        ([1.0, 2.0], {}),
        (torch.tensor([[3.0, 4.0]]), {}),
        (np.array([[[1.0, 2.0], [2.0, 2.0]]]), {"axis": 1}),
    ],
)
def test_normalize_matches_keras(keras, x, kwargs):
    ours = normalize(x, **kwargs)
    theirs = keras.utils.normalize(x, **kwargs)
    assert type(ours) is type(theirs)
    assert ours.dtype == theirs.dtype
    np.testing.assert_allclose(np.asarray(ours), np.asarray(theirs), rtol=1e-6)


def test_normalize_axis_0_divides_along_axis_0():
    # Keras divides by the axis-0 norms laid along the last axis (its
    # `axis or -1`); lamina divides along the axis asked for.
    out = normalize(np.array([[3.0, 4.0], [4.0, 0.0]]), axis=0)
    np.testing.assert_allclose(out, [[0.6, 1.0], [0.8, 0.0]])


@pytest.mark.parametrize(
    "data", [1, (1,), (1, 2), (1, 2, 3), [1, 2], ([1, 2],), ((1, 2), 3)]
)
def test_unpack_matches_keras(keras, data):
    assert unpack_x_y_sample_weight(data) == keras.utils.unpack_x_y_sample_weight(data)


@pytest.mark.parametrize(
    "args", [(1,), (1, 2), (1, 2, 3), ([1, 2],), ((1, 2), None, 3), (1, None)]
)
def test_pack_matches_keras(keras, args):
    assert pack_x_y_sample_weight(*args) == keras.utils.pack_x_y_sample_weight(*args)


def test_unpack_rejects_four_items():
    with pytest.raises(ValueError, match=r"`\(x, y, sample_weight\)`, found"):
        unpack_x_y_sample_weight((1, 2, 3, 4))
