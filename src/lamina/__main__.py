"""`python -m lamina script.py [args]`: runs a Keras script on lamina, unchanged.

The script's `import keras`, `from keras import ...`, `from tensorflow import
keras` and `from tensorflow.keras import ...` are answered by lamina, for this
run only (an import hook in this process; nothing installed is touched).
"""

from __future__ import annotations

import os
import runpy
import sys

from lamina._keras_alias import install_as_keras

USAGE = """usage: python -m lamina script.py [args ...]

Runs a Keras script with lamina answering its `import keras` and
`from tensorflow import keras` imports, for this run only."""


def main(argv: list[str] | None = None) -> int:
    """Runs the script named in `argv` (default `sys.argv[1:]`); returns 0.

    Raises:
        SystemExit: with status 2 and the usage when no script is given, or
            the script's own exit status.
    """
    args = sys.argv[1:] if argv is None else list(argv)
    if not args or args[0] in ("-h", "--help"):
        print(USAGE, file=sys.stderr if not args else sys.stdout)
        raise SystemExit(2 if not args else 0)
    script = args[0]
    if not os.path.isfile(script):
        print(f"lamina: can't open file {script!r}: no such file.", file=sys.stderr)
        raise SystemExit(2)
    install_as_keras()
    sys.argv = [script, *args[1:]]
    # The script's folder comes first on the path, as `python script.py` does.
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
    runpy.run_path(script, run_name="__main__")
    return 0


if __name__ == "__main__":
    main()
