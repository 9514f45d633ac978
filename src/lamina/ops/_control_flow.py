"""Control flow: `cond`, `switch`, `while_loop`, `fori_loop`, `scan`, `map`, ...

PyTorch runs eagerly, so these are Python loops and branches over tensors:
gradients flow through every step. Nested inputs and carries may be any
`lamina.tree` structure.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import torch

from lamina import tree
from lamina.ops._convert import to_tensor


def _check_callable(name: str, fn: Any) -> None:
    """Raises `TypeError` when a function argument is not callable."""
    if not callable(fn):
        raise TypeError(f"`{name}` must be callable. Received: {name}={fn!r}")


def cond(pred: Any, true_fn: Callable[[], Any], false_fn: Callable[[], Any]) -> Any:
    """Returns `true_fn()` if `pred` holds, else `false_fn()`.

    On `meta` tensors (shape inference) the true branch is taken.
    """
    if isinstance(pred, torch.Tensor) and pred.device.type == "meta":
        return true_fn()
    return true_fn() if bool(pred) else false_fn()


def switch(index: Any, branches: Sequence[Callable[..., Any]], *operands: Any) -> Any:
    """Calls `branches[index](*operands)`; `index` is clamped to the branches."""
    if not branches:
        raise ValueError("`switch` needs at least one branch. Received: branches=[]")
    position = int(to_tensor(index))
    return branches[min(max(position, 0), len(branches) - 1)](*operands)


def while_loop(
    cond: Callable[..., Any],
    body: Callable[..., Any],
    loop_vars: Any,
    maximum_iterations: int | None = None,
) -> Any:
    """Runs `loop_vars = body(*loop_vars)` while `cond(*loop_vars)` holds.

    Args:
        cond: returns whether to continue, given the loop variables.
        body: returns the new loop variables.
        loop_vars: a tensor, or a tuple/list of loop variables.
        maximum_iterations: an optional bound on the number of steps.

    Returns:
        The final loop variables, in the form they were given.
    """
    _check_callable("cond", cond)
    _check_callable("body", body)
    several = isinstance(loop_vars, (tuple, list))
    state = tuple(loop_vars) if several else (loop_vars,)
    state = tree.map_structure(to_tensor, state)
    step = 0
    while (maximum_iterations is None or step < maximum_iterations) and bool(
        cond(*state)
    ):
        out = body(*state)
        state = tuple(out) if isinstance(out, (tuple, list)) else (out,)
        step += 1
    return state if several else state[0]


def fori_loop(
    lower: int, upper: int, body_fun: Callable[[int, Any], Any], init_val: Any
) -> Any:
    """Runs `val = body_fun(i, val)` for `i` in `range(lower, upper)`."""
    _check_callable("body_fun", body_fun)
    val = init_val
    for i in range(int(lower), int(upper)):
        val = body_fun(i, val)
    return val


def _stack(parts: list[Any]) -> Any:
    """Stacks a list of same-shaped structures of tensors leaf by leaf."""
    return tree.map_structure(lambda *leaves: torch.stack(leaves), *parts)


def scan(
    f: Callable[[Any, Any], tuple[Any, Any]],
    init: Any,
    xs: Any = None,
    length: int | None = None,
    reverse: bool = False,
    unroll: int | bool = 1,
) -> tuple[Any, Any]:
    """Scans `f(carry, x) -> (carry, y)` over the leading axis of `xs`.

    Args:
        f: the step function.
        init: the initial carry (any structure of tensors).
        xs: the sequence(s) to scan over, or `None` with `length`.
        length: the number of steps when `xs` is `None`.
        reverse: scan from the end.
        unroll: accepted for compatibility (a positive int or a bool).

    Returns:
        `(final_carry, stacked_ys)`.

    Raises:
        ValueError: when neither `xs` nor `length` is given, or `unroll` is bad.
    """
    _check_callable("f", f)
    if not isinstance(unroll, bool) and (not isinstance(unroll, int) or unroll < 1):
        raise ValueError(
            f"`unroll` must be a positive integer or a bool. Received: unroll={unroll}"
        )
    if xs is None and length is None:
        raise ValueError("`scan` needs `xs` to scan over, or a `length`.")
    xs_flat = [] if xs is None else [to_tensor(x) for x in tree.flatten(xs)]
    n = int(length) if length is not None else xs_flat[0].shape[0]
    carry = tree.map_structure(to_tensor, init)
    ys = []
    for i in reversed(range(n)) if reverse else range(n):
        x = None if xs is None else tree.pack_sequence_as(xs, [a[i] for a in xs_flat])
        carry, y = f(carry, x)
        ys.append(y)
    if reverse:
        ys.reverse()
    if not ys or ys[0] is None:
        return carry, None
    return carry, _stack(ys)


def map(f: Callable[[Any], Any], xs: Any) -> Any:
    """Applies `f` to each slice of `xs` along the leading axis; stacks results."""
    _check_callable("f", f)
    flat = [to_tensor(x) for x in tree.flatten(xs)]
    n = flat[0].shape[0]
    outs = [f(tree.pack_sequence_as(xs, [a[i] for a in flat])) for i in range(n)]
    return _stack(outs)


def vectorized_map(function: Callable[[Any], Any], elements: Any) -> Any:
    """Maps `function` over the leading axis of `elements` with `torch.vmap`."""
    _check_callable("function", function)
    return torch.vmap(function)(elements)


def vectorize(
    pyfunc: Callable[..., Any], *, excluded: Any = None, signature: str | None = None
) -> Callable[..., Any]:
    """numpy's `vectorize`: `pyfunc` applied element-wise (or per `signature` core).

    Raises:
        NotImplementedError: for `excluded`, which lamina does not support.
    """
    if excluded:
        raise NotImplementedError("`vectorize` does not support `excluded` in lamina.")
    _check_callable("pyfunc", pyfunc)

    def run(*args: Any) -> Any:
        tensors = [to_tensor(a) for a in args]
        core = _core_dims(signature, len(tensors))
        loops = [t.ndim - c for t, c in zip(tensors, core, strict=True)]
        batch = torch.broadcast_shapes(
            *(t.shape[:n] for t, n in zip(tensors, loops, strict=True))
        )
        expanded = [
            t.expand(*batch, *t.shape[n:]) for t, n in zip(tensors, loops, strict=True)
        ]
        fn = pyfunc
        for _ in batch:
            fn = torch.vmap(fn)
        return fn(*expanded)

    return run


def _core_dims(signature: str | None, count: int) -> list[int]:
    """The number of core axes of each input in a gufunc `signature`."""
    if signature is None:
        return [0] * count
    inputs = signature.split("->")[0]
    groups = inputs.replace(" ", "").strip("()").split("),(")
    return [0 if not g else len(g.split(",")) for g in groups]


def associative_scan(
    f: Callable[[Any, Any], Any], elems: Any, reverse: bool = False, axis: int = 0
) -> Any:
    """Inclusive scan with an associative `f` along `axis` (Hillis-Steele).

    `f(a, b)` combines two structures of slices; the result at position `i`
    is `f(...f(f(e0, e1), e2)..., ei)`.
    """
    _check_callable("f", f)
    flat = [to_tensor(e) for e in tree.flatten(elems)]
    n = flat[0].shape[axis]
    if any(e.shape[axis] != n for e in flat):
        raise ValueError(
            "Inputs to `associative_scan` must have the same size along `axis`. "
            f"Received shapes: {[tuple(e.shape) for e in flat]}"
        )
    if reverse:
        flat = [torch.flip(e, (axis,)) for e in flat]
    shift = 1
    while shift < n:
        earlier = [e.narrow(axis, 0, n - shift) for e in flat]
        later = [e.narrow(axis, shift, n - shift) for e in flat]
        combined = tree.flatten(
            f(
                tree.pack_sequence_as(elems, earlier),
                tree.pack_sequence_as(elems, later),
            )
        )
        flat = [
            torch.cat([e.narrow(axis, 0, shift), to_tensor(c)], dim=axis)
            for e, c in zip(flat, combined, strict=True)
        ]
        shift *= 2
    if reverse:
        flat = [torch.flip(e, (axis,)) for e in flat]
    return tree.pack_sequence_as(elems, flat)


class _CustomGradient(torch.autograd.Function):
    """Runs a `custom_gradient` forward and calls its gradient function."""

    @staticmethod
    def forward(ctx: Any, forward_fn: Callable[..., Any], *args: Any) -> Any:
        output, ctx.grad_fn = forward_fn(*args)
        return output

    @staticmethod
    def backward(ctx: Any, *upstream: Any) -> Any:
        grads = ctx.grad_fn(*upstream)
        grads = grads if isinstance(grads, (tuple, list)) else (grads,)
        return (None, *grads)


def custom_gradient(f: Callable[..., Any]) -> Callable[..., Any]:
    """Decorates `f(*args) -> (output, grad_fn)` to use `grad_fn` as its gradient.

    `grad_fn(upstream)` (Keras also passes `upstream=` by keyword) returns
    one gradient per positional argument of `f`.

    Example:

    >>> @custom_gradient
    ... def log1pexp(x):
    ...     e = torch.exp(x)
    ...     def grad(*args, upstream=None):
    ...         upstream = args[0] if upstream is None else upstream
    ...         return upstream * (1 - 1 / (1 + e))
    ...     return torch.log1p(e), grad
    >>> x = torch.tensor(100.0, requires_grad=True)
    >>> log1pexp(x).backward(); x.grad
    tensor(1.)
    """
    _check_callable("f", f)

    def wrapped(*args: Any) -> Any:
        def forward(*tensors: Any) -> Any:
            output, grad_fn = f(*tensors)

            def call_grad(*upstream: Any) -> Any:
                up = upstream[0] if len(upstream) == 1 else upstream
                return grad_fn(upstream=up)

            return output, call_grad

        tensors = [to_tensor(a) for a in args]
        return _CustomGradient.apply(forward, *tensors)

    wrapped.__name__ = getattr(f, "__name__", "custom_gradient")
    wrapped.__doc__ = f.__doc__
    return wrapped
