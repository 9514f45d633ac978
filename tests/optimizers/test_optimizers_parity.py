"""Every optimizer against Keras 3: same variables, same gradients, same steps."""

import numpy as np
import pytest
import torch

import lamina.optimizers

SHAPES = [(3, 4), (4,), (2, 2, 3)]
STEPS = 5


def _schedule(module, spec):
    """Builds a schedule `(class_name, args)` from a schedules module."""
    name, args = spec
    return getattr(module, name)(*args)


CASES = [
    ("SGD", {}),
    ("SGD", {"learning_rate": 0.1, "momentum": 0.9}),
    ("SGD", {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True}),
    ("Adam", {}),
    ("Adam", {"learning_rate": 0.05, "amsgrad": True}),
    ("Adam", {"learning_rate": 0.05, "beta_1": 0.5, "beta_2": 0.9, "epsilon": 1e-3}),
    ("Adam", {"learning_rate": 0.05, "weight_decay": 0.1}),
    ("AdamW", {}),
    ("AdamW", {"learning_rate": 0.05, "weight_decay": 0.5, "amsgrad": True}),
    ("RMSprop", {}),
    ("RMSprop", {"learning_rate": 0.05, "momentum": 0.5}),
    ("RMSprop", {"learning_rate": 0.05, "centered": True}),
    ("RMSprop", {"learning_rate": 0.05, "momentum": 0.3, "centered": True, "rho": 0.8}),
    ("Adagrad", {}),
    ("Adagrad", {"learning_rate": 0.1, "initial_accumulator_value": 0.5}),
    ("Adadelta", {}),
    ("Adadelta", {"learning_rate": 1.0, "rho": 0.5}),
    ("Adamax", {}),
    ("Adamax", {"learning_rate": 0.05, "beta_1": 0.5}),
    ("Nadam", {}),
    ("Nadam", {"learning_rate": 0.05, "beta_2": 0.9}),
    ("Lion", {}),
    ("Lion", {"learning_rate": 0.05, "beta_1": 0.5, "beta_2": 0.9}),
    ("Ftrl", {"learning_rate": 0.1}),
    (
        "Ftrl",
        {
            "learning_rate": 0.1,
            "learning_rate_power": -0.3,
            "l1_regularization_strength": 0.01,
            "l2_regularization_strength": 0.02,
            "l2_shrinkage_regularization_strength": 0.03,
            "beta": 0.1,
        },
    ),
    ("Adafactor", {}),
    ("Adafactor", {"learning_rate": 0.1, "clip_threshold": 0.5}),
    ("SGD", {"learning_rate": 0.1, "weight_decay": 0.2, "momentum": 0.5}),
    ("SGD", {"learning_rate": 0.1, "clipnorm": 1.0}),
    ("Adam", {"learning_rate": 0.05, "clipnorm": 0.5}),
    ("SGD", {"learning_rate": 0.1, "clipvalue": 0.5}),
    ("RMSprop", {"learning_rate": 0.05, "clipvalue": 0.3}),
    ("SGD", {"learning_rate": 0.1, "global_clipnorm": 1.0}),
    ("Adam", {"learning_rate": 0.05, "global_clipnorm": 2.0}),
    ("SGD", {"learning_rate": 0.1, "loss_scale_factor": 4.0}),
    ("Adam", {"learning_rate": ("ExponentialDecay", (0.1, 2, 0.5))}),
    ("SGD", {"learning_rate": ("PiecewiseConstantDecay", ([1, 3], [0.3, 0.2, 0.1]))}),
    ("AdamW", {"learning_rate": ("CosineDecay", (0.1, 4)), "weight_decay": 0.3}),
    ("Lion", {"learning_rate": ("PolynomialDecay", (0.1, 3)), "weight_decay": 0.3}),
    ("Adam", {"learning_rate": 0.05, "use_ema": True}),
    (
        "SGD",
        {
            "learning_rate": 0.1,
            "use_ema": True,
            "ema_momentum": 0.5,
            "ema_overwrite_frequency": 2,
        },
    ),
    ("SGD", {"learning_rate": 0.1, "momentum": 0.5, "gradient_accumulation_steps": 2}),
    (
        "Adam",
        {
            "learning_rate": 0.05,
            "gradient_accumulation_steps": 3,
            "clipnorm": 0.5,
            "weight_decay": 0.1,
        },
    ),
]


def _make(module, name, kwargs):
    """Builds optimizer `name` from `module`, resolving schedule specs."""
    kwargs = dict(kwargs)
    if isinstance(kwargs.get("learning_rate"), tuple):
        kwargs["learning_rate"] = _schedule(module.schedules, kwargs["learning_rate"])
    return getattr(module, name)(**kwargs)


def _data(rng):
    """Returns initial values and STEPS gradient lists for SHAPES."""
    inits = [rng.normal(size=s).astype("float32") for s in SHAPES]
    grads = [
        [rng.normal(size=s).astype("float32") for s in SHAPES] for _ in range(STEPS)
    ]
    return inits, grads


