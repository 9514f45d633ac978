"""Automatic names, one rule and one counter for every object, as Keras gives them.

Layers, models, losses, metrics and optimizers without an explicit `name` are named
after their class in snake case (`MyMSELoss` -> `my_mse_loss`), made unique within
the session by a suffix (`dense`, `dense_1`, ...). The counter is shared by every kind
of object, as in Keras, and `lamina.backend.clear_session()` resets it.

>>> to_snake_case("MyMSELoss"), to_snake_case("Conv2DTranspose"), to_snake_case("ReLU")
('my_mse_loss', 'conv2d_transpose', 're_lu')
"""

from __future__ import annotations

import re

_NON_WORD = re.compile(r"\W+")
# A capitalised word (`Loss` in `MSELoss`) after any character starts a new part.
_WORD_START = re.compile(r"(.)([A-Z][a-z]+)")
# A capital right after a lower-case letter (`yM` in `MyMSE`) starts a new part.
_CASE_STEP = re.compile(r"([a-z])([A-Z])")

_COUNTS: dict[str, int] = {}


def to_snake_case(name: str) -> str:
    """`MyMSELoss` -> `my_mse_loss`, `LSTM` -> `lstm`, `<lambda>` -> `lambda`."""
    name = _NON_WORD.sub("", name)
    name = _WORD_START.sub(r"\1_\2", name)
    return _CASE_STEP.sub(r"\1_\2", name).lower()


def unique_name(prefix: str) -> str:
    """Returns `prefix` the first time, then `prefix_1`, `prefix_2`, ..."""
    count = _COUNTS.get(prefix, 0)
    _COUNTS[prefix] = count + 1
    return prefix if count == 0 else f"{prefix}_{count}"


def auto_name(class_name: str) -> str:
    """The default name of an instance of `class_name`: snake case, made unique."""
    return unique_name(to_snake_case(class_name))


def reset_names() -> None:
    """Forgets every name given so far (`lamina.backend.clear_session`)."""
    _COUNTS.clear()
