"""keras.Operation (a custom operation in a functional model) and keras.Function
(a graph run as one callable), checked against Keras."""

import re

import numpy as np
import pytest
import torch

import lamina


def to_numpy(x):
    return x.detach().numpy() if isinstance(x, torch.Tensor) else np.asarray(x)


def _classes(module):
    class Scale(module.Operation):
        def __init__(self, factor=2.0, name=None):
            super().__init__(name=name)
            self.factor = factor

        def call(self, x):
            return module.ops.multiply(x, self.factor)

    class Split(module.Operation):
        def call(self, x):
            return x[:, :2], x[:, 2:]

        def compute_output_spec(self, x):
            n = x.shape[1] - 2
            return (
                module.KerasTensor((x.shape[0], 2), x.dtype),
                module.KerasTensor((x.shape[0], n), x.dtype),
            )

    return Scale, Split


def _operation_model(module):
    scale_cls, split_cls = _classes(module)
    scale = scale_cls(3.0, name="scale")
    inputs = module.Input((4,), name="x")
    scaled = scale(inputs)
    first, rest = split_cls()(scaled)
    outputs = module.layers.Dense(3, name="head")(first)
    return scale, module.Model(inputs, [outputs, rest])


def test_custom_operation_in_a_functional_model_matches_keras(keras):
    scale, ours = _operation_model(lamina)
    _, theirs = _operation_model(keras)
    assert [layer.name for layer in ours.layers] == [
        layer.name for layer in theirs.layers
    ]
    ours.get_layer("head").set_weights(theirs.get_layer("head").get_weights())
    x = np.arange(8, dtype="float32").reshape(2, 4)
    for got, want in zip(ours.predict(x, verbose=0), theirs.predict(x, verbose=0)):
        np.testing.assert_allclose(got, want, rtol=1e-6)
    assert ours.outputs[1].shape == theirs.outputs[1].shape == (None, 2)
    assert scale.input.shape == scale.output.shape == (None, 4)
    assert len(scale._inbound_nodes) == 1


def test_operation_eager_call_config_and_names(keras):
    scale_cls, _ = _classes(lamina)
    keras_scale_cls, _ = _classes(keras)
    op = scale_cls(3.0)
    theirs = keras_scale_cls(3.0)
    assert op.name.startswith("scale") and theirs.name.startswith("scale")
    assert {k: v for k, v in op.get_config().items() if k != "name"} == {"factor": 3.0}
    assert scale_cls.from_config(op.get_config()).factor == 3.0
    assert repr(scale_cls(name="s")) == repr(keras_scale_cls(name="s"))
    assert to_numpy(op(np.ones(2, "float32"))).tolist() == [3.0, 3.0]
    assert issubclass(lamina.Function, lamina.Operation)


def test_operation_errors(keras):
    scale_cls, _ = _classes(lamina)
    message = "Argument `name` must be a string and cannot contain character `/`"
    with pytest.raises(ValueError, match=message):
        scale_cls(name="a/b")
    with pytest.raises(NotImplementedError, match="does not implement `call"):
        lamina.Operation()(np.ones(2))
    with pytest.raises(AttributeError, match="has never been called"):
        _ = scale_cls().input

    class NoConfig(lamina.Operation):
        def __init__(self, table):
            super().__init__()

        def call(self, x):
            return x

    with pytest.raises(NotImplementedError, match="must override `get_config"):
        NoConfig(np.ones(2)).get_config()


def _graph(module):
    a = module.Input((3,), name="a")
    b = module.Input((3,), name="b")
    summed = module.ops.add(a, b)
    doubled = module.ops.multiply(summed, 2.0)
    dense = module.layers.Dense(2, name="proj")
    projected = dense(doubled)
    fn = module.Function([a, b], [doubled, projected], name="fn")
    return fn, dense, (a, b, summed)


def test_function_runs_the_graph_as_keras(keras):
    ours, our_dense, _ = _graph(lamina)
    theirs, their_dense, _ = _graph(keras)
    our_dense.set_weights(their_dense.get_weights())
    x = np.random.rand(2, 3).astype("float32")
    y = np.random.rand(2, 3).astype("float32")
    got, want = ours([x, y]), theirs([x, y])
    assert isinstance(got, list) and len(got) == 2
    for g, w in zip(got, want):
        assert isinstance(g, torch.Tensor)
        np.testing.assert_allclose(to_numpy(g), to_numpy(w), rtol=1e-6)
    assert ours.name == "fn"
    # Keras numbers its recorded ops session-wide (`add_3`): compare the bases.
    assert [re.sub(r"_\d+$", "", op.name) for op in ours.operations] == [
        re.sub(r"_\d+$", "", op.name) for op in theirs.operations
    ]
    assert [t.shape for t in ours.outputs] == [t.shape for t in theirs.outputs]
    shapes = [(None, 3), (None, 3)]
    assert ours.compute_output_shape(shapes) == theirs.compute_output_shape(shapes)
    spec = ours.compute_output_spec([lamina.KerasTensor((None, 3))] * 2)
    assert [t.shape for t in spec] == [(None, 3), (None, 2)]


def test_function_on_dicts_and_single_tensors(keras):
    for module in (lamina, keras):
        a, b = module.Input((3,)), module.Input((3,))
        fn = module.Function({"p": a, "q": b}, {"s": module.ops.add(a, b)})
        out = fn({"p": np.ones((1, 3), "float32"), "q": np.ones((1, 3), "float32")})
        assert to_numpy(out["s"]).tolist() == [[2.0, 2.0, 2.0]]
        single = module.Function(a, module.ops.exp(a))
        np.testing.assert_allclose(
            to_numpy(single(np.zeros((2, 3), "float32"))), np.ones((2, 3))
        )


