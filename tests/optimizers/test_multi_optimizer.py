"""OptimizerMap and MultiOptimizer against Keras 3: routing, steps, config, fit, files."""

import copy
import inspect
import warnings
import zipfile

import h5py
import numpy as np
import pytest
import torch

import lamina
from lamina import optimizers

SHAPES = [(3, 4), (4,), (4, 2), (2,)]
NAMES = ["enc_kernel", "enc_bias", "head_kernel", "head_bias"]


@pytest.mark.parametrize("name", ["MultiOptimizer", "OptimizerMap"])
def test_signature_is_keras(keras, name):
    ours = inspect.signature(getattr(optimizers, name)).parameters
    theirs = inspect.signature(getattr(keras.optimizers, name)).parameters
    assert list(ours) == list(theirs)
    for p in ours:
        assert ours[p].default == theirs[p].default, p


def _maps(lib):
    sgd, adam, rms = (
        lib.optimizers.SGD(),
        lib.optimizers.Adam(),
        lib.optimizers.RMSprop(),
    )
    m = lib.optimizers.OptimizerMap(default_optimizer=rms)
    m["encoder/layer_0/dense"] = adam
    m["encoder/.*"] = sgd
    m["decoder"] = adam
    return m, {"sgd": sgd, "adam": adam, "rms": rms}


@pytest.mark.parametrize(
    "key",
    [
        "decoder",
        "encoder/layer_0/dense",
        "encoder/layer_0/attention/query",
        "decoder/layer_0/dense",
        "encoder",
    ],
)
def test_map_lookup_matches_keras(keras, key):
    ours, our_opts = _maps(lamina)
    theirs, their_opts = _maps(keras)
    ours_found = next(k for k, v in our_opts.items() if v is ours[key])
    theirs_found = next(k for k, v in their_opts.items() if v is theirs[key])
    assert ours_found == theirs_found
    assert len(ours) == len(theirs) == 3
    assert list(ours) == list(theirs)


def test_map_mutation_and_call():
    m, opts = _maps(lamina)
    del m["decoder"]
    assert m["decoder"] is opts["rms"] and len(m) == 2
    var = torch.nn.Parameter(torch.ones(2))
    var.path = "encoder/layer_1/dense/kernel"
    assert m(var) is opts["sgd"]
    assert m.default_optimizer is opts["rms"]


def test_map_errors():
    m = optimizers.OptimizerMap(optimizers.SGD(), {"a.*": optimizers.Adam()})
    m["ab.*"] = optimizers.Adam()
    with pytest.raises(
        ValueError, match="Multiple optimizers assigned to variable abc"
    ):
        m["abc"]
    with pytest.raises(ValueError, match="'a.\\*' already exists in the OptimizerMap"):
        m["a.*"] = optimizers.SGD()
    with pytest.raises(ValueError, match="key must be a string. Received: 3"):
        m[3] = optimizers.SGD()
    with pytest.raises(ValueError, match="must be a Keras `Optimizer` instance"):
        m["b"] = "sgd"
    with pytest.raises(ValueError, match="LossScaleOptimizer cannot be used inside"):
        m["c"] = optimizers.LossScaleOptimizer(optimizers.SGD())
    multi = optimizers.MultiOptimizer(optimizers.OptimizerMap(optimizers.SGD()))
    with pytest.raises(ValueError, match="MultiOptimizer cannot be used inside"):
        m["d"] = multi
    with pytest.raises(TypeError, match="default_optimizer must be a Keras Optimizer"):
        optimizers.OptimizerMap("sgd")
    with pytest.raises(TypeError, match="optimizer_map must be a dictionary"):
        optimizers.OptimizerMap(optimizers.SGD(), [("a", optimizers.SGD())])


def _pair(lib, loss_scale_factor=None):
    sgd = lib.optimizers.SGD(0.1, momentum=0.5)
    adam = lib.optimizers.Adam(0.05, weight_decay=0.1)
    mapping = lib.optimizers.OptimizerMap(sgd, {"enc_.*": adam})
    return lib.optimizers.MultiOptimizer(mapping, loss_scale_factor=loss_scale_factor)


