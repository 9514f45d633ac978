"""IndexLookup: the vocabulary machinery shared by StringLookup and IntegerLookup.

Index layout (Keras's): `[mask_token]` (only in `"int"` mode, when set), then
`num_oov_indices` out-of-vocabulary slots, then the vocabulary in order.
`adapt` sorts tokens by count, most frequent first, ties by token, descending.
"""

from __future__ import annotations

import collections
import math
import os
import tempfile
from collections.abc import Iterable
from typing import Any

import numpy as np
import torch

from lamina.layers.base import Layer
from lamina.layers.preprocessing._categorical import MODES, encode

_VOCABULARY_FILE = "vocabulary.txt"  # Keras's asset name


class IndexLookup(Layer):
    """Maps tokens to indices (or indices back to tokens with `invert=True`).

    Subclasses define `_to_tokens(inputs)` (flat Python tokens from the layer's
    inputs) and `_lookup(inputs)` (the index tensor).
    """

    def __init__(
        self,
        max_tokens: int | None,
        num_oov_indices: int,
        mask_token: Any,
        oov_token: Any,
        vocabulary: Any = None,
        idf_weights: Any = None,
        invert: bool = False,
        output_mode: str = "int",
        pad_to_max_tokens: bool = False,
        sparse: bool = False,
        **kwargs: Any,
    ) -> None:
        kwargs.pop("vocabulary_size", None)  # Keras config bookkeeping
        kwargs.pop("has_input_vocabulary", None)
        super().__init__(**kwargs)
        self._check_args(max_tokens, num_oov_indices, output_mode, invert, sparse)
        if output_mode == "binary":
            output_mode = "multi_hot"
        self.max_tokens = max_tokens
        self.num_oov_indices = num_oov_indices
        self.mask_token = mask_token
        self.oov_token = oov_token
        self.invert = bool(invert)
        self.output_mode = output_mode
        self.pad_to_max_tokens = bool(pad_to_max_tokens)
        self.sparse = bool(sparse)
        self.input_vocabulary = vocabulary
        self.input_idf_weights = idf_weights
        self._tokens: list = []
        self._index: dict = {}
        self._idf: np.ndarray | None = None
        self._tables: dict = {}
        self.built = True
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights)

    def _check_args(
        self, max_tokens: Any, num_oov: Any, mode: str, invert: bool, sparse: bool
    ) -> None:
        if max_tokens is not None and max_tokens <= 1:
            raise ValueError(
                "If set, `max_tokens` must be greater than 1. Received: "
                f"max_tokens={max_tokens}"
            )
        if num_oov is None or num_oov < 0:
            raise ValueError(
                "`num_oov_indices` must be greater than or equal to 0. Received: "
                f"num_oov_indices={num_oov}"
            )
        if mode not in (*MODES, "binary"):
            raise ValueError(
                f"Invalid value for argument `output_mode`. Expected one of "
                f"{list(MODES)}. Received: output_mode={mode}"
            )
        if invert and mode != "int":
            raise ValueError(
                "`output_mode` must be `'int'` when `invert` is true. Received: "
                f"output_mode={mode}"
            )
        if sparse:
            raise ValueError(
                f"Layer '{self.name}': sparse outputs are not supported in lamina. "
                "Received: sparse=True. Use sparse=False."
            )

    # -- vocabulary ---------------------------------------------------------------
    def _oov_start_index(self) -> int:
        return 1 if self.mask_token is not None and self.output_mode == "int" else 0

    def _token_start_index(self) -> int:
        return self._oov_start_index() + self.num_oov_indices

    def vocabulary_size(self) -> int:
        """The vocabulary size, mask and OOV indices included."""
        return len(self._tokens) + self._token_start_index()

    def get_vocabulary(self, include_special_tokens: bool = True) -> list:
        """The vocabulary; a token's position is its index when special tokens
        are included."""
        special = [self.mask_token] * self._oov_start_index() + [
            self.oov_token
        ] * self.num_oov_indices
        if not include_special_tokens:
            return list(self._tokens)
        return special + list(self._tokens)

    def _normalize_token(self, token: Any) -> Any:
        return token

    def set_vocabulary(self, vocabulary: Any, idf_weights: Any = None) -> None:
        """Sets the vocabulary (and, for `"tf_idf"`, the IDF weights)."""
        if self.output_mode == "tf_idf" and idf_weights is None:
            raise ValueError("`idf_weights` must be set if output_mode is 'tf_idf'.")
        if self.output_mode != "tf_idf" and idf_weights is not None:
            raise ValueError(
                "`idf_weights` should only be set if output_mode is `'tf_idf'`. "
                f"Received: output_mode={self.output_mode} and "
                f"idf_weights={idf_weights}"
            )
        if isinstance(vocabulary, str):
            vocabulary = self._read_vocabulary_file(vocabulary)
        if isinstance(vocabulary, torch.Tensor):
            vocabulary = vocabulary.detach().cpu().numpy()
        tokens = [self._normalize_token(t) for t in np.asarray(vocabulary).tolist()]
        if not tokens:
            raise ValueError(
                f"Cannot set an empty vocabulary. Received: vocabulary={vocabulary}"
            )
        start = self._token_start_index()
        special = [self.mask_token] * self._oov_start_index() + [
            self.oov_token
        ] * self.num_oov_indices
        if tokens[:start] == special:
            tokens = tokens[start:]
            if idf_weights is not None and len(idf_weights) == len(vocabulary):
                idf_weights = list(idf_weights)[start:]
        self._check_tokens(tokens, special)
        if self.max_tokens is not None and start + len(tokens) > self.max_tokens:
            raise ValueError(
                "Attempted to set a vocabulary larger than the maximum vocab size. "
                f"Received vocabulary size is {start + len(tokens)}; `max_tokens` "
                f"is {self.max_tokens}."
            )
        self._set_tokens(tokens)
        if self.output_mode == "tf_idf":
            weights = np.asarray(idf_weights, dtype=np.float32)
            if len(weights) != len(tokens):
                raise ValueError(
                    "`idf_weights` must be the same length as vocabulary. "
                    f"len(idf_weights) is {len(weights)}; len(vocabulary) is "
                    f"{len(tokens)}"
                )
            self._set_idf(weights)

    # -- files ------------------------------------------------------------------
    def save_assets(self, dir_path: str) -> None:
        """Writes an adapted vocabulary to `vocabulary.txt`, one token a line,
        special tokens first (Keras's asset; a given vocabulary is in the config)."""
        if self.input_vocabulary is not None:
            return
        text = "\n".join(str(t) for t in self.get_vocabulary())
        fd, tmp = tempfile.mkstemp(dir=dir_path, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, os.path.join(dir_path, _VOCABULARY_FILE))

    def load_assets(self, dir_path: str) -> None:
        """Reads the vocabulary that `save_assets` (lamina's or Keras's) wrote."""
        path = os.path.join(dir_path, _VOCABULARY_FILE)
        if self.input_vocabulary is not None or not os.path.exists(path):
            return
        tokens = [self._normalize_token(t) for t in self._read_vocabulary_file(path)]
        special = self.get_vocabulary()[: self._token_start_index()]
        if tokens[: len(special)] == special:
            tokens = tokens[len(special) :]
        self._set_tokens(tokens)

    def _read_vocabulary_file(self, path: str) -> list:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
        while lines and lines[-1] == "":
            lines.pop()
        return lines

    def _check_tokens(self, tokens: list, special: list) -> None:
        counts = collections.Counter(tokens)
        repeated = sorted({t for t, c in counts.items() if c > 1}, key=str)
        if repeated:
            raise ValueError(
                "The passed vocabulary has at least one repeated term. Please "
                f"uniquify your dataset. The repeated terms are: {repeated}"
            )
        reserved = [("mask_token", self.mask_token)]
        if self.invert:
            reserved.append(("oov_token", self.oov_token))
        for arg, token in reserved:
            if token is not None and token in counts:
                raise ValueError(
                    f"Found reserved {arg.split('_')[0]} token at unexpected "
                    "location in `vocabulary`. Note that passed `vocabulary` does "
                    "not need to include the OOV and mask tokens. Either remove "
                    "all mask and OOV tokens, or include them only at the start "
                    f"of the vocabulary in precisely this order: {special}. "
                    f"Received: {arg}={token} at vocabulary index "
                    f"{tokens.index(token) + self._token_start_index()}"
                )

    def _set_tokens(self, tokens: list) -> None:
        self._tokens = list(tokens)
        start = self._token_start_index()
        self._index = {t: i + start for i, t in enumerate(self._tokens)}
        self._tables = {}

    def _set_idf(self, weights: np.ndarray) -> None:
        # Special-token slots take the mean weight, as in Keras.
        pad = np.full(self._token_start_index(), weights.mean(), np.float32)
        idf = np.concatenate([pad, weights])
        if self.pad_to_max_tokens and self.max_tokens is not None:
            idf = np.pad(idf, (0, self.max_tokens - len(idf)))
        self._idf = idf.astype(np.float32)

    # -- adapt --------------------------------------------------------------------
    def adapt(self, data: Any, steps: int | None = None) -> None:
        """Builds the vocabulary from `data`: the most frequent tokens first.

        Args:
            data: an array or list of tokens, or an iterable of such batches.
            steps: for an iterable, how many batches to read.
        """
        if self.input_vocabulary is not None:
            raise ValueError(
                f"Cannot adapt layer '{self.name}' after setting a static "
                "vocabulary via `vocabulary` argument or `set_vocabulary()` method."
            )
        batches = _batches(data, steps)
        if isinstance(data, (list, tuple, np.ndarray, torch.Tensor)):
            # One array: a rank-1 array holds one token per document (Keras).
            tokens = self._to_token_array(data)
            batches = [tokens.reshape(-1, 1) if tokens.ndim == 1 else tokens]
        self.adapt_documents(doc for batch in batches for doc in self._documents(batch))

    def adapt_documents(self, documents: Iterable[list]) -> None:
        """Builds the vocabulary from token lists, one per document."""
        counts: collections.Counter = collections.Counter()
        doc_counts: collections.Counter = collections.Counter()
        num_docs = 0
        for doc in documents:
            counts.update(doc)
            doc_counts.update(set(doc))
            num_docs += 1
        for special in (self.mask_token, self.oov_token):
            counts.pop(special, None)
        ranked = sorted(counts, key=lambda t: (counts[t], _sort_key(t)), reverse=True)
        if self.max_tokens:
            ranked = ranked[: self.max_tokens - self._token_start_index()]
        self._set_tokens(ranked)
        if self.output_mode == "tf_idf":
            idf = [math.log(1 + num_docs / (1 + doc_counts[t])) for t in ranked]
            self._set_idf(np.asarray(idf, np.float32))

    def _documents(self, batch: Any) -> Iterable[list]:
        """The token lists of a batch's rows (a rank-1 batch is one document)."""
        tokens = self._to_token_array(batch)
        if tokens.ndim <= 1:
            return [tokens.reshape(-1).tolist()]
        return [row.reshape(-1).tolist() for row in tokens]

    # -- call ---------------------------------------------------------------------
    def _depth(self) -> int:
        if self.pad_to_max_tokens and self.max_tokens is not None:
            return self.max_tokens
        return self.vocabulary_size()

    def _encode(self, ids: torch.Tensor) -> torch.Tensor:
        if self.output_mode == "int":
            return ids
        self._check_vocabulary_known()
        dtype = torch.float32
        mode = "count" if self.output_mode == "tf_idf" else self.output_mode
        out = encode(ids, mode, self._depth(), dtype)
        if self.output_mode == "tf_idf":
            out = out * torch.as_tensor(self._idf, device=out.device)
        return out

    def _check_vocabulary_known(self) -> None:
        if not self._tokens and not self.pad_to_max_tokens:
            raise RuntimeError(
                f"When using `output_mode={self.output_mode}` and "
                "`pad_to_max_tokens=False`, you must set the layer's vocabulary "
                "before calling it. Either pass a `vocabulary` argument to the "
                "layer, or call `adapt` with some sample data."
            )

    def _oov_error(self, tokens: list) -> ValueError:
        return ValueError(
            f"Layer '{self.name}': when `num_oov_indices=0` all inputs should be in "
            f"vocabulary, found OOV values {tokens}, consider setting "
            "`num_oov_indices=1`."
        )

    def get_config(self) -> dict:
        idf = self.input_idf_weights
        return {
            **super().get_config(),
            "invert": self.invert,
            "max_tokens": self.max_tokens,
            "num_oov_indices": self.num_oov_indices,
            "oov_token": self.oov_token,
            "mask_token": self.mask_token,
            "output_mode": self.output_mode,
            "sparse": self.sparse,
            "pad_to_max_tokens": self.pad_to_max_tokens,
            "idf_weights": _listify(idf),
            "vocabulary": _listify(self.input_vocabulary),
            "vocabulary_size": self.vocabulary_size(),
        }


def _sort_key(token: Any) -> Any:
    """Keras breaks count ties by the token's bytes (strings) or value."""
    return token.encode("utf-8") if isinstance(token, str) else token


def _listify(value: Any) -> Any:
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().numpy()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, tuple):
        return list(value)
    return value


def _batches(data: Any, steps: int | None) -> Iterable[Any]:
    """`data` as an iterable of batches (an array or list is one batch)."""
    if isinstance(data, (list, tuple, np.ndarray, torch.Tensor, str, bytes)):
        return [data]
    out = []
    for i, batch in enumerate(data):
        if steps is not None and i >= steps:
            break
        out.append(batch)
    return out
