"""keras.remat and keras.RematScope: activation checkpointing on torch, checked
against Keras (which layers recompute, outputs, gradients) and against lamina
without rematerialization (same numbers, less memory kept for the backward)."""

import threading

import numpy as np
import pytest
import torch

import lamina
from lamina.backend import _remat
from lamina.models.sequential import _fast_plan
from lamina.trainers import _dense_fast


def _counting_layer(module):
    class Count(module.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.calls = 0

        def call(self, x):
            self.calls += 1
            return torch.sin(x) * 2.0

    return Count


def _recomputed(layer, shape=(4, 300)):
    """How often `layer.call` runs in the backward pass of one call."""
    x = torch.ones(shape, requires_grad=True)
    y = layer(x)
    before = layer.calls
    y.sum().backward()
    return layer.calls - before


# -- keras.remat -------------------------------------------------------------
def test_remat_recomputes_and_keeps_values():
    calls = []

    def block(x, scale=1.0):
        calls.append(1)
        return torch.tanh(x) * x * scale

    x = torch.linspace(-2, 2, 7, requires_grad=True)
    plain = block(x, scale=3.0)
    (g_plain,) = torch.autograd.grad(plain.sum(), x)
    calls.clear()
    out = lamina.remat(block)(x, scale=3.0)
    assert len(calls) == 1
    (g_remat,) = torch.autograd.grad(out.sum(), x)
    assert len(calls) == 2  # run again in the backward pass
    torch.testing.assert_close(out, plain, rtol=0, atol=0)
    torch.testing.assert_close(g_remat, g_plain, rtol=0, atol=0)
    expected = torch.tanh(x) + x * (1 - torch.tanh(x) ** 2)  # by hand
    torch.testing.assert_close(g_remat, 3.0 * expected.detach())


def test_remat_without_gradients_runs_once():
    calls = []

    def block(x):
        calls.append(1)
        return x * 2

    with torch.no_grad():
        out = lamina.remat(block)(torch.ones(3, requires_grad=True))
    assert calls == [1]
    assert out.tolist() == [2.0, 2.0, 2.0]


def test_remat_keeps_less_for_the_backward_pass():
    def block(x):
        for _ in range(4):
            x = torch.tanh(x) * x
        return x

    def saved_bytes(fn):
        sizes = []

        def pack(t):
            sizes.append(t.numel() * t.element_size())
            return t

        x = torch.ones(64, 64, requires_grad=True)
        with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
            fn(x).sum().backward()
        return sum(sizes)

    plain, kept = saved_bytes(block), saved_bytes(lamina.remat(block))
    assert plain >= 8 * 64 * 64 * 4  # tanh output and both factors, 4 times
    assert kept <= plain / 4


def test_remat_rejects_what_is_not_callable():
    with pytest.raises(TypeError, match=r"`remat` expects a callable.*Received: 3"):
        lamina.remat(3)


def test_remat_inside_a_layer_matches_keras(keras):
    def model(module):
        class Scaled(module.layers.Layer):
            def __init__(self, **kwargs):
                super().__init__(**kwargs)
                self.fn = module.remat(self.twice)

            def twice(self, x):
                for _ in range(2):
                    x = x + x * 0.1
                return x

            def call(self, x):
                return self.fn(x)

        inputs = module.Input((4,))
        x = module.layers.Dense(4, activation="relu")(inputs)
        outputs = module.layers.Dense(1)(Scaled()(x))
        return module.Model(inputs, outputs)

    ours, theirs = model(lamina), model(keras)
    theirs.set_weights(ours.get_weights())
    _assert_same_outputs_and_grads(ours, theirs, np.ones((3, 4), "float32"))


# -- RematScope: arguments ---------------------------------------------------
def test_scope_defaults_match_keras(keras):
    ours, theirs = lamina.RematScope(), keras.RematScope()
    assert (ours.mode, ours.output_size_threshold, ours.layer_names) == (
        theirs.mode,
        theirs.output_size_threshold,
        theirs.layer_names,
    )
    assert ours.mode == "full"


@pytest.mark.parametrize("mode", ["Full", "all", "larger"])
def test_scope_rejects_unknown_modes(keras, mode):
    with pytest.raises(ValueError, match=f"Invalid mode '{mode}'"):
        keras.RematScope(mode=mode)
    with pytest.raises(
        ValueError,
        match=(
            rf"Invalid mode '{mode}' for `RematScope`.*'full', 'activations', "
            rf"'larger_than', 'list_of_layers', or None. Received: mode='{mode}'"
        ),
    ):
        lamina.RematScope(mode=mode)


def test_scope_rejects_bad_threshold_and_names():
    with pytest.raises(ValueError, match=r"`output_size_threshold` must be a non"):
        lamina.RematScope("larger_than", output_size_threshold=-1)
    with pytest.raises(ValueError, match=r"Received: output_size_threshold='big'"):
        lamina.RematScope("larger_than", output_size_threshold="big")
    with pytest.raises(ValueError, match=r"`layer_names` must be a list.*='dense'"):
        lamina.RematScope("list_of_layers", layer_names="dense")


# -- RematScope: which layers recompute, as Keras ----------------------------
def _selection(module):
    """Recompute counts for each rule, in a fixed order."""
    Count = _counting_layer(module)
    counts = {}
    with module.RematScope("full"):
        made_inside = Count()
    made_outside = Count()
    counts["made inside, called outside"] = _recomputed(made_inside)
    with module.RematScope("full"):
        counts["made outside, called inside"] = _recomputed(made_outside)
    for threshold in (1199, 1200):  # the output has 4 * 300 = 1200 elements
        with module.RematScope("larger_than", output_size_threshold=threshold):
            layer = Count()
        counts[f"larger_than {threshold}"] = _recomputed(layer)
    with module.RematScope("list_of_layers", layer_names=["picked", "absent"]):
        picked, near = Count(name="picked"), Count(name="picked_1")
    counts["listed"], counts["not listed"] = _recomputed(picked), _recomputed(near)
    with module.RematScope("activations"):
        plain = Count()  # no `activation`: not rematerialized
    counts["activations, no activation"] = _recomputed(plain)
    with module.RematScope("full"):
        with module.RematScope(None):
            off = Count()
        with module.RematScope("list_of_layers", layer_names=[]):
            unlisted = Count()
        back_on = Count()
    counts["nested None"] = _recomputed(off)
    counts["nested list"] = _recomputed(unlisted)
    counts["outer again"] = _recomputed(back_on)
    return counts


def test_selection_rules_match_keras(keras):
    ours = _selection(lamina)
    assert ours == _selection(keras)
    assert ours == {
        "made inside, called outside": 1,
        "made outside, called inside": 0,
        "larger_than 1199": 1,
        "larger_than 1200": 0,
        "listed": 1,
        "not listed": 0,
        "activations, no activation": 0,
        "nested None": 0,
        "nested list": 0,
        "outer again": 1,
    }


def test_scope_is_per_thread_and_restored():
    seen = []
    with lamina.RematScope("full"):
        thread = threading.Thread(
            target=lambda: seen.append(_remat.get_current_remat_mode())
        )
        thread.start()
        thread.join()
        assert _remat.get_current_remat_mode().mode == "full"
    assert seen == [None]
    assert _remat.get_current_remat_mode() is None


def test_layer_settings_are_the_scope_s(keras):
    with lamina.RematScope("larger_than", output_size_threshold=10) as scope:
        layer = lamina.layers.Dense(2)
    with keras.RematScope("larger_than", output_size_threshold=10):
        theirs = keras.layers.Dense(2)
    assert tuple(layer._remat_mode) == tuple(theirs._remat_mode)
    assert scope.mode == "larger_than"
    assert lamina.layers.Dense(2)._remat_mode is None


def test_activations_mode_recomputes_only_the_activation(keras):
    def counts(module):
        calls = []

        def act(x):
            calls.append(1)
            return torch.relu(x) * 1.5

        with module.RematScope("activations"):
            layer = module.layers.Dense(3, activation=act)
        x = torch.ones(2, 4, requires_grad=True)
        out = layer(x)
        forward = len(calls)
        out.sum().backward()
        return forward, len(calls) - forward, layer.activation is act

    assert counts(lamina) == counts(keras) == (1, 1, True)


def test_nested_checkpoints_recompute_as_keras(keras):
    def counts(module):
        Count = _counting_layer(module)
        with module.RematScope("full"):
            inputs = module.Input((300,))
            first, second = Count(), Count()
            model = module.Model(inputs, second(first(inputs)))
        x = torch.ones(4, 300, requires_grad=True)
        first.calls = second.calls = 0
        model(x).sum().backward()
        return first.calls, second.calls

    assert counts(lamina) == counts(keras) == (3, 2)


# -- same numbers --------------------------------------------------------------
def _conv_model(module, scope):
    with module.RematScope(*scope):
        return module.Sequential(
            [
                module.Input((6, 6, 2)),
                module.layers.Conv2D(3, 3, activation="relu", name="conv"),
                module.layers.Dense(5, activation="tanh"),
                # not Flatten: Keras 3.15's "larger_than" fails on it
                module.layers.GlobalAveragePooling2D(),
                module.layers.Dense(1),
            ]
        )


def _grads(model, x):
    x = torch.as_tensor(x)
    out = model(x, training=True)
    weights = [getattr(w, "value", w) for w in model.trainable_weights]
    grads = torch.autograd.grad((out**2).sum(), weights)
    return out.detach().numpy(), [g.numpy() for g in grads]


def _assert_same_outputs_and_grads(ours, theirs, x):
    out_a, grads_a = _grads(ours, x)
    out_b, grads_b = _grads(theirs, x)
    np.testing.assert_allclose(out_a, out_b, rtol=1e-5, atol=1e-6)
    assert len(grads_a) == len(grads_b) > 0
    for a, b in zip(grads_a, grads_b):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


SCOPES = [
    ("full",),
    ("activations",),
    ("larger_than", 40),
    ("list_of_layers", 1024, ["conv"]),
]


@pytest.mark.parametrize("scope", SCOPES, ids=lambda s: s[0])
def test_conv_dense_model_matches_keras_and_plain(keras, scope):
    x = np.random.default_rng(1).normal(size=(4, 6, 6, 2)).astype("float32")
    ours = _conv_model(lamina, scope)
    theirs = _conv_model(keras, scope)
    theirs.set_weights(ours.get_weights())
    plain = _conv_model(lamina, (None,))
    plain.set_weights(ours.get_weights())
    _assert_same_outputs_and_grads(ours, theirs, x)
    _assert_same_outputs_and_grads(ours, plain, x)


def test_state_changes_once_and_seeded_masks_replay():
    # Keras 3.15 updates moving statistics again in the recompute and draws a
    # new seeded mask there; lamina replays the forward pass's state.
    def run(mode):
        with lamina.RematScope(mode):
            norm = lamina.layers.BatchNormalization(momentum=0.5)
            drop = lamina.layers.Dropout(0.5, seed=3)
            noise = lamina.layers.GaussianNoise(0.3, seed=4)
        x = torch.arange(12.0).reshape(4, 3).requires_grad_()
        y = noise(drop(norm(x, training=True), training=True), training=True)
        (y * torch.arange(12.0).reshape(4, 3)).sum().backward()
        return norm.moving_mean.detach().numpy(), y.detach().numpy(), x.grad.numpy()

    for a, b in zip(run("full"), run(None)):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(run("full")[0], [2.25, 2.75, 3.25])


def test_fit_in_scope_matches_fit_without():
    def trained(scope):
        torch.manual_seed(0)
        with lamina.RematScope(*scope):
            model = lamina.Sequential(
                [
                    lamina.Input((4,)),
                    lamina.layers.Dense(8, activation="relu"),
                    lamina.layers.Dropout(0.25),
                    lamina.layers.Dense(1),
                ]
            )
        model.set_weights(weights)
        model.compile(optimizer="sgd", loss="mse")
        torch.manual_seed(1)
        history = model.fit(x, y, batch_size=8, epochs=2, verbose=0)
        return model.get_weights(), history.history["loss"]

    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 4)).astype("float32")
    y = rng.normal(size=(32, 1)).astype("float32")
    weights = lamina.Sequential(
        [lamina.Input((4,)), lamina.layers.Dense(8), lamina.layers.Dense(1)]
    ).get_weights()
    plain_weights, plain_loss = trained((None,))
    for scope in [("full",), ("larger_than", 100)]:
        remat_weights, remat_loss = trained(scope)
        np.testing.assert_allclose(remat_loss, plain_loss, rtol=1e-6)
        for a, b in zip(remat_weights, plain_weights):
            np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
        assert remat_weights[0].tolist() != weights[0].tolist()


