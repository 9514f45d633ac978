"""The custom-object registry, (de)serialization of any object, legacy `.h5`
files, and PyTorch's ways (pickle, deepcopy, state_dict)."""

import copy
import pickle
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import torch

import lamina
from lamina import _registry

X = np.linspace(-1, 1, 12, dtype="float32").reshape(4, 3)
Y = np.linspace(0, 1, 8, dtype="float32").reshape(4, 2)


def _model():
    return lamina.Sequential(
        [
            lamina.Input((3,)),
            lamina.layers.Dense(4, activation="relu"),
            lamina.layers.Dense(2),
        ]
    )


def test_register_keras_serializable_names_and_lookup():
    @lamina.saving.register_keras_serializable(package="Mine", name="Twice")
    class Twice(lamina.layers.Layer):
        def call(self, x):
            return 2 * x

    try:
        assert lamina.saving.get_registered_name(Twice) == "Mine>Twice"
        assert lamina.saving.get_registered_object("Mine>Twice") is Twice
        assert lamina.saving.get_custom_objects()["Mine>Twice"] is Twice
        config = lamina.saving.serialize_keras_object(Twice(name="t"))
        assert config["registered_name"] == "Mine>Twice"
        rebuilt = lamina.saving.deserialize_keras_object(config)
        assert isinstance(rebuilt, Twice)
        assert rebuilt.name == "t"
    finally:
        del _registry._GLOBAL_CUSTOM_OBJECTS["Mine>Twice"]
        del _registry._GLOBAL_CUSTOM_NAMES[Twice]
    assert lamina.saving.get_registered_name(len) == "len"


def test_register_refuses_bad_package():
    with pytest.raises(ValueError, match="must not contain '>'"):
        lamina.saving.register_keras_serializable(package="a>b")


def test_custom_object_scope_nests_and_unwinds():
    def f(x):
        return x

    def g(x):
        return x

    with lamina.saving.custom_object_scope({"fn": f}):
        assert lamina.saving.get_registered_object("fn") is f
        with lamina.saving.CustomObjectScope({"fn": g}):
            assert lamina.saving.get_registered_object("fn") is g
        assert lamina.saving.get_registered_object("fn") is f
    assert lamina.saving.get_registered_object("fn") is None
    assert lamina.saving.get_registered_object("fn", custom_objects={"fn": g}) is g


def test_serialize_keras_object_matches_keras(keras):
    for lib_obj, keras_obj in [
        (lamina.optimizers.Adam(0.01), keras.optimizers.Adam(0.01)),
        (lamina.layers.Dense(3), keras.layers.Dense(3)),
        (lamina.initializers.HeNormal(seed=1), keras.initializers.HeNormal(seed=1)),
    ]:
        ours = lamina.saving.serialize_keras_object(lib_obj)
        theirs = keras.saving.serialize_keras_object(keras_obj)
        assert ours["class_name"] == theirs["class_name"]
        # Each library reads the other's form.
        assert type(keras.saving.deserialize_keras_object(ours)) is type(keras_obj)
        assert type(lamina.saving.deserialize_keras_object(theirs)) is type(lib_obj)
    assert lamina.saving.serialize_keras_object((1, [2.5, "a"], None)) == [
        1,
        [2.5, "a"],
        None,
    ]
    back = lamina.saving.deserialize_keras_object(
        keras.saving.serialize_keras_object(np.arange(3, dtype="int32"))
    )
    np.testing.assert_array_equal(back, np.arange(3))


def test_unknown_keras_keys_are_accepted_at_defaults():
    config = lamina.saving.serialize_keras_object(lamina.layers.Dense(2))
    config["config"]["quantization_config"] = None
    assert isinstance(
        lamina.saving.deserialize_keras_object(config), lamina.layers.Dense
    )
    config["config"]["quantization_config"] = {"mode": "int8"}
    # Dense takes quantization_config itself now and refuses the value.
    with pytest.raises(
        ValueError, match="quantization is not supported.*quantization_config="
    ):
        lamina.saving.deserialize_keras_object(config)


def test_unknown_class_error_says_how_to_register():
    config = {
        "module": None,
        "class_name": "Nope",
        "config": {},
        "registered_name": "Nope",
    }
    with pytest.raises(TypeError, match="register_keras_serializable"):
        lamina.saving.deserialize_keras_object(config)


def _trained():
    model = _model()
    model.compile(optimizer="adam", loss="mse")
    model.fit(X, Y, epochs=2, batch_size=2, verbose=0)
    return model


