"""LoRA on Dense, Embedding and EinsumDense, against the Keras oracle."""

import numpy as np
import pytest
import torch

import lamina
from lamina import layers
from lamina.trainers import _dense_fast

RNG = np.random.default_rng(0)
X_DENSE = RNG.normal(size=(4, 5)).astype("float32")
X_EINSUM = RNG.normal(size=(2, 3, 5)).astype("float32")
X_IDS = np.array([[0, 3, 5], [6, 1, 2]], dtype="int64")

CASES = {
    "dense": (lambda m: m.Dense(4, **_k()), X_DENSE),
    "einsum": (
        lambda m: m.EinsumDense("abc,cd->abd", (None, 4), bias_axes="d", **_k()),
        X_EINSUM,
    ),
    "einsum_3d_kernel": (
        lambda m: m.EinsumDense("abc,cde->abde", (None, 2, 3), bias_axes="e", **_k()),
        X_EINSUM,
    ),
    "embedding": (lambda m: m.Embedding(7, 4, **_k()), X_IDS),
}
_KW: dict = {}


def _k():
    return dict(_KW)


def _pair(keras, case, **kwargs):
    """The same layer built in Keras and lamina, with Keras's weights copied."""
    _KW.clear()
    _KW.update(kwargs)
    make, x = CASES[case]
    k, m = make(keras.layers), make(layers)
    k(x)
    m(x)
    return k, m, x


def _randomize(klayer):
    """Gives every Keras weight (LoRA b included) non-zero random values."""
    rng = np.random.default_rng(1)
    for w in klayer.weights:
        w.assign(rng.normal(size=tuple(w.shape)).astype("float32"))


def _np(value):
    if torch.is_tensor(value):
        return value.detach().cpu().numpy()
    return np.asarray(value)


def _paths(weights):
    """Weight names within the layer (layer names count per session)."""
    return [w.path.split("/")[-1] for w in weights]


@pytest.mark.parametrize("case", list(CASES))
def test_enable_lora_matches_keras(keras, case):
    k, m, x = _pair(keras, case)
    k.enable_lora(2, lora_alpha=3.0)
    m.enable_lora(2, lora_alpha=3.0)
    assert _paths(m.weights) == _paths(k.weights)
    assert [tuple(w.shape) for w in m.weights] == [tuple(w.shape) for w in k.weights]
    assert _paths(m.trainable_weights) == _paths(k.trainable_weights)
    assert _paths(m.non_trainable_weights) == _paths(k.non_trainable_weights)
    assert m.count_params() == k.count_params()
    _randomize(k)
    m.set_weights(k.get_weights())
    np.testing.assert_allclose(
        m(x).detach().numpy(), np.asarray(k(x).detach().cpu()), rtol=1e-5, atol=1e-5
    )
    assert m.get_config()["lora_rank"] == k.get_config()["lora_rank"] == 2
    assert m.get_config()["lora_alpha"] == k.get_config()["lora_alpha"] == 3.0


@pytest.mark.parametrize("case", list(CASES))
def test_lora_rank_argument_matches_keras(keras, case):
    # Keras's Dense and Embedding enable LoRA at build with lora_alpha = rank;
    # its EinsumDense keeps the given lora_alpha.
    k, m, x = _pair(keras, case, lora_rank=2, lora_alpha=4.0)
    assert m.lora_enabled and k.lora_enabled
    assert m.lora_alpha == k.lora_alpha
    assert _paths(m.trainable_weights) == _paths(k.trainable_weights)
    _randomize(k)
    m.set_weights(k.get_weights())
    np.testing.assert_allclose(
        m(x).detach().numpy(), np.asarray(k(x).detach().cpu()), rtol=1e-5, atol=1e-5
    )
    config = m.get_config()
    kconfig = k.get_config()
    assert {key: config[key] for key in ("lora_rank", "lora_alpha")} == {
        key: kconfig[key] for key in ("lora_rank", "lora_alpha")
    }
    assert config["quantization_config"] is None
    clone = type(m).from_config(config)
    clone(x)
    assert clone.lora_enabled and clone.get_config() == config


def test_config_without_lora_has_no_lora_keys(keras):
    k, m, _ = _pair(keras, "dense")
    assert "lora_rank" not in m.get_config() and "lora_rank" not in k.get_config()
    assert m.get_config()["quantization_config"] is None


