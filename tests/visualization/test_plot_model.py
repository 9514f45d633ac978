"""plot_model without graphviz: every layer once, the graph's edges, the files."""

import os

import pytest

import lamina
from lamina import layers
from lamina.utils import plot_model


def _names(fig):
    graph = fig.lamina_graph
    by_key = {box.key: box.layer.name for box in graph.boxes}
    edges = sorted((by_key[a], by_key[b]) for a, b in graph.edges)
    return sorted(by_key.values()), edges


def _patch_ids(fig):
    return sorted(
        p.get_gid()[len("layer:") :]
        for p in fig.axes[0].patches
        if (p.get_gid() or "").startswith("layer:")
    )


def test_sequential_chain(tmp_path):
    model = lamina.Sequential(
        [
            layers.Dense(4, input_shape=(3,), name="a"),
            layers.Dense(2, name="b"),
            layers.Dense(1, name="c"),
        ]
    )
    path = tmp_path / "seq.png"
    fig = plot_model(model, to_file=str(path), show_shapes=True)
    names, edges = _names(fig)
    assert names[-3:] == ["a", "b", "c"]
    assert ("a", "b") in edges and ("b", "c") in edges
    assert _patch_ids(fig) == names
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "Dense\nInput shape: (None, 3)\nOutput shape: (None, 4)" in texts


def _branched():
    a = lamina.Input((8,), name="in_a")
    b = lamina.Input((4,), name="in_b")
    x = layers.Dense(8, activation="relu", name="da")(a)
    y = layers.Dense(8, name="db")(b)
    z = layers.Concatenate(name="cat")([x, y])
    inner = lamina.Sequential(
        [layers.Dense(5, input_shape=(16,), name="i1"), layers.Dense(3, name="i2")],
        name="inner",
    )
    return lamina.Model([a, b], [layers.Dense(1, name="o1")(z), inner(z)])


def test_branches_merges_multiple_inputs_outputs(tmp_path):
    fig = plot_model(_branched(), to_file=str(tmp_path / "m.svg"))
    names, edges = _names(fig)
    assert names == sorted(["in_a", "in_b", "da", "db", "cat", "o1", "inner"])
    assert edges == sorted(
        [
            ("in_a", "da"),
            ("in_b", "db"),
            ("da", "cat"),
            ("db", "cat"),
            ("cat", "o1"),
            ("cat", "inner"),
        ]
    )
    assert (tmp_path / "m.svg").read_text().lstrip().startswith("<?xml")


def test_expand_nested_draws_a_cluster(tmp_path):
    fig = plot_model(
        _branched(),
        to_file=str(tmp_path / "m.pdf"),
        expand_nested=True,
        show_layer_names=True,
        rankdir="LR",
    )
    names, edges = _names(fig)
    assert "inner" not in names and {"i1", "i2"} <= set(names)
    assert ("cat", "i1") in edges and ("i1", "i2") in edges
    graph = fig.lamina_graph
    assert [b.layer.name for b in graph.boxes if b.key in graph.clusters["inner"]] == [
        "i1",
        "i2",
    ]
    assert (tmp_path / "m.pdf").read_bytes()[:4] == b"%PDF"
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "cat (Concatenate)" in texts and "inner" in texts


def test_layout_ranks_follow_edges():
    from lamina.visualization._model_graph import build_graph
    from lamina.visualization._plot_model import layout

    graph = build_graph(_branched())
    coords = layout(graph)
    for a, b in graph.edges:
        assert coords[b][1] > coords[a][1]
    # no two boxes on one spot
    assert len(set(coords.values())) == len(coords)


def test_activations_trainable_dtype_lines(tmp_path):
    model = lamina.Sequential([layers.Dense(2, activation="relu", input_shape=(3,))])
    model.layers[0].trainable = False
    fig = plot_model(
        model,
        to_file=str(tmp_path / "a.png"),
        show_layer_activations=True,
        show_trainable=True,
        show_dtype=True,
        dpi=50,
    )
    text = [t.get_text() for t in fig.axes[0].texts if "Dense" in t.get_text()][0]
    assert text.split("\n") == [
        "Dense",
        "Activation: relu",
        "Output dtype: float32",
        "Trainable: False",
    ]


def test_bad_arguments(tmp_path):
    model = lamina.Sequential([layers.Dense(2, input_shape=(3,))])
    with pytest.raises(ValueError, match="`rankdir` must be one of"):
        plot_model(model, to_file=str(tmp_path / "a.png"), rankdir="XY")
    with pytest.raises(ValueError, match=r"must end in \.png, \.svg, \.pdf"):
        plot_model(model, to_file=str(tmp_path / "a.gif"))
    with pytest.raises(ValueError, match="no layers to plot"):
        plot_model(lamina.Sequential(), to_file=str(tmp_path / "a.png"))
    assert not os.listdir(tmp_path)


def test_model_to_dot_builds_the_same_graph():
    pytest.importorskip("pydot")  # an optional extra; the test extra installs it
    dot = lamina.utils.model_to_dot(_branched(), expand_nested=True)
    edges = sorted((e.get_source(), e.get_destination()) for e in dot.get_edges())
    assert len(edges) == 7
    labels = {n.get_name(): n.get("label") for n in dot.get_nodes()}
    (cluster,) = dot.get_subgraphs()
    inner = [n.get("label").strip('"') for n in cluster.get_nodes()]
    assert inner == ["i1 (Dense)", "i2 (Dense)"]
    assert len(labels) == 6


def test_model_to_dot_without_pydot(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "pydot", None)
    with pytest.raises(ImportError, match="plot_model` draws without either"):
        lamina.utils.model_to_dot(_branched())
