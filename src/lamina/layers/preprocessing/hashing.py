"""Hashing: maps strings or integers to a fixed number of bins by hashing."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from lamina import backend
from lamina.layers.base import Layer
from lamina.layers.preprocessing._categorical import encode
from lamina.layers.preprocessing._hashes import fingerprint64, siphash24


def _as_text(value: Any) -> bytes:
    """The bytes Keras hashes: strings as UTF-8, numbers as decimal integers."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, (float, np.floating)):
        value = int(value)  # Keras casts floating inputs to int64 first
    return str(int(value)).encode("utf-8")


class Hashing(Layer):
    """Hashes each value into one of `num_bins` bins, Keras's way.

    Without `salt`, a value's bin is FarmHash `Fingerprint64(text) % bins`
    (TensorFlow's `to_hash_bucket_fast`); with `salt`, SipHash-2-4 under the
    key `salt` (`to_hash_bucket_strong`). Integers hash as their decimal text.
    With a `mask_value`, that value maps to 0 and the others to
    `1 + hash % (num_bins - 1)`.

    Where it runs: the hashes are computed in Python on the host (strings live
    in numpy/Python), in front of the torch model; the result is a torch tensor
    (`int64` bins, or `float32` vectors for the other output modes).

    Args:
        num_bins: number of bins, the mask bin included.
        mask_value: value mapped to bin 0, or None.
        salt: an int or a pair of ints: use SipHash with this key.
        output_mode: `"int"` (default), `"one_hot"`, `"multi_hot"` or `"count"`.
        sparse: must be False.

    Example:
    >>> import lamina
    >>> lamina.layers.Hashing(num_bins=3)([["A"], ["B"], ["C"]]).tolist()
    [[1], [0], [1]]
    """

    def __init__(
        self,
        num_bins: int,
        mask_value: Any = None,
        salt: Any = None,
        output_mode: str = "int",
        sparse: bool = False,
        **kwargs: Any,
    ) -> None:
        kwargs.pop("dtype", None)  # Keras sets int64/float32 from output_mode
        super().__init__(**kwargs)
        if num_bins is None or num_bins <= 0:
            raise ValueError(
                "The `num_bins` for `Hashing` cannot be `None` or non-positive "
                f"values. Received: num_bins={num_bins}."
            )
        if output_mode not in ("int", "one_hot", "multi_hot", "count"):
            raise ValueError(
                "Invalid value for argument `output_mode`. Expected one of "
                "('int', 'one_hot', 'multi_hot', 'count'). Received: "
                f"output_mode={output_mode}"
            )
        if sparse:
            raise ValueError(
                f"Layer '{self.name}': sparse outputs are not supported in lamina. "
                "Received: sparse=True."
            )
        self.num_bins = num_bins
        self.mask_value = mask_value
        self.output_mode = output_mode
        self.sparse = sparse
        self.salt = None
        if salt is not None:
            if isinstance(salt, (tuple, list)) and len(salt) == 2:
                self.salt = list(salt)
            elif isinstance(salt, int):
                self.salt = [salt, salt]
            else:
                raise ValueError(
                    "The `salt` argument for `Hashing` can only be a tuple of size 2 "
                    f"integers, or a single integer. Received: salt={salt}."
                )
        self.built = True

    def _convert_inputs(self, inputs: Any) -> Any:
        return inputs  # strings stay in numpy/Python; see the class docstring

    def _bin(self, value: Any, bins: int) -> int:
        text = _as_text(value)
        if self.salt is not None:
            return siphash24(self.salt[0], self.salt[1], text) % bins
        return fingerprint64(text) % bins

    def hash_values(self, inputs: Any) -> torch.Tensor:
        """The int64 bin of every value (before one-hot/count encoding)."""
        if isinstance(inputs, torch.Tensor):
            inputs = inputs.detach().cpu().numpy()
        arr = np.asarray(inputs, dtype=object)
        bins, mask = self.num_bins, self.mask_value
        if mask is not None and bins > 1:
            bins -= 1

        def one(v: Any) -> int:
            if mask is not None and self.num_bins > 1 and _same(v, mask):
                return 0
            return self._bin(v, bins) + (
                1 if mask is not None and self.num_bins > 1 else 0
            )

        ids = np.zeros(arr.shape, np.int64)
        if arr.size:
            ids = np.vectorize(one, otypes=[np.int64])(arr)
        return torch.as_tensor(ids, device=backend.get_device())

    def call(self, inputs: Any) -> torch.Tensor:
        ids = self.hash_values(inputs)
        if self.output_mode == "int":
            return ids
        if self.output_mode == "one_hot" and ids.dim() > 0 and ids.shape[-1] == 1:
            ids = ids.squeeze(-1)
        return encode(ids, self.output_mode, self.num_bins, torch.float32)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "num_bins": self.num_bins,
            "salt": self.salt,
            "mask_value": self.mask_value,
            "output_mode": self.output_mode,
            "sparse": self.sparse,
        }


def _same(value: Any, mask: Any) -> bool:
    if isinstance(value, bytes) and isinstance(mask, str):
        return value == mask.encode("utf-8")
    return value == mask
