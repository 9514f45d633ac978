"""StringLookup, IntegerLookup, TextVectorization and CategoryEncoding.

Keras runs the lookup layers only with TensorFlow, which is not installed, so
these tests assert hand computations following Keras 3's documented rules
(index layout, frequency ranking with ties by token descending, IDF formula).
CategoryEncoding is compared with Keras directly.
"""

import math

import numpy as np
import pytest
import torch

import lamina
from lamina import layers

VOCAB = ["a", "b", "c", "d"]


def _np(x):
    return x.detach().cpu().numpy() if isinstance(x, torch.Tensor) else np.asarray(x)


# -- StringLookup ------------------------------------------------------------------
def test_string_lookup_int_mode_and_oov():
    layer = layers.StringLookup(vocabulary=VOCAB)
    out = layer(np.array([["a", "c", "d"], ["d", "z", "b"]]))
    assert out.dtype == torch.int64
    assert _np(out).tolist() == [[1, 3, 4], [4, 0, 2]]
    assert layer.get_vocabulary() == ["[UNK]", "a", "b", "c", "d"]
    assert layer.vocabulary_size() == 5


def test_string_lookup_mask_token_and_bytes():
    layer = layers.StringLookup(vocabulary=VOCAB, mask_token="")
    out = layer([[b"a", b"c", b"d"], [b"d", b"", b"b"]])
    assert _np(out).tolist() == [[2, 4, 5], [5, 0, 3]]
    assert layer.get_vocabulary() == ["", "[UNK]", "a", "b", "c", "d"]
    assert layer.get_vocabulary(include_special_tokens=False) == VOCAB


def test_string_lookup_adapt_ranks_by_count_then_token_descending():
    layer = layers.StringLookup()
    layer.adapt([["a", "c", "d"], ["d", "z", "b"]])
    assert layer.get_vocabulary() == ["[UNK]", "d", "z", "c", "b", "a"]
    capped = layers.StringLookup(max_tokens=3)
    capped.adapt(np.array(["x", "y", "y", "z", "z", "z"]))
    assert capped.get_vocabulary() == ["[UNK]", "z", "y"]


def test_string_lookup_encoded_modes():
    data = np.array([["a", "c", "d", "d"], ["d", "z", "b", "z"]])
    multi = layers.StringLookup(vocabulary=VOCAB, output_mode="multi_hot")
    assert _np(multi(data)).tolist() == [[0, 1, 0, 1, 1], [1, 0, 1, 0, 1]]
    count = layers.StringLookup(vocabulary=VOCAB, output_mode="count")
    assert _np(count(data)).tolist() == [[0, 1, 0, 1, 2], [2, 0, 1, 0, 1]]
    one = layers.StringLookup(vocabulary=VOCAB, output_mode="one_hot")
    assert _np(one(np.array(["a", "z"]))).tolist() == [[0, 1, 0, 0, 0], [1, 0, 0, 0, 0]]
    tfidf = layers.StringLookup(
        vocabulary=VOCAB, idf_weights=[0.25, 0.75, 0.6, 0.4], output_mode="tf_idf"
    )
    np.testing.assert_allclose(
        _np(tfidf(data)), [[0, 0.25, 0, 0.6, 0.8], [1.0, 0, 0.75, 0, 0.4]], rtol=1e-6
    )


def test_string_lookup_tf_idf_adapt_uses_keras_formula():
    layer = layers.StringLookup(output_mode="tf_idf")
    layer.adapt([["a", "a", "b"], ["b", "c", "c"]])  # 2 documents
    vocab = layer.get_vocabulary()  # [UNK], c, b, a  (b: 2 docs)
    idf = {t: math.log(1 + 2 / (1 + n)) for t, n in {"a": 1, "b": 2, "c": 1}.items()}
    out = _np(layer(np.array([["a", "a", "b"]])))[0]
    assert vocab == ["[UNK]", "c", "b", "a"]
    np.testing.assert_allclose(out[1:], [0, idf["b"], 2 * idf["a"]], rtol=1e-6)


