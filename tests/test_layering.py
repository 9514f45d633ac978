"""Imports flow down: the package layering of src/lamina, computed from the source.

Each top-level part of `lamina` (a subpackage such as `layers`, or a module such as
`_registry`) sits on a floor in `FLOORS`. A module may import its own part and any part
on the same or a lower floor. An import from a higher floor is an *upward* import: it
makes the parts a circle, and one of the two cannot be understood, tested or loaded
without the other.

The test reads every module's AST (nothing is imported) and finds:
- upward imports, at module level or inside a function body. Those that exist today
  are listed in `UPWARD`, keyed by (importing module, imported module), each with a
  reason. A new one fails the test.
- imports inside a function body with no comment (on the line, or the comment lines
  right above) saying why: the style guide allows them only to break a true cycle or
  to defer a heavy optional dependency, and then the comment says which. Today's are
  listed in `UNCOMMENTED`; a new one fails the test.
Imports under `if TYPE_CHECKING:` are ignored: they never run.

Both lists only shrink: an entry that no longer matches an import fails the test too,
so delete it when you fix the import. `python tests/test_layering.py` prints the
layering and the counts.
"""

from __future__ import annotations

import ast
import collections
import dataclasses
import pathlib
import sys

SRC = pathlib.Path(__file__).resolve().parents[1] / "src" / "lamina"

# Lower floors know nothing of higher ones. Parts that do not exist yet are placed
# where the issues that add them (10, 11, 13, 15) will need them.
FLOORS: dict[str, int] = {
    # 0: foundations: devices, dtypes, seeds, variables; the custom-object registry;
    # structure flattening.
    "_registry": 0,
    "_naming": 0,
    "backend": 0,
    "tree": 0,
    # 1: helpers every family uses: get/serialize plumbing, dtype policies, and
    # saving, which finds classes through the registry (issue 9).
    "_identifiers": 1,
    "dtype_policies": 1,
    "saving": 1,
    # 2: the stateless function families.
    "activations": 2,
    "initializers": 2,
    "regularizers": 2,
    "constraints": 2,
    # 3: keras.ops.
    "ops": 3,
    # 4: random draws (built on ops); losses, metrics and optimizers work on
    # tensors, not on layers.
    "random": 4,
    "losses": 4,
    "metrics": 4,
    "optimizers": 4,
    # 5: layers.
    "layers": 5,
    # 6: what the training loop uses.
    "mixed_precision": 6,
    "callbacks": 6,
    "utils": 6,
    "distribution": 6,
    "preprocessing": 6,
    # 7: the loops, and export, which traces any module; 8: models, which
    # inherit the loops and offer export().
    "trainers": 7,
    "export": 7,
    "models": 8,
    # 9: what works on whole models.
    "visualization": 9,
    "applications": 9,
    "datasets": 9,
    "wrappers": 9,
    "distillation": 9,  # Distiller is a Model; losses compare model outputs
    # 10: namespaces that gather everything.
    "config": 10,
    "testing": 10,
    # 11: the top: the package itself, and what hands it out whole.
    "__init__": 11,
    "_keras_alias": 11,  # install_as_keras: answers `import keras` with lamina
    "__main__": 11,
}

# Upward imports that exist today, keyed (importing module, imported module).
UPWARD: dict[tuple[str, str], str] = {
    (
        "lamina.backend.variable",
        "lamina.initializers",
    ): "a Variable resolves its initializer by name; initializers need backend",
    (
        "lamina.callbacks.history",
        "lamina.visualization._history_plot",
    ): "History.plot() draws with visualization, which imports callbacks (issue 14)",
    (
        "lamina.metrics.metric",
        "lamina.layers._naming",
    ): "Metric imports the namer through layers._naming; lamina._naming is the bottom one (issue 9)",
    (
        "lamina.trainers._dense_fast",
        "lamina.models.sequential",
    ): "the Dense fast path checks for a Sequential; models inherit the trainer (issue 8 makes fast paths private choices of the model)",
    (
        "lamina.utils",
        "lamina.visualization",
    ): "utils.plot_model forwards to visualization, which needs models (issue 14)",
}

