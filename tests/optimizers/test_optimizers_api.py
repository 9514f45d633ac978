"""Optimizer lookup, config, state and error messages."""

import numpy as np
import pytest
import torch

import lamina
import lamina.optimizers as optimizers
from lamina.optimizers import schedules

ALL = [
    "SGD",
    "Adam",
    "AdamW",
    "RMSprop",
    "Adagrad",
    "Adadelta",
    "Adamax",
    "Nadam",
    "Lion",
    "Ftrl",
    "Adafactor",
]


def _params():
    return [torch.nn.Parameter(torch.ones(2, 3)), torch.nn.Parameter(torch.zeros(3))]


@pytest.mark.parametrize("name", ALL)
def test_get_by_name_any_case(name):
    for identifier in (name, name.lower(), name.upper()):
        assert type(optimizers.get(identifier)) is getattr(optimizers, name)


def test_get_instance_and_dict():
    opt = optimizers.Adam(0.01)
    assert optimizers.get(opt) is opt
    rebuilt = optimizers.get(optimizers.serialize(opt))
    assert type(rebuilt) is optimizers.Adam
    assert float(rebuilt.learning_rate) == pytest.approx(0.01)
    lower = optimizers.get({"class_name": "rmsprop", "config": {"rho": 0.5}})
    assert type(lower) is optimizers.RMSprop
    assert lower.rho == 0.5


def test_get_unknown_name_suggests():
    with pytest.raises(
        ValueError, match=r"Unknown optimizer: 'adamm'. Did you mean 'Adam'"
    ):
        optimizers.get("adamm")
    with pytest.raises(ValueError, match="Valid names: .*RMSprop.*SGD"):
        optimizers.get("nope")
    with pytest.raises(ValueError, match="Could not interpret optimizer identifier: 3"):
        optimizers.get(3)


@pytest.mark.parametrize("name", ALL)
def test_config_matches_keras(keras, name):
    ours = getattr(optimizers, name)().get_config()
    theirs = getattr(keras.optimizers, name)().get_config()
    ours.pop("name"), theirs.pop("name")
    assert ours == pytest.approx(theirs)
    rebuilt = getattr(optimizers, name).from_config(ours)
    assert rebuilt.get_config() | {"name": None} == ours | {"name": None}


def test_keras_reads_our_config(keras):
    lr = schedules.ExponentialDecay(0.1, 10, 0.5)
    ours = optimizers.serialize(optimizers.Adam(learning_rate=lr, clipnorm=1.0))
    theirs = keras.optimizers.deserialize(ours)
    assert float(theirs.learning_rate) == pytest.approx(0.1)
    assert theirs.clipnorm == 1.0
    back = optimizers.deserialize(keras.optimizers.serialize(theirs))
    assert back.get_config()["learning_rate"]["class_name"] == "ExponentialDecay"


def test_iterations_and_learning_rate():
    params = _params()
    opt = optimizers.SGD(learning_rate=0.5)
    assert int(opt.iterations) == 0
    assert opt.iterations.dtype == torch.int64
    for _ in range(3):
        opt.apply([torch.ones(2, 3), torch.ones(3)], params)
    assert int(opt.iterations) == 3
    np.testing.assert_allclose(params[1].detach().numpy(), -1.5)
    opt.learning_rate = 0.25
    assert opt.learning_rate.dtype == torch.float32
    assert float(opt.learning_rate) == 0.25
    opt.apply([torch.ones(2, 3), torch.ones(3)], params)
    np.testing.assert_allclose(params[1].detach().numpy(), -1.75)
    opt.learning_rate = schedules.PiecewiseConstantDecay([4], [1.0, 2.0])
    assert float(opt.learning_rate) == 1.0


def test_schedule_uses_count_before_increment():
    param = torch.nn.Parameter(torch.zeros(1))
    opt = optimizers.SGD(
        learning_rate=schedules.PiecewiseConstantDecay([0], [1.0, 10.0])
    )
    opt.apply([torch.ones(1)], [param])
    assert param.item() == -1.0
    opt.apply([torch.ones(1)], [param])
    assert param.item() == -11.0
    assert float(opt.learning_rate) == 10.0


def test_schedule_learning_rate_not_settable_with_float():
    opt = optimizers.Adam(learning_rate=schedules.ExponentialDecay(0.1, 10, 0.5))
    with pytest.raises(TypeError, match="its learning rate is not settable"):
        opt.learning_rate = 0.1


def test_callable_learning_rate():
    param = torch.nn.Parameter(torch.zeros(1))
    opt = optimizers.SGD(learning_rate=lambda: 0.5)
    opt.apply([torch.ones(1)], [param])
    assert param.item() == -0.5