# -- fast paths step aside -----------------------------------------------------
def test_sequential_plan_skips_rematerialized_layers():
    with lamina.RematScope("full"):
        remat = lamina.layers.Dense(2)
    plain = lamina.layers.Dense(2)
    for layer in (remat, plain):
        layer.build((None, 3))
    assert _fast_plan([plain]) is not False
    assert _fast_plan([plain, remat]) is False


def test_dense_step_skips_rematerialized_models():
    def plan(scope, model_scope=(None,)):
        with lamina.RematScope(*scope):
            layers = [lamina.Input((3,)), lamina.layers.Dense(2)]
        with lamina.RematScope(*model_scope):
            model = lamina.Sequential(layers)
        model.compile(optimizer="sgd", loss="mse")
        model.compiled_loss.build(["output"])
        return _dense_fast.plan_for(model)

    if not _dense_fast.ENABLED:
        pytest.skip("the hand-written Dense step is switched off")
    assert plan((None,)) is not None
    assert plan(("full",)) is None
    assert plan((None,), ("full",)) is None


def test_larger_than_decides_per_input_shape(keras, monkeypatch):
    def counts(module):
        Count = _counting_layer(module)
        with module.RematScope("larger_than", output_size_threshold=1000):
            layer = Count()
        return [_recomputed(layer, (batch, 300)) for batch in (4, 3, 4)]

    assert counts(lamina) == counts(keras) == [1, 0, 1]
    monkeypatch.setattr("lamina.layers._remat._MAX_SHAPES", 2)
    Count = _counting_layer(lamina)
    with lamina.RematScope("larger_than", output_size_threshold=1000):
        layer = Count()
    assert [_recomputed(layer, (batch, 300)) for batch in (2, 3, 4, 5)] == [0, 0, 1, 1]
    assert len(layer._remat_output_sizes) <= 2


