"""HashedCrossing: crosses categorical features into hashed bins."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from lamina import backend
from lamina.layers.base import Layer
from lamina.layers.preprocessing._categorical import encode
from lamina.layers.preprocessing._hashes import fingerprint64

_M = (1 << 64) - 1
_CROSS_KEY = 0xDECAFCAFFE  # TensorFlow's default hash key for crosses
_CAT_MUL = 0xC6A4A7935BD1E995


def _shift_mix(v: int) -> int:
    return v ^ (v >> 47)


def _fingerprint_cat(fp1: int, fp2: int) -> int:
    """Combines two 64-bit fingerprints (TensorFlow's `FingerprintCat64`)."""
    r = fp1 ^ _CAT_MUL
    r ^= (_shift_mix((fp2 * _CAT_MUL) & _M) * _CAT_MUL) & _M
    r = (r * _CAT_MUL) & _M
    r = (_shift_mix(r) * _CAT_MUL) & _M
    return _shift_mix(r)


def _feature(value: Any) -> int:
    """A string's fingerprint, or an integer's own 64-bit pattern."""
    if isinstance(value, (str, bytes)):
        text = value.encode("utf-8") if isinstance(value, str) else value
        return fingerprint64(text)
    return int(value) & _M


class HashedCrossing(Layer):
    """Crosses two or more categorical features into `num_bins` hashed bins.

    The bin of a row is `FingerprintCat64` folded over its features (strings
    fingerprinted with FarmHash, integers taken as they are), modulo
    `num_bins`: TensorFlow's `sparse.cross_hashed`, which Keras uses.

    Where it runs: hashing is Python on the host (strings live in
    numpy/Python), in front of the torch model; the result is a torch tensor.

    Args:
        num_bins: number of bins.
        output_mode: `"int"` (default) or `"one_hot"`.
        sparse: must be False.

    Call arguments:
        inputs: a tuple or list of at least two features, each of shape `()`,
            `(batch,)` or `(batch, 1)`.

    Example:
    >>> import lamina
    >>> layer = lamina.layers.HashedCrossing(num_bins=5)
    >>> layer((np.array(["A", "B", "A"]), np.array([101, 101, 102]))).tolist()
    [1, 4, 3]
    """

    def __init__(
        self,
        num_bins: int,
        output_mode: str = "int",
        sparse: bool = False,
        name: str | None = None,
        dtype: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(name=name, **kwargs)
        if output_mode not in ("int", "one_hot"):
            raise ValueError(
                "Invalid value for argument `output_mode`. Expected one of "
                f"('int', 'one_hot'). Received: output_mode={output_mode}"
            )
        if sparse:
            raise ValueError(
                f"Layer '{self.name}': sparse outputs are not supported in lamina. "
                "Received: sparse=True."
            )
        self.num_bins = num_bins
        self.output_mode = output_mode
        self.sparse = sparse
        self.built = True

    def _convert_inputs(self, inputs: Any) -> Any:
        return inputs  # strings stay in numpy/Python; see the class docstring

    def _check(self, inputs: Any) -> list[np.ndarray]:
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(
                "`HashedCrossing` should be called on a list or tuple of inputs. "
                f"Received: inputs={inputs}"
            )
        if len(inputs) < 2:
            raise ValueError(
                "`HashedCrossing` should be called on at least two inputs. "
                f"Received: inputs={inputs}"
            )
        arrays = [
            np.asarray(x.detach().cpu() if isinstance(x, torch.Tensor) else x)
            for x in inputs
        ]
        shape = arrays[0].shape
        if len(shape) > 2 or (len(shape) == 2 and shape[-1] != 1):
            raise ValueError(
                "All `HashedCrossing` inputs should have shape `()`, `(batch_size)` "
                f"or `(batch_size, 1)`. Received: inputs={inputs}"
            )
        if any(a.shape != shape for a in arrays[1:]):
            raise ValueError(
                "All `HashedCrossing` inputs should have equal shape. Received: "
                f"inputs={inputs}"
            )
        return arrays

    def call(self, inputs: Any) -> torch.Tensor:
        arrays = self._check(inputs)
        shape = arrays[0].shape
        columns = [a.reshape(-1).tolist() for a in arrays]
        bins = []
        for row in zip(*columns, strict=True):
            h = _CROSS_KEY
            for value in row:
                h = _fingerprint_cat(h, _feature(value))
            bins.append(h % self.num_bins)
        ids = torch.as_tensor(bins, dtype=torch.int64, device=backend.get_device())
        ids = ids.reshape(shape)
        if self.output_mode == "int":
            return ids
        if ids.dim() == 2:
            ids = ids.squeeze(-1)
        return encode(ids, "one_hot", self.num_bins, torch.float32)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "num_bins": self.num_bins,
            "output_mode": self.output_mode,
            "sparse": self.sparse,
        }
