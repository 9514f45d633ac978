"""keras.datasets loaders on small files in each format, served over loopback.

Each test writes a tiny file in the dataset's real format, serves it from a local
HTTP server (the origin folder is pointed at it, Keras's hash replaced by the
file's), and checks parsing, caching under $KERAS_HOME/datasets, and where Keras
can read the same file, Keras's own result.
"""

import gzip
import hashlib
import io
import json
import os
import pickle
import tarfile

import numpy as np
import pytest

import lamina
from lamina.datasets import (
    _common,
    boston_housing,
    california_housing,
    cifar10,
    cifar100,
    fashion_mnist,
    imdb,
    mnist,
    reuters,
)
from lamina.utils.file_utils import URLFetchError


@pytest.fixture
def served(http_server, tmp_path, monkeypatch):
    """`put(name, bytes)` serves a file under Keras's name, with its hash."""
    base, folder, requests = http_server
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    monkeypatch.setattr(_common, "ORIGIN_FOLDER", base)
    monkeypatch.setattr(_common, "CIFAR_ORIGIN_FOLDER", base)

    def put(name, data):
        (folder / name).write_bytes(data)
        if name in _common.FILE_HASHES:
            monkeypatch.setitem(
                _common.FILE_HASHES, name, hashlib.sha256(data).hexdigest()
            )
        return folder / name

    put.requests = requests
    put.cache = tmp_path / "keras_home" / "datasets"
    return put


def _npz(**arrays):
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def _ragged(seqs):
    out = np.empty(len(seqs), dtype=object)
    for i, s in enumerate(seqs):
        out[i] = [int(v) for v in s]
    return out


def _with_keras_reading(keras_module, monkeypatch, path):
    """Keras's loader, reading our local file instead of downloading."""
    monkeypatch.setattr(keras_module, "get_file", lambda *a, **k: str(path))


def _assert_same(ours, theirs):
    for a, b in zip(ours, theirs):
        for x, y in zip(a, b):
            assert type(x) is type(y) and x.dtype == y.dtype and x.shape == y.shape
            if x.dtype == object:
                assert [list(v) for v in x] == [list(v) for v in y]
            else:
                np.testing.assert_array_equal(x, y)


def test_mnist_downloads_once_and_matches_keras(keras, served, monkeypatch):
    rng = np.random.default_rng(0)
    arrays = {
        "x_train": rng.integers(0, 255, (5, 28, 28), dtype=np.uint8),
        "y_train": rng.integers(0, 9, 5, dtype=np.uint8),
        "x_test": rng.integers(0, 255, (2, 28, 28), dtype=np.uint8),
        "y_test": rng.integers(0, 9, 2, dtype=np.uint8),
    }
    path = served("mnist.npz", _npz(**arrays))
    ours = mnist.load_data()
    assert (served.cache / "mnist.npz").exists()
    mnist.load_data()
    assert served.requests == ["/mnist.npz"]  # the second call read the cache
    from keras.src.datasets import mnist as keras_mnist

    _with_keras_reading(keras_mnist, monkeypatch, path)
    _assert_same(ours, keras_mnist.load_data())
    assert lamina.datasets.mnist.load_data is mnist.load_data


def test_a_file_with_the_wrong_hash_is_rejected(served, monkeypatch):
    served("mnist.npz", _npz(x_train=np.zeros(1)))
    monkeypatch.setitem(_common.FILE_HASHES, "mnist.npz", "0" * 64)
    with pytest.raises(ValueError, match="Incomplete or corrupted file detected"):
        mnist.load_data()


def test_without_the_file_the_error_names_url_and_cache_path(served):
    with pytest.raises(URLFetchError) as err:
        boston_housing.load_data()
    message = str(err.value)
    assert f"{_common.ORIGIN_FOLDER}boston_housing.npz" in message
    assert str(served.cache / "boston_housing.npz") in message


@pytest.mark.parametrize(
    ("module", "name", "kwargs"),
    [
        ("boston_housing", "boston_housing.npz", {}),
        ("boston_housing", "boston_housing.npz", {"test_split": 0.5, "seed": 1}),
        ("california_housing", "california_housing.npz", {}),
        ("california_housing", "california_housing.npz", {"version": "small"}),
    ],
)
def test_housing_matches_keras(keras, served, monkeypatch, module, name, kwargs):
    rng = np.random.default_rng(1)
    n = 700 if module == "california_housing" else 20
    x = rng.normal(size=(n, 3))
    path = served(name, _npz(x=x, y=np.arange(n, dtype="float64")))
    ours = {"boston_housing": boston_housing, "california_housing": california_housing}
    got = ours[module].load_data(**kwargs)
    import importlib

    keras_module = importlib.import_module(f"keras.src.datasets.{module}")
    _with_keras_reading(keras_module, monkeypatch, path)
    _assert_same(got, keras_module.load_data(**kwargs))


