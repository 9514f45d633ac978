"""More neural-network ops: normalizations, attention, CTC, metrics helpers.

Half-precision inputs to the normalizations are computed in float32 and
returned in their own dtype, as in Keras.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import torch
import torch.nn.functional as F

from lamina.backend import epsilon as _default_epsilon
from lamina.ops._convert import float_tensor, promote, to_tensor
from lamina.ops._indexing import one_hot


def batch_normalization(
    x: Any,
    mean: Any,
    variance: Any,
    axis: int,
    offset: Any = None,
    scale: Any = None,
    epsilon: float = 0.001,
) -> torch.Tensor:
    """`(x - mean) / sqrt(variance + epsilon) * scale + offset` along `axis`.

    Args:
        x: input tensor.
        mean: 1-D mean, one value per entry of `x`'s `axis`.
        variance: 1-D variance, same shape as `mean`.
        axis: the feature axis of `x`.
        offset: optional 1-D shift (beta).
        scale: optional 1-D scale (gamma).
        epsilon: added to the variance.
    """
    x = float_tensor(x)
    shape = [1] * x.ndim
    shape[axis] = -1

    def param(v: Any, default: float) -> torch.Tensor:
        if v is None:
            return torch.tensor(default, dtype=x.dtype, device=x.device)
        return to_tensor(v, device=x.device).to(x.dtype).reshape(shape)

    inv = torch.rsqrt(param(variance, 0.0) + epsilon) * param(scale, 1.0)
    return (x - param(mean, 0.0)) * inv + param(offset, 0.0)


def _axes_list(axis: Any, ndim: int) -> list[int]:
    """`axis` as a sorted list of non-negative ints."""
    axes = [axis] if isinstance(axis, int) else list(axis)
    return sorted(a % ndim for a in axes)


def _compute(x: Any) -> tuple[torch.Tensor, torch.dtype]:
    """`x` in at least float32, and its original dtype."""
    x = float_tensor(x)
    wide = torch.promote_types(x.dtype, torch.float32)
    return x.to(wide), x.dtype


def _param_for(v: Any, x: torch.Tensor, axes: list[int]) -> torch.Tensor | None:
    """A scale/shift reshaped to broadcast over `x` along `axes`."""
    if v is None:
        return None
    v = to_tensor(v, device=x.device).to(x.dtype)
    if v.ndim == x.ndim or axes == [x.ndim - 1]:
        return v
    shape = [x.shape[a] if a in axes else 1 for a in range(x.ndim)]
    return v.reshape(shape)


def layer_normalization(
    x: Any,
    gamma: Any = None,
    beta: Any = None,
    axis: Any = -1,
    epsilon: float | None = None,
    **kwargs: Any,
) -> torch.Tensor:
    """Normalizes `x` to zero mean and unit variance over `axis`; scales and shifts.

    Args:
        x: input tensor.
        gamma: optional scale, shaped like the normalized axes.
        beta: optional shift, shaped like the normalized axes.
        axis: the axis or axes to normalize over.
        epsilon: added to the variance (`backend.epsilon()` by default).
        **kwargs: `rms_scaling=True` divides by the standard deviation only.
    """
    eps = _default_epsilon() if epsilon is None else epsilon
    x, dtype = _compute(x)
    axes = _axes_list(axis, x.ndim)
    gamma, beta = _param_for(gamma, x, axes), _param_for(beta, x, axes)
    var = torch.var(x, dim=axes, keepdim=True, correction=0)
    if kwargs.get("rms_scaling"):
        out = x * torch.rsqrt(var + eps)
        return (out if gamma is None else out * gamma).to(dtype)
    mean = torch.mean(x, dim=axes, keepdim=True)
    out = (x - mean) * torch.rsqrt(var + eps)
    if gamma is not None:
        out = out * gamma
    if beta is not None:
        out = out + beta
    return out.to(dtype)


def rms_normalization(
    x: Any, scale: Any = None, axis: Any = -1, epsilon: float | None = None
) -> torch.Tensor:
    """`x / sqrt(mean(x ** 2) + epsilon) * scale` over `axis`."""
    eps = _default_epsilon() if epsilon is None else epsilon
    x, dtype = _compute(x)
    axes = _axes_list(axis, x.ndim)
    out = x * torch.rsqrt(torch.mean(x.square(), dim=axes, keepdim=True) + eps)
    scale = _param_for(scale, x, axes)
    return (out if scale is None else out * scale).to(dtype)


def polar(abs_: Any, angle: Any) -> torch.Tensor:
    """The complex number with magnitude `abs_` and phase `angle`."""
    magnitude, phase = promote(float_tensor(abs_), float_tensor(angle))
    return torch.polar(magnitude, phase)


def psnr(x1: Any, x2: Any, max_val: Any) -> torch.Tensor:
    """Peak signal-to-noise ratio: `20 log10(max_val) - 10 log10(mse)`.

    Raises:
        ValueError: when the shapes differ.
    """
    a, b = promote(float_tensor(x1), x2)
    if a.shape != b.shape:
        raise ValueError(
            "`psnr` needs inputs of the same shape. Received: "
            f"x1.shape={tuple(a.shape)}, x2.shape={tuple(b.shape)}"
        )
    mse = torch.mean((a - b).square())
    peak = torch.as_tensor(max_val, dtype=a.dtype, device=a.device)
    return 20 * torch.log10(peak) - 10 * torch.log10(mse)


def in_top_k(targets: Any, predictions: Any, k: int) -> torch.Tensor:
    """Whether each target's prediction is among the `k` largest of its row."""
    predictions = to_tensor(predictions)
    targets = to_tensor(targets, device=predictions.device).long()
    kth = torch.topk(predictions, k, dim=-1).values[..., -1:]
    picked = torch.take_along_dim(predictions, targets[:, None], dim=-1)
    return (picked >= kth).squeeze(-1)


