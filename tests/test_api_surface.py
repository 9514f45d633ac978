"""lamina's public API against Keras 3's, name by name, generated from Keras itself.

The survey walks every public Keras namespace reachable from `keras` (on the torch
backend), recursively, except `keras.src` (Keras's implementation, not its API). For
each public name `keras.a.b.Name` it checks:

1. lamina has `lamina.a.b.Name` (attribute access from `import lamina`, falling back
   to importing `lamina.a.b` for submodules, as `from keras.a.b import Name` would).
2. For classes and functions, the parameter names are Keras's (a class is compared
   through its `__init__`):
   - Keras's named parameters (everything but `*args` / `**kwargs`) come first in
     lamina's signature, with the same names in the same order;
   - a parameter that Keras lets callers pass by position is positional in lamina too;
   - lamina may add parameters of its own, only after all of Keras's and only with a
     default, so every call written for Keras binds the same way;
   - where Keras takes `*args` or `**kwargs`, lamina must take them too (Keras's layers
     forward `name`, `dtype`, `trainable` ... through `**kwargs`); lamina may take
     `**kwargs` where Keras does not only if it lists every Keras argument by name
     (rule one), so nothing Keras documents hides in `**kwargs`;
   - where Keras exports a class, lamina's must be a class (users subclass it and
     `isinstance` against it);
   - a class with no `__init__` of its own (object's) takes no arguments.
   Default values are not compared here: the parity tests pin behaviour.

Each failure is a key: the qualified name (`"keras.layers.ReLU"`) when lamina lacks the
name, or the name plus `"(params)"` (`"keras.layers.LSTM(params)"`) when the signature
differs. Exceptions live in `tests/api_surface_exceptions.py`, a dict from key to a
reason: `"not yet: issue N"` (the issue that adds it) or `"out of scope: <why>"`.
The test fails on a failure that is not listed, and on a listed key that no longer fails
(a stale entry), so the list only shrinks honestly.

Run as a script (with `KERAS_BACKEND=torch`):
- `python tests/test_api_surface.py` prints the share of names present, by namespace and
  by reason;
- `python tests/test_api_surface.py --regenerate` rewrites the exceptions file: stale
  entries go, reasons of entries that remain are kept, new failures get a default reason
  from `_default_reason` (review them before committing).
"""

from __future__ import annotations

import collections
import functools
import importlib
import importlib.util
import inspect
import json
import os
import pathlib
import re
import sys
import types

os.environ.setdefault("KERAS_BACKEND", "torch")

EXCEPTIONS_FILE = pathlib.Path(__file__).with_name("api_surface_exceptions.py")
PARAMS = "(params)"
REASON_PATTERN = re.compile(r"^(not yet: issue \d+\b.*|out of scope: \S.*)$")
_MISSING = object()


