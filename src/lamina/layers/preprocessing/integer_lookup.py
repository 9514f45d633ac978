"""IntegerLookup: maps integer features to contiguous indices."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from lamina.layers.preprocessing._index_lookup import IndexLookup


class IntegerLookup(IndexLookup):
    """Maps integer tokens to contiguous indices (or back, with `invert=True`).

    Runs on torch tensors, on the inputs' device: the vocabulary is held as a
    sorted key tensor and looked up with `torch.searchsorted`. The index layout
    is Keras's: with a `mask_token` (int mode), index 0 is the mask; then
    `num_oov_indices` out-of-vocabulary indices (an unknown token `t` goes to
    `t mod num_oov_indices`); then the vocabulary.

    Args:
        max_tokens: largest vocabulary size, special tokens included.
        num_oov_indices: number of out-of-vocabulary indices (0 refuses unknown
            tokens).
        mask_token: integer token for masked inputs, or None.
        oov_token: the token `invert=True` returns for OOV indices (default -1).
        vocabulary: list/array of integer tokens, or a path to a file.
        vocabulary_dtype: `"int64"` (or `"int32"`).
        idf_weights: inverse document frequencies for `"tf_idf"`.
        invert: map indices to tokens.
        output_mode: `"int"`, `"one_hot"`, `"multi_hot"`, `"count"` or
            `"tf_idf"`.
        sparse: must be False.
        pad_to_max_tokens: pad encoded outputs to `max_tokens`.
        oov_method, salt: Keras's OOV hashing options; only `"floormod"` with
            no salt is supported (FarmHash needs TensorFlow).

    Example:
    >>> import lamina
    >>> layer = lamina.layers.IntegerLookup(vocabulary=[12, 36, 1138])
    >>> layer(np.array([[12, 1138], [42, 36]])).tolist()
    [[1, 3], [0, 2]]
    """

    def __init__(
        self,
        max_tokens: int | None = None,
        num_oov_indices: int = 1,
        mask_token: int | None = None,
        oov_token: int = -1,
        vocabulary: Any = None,
        vocabulary_dtype: str = "int64",
        idf_weights: Any = None,
        invert: bool = False,
        output_mode: str = "int",
        sparse: bool = False,
        pad_to_max_tokens: bool = False,
        oov_method: str = "floormod",
        salt: Any = None,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        if vocabulary_dtype not in ("int64", "int32"):
            raise ValueError(
                "`vocabulary_dtype` must be 'int64' or 'int32'. Received: "
                f"vocabulary_dtype={vocabulary_dtype}"
            )
        self.vocabulary_dtype = vocabulary_dtype
        if oov_method != "floormod" or salt is not None:
            raise ValueError(
                "IntegerLookup in lamina maps OOV tokens with `oov_method="
                "'floormod'`; FarmHash needs TensorFlow. Received: "
                f"oov_method={oov_method!r}, salt={salt!r}"
            )
        self.oov_method = oov_method
        self.salt = salt
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
        return int(token)

    def _read_vocabulary_file(self, path: str) -> list:
        return [int(v) for v in super()._read_vocabulary_file(path)]

    def _to_token_array(self, data: Any) -> np.ndarray:
        if isinstance(data, torch.Tensor):
            data = data.detach().cpu().numpy()
        return np.asarray(data).astype(np.int64)

    def _table(self, device: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
        """Sorted keys and their indices on `device` (made once per device)."""
        if device not in self._tables:
            keys = torch.as_tensor(self._tokens or [0], dtype=torch.int64)
            order = torch.argsort(keys)
            values = torch.arange(len(keys)) + self._token_start_index()
            self._tables[device] = (keys[order].to(device), values[order].to(device))
        return self._tables[device]

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        if self.invert:
            return self._invert(inputs)
        x = inputs.to(torch.int64)
        keys, values = self._table(x.device)
        pos = torch.searchsorted(keys, x).clamp(max=keys.numel() - 1)
        found = (keys[pos] == x) & bool(self._tokens)
        if self.num_oov_indices == 0:
            if not bool(found.all()):  # host sync only where unknown ids are errors
                raise self._oov_error(sorted(set(x[~found].tolist())))
            oov = torch.zeros_like(x)
        else:
            oov = torch.remainder(x, self.num_oov_indices) + self._oov_start_index()
        ids = torch.where(found, values[pos], oov)
        if self.mask_token is not None:
            ids = torch.where(x == self.mask_token, torch.zeros_like(ids), ids)
        return self._encode(ids)

    def _invert(self, inputs: torch.Tensor) -> torch.Tensor:
        ids = inputs.to(torch.int64)
        vocab = [self.oov_token if v is None else v for v in self.get_vocabulary()]
        table = torch.as_tensor(vocab, dtype=torch.int64, device=ids.device)
        inside = (ids >= 0) & (ids < table.numel())
        tokens = table[ids.clamp(0, table.numel() - 1)]
        return torch.where(inside, tokens, torch.full_like(tokens, self.oov_token))

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "vocabulary_dtype": self.vocabulary_dtype,
            "oov_method": self.oov_method,
            "salt": self.salt,
        }