# Imports inside function bodies with no comment saying why, keyed (module, imported).
UNCOMMENTED: dict[tuple[str, str], str] = {
    (
        "lamina.layers._weights",
        "lamina.constraints",
    ): "no module-level cycle found by this test: move it to the top (issue 9)",
    (
        "lamina.layers._weights",
        "lamina.initializers",
    ): "no module-level cycle found by this test: move it to the top (issue 9)",
    (
        "lamina.layers._weights",
        "lamina.regularizers",
    ): "no module-level cycle found by this test: move it to the top (issue 9)",
    (
        "lamina.layers.base",
        "lamina.regularizers",
    ): "no module-level cycle found by this test: move it to the top (issue 9)",
    (
        "lamina.layers.convolutional._conv_utils",
        "lamina.backend",
    ): "no module-level cycle found by this test: move it to the top (issue 9)",
    (
        "lamina.layers.core.lambda_layer",
        "lamina.saving._lambda",
    ): "no module-level cycle found by this test: move it to the top (issue 9)",
    (
        "lamina.metrics.metric",
        "lamina.initializers",
    ): "no module-level cycle found by this test: move it to the top (issue 9)",
    (
        "lamina.models.model",
        "lamina.models.functional",
    ): "cycle lamina.models.functional -> lamina.models.model: say so in a comment",
    (
        "lamina.models.model",
        "lamina.utils.summary",
    ): "no module-level cycle found by this test: move it to the top (issue 9)",
    (
        "lamina.models.sequential",
        "lamina.saving.serialization",
    ): "no module-level cycle found by this test: move it to the top (issue 9)",
    (
        "lamina.testing.layer_cases",
        "lamina.testing",
    ): "no module-level cycle found by this test: move it to the top (issue 9)",
    ("lamina.utils", "lamina.visualization"): "upward import; see UPWARD",
    (
        "lamina.utils.summary",
        "lamina.layers.core.input_layer",
    ): "no module-level cycle found by this test: move it to the top (issue 9)",
    (
        "lamina.visualization._figures",
        "matplotlib.figure",
    ): "defers an optional dependency; the comment saying so is missing",
    (
        "lamina.visualization._layer_outputs",
        "lamina.layers.core.input_layer",
    ): "no module-level cycle found by this test: move it to the top (issue 9)",
    (
        "lamina.visualization._plot_model",
        "matplotlib.patches",
    ): "defers an optional dependency; the comment saying so is missing",
    (
        "lamina.visualization._plot_model",
        "pydot",
    ): "defers an optional dependency; the comment saying so is missing",
}


@dataclasses.dataclass(frozen=True)
class Import:
    module: str  # the importing module, e.g. "lamina.layers.base"
    target: str  # the imported module, e.g. "lamina.saving"
    line: int
    in_function: bool
    commented: bool


