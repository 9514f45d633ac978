"""TextVectorization: turns raw strings into token indices or encoded vectors."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import torch

from lamina import backend
from lamina.layers.base import Layer
from lamina.layers.preprocessing._categorical import as_str_array
from lamina.layers.preprocessing._index_lookup import _batches
from lamina.layers.preprocessing.string_lookup import StringLookup

_PUNCTUATION = re.compile(r'[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\']')
_STANDARDIZE = (None, "lower_and_strip_punctuation", "lower", "strip_punctuation")
_SPLIT = (None, "whitespace", "character")


class TextVectorization(Layer):
    """Maps text to integer sequences or to multi-hot/count/TF-IDF vectors.

    Each string is standardized (lowercased and stripped of ASCII punctuation
    by default), split into tokens (on whitespace by default), optionally
    combined into n-grams, and looked up in a vocabulary whose index 0 is the
    padding token `""` and index 1 the OOV token `"[UNK]"`.

    Where it runs: strings live in numpy or Python, so this layer runs on the
    host, in front of the torch model (called on numpy arrays or lists of
    strings, or in the data pipeline). It returns torch tensors (`int64`
    sequences, or `float32` vectors) that the model then consumes.

    Args:
        max_tokens: largest vocabulary size, the 2 special tokens included.
        standardize: `"lower_and_strip_punctuation"`, `"lower"`,
            `"strip_punctuation"`, None, or a callable taking a numpy array of
            `str` and returning one.
        split: `"whitespace"`, `"character"`, None, or a callable taking a
            numpy array of `str` and returning a list of token lists.
        ngrams: None, an int `n` (all n-grams up to `n`) or a tuple of widths.
        output_mode: `"int"`, `"multi_hot"`, `"count"` or `"tf_idf"`.
        output_sequence_length: in `"int"` mode, pad or truncate every sequence
            to this length (default: pad to the longest in the batch).
        pad_to_max_tokens: pad encoded outputs to `max_tokens`.
        vocabulary: list of tokens, or a path to a file with one per line.
        idf_weights: IDF weights for `"tf_idf"` with a given vocabulary.
        sparse, ragged: must be False.
        encoding: text encoding of `bytes` inputs.

    Example:
    >>> import lamina
    >>> layer = lamina.layers.TextVectorization(output_sequence_length=4)
    >>> layer.adapt(["the cat sat", "the dog"])
    >>> layer.get_vocabulary()  # by count, then token descending
    ['', '[UNK]', 'the', 'sat', 'dog', 'cat']
    >>> layer(["The cat ran!"]).tolist()
    [[2, 5, 1, 0]]
    """

    def __init__(
        self,
        max_tokens: int | None = None,
        standardize: Any = "lower_and_strip_punctuation",
        split: Any = "whitespace",
        ngrams: Any = None,
        output_mode: str = "int",
        output_sequence_length: int | None = None,
        pad_to_max_tokens: bool = False,
        vocabulary: Any = None,
        idf_weights: Any = None,
        sparse: bool = False,
        ragged: bool = False,
        encoding: str = "utf-8",
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.pop("vocabulary_size", None)
        kwargs.pop("has_input_vocabulary", None)
        super().__init__(name=name, **kwargs)
        self._check_args(
            standardize, split, ngrams, output_mode, output_sequence_length
        )
        if ragged:
            raise ValueError(
                f"Layer '{self.name}': ragged outputs are not supported in lamina. "
                "Received: ragged=True. Use `output_sequence_length` or padding."
            )
        self.standardize = standardize
        self.split = split
        self.ngrams = ngrams
        self._ngrams = (
            tuple(range(1, ngrams + 1)) if isinstance(ngrams, int) else ngrams
        )
        self.output_mode = output_mode
        self.output_sequence_length = output_sequence_length
        self.ragged = ragged
        self.encoding = encoding
        self._lookup_layer = StringLookup(
            max_tokens=max_tokens,
            vocabulary=vocabulary,
            idf_weights=idf_weights,
            pad_to_max_tokens=pad_to_max_tokens,
            mask_token="",
            output_mode=output_mode,
            sparse=sparse,
            encoding=encoding,
        )
        self.built = True

    @staticmethod
    def _check_args(
        standardize: Any, split: Any, ngrams: Any, mode: str, length: Any
    ) -> None:
        if not (callable(standardize) or standardize in _STANDARDIZE):
            raise ValueError(
                f"Invalid value for argument `standardize`. Expected one of "
                f"{list(_STANDARDIZE)} or a callable. Received: standardize={standardize}"
            )
        if not (callable(split) or split in _SPLIT):
            raise ValueError(
                f"Invalid value for argument `split`. Expected one of {list(_SPLIT)} "
                f"or a callable. Received: split={split}"
            )
        if not (
            ngrams is None
            or (isinstance(ngrams, int) and not isinstance(ngrams, bool))
            or (isinstance(ngrams, tuple) and all(isinstance(n, int) for n in ngrams))
        ):
            raise ValueError(
                "`ngrams` must be None, an integer, or a tuple of integers. "
                f"Received: ngrams={ngrams}"
            )
        if mode not in ("int", "multi_hot", "count", "tf_idf", "binary"):
            raise ValueError(
                "Invalid value for argument `output_mode`. Expected one of "
                "['int', 'multi_hot', 'count', 'tf_idf']. Received: "
                f"output_mode={mode}"
            )
        if length is not None and (not isinstance(length, int) or mode != "int"):
            raise ValueError(
                "`output_sequence_length` must be an integer, and may only be set "
                f"if `output_mode` is 'int'. Received: output_mode={mode} and "
                f"output_sequence_length={length}"
            )

    # -- vocabulary ------------------------------------------------------------------
    def get_vocabulary(self, include_special_tokens: bool = True) -> list:
        """The vocabulary: `""` (padding), `"[UNK]"`, then the learned tokens."""
        return self._lookup_layer.get_vocabulary(include_special_tokens)

    def vocabulary_size(self) -> int:
        return self._lookup_layer.vocabulary_size()

    def set_vocabulary(self, vocabulary: Any, idf_weights: Any = None) -> None:
        self._lookup_layer.set_vocabulary(vocabulary, idf_weights=idf_weights)

    def adapt(
        self, data: Any, batch_size: Any = None, steps: int | None = None
    ) -> None:
        """Builds the vocabulary from texts (an array/list, or batches of them)."""
        if self._lookup_layer.input_vocabulary is not None:
            raise ValueError(
                f"Cannot adapt layer '{self.name}' after setting a static "
                "vocabulary via `vocabulary` argument or `set_vocabulary()` method."
            )
        docs = (d for batch in _batches(data, steps) for d in self._tokenize(batch))
        self._lookup_layer.adapt_documents(docs)

    # -- text processing -------------------------------------------------------------
    def _standardize(self, texts: np.ndarray) -> np.ndarray:
        mode = self.standardize
        if callable(mode):
            return as_str_array(mode(texts.astype(str)), self.encoding)
        lower = mode in ("lower", "lower_and_strip_punctuation")
        strip = mode in ("strip_punctuation", "lower_and_strip_punctuation")

        def one(t: str) -> str:
            t = t.lower() if lower else t
            return _PUNCTUATION.sub("", t) if strip else t

        return np.vectorize(one, otypes=[object])(texts) if texts.size else texts

    def _tokenize(self, batch: Any) -> list[list[str]]:
        texts = as_str_array(batch, self.encoding)
        if texts.ndim == 0:
            texts = texts.reshape(1)
        if texts.ndim > 1:
            if texts.shape[-1] != 1:
                raise ValueError(
                    "When using `TextVectorization` to tokenize strings, the input "
                    "rank must be 1 or the last shape dimension must be 1. "
                    f"Received: inputs.shape={texts.shape} with rank={texts.ndim}"
                )
            texts = texts.reshape(texts.shape[:-1])
        texts = self._standardize(texts)
        if self.split is None:
            docs = [[t] for t in texts.reshape(-1).tolist()]
        elif callable(self.split):
            docs = [list(d) for d in self.split(texts.astype(str))]
        elif self.split == "whitespace":
            docs = [t.split() for t in texts.reshape(-1).tolist()]
        else:
            docs = [list(t) for t in texts.reshape(-1).tolist()]
        if self._ngrams:
            docs = [_ngrams(d, self._ngrams) for d in docs]
        return docs

    def _convert_inputs(self, inputs: Any) -> Any:
        return inputs  # strings stay in numpy/Python; see the class docstring

    def call(self, inputs: Any) -> torch.Tensor:
        docs = self._tokenize(inputs)
        lookup = self._lookup_layer
        device = backend.get_device()
        flat = np.asarray([t for d in docs for t in d], dtype=object)
        ids = lookup.token_ids(flat)
        lengths = torch.as_tensor([len(d) for d in docs], device=device)
        rows = torch.repeat_interleave(torch.arange(len(docs), device=device), lengths)
        if self.output_mode != "int":
            return self._encode_rows(rows, ids, len(docs))
        width = self.output_sequence_length
        if width is None:
            width = max((len(d) for d in docs), default=0)
        # Position of each token inside its row; those past `width` are cut.
        starts = torch.cumsum(lengths, 0) - lengths
        cols = torch.arange(ids.numel(), device=device) - starts[rows]
        keep = cols < width
        out = torch.zeros(len(docs), width, dtype=torch.int64, device=device)
        out[rows[keep], cols[keep]] = ids[keep]
        return out

    def _encode_rows(
        self, rows: torch.Tensor, ids: torch.Tensor, batch: int
    ) -> torch.Tensor:
        """multi_hot / count / tf_idf vectors of each row's token ids."""
        lookup = self._lookup_layer
        lookup._check_vocabulary_known()
        depth = lookup._depth()
        counts = torch.zeros(batch, depth, device=ids.device)
        counts.index_put_((rows, ids), torch.ones_like(ids, dtype=counts.dtype), True)
        if self.output_mode in ("multi_hot", "binary"):
            return (counts > 0).to(counts.dtype)
        if self.output_mode == "tf_idf":
            return counts * torch.as_tensor(lookup._idf, device=counts.device)
        return counts

    def get_config(self) -> dict:
        lookup = self._lookup_layer
        return {
            **super().get_config(),
            "max_tokens": lookup.max_tokens,
            "standardize": self.standardize,
            "split": self.split,
            "ngrams": self.ngrams,
            "output_mode": self.output_mode,
            "output_sequence_length": self.output_sequence_length,
            "pad_to_max_tokens": lookup.pad_to_max_tokens,
            "sparse": lookup.sparse,
            "ragged": self.ragged,
            "vocabulary": lookup.get_config()["vocabulary"],
            "idf_weights": lookup.get_config()["idf_weights"],
            "encoding": self.encoding,
            "vocabulary_size": self.vocabulary_size(),
        }

    @classmethod
    def from_config(cls, config: dict) -> TextVectorization:
        config = dict(config)
        if isinstance(config.get("ngrams"), list):
            config["ngrams"] = tuple(config["ngrams"])
        return cls(**config)


def _ngrams(tokens: list[str], widths: tuple) -> list[str]:
    """All n-grams of each width in `widths`, width by width, joined by spaces."""
    out: list[str] = []
    for n in widths:
        out.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return out
