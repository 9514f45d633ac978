"""Operation nodes (`x + inputs`, `x * 2.0`, `x[:, 0]`, `ops.relu(x)`) in
functional configs and `.keras` files, written and read as Keras 3 does."""

import json
import zipfile

import numpy as np
import pytest

import lamina

RNG = np.random.default_rng(0)
X = RNG.normal(size=(5, 4)).astype("float32")
X2 = RNG.normal(size=(5, 4)).astype("float32")


def _residual(lib):
    """A residual block with operators, indexing and ops functions."""
    ops = lib.ops
    inputs = lib.Input((4,), name="inp")
    x = lib.layers.Dense(4, name="d1")(inputs)
    x = x + inputs
    x = x * 2.0
    x = ops.relu(x)
    first = x[:, 0]
    cut = x[..., 1:3]
    pooled = ops.mean(x, axis=1, keepdims=True)
    joined = ops.concatenate([x, pooled], axis=-1)
    h = lib.layers.Dense(3, name="d2")(joined)
    h = 3.0 - ops.sigmoid(h)
    return lib.Model(inputs, [first, cut, h])


def _many_ops(lib):
    """The ops functions of Keras applications and examples, two inputs."""
    ops = lib.ops
    a = lib.Input((4,), name="a")
    b = lib.Input((4,), name="b")
    x = lib.layers.Dense(4, name="d")(a)
    outs = [
        ops.add(x, 1.0),
        ops.subtract(x, b),
        ops.multiply(x, b),
        ops.divide(x, 2.0),
        x / (ops.abs(b) + 1.0),
        ops.negative(x),
        -x,
        ops.cast(x > 0, "float32"),
        ops.cast(x <= b, "float32"),
        ops.squeeze(ops.expand_dims(x, 1), 1),
        ops.transpose(ops.reshape(x, (-1, 2, 2)), (0, 2, 1)),
        ops.sum(x, axis=-1),
        ops.matmul(x, ops.transpose(b)),
        x[:, None, ::2],
        ops.maximum(x, 0.5) + ops.minimum(x, b),
        ops.softmax(x, axis=-1),
    ]
    return lib.Model([a, b], outs)


def _more_ops(lib):
    """Reductions, activations, indexing and image ops of the wider table."""
    ops = lib.ops
    inputs = lib.Input((4,), name="inp")
    x = lib.layers.Dense(4, name="d")(inputs)
    image = ops.reshape(x, (-1, 2, 2, 1))
    return lib.Model(
        inputs,
        [
            ops.tile(x, (1, 2)),
            ops.repeat(x, 2, axis=1),
            ops.cast(ops.argmax(x, axis=-1), "float32"),
            ops.cumsum(x, axis=1),
            ops.std(x, axis=-1),
            ops.leaky_relu(x, negative_slope=0.1) + ops.elu(x),
            ops.take(x, np.array([0, 2]), axis=1),
            ops.logsumexp(x, axis=-1),
            ops.top_k(x, 2)[0],
            ops.pad(x, ((0, 0), (1, 2))),
            ops.stop_gradient(ops.sort(ops.flip(x, axis=1), axis=-1)),
            ops.where(x > 0, x, 0.0),
            ops.sqrt(ops.abs(x)) + ops.exp(x) + ops.log(ops.square(x) + 1.0),
            ops.tanh(x) + ops.gelu(x) + ops.silu(x) + ops.hard_sigmoid(x),
            ops.max(x, axis=1) - ops.min(x, axis=1),
            ops.stack([x, inputs], axis=1),
            ops.clip(x, -0.5, 0.5),
            ops.image.resize(image, (4, 4), interpolation="nearest"),
        ],
    )


BUILDERS = {"residual": _residual, "many_ops": _many_ops, "more_ops": _more_ops}


def _data(name):
    return [X, X2] if name == "many_ops" else X


def _randomize(model):
    rng = np.random.default_rng(3)
    model.set_weights(
        [rng.normal(size=w.shape).astype("float32") for w in model.get_weights()]
    )


def _assert_same(a, b, atol=1e-6):
    a = list(a) if isinstance(a, (list, tuple)) else [a]
    b = list(b) if isinstance(b, (list, tuple)) else [b]
    assert len(a) == len(b)
    for u, v in zip(a, b):
        np.testing.assert_allclose(np.asarray(u), np.asarray(v), atol=atol, rtol=1e-6)


