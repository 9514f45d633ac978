"""Nested structures: the nodes lamina looks into and how it walks them.

A structure is a leaf or a node. Nodes are exactly `list`, `tuple`,
namedtuples, `dict`, `collections.OrderedDict`, `collections.defaultdict` and
`collections.deque`; everything else (numbers, strings, tensors, `None`, other
mappings and sequences) is a leaf. A `dict`'s children come in sorted key
order, an `OrderedDict`'s in insertion order, as in Keras.
"""

from __future__ import annotations

from collections import OrderedDict, defaultdict, deque
from collections.abc import Callable, Iterator
from typing import Any

_SEQUENCES = (list, tuple, deque)
_MAPPINGS = (dict, OrderedDict, defaultdict)


def is_namedtuple(x: Any) -> bool:
    """Whether `x` is an instance of a `collections.namedtuple` class."""
    return isinstance(x, tuple) and hasattr(type(x), "_fields")


def is_node(x: Any) -> bool:
    """Whether `x` is a node (has children) rather than a leaf."""
    return type(x) in _SEQUENCES or type(x) in _MAPPINGS or is_namedtuple(x)


def keys(node: Any) -> list[Any]:
    """The child keys of `node`, in flattening order."""
    if type(node) in _MAPPINGS:
        if type(node) is OrderedDict:
            return list(node)
        try:
            return sorted(node)
        except TypeError as err:
            raise TypeError(
                "Dictionaries in a nested structure need sortable keys, as "
                f"lamina flattens them in key order. Received keys: {list(node)}"
            ) from err
    return list(range(len(node)))


def children(node: Any) -> list[Any]:
    """The children of `node`, in flattening order."""
    if type(node) in _MAPPINGS:
        return [node[k] for k in keys(node)]
    return list(node)


def rebuild(node: Any, values: list[Any]) -> Any:
    """A node of `node`'s type holding `values` (given in flattening order)."""
    kind = type(node)
    if kind in _MAPPINGS:
        by_key = dict(zip(keys(node), values, strict=True))
        ordered = [(k, by_key[k]) for k in node]  # keep the node's own key order
        if kind is defaultdict:
            return defaultdict(node.default_factory, ordered)
        return kind(ordered)
    if is_namedtuple(node):
        return kind(*values)
    if kind is deque:
        return deque(values, maxlen=node.maxlen)
    return kind(values)


def same_kind(a: Any, b: Any) -> bool:
    """Whether two nodes have the same type (any two dict kinds match)."""
    if type(a) in _MAPPINGS and type(b) in _MAPPINGS:
        return True
    return type(a) is type(b)


def leaves(structure: Any) -> Iterator[Any]:
    """Yields the leaves of `structure`, depth first."""
    if not is_node(structure):
        yield structure
        return
    for child in children(structure):
        yield from leaves(child)


def leaves_with_path(structure: Any, prefix: tuple = ()) -> Iterator[tuple]:
    """Yields `(path, leaf)` pairs; a path is a tuple of indices and keys."""
    if not is_node(structure):
        yield prefix, structure
        return
    for key, child in zip(keys(structure), children(structure), strict=True):
        yield from leaves_with_path(child, (*prefix, key))


def describe(x: Any) -> str:
    """A short description of a node for error messages."""
    if type(x) in _MAPPINGS:
        return f"{type(x).__name__} with keys {keys(x)}"
    if is_node(x):
        return f"{type(x).__name__} of length {len(x)}"
    return f"leaf {x!r}"


def matches(node: Any, other: Any) -> bool:
    """Whether `other` is a node of `node`'s kind with the same keys."""
    if not (is_node(other) and same_kind(node, other)):
        return False
    if type(node) in _MAPPINGS:
        return set(node) == set(other)
    return len(node) == len(other)


def check_same(a: Any, b: Any, path: tuple = ()) -> None:
    """Raises `ValueError` at the first place where `a` and `b` differ."""
    if not is_node(a) and not is_node(b):
        return
    if not (is_node(a) and matches(a, b)):
        raise ValueError(
            "The two structures don't have the same nested structure. At path "
            f"{path}: the first has a {describe(a)}, the second a {describe(b)}."
        )
    for key in keys(a):
        check_same(a[key], b[key], (*path, key))


def map_nodes(
    func: Callable[..., Any], structures: tuple, shallow: Any, path: tuple = ()
) -> Any:
    """`func` over the leaves of `shallow`, applied to the matching sub-structures."""
    if not is_node(shallow):
        return func(*structures)
    for other in structures:
        if not matches(shallow, other):
            raise ValueError(
                "Structures don't have the same nested structure. At path "
                f"{path}: expected a {describe(shallow)}, got a {describe(other)}."
            )
    values = [
        map_nodes(func, tuple(s[key] for s in structures), shallow[key], (*path, key))
        for key in keys(shallow)
    ]
    return rebuild(shallow, values)