def cdist(x: Any, y: Any) -> torch.Tensor:
    """Euclidean distances between the rows of `x` and `y` (batched)."""
    a, b = promote(float_tensor(x), y)
    if a.ndim < 2 or b.ndim < 2 or a.shape[-1] != b.shape[-1]:
        raise ValueError(
            "`cdist` needs inputs of rank >= 2 with the same last axis. Received: "
            f"x.shape={tuple(a.shape)}, y.shape={tuple(b.shape)}"
        )
    diff = a.unsqueeze(-2) - b.unsqueeze(-3)
    return torch.sqrt(torch.sum(diff * diff, dim=-1))


def multi_hot(
    inputs: Any,
    num_classes: int | None = None,
    axis: int = -1,
    dtype: Any = None,
    sparse: bool = False,
    **kwargs: Any,
) -> torch.Tensor:
    """Encodes each row of integer labels as one vector with 1 at every label.

    Raises:
        ValueError: for `sparse=True` or a missing `num_classes`.
    """
    num_classes = kwargs.pop("num_tokens", num_classes)
    if sparse:
        raise ValueError("lamina tensors are dense: `multi_hot` needs sparse=False.")
    if num_classes is None:
        raise ValueError("`multi_hot` needs `num_classes`.")
    x = to_tensor(inputs)
    hot = one_hot(x.to(torch.int32), num_classes, axis=axis, dtype=dtype)
    return torch.amax(hot, dim=1 if x.ndim > 1 else 0)


