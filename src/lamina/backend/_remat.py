"""Rematerialization: `remat(f)` and `RematScope`, on PyTorch's activation
checkpointing (`torch.utils.checkpoint.checkpoint`, non-reentrant).

A rematerialized function keeps only its inputs for the backward pass and runs
again there to rebuild what the gradients need: less memory, more compute.

`RematScope` is a per-thread stack, as Keras's. A layer reads the innermost
scope once, when it is constructed (Keras's rule); the layers' side of the
contract is in `lamina.layers._remat`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any, NamedTuple

import torch
from torch.utils.checkpoint import checkpoint

MODES = ("full", "activations", "larger_than", "list_of_layers", None)


class RematMode(NamedTuple):
    """The settings of the scope a layer was made in."""

    mode: str | None
    output_size_threshold: int
    layer_names: list


class _Stack(threading.local):
    def __init__(self) -> None:
        self.scopes: list[RematScope] = []


_LOCAL = _Stack()


class RematScope:
    """Rematerializes the layers constructed inside it (gradient checkpointing).

    Rematerialization trades compute for memory: a rematerialized layer keeps
    only its inputs for the backward pass and runs its `call` again there to
    rebuild the activations its gradients need. Outputs and gradients are the
    same; the backward pass holds less memory.

    A layer takes the innermost scope's settings when it is constructed and
    keeps them: calling it later, inside or outside any scope, changes nothing.
    Only calls that record gradients are rematerialized. Under
    `jit_compile=True`, layers holding state (moving statistics, seeded
    generators) are not, so that their state changes once per step.

    Args:
        mode: which layers to rematerialize.
            - `"full"`: every layer.
            - `"activations"`: only the `activation` of layers that have one
              (`Dense(..., activation="relu")`, `Activation`).
            - `"larger_than"`: layers whose outputs hold more than
              `output_size_threshold` elements (batch included).
            - `"list_of_layers"`: the layers whose name is in `layer_names`.
            - `None`: none (switches an outer scope off).
        output_size_threshold: the element count for `"larger_than"`.
        layer_names: the layer names for `"list_of_layers"`.

    Raises:
        ValueError: for an unknown `mode`, a negative `output_size_threshold`
            or `layer_names` that is not a list of names.

    Example:
    >>> import lamina
    >>> with lamina.RematScope(mode="list_of_layers", layer_names=["big"]):
    ...     big = lamina.layers.Dense(8, name="big")
    ...     small = lamina.layers.Dense(8, name="small")
    >>> big._remat_mode.mode, small._remat_mode.mode
    ('list_of_layers', 'list_of_layers')
    >>> lamina.layers.Dense(8)._remat_mode is None
    True
    """

    def __init__(
        self,
        mode: str | None = "full",
        output_size_threshold: int = 1024,
        layer_names: list[str] | None = None,
    ) -> None:
        if mode not in MODES:
            raise ValueError(
                f"Invalid mode '{mode}' for `RematScope`. Supported modes are: "
                "'full', 'activations', 'larger_than', 'list_of_layers', or None. "
                f"Received: mode={mode!r}"
            )
        if (
            isinstance(output_size_threshold, bool)
            or not isinstance(output_size_threshold, int)
            or output_size_threshold < 0
        ):
            raise ValueError(
                "`output_size_threshold` must be a non-negative integer (an "
                f"element count). Received: output_size_threshold="
                f"{output_size_threshold!r}"
            )
        if isinstance(layer_names, str) or not all(
            isinstance(n, str) for n in layer_names or []
        ):
            raise ValueError(
                "`layer_names` must be a list of layer names, e.g. "
                f"['dense_1']. Received: layer_names={layer_names!r}"
            )
        self.mode = mode
        self.output_size_threshold = output_size_threshold
        self.layer_names = list(layer_names or [])
        self._pop_on_exit = False

    def __enter__(self) -> RematScope:
        _LOCAL.scopes.append(self)
        self._pop_on_exit = True
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._pop_on_exit:
            _LOCAL.scopes.remove(self)
            self._pop_on_exit = False

    def __repr__(self) -> str:
        return (
            f"RematScope(mode={self.mode!r}, output_size_threshold="
            f"{self.output_size_threshold}, layer_names={self.layer_names!r})"
        )


def get_current_remat_mode() -> RematMode | None:
    """The innermost `RematScope`'s settings, or None outside any scope or
    inside a `RematScope(mode=None)`."""
    if not _LOCAL.scopes:
        return None
    scope = _LOCAL.scopes[-1]
    if scope.mode is None:
        return None
    return RematMode(scope.mode, scope.output_size_threshold, scope.layer_names)


def remat(f: Callable) -> Callable:
    """Wraps `f` so that its activations are recomputed in the backward pass.

    The wrapped function returns what `f` returns. When gradients are recorded
    it runs `f` under `torch.utils.checkpoint.checkpoint` (non-reentrant):
    autograd keeps only the inputs, and runs `f` again during the backward pass
    to rebuild the intermediate results. PyTorch's random state is replayed, so
    `f` may draw random numbers (dropout).

    Args:
        f: a callable of tensors (a function, a layer's `call`).

    Returns:
        A callable with `f`'s signature.

    Raises:
        TypeError: when `f` is not callable.

    Example:
    >>> import torch, lamina
    >>> def block(x):
    ...     return torch.tanh(x) * x
    >>> x = torch.ones(3, requires_grad=True)
    >>> lamina.remat(block)(x).sum().backward()
    >>> x.grad
    tensor([1.1816, 1.1816, 1.1816])
    """
    return remat_with_state(f, None)


def remat_with_state(f: Callable, state: Callable | None) -> Callable:
    """`remat(f)`, where `state()` lists the objects whose values `f` reads and
    changes besides its arguments (buffers, random generators): the recompute
    starts from their values at the forward pass and leaves them as it found
    them, so moving statistics update once and seeded masks repeat. Under
    `torch.compile` (which refuses that replay) such a call runs plainly."""
    if not callable(f):
        raise TypeError(
            f"`remat` expects a callable (a function or a layer). Received: "
            f"{f!r} of type {type(f).__name__}"
        )

    def rematerialized(*args: Any, **kwargs: Any) -> Any:
        if not torch.is_grad_enabled() or _on_meta(args, kwargs):
            return f(*args, **kwargs)  # nothing is kept for a backward pass
        holders = state() if state is not None else ()
        if not holders:
            return checkpoint(f, *args, use_reentrant=False, **kwargs)
        if torch.compiler.is_compiling():
            # dynamo refuses a `context_fn`, and a compiled recompute would
            # change the state a second time: such a call is not rematerialized.
            return f(*args, **kwargs)
        return checkpoint(
            f,
            *args,
            use_reentrant=False,
            context_fn=lambda: _replay_contexts(holders),
            **kwargs,
        )

    rematerialized.__wrapped__ = f  # type: ignore[attr-defined]
    rematerialized.__name__ = getattr(f, "__name__", "rematerialized")
    rematerialized.__doc__ = getattr(f, "__doc__", None)
    return rematerialized


def _on_meta(args: tuple, kwargs: dict) -> bool:
    """Shape inference runs layers on `meta` tensors: nothing to checkpoint."""
    for x in (*args, *kwargs.values()):
        if isinstance(x, torch.Tensor):
            return x.is_meta
        if isinstance(x, (list, tuple)) and x and isinstance(x[0], torch.Tensor):
            return x[0].is_meta
    return False


def _read(holder: Any) -> Any:
    if isinstance(holder, torch.Tensor):
        return holder.detach().clone()
    if isinstance(holder, torch.Generator):
        return holder.get_state()
    return holder._state  # a lamina SeedGenerator: an immutable (seed, counter)


def _write(holder: Any, value: Any) -> None:
    if isinstance(holder, torch.Tensor):
        with torch.no_grad():
            holder.copy_(value)
    elif isinstance(holder, torch.Generator):
        holder.set_state(value)
    else:
        holder._state = value


def _replay_contexts(
    holders: tuple,
) -> tuple[AbstractContextManager, AbstractContextManager]:
    """checkpoint's `context_fn`: the forward pass notes the state's values; the
    recompute starts from them and restores the values it found."""
    at_forward = [_read(h) for h in holders]

    @contextmanager
    def recompute() -> Iterator[None]:
        now = [_read(h) for h in holders]
        changed = [
            i
            for i, h in enumerate(holders)
            if not _same(now[i], at_forward[i], isinstance(h, torch.Tensor))
        ]
        for i in changed:
            _write(holders[i], at_forward[i])
        try:
            yield
        finally:
            for i in changed:
                _write(holders[i], now[i])

    return nullcontext(), recompute()


def _same(a: Any, b: Any, tensor: bool) -> bool:
    if tensor:
        return a.shape == b.shape and bool(torch.equal(a, b))
    if isinstance(a, torch.Tensor):
        return bool(torch.equal(a, b))
    return a == b