def _variables(keras):
    rng = np.random.default_rng(0)
    inits = [rng.normal(size=s).astype("float32") for s in SHAPES]
    kvars = [keras.Variable(x, name=n) for x, n in zip(inits, NAMES, strict=True)]
    lvars = [torch.nn.Parameter(torch.tensor(x)) for x in inits]
    for var, n in zip(lvars, NAMES, strict=True):
        var.path = n
    return kvars, lvars


def _close(ours, theirs, where=""):
    for a, b in zip(ours, theirs, strict=True):
        a = a.detach().numpy() if isinstance(a, torch.Tensor) else np.asarray(a)
        np.testing.assert_allclose(
            a, np.asarray(b), rtol=1e-6, atol=1e-7, err_msg=where
        )


@pytest.mark.parametrize("loss_scale_factor", [None, 4.0])
def test_steps_and_state_match_keras(keras, loss_scale_factor):
    kopt, lopt = _pair(keras, loss_scale_factor), _pair(lamina, loss_scale_factor)
    kvars, lvars = _variables(keras)
    rng = np.random.default_rng(1)
    for step in range(4):
        grads = [rng.normal(size=s).astype("float32") for s in SHAPES]
        kopt.apply([torch.tensor(g) for g in grads], kvars)
        lopt.apply([torch.tensor(g) for g in grads], lvars)
        _close(lvars, [v.numpy() for v in kvars], f"step {step}")
    assert [type(o).__name__ for o in lopt.optimizers] == ["Adam", "SGD"]
    assert [o.loss_scale_factor for o in lopt.optimizers] == [loss_scale_factor] * 2
    assert int(lopt.iterations) == int(kopt.iterations) == 4
    assert [int(o.iterations) for o in lopt.optimizers] == [4, 4]
    ours, theirs = lopt.variables, kopt.variables
    assert [tuple(v.shape) for v in ours] == [tuple(v.shape) for v in theirs]
    _close(ours, [v.numpy() for v in theirs], "variables")


def test_callable_map_and_missing_gradient(keras):
    """A function picks the optimizer; a None gradient is skipped with
    Keras's warning and the sub-optimizer of the others still steps."""
    kvars, lvars = _variables(keras)

    def chooser(lib):
        adam, sgd = lib.optimizers.Adam(0.1), lib.optimizers.SGD(0.1)
        return lambda v: adam if "kernel" in v.path else sgd

    kopt = keras.optimizers.MultiOptimizer(chooser(keras))
    lopt = optimizers.MultiOptimizer(chooser(lamina))
    grads = [np.full(s, 0.5, "float32") for s in SHAPES]
    for step in range(2):
        kg = [torch.tensor(g) for g in grads]
        lg = [torch.tensor(g) for g in grads]
        kg[1] = lg[1] = None
        with pytest.warns(UserWarning, match="Gradients do not exist"):
            kopt.apply(kg, kvars)
        if step == 0:
            with pytest.warns(UserWarning, match="Gradients do not exist"):
                lopt.apply(lg, lvars)
        else:
            lopt.apply(lg, lvars)  # lamina warns once per pattern of gradients
    _close(lvars, [v.numpy() for v in kvars])
    assert [type(o).__name__ for o in lopt.optimizers] == ["Adam", "SGD"]


def test_learning_rate_is_refused():
    opt = _pair(lamina)
    with pytest.raises(AttributeError, match="cannot be accessed on a MultiOptimizer"):
        opt.learning_rate  # noqa: B018
    with pytest.raises(AttributeError, match="cannot be set on a MultiOptimizer"):
        opt.learning_rate = 0.1
    opt.loss_scale_factor = 8.0
    assert [o.loss_scale_factor for o in opt.optimizers] == [8.0, 8.0]