def _compare(keras, kvars, lvars, where):
    """Asserts that Keras and lamina variables agree."""
    for kv, lv in zip(kvars, lvars, strict=True):
        np.testing.assert_allclose(
            lv.detach().numpy(),
            keras.ops.convert_to_numpy(kv),
            rtol=1e-5,
            atol=1e-6,
            err_msg=where,
        )


@pytest.mark.parametrize(("name", "kwargs"), CASES, ids=lambda c: str(c))
def test_matches_keras(keras, name, kwargs):
    inits, grads = _data(np.random.default_rng(1))
    kopt = _make(keras.optimizers, name, kwargs)
    lopt = _make(lamina.optimizers, name, kwargs)
    kvars = [keras.Variable(x) for x in inits]
    lvars = [torch.nn.Parameter(torch.tensor(x)) for x in inits]
    for step, step_grads in enumerate(grads):
        kopt.apply([torch.tensor(g) for g in step_grads], kvars)
        lopt.apply([torch.tensor(g) for g in step_grads], lvars)
        _compare(keras, kvars, lvars, f"{name} {kwargs} step {step}")
        assert int(lopt.iterations) == int(kopt.iterations)
        assert int(lopt.variables[0]) == int(kopt.variables[0]) == step + 1
    if kwargs.get("use_ema"):
        kopt.finalize_variable_values(kvars)
        lopt.finalize_variable_values(lvars)
        _compare(keras, kvars, lvars, f"{name} {kwargs} finalized")


def test_weight_decay_exclusion_and_subset_updates(keras):
    inits, grads = _data(np.random.default_rng(2))
    names = ["kernel", "bias", "gamma"]
    kopt = keras.optimizers.AdamW(learning_rate=0.05, weight_decay=0.5)
    lopt = lamina.optimizers.AdamW(learning_rate=0.05, weight_decay=0.5)
    kvars = [keras.Variable(x, name=n) for x, n in zip(inits, names, strict=True)]
    lvars = [torch.nn.Parameter(torch.tensor(x)) for x in inits]
    for var, n in zip(lvars, names, strict=True):
        var.path = f"dense/{n}"
    kopt.exclude_from_weight_decay(var_list=[kvars[2]], var_names=["bias"])
    lopt.exclude_from_weight_decay(var_list=[lvars[2]], var_names=["bias"])
    kopt.build(kvars)
    lopt.build(lvars)
    for step, step_grads in enumerate(grads):
        pick = [0, 1, 2] if step % 2 else [2, 0]
        kopt.apply(
            [torch.tensor(step_grads[i]) for i in pick], [kvars[i] for i in pick]
        )
        lopt.apply(
            [torch.tensor(step_grads[i]) for i in pick], [lvars[i] for i in pick]
        )
        _compare(keras, kvars, lvars, f"exclusion step {step}")


def test_none_gradient_leaves_variable(keras):
    inits, grads = _data(np.random.default_rng(3))
    kopt, lopt = keras.optimizers.Adam(0.1), lamina.optimizers.Adam(0.1)
    kvars = [keras.Variable(x) for x in inits]
    lvars = [torch.nn.Parameter(torch.tensor(x)) for x in inits]
    kopt.build(kvars)
    lopt.build(lvars)
    for step_grads in grads:
        kg = [torch.tensor(step_grads[0]), None, torch.tensor(step_grads[2])]
        lg = [torch.tensor(step_grads[0]), None, torch.tensor(step_grads[2])]
        with pytest.warns(UserWarning, match="Gradients do not exist"):
            kopt.apply(kg, kvars)
        if lopt._plans:
            lopt.apply(lg, lvars)
        else:
            with pytest.warns(UserWarning, match="Gradients do not exist"):
                lopt.apply(lg, lvars)
    _compare(keras, kvars, lvars, "none gradient")
    np.testing.assert_array_equal(lvars[1].detach().numpy(), inits[1])


def test_apply_gradients_pairs(keras):
    inits, grads = _data(np.random.default_rng(4))
    kopt, lopt = keras.optimizers.RMSprop(0.1), lamina.optimizers.RMSprop(0.1)
    kvars = [keras.Variable(x) for x in inits]
    lvars = [torch.nn.Parameter(torch.tensor(x)) for x in inits]
    for step_grads in grads:
        kopt.apply_gradients(
            zip([torch.tensor(g) for g in step_grads], kvars, strict=True)
        )
        lopt.apply_gradients(
            zip([torch.tensor(g) for g in step_grads], lvars, strict=True)
        )
    _compare(keras, kvars, lvars, "apply_gradients")


def test_mixed_dtypes_group_separately():
    torch.manual_seed(0)
    p32 = torch.nn.Parameter(torch.randn(3))
    p64 = torch.nn.Parameter(p32.detach().double().clone())
    ref = torch.nn.Parameter(p32.detach().clone())
    opt, ref_opt = lamina.optimizers.Adam(0.1), lamina.optimizers.Adam(0.1)
    for _ in range(3):
        g = torch.randn(3)
        opt.apply([g, g.double()], [p32, p64])
        ref_opt.apply([g], [ref])
    assert opt._slots[1]["momentum"].dtype == torch.float64
    np.testing.assert_allclose(p32.detach().numpy(), ref.detach().numpy())
    np.testing.assert_allclose(p64.detach().numpy(), ref.detach().numpy(), rtol=1e-4)
