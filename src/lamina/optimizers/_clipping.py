"""Gradient clipping over groups of gradients, without host synchronisation."""

from __future__ import annotations

import torch


def clip_by_norm(grads: list[torch.Tensor], clipnorm: float) -> list[torch.Tensor]:
    """Scales each gradient to an L2 norm of at most `clipnorm`.

    `g * clipnorm / max(norm(g), clipnorm)`, per tensor.

    Args:
        grads: gradients of one device and dtype.
        clipnorm: the largest norm kept.

    Returns:
        New clipped gradients.
    """
    norms = torch._foreach_norm(grads)
    torch._foreach_clamp_min_(norms, clipnorm)
    torch._foreach_reciprocal_(norms)
    torch._foreach_mul_(norms, clipnorm)
    return list(torch._foreach_mul(grads, norms))


def clip_by_value(grads: list[torch.Tensor], clipvalue: float) -> list[torch.Tensor]:
    """Clamps every gradient element into `[-clipvalue, clipvalue]`."""
    out = list(torch._foreach_clamp_min(grads, -clipvalue))
    torch._foreach_clamp_max_(out, clipvalue)
    return out


def _squared_norm(grads: list[torch.Tensor]) -> torch.Tensor:
    """Returns the float32 sum of squares of all gradients of one group."""
    norms = torch.stack(torch._foreach_norm(grads)).float()
    return torch.dot(norms, norms)


def clip_by_global_norm(
    groups: list[list[torch.Tensor]], clipnorm: float
) -> list[list[torch.Tensor]]:
    """Scales all gradients together to a global L2 norm of at most `clipnorm`.

    The scale `clipnorm * min(1 / norm, 1 / clipnorm)` stays on the device; a
    NaN or infinite norm propagates into the gradients as in Keras.

    Args:
        groups: gradient lists, one per (device, dtype) group.
        clipnorm: the largest global norm kept.

    Returns:
        New clipped gradient lists.
    """
    device = groups[0][0].device
    total = torch.stack([_squared_norm(g).to(device) for g in groups if g]).sum()
    norm = torch.sqrt(total)
    scale = torch.clamp_max(torch.reciprocal(norm), 1.0 / clipnorm) * clipnorm
    scale = scale + (norm - norm)
    out = []
    for grads in groups:
        factor = scale.to(grads[0].device, grads[0].dtype) if grads else scale
        out.append(list(torch._foreach_mul(grads, factor)))
    return out