def test_fit_trains_only_lora_weights_as_keras(keras):
    def model(mod, layer):
        net = mod.Sequential([mod.Input((5,)), layer])
        net.compile(optimizer=mod.optimizers.SGD(0.1), loss="mse")
        return net

    k, m, x = _pair(keras, "dense")
    k.enable_lora(2)
    m.enable_lora(2)
    _randomize(k)
    m.set_weights(k.get_weights())
    kmodel, mmodel = model(keras, k), model(lamina, m)
    y = np.ones((4, 4), "float32")
    before = [w.numpy().copy() for w in m.weights]
    kmodel.fit(x, y, epochs=1, batch_size=4, verbose=0, shuffle=False)
    mmodel.fit(x, y, epochs=1, batch_size=4, verbose=0, shuffle=False)
    after = [w.numpy() for w in m.weights]
    np.testing.assert_array_equal(after[0], before[0])  # the kernel stays frozen
    assert all(not np.allclose(a, b) for a, b in zip(after[1:], before[1:]))
    for mine, theirs in zip(m.get_weights(), k.get_weights()):
        np.testing.assert_allclose(mine, theirs, rtol=1e-5, atol=1e-6)


def test_trainable_toggle_keeps_base_frozen():
    layer = layers.Dense(3)
    layer.build((None, 4))
    layer.enable_lora(2)
    layer.trainable = False
    assert layer.trainable_weights == []
    layer.trainable = True
    names = _paths(layer.trainable_weights)
    assert names == ["bias", "lora_kernel_a", "lora_kernel_b"]
    assert not layer.kernel.requires_grad


@pytest.mark.parametrize("case", list(CASES))
def test_saved_weights_are_merged_as_keras(keras, case):
    k, m, x = _pair(keras, case)
    k.enable_lora(2)
    m.enable_lora(2)
    _randomize(k)
    m.set_weights(k.get_weights())
    kstore, mstore = {}, {}
    k.save_own_variables(kstore)
    m.save_own_variables(mstore)
    assert list(mstore) == list(kstore)
    for key in kstore:
        np.testing.assert_allclose(mstore[key], _np(kstore[key]), rtol=1e-5, atol=1e-5)
    # Loading sets the merged weight and zeroes the LoRA weights: same output.
    expected = m(x).detach().numpy()
    m.load_own_variables(mstore)
    np.testing.assert_allclose(m(x).detach().numpy(), expected, rtol=1e-5, atol=1e-5)
    assert all(not w.numpy().any() for w in m.weights[-2:])


def test_load_into_lora_layer_checks_count():
    layer = layers.Dense(3, lora_rank=2)
    layer.build((None, 4))
    with pytest.raises(ValueError, match="LoRA enabled.*expected 2 variables"):
        layer.load_own_variables({"0": np.zeros((4, 3), "float32")})


def _model(mod, **kwargs):
    return mod.Sequential(
        [
            mod.Input((3,), dtype="int64"),
            mod.layers.Embedding(7, 5, **kwargs),
            mod.layers.EinsumDense("abc,cd->abd", (None, 4), bias_axes="d", **kwargs),
            mod.layers.Dense(2, **kwargs),
        ]
    )


def _train_lora(model):
    rng = np.random.default_rng(2)
    for layer in model.layers:
        for w in layer.weights[-2:]:  # the LoRA weights
            w.assign(rng.normal(size=tuple(w.shape)).astype("float32"))


@pytest.mark.parametrize("direction", ["lamina_to_keras", "keras_to_lamina"])
def test_keras_files_travel_both_ways(keras, tmp_path, direction):
    src, dst = (lamina, keras) if direction == "lamina_to_keras" else (keras, lamina)
    model = _model(src, lora_rank=2, lora_alpha=2)
    _train_lora(model)
    path = str(tmp_path / "lora.keras")
    model.save(path)
    loaded = dst.models.load_model(path)
    expected = np.asarray(model(X_IDS).detach().cpu())
    got = np.asarray(loaded(X_IDS).detach().cpu())
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)
    for layer in loaded.layers:
        assert layer.lora_enabled and layer.lora_rank == 2
        assert not any(np.asarray(w.numpy()).any() for w in layer.weights[-2:])


def test_enable_lora_twice_raises():
    layer = layers.Dense(3)
    layer.build((None, 4))
    layer.enable_lora(2)
    with pytest.raises(
        ValueError, match="LoRA is already enabled.*only be called once"
    ):
        layer.enable_lora(2)


@pytest.mark.parametrize("rank", [0, -1, 1.5, True])
def test_bad_rank_raises(rank):
    layer = layers.Embedding(5, 3)
    layer.build()
    with pytest.raises(ValueError, match="`rank` must be a positive integer"):
        layer.enable_lora(rank)
    with pytest.raises(ValueError, match="`lora_rank` must be a positive integer"):
        layers.Dense(3, lora_rank=0 if rank is True else rank)


def test_enable_lora_unbuilt_raises():
    with pytest.raises(ValueError, match="isn't built yet"):
        layers.EinsumDense("ab,bc->ac", 3).enable_lora(2)