def _op_entries(config):
    config = json.loads(json.dumps(config))  # tuples as lists, as in a file
    return {
        e["name"]: (e["module"], e["class_name"], e["config"], e["inbound_nodes"])
        for e in config["layers"]
        if e["module"].startswith("keras.src.ops")
    }


@pytest.mark.parametrize("name", list(BUILDERS))
def test_lamina_round_trip(name, tmp_path):
    model = BUILDERS[name](lamina)
    _randomize(model)
    model.save(tmp_path / "m.keras")
    loaded = lamina.models.load_model(tmp_path / "m.keras")
    x = _data(name)
    _assert_same(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert loaded.get_config() == model.get_config()


def test_operations_are_not_layers_and_have_no_weights():
    model = _residual(lamina)
    assert [layer.name for layer in model.layers] == ["inp", "d1", "d2"]
    assert len(model.get_weights()) == 4


@pytest.mark.parametrize("name", list(BUILDERS))
def test_config_matches_keras(keras, name):
    """Same class names, modules, configs and calls as Keras writes."""
    ours = _op_entries(BUILDERS[name](lamina).get_config())
    keras.backend.clear_session()  # Keras's names count from zero again
    theirs = _op_entries(BUILDERS[name](keras).get_config())
    assert set(ours) == set(theirs)
    for key in ours:
        assert ours[key] == theirs[key], key


def test_config_entry_as_keras_writes_it():
    config = _residual(lamina).get_config()
    entries = {e["name"]: e for e in config["layers"]}
    assert entries["multiply"] == {
        "module": "keras.src.ops.numpy",
        "class_name": "Multiply",
        "config": {"name": "multiply"},
        "registered_name": "Multiply",
        "name": "multiply",
        "inbound_nodes": [
            {
                "args": [
                    {
                        "class_name": "__keras_tensor__",
                        "config": {
                            "shape": [None, 4],
                            "dtype": "float32",
                            "keras_history": ["add", 0, 0],
                        },
                    },
                    2.0,
                ],
                "kwargs": {},
            }
        ],
    }
    key = entries["get_item"]["inbound_nodes"][0]["args"][1]
    assert key == [
        {
            "class_name": "__slice__",
            "config": {"start": None, "stop": None, "step": None},
        },
        0,
    ]
    assert entries["mean"]["config"] == {"name": "mean", "axis": 1, "keepdims": True}
    assert entries["relu"]["module"] == "keras.src.ops.nn"
    assert config["output_layers"] == [
        ["get_item", 0, 0],
        ["get_item_1", 0, 0],
        ["subtract", 0, 0],
    ]


@pytest.mark.parametrize("name", list(BUILDERS))
def test_keras_saves_lamina_loads(keras, name, tmp_path):
    kmodel = BUILDERS[name](keras)
    _randomize(kmodel)
    kmodel.save(tmp_path / "m.keras")
    lmodel = lamina.models.load_model(tmp_path / "m.keras")
    x = _data(name)
    _assert_same(lmodel.predict(x, verbose=0), kmodel.predict(x, verbose=0))
    # Saved again by lamina, the file reads back in Keras.
    lmodel.save(tmp_path / "again.keras")
    again = keras.models.load_model(tmp_path / "again.keras")
    _assert_same(again.predict(x, verbose=0), kmodel.predict(x, verbose=0))


@pytest.mark.parametrize("name", list(BUILDERS))
def test_lamina_saves_keras_loads(keras, name, tmp_path):
    lmodel = BUILDERS[name](lamina)
    _randomize(lmodel)
    lmodel.save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as archive:
        config = json.loads(archive.read("config.json"))["config"]
    classes = {e["class_name"] for e in config["layers"]}
    assert {"Add", "Subtract"} <= classes
    kmodel = keras.models.load_model(tmp_path / "m.keras")
    x = _data(name)
    _assert_same(kmodel.predict(x, verbose=0), lmodel.predict(x, verbose=0))


def test_unknown_operation_is_refused_by_name():
    config = _residual(lamina).get_config()
    for entry in config["layers"]:
        if entry["name"] == "relu":
            entry["class_name"] = "Frobnicate"
    with pytest.raises(ValueError, match="Unknown operation 'Frobnicate'.*'relu'"):
        lamina.Model.from_config(config)


def test_unknown_operation_parameter_is_refused_by_name():
    config = _residual(lamina).get_config()
    for entry in config["layers"]:
        if entry["name"] == "mean":
            entry["config"]["where"] = None
    with pytest.raises(ValueError, match=r"'mean' \(Mean\).*\['where'\]"):
        lamina.Model.from_config(config)


def test_torch_function_node_cannot_be_written():
    import torch

    inputs = lamina.Input((4,))
    model = lamina.Model(inputs, torch.relu(inputs))
    with pytest.raises(NotImplementedError, match="`relu`.*cannot be written"):
        model.get_config()


def _layer_scale_block(lib, layer_scale):
    """ConvNeXt's block ending: `inputs + LayerScale(...)(x)`."""
    inputs = lib.Input((4,), name="inp")
    x = lib.layers.Dense(4, name="d")(inputs)
    x = layer_scale(0.5, 4, name="scale")(x)
    return lib.Model(inputs, inputs + x)


def test_convnext_style_block_travels_both_ways(keras, tmp_path):
    from keras.src.applications.convnext import LayerScale as KerasLayerScale

    from lamina.applications.convnext import LayerScale

    kmodel = _layer_scale_block(keras, KerasLayerScale)
    _randomize(kmodel)
    kmodel.save(tmp_path / "k.keras")
    lmodel = lamina.models.load_model(tmp_path / "k.keras")
    _assert_same(lmodel.predict(X, verbose=0), kmodel.predict(X, verbose=0))

    ours = _layer_scale_block(lamina, LayerScale)
    _randomize(ours)
    ours.save(tmp_path / "l.keras")
    with zipfile.ZipFile(tmp_path / "l.keras") as archive:
        config = json.loads(archive.read("config.json"))["config"]
    scale = next(e for e in config["layers"] if e["name"] == "scale")
    assert (scale["module"], scale["registered_name"]) == (
        "keras.src.applications.convnext",
        "LayerScale",
    )
    theirs = keras.models.load_model(tmp_path / "l.keras")
    _assert_same(theirs.predict(X, verbose=0), ours.predict(X, verbose=0))


def test_mobilenet_v3_style_hard_swish_travels_to_keras(keras, tmp_path):
    """MobileNetV3's `x * ReLU(6.0)(x + 3.0) * (1.0 / 6.0)`."""

    def build(lib):
        inputs = lib.Input((4,))
        x = lib.layers.Dense(4)(inputs)
        return lib.Model(inputs, x * lib.layers.ReLU(6.0)(x + 3.0) * (1.0 / 6.0))

    ours = build(lamina)
    _randomize(ours)
    ours.save(tmp_path / "l.keras")
    theirs = keras.models.load_model(tmp_path / "l.keras")
    _assert_same(theirs.predict(X, verbose=0), ours.predict(X, verbose=0))
    kernel, bias = ours.get_weights()
    h = X @ kernel + bias
    _assert_same(ours.predict(X, verbose=0), h * np.clip(h + 3.0, 0, 6.0) / 6.0, 1e-5)


def _constants_and_multi_output(lib):
    """A numpy constant, `ops.einsum` (operands in the call, subscripts in the
    config) and `ops.split` (several outputs, one of them used)."""
    inputs = lib.Input((4,), name="inp")
    x = lib.layers.Dense(4, name="d")(inputs)
    shifted = x + np.arange(4, dtype="float32")
    dots = lib.ops.einsum("ij,ij->i", shifted, inputs)
    halves = lib.ops.split(x, 2, axis=-1)
    return lib.Model(inputs, [shifted, dots, halves[1]])


def test_constants_einsum_split_travel_both_ways(keras, tmp_path):
    ours = _constants_and_multi_output(lamina)
    keras.backend.clear_session()
    theirs = _constants_and_multi_output(keras)
    assert _op_entries(ours.get_config()) == _op_entries(theirs.get_config())
    _randomize(ours)
    ours.save(tmp_path / "l.keras")
    loaded = keras.models.load_model(tmp_path / "l.keras")
    _assert_same(loaded.predict(X, verbose=0), ours.predict(X, verbose=0))
    _randomize(theirs)
    theirs.save(tmp_path / "k.keras")
    back = lamina.models.load_model(tmp_path / "k.keras")
    _assert_same(back.predict(X, verbose=0), theirs.predict(X, verbose=0))
    again = lamina.models.load_model(tmp_path / "l.keras")
    _assert_same(again.predict(X, verbose=0), ours.predict(X, verbose=0))
