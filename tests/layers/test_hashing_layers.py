"""Hashing and HashedCrossing: Keras runs them only with TensorFlow, so these
tests use Keras's documented outputs and published FarmHash/SipHash vectors."""

import numpy as np
import pytest
import torch

from lamina import layers
from lamina.layers.preprocessing._hashes import fingerprint64, siphash24

# Published FarmHash Fingerprint64 values, one per code path (0-16, 17-32,
# 33-64 and longer inputs).
FARMHASH = [
    ("", 0x9AE16A3B2F90404F),
    ("a", 0xB3454265B6DF75E3),
    ("abcdefghi", 0x332C8ED4DAE5BA42),
    ("0123456789+0123456", 0xA4ABB4E0DA2C594C),
    ("How can you write a big system without C++?  -Paul Glick", 0x5A0A6EFD52E84E2A),
    (
        "For every action there is an equal and opposite government program.",
        0x55182F8859ECA4CE,
    ),
]


def _np(x):
    return x.detach().cpu().numpy()


@pytest.mark.parametrize(("text", "want"), FARMHASH)
def test_fingerprint64_vectors(text, want):
    assert fingerprint64(text.encode()) == want


def test_siphash24_reference_vector():
    key0, key1 = 0x0706050403020100, 0x0F0E0D0C0B0A0908
    assert siphash24(key0, key1, bytes(range(15))) == 0xA129CA6149BE45E5


def test_hashing_matches_keras_documented_outputs():
    data = [["A"], ["B"], ["C"], ["D"], ["E"]]
    out = layers.Hashing(num_bins=3)(data)
    assert out.dtype == torch.int64
    assert _np(out).ravel().tolist() == [1, 0, 1, 1, 2]
    masked = layers.Hashing(num_bins=3, mask_value="")(
        [["A"], ["B"], [""], ["C"], ["D"]]
    )
    assert _np(masked).ravel().tolist() == [1, 1, 0, 2, 2]
    salted = layers.Hashing(num_bins=3, salt=[133, 137])(data)
    assert _np(salted).ravel().tolist() == [1, 2, 1, 0, 2]
    single = layers.Hashing(num_bins=3, salt=133)(data)
    assert _np(single).ravel().tolist() == [0, 0, 2, 1, 0]


def test_hashing_integers_hash_as_text_and_encodings():
    ints = layers.Hashing(num_bins=7)(torch.tensor([[12, 5]]))
    texts = layers.Hashing(num_bins=7)(np.array([["12", "5"]]))
    assert _np(ints).tolist() == _np(texts).tolist()
    multi = layers.Hashing(num_bins=3, output_mode="multi_hot")([["A", "E"]])
    assert _np(multi).tolist() == [[0.0, 1.0, 1.0]]
    one = layers.Hashing(num_bins=3, output_mode="one_hot")([["A"], ["B"]])
    assert _np(one).tolist() == [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]


def test_hashing_errors_and_config():
    with pytest.raises(ValueError, match="cannot be `None` or non-positive"):
        layers.Hashing(num_bins=0)
    with pytest.raises(ValueError, match="can only be a tuple of size 2"):
        layers.Hashing(num_bins=2, salt="x")
    with pytest.raises(ValueError, match="Invalid value for argument `output_mode`"):
        layers.Hashing(num_bins=2, output_mode="tf_idf")
    layer = layers.Hashing(num_bins=4, salt=3, mask_value="")
    clone = layers.Hashing.from_config(layer.get_config())
    assert clone.salt == [3, 3] and clone.mask_value == ""


def test_hashed_crossing_matches_keras_documented_outputs():
    feat1 = np.array(["A", "B", "A", "B", "A"])
    feat2 = np.array([101, 101, 101, 102, 102])
    assert _np(layers.HashedCrossing(num_bins=5)((feat1, feat2))).tolist() == [
        1,
        4,
        1,
        1,
        3,
    ]
    one = layers.HashedCrossing(num_bins=5, output_mode="one_hot")((feat1, feat2))
    assert _np(one).argmax(-1).tolist() == [1, 4, 1, 1, 3]
    column = layers.HashedCrossing(num_bins=5)((feat1[:, None], feat2[:, None]))
    assert tuple(column.shape) == (5, 1)


def test_hashed_crossing_errors():
    layer = layers.HashedCrossing(num_bins=5)
    with pytest.raises(ValueError, match="at least two inputs"):
        layer((np.array([1]),))
    with pytest.raises(ValueError, match="list or tuple of inputs"):
        layer(np.array([1, 2]))
    with pytest.raises(ValueError, match="equal shape"):
        layer((np.array([1, 2]), np.array([1])))
    with pytest.raises(ValueError, match=r"shape `\(\)`, `\(batch_size\)`"):
        layer((np.ones((2, 2)), np.ones((2, 2))))