def test_string_lookup_hashed_oov_buckets():
    from lamina.layers.preprocessing._hashes import fingerprint64

    layer = layers.StringLookup(vocabulary=VOCAB, num_oov_indices=3)
    out = _np(layer(np.array(["a", "zz", "qq"]))).tolist()
    want = [fingerprint64(t.encode()) % 3 for t in ("zz", "qq")]
    assert out == [3, *want]
    assert layer.get_vocabulary()[:4] == ["[UNK]", "[UNK]", "[UNK]", "a"]


def test_string_lookup_invert():
    layer = layers.StringLookup(vocabulary=VOCAB, invert=True)
    out = layer(np.array([[1, 3, 4], [4, 0, 2]]))
    assert out.tolist() == [["a", "c", "d"], ["d", "[UNK]", "b"]]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"vocabulary": ["a", "a"]}, "repeated term.*'a'"),
        ({"vocabulary": ["a", ""], "mask_token": ""}, "reserved mask token"),
        ({"vocabulary": ["a"], "idf_weights": [1.0]}, "`idf_weights` should only"),
        ({"output_mode": "tf_idf", "vocabulary": ["a"]}, "`idf_weights` must be set"),
        ({"max_tokens": 2, "vocabulary": ["a", "b"]}, "larger than the maximum"),
        ({"invert": True, "output_mode": "count"}, "must be `'int'` when `invert`"),
        ({"sparse": True}, "sparse outputs are not supported"),
    ],
)
def test_string_lookup_argument_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        layers.StringLookup(**kwargs)


def test_string_lookup_runtime_errors():
    strict = layers.StringLookup(vocabulary=VOCAB, num_oov_indices=0)
    with pytest.raises(ValueError, match=r"found OOV values \['z'\]"):
        strict(np.array(["a", "z"]))
    with pytest.raises(RuntimeError, match="you must set the layer's vocabulary"):
        layers.StringLookup(output_mode="multi_hot")(np.array([["a"]]))
    fixed = layers.StringLookup(vocabulary=VOCAB)
    with pytest.raises(ValueError, match="Cannot adapt layer"):
        fixed.adapt(["a"])


def test_string_lookup_vocabulary_file_and_config(tmp_path):
    path = tmp_path / "vocab.txt"
    path.write_text("a\nb\nc\n", encoding="utf-8")
    layer = layers.StringLookup(vocabulary=str(path))
    assert _np(layer(np.array(["c", "q"]))).tolist() == [3, 0]
    clone = layers.StringLookup.from_config(
        layers.StringLookup(vocabulary=VOCAB, mask_token="").get_config()
    )
    assert clone.get_vocabulary() == ["", "[UNK]", *VOCAB]


# -- IntegerLookup -----------------------------------------------------------------
def test_integer_lookup_runs_on_tensors():
    layer = layers.IntegerLookup(vocabulary=[12, 36, 1138, 42])
    x = torch.tensor([[12, 1138, 42], [42, 1000, 36]])
    assert _np(layer(x)).tolist() == [[1, 3, 4], [4, 0, 2]]
    assert layer.get_vocabulary() == [-1, 12, 36, 1138, 42]


def test_integer_lookup_adapt_mask_oov_buckets_and_invert():
    layer = layers.IntegerLookup()
    layer.adapt(np.array([[12, 1138, 42], [42, 1000, 36]]))
    assert layer.get_vocabulary() == [-1, 42, 1138, 1000, 36, 12]
    buckets = layers.IntegerLookup(vocabulary=[12, 36], num_oov_indices=2, mask_token=0)
    # mask -> 0; OOV t -> 1 + t mod 2; vocabulary from 3.
    assert _np(buckets(np.array([[12, 0, 7, 8, 36]]))).tolist() == [[3, 0, 2, 1, 4]]
    inv = layers.IntegerLookup(vocabulary=[12, 36, 1138], invert=True)
    assert _np(inv(np.array([[1, 3], [0, 9]]))).tolist() == [[12, 1138], [-1, -1]]
    multi = layers.IntegerLookup(vocabulary=[12, 36], output_mode="multi_hot")
    assert _np(multi(np.array([[36, 5]]))).tolist() == [[1, 0, 1]]