def test_enable_lora_with_constraint_raises():
    layer = layers.Dense(3, kernel_constraint="non_neg")
    layer.build((None, 4))
    with pytest.raises(ValueError, match="incompatible with `kernel_constraint`"):
        layer.enable_lora(2)


@pytest.mark.parametrize("cls", ["Dense", "Embedding", "EinsumDense"])
def test_quantization_config_refused(cls):
    args = {"Dense": (3,), "Embedding": (5, 3), "EinsumDense": ("ab,bc->ac", 3)}[cls]
    with pytest.raises(ValueError, match="quantization is not supported"):
        getattr(layers, cls)(*args, quantization_config={"mode": "int8"})


def test_fast_dense_step_not_used_with_lora_rank():
    model = lamina.Sequential([layers.Dense(2, input_shape=(3,), lora_rank=1)])
    model.compile(optimizer="sgd", loss="mse")
    model.compiled_loss.build(["output"])
    assert _dense_fast.plan_for(model) is None


def test_fast_dense_step_guard_on_lora_enabled(monkeypatch):
    # The config check alone would miss a LoRA layer whose config hides it;
    # the `lora_enabled` guard turns the step off by itself.
    layer = layers.Dense(2, input_shape=(3,))
    model = lamina.Sequential([layer])
    model.compile(optimizer="sgd", loss="mse")
    model.compiled_loss.build(["output"])
    assert _dense_fast.plan_for(model) is not None
    layer.enable_lora(1)
    monkeypatch.setattr(layer, "_lora_config", lambda config: config)
    assert "lora_rank" not in layer.get_config()
    assert _dense_fast.plan_for(model) is None


def test_lora_update_is_scaled_by_alpha_over_rank():
    layer = layers.Dense(2, use_bias=False)
    layer.build((None, 3))
    layer.enable_lora(2, lora_alpha=6.0)
    w = np.arange(6, dtype="float32").reshape(3, 2)
    a = np.ones((3, 2), "float32")
    b = np.full((2, 2), 0.5, "float32")
    layer.set_weights([w, a, b])
    x = np.eye(3, dtype="float32")
    got = layer(x).detach().numpy()
    np.testing.assert_allclose(got, w + 3.0 * (a @ b))
    assert torch.is_tensor(layer.kernel)


@pytest.mark.parametrize("case", ["dense", "embedding"])
def test_regularizer_losses_match_keras(keras, case):
    # Keras regularizes trainable weights only: a and b, not the frozen base.
    key = "kernel_regularizer" if case == "dense" else "embeddings_regularizer"
    k, m, x = _pair(keras, case, **{key: "l2"})
    k.enable_lora(2)
    m.enable_lora(2)
    _randomize(k)
    m.set_weights(k.get_weights())
    k(x)
    m(x)
    got = sorted(float(loss.detach()) for loss in m.losses)
    expected = sorted(float(_np(loss)) for loss in k.losses)
    assert len(got) == len(expected) == 2
    np.testing.assert_allclose(got, expected, rtol=1e-5)


@pytest.mark.parametrize("lora", [False, True])
def test_embedding_mixed_precision_matches_keras(keras, lora):
    k = keras.layers.Embedding(7, 4, dtype="mixed_bfloat16")
    m = layers.Embedding(7, 4, dtype="mixed_bfloat16")
    k(X_IDS)
    m(X_IDS)
    if lora:
        k.enable_lora(2)
        m.enable_lora(2)
    _randomize(k)
    m.set_weights(k.get_weights())
    kout, mout = k(X_IDS), m(X_IDS)
    assert mout.dtype == kout.dtype == torch.bfloat16
    np.testing.assert_allclose(
        mout.float().detach().numpy(),
        kout.float().detach().cpu().numpy(),
        rtol=1e-2,  # one bfloat16 step: Keras rounds the table before adding a @ b
        atol=1e-2,
    )


def test_weights_h5_files_travel_both_ways(keras, tmp_path):
    pytest.importorskip("h5py")
    models = {mod: _model(mod, lora_rank=2) for mod in (lamina, keras)}
    _train_lora(models[lamina])
    models[lamina].save_weights(str(tmp_path / "m.weights.h5"))
    models[keras].load_weights(str(tmp_path / "m.weights.h5"))
    expected = models[lamina](X_IDS).detach().numpy()
    got = _np(models[keras](X_IDS))
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)
    _train_lora(models[keras])
    models[keras].save_weights(str(tmp_path / "k.weights.h5"))
    models[lamina].load_weights(str(tmp_path / "k.weights.h5"))
    np.testing.assert_allclose(
        models[lamina](X_IDS).detach().numpy(),
        _np(models[keras](X_IDS)),
        rtol=1e-5,
        atol=1e-5,
    )