def dot_product_attention(
    query: Any,
    key: Any,
    value: Any,
    bias: Any = None,
    mask: Any = None,
    scale: float | None = None,
    is_causal: bool = False,
    flash_attention: bool | None = None,
    attn_logits_soft_cap: float | None = None,
) -> torch.Tensor:
    """Scaled dot-product attention on `(batch, seq, heads, dim)` tensors.

    `softmax(q k^T * scale + bias, masked) v`, with `scale = 1 / sqrt(dim)`
    by default. Fewer key/value heads than query heads are repeated
    (grouped-query attention).

    Raises:
        ValueError: for inputs that are not 4-D, or both `bias` and `mask`.
    """
    q, k, v = promote(float_tensor(query), key, value)
    if q.ndim != 4 or k.ndim != 4 or v.ndim != 4:
        raise ValueError(
            "`dot_product_attention` needs 4-D (batch, seq, heads, dim) inputs. "
            f"Received: query.shape={tuple(q.shape)}, key.shape={tuple(k.shape)}, "
            f"value.shape={tuple(v.shape)}"
        )
    if bias is not None and mask is not None:
        raise ValueError(
            "Pass only one of `bias` and `mask` to `dot_product_attention`."
        )
    q, k, v = (t.transpose(1, 2) for t in (q, k, v))  # (batch, heads, seq, dim)
    if q.shape[1] > k.shape[1] > 1:
        groups = q.shape[1] // k.shape[1]
        k, v = k.repeat_interleave(groups, 1), v.repeat_interleave(groups, 1)
    scale = 1.0 / float(q.shape[-1]) ** 0.5 if scale is None else scale
    logits = torch.matmul(q, k.transpose(-1, -2)) * scale
    if bias is not None:
        logits = logits + to_tensor(bias, device=q.device).to(q.dtype)
    if attn_logits_soft_cap is not None:
        logits = torch.tanh(logits / attn_logits_soft_cap) * attn_logits_soft_cap
    keep = _attention_mask(mask, is_causal, logits.shape[-2:], q.device)
    if keep is not None:
        logits = logits.masked_fill(~keep, torch.finfo(logits.dtype).min)
    weights = torch.softmax(logits.float(), dim=-1).to(q.dtype)
    return torch.matmul(weights, v).transpose(1, 2)


def _attention_mask(
    mask: Any, is_causal: bool, shape: Sequence[int], device: Any
) -> torch.Tensor | None:
    """The positions to keep: `mask` and, when causal, the lower triangle."""
    keep = None if mask is None else to_tensor(mask, device=device).to(torch.bool)
    if is_causal:
        causal = torch.ones(tuple(shape), dtype=torch.bool, device=device).tril()
        keep = causal if keep is None else keep & causal
    return keep


def ctc_loss(
    target: Any,
    output: Any,
    target_length: Any,
    output_length: Any,
    mask_index: int = 0,
) -> torch.Tensor:
    """Connectionist temporal classification loss per sequence.

    Args:
        target: `(batch, max_label_length)` integer labels.
        output: `(batch, time, classes)` logits.
        target_length: `(batch,)` label lengths.
        output_length: `(batch,)` output lengths.
        mask_index: the blank class.
    """
    logits = float_tensor(output)
    logits = logits.to(torch.promote_types(logits.dtype, torch.float32))
    log_probs = F.log_softmax(logits.transpose(0, 1), dim=-1)
    device = logits.device
    return F.ctc_loss(
        log_probs,
        to_tensor(target, device=device).long(),
        to_tensor(output_length, device=device).long(),
        to_tensor(target_length, device=device).long(),
        blank=mask_index,
        reduction="none",
        zero_infinity=False,
    )