def load_exceptions() -> dict[str, str]:
    """The checked-in exception list (loaded by path: tests/ is not a package)."""
    spec = importlib.util.spec_from_file_location(
        "api_surface_exceptions", EXCEPTIONS_FILE
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return dict(module.EXCEPTIONS)


def keras_public_names(keras: types.ModuleType) -> dict[str, object]:
    """Maps every public qualified name under `keras` to its object (modules included)."""
    names: dict[str, object] = {}
    seen: set[str] = set()

    def walk(module: types.ModuleType, path: str) -> None:
        for attr in sorted(dir(module)):
            if attr.startswith("_") or (path == "keras" and attr == "src"):
                continue
            obj = getattr(module, attr)
            qualified = f"{path}.{attr}"
            names[qualified] = obj
            is_api_module = isinstance(
                obj, types.ModuleType
            ) and obj.__name__.startswith("keras.")
            if is_api_module and obj.__name__ not in seen:
                seen.add(obj.__name__)
                walk(obj, qualified)

    walk(keras, "keras")
    return names


def lamina_lookup(qualified: str) -> object:
    """`keras.a.b.Name` -> the object at `lamina.a.b.Name`, or `_MISSING`."""
    parts = ["lamina", *qualified.split(".")[1:]]
    obj: object = importlib.import_module("lamina")
    for i, part in enumerate(parts[1:], start=1):
        nxt = getattr(obj, part, _MISSING)
        if nxt is _MISSING and isinstance(obj, types.ModuleType):
            try:  # a submodule not yet imported by its parent
                nxt = importlib.import_module(".".join(parts[: i + 1]))
            except ImportError:
                nxt = _MISSING
        if nxt is _MISSING:
            return _MISSING
        obj = nxt
    return obj


def _signature(obj: object) -> inspect.Signature | None:
    """The call signature users write against: a class's `__init__` minus `self`."""
    try:
        if inspect.isclass(obj):
            if obj.__init__ is object.__init__:  # no constructor: takes no arguments
                return inspect.Signature([])
            sig = inspect.signature(obj.__init__)
            return sig.replace(parameters=list(sig.parameters.values())[1:])
        return inspect.signature(obj)
    except (TypeError, ValueError):
        return None


_NAMED = (
    inspect.Parameter.POSITIONAL_ONLY,
    inspect.Parameter.POSITIONAL_OR_KEYWORD,
    inspect.Parameter.KEYWORD_ONLY,
)
_POSITIONAL = (
    inspect.Parameter.POSITIONAL_ONLY,
    inspect.Parameter.POSITIONAL_OR_KEYWORD,
)


def compare_params(keras_obj: object, lamina_obj: object) -> str | None:
    """None when lamina's object matches Keras's by the module docstring's rules."""
    if inspect.isclass(keras_obj) and not inspect.isclass(lamina_obj):
        return f"Keras exports a class, lamina a {type(lamina_obj).__name__}"
    if not callable(keras_obj) or isinstance(keras_obj, types.ModuleType):
        return None
    k_sig = _signature(keras_obj)
    if k_sig is None:
        return None
    l_sig = _signature(lamina_obj)
    if l_sig is None:
        return "lamina's signature cannot be read"
    k_params = list(k_sig.parameters.values())
    l_params = list(l_sig.parameters.values())
    k_named = [p for p in k_params if p.kind in _NAMED]
    l_named = [p for p in l_params if p.kind in _NAMED]
    problems = []
    k_names = [p.name for p in k_named]
    l_names = [p.name for p in l_named]
    if l_names[: len(k_names)] != k_names:
        problems.append(f"names {k_names} in Keras, {l_names} in lamina")
    else:
        for k, lam in zip(k_named, l_named):
            if k.kind in _POSITIONAL and lam.kind not in _POSITIONAL:
                problems.append(f"`{k.name}` is positional in Keras, keyword-only here")
        extra = [p.name for p in l_named[len(k_named) :] if p.default is p.empty]
        if extra:
            problems.append(f"lamina-only parameters without a default: {extra}")
    for kind, label in (
        (inspect.Parameter.VAR_POSITIONAL, "*args"),
        (inspect.Parameter.VAR_KEYWORD, "**kwargs"),
    ):
        if any(p.kind is kind for p in k_params) and not any(
            p.kind is kind for p in l_params
        ):
            problems.append(f"Keras takes {label}, lamina does not")
    return "; ".join(problems) or None


@functools.cache
def survey() -> tuple[dict[str, str], dict[str, bool]]:
    """(failures: key -> what is wrong, Keras name -> whether lamina has it)."""
    keras = importlib.import_module("keras")
    failures: dict[str, str] = {}
    present: dict[str, bool] = {}
    for qualified, keras_obj in keras_public_names(keras).items():
        lamina_obj = lamina_lookup(qualified)
        present[qualified] = lamina_obj is not _MISSING
        if lamina_obj is _MISSING:
            failures[qualified] = "missing in lamina"
            continue
        problem = compare_params(keras_obj, lamina_obj)
        if problem:
            failures[qualified + PARAMS] = problem
    return failures, present


def namespace_of(key: str) -> str:
    return key.removesuffix(PARAMS).rsplit(".", 1)[0]


def summary_lines(failures: dict[str, str], present: dict[str, bool]) -> list[str]:
    """The share of Keras's names present in lamina, overall and by namespace."""
    exceptions = load_exceptions()
    total = len(present)
    have = sum(present.values())
    matching = sum(
        1 for name, ok in present.items() if ok and name + PARAMS not in failures
    )
    lines = [
        f"API surface: {have}/{total} Keras names present in lamina "
        f"({100 * have / total:.1f}%), {matching} of them with Keras's parameters "
        f"({100 * matching / total:.1f}% of all)",
    ]
    by_namespace: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0])
    for name, ok in present.items():
        counts = by_namespace[namespace_of(name)]
        counts[0] += ok
        counts[1] += 1
    lines.extend(f"  {ns}: {h}/{t}" for ns, (h, t) in sorted(by_namespace.items()))
    reasons = collections.Counter(
        _reason_group(reason) for reason in exceptions.values()
    )
    lines.append(f"Exceptions: {len(exceptions)} entries")
    lines.extend(f"  {group}: {n}" for group, n in sorted(reasons.items()))
    return lines


def _reason_group(reason: str) -> str:
    match = re.match(r"not yet: issue \d+", reason)
    return match.group(0) if match else "out of scope"


