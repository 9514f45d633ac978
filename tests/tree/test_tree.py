"""lamina.tree against keras.tree on the same structures."""

import collections

import numpy as np
import pytest

from lamina import tree

Point = collections.namedtuple("Point", ["y", "x"])
OTHER = collections.namedtuple("Point", ["y", "x"])

STRUCTURES = [
    1,
    None,
    "text",
    [],
    [None, 1],
    (1,),
    ([1],),
    [1, (2, 3), [4, [5, [6]]]],
    {"b": 1, "a": 2, "c": [3, 4]},
    {100: "world!", 6: "Hello"},
    collections.OrderedDict([("q", 1), ("p", (2, None))]),
    Point(y=1, x=[2, 3]),
    [Point(1, 2), {"k": (None, 5)}],
    collections.deque([1, [2]]),
    {"s": [np.float32(1.5), "leaf"]},
]
IDS = [repr(s)[:30] for s in STRUCTURES]


@pytest.mark.parametrize("structure", STRUCTURES, ids=IDS)
def test_flatten_and_paths_match_keras(keras, structure):
    assert tree.is_nested(structure) == keras.tree.is_nested(structure)
    assert tree.flatten(structure) == keras.tree.flatten(structure)
    if "Point" not in repr(structure):
        expected = keras.tree.flatten_with_path(structure)
        assert tree.flatten_with_path(structure) == expected


def test_namedtuple_paths_are_positions():
    # keras.tree documents positional indices for namedtuples; its torch
    # backend numbers the fields in sorted-name order instead (y -> 1, x -> 0).
    assert tree.flatten_with_path(Point(y=1, x=[2, 3])) == [
        ((0,), 1),
        ((1, 0), 2),
        ((1, 1), 3),
    ]


@pytest.mark.parametrize("structure", STRUCTURES, ids=IDS)
def test_map_and_pack_match_keras(keras, structure):
    def fn(x):
        return ("seen", x)

    assert tree.map_structure(fn, structure) == keras.tree.map_structure(fn, structure)
    got = tree.map_structure(fn, structure, none_is_leaf=False)
    assert got == keras.tree.map_structure(fn, structure, none_is_leaf=False)
    flat = list(range(len(keras.tree.flatten(structure))))
    packed = tree.pack_sequence_as(structure, flat)
    assert packed == keras.tree.pack_sequence_as(structure, flat)
    assert type(packed) is type(structure) or not tree.is_nested(structure)
    assert tree.pack_sequence_as(structure, tree.flatten(structure)) == structure
    assert tree.lists_to_tuples(structure) == keras.tree.lists_to_tuples(structure)


def test_nested_dicts_flatten_in_key_order_at_every_level():
    # keras.tree documents sorted keys for every dict; its torch backend only
    # sorts the outermost one, so this is pinned by hand.
    structure = {"b": {"z": 1, "y": 2}, "a": Point(y={"d": 3, "c": 4}, x=5)}
    assert tree.flatten(structure) == [4, 3, 5, 2, 1]
    assert tree.flatten_with_path(structure)[0] == (("a", 0, "c"), 4)
    rebuilt = tree.pack_sequence_as(structure, [40, 30, 50, 20, 10])
    assert rebuilt == {"b": {"z": 10, "y": 20}, "a": Point(y={"d": 30, "c": 40}, x=50)}
    assert list(rebuilt["b"]) == ["z", "y"]  # the node keeps its own key order


def test_map_structure_over_several_structures(keras):
    a = {"x": [1, 2], "y": (3,)}
    b = {"y": (30,), "x": [10, 20]}
    expected = keras.tree.map_structure(lambda p, q: p + q, a, b)
    assert tree.map_structure(lambda p, q: p + q, a, b) == expected
    assert tree.map_structure(lambda *v: sum(v), [1, (2,)], [3, (4,)], [5, (6,)]) == [
        9,
        (12,),
    ]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ([1, 2], (1, 2)),
        ([1, 2], [1]),
        ([1, [2]], [1, 2]),
        ({"a": 1}, {"b": 1}),
        (Point(1, 2), (1, 2)),
        (Point(1, 2), OTHER(1, 2)),
    ],
)
def test_mismatched_structures_raise_like_keras(keras, a, b):
    with pytest.raises(ValueError):  # noqa: PT011 - Keras's own messages differ
        keras.tree.assert_same_structure(a, b)
    with pytest.raises(ValueError, match="don't have the same nested structure"):
        tree.assert_same_structure(a, b)
    with pytest.raises(ValueError, match="same nested structure"):
        tree.map_structure(lambda p, q: p, a, b)