def test_errors():
    with pytest.raises(TypeError, match="`optimizer_map` must be an `OptimizerMap`"):
        optimizers.MultiOptimizer({"a": optimizers.SGD()})
    var = torch.nn.Parameter(torch.ones(2))
    var.path = "dense/kernel"
    wrapped = optimizers.MultiOptimizer(
        lambda v: optimizers.LossScaleOptimizer(optimizers.SGD())
    )
    with pytest.raises(ValueError, match="LossScaleOptimizer cannot be used inside"):
        wrapped.build([var])
    with pytest.raises(ValueError, match="must already be built"):
        _pair(lamina).apply([torch.ones(2)])
    opt = _pair(lamina)
    opt.build([var, torch.nn.Parameter(torch.ones(3))])
    with pytest.raises(ValueError, match="Received 1 gradients and 2 variables"):
        opt.apply([torch.ones(2)], [var])
    with pytest.raises(
        ValueError, match="set_weights\\(\\)` on an optimizer that has not"
    ):
        _pair(lamina).set_weights([])
    with pytest.raises(ValueError, match="cannot be made from its name"):
        optimizers.get("multioptimizer")


def test_config_matches_keras_and_round_trips(keras):
    ours = optimizers.serialize(_pair(lamina, 2.0))
    theirs = keras.optimizers.serialize(_pair(keras, 2.0))
    assert ours["class_name"] == theirs["class_name"] == "MultiOptimizer"
    assert ours["config"].keys() == theirs["config"].keys()
    our_map, their_map = (
        ours["config"]["optimizer_map"],
        theirs["config"]["optimizer_map"],
    )
    assert our_map["class_name"] == their_map["class_name"] == "OptimizerMap"
    assert list(our_map["config"]["optimizer_map"]) == ["enc_.*"]
    assert our_map["config"]["default_optimizer"]["class_name"] == "SGD"
    # Keras reads ours, and we read what Keras writes back.
    kopt = keras.optimizers.deserialize(ours)
    assert [type(o).__name__ for o in kopt.optimizers] == ["Adam", "SGD"]
    back = optimizers.deserialize(keras.optimizers.serialize(kopt))
    assert [type(o).__name__ for o in back.optimizers] == ["Adam", "SGD"]
    assert back.loss_scale_factor == 2.0
    adam = back.optimizers[0]
    assert (float(adam.learning_rate), adam.weight_decay) == (pytest.approx(0.05), 0.1)
    assert optimizers.serialize(back)["config"] == ours["config"]


def _model(lib):
    x = lib.Input((4,))
    h = lib.layers.Dense(3, activation="tanh", name="enc")(x)
    return lib.Model(x, lib.layers.Dense(2, name="head")(h))


def _fit_optimizer(lib):
    mapping = lib.optimizers.OptimizerMap(
        lib.optimizers.SGD(0.1, momentum=0.5), {"enc/.*": lib.optimizers.Adam(0.02)}
    )
    return lib.optimizers.MultiOptimizer(mapping)


def _xy():
    rng = np.random.default_rng(2)
    return (
        rng.normal(size=(6, 4)).astype("float32"),
        rng.normal(size=(6, 2)).astype("float32"),
    )


def test_fit_matches_keras(keras):
    x, y = _xy()
    kmodel, lmodel = _model(keras), _model(lamina)
    lmodel.set_weights([np.asarray(w) for w in kmodel.get_weights()])
    kmodel.compile(optimizer=_fit_optimizer(keras), loss="mse")
    lmodel.compile(optimizer=_fit_optimizer(lamina), loss="mse")
    kh = kmodel.fit(x, y, epochs=2, batch_size=3, shuffle=False, verbose=0)
    lh = lmodel.fit(x, y, epochs=2, batch_size=3, shuffle=False, verbose=0)
    np.testing.assert_allclose(lh.history["loss"], kh.history["loss"], rtol=1e-6)
    _close(lmodel.get_weights(), kmodel.get_weights(), "fit")
    assert [int(o.iterations) for o in lmodel.optimizer.optimizers] == [4, 4]