def test_housing_argument_errors():
    with pytest.raises(ValueError, match="Invalid `test_split` argument: 1"):
        boston_housing.load_data(test_split=1)
    with pytest.raises(ValueError, match="Invalid `test_split` argument: -0.1"):
        california_housing.load_data(test_split=-0.1)


def _word_data(n, seed):
    rng = np.random.default_rng(seed)
    return _ragged([rng.integers(1, 30, rng.integers(2, 9)) for _ in range(n)])


IMDB_KWARGS = [
    {},
    {"num_words": 10, "skip_top": 2},
    {"maxlen": 6, "oov_char": None},
    {"start_char": None, "index_from": 0, "seed": 5},
]


@pytest.mark.parametrize("kwargs", IMDB_KWARGS)
def test_imdb_matches_keras(keras, served, monkeypatch, kwargs):
    data = _npz(
        x_train=_word_data(8, 0),
        y_train=np.arange(8) % 2,
        x_test=_word_data(6, 1),
        y_test=np.arange(6) % 2,
    )
    path = served("imdb.npz", data)
    got = imdb.load_data(**kwargs)
    from keras.src.datasets import imdb as keras_imdb

    _with_keras_reading(keras_imdb, monkeypatch, path)
    _assert_same(got, keras_imdb.load_data(**kwargs))


@pytest.mark.parametrize("kwargs", [*IMDB_KWARGS, {"test_split": 0.5}])
def test_reuters_matches_keras(keras, served, monkeypatch, kwargs):
    path = served("reuters.npz", _npz(x=_word_data(10, 2), y=np.arange(10) % 4))
    got = reuters.load_data(**kwargs)
    from keras.src.datasets import reuters as keras_reuters

    _with_keras_reading(keras_reuters, monkeypatch, path)
    _assert_same(got, keras_reuters.load_data(**kwargs))


def test_word_indexes_and_label_names(keras, served):
    served("imdb_word_index.json", json.dumps({"the": 1, "movie": 2}).encode())
    served("reuters_word_index.json", json.dumps({"said": 1}).encode())
    assert imdb.get_word_index() == {"the": 1, "movie": 2}
    assert reuters.get_word_index() == {"said": 1}
    assert reuters.get_label_names() == keras.datasets.reuters.get_label_names()


def test_imdb_maxlen_too_small_is_an_error(served):
    served(
        "imdb.npz",
        _npz(
            x_train=_word_data(3, 0),
            y_train=np.zeros(3),
            x_test=_word_data(3, 1),
            y_test=np.zeros(3),
        ),
    )
    with pytest.raises(ValueError, match="no sequence was kept. Increase maxlen"):
        imdb.load_data(maxlen=1)


def _idx_gz(array, magic):
    header = magic + b"".join(int(d).to_bytes(4, "big") for d in array.shape)
    return gzip.compress(header + array.tobytes())


def test_fashion_mnist_idx_files(keras, served, monkeypatch):
    rng = np.random.default_rng(3)
    x_tr = rng.integers(0, 255, (4, 28, 28), dtype=np.uint8)
    x_te = rng.integers(0, 255, (3, 28, 28), dtype=np.uint8)
    y_tr = np.array([0, 3, 9, 1], np.uint8)
    y_te = np.array([2, 2, 5], np.uint8)
    files = {
        "train-labels-idx1-ubyte.gz": _idx_gz(y_tr, b"\x00\x00\x08\x01"),
        "train-images-idx3-ubyte.gz": _idx_gz(x_tr, b"\x00\x00\x08\x03"),
        "t10k-labels-idx1-ubyte.gz": _idx_gz(y_te, b"\x00\x00\x08\x01"),
        "t10k-images-idx3-ubyte.gz": _idx_gz(x_te, b"\x00\x00\x08\x03"),
    }
    for name, data in files.items():
        served(name, data)
    (got_x, got_y), (got_xt, got_yt) = fashion_mnist.load_data()
    np.testing.assert_array_equal(got_x, x_tr)
    np.testing.assert_array_equal(got_y, y_tr)
    np.testing.assert_array_equal(got_xt, x_te)
    np.testing.assert_array_equal(got_yt, y_te)
    # Keras keeps these files in datasets/fashion-mnist under its home.
    assert sorted(os.listdir(served.cache / "fashion-mnist")) == sorted(files)