def module_name(path: pathlib.Path, src: pathlib.Path = SRC) -> str:
    parts = list(path.relative_to(src.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def part_of(module: str) -> str:
    """`lamina.layers.core.dense` -> `layers`; `lamina` -> `__init__`."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _resolve(
    node: ast.ImportFrom | ast.Import, module: str, is_package: bool
) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:
        base = module.split(".") if is_package else module.split(".")[:-1]
        base = base[: len(base) - (node.level - 1)]
        source = ".".join(base + ([node.module] if node.module else []))
        if node.module is None:  # `from . import x` imports the sibling module x
            return [f"{source}.{alias.name}" for alias in node.names]
    else:
        source = node.module or ""
    if source == "lamina":
        # `from lamina import layers` imports a part; `from lamina import X` an attribute.
        return [
            f"lamina.{a.name}" if a.name in FLOORS or _is_module(a.name) else "lamina"
            for a in node.names
        ]
    return [source]


def _is_module(name: str) -> bool:
    return (SRC / name).is_dir() or (SRC / f"{name}.py").exists()


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _has_comment(lines: list[str], lineno: int) -> bool:
    if "#" in lines[lineno - 1]:
        return True
    above = lines[lineno - 2].strip() if lineno >= 2 else ""
    return above.startswith("#")


def scan(src: pathlib.Path = SRC) -> list[Import]:
    """Every import of lamina code in the package, and every function-level import."""
    found: list[Import] = []
    for path in sorted(src.rglob("*.py")):
        text = path.read_text()
        _visit(
            ast.parse(text),
            in_function=False,
            module=module_name(path, src),
            is_package=path.name == "__init__.py",
            lines=text.splitlines(),
            found=found,
        )
    return found


def _visit(node, *, in_function, module, is_package, lines, found) -> None:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _is_type_checking(child):
            continue
        if isinstance(child, (ast.Import, ast.ImportFrom)):
            for target in _resolve(child, module, is_package):
                if in_function or target.split(".")[0] == "lamina":
                    commented = _has_comment(lines, child.lineno)
                    found.append(
                        Import(module, target, child.lineno, in_function, commented)
                    )
        inner = in_function or isinstance(
            child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
        )
        _visit(
            child,
            in_function=inner,
            module=module,
            is_package=is_package,
            lines=lines,
            found=found,
        )


def is_upward(imp: Import) -> bool:
    if imp.target.split(".")[0] != "lamina":
        return False
    return FLOORS[part_of(imp.target)] > FLOORS[part_of(imp.module)]


def unplaced(imports: list[Import]) -> set[str]:
    parts = {part_of(i.module) for i in imports}
    parts |= {part_of(i.target) for i in imports if i.target.split(".")[0] == "lamina"}
    parts |= {part_of(module_name(p)) for p in SRC.rglob("*.py")}
    return parts - set(FLOORS)


# ---------------------------------------------------------------- tests


def test_every_part_has_a_floor():
    missing = unplaced(scan())
    assert not missing, (
        f"lamina parts with no floor: {sorted(missing)}. Place them in FLOORS in "
        "tests/test_layering.py (a part may import only its own and lower floors)."
    )


def test_no_new_upward_import():
    imports = scan()
    if unplaced(imports):
        return  # reported by test_every_part_has_a_floor
    new = sorted(
        (i.module, i.target, i.line)
        for i in imports
        if is_upward(i) and (i.module, i.target) not in UPWARD
    )
    assert not new, (
        "Upward imports (a lower floor importing a higher one), not in UPWARD:\n"
        + "\n".join(
            f"  {m}:{line} imports {t} "
            f"({part_of(m)} is floor {FLOORS[part_of(m)]}, "
            f"{part_of(t)} is floor {FLOORS[part_of(t)]})"
            for m, t, line in new
        )
        + "\nMove the shared code down (see FLOORS in tests/test_layering.py) rather "
        "than importing up."
    )


def test_no_stale_upward_entries():
    current = {(i.module, i.target) for i in scan() if is_upward(i)}
    stale = sorted(set(UPWARD) - current)
    assert not stale, (
        "These UPWARD entries in tests/test_layering.py no longer match an import "
        "(fixed, or moved): delete them.\n" + "\n".join(f"  {s}" for s in stale)
    )


def test_function_level_imports_say_why():
    bare = {
        (i.module, i.target): i.line
        for i in scan()
        if i.in_function and not i.commented
    }
    new = sorted(
        (m, t, line) for (m, t), line in bare.items() if (m, t) not in UNCOMMENTED
    )
    assert not new, (
        "Imports inside a function body need a comment (on the line or just above) "
        "naming the cycle they break or the optional dependency they defer; or move "
        "them to the top of the module:\n"
        + "\n".join(f"  {m}:{line} imports {t}" for m, t, line in new)
    )


def test_no_stale_uncommented_entries():
    bare = {(i.module, i.target) for i in scan() if i.in_function and not i.commented}
    stale = sorted(set(UNCOMMENTED) - bare)
    assert not stale, (
        "These UNCOMMENTED entries in tests/test_layering.py no longer match a bare "
        "function-level import: delete them.\n" + "\n".join(f"  {s}" for s in stale)
    )


def test_scanner_finds_upward_and_bare_imports(tmp_path):
    """The detector itself, on a two-part package written here."""
    pkg = tmp_path / "lamina"
    (pkg / "backend").mkdir(parents=True)
    (pkg / "layers").mkdir()
    (pkg / "__init__.py").write_text("from lamina import backend, layers\n")
    (pkg / "layers" / "__init__.py").write_text("from lamina.backend import floatx\n")
    (pkg / "backend" / "__init__.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from lamina.layers import Layer\n"
        "def f():\n"
        "    from lamina import layers\n"
        "    # breaks the cycle layers -> backend\n"
        "    from . import _config\n"
        "    import h5py  # deferred: optional dependency\n"
    )
    found = {(i.module, i.target, i.in_function, i.commented) for i in scan(pkg)}
    assert found == {
        ("lamina", "lamina.backend", False, False),
        ("lamina", "lamina.layers", False, False),
        ("lamina.layers", "lamina.backend", False, False),
        ("lamina.backend", "lamina.layers", True, False),
        ("lamina.backend", "lamina.backend._config", True, True),
        ("lamina.backend", "h5py", True, True),
    }
    upward = [(i.module, i.target) for i in scan(pkg) if is_upward(i)]
    assert upward == [("lamina.backend", "lamina.layers")]


def report(imports: list[Import]) -> list[str]:
    edges = collections.Counter(
        (
            part_of(i.module),
            part_of(i.target),
            "function" if i.in_function else "module",
        )
        for i in imports
        if i.target.split(".")[0] == "lamina" and part_of(i.module) != part_of(i.target)
    )
    lines = ["part -> part (import level): count   [UP = upward]"]
    for (a, b, level), n in sorted(edges.items()):
        up = " UP" if FLOORS.get(b, 0) > FLOORS.get(a, 0) else ""
        lines.append(f"  {a} -> {b} ({level}): {n}{up}")
    in_fn = [i for i in imports if i.in_function]
    lamina_fn = [i for i in in_fn if i.target.split(".")[0] == "lamina"]
    lines.append(
        f"function-level imports: {len(in_fn)} in {len({i.module for i in in_fn})} "
        f"modules ({len(lamina_fn)} of lamina code), "
        f"{sum(not i.commented for i in in_fn)} without a comment"
    )
    lines.append(f"upward imports: {sum(is_upward(i) for i in imports)}")
    return lines


def module_cycle(imports: list[Import], module: str, target: str) -> list[str] | None:
    """A chain of module-level imports from `target` back to `module`, or None.

    A function-level import of `target` by `module` breaks a true cycle only when
    `target` (or a module it imports at the top, and so on) imports `module` at
    the top. Parent packages' `__init__` are not followed.
    """
    edges: dict[str, set[str]] = collections.defaultdict(set)
    for i in imports:
        if not i.in_function and i.target.split(".")[0] == "lamina":
            edges[i.module].add(i.target)
    chain = {target: [target]}
    todo = [target]
    while todo:
        current = todo.pop()
        for nxt in sorted(edges[current]):
            if nxt == module:
                return [*chain[current], module]
            if nxt not in chain:
                chain[nxt] = [*chain[current], nxt]
                todo.append(nxt)
    return None


def _default_reason(imp: Import, imports: list[Import]) -> str:
    if is_upward(imp):
        return "upward import; see UPWARD"
    if imp.target.split(".")[0] in {"matplotlib", "pydot", "h5py", "onnx"} or (
        imp.target.startswith("torch.utils.tensorboard")
    ):
        return "defers an optional dependency; the comment saying so is missing"
    if imp.target.split(".")[0] != "lamina":
        return "not reviewed yet: say why it is deferred, or move it to the top"
    cycle = module_cycle(imports, imp.module, imp.target)
    if cycle:
        return "cycle " + " -> ".join(cycle) + ": say so in a comment"
    return "no module-level cycle found by this test: move it to the top (issue 9)"


def print_entries(imports: list[Import]) -> None:
    """Today's upward and bare function-level imports, as dict entries to paste."""
    for title, chosen, known in (
        ("UPWARD", [i for i in imports if is_upward(i)], UPWARD),
        (
            "UNCOMMENTED",
            [i for i in imports if i.in_function and not i.commented],
            UNCOMMENTED,
        ),
    ):
        print(f"{title} = {{")
        for key in sorted({(i.module, i.target): i for i in chosen}.items()):
            (module, target), imp = key
            reason = known.get((module, target)) or _default_reason(imp, imports)
            print(f"    ({module!r}, {target!r}): {reason!r},".replace("'", '"'))
        print("}")


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    root = pathlib.Path(args[0]) if args else SRC
    if "--entries" in sys.argv:
        print_entries(scan(root))
    else:
        print("\n".join(report(scan(root))))
