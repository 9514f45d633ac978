"""A script saved next to a clone folder named `lamina` imports the installed lamina.

With a flat layout, `import lamina` in such a script found the clone folder first and
got an empty namespace package (`module 'lamina' has no attribute 'Sequential'`).
The src layout keeps the package one level down, so the clone folder is never it.
"""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = """
import lamina

print(lamina.__file__)
print(hasattr(lamina, "Sequential"))
"""


def _fresh_clone(where: Path) -> Path:
    """A copy of the repository's top-level files and src/, not installed."""
    clone = where / "lamina"
    clone.mkdir()
    for item in ROOT.iterdir():
        if item.is_file():
            shutil.copy2(item, clone / item.name)
    shutil.copytree(
        ROOT / "src", clone / "src", ignore=shutil.ignore_patterns("__pycache__")
    )
    return clone


def _run(cwd: Path, *args: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_script_beside_a_clone_folder_imports_the_package(tmp_path):
    clone = _fresh_clone(tmp_path)
    assert (clone / "pyproject.toml").exists()
    assert not (clone / "__init__.py").exists()
    (tmp_path / "script.py").write_text(SCRIPT)
    location, has_sequential = _run(tmp_path, "script.py")
    assert has_sequential == "True"
    # The installed (editable) package answers, not the clone folder beside the script.
    assert Path(location).resolve() == (ROOT / "src" / "lamina" / "__init__.py")


def test_the_clone_root_itself_imports_the_package(tmp_path):
    clone = _fresh_clone(tmp_path)
    location, has_sequential = _run(clone, "-c", SCRIPT)
    assert has_sequential == "True"
    assert Path(location).name == "__init__.py"