def test_variables_order_matches_keras(keras):
    params = _params()
    kvars = [keras.Variable(p.detach().numpy()) for p in params]
    for name, kwargs in [
        ("Adam", {"amsgrad": True, "use_ema": True}),
        ("RMSprop", {"momentum": 0.5, "centered": True}),
        ("Adadelta", {}),
        ("Ftrl", {}),
        ("Adafactor", {}),
        ("SGD", {"momentum": 0.5, "gradient_accumulation_steps": 2}),
        ("Adam", {"use_ema": True, "gradient_accumulation_steps": 2}),
    ]:
        ours = getattr(optimizers, name)(**kwargs)
        theirs = getattr(keras.optimizers, name)(**kwargs)
        ours.build(params)
        ours.build(params)  # idempotent
        theirs.build(kvars)
        got = [tuple(v.shape) for v in ours.variables]
        want = [tuple(v.shape) for v in theirs.variables]
        assert got == want, name
    nadam = optimizers.Nadam()
    nadam.build(params)
    assert len(nadam.variables) == 2 + 2 * 2 + 1


def test_slots_follow_variable_device_and_dtype():
    param = torch.nn.Parameter(torch.ones(3, dtype=torch.float64))
    opt = optimizers.RMSprop(momentum=0.9, centered=True)
    opt.build([param])
    for slot in opt.variables[2:]:
        assert slot.dtype == torch.float64
        assert slot.device == param.device


def test_save_and_load_own_variables():
    params = _params()
    opt = optimizers.Nadam(0.1)
    for _ in range(3):
        opt.apply([torch.full((2, 3), 0.5), torch.ones(3)], params)
    store = {}
    opt.save_own_variables(store)
    fresh = optimizers.Nadam(0.1)
    fresh.build(params)
    fresh.load_own_variables(store)
    assert int(fresh.iterations) == 3
    for a, b in zip(opt.variables, fresh.variables, strict=True):
        torch.testing.assert_close(a, b)
    with pytest.raises(ValueError, match="has 7 variables but the saved state has 1"):
        fresh.load_own_variables({"0": np.array(3)})