def test_integer_lookup_in_a_model_and_errors():
    inputs = lamina.Input((3,), dtype="int64")
    ids = layers.IntegerLookup(vocabulary=[5, 6, 7])(inputs)
    out = layers.Embedding(4, 2)(ids)
    model = lamina.Model(inputs, out)
    assert tuple(model(np.array([[5, 9, 7]])).shape) == (1, 3, 2)
    strict = layers.IntegerLookup(vocabulary=[5], num_oov_indices=0)
    with pytest.raises(ValueError, match=r"found OOV values \[3\]"):
        strict(np.array([5, 3]))


# -- TextVectorization ---------------------------------------------------------------
def test_text_vectorization_int_mode():
    layer = layers.TextVectorization(output_sequence_length=4)
    layer.adapt(["foo", "bar", "baz", "bar"])
    assert layer.get_vocabulary() == ["", "[UNK]", "bar", "foo", "baz"]
    out = layer(["Foo qux, BAR!", "qux baz foo bar baz"])
    assert out.dtype == torch.int64
    assert _np(out).tolist() == [[3, 1, 2, 0], [1, 4, 3, 2]]
    ragged = layers.TextVectorization(vocabulary=["a", "b"])
    assert _np(ragged(np.array([["a b a"], ["b"]]))).tolist() == [[2, 3, 2], [3, 0, 0]]


def test_text_vectorization_standardize_split_and_ngrams():
    layer = layers.TextVectorization(
        standardize="lower", split="character", vocabulary=["a", "b", "!"]
    )
    assert _np(layer(["Ab!c"])).tolist() == [[2, 3, 4, 1]]
    grams = layers.TextVectorization(ngrams=2, output_mode="multi_hot")
    grams.adapt(["the cat sat", "the dog"])
    vocab = grams.get_vocabulary()
    assert vocab[:2] == ["[UNK]", "the"] and "the cat" in vocab and "cat sat" in vocab
    out = _np(grams(["the cat"]))[0]
    assert {vocab[i] for i in np.flatnonzero(out)} == {"the", "cat", "the cat"}
    custom = layers.TextVectorization(
        standardize=lambda t: np.char.upper(t), vocabulary=["A"], split=None
    )
    assert _np(custom(["a", "b"])).tolist() == [[2], [1]]


def test_text_vectorization_count_and_tf_idf():
    count = layers.TextVectorization(output_mode="count", vocabulary=["a", "b"])
    assert _np(count(["a b a c", ""])).tolist() == [[1, 2, 1], [0, 0, 0]]
    tfidf = layers.TextVectorization(output_mode="tf_idf")
    tfidf.adapt(["a a b", "b c"])
    vocab = tfidf.get_vocabulary()
    out = _np(tfidf(["a a"]))[0]
    np.testing.assert_allclose(out[vocab.index("a")], 2 * math.log(1 + 2 / 2))


def test_text_vectorization_config_and_errors():
    layer = layers.TextVectorization(
        max_tokens=10, ngrams=(1, 2), vocabulary=["x"], output_sequence_length=3
    )
    clone = layers.TextVectorization.from_config(layer.get_config())
    assert _np(clone(["x y"])).tolist() == _np(layer(["x y"])).tolist() == [[2, 1, 1]]
    with pytest.raises(ValueError, match="`output_sequence_length` must be an integer"):
        layers.TextVectorization(output_mode="count", output_sequence_length=3)
    with pytest.raises(ValueError, match="`ngrams` must be None"):
        layers.TextVectorization(ngrams="2")
    with pytest.raises(ValueError, match="last shape dimension must be 1"):
        layers.TextVectorization(vocabulary=["a"])(np.array([["a", "b"]]))


