"""keras.name_scope, keras.StatelessScope and keras.SymbolicScope, checked against
Keras."""

import numpy as np
import pytest
import torch

import lamina
from lamina.backend import _scopes


def _paths(module):
    with module.name_scope("foo"):
        v = module.Variable(1.0, name="v")
        with module.name_scope("bar") as scope:
            w = module.Variable(1.0, name="w")
            assert scope.name == "bar"
        dense = module.layers.Dense(2, name="d1")
        dense.build((None, 3))
    late = module.layers.Dense(2, name="d2")
    with module.name_scope("outer"):
        late.build((None, 3))
    outside = module.Variable(1.0, name="u")
    return [
        v.path,
        w.path,
        dense.kernel.path,
        dense.bias.path,
        dense.path,
        dense.name,
        late.path,
        late.kernel.path,
        outside.path,
    ]


def test_name_scope_paths_match_keras(keras):
    assert _paths(lamina) == _paths(keras)
    assert _paths(lamina)[:3] == ["foo/v", "foo/bar/w", "foo/d1/kernel"]


def test_name_scope_arguments_match_keras(keras):
    caller = object()
    with lamina.name_scope("a", caller=caller):
        with lamina.name_scope("a", caller=caller):  # deduplicated
            assert _scopes.current_path() == "a"
        with lamina.name_scope("a", caller=caller, deduplicate=False):
            assert _scopes.current_path() == "a/a"
        with lamina.name_scope("b", override_parent="root/x"):
            assert _scopes.current_path() == "root/x/b"
            assert lamina.Variable(1.0, name="v").path == "root/x/b/v"
    assert _scopes.current_path() == ""
    with keras.name_scope("b", override_parent="root/x"):
        assert keras.Variable(1.0, name="v").path == "root/x/b/v"


@pytest.mark.parametrize("bad", ["a/b", 3])
def test_name_scope_refuses_bad_names(keras, bad):
    message = "Argument `name` must be a string and cannot contain character `/`"
    with pytest.raises(ValueError, match=message):
        lamina.name_scope(bad)
    with pytest.raises(ValueError, match=message):
        keras.name_scope(bad)


def test_name_scope_closes_on_error():
    with pytest.raises(RuntimeError, match="boom"), lamina.name_scope("x"):
        raise RuntimeError("boom")
    assert lamina.Variable(1.0, name="v").path == "v"


def _stateless(module):
    v = module.Variable(np.ones(2, "float32"), name="v")
    w = module.Variable(np.zeros(2, "float32"), name="w")
    with module.StatelessScope([(v, np.full(2, 3.0))]) as scope:
        read = np.asarray(module.ops.convert_to_numpy(module.ops.add(v, 1.0)))
        v.assign_add(np.ones(2, "float32"))
        w.assign(np.full(2, 5.0, "float32"))
        w.assign_sub(np.ones(2, "float32"))
        inside = [np.asarray(v.numpy()), np.asarray(w.numpy())]
    after = [v.numpy(), w.numpy()]
    current = [np.asarray(scope.get_current_value(x)) for x in (v, w)]
    return read, inside, after, current, scope.get_current_value(module.Variable(1.0))


def test_stateless_scope_collects_assignments_as_keras(keras):
    ours, theirs = _stateless(lamina), _stateless(keras)
    for a, b in zip(ours[:4], theirs[:4]):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    np.testing.assert_array_equal(ours[0], [4.0, 4.0])
    np.testing.assert_array_equal(ours[2][0], [1.0, 1.0])  # unchanged after
    np.testing.assert_array_equal(ours[3][1], [4.0, 4.0])
    assert ours[4] is None and theirs[4] is None


def test_stateless_scope_runs_a_layer_on_mapped_weights(keras):
    outputs = []
    for module in (lamina, keras):
        layer = module.layers.Dense(2, kernel_initializer="ones")
        layer.build((None, 2))
        mapping = [(layer.kernel, np.full((2, 2), 0.5)), (layer.bias, np.ones(2))]
        with module.StatelessScope(mapping):
            inside = layer(np.ones((1, 2), "float32"))
        outside = layer(np.ones((1, 2), "float32"))
        outputs.append([np.asarray(lamina.ops.convert_to_numpy(inside)), outside])
    np.testing.assert_allclose(outputs[0][0], outputs[1][0])
    np.testing.assert_allclose(outputs[0][0], [[2.0, 2.0]])
    np.testing.assert_allclose(outputs[0][1].detach().numpy(), [[2.0, 2.0]])


def test_stateless_scope_never_changes_the_mapped_tensor():
    v = lamina.Variable(np.zeros(2, "float32"))
    given = torch.ones(2)
    with lamina.StatelessScope([(v, given)]) as scope:
        v.assign_add(torch.ones(2))
    assert given.tolist() == [1.0, 1.0]
    assert scope.get_current_value(v).tolist() == [2.0, 2.0]
    assert v.tolist() == [0.0, 0.0]


def test_stateless_scopes_nest():
    v = lamina.Variable(np.zeros(2, "float32"))
    with lamina.StatelessScope([(v, np.ones(2))]) as outer:
        with lamina.StatelessScope() as inner:
            v.assign(np.full(2, 7.0, "float32"))
            assert v.tolist() == [7.0, 7.0]
        assert v.tolist() == [1.0, 1.0]
        assert inner.get_current_value(v).tolist() == [7.0, 7.0]
        assert outer.get_current_value(v).tolist() == [1.0, 1.0]
    assert v.tolist() == [0.0, 0.0]


class _LossLayer(lamina.layers.Layer):
    def call(self, x):
        self.add_loss(x.sum())
        return x


def test_stateless_scope_collects_losses_when_asked():
    layer = _LossLayer()
    with lamina.StatelessScope(collect_losses=True) as scope:
        layer(torch.ones(1, 2))
    assert [float(loss) for loss in scope.losses] == [2.0]
    with lamina.StatelessScope() as quiet:
        layer(torch.ones(1, 2))
    assert quiet.losses == []
    layer(torch.ones(1, 3))
    assert [float(loss) for loss in layer.losses] == [3.0]


def test_stateless_scope_refuses_bad_mappings(keras):
    v = lamina.Variable(np.ones(2, "float32"), name="v")
    with pytest.raises(ValueError, match="all keys in argument `mapping` must be"):
        lamina.StatelessScope([(np.ones(2), np.ones(2))])
    with pytest.raises(ValueError, match="with a shape that matches") as ours:
        lamina.StatelessScope([(v, np.ones(3))])
    k = keras.Variable(np.ones(2, "float32"), name="v")
    with pytest.raises(ValueError, match="with a shape that matches") as theirs:
        keras.StatelessScope([(k, np.ones(3))])
    assert (
        str(ours.value).split("For variable")[0]
        == str(theirs.value).split("For variable")[0]
    )


def test_symbolic_scope_marks_its_extent(keras):
    assert not _scopes.in_symbolic_scope()
    with lamina.SymbolicScope() as scope:
        assert _scopes.in_symbolic_scope()
        assert _scopes.get_symbolic_scope() is scope
    assert not _scopes.in_symbolic_scope()
    assert isinstance(keras.SymbolicScope(), keras.SymbolicScope)
