"""AdditiveAttention: Bahdanau-style attention over a [query, value, key] list."""

from __future__ import annotations

from typing import Any

import torch

from lamina.layers.attention.attention import Attention


class AdditiveAttention(Attention):
    """Additive attention layer, a.k.a. Bahdanau-style attention.

    `scores = sum(scale * tanh(query_i + key_j))` over features, with a learned
    vector `scale` of shape `(dim,)` when `use_scale`; then as `Attention`:
    masked softmax over keys, dropout, weighted sum of `value`, zero outputs at
    masked query positions.

    Args:
        use_scale: learn a per-feature vector that scales the scores.
        dropout: dropout rate on the attention distribution.
        seed: seed of the dropout (kept in the config).

    Call arguments:
        As `Attention`: `inputs`, `mask`, `training`,
        `return_attention_scores`, `use_causal_mask`.

    Example:
    >>> import lamina
    >>> q, v = np.ones((1, 2, 4)), np.ones((1, 3, 4))
    >>> lamina.layers.AdditiveAttention()([q, v]).shape
    torch.Size([1, 2, 4])
    """

    def __init__(
        self,
        use_scale: bool = True,
        dropout: float = 0.0,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(use_scale=use_scale, dropout=dropout, seed=seed, **kwargs)

    def build(self, input_shape: Any) -> None:
        self.scale = None
        self.concat_score_weight = None
        if self.use_scale:
            dim = input_shape[0][-1]
            self.scale = self.add_weight(
                shape=(dim,), initializer="glorot_uniform", name="scale"
            )
        self.built = True

    def _calculate_scores(self, query: torch.Tensor, key: torch.Tensor) -> torch.Tensor:
        pairs = torch.tanh(query.unsqueeze(-2) + key.unsqueeze(-3))  # (B, Tq, Tv, dim)
        if self.scale is not None:
            pairs = pairs * self.scale
        return pairs.sum(dim=-1)

    def _fused(self, return_attention_scores: bool) -> bool:
        return False

    def get_config(self) -> dict:
        config = super().get_config()
        del config["score_mode"]
        return config
