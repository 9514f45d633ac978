"""What the Keras dataset loaders share: origins, hashes, safe file reading.

The origins and sha256 hashes are Keras's, so the files land in, and are read
from, the same cache (`~/.keras/datasets`). Tests point `ORIGIN_FOLDER` and
`CIFAR_ORIGIN_FOLDER` at a local server and replace the hashes.
"""

from __future__ import annotations

import io
import pickle
import zipfile
from typing import Any

import numpy as np

from lamina.utils.file_utils import get_file

ORIGIN_FOLDER = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
CIFAR_ORIGIN_FOLDER = "https://www.cs.toronto.edu/~kriz/"

FILE_HASHES = {
    "mnist.npz": "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1",
    "imdb.npz": "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f",
    "imdb_word_index.json": "bfafd718b763782e994055a2d397834f",
    "reuters.npz": "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916",
    "reuters_word_index.json": "4d44cc38712099c9e383dc6e5f11a921",
    "boston_housing.npz": (
        "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5"
    ),
    "california_housing.npz": (
        "1a2e3a52e0398de6463aebe6f4a8da34fb21fbb6b934cf88c3425e766f2a1a6f"
    ),
    "cifar-10-python.tar.gz": (
        "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"
    ),
    "cifar-100-python.tar.gz": (
        "85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7"
    ),
}


def fetch(fname: str, remote_name: str, **kwargs: Any) -> str:
    """`get_file` for a file of Keras's dataset folder, with Keras's hash."""
    return get_file(
        fname=fname,
        origin=ORIGIN_FOLDER + remote_name,
        file_hash=FILE_HASHES.get(remote_name),
        **kwargs,
    )


# numpy arrays inside pickles (object arrays in .npz files, CIFAR batches) need
# these globals and no others: nothing in a dataset file can run code.
_ALLOWED_GLOBALS = {
    ("numpy", "ndarray"),
    ("numpy", "dtype"),
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "_reconstruct"),
    ("numpy.core.multiarray", "scalar"),
    ("numpy._core.multiarray", "scalar"),
    ("_codecs", "encode"),
}


class SafeUnpickler(pickle.Unpickler):
    """An unpickler that rebuilds numpy arrays and plain containers only."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in _ALLOWED_GLOBALS:
            raise pickle.UnpicklingError(
                f"Refusing to load `{module}.{name}` from a dataset file: only numpy "
                "arrays and plain Python containers are allowed."
            )
        if module.startswith("numpy.core") and int(np.__version__.split(".")[0]) >= 2:
            module = "numpy._core" + module[len("numpy.core") :]
        return super().find_class(module, name)


def load_pickle(path: str, encoding: str = "ASCII") -> Any:
    """A pickle file read with `SafeUnpickler`."""
    with open(path, "rb") as f:
        return SafeUnpickler(f, encoding=encoding).load()


def load_npz(path: str) -> dict[str, np.ndarray]:
    """The arrays of an `.npz` file; object arrays go through `SafeUnpickler`."""
    out = {}
    with zipfile.ZipFile(path) as archive:
        for member in archive.namelist():
            if not member.endswith(".npy"):
                continue
            with archive.open(member) as raw:
                out[member[:-4]] = _read_npy(io.BytesIO(raw.read()))
    return out


def _read_npy(f: io.BytesIO) -> np.ndarray:
    version = np.lib.format.read_magic(f)
    if version == (1, 0):
        shape, fortran, dtype = np.lib.format.read_array_header_1_0(f)
    else:
        shape, fortran, dtype = np.lib.format.read_array_header_2_0(f)
    if dtype.hasobject:
        return SafeUnpickler(f, encoding="latin1").load()
    f.seek(0)
    return np.lib.format.read_array(f, allow_pickle=False)


def shuffled_split(
    x: np.ndarray, y: np.ndarray, test_split: float, seed: int
) -> tuple[tuple, tuple]:
    """Keras's split: rows permuted by `RandomState(seed)`, the last part is test."""
    if not 0 <= test_split < 1:
        raise ValueError(
            f"Invalid `test_split` argument: {test_split}. It must be between 0 "
            "and 1 (exclusive of 1)."
        )
    order = np.arange(len(x))
    np.random.RandomState(seed).shuffle(order)
    x, y = x[order], y[order]
    cut = int(len(x) * (1 - test_split))
    return (np.array(x[:cut]), np.array(y[:cut])), (
        np.array(x[cut:]),
        np.array(y[cut:]),
    )


def shift_words(seqs: Any, start_char: int | None, index_from: int) -> list:
    """Word ids moved up by `index_from`, after a `start_char` mark if given."""
    start = [] if start_char is None else [start_char]
    return [start + [int(w) + index_from for w in s] for s in seqs]


def limit_vocabulary(
    seqs: list, num_words: int | None, skip_top: int, oov_char: int | None
) -> list[list[int]]:
    """Ids outside `[skip_top, num_words)` become `oov_char` (or are dropped)."""
    if not num_words:
        num_words = max(max(s) for s in seqs)
    if oov_char is not None:
        return [[w if skip_top <= w < num_words else oov_char for w in s] for s in seqs]
    return [[w for w in s if skip_top <= w < num_words] for s in seqs]


def drop_long(maxlen: int, seqs: list, labels: Any) -> tuple[list, list]:
    """Pairs whose sequence is shorter than `maxlen` (Keras keeps `len < maxlen`)."""
    kept = [(s, lab) for s, lab in zip(seqs, labels) if len(s) < maxlen]
    return [s for s, _ in kept], [lab for _, lab in kept]
