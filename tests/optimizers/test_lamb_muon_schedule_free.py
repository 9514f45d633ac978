"""Lamb, Muon and ScheduleFreeAdamW against Keras 3: steps, state, config, fit, files."""

import inspect

import numpy as np
import pytest
import torch

import lamina
from lamina import optimizers

NAMES = ["Lamb", "Muon", "ScheduleFreeAdamW"]
# (3, 5) and (5, 3) take Muon's step (wide and tall); the others Adam's.
SHAPES = [(3, 5), (4,), (2, 2, 3), (5, 3)]
STEPS = 5

CASES = [
    ("Lamb", {}),
    ("Lamb", {"learning_rate": 0.05, "beta_1": 0.5, "beta_2": 0.9, "epsilon": 1e-3}),
    ("Lamb", {"learning_rate": 0.05, "weight_decay": 0.1}),
    ("Lamb", {"learning_rate": 0.05, "clipnorm": 0.5}),
    ("Lamb", {"learning_rate": ("ExponentialDecay", (0.1, 2, 0.5))}),
    ("ScheduleFreeAdamW", {}),
    ("ScheduleFreeAdamW", {"learning_rate": 0.05, "beta_1": 0.5, "epsilon": 1e-4}),
    ("ScheduleFreeAdamW", {"learning_rate": 0.05, "warmup_steps": 3}),
    ("ScheduleFreeAdamW", {"learning_rate": 0.05, "weight_decay": 0.1}),
    ("ScheduleFreeAdamW", {"learning_rate": 0.05, "global_clipnorm": 1.0}),
    ("ScheduleFreeAdamW", {"learning_rate": 0.05, "gradient_accumulation_steps": 2}),
    ("Muon", {}),
    ("Muon", {"learning_rate": 0.05, "nesterov": False, "rms_rate": None}),
    ("Muon", {"learning_rate": 0.05, "adam_lr_ratio": 0.1, "ns_steps": 3}),
    ("Muon", {"learning_rate": 0.05, "weight_decay": None, "clipnorm": 0.5}),
    ("Muon", {"learning_rate": 0.05, "weight_decay": 0.3, "adam_weight_decay": None}),
    ("Muon", {"learning_rate": 0.05, "momentum": 0.5, "use_ema": True}),
    ("Muon", {"learning_rate": 0.05, "gradient_accumulation_steps": 2}),
    # Keras moves the moving averages on every call, accumulating or not.
    (
        "Muon",
        {"learning_rate": 0.05, "gradient_accumulation_steps": 2, "use_ema": True},
    ),
    (
        "Lamb",
        {
            "learning_rate": 0.05,
            "gradient_accumulation_steps": 2,
            "use_ema": True,
            "ema_overwrite_frequency": 2,
        },
    ),
]


def _make(module, name, kwargs):
    kwargs = dict(kwargs)
    spec = kwargs.get("learning_rate")
    if isinstance(spec, tuple):
        kwargs["learning_rate"] = getattr(module.schedules, spec[0])(*spec[1])
    return getattr(module, name)(**kwargs)


def _data(seed, shapes=SHAPES):
    rng = np.random.default_rng(seed)
    inits = [rng.normal(size=s).astype("float32") for s in shapes]
    grads = [
        [rng.normal(size=s).astype("float32") for s in shapes] for _ in range(STEPS)
    ]
    return inits, grads


def _close(ours, theirs, where):
    for lv, kv in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(
            np.asarray(lv.detach() if hasattr(lv, "detach") else lv),
            np.asarray(kv),
            rtol=1e-6,
            atol=1e-6,
            err_msg=where,
        )


def _run_both(keras, kopt, lopt, inits, grads, names=None):
    """Applies the same gradients in both; compares after every step."""
    names = names or [None] * len(inits)
    kvars = [keras.Variable(x, name=n) for x, n in zip(inits, names, strict=True)]
    lvars = [torch.nn.Parameter(torch.tensor(x)) for x in inits]
    for var, n in zip(lvars, names, strict=True):
        if n is not None:
            var.path = f"{n}"
    for step, step_grads in enumerate(grads):
        kopt.apply([torch.tensor(g) for g in step_grads], kvars)
        lopt.apply([torch.tensor(g) for g in step_grads], lvars)
        _close(lvars, [v.numpy() for v in kvars], f"step {step}")
    return kvars, lvars