def test_gradient_accumulation_counts_updates():
    param = torch.nn.Parameter(torch.zeros(1))
    opt = optimizers.SGD(learning_rate=1.0, gradient_accumulation_steps=3)
    for i in range(7):
        opt.apply([torch.tensor([float(i + 1)])], [param])
    assert param.item() == -7.0  # -(1+2+3)/3 - (4+5+6)/3
    assert int(opt.iterations) == 2
    assert int(opt.variables[0]) == 7


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("Adam", {}),
        ("Adam", {"amsgrad": True}),
        ("AdamW", {}),
        ("RMSprop", {}),
        ("RMSprop", {"centered": True, "momentum": 0.5}),
        ("Adagrad", {}),
        ("Adadelta", {"learning_rate": 1.0}),
        ("Nadam", {}),
    ],
)
def test_reused_scratch_buffers_match_fresh_results(monkeypatch, name, kwargs):
    """Large groups keep their temporaries between steps; the numbers stay equal."""
    from lamina.optimizers import _plan

    gen = torch.Generator().manual_seed(0)
    start = [torch.randn(4, 5, generator=gen), torch.randn(5, generator=gen)]
    grads = [[torch.randn_like(p) for p in start] for _ in range(4)]

    def run():
        params = [torch.nn.Parameter(p.clone()) for p in start]
        opt = getattr(optimizers, name)(**kwargs)
        for step_grads in grads:
            opt.apply(step_grads, params)
        (plan,) = opt._plans.values()
        return [p.detach().numpy() for p in params], len(plan[0]._scratch)

    fresh, no_buffers = run()
    monkeypatch.setattr(_plan, "_REUSE_NUMEL", 0)
    reused, buffers = run()
    assert (no_buffers, buffers > 0) == (0, True)
    for a, b in zip(fresh, reused, strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(fresh[0], start[0].numpy())


def test_global_clipnorm_handles_zero_gradients():
    params = _params()
    opt = optimizers.SGD(1.0, global_clipnorm=1.0)
    opt.apply([torch.zeros(2, 3), torch.zeros(3)], params)
    np.testing.assert_array_equal(params[0].detach().numpy(), 1.0)


def test_apply_does_not_modify_gradients():
    params = _params()
    grads = [torch.full((2, 3), 3.0), torch.full((3,), 3.0)]
    opt = optimizers.Adam(clipnorm=0.1, loss_scale_factor=2.0)
    opt.apply(grads, params)
    assert float(grads[0].min()) == float(grads[1].max()) == 3.0


def test_scale_loss():
    assert (
        float(optimizers.SGD(loss_scale_factor=8.0).scale_loss(torch.tensor(2.0)))
        == 16.0
    )
    assert float(optimizers.SGD().scale_loss(torch.tensor(2.0))) == 2.0


def test_custom_name_and_auto_names():
    assert optimizers.Adam(name="mine").name == "mine"
    # Keras's snake case: RMSprop -> rm_sprop, AdamW -> adam_w (see tests/test_naming.py).
    lamina.backend.clear_session()
    assert [optimizers.RMSprop().name, optimizers.RMSprop().name] == [
        "rm_sprop",
        "rm_sprop_1",
    ]
    assert optimizers.AdamW().name == "adam_w"


@pytest.mark.parametrize(
    ("build", "match"),
    [
        (
            lambda: optimizers.Adam(clipnorm=1.0, clipvalue=1.0),
            r"Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. "
            r"Received: clipnorm=1.0, clipvalue=1.0, global_clipnorm=None",
        ),
        (lambda: optimizers.Adam(foo=1), r"Argument\(s\) not recognized: \{'foo': 1\}"),
        (
            lambda: optimizers.Adam(gradient_accumulation_steps=1),
            r"`gradient_accumulation_steps` must be an integer >= 2. "
            r"Received: gradient_accumulation_steps=1",
        ),
        (
            lambda: optimizers.Adam(use_ema=True, ema_momentum=2),
            r"`ema_momentum` must be in the range \[0, 1\]. Received: ema_momentum=2",
        ),
        (
            lambda: optimizers.Adam(use_ema=True, ema_overwrite_frequency=0),
            r"`ema_overwrite_frequency` must be an integer >= 1 or None",
        ),
        (
            lambda: optimizers.Adam(learning_rate="x"),
            r"Argument `learning_rate` should be float, .* Received instead: learning_rate=x",
        ),
        (
            lambda: optimizers.SGD(momentum=2.0),
            r"`momentum` must be a float between \[0, 1\]. Received: momentum=2.0",
        ),
        (
            lambda: optimizers.AdamW(weight_decay=None),
            r"Argument `weight_decay` must be a float. Received: weight_decay=None",
        ),
        (
            lambda: optimizers.Adam(weight_decay=-1.0),
            r"`weight_decay` must be a non-negative float or None. Received: weight_decay=-1.0",
        ),
        (
            lambda: optimizers.Lion(beta_1=0.0),
            r"Argument `beta_1` must be in the \[0, 1\] range",
        ),
        (
            lambda: optimizers.Ftrl(learning_rate_power=0.5),
            r"`learning_rate_power` needs to be negative or zero",
        ),
        (
            lambda: optimizers.Ftrl(l1_regularization_strength=-1.0),
            r"`l1_regularization_strength` needs to be positive or zero",
        ),
    ],
)
def test_constructor_errors(build, match):
    with pytest.raises(ValueError, match=match):
        build()


def test_decay_argument_warns():
    with pytest.warns(UserWarning, match="Argument `decay` is no longer supported"):
        optimizers.SGD(decay=0.1)


def test_apply_errors():
    params = _params()
    opt = optimizers.Adam()
    with pytest.raises(ValueError, match="optimizer must already be built"):
        opt.apply([torch.ones(2, 3), torch.ones(3)])
    with pytest.raises(ValueError, match=r"same length. Received: len\(grads\)=1"):
        opt.apply([torch.ones(2, 3)], params)
    with pytest.raises(ValueError, match="No gradients provided for any variable."):
        opt.apply([None, None], params)
    assert int(opt.iterations) == 0
    stranger = torch.nn.Parameter(torch.ones(4))
    with pytest.raises(ValueError, match=r"Unknown variable: \(4,\)"):
        opt.apply([torch.ones(4)], [stranger])
    opt.apply([torch.ones(2, 3), torch.ones(3)])
    assert int(opt.iterations) == 1


def test_base_optimizer_update_not_implemented():
    with pytest.raises(NotImplementedError, match="must implement `update_step`"):
        optimizers.Optimizer().apply(
            [torch.ones(1)], [torch.nn.Parameter(torch.ones(1))]
        )


class KerasStyleMomentum(optimizers.Optimizer):
    """A custom optimizer written the Keras way (per-variable `update_step`)."""

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self.momentums = [self.add_variable_from_reference(v, "m") for v in var_list]

    def update_step(self, gradient, variable, learning_rate):
        m = self.momentums[self._get_variable_index(variable)]
        self.assign(m, 0.5 * m + gradient)
        self.assign_sub(variable, learning_rate * m)


def test_keras_style_custom_optimizer(keras):
    class KerasMomentum(keras.optimizers.Optimizer):
        def build(self, var_list):
            if self.built:
                return
            super().build(var_list)
            self.momentums = [
                self.add_variable_from_reference(v, "m") for v in var_list
            ]

        def update_step(self, gradient, variable, learning_rate):
            m = self.momentums[self._get_variable_index(variable)]
            self.assign(m, 0.5 * m + gradient)
            self.assign_sub(variable, learning_rate * m)

    ours = KerasStyleMomentum(learning_rate=0.1)
    theirs = KerasMomentum(learning_rate=0.1)
    params = _params()
    kvars = [keras.Variable(p.detach().numpy()) for p in params]
    for i in range(3):
        grads = [torch.full((2, 3), float(i)), torch.full((3,), 1.0 - i)]
        ours.apply(grads, params)
        theirs.apply(grads, kvars)
    for p, kv in zip(params, kvars, strict=True):
        np.testing.assert_allclose(
            p.detach().numpy(), keras.ops.convert_to_numpy(kv), rtol=1e-6
        )
    assert len(ours.variables) == len(theirs.variables)