# ---------------------------------------------------------------- tests


def test_exceptions_are_well_formed():
    exceptions = load_exceptions()
    bad = {k: v for k, v in exceptions.items() if not REASON_PATTERN.match(v)}
    assert not bad, f"reasons must be 'not yet: issue N' or 'out of scope: why': {bad}"
    bad_keys = [
        k for k in exceptions if not re.fullmatch(r"keras(\.\w+)+(\(params\))?", k)
    ]
    assert not bad_keys, f"keys must be qualified Keras names: {bad_keys}"


def test_parameter_rules_on_small_cases():
    """The checker itself: what passes and what is reported."""

    def keras_fn(x, axis=-1, *, keepdims=False, **kwargs):
        pass

    def same(x, axis=-1, *, keepdims=False, **kwargs):
        pass

    def extra_with_default(x, axis=-1, *, keepdims=False, mine=None, **kwargs):
        pass

    def renamed(y, axis=-1, *, keepdims=False, **kwargs):
        pass

    def extra_required(x, axis=-1, *, keepdims=False, mine, **kwargs):
        pass

    def no_kwargs(x, axis=-1, *, keepdims=False):
        pass

    def keyword_only_axis(x, *, axis=-1, keepdims=False, **kwargs):
        pass

    class KerasClass:
        def __init__(self, units, **kwargs):
            pass

    class NoInit:
        pass

    assert compare_params(keras_fn, same) is None
    assert compare_params(keras_fn, extra_with_default) is None
    assert "names ['x', 'axis', 'keepdims'] in Keras" in compare_params(
        keras_fn, renamed
    )
    assert "without a default: ['mine']" in compare_params(keras_fn, extra_required)
    assert "Keras takes **kwargs" in compare_params(keras_fn, no_kwargs)
    assert "`axis` is positional in Keras" in compare_params(
        keras_fn, keyword_only_axis
    )
    assert "Keras exports a class" in compare_params(KerasClass, same)
    assert compare_params(NoInit, NoInit) is None
    assert "names ['units']" in compare_params(KerasClass, NoInit)


def test_every_keras_name_is_in_lamina_or_listed(keras):
    failures, present = survey()
    exceptions = load_exceptions()
    unlisted = {k: v for k, v in failures.items() if k not in exceptions}
    assert not unlisted, (
        "Keras names that lamina lacks or whose parameters differ, not listed in "
        "tests/api_surface_exceptions.py (add them, or fix lamina):\n"
        + "\n".join(f"  {k}: {v}" for k, v in sorted(unlisted.items()))
    )
    print("\n" + "\n".join(summary_lines(failures, present)))


def test_no_stale_exceptions(keras):
    failures, _ = survey()
    stale = sorted(k for k in load_exceptions() if k not in failures)
    assert not stale, (
        "These entries of tests/api_surface_exceptions.py no longer fail (lamina now has "
        "the name, or its parameters match, or Keras dropped it): delete them.\n"
        + "\n".join(f"  {k}" for k in stale)
    )


# ---------------------------------------------------------------- the generator

_ISSUE_BY_PREFIX = [
    # Most specific first; see _default_reason.
    ("keras.layers.TorchModuleWrapper", "not yet: issue 8"),
    ("keras.metrics.Metric(params)", "not yet: issue 8"),
    (
        "keras.optimizers.",
        "not yet: issue 9",
    ),  # only (params): every Keras argument named
    ("keras.mixed_precision.LossScaleOptimizer(params)", "not yet: issue 9"),
    ("keras.losses.deserialize(params)", "not yet: issue 10"),
    ("keras.metrics.deserialize(params)", "not yet: issue 10"),
    ("keras.utils.plot_model", "not yet: issue 14"),
    ("keras.utils.model_to_dot", "not yet: issue 14"),
    ("keras.visualization", "not yet: issue 14"),
    ("keras.callbacks.ModelCheckpoint", "not yet: issue 10"),
    ("keras.callbacks.BackupAndRestore", "not yet: issue 10"),
    ("keras.models", "not yet: issue 10"),
    ("keras.saving", "not yet: issue 10"),
    ("keras.callbacks", "not yet: issue 11"),
    ("keras.utils", "not yet: issue 11"),
    ("keras.random", "not yet: issue 11"),
    ("keras.datasets", "not yet: issue 11"),
    ("keras.preprocessing", "not yet: issue 11"),
    ("keras.config", "not yet: issue 11"),
    ("keras.backend", "not yet: issue 11"),
    ("keras.version", "not yet: issue 11"),
    ("keras.distribution", "not yet: issue 15"),
    ("keras.export", "not yet: issue 15"),
    ("keras.Variable", "not yet: issue 8"),
    ("keras.KerasTensor", "not yet: issue 8"),
    ("keras.Operation", "not yet: issue 8"),
    ("keras.Function", "not yet: issue 8"),
    ("keras.StatelessScope", "not yet: issue 8"),
    ("keras.SymbolicScope", "not yet: issue 8"),
    ("keras.name_scope", "not yet: issue 8"),
    ("keras.device", "not yet: issue 8"),
    ("keras.InputSpec", "not yet: issue 8"),
    ("keras.layers", "not yet: issue 13"),
    ("keras.ops", "not yet: issue 13"),
    ("keras.tree", "not yet: issue 13"),
    ("keras.applications", "not yet: issue 13"),
    ("keras.", "not yet: issue 13"),
]