@pytest.mark.parametrize(("name", "kwargs"), CASES, ids=str)
def test_steps_and_state_match_keras(keras, name, kwargs):
    inits, grads = _data(1)
    kopt = _make(keras.optimizers, name, kwargs)
    lopt = _make(optimizers, name, kwargs)
    kvars, lvars = _run_both(keras, kopt, lopt, inits, grads)
    assert int(lopt.iterations) == int(kopt.iterations)
    ours, theirs = lopt.variables, kopt.variables
    assert [tuple(v.shape) for v in ours] == [tuple(v.shape) for v in theirs]
    _close(ours, [v.numpy() for v in theirs], "optimizer variables")
    if kwargs.get("use_ema"):
        kopt.finalize_variable_values(kvars)
        lopt.finalize_variable_values(lvars)
        _close(lvars, [v.numpy() for v in kvars], "finalized")


def test_muon_picks_adam_by_path_like_keras(keras):
    """Embeddings and `exclude_layers` matches take Adam's step, by path."""
    shapes = [(3, 5), (4, 3), (3, 4), (2, 3)]
    names = ["kernel", "token_embedding", "output_kernel", "head_kernel"]
    inits, grads = _data(2, shapes)
    kwargs = {"learning_rate": 0.05, "exclude_layers": ["^output", "head"]}
    kopt = keras.optimizers.Muon(**kwargs)
    lopt = optimizers.Muon(**kwargs)
    _run_both(keras, kopt, lopt, inits, grads, names)
    # Only the first variable is Muon's: it has no velocity slot.
    assert [tuple(v.shape) for v in lopt.variables] == [
        tuple(v.shape) for v in kopt.variables
    ]
    assert len(lopt.variables) == 2 + 1 + 3 * 2

    kopt = keras.optimizers.Muon(exclude_embeddings=False)
    lopt = optimizers.Muon(exclude_embeddings=False)
    _run_both(keras, kopt, lopt, inits, grads, names)
    assert len(lopt.variables) == len(kopt.variables) == 2 + 4


def test_muon_weight_decay_exclusion_matches_keras(keras):
    inits, grads = _data(3)
    names = ["kernel", "bias", "gamma", "kernel_2"]
    kopt = keras.optimizers.Muon(learning_rate=0.1, weight_decay=0.5)
    lopt = optimizers.Muon(learning_rate=0.1, weight_decay=0.5)
    kopt.exclude_from_weight_decay(var_names=["bias", "kernel_2"])
    lopt.exclude_from_weight_decay(var_names=["bias", "kernel_2"])
    _run_both(keras, kopt, lopt, inits, grads, names)


def test_schedule_free_momentum_starts_at_the_variable():
    var = torch.nn.Parameter(torch.tensor([1.0, -2.0]))
    opt = optimizers.ScheduleFreeAdamW()
    opt.build([var])
    np.testing.assert_array_equal(opt.variables[2].numpy(), [1.0, -2.0])
    assert opt.variables[2] is not var


def test_schedule_free_has_no_eval_swap(keras):
    """As Keras, evaluate() sees the trained variables themselves (no swap to
    the averaged sequence): the loss equals one computed by hand."""
    x = np.linspace(-1, 1, 8, dtype="float32").reshape(4, 2)
    y = x.sum(axis=1, keepdims=True)
    model = lamina.Sequential([lamina.Input((2,)), lamina.layers.Dense(1)])
    model.compile(optimizer=optimizers.ScheduleFreeAdamW(0.1), loss="mse")
    model.fit(x, y, epochs=2, batch_size=2, shuffle=False, verbose=0)
    kernel, bias = model.get_weights()
    expected = float(np.mean((x @ kernel + bias - y) ** 2))
    assert model.evaluate(x, y, verbose=0) == pytest.approx(expected, rel=1e-6)
    # Keras 3.15 has no swap_to_eval()/swap_to_train() (a later design had them).
    for opt in (keras.optimizers.ScheduleFreeAdamW(), model.optimizer):
        assert not hasattr(opt, "swap_to_eval") and not hasattr(opt, "eval")


@pytest.mark.parametrize("name", NAMES)
def test_signature_is_keras(keras, name):
    ours = inspect.signature(getattr(optimizers, name)).parameters
    theirs = inspect.signature(getattr(keras.optimizers, name)).parameters
    assert list(ours) == list(theirs)
    for p in ours:
        assert ours[p].default == theirs[p].default, p


