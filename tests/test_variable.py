"""`lamina.Variable`: a torch Parameter that speaks Keras's variable API."""

import copy
import pickle

import numpy as np
import pytest
import torch

import lamina
from lamina import layers, ops
from lamina.backend.variable import Variable


def test_standalone_variable_from_initializer_and_value():
    v = lamina.Variable("ones", shape=(2, 3), dtype="float32", name="w")
    assert isinstance(v, torch.nn.Parameter)
    assert v.shape == (2, 3)
    assert v.dtype == torch.float32
    assert (v.name, v.path, v.trainable) == ("w", "w", True)
    np.testing.assert_array_equal(v.numpy(), np.ones((2, 3)))
    assert lamina.backend.Variable is lamina.Variable
    # Keras turns numbers into floatx unless told otherwise
    assert lamina.Variable(np.array([1, 2])).dtype == torch.float32
    counter = lamina.Variable(0, dtype="int32", trainable=True)
    assert counter.dtype == torch.int32
    assert counter.trainable is False  # integers take no gradient


def test_initializer_needs_shape():
    with pytest.raises(ValueError, match="`shape` argument must be specified"):
        lamina.Variable("zeros")
    with pytest.raises(ValueError, match="does not match the `shape`"):
        lamina.Variable(np.zeros(3), shape=(2,))


def test_assign_family_updates_in_place():
    v = lamina.Variable(np.array([1.0, 2.0]), name="v")
    same = v
    v.assign([5.0, 6.0])
    v.assign_add(np.array([1.0, 1.0]))
    v.assign_sub(torch.tensor([0.5, 0.5]))
    assert same is v
    np.testing.assert_allclose(v.numpy(), [5.5, 6.5])
    assert v.value is v
    with pytest.raises(ValueError, match=r"variable.shape=\(2,\), Received: value"):
        v.assign([1.0, 2.0, 3.0])


def test_numpy_is_a_copy():
    v = lamina.Variable(np.array([1.0, 2.0]))
    snapshot = v.numpy()
    v.assign_add([1.0, 1.0])
    np.testing.assert_allclose(snapshot, [1.0, 2.0])
    np.testing.assert_allclose(np.asarray(v), [2.0, 3.0])


def test_arithmetic_returns_plain_tensors_with_gradients():
    v = lamina.Variable(np.array([1.0, 2.0]))
    out = (v * 3.0).sum()
    assert type(out) is torch.Tensor
    out.backward()
    np.testing.assert_allclose(v.value.grad.numpy(), [3.0, 3.0])


def test_deepcopy_and_pickle_keep_class_and_metadata():
    v = lamina.Variable("ones", shape=(2,), name="kernel")
    v.path = "dense/kernel"
    for clone in (copy.deepcopy(v), pickle.loads(pickle.dumps(v))):
        assert type(clone) is Variable
        assert (clone.name, clone.path, clone.trainable) == (
            "kernel",
            "dense/kernel",
            True,
        )
        clone.assign([3.0, 3.0])
        np.testing.assert_allclose(v.numpy(), [1.0, 1.0])


def test_layer_weights_are_variables_with_paths():
    dense = layers.Dense(
        2, name="d", kernel_regularizer="l2", kernel_constraint="non_neg"
    )
    dense.build((None, 3))
    assert isinstance(dense.kernel, Variable)
    assert dense.kernel.path == "d/kernel"
    assert dense.kernel.name == "kernel"
    assert dense.kernel.regularizer is not None
    assert dense.kernel.constraint is not None
    assert dense.kernel.numpy().shape == (3, 2)
    assert [n for n, _ in dense.named_parameters()] == ["kernel", "bias"]


def test_non_trainable_weights_stay_buffers_and_survive_to():
    bn = layers.BatchNormalization()
    bn.build((None, 3))
    mean = bn.moving_mean
    assert isinstance(mean, Variable) and not mean.trainable
    assert "moving_mean" in dict(bn.named_buffers())
    assert "moving_mean" not in dict(bn.named_parameters())
    bn.double()
    assert bn.moving_mean is mean and mean.dtype == torch.float64
    assert set(bn.state_dict()) == {"gamma", "beta", "moving_mean", "moving_variance"}


def test_model_to_dtype_keeps_parameters_and_sets_policy():
    model = lamina.Sequential([layers.Dense(2, input_shape=(3,)), layers.Dense(1)])
    kernel = model.layers[0].kernel
    model.double()
    assert model.layers[0].kernel is kernel and kernel.dtype == torch.float64
    assert model.layers[0].compute_dtype == "float64"
    out = model.predict(np.ones((4, 3), "float32"), verbose=0)
    assert out.dtype == np.float64
    model.to(torch.bfloat16)
    out = model.predict(np.ones((4, 3), "float32"), verbose=0)
    assert out.dtype == np.float32  # numpy has no bfloat16
    assert model.layers[1].kernel.dtype == torch.bfloat16


def test_add_variable_on_layer():
    class Scale(layers.Layer):
        def build(self, input_shape):
            self.scale = self.add_variable((input_shape[-1],), "ones", name="scale")
            self.calls = self.add_variable((), "zeros", trainable=False, name="calls")

        def call(self, x):
            self.calls.assign_add(1.0)
            return x * self.scale

    layer = Scale()
    layer(np.ones((2, 3), "float32"))
    layer(np.ones((2, 3), "float32"))
    assert [w.path for w in layer.trainable_weights] == [f"{layer.name}/scale"]
    assert float(layer.calls.numpy()) == 2.0


