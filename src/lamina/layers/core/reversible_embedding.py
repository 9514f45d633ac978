"""ReversibleEmbedding: an embedding that also projects back to the vocabulary."""

from __future__ import annotations

from typing import Any

import torch

from lamina import backend
from lamina.layers.core.embedding import Embedding


class ReversibleEmbedding(Embedding):
    """An Embedding that, called with `reverse=True`, maps vectors to logits.

    `layer(ids)` looks up embeddings as `Embedding` does. `layer(h, reverse=True)`
    returns `h @ embeddings.T` (tied weights, the default) or
    `h @ reverse_embeddings` (`tie_weights=False`, a separate `(output_dim,
    input_dim)` kernel): the language-model head that shares its weights with
    the input embedding.

    Args:
        input_dim: vocabulary size.
        output_dim: embedding size.
        tie_weights: reuse the embedding matrix for the reverse projection.
        embeddings_initializer, embeddings_regularizer, embeddings_constraint,
            mask_zero: as in `Embedding`.
        reverse_dtype: dtype of the reverse matmul (inputs and kernel are cast).
        logit_soft_cap: if set, logits become `tanh(logits / cap) * cap`.

    Call arguments:
        inputs: integer ids, or vectors `(..., output_dim)` with `reverse=True`.
        reverse: project to the vocabulary instead of looking up.

    Input shape:
        `(batch, ...)` ids, or `(batch, ..., output_dim)` with `reverse=True`.

    Output shape:
        `(batch, ..., output_dim)`, or `(batch, ..., input_dim)` reversed.

    Example:
    >>> import lamina
    >>> layer = lamina.layers.ReversibleEmbedding(10, 4)
    >>> h = layer(np.array([[1, 2]]))
    >>> layer(h, reverse=True).shape
    torch.Size([1, 2, 10])
    """

    def __init__(
        self,
        input_dim: int,
        output_dim: int,
        tie_weights: bool = True,
        embeddings_initializer: Any = "uniform",
        embeddings_regularizer: Any = None,
        embeddings_constraint: Any = None,
        mask_zero: bool = False,
        reverse_dtype: Any = None,
        logit_soft_cap: float | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            input_dim,
            output_dim,
            embeddings_initializer=embeddings_initializer,
            embeddings_regularizer=embeddings_regularizer,
            embeddings_constraint=embeddings_constraint,
            mask_zero=mask_zero,
            **kwargs,
        )
        self.tie_weights = bool(tie_weights)
        self.reverse_dtype = reverse_dtype
        self.logit_soft_cap = logit_soft_cap

    def build(self, input_shape: Any = None) -> None:
        super().build(input_shape)
        if not self.tie_weights:
            self.reverse_embeddings = self.add_weight(
                shape=(self.output_dim, self.input_dim),
                initializer=self.embeddings_initializer,
                name="reverse_embeddings",
            )

    def call(self, inputs: torch.Tensor, reverse: bool = False) -> torch.Tensor:
        if not reverse:
            out = super().call(inputs)
            if self.mask_zero:
                setattr(out, "_keras_mask", inputs != 0)  # noqa: B010 (tensor attr)
            return out
        kernel = self.embeddings.t() if self.tie_weights else self.reverse_embeddings
        if self.reverse_dtype is not None:
            dtype = backend.to_torch_dtype(self.reverse_dtype)
            inputs, kernel = inputs.to(dtype), kernel.to(dtype)
        logits = inputs @ kernel
        if self.logit_soft_cap is not None:
            cap = self.logit_soft_cap
            logits = torch.tanh(logits / cap) * cap
        return logits

    def compute_mask(self, inputs: Any, previous_mask: Any = None) -> Any:
        return None  # the forward call sets its own mask; reversed has none

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "tie_weights": self.tie_weights,
            "reverse_dtype": self.reverse_dtype,
            "logit_soft_cap": self.logit_soft_cap,
        }