_LORA = (
    "LoRA and quantization arguments (lora_rank, lora_alpha, quantization_config); "
    "not planned by any issue"
)
_OUT_OF_SCOPE = {
    "keras.layers.TFSMLayer": "TensorFlow SavedModel bridge",
    "keras.layers.JaxLayer": "JAX bridge",
    "keras.layers.FlaxLayer": "JAX/Flax bridge",
    "keras.legacy": "Keras 2 compatibility shims for TensorFlow",
    "keras.optimizers.legacy": "Keras 2 TensorFlow optimizers; Keras 3 refuses them too",
    "keras.utils.legacy": "Keras 2 serialization shims",
    "keras.wrappers": "scikit-learn wrappers; not planned by any issue",
    "keras.quantizers": "int8/float8/GPTQ quantization; not planned by any issue",
    "keras.Quantizer": "quantization; not planned by any issue",
    "keras.distillation": "knowledge distillation API; not planned by any issue",
    "keras.RematScope": "rematerialization; not planned by any issue",
    "keras.remat": "rematerialization; not planned by any issue",
    "keras.layers.Dense(params)": _LORA,
    "keras.layers.Embedding(params)": _LORA,
    "keras.layers.EinsumDense(params)": _LORA,
}


def _default_reason(key: str) -> str:
    """A starting reason for a new failure; engineers correct it by hand."""
    name = key.removesuffix(PARAMS)
    for prefix, why in _OUT_OF_SCOPE.items():
        if key == prefix or name == prefix or name.startswith(prefix + "."):
            return f"out of scope: {why}"
    if key.endswith(PARAMS) and name.split(".")[-1] in {"LSTM", "GRU", "SimpleRNN"}:
        return "not yet: issue 9"
    for prefix, reason in _ISSUE_BY_PREFIX:
        if prefix.endswith(PARAMS):
            if key == prefix:
                return reason
        elif prefix.endswith("."):
            if name.startswith(prefix) and (key.endswith(PARAMS) or prefix == "keras."):
                return reason
        elif name == prefix or name.startswith(prefix + "."):
            return reason
    return "not yet: issue 13"


def regenerate() -> None:
    """Rewrites the exceptions file from the current failures, keeping known reasons."""
    failures, _ = survey()
    old = load_exceptions() if EXCEPTIONS_FILE.exists() else {}
    entries = {key: old.get(key) or _default_reason(key) for key in sorted(failures)}
    lines = [
        '"""Keras names lamina lacks, or whose parameters differ, each with a reason.',
        "",
        "Read by tests/test_api_surface.py (its docstring gives the rules). A key is a",
        'qualified Keras name ("keras.layers.ReLU": lamina lacks it) or a name plus',
        '"(params)" ("keras.layers.LSTM(params)": its parameters differ from Keras\'s).',
        'A reason is "not yet: issue N" (the issue that adds it) or "out of scope: why".',
        "When you add a name, delete its entry: the test fails on stale entries.",
        "Regenerate (drops stale entries, keeps reasons):",
        "    python tests/test_api_surface.py --regenerate",
        '"""',
        "",
        "EXCEPTIONS = {",
    ]
    lines.extend(
        f"    {json.dumps(key)}: {json.dumps(reason)},"
        for key, reason in entries.items()
    )
    lines.append("}")
    text = "\n".join(lines) + "\n"
    tmp = EXCEPTIONS_FILE.with_suffix(".tmp")
    tmp.write_text(text)
    os.replace(tmp, EXCEPTIONS_FILE)
    print(f"wrote {len(entries)} entries to {EXCEPTIONS_FILE}")


if __name__ == "__main__":
    if "--regenerate" in sys.argv[1:]:
        regenerate()
    failures, present = survey()
    print("\n".join(summary_lines(failures, present)))
