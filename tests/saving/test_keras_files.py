"""`.keras` and `.weights.h5` files exchanged with Keras 3, both ways.

Sequential, functional (multi-input/-output, nested, shared layers) and
subclassed models; compile and optimizer state; training resumed from a file.
"""

import json
import zipfile

import h5py
import numpy as np
import pytest

import lamina

RNG = np.random.default_rng(0)
X4 = RNG.normal(size=(6, 4)).astype("float32")
Y2 = RNG.normal(size=(6, 2)).astype("float32")


def _sequential(lib):
    return lib.Sequential(
        [
            lib.Input((4,)),
            lib.layers.Dense(5, activation="relu"),
            lib.layers.BatchNormalization(),
            lib.layers.Dense(2),
        ]
    )


def _multi_io(lib):
    a = lib.Input((4,), name="a")
    b = lib.Input((3,), name="b")
    shared = lib.layers.Dense(4, activation="tanh")
    h = lib.layers.Concatenate()([shared(a), lib.layers.Dense(4)(b)])
    h2 = shared(lib.layers.Dense(4)(h))
    return lib.Model([a, b], [lib.layers.Dense(2)(h2), lib.layers.Dense(1)(h)])


def _nested(lib):
    inner = lib.Sequential([lib.Input((4,)), lib.layers.Dense(3)], name="inner")
    x = lib.Input((4,))
    h = inner(x)
    rnn_in = lib.layers.Reshape((3, 1))(h)
    out = lib.layers.Dense(2)(lib.layers.LSTM(2)(rnn_in))
    return lib.Model(x, out)


BUILDERS = {"sequential": _sequential, "multi_io": _multi_io, "nested": _nested}


def _data(name):
    if name == "multi_io":
        x = [X4, RNG.normal(size=(6, 3)).astype("float32")]
        return x, [Y2, Y2[:, :1]]
    return X4, Y2


def _as_list(out):
    return list(out) if isinstance(out, (list, tuple)) else [out]


def _assert_same(a, b, atol=1e-6):
    a, b = _as_list(a), _as_list(b)
    assert len(a) == len(b)
    for u, v in zip(a, b):
        np.testing.assert_allclose(np.asarray(u), np.asarray(v), atol=atol, rtol=1e-6)


def _randomize(model):
    rng = np.random.default_rng(3)
    model.set_weights(
        [rng.normal(size=w.shape).astype("float32") for w in model.get_weights()]
    )


@pytest.mark.parametrize("name", list(BUILDERS))
def test_keras_saves_lamina_loads(keras, name, tmp_path):
    kmodel = BUILDERS[name](keras)
    _randomize(kmodel)
    x, _ = _data(name)
    kmodel.save(tmp_path / "m.keras")
    lmodel = lamina.models.load_model(tmp_path / "m.keras")
    _assert_same(lmodel.predict(x, verbose=0), kmodel.predict(x, verbose=0))
    kmodel.save_weights(tmp_path / "m.weights.h5")
    fresh = BUILDERS[name](lamina)
    fresh.load_weights(tmp_path / "m.weights.h5")
    _assert_same(fresh.predict(x, verbose=0), kmodel.predict(x, verbose=0))


@pytest.mark.parametrize("name", list(BUILDERS))
def test_lamina_saves_keras_loads(keras, name, tmp_path):
    lmodel = BUILDERS[name](lamina)
    _randomize(lmodel)
    x, _ = _data(name)
    lmodel.save(tmp_path / "m.keras")
    kmodel = keras.models.load_model(tmp_path / "m.keras")
    _assert_same(kmodel.predict(x, verbose=0), lmodel.predict(x, verbose=0))
    lmodel.save_weights(tmp_path / "m.weights.h5")
    fresh = BUILDERS[name](keras)
    fresh.load_weights(tmp_path / "m.weights.h5")
    _assert_same(fresh.predict(x, verbose=0), lmodel.predict(x, verbose=0))


def _h5_tree(path):
    out = {}
    with h5py.File(path) as f:
        f.visititems(
            lambda n, o: out.__setitem__(
                n, o.shape if isinstance(o, h5py.Dataset) else None
            )
        )
    return out


