"""LossScaleOptimizer against Keras 3: one class under two names, steps, state, files."""

import inspect

import numpy as np
import pytest
import torch

import lamina
from lamina import optimizers

LSO = optimizers.LossScaleOptimizer


def test_one_class_under_both_names():
    assert LSO is lamina.mixed_precision.LossScaleOptimizer
    opt = LSO(optimizers.SGD())
    assert isinstance(opt, optimizers.Optimizer)
    assert optimizers.get(opt) is opt


@pytest.mark.parametrize("module", ["optimizers", "mixed_precision"])
def test_signature_is_keras(keras, module):
    ours = inspect.signature(LSO).parameters
    theirs = inspect.signature(getattr(keras, module).LossScaleOptimizer).parameters
    assert list(ours) == list(theirs)
    for p in ours:
        assert ours[p].default == theirs[p].default, p


GRADS = [
    [1.0, -2.0, 0.5],
    [float("inf"), 1.0, 1.0],
    [3.0, 0.25, -1.0],
    [0.5, 0.5, 0.5],
    [2.0, float("nan"), 1.0],
    [1.0, 1.0, -4.0],
]


def test_steps_and_state_match_keras(keras):
    kopt = keras.optimizers.LossScaleOptimizer(
        keras.optimizers.Adam(0.1), initial_scale=4.0, dynamic_growth_steps=2
    )
    lopt = LSO(optimizers.Adam(0.1), initial_scale=4.0, dynamic_growth_steps=2)
    kvar = keras.Variable(np.ones(3, "float32"))
    lvar = torch.nn.Parameter(torch.ones(3))
    for step, g in enumerate(GRADS):
        grad = np.asarray(g, "float32") * 4.0
        kopt.apply([torch.tensor(grad)], [kvar])
        lopt.apply([torch.tensor(grad)], [lvar])
        np.testing.assert_allclose(
            lvar.detach().numpy(), kvar.numpy(), rtol=1e-6, err_msg=f"step {step}"
        )
        assert float(lopt.dynamic_scale) == float(kopt.dynamic_scale), step
        assert int(lopt.step_counter) == int(kopt.step_counter), step
        assert int(lopt.iterations) == int(kopt.iterations), step
    ours, theirs = lopt.variables, kopt.variables
    assert len(ours) == len(theirs) == 4 + 4  # own 4, then Adam's 4
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(a.detach().numpy(), b.numpy(), rtol=1e-6)


def test_gradients_are_not_modified():
    grad = torch.tensor([8.0, 8.0])
    LSO(optimizers.SGD(0.1), initial_scale=8.0).apply(
        [grad], [torch.nn.Parameter(torch.ones(2))]
    )
    assert torch.equal(grad, torch.tensor([8.0, 8.0]))


def test_learning_rate_and_iterations_are_the_inner_optimizers():
    inner = optimizers.SGD(0.5, loss_scale_factor=3.0)
    opt = LSO(inner)
    assert inner.loss_scale_factor is None  # no double unscaling
    assert float(opt.learning_rate) == 0.5
    opt.learning_rate = 0.25
    assert float(inner.learning_rate) == 0.25
    opt.apply([torch.ones(2) * 2.0**15], [torch.nn.Parameter(torch.zeros(2))])
    assert int(opt.iterations) == int(inner.iterations) == 1
    assert float(opt.scale_loss(torch.tensor(2.0))) == 2.0**16


def test_config_matches_keras_and_round_trips(keras):
    ours = LSO(optimizers.SGD(0.5), initial_scale=8.0, name="lso").get_config()
    theirs = keras.optimizers.LossScaleOptimizer(
        keras.optimizers.SGD(0.5), initial_scale=8.0, name="lso"
    ).get_config()
    assert ours.keys() == theirs.keys()
    inner, their_inner = ours["inner_optimizer"], theirs["inner_optimizer"]
    assert inner["class_name"] == their_inner["class_name"] == "SGD"
    assert inner["config"].keys() == their_inner["config"].keys()
    for key, value in their_inner["config"].items():
        if key != "name":  # automatic names count objects made in each process
            assert inner["config"][key] == pytest.approx(value), key
    for key in ("name", "initial_scale", "dynamic_growth_steps"):
        assert ours[key] == theirs[key]
    back = optimizers.deserialize(optimizers.serialize(LSO.from_config(ours)))
    assert type(back) is LSO and type(back.inner_optimizer) is optimizers.SGD
    assert back.get_config() == ours
    theirs_back = keras.optimizers.deserialize(optimizers.serialize(back))
    assert type(theirs_back).__name__ == "LossScaleOptimizer"
    assert theirs_back.initial_scale == 8.0
    mine = optimizers.deserialize(keras.optimizers.serialize(theirs_back))
    assert type(mine.inner_optimizer) is optimizers.SGD
    assert float(mine.inner_optimizer.learning_rate) == 0.5


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"dynamic": False}, "no longer supports `dynamic=False`"),
        ({"clipnorm": 1.0}, "does not support `clipnorm`. Instead, set `clipnorm`"),
        ({"use_ema": True}, "does not support `use_ema`"),
        ({"foo": 1, "bar": 2}, "does not support arguments: `foo`, `bar`"),
    ],
)
def test_argument_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        LSO(optimizers.SGD(), **kwargs)


