"""`keras.tree`: flatten, map and rebuild nested structures.

Nodes are lists, tuples, namedtuples, dicts (children in sorted key order),
`OrderedDict`s (insertion order), `defaultdict`s and deques; anything else,
`None` included, is a leaf:

>>> from lamina import tree
>>> tree.flatten({"b": [1, 2], "a": (3, None)})
[3, None, 1, 2]
>>> tree.map_structure(lambda x: x * 10, [1, (2, 3)])
[10, (20, 30)]
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

from lamina.tree import _tree


class MAP_TO_NONE:
    """Returned by a `traverse` function to replace a sub-tree with `None`."""


def is_nested(structure: Any) -> bool:
    """Whether `structure` is a node (list, tuple, namedtuple, dict, deque)."""
    return _tree.is_node(structure)


def flatten(structure: Any) -> list[Any]:
    """The leaves of `structure` as a flat list (`[structure]` for a leaf).

    Example:

    >>> flatten([[1, 2, 3], [4, [5], [[6]]]])
    [1, 2, 3, 4, 5, 6]
    >>> flatten({100: "world!", 6: "Hello"})
    ['Hello', 'world!']
    """
    return list(_tree.leaves(structure))


def flatten_with_path(structure: Any) -> list[tuple[tuple, Any]]:
    """The leaves of `structure` with their paths (tuples of indices and keys).

    Example:

    >>> flatten_with_path([{"foo": 42}])
    [((0, 'foo'), 42)]
    """
    return list(_tree.leaves_with_path(structure))


def _check_callable(func: Any) -> None:
    """Raises `TypeError` when `func` cannot be called."""
    if not callable(func):
        raise TypeError(f"`func` must be callable. Received: func={func!r}")


def map_structure(
    func: Callable[..., Any], *structures: Any, none_is_leaf: bool = True
) -> Any:
    """Applies `func` to the leaves of same-shaped `structures`.

    Args:
        func: called with one leaf from each structure.
        *structures: nested structures of the same layout.
        none_is_leaf: if False, `None` leaves are kept as `None` and `func`
            is not called on them.

    Returns:
        A structure of the first one's layout holding `func`'s results.

    Raises:
        TypeError: when no structure is given or `func` is not callable.
        ValueError: when the structures' layouts differ.
    """
    _check_callable(func)
    if not structures:
        raise TypeError("`map_structure` needs at least one structure.")
    for other in structures[1:]:
        _tree.check_same(structures[0], other)
    mapper = func if none_is_leaf else _skipping_none(func)
    return _tree.map_nodes(mapper, structures, structures[0])


def _skipping_none(func: Callable[..., Any]) -> Callable[..., Any]:
    """`func` that keeps `None` leaves as `None` instead of calling on them."""

    def mapper(*leaves: Any) -> Any:
        if leaves[0] is None:
            if any(leaf is not None for leaf in leaves):
                raise ValueError(
                    "Structure mismatch: some arguments are None, others are "
                    f"not. Received: {leaves}"
                )
            return None
        return func(*leaves)

    return mapper


def map_structure_up_to(
    shallow_structure: Any, func: Callable[..., Any], *structures: Any
) -> Any:
    """Like `map_structure`, but only down to the leaves of `shallow_structure`.

    Deeper parts of `structures` are passed to `func` whole.

    Example:

    >>> map_structure_up_to([None, [None, None]], str, [[1, 1], [2, 2]])
    ['[1, 1]', ['2', '2']]

    Raises:
        ValueError: when a structure is shallower than `shallow_structure`.
    """
    _check_callable(func)
    if not structures:
        raise TypeError("`map_structure_up_to` needs at least one structure.")
    return _tree.map_nodes(func, structures, shallow_structure)


def assert_same_structure(a: Any, b: Any, check_types: Any = None) -> None:
    """Raises `ValueError` unless `a` and `b` are nested the same way.

    Types must match at every node (a list is not a tuple; two namedtuple
    classes differ), except that all dict kinds match when their keys do.

    Args:
        a: a nested structure.
        b: a nested structure.
        check_types: deprecated and ignored, as in Keras.
    """
    if check_types is not None:
        warnings.warn(
            "The `check_types` argument is deprecated and has no effect; use "
            "`assert_same_paths` for a check that ignores sequence types.",
            DeprecationWarning,
            stacklevel=2,
        )
    _tree.check_same(a, b)


def assert_same_paths(a: Any, b: Any) -> None:
    """Raises `ValueError` unless `a` and `b` have the same leaf paths.

    Unlike `assert_same_structure`, node types are ignored: `[0, 1]` and
    `(2, 3)` have the same paths.
    """
    paths_a = {path for path, _ in _tree.leaves_with_path(a)}
    paths_b = {path for path, _ in _tree.leaves_with_path(b)}
    if paths_a == paths_b:
        return
    message = "`a` and `b` don't have the same paths."
    if paths_a - paths_b:
        message += f"\nPaths in `a` missing in `b`:\n{paths_a - paths_b}"
    if paths_b - paths_a:
        message += f"\nPaths in `b` missing in `a`:\n{paths_b - paths_a}"
    raise ValueError(message)


def pack_sequence_as(structure: Any, flat_sequence: Any) -> Any:
    """Packs the leaves `flat_sequence` into the layout of `structure`.

    The inverse of `flatten`: `pack_sequence_as(s, flatten(s))` equals `s`.

    Raises:
        ValueError: when the number of leaves differs from `structure`'s.
        TypeError: when `flat_sequence` is not a sequence.
    """
    if not isinstance(flat_sequence, (list, tuple)):
        raise TypeError(
            "`flat_sequence` must be a list or tuple. Received: "
            f"{type(flat_sequence).__name__}"
        )
    expected = sum(1 for _ in _tree.leaves(structure))
    if len(flat_sequence) != expected:
        raise ValueError(
            f"`flat_sequence` has {len(flat_sequence)} items but `structure` holds "
            f"{expected} leaves. Received: structure={structure!r}"
        )
    items = iter(flat_sequence)
    return _tree.map_nodes(lambda _: next(items), (structure,), structure)


def traverse(func: Callable[[Any], Any], structure: Any, top_down: bool = True) -> Any:
    """Applies `func` to every sub-structure, parents first (or last).

    Top-down: where `func` returns a value other than `None`, that value
    replaces the sub-tree and its children are not visited. Bottom-up:
    children are processed first, and a non-`None` return replaces the
    (processed) sub-tree. Return `MAP_TO_NONE` to put `None` in place.

    Example:

    >>> seen = []
    >>> traverse(seen.append, [(1, 2), [3]])
    [(1, 2), [3]]
    >>> seen
    [[(1, 2), [3]], (1, 2), 1, 2, [3], 3]
    """
    _check_callable(func)
    if top_down:
        result = func(structure)
        if result is None:
            result = _traverse_children(func, structure, top_down)
    else:
        processed = _traverse_children(func, structure, top_down)
        result = func(processed)
        if result is None:
            result = processed
    return None if result is MAP_TO_NONE else result


def _traverse_children(func: Callable[[Any], Any], node: Any, top_down: bool) -> Any:
    """`node` rebuilt from its traversed children (a leaf is returned as is)."""
    if not _tree.is_node(node):
        return node
    values = [traverse(func, c, top_down) for c in _tree.children(node)]
    return _tree.rebuild(node, values)


def lists_to_tuples(structure: Any) -> Any:
    """The structure with every list turned into a tuple."""

    def to_tuple(node: Any) -> Any:
        return tuple(node) if isinstance(node, list) else None

    return traverse(to_tuple, structure, top_down=False)


def _is_shape(x: Any) -> bool:
    """Whether `x` is a shape: a list or tuple of ints and `None`s."""
    return isinstance(x, (list, tuple)) and all(
        isinstance(e, (int, type(None))) for e in x
    )


def map_shape_structure(func: Callable[[Any], Any], structure: Any) -> Any:
    """`map_structure` that treats shape tuples (ints and `None`s) as leaves."""
    _check_callable(func)
    if _is_shape(structure) or not _tree.is_node(structure):
        return func(structure)
    values = [map_shape_structure(func, c) for c in _tree.children(structure)]
    return _tree.rebuild(structure, values)


__all__ = [
    "MAP_TO_NONE",
    "assert_same_paths",
    "assert_same_structure",
    "flatten",
    "flatten_with_path",
    "is_nested",
    "lists_to_tuples",
    "map_shape_structure",
    "map_structure",
    "map_structure_up_to",
    "pack_sequence_as",
    "traverse",
]