def _cifar_tar(folder, batches):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, content in batches.items():
            data = pickle.dumps(content, protocol=3)
            info = tarfile.TarInfo(f"{folder}/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def _cifar_batch(n, seed, label_keys):
    rng = np.random.default_rng(seed)
    batch = {b"data": rng.integers(0, 255, (n, 3072), dtype=np.uint8)}
    for key in label_keys:
        batch[key] = [int(v) for v in rng.integers(0, 10, n)]
    return batch


def test_cifar10_pickles_in_a_tar_gz(served):
    batches = {f"data_batch_{i}": _cifar_batch(2, i, [b"labels"]) for i in range(1, 6)}
    batches["test_batch"] = _cifar_batch(3, 9, [b"labels"])
    served("cifar-10-python.tar.gz", _cifar_tar("cifar-10-batches-py", batches))
    (x, y), (xt, yt) = cifar10.load_data()
    assert x.shape == (10, 32, 32, 3) and x.dtype == np.uint8
    assert y.shape == (10, 1) and y.dtype == np.uint8
    first = batches["data_batch_1"][b"data"][0].reshape(3, 32, 32)
    np.testing.assert_array_equal(x[0], first.transpose(1, 2, 0))  # channels last
    assert y[:, 0].tolist() == sum(
        (batches[f"data_batch_{i}"][b"labels"] for i in range(1, 6)), []
    )
    assert (
        xt.shape == (3, 32, 32, 3)
        and yt[:, 0].tolist() == batches["test_batch"][b"labels"]
    )
    # Keras's cache layout: the archive and the folder it was extracted to.
    assert sorted(os.listdir(served.cache)) == [
        "cifar-10-batches-py-target",
        "cifar-10-batches-py-target_archive",
    ]
    cifar10.load_data()
    assert served.requests == ["/cifar-10-python.tar.gz"]


def test_cifar10_channels_first(served):
    batches = {f"data_batch_{i}": _cifar_batch(1, i, [b"labels"]) for i in range(1, 6)}
    batches["test_batch"] = _cifar_batch(1, 9, [b"labels"])
    served("cifar-10-python.tar.gz", _cifar_tar("cifar-10-batches-py", batches))
    lamina.backend.set_image_data_format("channels_first")
    try:
        (x, _), _ = cifar10.load_data()
    finally:
        lamina.backend.set_image_data_format("channels_last")
    assert x.shape == (5, 3, 32, 32)


@pytest.mark.parametrize("label_mode", ["fine", "coarse"])
def test_cifar100_matches_keras(keras, served, monkeypatch, label_mode, tmp_path):
    keys = [b"fine_labels", b"coarse_labels"]
    batches = {"train": _cifar_batch(4, 0, keys), "test": _cifar_batch(2, 1, keys)}
    served("cifar-100-python.tar.gz", _cifar_tar("cifar-100-python", batches))
    got = cifar100.load_data(label_mode=label_mode)
    from keras.src.datasets import cifar100 as keras_cifar100

    extracted = served.cache / "cifar-100-python-target"
    _with_keras_reading(keras_cifar100, monkeypatch, extracted)
    _assert_same(got, keras_cifar100.load_data(label_mode=label_mode))
    with pytest.raises(ValueError, match='`label_mode` must be one of `"fine"`'):
        cifar100.load_data(label_mode="medium")


class _Evil:
    def __reduce__(self):
        return (os.system, ("echo hacked",))


def test_pickled_code_in_a_dataset_file_is_refused(served):
    batches = {f"data_batch_{i}": _cifar_batch(1, i, [b"labels"]) for i in range(1, 6)}
    batches["test_batch"] = {b"data": _Evil(), b"labels": [0]}
    served("cifar-10-python.tar.gz", _cifar_tar("cifar-10-batches-py", batches))
    with pytest.raises(pickle.UnpicklingError, match="Refusing to load `posix.system`"):
        cifar10.load_data()
    evil = _ragged([[1]])
    evil[0] = _Evil()
    served(
        "imdb.npz",
        _npz(x_train=evil, y_train=np.zeros(1), x_test=evil, y_test=np.zeros(1)),
    )
    with pytest.raises(pickle.UnpicklingError, match="Refusing to load"):
        imdb.load_data()