CONFIG_KWARGS = {
    "Lamb": {"learning_rate": 0.01, "beta_1": 0.8, "epsilon": 1e-5, "clipnorm": 2.0},
    "Muon": {
        "learning_rate": 0.01,
        "exclude_layers": ["out"],
        "rms_rate": None,
        "ns_steps": 3,
        "adam_weight_decay": None,
    },
    "ScheduleFreeAdamW": {"warmup_steps": 10, "beta_2": 0.99, "use_ema": True},
}


@pytest.mark.parametrize("name", NAMES)
def test_config_matches_keras_and_round_trips(keras, name):
    kwargs = CONFIG_KWARGS[name]
    ours = getattr(optimizers, name)(name="opt", **kwargs).get_config()
    theirs = getattr(keras.optimizers, name)(name="opt", **kwargs).get_config()
    assert ours.keys() == theirs.keys()
    for key, value in theirs.items():
        assert ours[key] == pytest.approx(value), key
    rebuilt = getattr(optimizers, name).from_config(ours)
    assert rebuilt.get_config() == ours
    # Each library reads the other's serialization. (Keras 3.15's own
    # `optimizers.deserialize` returns the string 'Lamb' for Lamb, a Keras bug;
    # its files go through `saving.deserialize_keras_object`, used here.)
    theirs_back = keras.saving.deserialize_keras_object(optimizers.serialize(rebuilt))
    back = optimizers.deserialize(keras.optimizers.serialize(theirs_back))
    assert type(back) is getattr(optimizers, name)
    for key, value in ours.items():
        assert back.get_config()[key] == pytest.approx(value), key


@pytest.mark.parametrize("name", NAMES)
def test_get_by_name(name):
    for identifier in (name, name.lower(), name.upper()):
        assert type(optimizers.get(identifier)) is getattr(optimizers, name)
    opt = optimizers.get({"class_name": name, "config": {"learning_rate": 0.5}})
    assert float(opt.learning_rate) == 0.5


@pytest.mark.parametrize(
    ("build", "match"),
    [
        (lambda: optimizers.Lamb(beta_3=0.5), r"not recognized: \{'beta_3': 0.5\}"),
        (
            lambda: optimizers.Lamb(clipnorm=1.0, clipvalue=1.0),
            "Only one of `clipnorm`, `clipvalue`",
        ),
        (
            lambda: optimizers.Muon(exclude_layers="dense"),
            r"`exclude_layers` must be a list .* Received: exclude_layers='dense'",
        ),
        (
            lambda: optimizers.Muon(ns_steps=-1),
            r"`ns_steps` must be a non-negative integer. Received: ns_steps=-1",
        ),
        (
            lambda: optimizers.Muon(adam_weight_decay=-0.1),
            r"`adam_weight_decay` must be a non-negative float or None",
        ),
        (
            lambda: optimizers.ScheduleFreeAdamW(warmup_steps=-3),
            r"`warmup_steps` must be a non-negative integer. Received: warmup_steps=-3",
        ),
        (
            lambda: optimizers.ScheduleFreeAdamW(warmup_steps=2.5),
            r"Received: warmup_steps=2.5",
        ),
    ],
)
def test_constructor_errors(build, match):
    with pytest.raises(ValueError, match=match):
        build()


def test_newton_schulz_needs_a_matrix():
    with pytest.raises(
        ValueError, match=r"at least 2 dimensions. Received: shape=\(3,\)"
    ):
        optimizers.Muon().zeropower_via_newtonschulz5(torch.ones(3), 5)


def test_newton_schulz_orthogonalises():
    """Five steps bring the singular values near 1 (Muon's design: 0.7 to 1.2)."""
    torch.manual_seed(0)
    out = optimizers.Muon().zeropower_via_newtonschulz5(torch.randn(6, 4), 5)
    singular = torch.linalg.svdvals(out)
    assert out.shape == (6, 4)
    assert float(singular.min()) > 0.6
    assert float(singular.max()) < 1.25


def _model(lib):
    return lib.Sequential(
        [lib.Input((4,)), lib.layers.Dense(3, activation="tanh"), lib.layers.Dense(2)]
    )


def _copy_weights(src, dst):
    dst.set_weights([np.asarray(w) for w in src.get_weights()])


FIT_OPTIMIZERS = {
    "lamb": lambda lib: "lamb" if lib is lamina else lib.optimizers.Lamb(),
    "muon": lambda lib: lib.optimizers.Muon(learning_rate=0.05),
    "schedule_free": lambda lib: lib.optimizers.ScheduleFreeAdamW(0.05, warmup_steps=2),
}


