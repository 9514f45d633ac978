"""Groups an update's variables by (device, dtype) for multi-tensor kernels.

`torch._foreach_*` kernels need every tensor of one call on one device with
one dtype. A plan is computed once per pattern of present gradients and
cached, so a training step only gathers its gradients into the groups.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, cast

import numpy as np
import torch

# Keras computes step scalars (bias corrections) in the variable's dtype; numpy
# scalars of that dtype reproduce its rounding on the host.
_SCALAR_TYPES = {torch.float16: np.float16, torch.float64: np.float64}

# Above this many elements in a group, out-of-place results go to buffers kept
# between steps. A fresh allocation of a megabyte or more is fresh pages from
# the OS, and faulting them in costs more than the arithmetic: on one CPU
# thread, `_foreach_sqrt` over the Dense-512 model's moments (0.5M elements)
# takes 1.5 ms against 0.4 ms written into kept buffers, and a third of Adam's
# update on a 38M-parameter model. Below it, one multi-tensor call is cheaper
# than a call per tensor.
_REUSE_NUMEL = 1 << 15

_FOREACH: dict[Callable, Callable] = {
    torch.add: torch._foreach_add,
    torch.addcmul: torch._foreach_addcmul,
    torch.mul: torch._foreach_mul,
    torch.sqrt: torch._foreach_sqrt,
}


class Group:
    """Variables of one (device, dtype) with their optimizer slots.

    Attributes:
        positions: where each variable's gradient sits in the list given to
            `apply`.
        indices: each variable's index among the optimizer's built variables.
        params: the variables.
        slots: slot name -> one slot tensor per variable.
        decay: the variables that take weight decay.
        dtype: the group's dtype.
        real: the numpy scalar type in which Keras computes this group's step
            scalars (`np.float32` for float32 and bfloat16).
    """

    __slots__ = (
        "_reuse",
        "_scratch",
        "decay",
        "dtype",
        "indices",
        "params",
        "positions",
        "real",
        "slots",
    )

    def __init__(self, dtype: torch.dtype) -> None:
        self.positions: list[int] = []
        self.indices: list[int] = []
        self.params: list[torch.Tensor] = []
        self.slots: dict[str, list[torch.Tensor]] = {}
        self.decay: list[torch.Tensor] = []
        self.dtype = dtype
        self.real = _SCALAR_TYPES.get(dtype, np.float32)
        self._scratch: list[list[torch.Tensor]] = []
        self._reuse: bool | None = None

    def elementwise(
        self,
        buffer: int,
        op: Callable,
        first: list[torch.Tensor],
        *rest: Any,
        **kwargs: Any,
    ) -> list[torch.Tensor]:
        """Returns `[op(t, *rest_i) for t in first]`, out of place.

        Large groups write into scratch buffer set number `buffer`, reused on
        every step (so a result is valid until the next call with the same
        number); small ones take one multi-tensor call. `rest` holds scalars or
        lists of tensors paired with `first`.

        Args:
            buffer: which scratch set to write into.
            op: `torch.add`, `torch.addcmul`, `torch.mul` or `torch.sqrt`.
            first: the tensors, one per variable.
            *rest: the op's further arguments.
            **kwargs: keyword arguments of the op (`alpha`, `value`).
        """
        if self._reuse is None:
            self._reuse = sum(p.numel() for p in self.params) >= _REUSE_NUMEL
        if not self._reuse:
            return _FOREACH[op](first, *rest, **kwargs)
        while len(self._scratch) <= buffer:
            self._scratch.append([torch.empty_like(p) for p in self.params])
        out = self._scratch[buffer]
        for i, (o, t) in enumerate(zip(out, first, strict=True)):
            args = [r[i] if isinstance(r, list) else r for r in rest]
            op(t, *args, out=o, **kwargs)
        return out

    def gather(self, grads: Sequence[torch.Tensor | None]) -> list[torch.Tensor]:
        """Returns this group's gradients, cast to the group's dtype.

        `grads` may hold `None` for variables without a gradient: the plan's
        positions never point at those.
        """
        dtype = self.dtype
        out = [cast(torch.Tensor, grads[p]) for p in self.positions]
        return [g if g.dtype == dtype else g.to(dtype) for g in out]


def make_plan(
    positions: Sequence[int],
    indices: Sequence[int],
    variables: Sequence[torch.Tensor],
    slots: Sequence[dict[str, torch.Tensor]],
    use_decay: Callable[[torch.Tensor], bool],
) -> list[Group]:
    """Splits variables into groups by (device, dtype).

    Args:
        positions: each variable's position in the gradient list.
        indices: each variable's index among the built variables.
        variables: the built variables.
        slots: per built variable, its slot tensors by name.
        use_decay: whether a variable takes weight decay.

    Returns:
        The groups, in order of first appearance.
    """
    groups: dict[tuple[torch.device, torch.dtype], Group] = {}
    for position, index in zip(positions, indices, strict=True):
        var = variables[index]
        group = groups.setdefault((var.device, var.dtype), Group(var.dtype))
        group.positions.append(position)
        group.indices.append(index)
        group.params.append(var)
        for name, slot in slots[index].items():
            group.slots.setdefault(name, []).append(slot)
        if use_decay(var):
            group.decay.append(var)
    return list(groups.values())