# -- CategoryEncoding ----------------------------------------------------------------
@pytest.mark.parametrize("mode", ["multi_hot", "one_hot", "count"])
@pytest.mark.parametrize("shape", [(4,), (3, 1), (3, 4)])
def test_category_encoding_matches_keras(keras, mode, shape):
    x = np.random.default_rng(0).integers(0, 5, size=shape)
    k = keras.layers.CategoryEncoding(5, output_mode=mode)(x)
    out = layers.CategoryEncoding(5, output_mode=mode)(x)
    np.testing.assert_array_equal(_np(out), _np(k))


def test_category_encoding_count_weights_and_errors(keras):
    x = np.array([[0, 1, 1], [2, 2, 3]])
    w = np.array([[0.5, 1.0, 2.0], [1.0, 1.0, 0.1]], "float32")
    k = keras.layers.CategoryEncoding(4, output_mode="count")(x, count_weights=w)
    out = layers.CategoryEncoding(4, output_mode="count")(x, count_weights=w)
    np.testing.assert_allclose(_np(out), _np(k), rtol=1e-6)
    with pytest.raises(ValueError, match="num_tokens must be set"):
        layers.CategoryEncoding()
    with pytest.raises(ValueError, match="Unknown arg for output_mode"):
        layers.CategoryEncoding(3, output_mode="int")
    with pytest.raises(ValueError, match="`count_weights` is not used"):
        layers.CategoryEncoding(3)(x, count_weights=w)


# -- Discretization ------------------------------------------------------------------
@pytest.mark.parametrize(("num_bins", "epsilon"), [(4, 0.01), (7, 0.1), (3, 0.5)])
def test_discretization_adapt_matches_keras_boundaries(keras, num_bins, epsilon):
    rng = np.random.default_rng(0)
    batches = [rng.normal(size=(50, 2)) for _ in range(4)]
    k = keras.layers.Discretization(num_bins=num_bins, epsilon=epsilon)
    k.reset_state()  # Keras's adapt() needs TensorFlow; its state methods do not
    for batch in batches:
        k.update_state(batch)
    k.finalize_state()
    layer = layers.Discretization(num_bins=num_bins, epsilon=epsilon)
    layer.adapt(iter(batches))
    np.testing.assert_allclose(layer.bin_boundaries, k.bin_boundaries, rtol=1e-6)
    whole = np.concatenate(batches)
    k.reset_state()
    k.update_state(whole)
    k.finalize_state()
    one = layers.Discretization(num_bins=num_bins, epsilon=epsilon)
    one.adapt(whole)
    np.testing.assert_allclose(one.bin_boundaries, k.bin_boundaries, rtol=1e-6)


@pytest.mark.parametrize("mode", ["int", "one_hot", "multi_hot", "count"])
def test_discretization_outputs_match_keras(keras, mode):
    x = np.random.default_rng(1).normal(size=(5, 3)).astype("float32")
    kw = {"bin_boundaries": [-0.5, 0.0, 0.7], "output_mode": mode}
    k = keras.layers.Discretization(**kw)(x)
    out = layers.Discretization(**kw)(x)
    assert out.dtype == k.dtype
    np.testing.assert_array_equal(_np(out), _np(k))


def test_discretization_errors_and_config():
    with pytest.raises(ValueError, match="either `num_bins` or `bin_boundaries`"):
        layers.Discretization()
    with pytest.raises(ValueError, match="Both `num_bins` and `bin_boundaries`"):
        layers.Discretization(bin_boundaries=[0.0], num_bins=2)
    with pytest.raises(ValueError, match="Cannot adapt a Discretization"):
        layers.Discretization(bin_boundaries=[0.0]).adapt(np.ones(3))
    with pytest.raises(ValueError, match="call `adapt"):
        layers.Discretization(num_bins=3)(np.ones((1, 2), "float32"))
    layer = layers.Discretization(num_bins=3)
    layer.adapt(np.arange(30.0))
    clone = layers.Discretization.from_config(layer.get_config())
    assert clone.bin_boundaries == layer.bin_boundaries