def ctc_decode(
    inputs: Any,
    sequence_lengths: Any,
    strategy: str = "greedy",
    beam_width: int = 100,
    top_paths: int = 1,
    merge_repeated: bool = True,
    mask_index: int = 0,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Decodes CTC outputs: greedily, or by prefix beam search.

    Args:
        inputs: `(batch, time, classes)` scores (logits or log-probabilities).
        sequence_lengths: `(batch,)` valid lengths.
        strategy: `"greedy"` (best class per step, repeats and blanks removed)
            or `"beam_search"` (the `top_paths` most probable label sequences,
            summing over their alignments, from `beam_width` prefixes).
        beam_width: prefixes kept per step for `"beam_search"`.
        top_paths: sequences returned per sample for `"beam_search"`.
        merge_repeated: merge repeated classes (greedy).
        mask_index: the blank class.

    Returns:
        `(paths, scores)`: paths `(top_paths, batch, time)` padded with -1;
        greedy scores are the negative summed best scores `(batch, 1)`, beam
        scores the log-probabilities of the sequences `(batch, top_paths)`.

    Raises:
        ValueError: for an unknown `strategy`.
    """
    if strategy == "beam_search":
        return _ctc_beam_search(
            inputs, sequence_lengths, beam_width, top_paths, mask_index
        )
    if strategy != "greedy":
        raise ValueError(
            f"`strategy` must be 'greedy' or 'beam_search'. Received: {strategy!r}"
        )
    x = float_tensor(inputs)
    x = x.to(torch.promote_types(x.dtype, torch.float32))
    lengths = to_tensor(sequence_lengths, device=x.device).long()
    _, steps, _ = x.shape
    scores, best = torch.max(x, dim=-1)
    best = best.to(torch.int32)
    beyond = torch.arange(steps, device=x.device)[None, :] >= lengths[:, None]
    best = best.masked_fill(beyond, mask_index)
    scores = scores.masked_fill(beyond, 0.0)
    if merge_repeated:
        repeat = F.pad(best[:, 1:] == best[:, :-1], (1, 0))
        best = best.masked_fill(repeat, mask_index)
    blank = best == mask_index
    order = torch.where(blank, steps, torch.arange(steps, device=x.device))
    order = torch.argsort(order, dim=-1, stable=True)
    paths = torch.take_along_dim(best.masked_fill(blank, -1), order, dim=-1)
    return paths[None], -scores.sum(dim=1, keepdim=True)


def _logsumexp(a: float, b: float) -> float:
    """`log(exp(a) + exp(b))` for Python floats (`-inf` allowed)."""
    if a == -math.inf:
        return b
    if b == -math.inf:
        return a
    top = max(a, b)
    return top + math.log1p(math.exp(-abs(a - b)))


def _prefix_beam(log_probs: list, blank: int, beam_width: int) -> dict:
    """CTC prefix beam search over one sequence of per-step log-probabilities.

    Each prefix keeps two log-scores: ending in a blank, and ending in its last
    label; the score of a prefix is their log-sum.
    """
    beams: dict[tuple, tuple[float, float]] = {(): (0.0, -math.inf)}
    for step in log_probs:
        nxt: dict[tuple, list[float]] = {}
        for prefix, (p_blank, p_label) in beams.items():
            total = _logsumexp(p_blank, p_label)
            for c, lp in enumerate(step):
                if c == blank:
                    entry = nxt.setdefault(prefix, [-math.inf, -math.inf])
                    entry[0] = _logsumexp(entry[0], total + lp)
                    continue
                longer = (*prefix, c)
                entry = nxt.setdefault(longer, [-math.inf, -math.inf])
                if prefix and prefix[-1] == c:
                    entry[1] = _logsumexp(entry[1], p_blank + lp)
                    same = nxt.setdefault(prefix, [-math.inf, -math.inf])
                    same[1] = _logsumexp(same[1], p_label + lp)
                else:
                    entry[1] = _logsumexp(entry[1], total + lp)
        ranked = sorted(nxt.items(), key=lambda kv: -_logsumexp(*kv[1]))
        beams = {k: (v[0], v[1]) for k, v in ranked[:beam_width]}
    return {k: _logsumexp(*v) for k, v in beams.items()}


def _ctc_beam_search(
    inputs: Any, sequence_lengths: Any, beam_width: int, top_paths: int, mask_index: Any
) -> tuple[torch.Tensor, torch.Tensor]:
    """`ctc_decode(strategy="beam_search")` (a Python loop over samples and steps)."""
    x = float_tensor(inputs)
    x = x.to(torch.promote_types(x.dtype, torch.float32))
    log_probs = F.log_softmax(x, dim=-1)
    batch, steps, classes = x.shape
    blank = classes - 1 if mask_index is None else int(mask_index)
    lengths = to_tensor(sequence_lengths).long().tolist()
    paths = torch.full(
        (top_paths, batch, steps), -1, dtype=torch.int32, device=x.device
    )
    scores = torch.full((batch, top_paths), -math.inf, dtype=x.dtype, device=x.device)
    for b in range(batch):
        found = _prefix_beam(log_probs[b, : lengths[b]].tolist(), blank, beam_width)
        best = sorted(found.items(), key=lambda kv: -kv[1])[:top_paths]
        for k, (prefix, score) in enumerate(best):
            if prefix:
                paths[k, b, : len(prefix)] = torch.tensor(prefix, dtype=torch.int32)
            scores[b, k] = score
    return paths, scores
