"""Metric-learning losses on embeddings: the Circle loss."""

from __future__ import annotations

from numbers import Real
from typing import Any

import torch
import torch.nn.functional as F

from lamina.losses._common import as_tensor, float_predictions, set_mask, shape_str
from lamina.losses.loss import LossFunctionWrapper


def _embeddings(x: Any, name: str, like: torch.Tensor | None = None) -> torch.Tensor:
    """`x` as a `(batch, dim)` float tensor (`like`'s dtype and device if given)."""
    x = float_predictions(x) if like is None else as_tensor(x, like.dtype, like.device)
    if x.dim() != 2:
        raise ValueError(
            f"`circle` expects `{name}` of shape (batch, embedding_dim), one "
            f"L2-normalized embedding per row. Received: {name}.shape="
            f"{shape_str(x.shape)}"
        )
    return x


def _labels(labels: Any, name: str, rows: int, device: torch.device) -> torch.Tensor:
    """Integer labels as a `(rows,)` int32 tensor (Keras casts them to int32)."""
    labels = as_tensor(labels, device=device)
    if labels.numel() != rows or (labels.dim() == 2 and labels.shape[1] != 1):
        raise ValueError(
            f"`circle` expects one integer label per embedding: `{name}` of shape "
            f"({rows},) or ({rows}, 1). Received: {name}.shape={shape_str(labels.shape)}"
        )
    return labels.reshape(-1).to(torch.int32)


def _pair_masks(
    labels: torch.Tensor, ref_labels: torch.Tensor, remove_diagonal: bool
) -> tuple[torch.Tensor, torch.Tensor]:
    """Boolean `(n, m)` masks of same-label (positive) and other-label pairs."""
    positive = labels[:, None] == ref_labels[None, :]
    negative = ~positive
    if remove_diagonal:  # an embedding is not its own positive
        eye = torch.eye(*positive.shape, dtype=torch.bool, device=positive.device)
        positive = positive & ~eye
    return positive, negative


def circle(
    y_true: Any,
    y_pred: Any,
    ref_labels: Any = None,
    ref_embeddings: Any = None,
    remove_diagonal: bool = True,
    gamma: float = 80,
    margin: float = 0.4,
) -> torch.Tensor:
    """Circle loss (Sun et al., 2020) of L2-normalized embeddings and integer labels.

    With cosine distances `d = max(1 - y_pred @ ref_embeddings.T, 0)`, each row
    `i` weighs its positive pairs (same label, not itself when
    `remove_diagonal`) and its negative pairs (other labels):

    `loss_i = softplus(logsumexp_pos(-gamma * max(margin + d, 0) * (margin - d))
    + logsumexp_neg(gamma * max(1 + margin - d, 0) * (1 - margin - d)))`.

    A row with no positive pair has loss 0, and the returned values carry a
    Keras mask (`loss > 0`): the mean reductions of `Circle` average over the
    rows with a positive pair only, as Keras does.

    Args:
        y_true: integer labels, shape `(batch,)` or `(batch, 1)`.
        y_pred: L2-normalized embeddings, shape `(batch, dim)`.
        ref_labels: labels of `ref_embeddings` (default `y_true`).
        ref_embeddings: L2-normalized reference embeddings, shape `(refs, dim)`
            (default `y_pred`).
        remove_diagonal: whether pair `(i, i)` is left out of the positives.
        gamma: scale of the similarity scores.
        margin: relaxation margin.

    Returns:
        Per-sample losses, shape `(batch,)`.

    Raises:
        ValueError: when the embeddings are not 2-D, their sizes disagree, or
            there is not one label per embedding.
    """
    y_pred = _embeddings(y_pred, "y_pred")
    y_true = _labels(y_true, "y_true", y_pred.shape[0], y_pred.device)
    if ref_embeddings is None:
        ref_embeddings = y_pred
    else:
        ref_embeddings = _embeddings(ref_embeddings, "ref_embeddings", like=y_pred)
    if ref_embeddings.shape[1] != y_pred.shape[1]:
        raise ValueError(
            "`y_pred` and `ref_embeddings` must have the same embedding size. "
            f"Received: y_pred.shape={shape_str(y_pred.shape)}, "
            f"ref_embeddings.shape={shape_str(ref_embeddings.shape)}"
        )
    refs = ref_embeddings.shape[0]
    if ref_labels is not None:
        ref_labels = _labels(ref_labels, "ref_labels", refs, y_pred.device)
    elif refs == y_true.shape[0]:
        ref_labels = y_true
    else:
        raise ValueError(
            "`ref_embeddings` with another number of rows than `y_pred` need "
            "`ref_labels`, one label per reference embedding. Received: "
            f"ref_embeddings.shape={shape_str(ref_embeddings.shape)}, "
            f"y_pred.shape={shape_str(y_pred.shape)}, ref_labels=None"
        )
    zero = torch.zeros((), dtype=y_pred.dtype, device=y_pred.device)
    dist = torch.maximum(1 - y_pred @ ref_embeddings.T, zero)  # (n, m) cosine
    positive, negative = _pair_masks(y_true, ref_labels, remove_diagonal)
    pos_weights = torch.maximum((margin + dist) * positive.to(dist.dtype), zero)
    neg_weights = torch.maximum((1 + margin - dist) * negative.to(dist.dtype), zero)
    pos_scores = -1 * gamma * pos_weights * (margin - dist)
    neg_scores = gamma * neg_weights * ((1 - margin) - dist)
    minus_inf = torch.tensor(float("-inf"), dtype=dist.dtype, device=dist.device)
    pos_loss = torch.logsumexp(torch.where(positive, pos_scores, minus_inf), dim=1)
    neg_loss = torch.logsumexp(torch.where(negative, neg_scores, minus_inf), dim=1)
    losses = F.softplus(pos_loss + neg_loss)
    return set_mask(losses, losses > 0)


def _number(name: str, value: Any) -> Real:
    """`value` unchanged (Keras's config keeps it as given), if it is a number."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ValueError(
            f"`{name}` of Circle must be a number. Received: {name}={value!r}"
        )
    return value


class Circle(LossFunctionWrapper):
    """Circle loss between integer labels and L2-normalized embeddings; see `circle`.

    The model should output embeddings without activation, followed by a
    `UnitNormalization` layer. Rows whose label has no other example in the
    batch have no positive pair: they are left out of the mean.

    Args:
        gamma: scale of the similarity scores (default 80).
        margin: relaxation margin (default 0.4).
        remove_diagonal: whether each embedding is left out of its own
            positives (default True).
        reduction: see `Loss`.
        name: defaults to `"circle"`.
        dtype: see `Loss`.

    Example:
    >>> import torch
    >>> emb = torch.nn.functional.normalize(torch.randn(6, 4), dim=1)
    >>> loss = Circle()(torch.tensor([0, 0, 1, 1, 2, 2]), emb)
    >>> loss.shape
    torch.Size([])
    """

    def __init__(
        self,
        gamma: float = 80.0,
        margin: float = 0.4,
        remove_diagonal: bool = True,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = "circle",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            circle,
            reduction=reduction,
            name=name,
            dtype=dtype,
            gamma=_number("gamma", gamma),
            margin=_number("margin", margin),
            remove_diagonal=remove_diagonal,
        )
        self.gamma = gamma
        self.margin = margin
        self.remove_diagonal = remove_diagonal


__all__ = ["Circle", "circle"]