@pytest.mark.parametrize("how", ["deepcopy", "pickle"])
def test_copies_of_trained_model_predict_and_keep_training(how):
    model = _trained()
    if how == "deepcopy":
        twin = copy.deepcopy(model)
    else:
        twin = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(
        twin.predict(X, verbose=0), model.predict(X, verbose=0)
    )
    model.fit(X, Y, epochs=1, batch_size=4, shuffle=False, verbose=0)
    twin.fit(X, Y, epochs=1, batch_size=4, shuffle=False, verbose=0)
    for a, b in zip(twin.get_weights(), model.get_weights()):
        np.testing.assert_allclose(a, b, atol=1e-6)


def test_load_state_dict_into_fresh_copy():
    model = _trained()
    fresh = _model()
    fresh.load_state_dict(model.state_dict())
    np.testing.assert_array_equal(
        fresh.predict(X, verbose=0), model.predict(X, verbose=0)
    )


_KEYS_SCRIPT = textwrap.dedent(
    """
    import lamina
    for _ in range({n}):
        lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(2)])
    model = lamina.Sequential(
        [lamina.Input((3,)), lamina.layers.Dense(4), lamina.layers.Dense(2)]
    )
    print(sorted(model.state_dict()))
    """
)


def test_state_dict_keys_do_not_depend_on_earlier_models():
    outs = [
        subprocess.run(
            [sys.executable, "-c", _KEYS_SCRIPT.format(n=n)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for n in (0, 3)
    ]
    assert outs[0] == outs[1]


def test_load_state_dict_with_the_same_names():
    model = _trained()
    twin = lamina.Sequential(
        [lamina.Input((3,))]
        + [type(layer).from_config(layer.get_config()) for layer in model.layers]
    )
    twin.load_state_dict(model.state_dict())
    np.testing.assert_array_equal(
        twin.predict(X, verbose=0), model.predict(X, verbose=0)
    )


def test_legacy_h5_written_by_keras_loads(keras, tmp_path):
    inp = keras.Input((3,))
    h = keras.layers.Reshape((3, 1))(inp)
    out = keras.layers.Dense(2)(keras.layers.LSTM(4)(h))
    kmodel = keras.Model(inp, out)
    kmodel.compile(optimizer="adam", loss="mse")
    kmodel.fit(X, Y, epochs=1, verbose=0)
    kmodel.save(tmp_path / "legacy.h5")
    loaded = lamina.models.load_model(tmp_path / "legacy.h5")
    np.testing.assert_allclose(
        loaded.predict(X, verbose=0), kmodel.predict(X, verbose=0), atol=1e-6
    )
    assert type(loaded.optimizer).__name__ == "Adam"
    assert int(loaded.optimizer.iterations) == 1
    fresh = lamina.Model.from_config(loaded.get_config())
    fresh.load_weights(tmp_path / "legacy.h5")
    np.testing.assert_allclose(
        fresh.predict(X, verbose=0), kmodel.predict(X, verbose=0), atol=1e-6
    )


def test_lamina_writes_legacy_h5_that_keras_reads(keras, tmp_path):
    model = _trained()
    model.save(tmp_path / "m.h5")
    # compile=False: Keras 3.15's legacy reader cannot compile loss="mse" even
    # from its own .h5 files ("Could not deserialize 'keras.metrics.mse'").
    kmodel = keras.models.load_model(tmp_path / "m.h5", compile=False)
    np.testing.assert_allclose(
        kmodel.predict(X, verbose=0), model.predict(X, verbose=0), atol=1e-6
    )
    back = lamina.models.load_model(tmp_path / "m.h5")
    np.testing.assert_allclose(
        back.predict(X, verbose=0), model.predict(X, verbose=0), atol=1e-6
    )


def test_legacy_weights_only_file_explains(tmp_path, keras):
    import h5py

    path = tmp_path / "w.h5"
    with h5py.File(path, "w") as f:
        f.attrs["layer_names"] = np.array([b"dense"], dtype=object)
    with pytest.raises(ValueError, match="holds weights only"):
        lamina.models.load_model(path)


def test_torch_module_inside_model_round_trips(tmp_path):
    class Net(lamina.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.torch_part = torch.nn.Linear(3, 2)

        def call(self, x):
            return self.torch_part(x)

    model = Net()
    model(X)
    model.save_weights(tmp_path / "n.weights.h5")
    other = Net()
    other(X)
    other.load_weights(tmp_path / "n.weights.h5")
    np.testing.assert_array_equal(
        other.predict(X, verbose=0), model.predict(X, verbose=0)
    )


def test_custom_function_names_resolve_through_scope(tmp_path):
    def squash(x):
        return lamina.ops.tanh(x) ** 2

    inputs = lamina.Input((3,))
    outputs = lamina.layers.Activation(squash)(lamina.layers.Dense(2)(inputs))
    model = lamina.Model(inputs, outputs)
    model.save(tmp_path / "m.keras")
    with pytest.raises(ValueError, match="Unknown activation: 'squash'"):
        lamina.models.load_model(tmp_path / "m.keras")
    with lamina.saving.custom_object_scope({"squash": squash}):
        loaded = lamina.models.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(
        loaded.predict(X, verbose=0), model.predict(X, verbose=0), rtol=1e-6
    )


def _dense_config(name, units, activation):
    return {
        "name": name,
        "trainable": True,
        "dtype": "float32",
        "units": units,
        "activation": activation,
        "use_bias": True,
        "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
        "bias_initializer": {"class_name": "Zeros", "config": {}},
        "kernel_regularizer": None,
        "bias_regularizer": None,
        "activity_regularizer": None,
        "kernel_constraint": None,
        "bias_constraint": None,
    }


def _input_config(name, width):
    return {
        "class_name": "InputLayer",
        "config": {
            "batch_input_shape": [None, width],
            "dtype": "float32",
            "sparse": False,
            "ragged": False,
            "name": name,
        },
        "name": name,
        "inbound_nodes": [],
    }


def _write_keras2_file(path, weights, training_config):
    """A tf.keras 2.x functional model file, laid out as TensorFlow wrote them:
    Keras 2's list-form inbound nodes and `layer/weight:0` weight names."""
    import json

    import h5py

    layers = [
        _input_config("input_1", 3),
        _input_config("input_2", 2),
        {
            "class_name": "Concatenate",
            "config": {
                "name": "concatenate",
                "trainable": True,
                "dtype": "float32",
                "axis": -1,
            },
            "name": "concatenate",
            "inbound_nodes": [[["input_1", 0, 0, {}], ["input_2", 0, 0, {}]]],
        },
        {
            "class_name": "Dense",
            "config": _dense_config("dense", 4, "relu"),
            "name": "dense",
            "inbound_nodes": [[["concatenate", 0, 0, {}]]],
        },
        {
            "class_name": "Dense",
            "config": _dense_config("dense_1", 1, "linear"),
            "name": "dense_1",
            "inbound_nodes": [[["dense", 0, 0, {}]]],
        },
    ]
    config = {
        "class_name": "Functional",
        "config": {
            "name": "model",
            "layers": layers,
            "input_layers": [["input_1", 0, 0], ["input_2", 0, 0]],
            "output_layers": [["dense_1", 0, 0]],
        },
    }
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = "2.12.0"
        f.attrs["backend"] = "tensorflow"
        f.attrs["model_config"] = json.dumps(config)
        if training_config is not None:
            f.attrs["training_config"] = json.dumps(training_config)
        group = f.create_group("model_weights")
        names = ["input_1", "input_2", "concatenate", "dense", "dense_1"]
        group.attrs["layer_names"] = np.array([n.encode() for n in names])
        for name in names:
            layer = group.create_group(name)
            held = weights.get(name, [])
            wnames = [f"{name}/kernel:0", f"{name}/bias:0"][: len(held)]
            layer.attrs["weight_names"] = np.array([w.encode() for w in wnames])
            for wname, value in zip(wnames, held):
                layer.create_dataset(wname, data=value)


def test_keras2_tf_keras_file_loads(tmp_path):
    rng = np.random.default_rng(5)
    weights = {
        "dense": [
            rng.normal(size=(5, 4)).astype("float32"),
            rng.normal(size=4).astype("float32"),
        ],
        "dense_1": [
            rng.normal(size=(4, 1)).astype("float32"),
            rng.normal(size=1).astype("float32"),
        ],
    }
    training = {
        "loss": "mse",
        "metrics": None,
        "weighted_metrics": None,
        "loss_weights": None,
        "optimizer_config": {
            "class_name": "Adam",
            "config": {
                "name": "Adam",
                "learning_rate": 0.001,
                "beta_1": 0.9,
                "beta_2": 0.999,
                "epsilon": 1e-07,
                "amsgrad": False,
            },
        },
    }
    _write_keras2_file(tmp_path / "tf2.h5", weights, training)
    model = lamina.models.load_model(tmp_path / "tf2.h5")
    a = rng.normal(size=(4, 3)).astype("float32")
    b = rng.normal(size=(4, 2)).astype("float32")
    hidden = np.maximum(
        np.concatenate([a, b], 1) @ weights["dense"][0] + weights["dense"][1], 0
    )
    expected = hidden @ weights["dense_1"][0] + weights["dense_1"][1]
    np.testing.assert_allclose(
        model.predict([a, b], verbose=0), expected, rtol=1e-5, atol=1e-6
    )
    assert type(model.optimizer).__name__ == "Adam"
    model.fit([a, b], expected, epochs=1, verbose=0)  # compiled: it trains
