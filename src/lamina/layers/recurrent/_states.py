"""Recurrent state structures: zero states, nested `where`, the masked step loop."""

from __future__ import annotations

from typing import Any

import torch


def zero_states(state_size: Any, batch: int, like: torch.Tensor) -> list:
    """Zero states shaped like `state_size` (an int, or a nested list of ints).

    The top level is always a list: `[h]` for an int state size.
    """
    if isinstance(state_size, int):
        return [_zeros(state_size, batch, like)]
    return [_zero_tree(s, batch, like) for s in state_size]


def _zero_tree(size: Any, batch: int, like: torch.Tensor) -> Any:
    if isinstance(size, int):
        return _zeros(size, batch, like)
    return [_zero_tree(s, batch, like) for s in size]


def _zeros(size: int, batch: int, like: torch.Tensor) -> torch.Tensor:
    return torch.zeros(batch, size, device=like.device, dtype=like.dtype)


def flat(states: Any) -> list:
    """The tensors of a nested state structure, in order."""
    if isinstance(states, (list, tuple)):
        return [t for s in states for t in flat(s)]
    return [states]


def tree_map(fn: Any, *trees: Any) -> Any:
    """Applies `fn` leaf-wise over nested lists of the same structure."""
    if isinstance(trees[0], (list, tuple)):
        return [tree_map(fn, *leaves) for leaves in zip(*trees, strict=True)]
    return fn(*trees)


def step_loop(
    step: Any,
    x: torch.Tensor,
    states: list,
    mask: torch.Tensor | None,
    zero_output_for_mask: bool,
) -> tuple[torch.Tensor, list]:
    """Runs `step(x_t, states) -> (output, states)` over the time axis of `x`.

    Masked steps (Keras semantics) keep the previous states and repeat the
    previous output (zeros before any unmasked step), or output zeros when
    `zero_output_for_mask`.

    Returns:
        The (batch, time, units) output sequence and the final states.
    """
    outputs: list[torch.Tensor] = []
    prev = None
    for t in range(x.shape[1]):
        out, new = step(x[:, t], states)
        new = new if isinstance(new, (list, tuple)) else [new]
        if mask is not None:
            m = mask[:, t, None]
            if prev is None or zero_output_for_mask:
                prev = torch.zeros_like(out)
            out = torch.where(m, out, prev)
            new = tree_map(lambda n, s, m=m: torch.where(m, n, s), list(new), states)
        prev, states = out, list(new)
        outputs.append(out)
    return torch.stack(outputs, dim=1), states