def test_matching_structures_pass():
    tree.assert_same_structure([None, (1,)], [1, ("x",)])
    tree.assert_same_structure({"a": 1, "b": 2}, collections.OrderedDict(b=1, a=2))
    tree.assert_same_structure(Point(1, 2), Point(3, "x"))  # leaves may differ


def test_assert_same_paths(keras):
    keras.tree.assert_same_paths([0, 1], (2, 3))
    tree.assert_same_paths([0, 1], (2, 3))
    tree.assert_same_paths(Point(0, 1), (2, 3))
    with pytest.raises(ValueError, match=r"Paths in `b` missing in `a`:\n\{\(2,\)\}"):
        tree.assert_same_paths([1, 2], [1, 2, 3])
    with pytest.raises(ValueError, match=r"Paths in `a` missing in `b`:\n\{\('k',\)\}"):
        tree.assert_same_paths({"k": 1}, {"j": 1})


def test_map_structure_up_to(keras):
    deep = [[1, 1], [2, 2]]
    for shallow, func in [([None, None], len), ([None, [None, None]], str)]:
        expected = keras.tree.map_structure_up_to(shallow, func, deep)
        assert tree.map_structure_up_to(shallow, func, deep) == expected
    assert tree.map_structure_up_to({"a": 0}, max, {"a": [3, 9]}, {"a": [7, 1]}) == {
        "a": [7, 1]
    }
    with pytest.raises(ValueError, match=r"At path \(1,\): expected a list"):
        tree.map_structure_up_to([None, [None]], len, [[1, 1], 2])


@pytest.mark.parametrize("top_down", [True, False])
def test_traverse_order_and_replacement(keras, top_down):
    structure = [(1, 2), [3], {"b": 4, "a": 5}]
    ours, theirs = [], []
    out = tree.traverse(ours.append, structure, top_down=top_down)
    assert out == keras.tree.traverse(theirs.append, structure, top_down=top_down)
    assert ours == theirs

    def fn(x):
        return "Z" if isinstance(x, tuple) else None

    expected = keras.tree.traverse(fn, structure, top_down=top_down)
    assert tree.traverse(fn, structure, top_down=top_down) == expected


def test_traverse_map_to_none(keras):
    def fn(x):
        return tree.MAP_TO_NONE if x == 2 else None

    def keras_fn(x):
        return keras.tree.MAP_TO_NONE if x == 2 else None

    assert tree.traverse(fn, [1, 2, [2]]) == [1, None, [None]]
    assert keras.tree.traverse(keras_fn, [1, 2, [2]]) == [1, None, [None]]


def test_map_shape_structure(keras):
    structure = {"x": (None, 3), "y": [(1, 2), [4]], "z": [1.0]}

    def fn(s):
        return ("S", s)

    assert tree.map_shape_structure(fn, structure) == keras.tree.map_shape_structure(
        fn, structure
    )


def test_errors_are_clear():
    with pytest.raises(ValueError, match="`flat_sequence` has 1 items but"):
        tree.pack_sequence_as([1, 2], [1])
    with pytest.raises(TypeError, match="must be a list or tuple"):
        tree.pack_sequence_as([1], 5)
    with pytest.raises(TypeError, match="`func` must be callable"):
        tree.map_structure(3, [1])
    with pytest.raises(TypeError, match="needs at least one structure"):
        tree.map_structure(len)
    with pytest.raises(ValueError, match="some arguments are None"):
        tree.map_structure(lambda a, b: a, [None], [1], none_is_leaf=False)
    with pytest.raises(TypeError, match="need sortable keys"):
        tree.flatten({1: "a", "x": "b"})


def test_keras_public_names_all_exist(keras):
    names = {n for n in dir(keras.tree) if not n.startswith("_")}
    assert names <= set(tree.__all__)