@pytest.mark.parametrize("which", list(FIT_OPTIMIZERS))
def test_fit_matches_keras(keras, which):
    rng = np.random.default_rng(5)
    x = rng.normal(size=(8, 4)).astype("float32")
    y = rng.normal(size=(8, 2)).astype("float32")
    kmodel, lmodel = _model(keras), _model(lamina)
    _copy_weights(kmodel, lmodel)
    kmodel.compile(optimizer=FIT_OPTIMIZERS[which](keras), loss="mse")
    lmodel.compile(optimizer=FIT_OPTIMIZERS[which](lamina), loss="mse")
    kh = kmodel.fit(x, y, epochs=2, batch_size=3, shuffle=False, verbose=0)
    lh = lmodel.fit(x, y, epochs=2, batch_size=3, shuffle=False, verbose=0)
    np.testing.assert_allclose(lh.history["loss"], kh.history["loss"], rtol=1e-5)
    _close(lmodel.get_weights(), kmodel.get_weights(), "fit")


@pytest.mark.parametrize("which", ["lamb", "muon", "schedule_free"])
@pytest.mark.parametrize("direction", ["keras_to_lamina", "lamina_to_keras"])
def test_keras_file_state_resumes_across_libraries(keras, which, direction, tmp_path):
    src, dst = (keras, lamina) if direction == "keras_to_lamina" else (lamina, keras)
    rng = np.random.default_rng(6)
    x = rng.normal(size=(6, 4)).astype("float32")
    y = rng.normal(size=(6, 2)).astype("float32")
    model = _model(src)
    optimizer = FIT_OPTIMIZERS[which](src)
    if isinstance(optimizer, str):  # Keras 3.15 itself does not know "lamb"
        optimizer = src.optimizers.Lamb()
    model.compile(optimizer=optimizer, loss="mse")
    model.fit(x, y, epochs=2, batch_size=3, shuffle=False, verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = dst.models.load_model(tmp_path / "m.keras")
    assert type(loaded.optimizer).__name__ == type(model.optimizer).__name__
    assert int(np.asarray(loaded.optimizer.iterations)) == 4
    model.fit(x, y, epochs=1, batch_size=6, shuffle=False, verbose=0)
    loaded.fit(x, y, epochs=1, batch_size=6, shuffle=False, verbose=0)
    _close(loaded.get_weights(), model.get_weights(), "resumed")


def test_muon_fit_with_embedding_and_excluded_head_matches_keras(keras):
    """The embedding table and the excluded output layer take Adam's step."""
    rng = np.random.default_rng(7)
    x = rng.integers(0, 10, size=(8, 5))
    y = rng.normal(size=(8, 1)).astype("float32")
    models = []
    for lib in (keras, lamina):
        inputs = lib.Input((5,), dtype="int32")
        h = lib.layers.Embedding(10, 4)(inputs)
        h = lib.layers.GlobalAveragePooling1D()(h)
        h = lib.layers.Dense(3, name="hidden")(h)
        model = lib.Model(inputs, lib.layers.Dense(1, name="out")(h))
        models.append(model)
    kmodel, lmodel = models
    lmodel.set_weights([np.asarray(w) for w in kmodel.get_weights()])
    for lib, model in ((keras, kmodel), (lamina, lmodel)):
        model.compile(
            optimizer=lib.optimizers.Muon(0.05, exclude_layers=["out"]), loss="mse"
        )
        model.fit(x, y, epochs=2, batch_size=4, shuffle=False, verbose=0)
    _close(lmodel.get_weights(), kmodel.get_weights(), "fit")
    # momentum for all 5 variables, velocity for all but hidden/kernel
    assert len(lmodel.optimizer.variables) == len(kmodel.optimizer.variables) == 11


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("Lamb", {"learning_rate": 0.05, "weight_decay": 0.1}),
        ("ScheduleFreeAdamW", {"learning_rate": 0.05, "warmup_steps": 3}),
    ],
    ids=str,
)
def test_kept_scratch_buffers_match_keras(keras, monkeypatch, name, kwargs):
    """Large groups keep their temporaries between steps (forced here for
    tiny ones); the numbers stay Keras's."""
    from lamina.optimizers import _plan

    monkeypatch.setattr(_plan, "_REUSE_NUMEL", 0)
    inits, grads = _data(4)
    kopt = _make(keras.optimizers, name, kwargs)
    lopt = _make(optimizers, name, kwargs)
    _run_both(keras, kopt, lopt, inits, grads)
    (plan,) = lopt._plans.values()
    assert len(plan[0]._scratch) == 3