def test_function_called_on_keras_tensors_records_a_node():
    fn, _, _ = _graph(lamina)
    x, y = lamina.Input((3,)), lamina.Input((3,))
    doubled, projected = fn([x, y])
    assert (doubled.shape, projected.shape) == ((None, 3), (None, 2))
    model = lamina.Model([x, y], projected)
    ones = np.ones((1, 3), "float32")
    np.testing.assert_allclose(
        to_numpy(model([ones, ones])), to_numpy(fn([ones, ones])[1]), rtol=1e-6
    )


def test_function_errors(keras):
    fn, _, (a, b, summed) = _graph(lamina)
    ones = np.ones((2, 3), "float32")
    with pytest.raises(ValueError, match="invalid input structure"):
        fn([ones])
    with pytest.raises(ValueError, match="For input 'a', expected shape"):
        fn([np.ones((2, 4), "float32"), ones])
    with pytest.raises(ValueError, match="not connected to `inputs`"):
        lamina.Function([a], [summed])
    with pytest.raises(TypeError, match="must be symbolic tensors"):
        lamina.Function([a], [np.ones(3)])
    with pytest.raises(NotImplementedError, match="A Function holds tensors"):
        fn.get_config()
    k_fn, _, _ = _graph(keras)
    with pytest.raises(ValueError, match="incompatible inputs"):
        k_fn([np.ones((2, 4), "float32"), ones])


def _custom_objects(module):
    scale_cls, split_cls = _classes(module)
    return {"Scale": scale_cls, "Split": split_cls}


def test_custom_operation_config_matches_keras(keras):
    _, ours = _operation_model(lamina)
    _, theirs = _operation_model(keras)

    def entry(model):
        layers = model.get_config()["layers"]
        found = next(e for e in layers if e["class_name"] == "Scale")
        found["inbound_nodes"] = [
            {"args": list(n["args"]), "kwargs": n["kwargs"]}
            for n in found["inbound_nodes"]
        ]
        for node in found["inbound_nodes"]:
            for arg in node["args"]:
                arg["config"]["shape"] = list(arg["config"]["shape"])
        return found

    assert entry(ours) == entry(theirs)
    clone = lamina.Model.from_config(
        ours.get_config(), custom_objects=_custom_objects(lamina)
    )
    x = np.arange(8, dtype="float32").reshape(2, 4)
    clone.get_layer("head").set_weights(ours.get_layer("head").get_weights())
    for got, want in zip(clone.predict(x, verbose=0), ours.predict(x, verbose=0)):
        np.testing.assert_allclose(got, want)


def test_custom_operation_files_travel_both_ways(keras, tmp_path):
    x = np.arange(8, dtype="float32").reshape(2, 4)
    _, ours = _operation_model(lamina)
    _, theirs = _operation_model(keras)
    ours.save(tmp_path / "ours.keras")
    theirs.save(tmp_path / "theirs.keras")
    in_keras = keras.saving.load_model(
        tmp_path / "ours.keras", custom_objects=_custom_objects(keras)
    )
    in_lamina = lamina.saving.load_model(
        tmp_path / "theirs.keras", custom_objects=_custom_objects(lamina)
    )
    for a, b in zip(in_keras.predict(x, verbose=0), ours.predict(x, verbose=0)):
        np.testing.assert_allclose(a, b, rtol=1e-6)
    for a, b in zip(in_lamina.predict(x, verbose=0), theirs.predict(x, verbose=0)):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def _bare_graph(module):
    first = module.KerasTensor(shape=(None, 2, 3))
    second = module.KerasTensor(shape=(None, 2, 3))
    output = module.ops.sigmoid(first + second)
    return module.Function(inputs=[first, second], outputs=output)


def test_function_on_bare_keras_tensors_matches_keras(keras):
    a, b = np.random.random((4, 2, 3)), np.random.random((4, 2, 3))
    ours, theirs = _bare_graph(lamina), _bare_graph(keras)
    got, want = ours([a, b]), theirs([a, b])
    assert got.dtype == want.dtype == torch.float64
    np.testing.assert_allclose(to_numpy(got), to_numpy(want), rtol=1e-12)
    assert [op.name for op in ours.operations] == ["add", "sigmoid"]


def test_function_reads_a_layer_output_of_a_sequential_model(keras):
    outputs = []
    for module in (lamina, keras):
        model = module.Sequential(
            [
                module.Input((3,)),
                module.layers.Dense(4, kernel_initializer="ones", name="hidden"),
                module.layers.Dense(1, name="out"),
            ]
        )
        fn = module.Function(model.inputs, [model.get_layer("hidden").output])
        outputs.append(to_numpy(fn([np.ones((2, 3), "float32")])[0]))
    np.testing.assert_allclose(outputs[0], outputs[1])
    np.testing.assert_allclose(outputs[0], np.full((2, 4), 3.0))


def test_layers_and_recorded_ops_are_operations(keras):
    for module in (lamina, keras):
        assert isinstance(module.layers.Dense(2), module.Operation)
        assert issubclass(module.Model, module.Operation)
        assert issubclass(module.Function, module.Operation)
        x = module.Input((2,))
        assert isinstance((x + 1)._keras_history[0], module.Operation)
        assert not isinstance(object(), module.Operation)