def test_old_files_base_defaults_are_accepted():
    opt = LSO(optimizers.SGD(), weight_decay=None, use_ema=False, dynamic=True)
    assert opt.weight_decay is None


def test_inner_optimizer_must_be_an_optimizer():
    with pytest.raises(TypeError, match="`inner_optimizer` must be an `Optimizer`"):
        LSO("sgd")


def test_unbuilt_apply_without_variables_errors():
    with pytest.raises(ValueError, match="must already be built"):
        LSO(optimizers.SGD()).apply([torch.ones(2)])


@pytest.mark.parametrize("direction", ["keras_to_lamina", "lamina_to_keras"])
def test_keras_file_state_resumes_across_libraries(keras, direction, tmp_path):
    src, dst = (keras, lamina) if direction == "keras_to_lamina" else (lamina, keras)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(6, 4)).astype("float32")
    y = rng.normal(size=(6, 2)).astype("float32")
    model = src.Sequential([src.Input((4,)), src.layers.Dense(2)])
    optimizer = src.optimizers.LossScaleOptimizer(
        src.optimizers.Adam(0.01), initial_scale=16.0, dynamic_growth_steps=3
    )
    model.compile(optimizer=optimizer, loss="mse")
    model.fit(x, y, epochs=2, batch_size=3, shuffle=False, verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = dst.models.load_model(tmp_path / "m.keras")
    assert type(loaded.optimizer).__name__ == "LossScaleOptimizer"
    assert float(np.asarray(loaded.optimizer.dynamic_scale)) == 32.0
    assert int(np.asarray(loaded.optimizer.step_counter)) == 1
    assert int(np.asarray(loaded.optimizer.iterations)) == 4
    model.fit(x, y, epochs=1, batch_size=6, shuffle=False, verbose=0)
    loaded.fit(x, y, epochs=1, batch_size=6, shuffle=False, verbose=0)
    for a, b in zip(loaded.get_weights(), model.get_weights(), strict=True):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-6, atol=1e-7)


FIT_SCALED = {
    "loss_scale_factor": lambda lib: lib.optimizers.SGD(0.1, loss_scale_factor=4.0),
    "loss_scale_optimizer": lambda lib: lib.optimizers.LossScaleOptimizer(
        lib.optimizers.SGD(0.1), initial_scale=8.0
    ),
}


@pytest.mark.parametrize("which", list(FIT_SCALED))
def test_fit_with_a_scaled_loss_matches_keras(keras, which):
    """The hand-written Dense step never scales the loss: a loss-scaling
    optimizer takes the autograd step, and fit gives Keras's weights."""
    rng = np.random.default_rng(1)
    x = rng.normal(size=(6, 4)).astype("float32")
    y = rng.normal(size=(6, 2)).astype("float32")
    kmodel = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    lmodel = lamina.Sequential([lamina.Input((4,)), lamina.layers.Dense(2)])
    lmodel.set_weights([np.asarray(w) for w in kmodel.get_weights()])
    kmodel.compile(optimizer=FIT_SCALED[which](keras), loss="mse")
    lmodel.compile(optimizer=FIT_SCALED[which](lamina), loss="mse")
    kmodel.fit(x, y, epochs=2, batch_size=3, shuffle=False, verbose=0)
    lmodel.fit(x, y, epochs=2, batch_size=3, shuffle=False, verbose=0)
    assert lmodel._runner._dense is None
    for a, b in zip(lmodel.get_weights(), kmodel.get_weights(), strict=True):
        np.testing.assert_allclose(a, np.asarray(b), rtol=1e-6, atol=1e-7)


def test_data_parallel_reduction_runs_before_the_finite_check():
    calls = []

    def reducer(grads):
        calls.append(len(grads))
        return [g * 2 for g in grads]

    opt = LSO(optimizers.SGD(1.0), initial_scale=4.0)
    opt._grad_reducer = reducer
    w = torch.nn.Parameter(torch.zeros(2))
    opt.apply([torch.full((2,), 4.0)], [w])
    assert calls == [1]
    np.testing.assert_array_equal(w.detach().numpy(), [-2.0, -2.0])


def test_compile_takes_an_explicit_loss_scale_optimizer():
    """Under mixed_float16 compile wraps a plain optimizer, and keeps one the
    user wrapped (no second wrapper); the scaled fit trains."""
    lamina.mixed_precision.set_global_policy("mixed_float16")
    try:
        x = np.random.default_rng(0).normal(size=(16, 3)).astype("float32")
        y = x.sum(axis=1, keepdims=True)
        model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(1)])
        mine = LSO(optimizers.SGD(0.05), initial_scale=64.0)
        model.compile(optimizer=mine, loss="mse")
        assert model.optimizer is mine
        history = model.fit(x, y, epochs=3, batch_size=4, verbose=0)
        assert history.history["loss"][-1] < history.history["loss"][0]
        assert int(mine.iterations) == 12
        model.compile(optimizer="sgd", loss="mse")
        assert type(model.optimizer) is LSO
        assert type(model.optimizer.inner_optimizer) is optimizers.SGD
    finally:
        lamina.mixed_precision.set_global_policy("float32")