@pytest.mark.slow
# dynamo itself reads `.grad` of the checkpoint's output while tracing (torch 2.13)
@pytest.mark.filterwarnings("ignore:The .grad attribute of a Tensor that is not")
def test_compiled_fit_in_scope_matches_plain_fit():
    # dynamo takes no `context_fn`: compiled, a layer with state (moving
    # statistics) is not rematerialized, so its statistics still change once.
    def trained(mode, jit):
        torch.manual_seed(0)
        with lamina.RematScope(mode):
            model = lamina.Sequential(
                [
                    lamina.Input((4,)),
                    lamina.layers.Dense(8, activation="relu"),
                    lamina.layers.BatchNormalization(),
                    lamina.layers.Dense(1),
                ]
            )
        model.compile(optimizer="sgd", loss="mse", jit_compile=jit)
        x = np.random.default_rng(0).normal(size=(32, 4)).astype("float32")
        history = model.fit(x, x[:, :1] * 2, batch_size=8, epochs=2, verbose=0)
        return history.history["loss"], model.get_weights()

    plain_loss, plain_weights = trained(None, False)
    loss, weights = trained("full", True)
    np.testing.assert_allclose(loss, plain_loss, rtol=1e-5)
    assert len(weights) == len(plain_weights) == 8  # moving statistics included
    for a, b in zip(weights, plain_weights):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_loading_inside_a_scope_rematerializes_as_keras(keras, tmp_path):
    def modes(module):
        with module.RematScope("full"):
            model = module.Sequential([module.Input((3,)), module.layers.Dense(2)])
        path = str(tmp_path / f"{module.__name__}.keras")
        model.save(path)
        plain = module.models.load_model(path)
        with module.RematScope("list_of_layers", layer_names=["d"]):
            chosen = module.models.load_model(path)
        return [
            None if m._remat_mode is None else tuple(m._remat_mode)
            for m in (plain.layers[0], chosen.layers[0], chosen)
        ]

    expected = [None] + [("list_of_layers", 1024, ["d"])] * 2
    assert modes(lamina) == modes(keras) == expected