def test_keras_file_round_trip(tmp_path):
    """Saved mid-training and loaded, training goes on as if uninterrupted."""
    x, y = _xy()
    model = _model(lamina)
    model.compile(optimizer=_fit_optimizer(lamina), loss="mse")
    model.fit(x, y, epochs=2, batch_size=3, shuffle=False, verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = lamina.models.load_model(tmp_path / "m.keras")
    assert type(loaded.optimizer) is optimizers.MultiOptimizer
    assert [type(o) for o in loaded.optimizer.optimizers] == [
        optimizers.Adam,
        optimizers.SGD,
    ]
    _close(loaded.optimizer.variables, model.optimizer.variables, "state")
    model.fit(x, y, epochs=1, batch_size=6, shuffle=False, verbose=0)
    loaded.fit(x, y, epochs=1, batch_size=6, shuffle=False, verbose=0)
    _close(loaded.get_weights(), model.get_weights(), "resumed")


def test_keras_file_from_keras_resumes(keras, tmp_path):
    x, y = _xy()
    model = _model(keras)
    model.compile(optimizer=_fit_optimizer(keras), loss="mse")
    model.fit(x, y, epochs=2, batch_size=3, shuffle=False, verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = lamina.models.load_model(tmp_path / "m.keras")
    _close(loaded.optimizer.variables, [v.numpy() for v in model.optimizer.variables])
    model.fit(x, y, epochs=1, batch_size=6, shuffle=False, verbose=0)
    loaded.fit(x, y, epochs=1, batch_size=6, shuffle=False, verbose=0)
    _close(loaded.get_weights(), model.get_weights(), "resumed")


def test_a_copied_model_trains_with_its_own_variables():
    x, y = _xy()
    model = _model(lamina)
    model.compile(optimizer=_fit_optimizer(lamina), loss="mse")
    model.fit(x, y, epochs=1, batch_size=3, shuffle=False, verbose=0)
    twin = copy.deepcopy(model)
    model.fit(x, y, epochs=1, batch_size=3, shuffle=False, verbose=0)
    twin.fit(x, y, epochs=1, batch_size=3, shuffle=False, verbose=0)
    _close(twin.get_weights(), model.get_weights(), "copy")


def test_data_parallel_reduction_runs_once():
    """A data-parallel fit installs its gradient reducer on the model's
    optimizer: the MultiOptimizer reduces once, the sub-optimizers not again."""
    calls = []

    def reducer(grads):
        calls.append(len(grads))
        return [None if g is None else g * 2 for g in grads]

    opt = optimizers.MultiOptimizer(
        optimizers.OptimizerMap(optimizers.SGD(1.0), {"a": optimizers.SGD(0.5)})
    )
    a, b = torch.nn.Parameter(torch.zeros(2)), torch.nn.Parameter(torch.zeros(2))
    a.path, b.path = "a", "b"
    opt._grad_reducer = reducer
    opt.apply([torch.ones(2), torch.ones(2)], [a, b])
    assert calls == [2]
    np.testing.assert_array_equal(a.detach().numpy(), [-1.0, -1.0])
    np.testing.assert_array_equal(b.detach().numpy(), [-2.0, -2.0])


def _optimizer_paths(path):
    """The groups and datasets under `optimizer/` in a .keras file."""
    with zipfile.ZipFile(path) as archive:
        archive.extract("model.weights.h5", path.parent / path.stem)
    found = []
    with h5py.File(path.parent / path.stem / "model.weights.h5") as f:
        f["optimizer"].visit(found.append)
    return sorted(found)


def test_keras_file_layout_is_keras(keras, tmp_path):
    """Both write the whole state under optimizer/vars and each sub-optimizer's
    under optimizer/optimizers/<class>/vars; Keras loads ours without warning."""
    x, y = _xy()
    for lib in (keras, lamina):
        model = _model(lib)
        model.compile(optimizer=_fit_optimizer(lib), loss="mse")
        model.fit(x, y, epochs=1, batch_size=3, shuffle=False, verbose=0)
        model.save(tmp_path / f"{lib.__name__}.keras")
    ours = _optimizer_paths(tmp_path / "lamina.keras")
    assert ours == _optimizer_paths(tmp_path / "keras.keras")
    assert "optimizers/adam/vars/5" in ours and "optimizers/sgd/vars/3" in ours
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        keras.models.load_model(tmp_path / "lamina.keras")
