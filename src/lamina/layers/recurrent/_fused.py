"""PyTorch's fused recurrent kernels (`torch.lstm`, `torch.gru`, `torch.rnn_*`).

Weights stay in Keras's layout; the flat weight list PyTorch wants is built
from transposed views. Masks that are right-padded (each row a run of ones then
zeros) go through `pack_padded_sequence`; other masks take the step loop.
"""

from __future__ import annotations

from typing import Any

import torch
from torch.nn.utils.rnn import PackedSequence, pack_padded_sequence, pad_packed_sequence

_KERNELS = {
    "lstm": torch.lstm,
    "gru": torch.gru,
    "rnn_tanh": torch.rnn_tanh,
    "rnn_relu": torch.rnn_relu,
}


def run_kernel(
    kind: str, x: torch.Tensor, states: list, params: list, lengths: Any = None
) -> tuple[torch.Tensor, list]:
    """Runs one fused layer over `x` (batch, time, features), batch first.

    Args:
        kind: `"lstm"`, `"gru"`, `"rnn_tanh"` or `"rnn_relu"`.
        x: the input sequence.
        states: initial states, each (batch, units): `[h, c]` for LSTM, `[h]` else.
        params: `[w_ih, w_hh]` or `[w_ih, w_hh, b_ih, b_hh]`, PyTorch's layout.
        lengths: CPU int64 lengths for right-padded sequences, or None.

    Returns:
        The output sequence (zeros past each length) and the final states.
    """
    fn = _KERNELS[kind]
    has_bias = len(params) == 4
    if lengths is None:
        out = fn(x, _hx(kind, states), params, has_bias, 1, 0.0, True, False, True)
        return out[0], [s.squeeze(0) for s in out[1:]]
    packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
    order = packed.sorted_indices
    hx = _hx(kind, [s.index_select(0, order) for s in states])
    out = fn(packed.data, packed.batch_sizes, hx, params, has_bias, 1, 0.0, True, False)
    seq = PackedSequence(out[0], packed.batch_sizes, order, packed.unsorted_indices)
    seq = pad_packed_sequence(seq, batch_first=True, total_length=x.shape[1])[0]
    back = packed.unsorted_indices
    return seq, [s.squeeze(0).index_select(0, back) for s in out[1:]]


def _hx(kind: str, states: list) -> Any:
    hx = tuple(s.unsqueeze(0) for s in states)  # (layers=1, batch, units)
    return hx if kind == "lstm" else hx[0]


def right_padded_lengths(mask: torch.Tensor) -> torch.Tensor | None:
    """Lengths (CPU) when every row of `mask` is ones then zeros, else None.

    A row with no step at all is refused too (the packed kernels need one).
    One host synchronisation: far cheaper than a Python loop over time.
    """
    if mask.device.type == "meta":
        return None
    ok = bool((mask[:, 1:] <= mask[:, :-1]).all() & mask[:, 0].all())
    return mask.sum(dim=1).cpu() if ok else None


def run_masked(
    kind: str,
    x: torch.Tensor,
    states: list,
    params: list,
    lengths: torch.Tensor,
    go_backwards: bool,
) -> tuple[torch.Tensor, list]:
    """Keras's masked recurrence for right-padded masks, on the packed kernel.

    With `go_backwards`, Keras reads the reversed sequence, whose padding comes
    first: those steps keep the initial state and output zeros, then the valid
    steps run in reverse order. Here each row's valid part is reversed in place,
    run packed, and the outputs are shifted to the end of the row.
    """
    if not go_backwards:
        return run_kernel(kind, x, states, params, lengths)
    T = x.shape[1]
    t = torch.arange(T, device=x.device)
    n = lengths.to(x.device)[:, None]  # (batch, 1)
    rev = torch.where(t < n, n - 1 - t, t)  # reverse each valid prefix
    x = x.gather(1, rev[..., None].expand(-1, -1, x.shape[2]))
    seq, states = run_kernel(kind, x, states, params, lengths)
    shift = (t - T + n) % T  # positions before T - n land on zero padding
    seq = seq.gather(1, shift[..., None].expand(-1, -1, seq.shape[2]))
    return seq, states