def test_files_have_keras_layout(keras, tmp_path):
    """The same compiled, trained model gives the same archive members, config
    schema and HDF5 paths in both libraries."""
    trees, configs = [], []
    for lib in (keras, lamina):
        model = _nested(lib)
        model.compile(optimizer="adam", loss="mse", metrics=["mae"])
        model.fit(X4, Y2, epochs=1, batch_size=3, verbose=0)
        path = tmp_path / f"{lib.__name__}.keras"
        model.save(path)
        with zipfile.ZipFile(path) as zf:
            assert sorted(zf.namelist()) == [
                "config.json",
                "metadata.json",
                "model.weights.h5",
            ]
            configs.append(json.loads(zf.read("config.json")))
            zf.extract("model.weights.h5", tmp_path / lib.__name__)
        trees.append(_h5_tree(tmp_path / lib.__name__ / "model.weights.h5"))
    assert trees[1] == trees[0]
    kconf, lconf = configs
    assert set(lconf) == set(kconf)  # module, class_name, config, ..., compile_config
    assert lconf["class_name"] == kconf["class_name"] == "Functional"
    assert lconf["module"] == kconf["module"]
    assert [e["class_name"] for e in lconf["config"]["layers"]] == [
        e["class_name"] for e in kconf["config"]["layers"]
    ]
    assert set(lconf["compile_config"]) == set(kconf["compile_config"])
    assert lconf["compile_config"]["optimizer"]["class_name"] == "Adam"


