"""StringLookup: maps strings to integer indices through a vocabulary."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from lamina import backend
from lamina.layers.preprocessing._categorical import as_str_array, is_string_data
from lamina.layers.preprocessing._hashes import fingerprint64, siphash24
from lamina.layers.preprocessing._index_lookup import IndexLookup


class StringLookup(IndexLookup):
    """Maps strings to integer indices (or indices back to strings).

    Where it runs: strings live in numpy or Python, not in torch tensors, so
    this layer runs on the host, in front of the torch model (in the data
    pipeline, or called on numpy arrays). It takes arrays or lists of `str` or
    `bytes` and returns an `int64` torch tensor (or, with `invert=True`, a
    numpy array of strings).

    The index layout is Keras's: with a `mask_token` (int mode), index 0 is the
    mask; then `num_oov_indices` out-of-vocabulary indices; then the
    vocabulary. `adapt` ranks tokens by frequency (ties by token, descending).

    Args:
        max_tokens: largest vocabulary size, special tokens included.
        num_oov_indices: number of out-of-vocabulary indices (0 refuses unknown
            tokens; with more than 1, an unknown token goes to the bucket
            `FarmHash64(token) % num_oov_indices`, or SipHash with `salt`).
        mask_token: token for masked (padded) inputs, or None.
        oov_token: the out-of-vocabulary token, returned by `invert=True`.
        vocabulary: list/array of tokens, or a path to a file with one per line.
        idf_weights: inverse document frequencies for `"tf_idf"`.
        invert: map indices to tokens.
        output_mode: `"int"`, `"one_hot"`, `"multi_hot"`, `"count"` or
            `"tf_idf"`.
        pad_to_max_tokens: pad encoded outputs to `max_tokens`.
        sparse: must be False.
        encoding: text encoding of `bytes` inputs.
        salt: key of the hashed OOV buckets (SipHash), or None (FarmHash).

    Example:
    >>> import lamina
    >>> layer = lamina.layers.StringLookup(vocabulary=["a", "b", "c"])
    >>> layer(np.array([["a", "c"], ["d", "b"]])).tolist()
    [[1, 3], [0, 2]]
    """

    def __init__(
        self,
        max_tokens: int | None = None,
        num_oov_indices: int = 1,
        mask_token: str | None = None,
        oov_token: str = "[UNK]",
        vocabulary: Any = None,
        idf_weights: Any = None,
        invert: bool = False,
        output_mode: str = "int",
        pad_to_max_tokens: bool = False,
        sparse: bool = False,
        encoding: str = "utf-8",
        name: str | None = None,
        salt: Any = None,
        **kwargs: Any,
    ) -> None:
        self.encoding = encoding
        self.salt = salt
        kwargs.pop("vocabulary_dtype", None)
        super().__init__(
            max_tokens=max_tokens,
            num_oov_indices=num_oov_indices,
            mask_token=mask_token,
            oov_token=oov_token,
            vocabulary=vocabulary,
            idf_weights=idf_weights,
            invert=invert,
            output_mode=output_mode,
            pad_to_max_tokens=pad_to_max_tokens,
            sparse=sparse,
            name=name,
            **kwargs,
        )

    def _normalize_token(self, token: Any) -> Any:
        return token.decode(self.encoding) if isinstance(token, bytes) else str(token)

    def _to_token_array(self, data: Any) -> np.ndarray:
        return as_str_array(data, self.encoding)

    def _convert_inputs(self, inputs: Any) -> Any:
        if self.invert or not is_string_data(inputs):
            return super()._convert_inputs(inputs)
        return as_str_array(inputs, self.encoding)

    def call(self, inputs: Any) -> Any:
        if self.invert:
            return self._invert(inputs)
        return self._encode(self.token_ids(inputs))

    def token_ids(self, tokens: Any) -> torch.Tensor:
        """The int64 index of each token (before any one-hot/count encoding)."""
        if not isinstance(tokens, np.ndarray):
            tokens = as_str_array(tokens, self.encoding)
        oov = self._oov_start_index() if self.num_oov_indices else -1
        mask, index = self.mask_token, self._index
        buckets = self.num_oov_indices

        def lookup(t: str) -> int:
            if mask is not None and t == mask:
                return 0
            found = index.get(t)
            if found is not None:
                return found
            if buckets > 1:  # hashed OOV buckets, as TensorFlow's lookup does
                return oov + self._oov_bucket(t.encode(self.encoding), buckets)
            return oov

        ids = np.zeros(tokens.shape, np.int64)
        if tokens.size:
            ids = np.vectorize(lookup, otypes=[np.int64])(tokens)
        if self.num_oov_indices == 0 and (ids == -1).any():
            raise self._oov_error(sorted(set(tokens[ids == -1].tolist())))
        return torch.as_tensor(ids, device=backend.get_device())

    def _oov_bucket(self, text: bytes, buckets: int) -> int:
        if self.salt is not None:
            key = self.salt if isinstance(self.salt, (list, tuple)) else [self.salt] * 2
            return siphash24(key[0], key[1], text) % buckets
        return fingerprint64(text) % buckets

    def _invert(self, inputs: Any) -> np.ndarray:
        ids = np.asarray(
            inputs.detach().cpu() if isinstance(inputs, torch.Tensor) else inputs
        )
        vocab = self.get_vocabulary()
        size = len(vocab)

        def token(i: int) -> str:
            return vocab[i] if 0 <= i < size else self.oov_token

        return np.vectorize(token, otypes=[object])(ids).astype(str)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "encoding": self.encoding,
            "vocabulary_dtype": "string",
            "salt": self.salt,
        }
