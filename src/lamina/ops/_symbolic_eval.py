"""Output shapes of symbolic calls: run the code on stand-in tensors.

A symbolic call replaces every `KerasTensor` argument with a tensor whose
unknown (`None`) sizes are stand-in sizes, runs the function and reads the
output shapes. Three ways, the first that works wins:

1. **Zero samples.** An unknown batch axis becomes 0: real tensors with no
   elements, so the real weights serve and no arithmetic is done. Output axes
   of size 0 are the batch axis (`None`).
2. **Meta tensors** (shapes and dtypes, no data), for code that cannot run on
   0 samples (`x.reshape(-1, n)`, a known batch size). While they run,
   `_MetaMode` turns the real tensors that the code meets (weights, constants,
   `torch.zeros(...)` made inside `call`) into meta tensors where they are
   combined with meta ones. In-place updates of real tensors act on meta
   copies. (PyTorch's meta kernels import `torch._dynamo`, seconds of start-up:
   the reason this is not the first way.)
3. **A small real batch** of ones, for code that needs values (`.item()`,
   Python `if` on a tensor), as Keras's torch backend does.

Other unknown sizes get stand-ins too, and the call runs twice with two sets of
them: an output size that differs between the runs becomes `None`. Buffers
(moving statistics) are restored after real runs. Errors name the user's
shapes: stand-in sizes in a message become `None`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

import numpy as np
import torch
from torch.overrides import TorchFunctionMode

from lamina import backend
from lamina.backend import SeedGenerator
from lamina.ops._keras_tensor import KerasTensor, flatten, is_symbolic, map_structure

# Stand-in sizes for unknown dimensions, one per axis, two sets (see above).
# Sizes equal to a known size of the inputs or of a weight are skipped so that a
# stand-in in an error message can be told apart and shown as `None`.
_META_SIZES = (
    (97, 89, 83, 79, 73, 71, 67, 61, 113, 127),
    (59, 53, 47, 43, 41, 37, 31, 29, 131, 137),
)
# Batch sizes for the real fallback: small, so the real run is cheap.
_REAL_BATCH = ((3, 5, 7, 11, 13, 17, 19), (2, 4, 6, 10, 14, 22, 26))
_IN_PLACE = {
    "__setitem__",
    "__iadd__",
    "__isub__",
    "__imul__",
    "__itruediv__",
    "__ifloordiv__",
    "__ipow__",
    "__imatmul__",
}
_DEVICE_MOVES = {torch.Tensor.to, torch.Tensor.cpu, torch.Tensor.cuda}


class _State:
    """Whether a meta run is active, and whether real code is running inside
    it for a while (a sublayer's `build`)."""

    depth = 0
    suspended = 0


_STATE = _State()


class _MetaMode(TorchFunctionMode):
    """Turns real tensors into meta tensors where they meet meta tensors."""

    def __init__(self) -> None:
        super().__init__()
        self._cache: dict[int, tuple[torch.Tensor, torch.Tensor]] = {}

    def _meta(self, x: Any) -> Any:
        if isinstance(x, torch.Tensor) and x.device.type != "meta":
            hit = self._cache.get(id(x))
            if hit is None or hit[0] is not x:
                hit = (x, torch.empty_like(x, device="meta"))
                self._cache[id(x)] = hit
            return hit[1]
        if isinstance(x, (list, tuple)):
            return type(x)(self._meta(v) for v in x)
        if isinstance(x, dict):
            return {k: self._meta(v) for k, v in x.items()}
        return x

    def __torch_function__(
        self, func: Any, types: Any, args: tuple = (), kwargs: Any = None
    ) -> Any:
        kwargs = kwargs or {}
        if _STATE.suspended:
            return func(*args, **kwargs)
        if func in _DEVICE_MOVES and args and _has_meta(args[0]):
            return _move_meta(func, args, kwargs)
        if _has_meta((args, kwargs)) or _in_place(func, args):
            args, kwargs = self._meta(args), self._meta(kwargs)
        return func(*args, **kwargs)


def _has_meta(structure: Any) -> bool:
    return any(
        isinstance(t, torch.Tensor) and t.device.type == "meta"
        for t in flatten(structure)
    )


def _in_place(func: Any, args: tuple) -> bool:
    """An in-place update of a real tensor: it must act on a meta copy."""
    name = getattr(func, "__name__", "")
    in_place = (name.endswith("_") and not name.endswith("__")) or name in _IN_PLACE
    return in_place and bool(args) and isinstance(args[0], torch.Tensor)


def _move_meta(func: Any, args: tuple, kwargs: dict) -> torch.Tensor:
    """`x.to(device, dtype)` on a meta tensor keeps it on meta, casting only."""
    dtype = kwargs.get("dtype")
    for a in args[1:]:
        if isinstance(a, torch.dtype):
            dtype = a
        elif isinstance(a, torch.Tensor):
            dtype = a.dtype
    x = args[0]
    return x if dtype is None or func is not torch.Tensor.to else x.to(dtype)


@contextmanager
def real_computation() -> Iterator[None]:
    """Inside a meta run, lets real code run on real tensors (a sublayer's
    `build` creating and initializing weights)."""
    _STATE.suspended += 1
    try:
        yield
    finally:
        _STATE.suspended -= 1


def in_meta_run() -> bool:
    """Whether a meta run is active and not suspended."""
    return _STATE.depth > 0 and not _STATE.suspended


def _pick(candidates: tuple, taken: set, count: int) -> list:
    free = [c for c in candidates if c not in taken]
    return (free + list(candidates))[:count]


def _known_sizes(symbolic: list, module: Any) -> set:
    sizes = {d for t in symbolic for d in t.shape if d is not None}
    if isinstance(module, torch.nn.Module):
        for p in [*module.parameters(), *module.buffers()]:
            sizes.update(int(d) for d in p.shape)
    return sizes


class _Plan:
    """How one way runs: the device, the stand-in sizes of both runs, and
    whether the batch axis has 0 samples."""

    def __init__(self, symbolic: list, module: Any, way: str, device: Any) -> None:
        self.way = way
        self.device = "meta" if way == "meta" else device
        taken = _known_sizes(symbolic, module)
        rank = max((len(t.shape) for t in symbolic), default=0)
        self.sizes = []
        for run in (0, 1):
            axes = _pick(_META_SIZES[run], taken, max(rank, 1))
            if way == "zero":
                axes[0] = 0
            elif way == "real":
                axes[0] = _pick(_REAL_BATCH[run], taken, 1)[0]
            taken.update(axes)
            self.sizes.append(axes)
        # With the batch axis alone unknown, zero samples need a single run.
        others = any(None in t.shape[1:] for t in symbolic)
        self.runs = 2 if way != "zero" or others else 1

    def placeholder(self, run: int, t: KerasTensor) -> torch.Tensor:
        dims = [self.sizes[run][i] if d is None else d for i, d in enumerate(t.shape)]
        if t.dtype == "string":  # text stays in numpy on the host: empty strings
            return np.full(dims, "", dtype=object)
        dtype = backend.to_torch_dtype(t.dtype)
        if self.device == "meta":
            return torch.empty(dims, dtype=dtype, device="meta")
        return torch.ones(dims, dtype=dtype, device=self.device)

    def stand_ins(self) -> set:
        return {s for run in self.sizes for s in run if s}


def _run(fn: Callable, args: tuple, kwargs: dict, plan: _Plan, run: int) -> Any:
    def swap(x: Any) -> Any:
        if not is_symbolic(x):
            return x
        tensor = plan.placeholder(run, x)
        mask = getattr(x, "_keras_mask", None)
        if is_symbolic(mask):  # the mask travels with the tensor, as in data
            tensor._keras_mask = plan.placeholder(run, mask)
        return tensor

    args, kwargs = map_structure(swap, (args, kwargs))
    with torch.no_grad():
        if plan.device != "meta":
            return fn(*args, **kwargs)
        _STATE.depth += 1
        try:
            with _MetaMode():
                return fn(*args, **kwargs)
        finally:
            _STATE.depth -= 1


def _to_symbolic(a: Any, b: Any, zero: bool) -> Any:
    """KerasTensors from the outputs of two runs: sizes that differ are None,
    and so are sizes 0 after a zero-sample run."""
    if isinstance(a, torch.Tensor):
        shape = tuple(
            None if x != y or (zero and x == 0) else x for x, y in zip(a.shape, b.shape)
        )
        out = KerasTensor(shape, dtype=a.dtype)
        mask_a, mask_b = (getattr(t, "_keras_mask", None) for t in (a, b))
        if isinstance(mask_a, torch.Tensor) and isinstance(mask_b, torch.Tensor):
            out._keras_mask = _to_symbolic(mask_a, mask_b, zero)
        return out
    if isinstance(a, (list, tuple)):
        return type(a)(_to_symbolic(x, y, zero) for x, y in zip(a, b))
    if isinstance(a, dict):
        return {k: _to_symbolic(a[k], b[k], zero) for k in a}
    return a


def _seed_generators(module: Any) -> list:
    if not isinstance(module, torch.nn.Module):
        return []
    return [
        value
        for m in module.modules()
        for value in vars(m).values()
        if isinstance(value, SeedGenerator)
    ]


@contextmanager
def _state_kept(module: Any) -> Iterator[None]:
    """Real runs must not move a layer's state: moving statistics, seed
    generators and torch's global generator stay as they were (a symbolic call
    draws no random numbers, as in Keras)."""
    buffers = list(module.buffers()) if isinstance(module, torch.nn.Module) else []
    saved = [b.clone() for b in buffers]
    seeds = [(g, g._state) for g in _seed_generators(module)]
    rng = torch.random.get_rng_state()
    try:
        yield
    finally:
        torch.random.set_rng_state(rng)
        for generator, state in seeds:
            generator._state = state
        with torch.no_grad():
            for b, value in zip(buffers, saved):
                if b.shape == value.shape:
                    b.copy_(value)


def _outputs(fn: Callable, args: tuple, kwargs: dict, plan: _Plan, module: Any):
    with _state_kept(module) if plan.device != "meta" else nullcontext():
        first = _run(fn, args, kwargs, plan, 0)
        second = _run(fn, args, kwargs, plan, 1) if plan.runs == 2 else first
    return _to_symbolic(first, second, plan.way == "zero")


def symbolic_outputs(
    fn: Callable,
    args: tuple,
    kwargs: dict,
    *,
    module: Any = None,
    what: str = "the operation",
    device: Any = None,
) -> Any:
    """KerasTensors for the outputs of `fn(*args, **kwargs)`, whose arguments
    hold KerasTensors; `module` is the layer whose weights `fn` uses, `device`
    where its weights live."""
    symbolic = [t for t in flatten((args, kwargs)) if is_symbolic(t)]
    device = device or backend.get_device()
    ways = ["meta", "real"]
    if symbolic and all(t.shape and t.shape[0] is None for t in symbolic):
        ways.insert(0, "zero")
    for way in ways[:-1]:
        try:
            return _outputs(
                fn, args, kwargs, _Plan(symbolic, module, way, device), module
            )
        except Exception:  # the next way may work; the last one reports
            pass
    plan = _Plan(symbolic, module, "real", device)
    try:
        return _outputs(fn, args, kwargs, plan, module)
    except Exception as err:
        if getattr(err, "_lamina_symbolic", False):
            raise
        raise _user_facing(err, what, symbolic, plan) from None


def _user_facing(err: Exception, what: str, symbolic: list, plan: _Plan) -> Exception:
    """The error with stand-in sizes shown as None and the user's input shapes."""
    message = str(err)
    for size in sorted(plan.stand_ins(), reverse=True):
        message = re.sub(rf"(?<![\d.]){size}(?![\d.])", "None", message)
    shapes = ", ".join(str(t.shape) for t in symbolic)
    text = (
        f"Exception encountered when calling {what} on symbolic inputs of shape "
        f"{shapes}:\n{message}"
    )
    try:
        out = type(err)(text)
    except Exception:  # an exception type with another signature
        out = ValueError(text)
    out._lamina_symbolic = True  # type: ignore[attr-defined]
    return out