def _subclassed_classes(lib):
    """The same subclassed model in each library, registered under one name."""

    class Scale(lib.layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight(
                shape=(input_shape[-1],), initializer="ones", name="w"
            )

        def call(self, x):
            return x * self.w

    class Net(lib.Model):
        def __init__(self, units=3, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.first = lib.layers.Dense(units)
            self.blocks = [lib.layers.Dense(units), lib.layers.Dense(units)]
            self.scale = Scale()
            self.head = lib.layers.Dense(2)

        def call(self, x):
            x = self.first(x)
            for block in self.blocks:
                x = block(x)
            return self.head(self.scale(x))

        def get_config(self):
            return {**super().get_config(), "units": self.units}

    return {"Scale": Scale, "Net": Net}


def test_subclassed_model_travels_both_ways(keras, tmp_path):
    kobjs, lobjs = _subclassed_classes(keras), _subclassed_classes(lamina)
    kmodel = kobjs["Net"]()
    kmodel(X4)
    _randomize(kmodel)
    kmodel.save(tmp_path / "k.keras")
    lmodel = lamina.models.load_model(tmp_path / "k.keras", custom_objects=lobjs)
    _assert_same(lmodel.predict(X4, verbose=0), kmodel.predict(X4, verbose=0))

    lmodel2 = lobjs["Net"]()
    lmodel2(X4)
    _randomize(lmodel2)
    lmodel2.save(tmp_path / "l.keras")
    with keras.saving.custom_object_scope(kobjs):
        kmodel2 = keras.models.load_model(tmp_path / "l.keras")
    _assert_same(kmodel2.predict(X4, verbose=0), lmodel2.predict(X4, verbose=0))
    assert _h5_tree_of_model(keras, kmodel2, tmp_path) == _h5_tree_of_model(
        lamina, lmodel2, tmp_path
    )


def _h5_tree_of_model(lib, model, tmp_path):
    path = tmp_path / f"{lib.__name__}.weights.h5"
    model.save_weights(path)
    return _h5_tree(path)


@pytest.mark.parametrize("direction", ["keras_to_lamina", "lamina_to_keras"])
def test_compile_and_optimizer_state_survive(keras, direction, tmp_path):
    src_lib, dst_lib = (
        (keras, lamina)
        if direction == "keras_to_lamina"
        else (
            lamina,
            keras,
        )
    )
    model = _sequential(src_lib)
    _randomize(model)
    model.compile(optimizer=src_lib.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
    model.fit(X4, Y2, epochs=2, batch_size=3, shuffle=False, verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = dst_lib.models.load_model(tmp_path / "m.keras")
    assert int(np.asarray(loaded.optimizer.iterations)) == 4
    np.testing.assert_allclose(float(np.asarray(loaded.optimizer.learning_rate)), 0.01)
    src_state = [np.asarray(v) for v in _opt_vars(model.optimizer)]
    dst_state = [np.asarray(v) for v in _opt_vars(loaded.optimizer)]
    assert len(src_state) == len(dst_state)
    for a, b in zip(src_state, dst_state):
        np.testing.assert_allclose(a, b, atol=1e-7)
    # One more step on both gives the same weights: the state really is used.
    model.fit(X4, Y2, epochs=1, batch_size=6, shuffle=False, verbose=0)
    loaded.fit(X4, Y2, epochs=1, batch_size=6, shuffle=False, verbose=0)
    for a, b in zip(loaded.get_weights(), model.get_weights()):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), atol=1e-5)


def _opt_vars(optimizer):
    return [
        v.detach().cpu().numpy() if hasattr(v, "detach") else np.asarray(v)
        for v in optimizer.variables
    ]


def test_resumed_training_follows_uninterrupted_trajectory(tmp_path):
    lamina.utils.set_random_seed(1)
    model = _sequential(lamina)
    model.compile(optimizer="adam", loss="mse")
    model.fit(X4, Y2, epochs=2, batch_size=2, shuffle=False, verbose=0)
    model.save(tmp_path / "mid.keras")
    model.fit(X4, Y2, epochs=3, batch_size=2, shuffle=False, verbose=0)
    resumed = lamina.models.load_model(tmp_path / "mid.keras")
    resumed.fit(X4, Y2, epochs=3, batch_size=2, shuffle=False, verbose=0)
    for a, b in zip(resumed.get_weights(), model.get_weights()):
        np.testing.assert_allclose(a, b, atol=1e-6)


def test_load_model_without_compile(tmp_path):
    model = _sequential(lamina)
    model.compile(optimizer="sgd", loss="mse")
    model.save(tmp_path / "m.keras")
    loaded = lamina.models.load_model(tmp_path / "m.keras", compile=False)
    assert not loaded.compiled
    _assert_same(loaded.predict(X4, verbose=0), model.predict(X4, verbose=0))


def test_skip_mismatch_loads_what_fits(tmp_path):
    model = _sequential(lamina)
    model.save_weights(tmp_path / "m.weights.h5")
    other = lamina.Sequential(
        [
            lamina.Input((4,)),
            lamina.layers.Dense(5, activation="relu"),
            lamina.layers.BatchNormalization(),
            lamina.layers.Dense(3),
        ]
    )
    with pytest.raises(ValueError, match=r"m\.weights\.h5.*\n- 'layers/dense_1'"):
        other.load_weights(tmp_path / "m.weights.h5")
    with pytest.warns(UserWarning, match="Skipping variables of 'layers/dense_1'"):
        other.load_weights(tmp_path / "m.weights.h5", skip_mismatch=True)
    np.testing.assert_array_equal(other.get_weights()[0], model.get_weights()[0])


def test_to_json_and_model_from_json(keras):
    model = _multi_io(lamina)
    rebuilt = lamina.models.model_from_json(model.to_json())
    rebuilt.set_weights(model.get_weights())
    x, _ = _data("multi_io")
    _assert_same(rebuilt.predict(x, verbose=0), model.predict(x, verbose=0))
    kmodel = keras.models.model_from_json(model.to_json())
    kmodel.set_weights(model.get_weights())
    _assert_same(kmodel.predict(x, verbose=0), model.predict(x, verbose=0))


def test_clone_model_new_weights_same_architecture():
    model = _multi_io(lamina)
    clone = lamina.models.clone_model(model)
    assert [type(a) for a in clone.layers] == [type(b) for b in model.layers]
    assert all(a is not b for a, b in zip(clone.layers, model.layers))
    clone.set_weights(model.get_weights())
    x, _ = _data("multi_io")
    _assert_same(clone.predict(x, verbose=0), model.predict(x, verbose=0))


def test_clone_model_clone_function_and_input_tensors():
    model = _sequential(lamina)
    seen = []

    def clone_function(layer):
        seen.append(layer.name)
        return layer  # shares the layer

    new_input = lamina.Input((4,), name="fresh")
    clone = lamina.models.clone_model(
        model, input_tensors=new_input, clone_function=clone_function
    )
    assert seen == [layer.name for layer in model.layers]
    assert clone.inputs[0] is new_input
    _assert_same(clone.predict(X4, verbose=0), model.predict(X4, verbose=0))


def test_clone_model_refuses_clone_function_for_subclassed():
    net = _subclassed_classes(lamina)["Net"]()
    with pytest.raises(ValueError, match="only supported for Sequential"):
        lamina.models.clone_model(net, clone_function=lambda layer: layer)


def test_build_config_and_compile_config_round_trip():
    model = _sequential(lamina)
    model.compile(optimizer="adam", loss="mae", metrics=["mse"])
    assert model.get_build_config() == {"input_shape": (None, 4)}
    config = model.get_compile_config()
    assert config["loss"] == "mae"
    assert config["metrics"] == ["mse"]
    other = _sequential(lamina)
    other.compile_from_config(config)
    assert type(other.optimizer).__name__ == "Adam"
    assert other.optimizer.built
    dense = lamina.layers.Dense(2)
    dense.build_from_config({"input_shape": [None, 3]})
    assert dense.built
    assert dense.get_build_config() == {"input_shape": (None, 3)}
    assert tuple(dense.kernel.shape) == (3, 2)


def _stack(lib, how):
    if how == "input_shape":
        return lib.Sequential(
            [lib.layers.Dense(3, input_shape=(4,)), lib.layers.Dense(2)]
        )
    model = lib.Sequential([lib.layers.Dense(3), lib.layers.Dense(2)])
    model(X4)  # built by the first data it sees
    return model


@pytest.mark.filterwarnings("ignore:Do not pass an `input_shape`")
@pytest.mark.parametrize("how", ["input_shape", "called_on_data"])
def test_sequential_without_input_travels_both_ways(keras, how, tmp_path):
    for src, dst in ((lamina, keras), (keras, lamina)):
        model = _stack(src, how)
        path = tmp_path / f"{src.__name__}_{how}.keras"
        model.save(path)
        loaded = dst.models.load_model(path)
        _assert_same(loaded.predict(X4, verbose=0), model.predict(X4, verbose=0))


OPTIMIZERS = {
    "sgd_nesterov": lambda lib: lib.optimizers.SGD(0.1, momentum=0.9, nesterov=True),
    "rmsprop_centered": lambda lib: lib.optimizers.RMSprop(
        0.01, momentum=0.5, centered=True
    ),
    "adamw": lambda lib: lib.optimizers.AdamW(0.01),
    "adagrad": lambda lib: lib.optimizers.Adagrad(0.1),
    "nadam": lambda lib: lib.optimizers.Nadam(0.01),
    "adamax": lambda lib: lib.optimizers.Adamax(0.01),
    "adadelta": lambda lib: lib.optimizers.Adadelta(1.0),
    "ftrl": lambda lib: lib.optimizers.Ftrl(0.1),
    "lion": lambda lib: lib.optimizers.Lion(0.01),
    "adam_amsgrad": lambda lib: lib.optimizers.Adam(0.01, amsgrad=True),
    "adafactor": lambda lib: lib.optimizers.Adafactor(0.01),
    "adam_ema": lambda lib: lib.optimizers.Adam(0.01, use_ema=True),
}
_FAST_OPTIMIZERS = {"sgd_nesterov", "adamw", "adafactor"}


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(n, marks=() if n in _FAST_OPTIMIZERS else (pytest.mark.slow,))
        for n in OPTIMIZERS
    ],
)
@pytest.mark.parametrize("direction", ["keras_to_lamina", "lamina_to_keras"])
def test_every_optimizer_state_resumes_across_libraries(
    keras, name, direction, tmp_path
):
    """Saved after two epochs with a loss object and metric objects, loaded by
    the other library; one more step on both gives the same weights."""
    src, dst = (keras, lamina) if direction == "keras_to_lamina" else (lamina, keras)
    model = src.Sequential([src.Input((4,)), src.layers.Dense(3), src.layers.Dense(2)])
    model.compile(
        optimizer=OPTIMIZERS[name](src),
        loss=src.losses.Huber(),
        metrics=["mae", src.metrics.RootMeanSquaredError()],
    )
    model.fit(X4, Y2, epochs=2, batch_size=3, shuffle=False, verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = dst.models.load_model(tmp_path / "m.keras")
    model.fit(X4, Y2, epochs=1, batch_size=6, shuffle=False, verbose=0)
    loaded.fit(X4, Y2, epochs=1, batch_size=6, shuffle=False, verbose=0)
    for a, b in zip(loaded.get_weights(), model.get_weights()):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), atol=1e-6)
