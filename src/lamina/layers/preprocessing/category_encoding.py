"""CategoryEncoding: integer ids as one-hot, multi-hot or count vectors."""

from __future__ import annotations

from typing import Any

import torch

from lamina.layers.base import Layer
from lamina.layers.preprocessing._categorical import encode


class CategoryEncoding(Layer):
    """Encodes integer features as one-hot, multi-hot or count vectors.

    Runs on torch tensors, on the inputs' device. Ids outside
    `[0, num_tokens)` contribute nothing.

    Args:
        num_tokens: the number of ids; ids must be in `[0, num_tokens)`.
        output_mode: `"multi_hot"` (default; `"binary"` is an alias),
            `"one_hot"` (a trailing axis of size 1 is replaced), or `"count"`.
        sparse: must be False; sparse outputs are not supported.

    Call arguments:
        inputs: integer ids, `(batch,)` or `(batch, n)`.
        count_weights: weights of each id for `"count"` mode.

    Input shape:
        `(batch,)` or `(batch, n)`.

    Output shape:
        `(batch, num_tokens)`, or `(batch, n, num_tokens)` for one-hot ids of
        shape `(batch, n)` with `n > 1`.

    Example:
    >>> import lamina
    >>> layer = lamina.layers.CategoryEncoding(4, output_mode="count")
    >>> layer(np.array([[0, 1, 1], [3, 3, 2]])).tolist()
    [[1.0, 2.0, 0.0, 0.0], [0.0, 0.0, 1.0, 2.0]]
    """

    def __init__(
        self,
        num_tokens: int | None = None,
        output_mode: str = "multi_hot",
        sparse: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if output_mode == "binary":
            output_mode = "multi_hot"
        if output_mode not in ("count", "one_hot", "multi_hot"):
            raise ValueError(
                f"Unknown arg for output_mode: {output_mode}. Expected one of "
                "'count', 'one_hot', 'multi_hot'."
            )
        if num_tokens is None:
            raise ValueError(
                "num_tokens must be set to use this layer. If the number of tokens "
                "is not known beforehand, use the IntegerLookup layer instead."
            )
        if num_tokens < 1:
            raise ValueError(
                f"`num_tokens` must be >= 1. Received: num_tokens={num_tokens}."
            )
        if sparse:
            raise ValueError(
                f"Layer '{self.name}': sparse outputs are not supported in lamina. "
                "Received: sparse=True. Use sparse=False."
            )
        self.num_tokens = num_tokens
        self.output_mode = output_mode
        self.sparse = sparse
        self.built = True

    def call(self, inputs: torch.Tensor, count_weights: Any = None) -> torch.Tensor:
        if count_weights is not None:
            if self.output_mode != "count":
                raise ValueError(
                    "`count_weights` is not used when `output_mode` is not "
                    f"`'count'`. Received `count_weights={count_weights}`."
                )
            count_weights = torch.as_tensor(
                count_weights,
                dtype=self._dtype_policy.torch_compute_dtype,
                device=inputs.device,
            )
        dtype = self._dtype_policy.torch_compute_dtype
        return encode(inputs, self.output_mode, self.num_tokens, dtype, count_weights)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "num_tokens": self.num_tokens,
            "output_mode": self.output_mode,
            "sparse": self.sparse,
        }