def test_torch_optimizer_and_foreach_see_parameters():
    model = lamina.Sequential([layers.Dense(3, input_shape=(2,)), layers.Dense(1)])
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    before = model.get_weights()
    loss = model(torch.ones(4, 2)).sum()
    loss.backward()
    opt.step()
    after = model.get_weights()
    assert all(not np.allclose(a, b) for a, b in zip(before, after))
    # torch.optim takes its foreach path only for the types it lists
    from torch.optim.optimizer import _foreach_supported_types

    assert all(type(p) in _foreach_supported_types for p in model.parameters())


def test_get_weights_returns_copies():
    model = lamina.Sequential([layers.Dense(1, input_shape=(2,))])
    snapshot = model.get_weights()
    with torch.no_grad():
        model.layers[0].kernel.add_(1.0)
    assert not np.allclose(snapshot[0], model.get_weights()[0])


def test_early_stopping_restores_the_best_weights():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 2)).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    model = lamina.Sequential([layers.Dense(1, input_shape=(2,))])
    model.compile(optimizer=lamina.optimizers.SGD(2.5), loss="mse")

    class Record(lamina.callbacks.Callback):
        weights = []

        def on_epoch_end(self, epoch, logs=None):
            self.weights.append(self.model.get_weights())

    # a learning rate this large diverges: the first epoch is the best
    stop = lamina.callbacks.EarlyStopping(
        monitor="loss", patience=2, restore_best_weights=True
    )
    history = model.fit(x, y, epochs=6, verbose=0, callbacks=[Record(), stop])
    losses = history.history["loss"]
    best = int(np.argmin(losses))
    assert best < len(losses) - 1
    for got, want in zip(model.get_weights(), Record.weights[best]):
        np.testing.assert_allclose(got, want)


def _count_within_metric(lib):
    """A custom metric written the Keras way, for either library."""

    class CountWithin(lib.metrics.Metric):
        def __init__(self, tolerance=0.5, name="count_within", **kwargs):
            super().__init__(name=name, **kwargs)
            self.tolerance = tolerance
            self.hits = self.add_variable(shape=(), initializer="zeros", name="hits")
            self.seen = self.add_variable(shape=(), initializer="zeros", name="seen")

        def update_state(self, y_true, y_pred, sample_weight=None):
            close = lib.ops.cast(
                lib.ops.abs(y_true - y_pred) < self.tolerance, "float32"
            )
            self.hits.assign_add(lib.ops.sum(close))
            self.seen.assign_add(lib.ops.cast(lib.ops.size(close), "float32"))

        def result(self):
            return self.hits / lib.ops.maximum(self.seen, 1.0)

        def reset_state(self):
            self.hits.assign(0.0)
            self.seen.assign(0.0)

    return CountWithin


def test_custom_metric_state_is_non_trainable_variables():
    metric = _count_within_metric(lamina)()
    assert all(isinstance(v, Variable) and not v.trainable for v in metric.variables)
    metric.update_state(torch.tensor([0.0, 1.0]), torch.tensor([0.1, 2.0]))
    assert float(metric.result()) == 0.5
    metric.reset_state()
    assert float(metric.seen.numpy()) == 0.0


def test_custom_metric_in_fit_matches_keras(keras):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(48, 3)).astype("float32")
    y = (x @ np.array([[1.0], [-1.0], [0.5]], "float32")).astype("float32")
    kmodel = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    lmodel = lamina.Sequential([lamina.Input((3,)), layers.Dense(1)])
    lmodel.set_weights(kmodel.get_weights())
    kmodel.compile("sgd", "mse", metrics=[_count_within_metric(keras)()])
    lmodel.compile("sgd", "mse", metrics=[_count_within_metric(lamina)()])
    kh = kmodel.fit(x, y, epochs=3, batch_size=16, shuffle=False, verbose=0)
    lh = lmodel.fit(x, y, epochs=3, batch_size=16, shuffle=False, verbose=0)
    assert sorted(lh.history) == sorted(kh.history) == ["count_within", "loss"]
    for key in kh.history:
        np.testing.assert_allclose(lh.history[key], kh.history[key], rtol=1e-5)
    kv = kmodel.evaluate(x, y, verbose=0, return_dict=True)
    lv = lmodel.evaluate(x, y, verbose=0, return_dict=True)
    assert lv["count_within"] == pytest.approx(kv["count_within"])
    assert [m.name for m in lmodel.metrics] == [m.name for m in kmodel.metrics]
    got = lmodel.get_metrics_result()["count_within"]
    assert float(ops.convert_to_numpy(got)) == pytest.approx(kv["count_within"])


def test_variable_assigned_in_init_is_a_weight_of_the_layer(keras):
    """The customizing-saving guide's layer: `self.v = keras.Variable(...)` in
    `__init__` is one of the layer's weights in Keras; it must be in lamina too."""
    import numpy as np

    import lamina

    def make(lib):
        class Scaled(lib.layers.Layer):
            def __init__(self):
                super().__init__()
                self.scale = lib.Variable(np.full((2,), 3.0), name="scale")

            def call(self, x):
                return x * self.scale

        return Scaled()

    ours, theirs = make(lamina), make(keras)
    x = np.ones((1, 2), dtype="float32")
    ours(x), theirs(x)
    assert [w.name for w in ours.weights] == [w.name for w in theirs.weights]
    assert [w.name for w in ours.trainable_weights] == ["scale"]
    assert len(ours.get_weights()) == len(theirs.get_weights()) == 1
    ours.set_weights([np.array([5.0, 6.0])])
    np.testing.assert_array_equal(ours(x).detach().numpy(), [[5.0, 6.0]])
