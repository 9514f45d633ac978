"""The step lives on the model: overrides of train_step / test_step / predict_step /
compute_loss / compute_metrics are honoured, with Keras 3 as the oracle.

Each custom model is written once against a library module (`lib` is lamina or
keras), the way Keras's guides on customizing `fit()` and on hand-written loops
with PyTorch write them, then trained in both from the same weights.
"""

import numpy as np
import pytest
import torch

import lamina
from lamina import layers


def _data(n=48, d=4, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d)).astype("float32")
    y = (x @ rng.normal(size=(d, 1))).astype("float32")
    return x, y


def _functional(lib, cls, d=4):
    inputs = lib.Input(shape=(d,))
    hidden = lib.layers.Dense(3, activation="relu")(inputs)
    return cls(inputs, lib.layers.Dense(1)(hidden))


def _pair(keras, factory, d=4):
    kmodel = _functional(keras, factory(keras), d)
    lmodel = _functional(lamina, factory(lamina), d)
    lmodel.set_weights(kmodel.get_weights())
    return kmodel, lmodel


def _fit_both(kmodel, lmodel, x, y, **kwargs):
    kwargs = {"epochs": 2, "batch_size": 16, "shuffle": False, "verbose": 0, **kwargs}
    return kmodel.fit(x, y, **kwargs).history, lmodel.fit(x, y, **kwargs).history


def _assert_same(kh, lh, kmodel, lmodel):
    assert list(lh) == list(kh)
    for key in kh:
        np.testing.assert_allclose(lh[key], kh[key], rtol=1e-4, atol=1e-6, err_msg=key)
    for kw, lw in zip(kmodel.get_weights(), lmodel.get_weights()):
        np.testing.assert_allclose(lw, kw, rtol=1e-4, atol=1e-6)


def _step_with_compiled_loss(lib):
    class StepModel(lib.Model):
        def train_step(self, data):
            x, y = data[0], data[1]
            sample_weight = data[2] if len(data) == 3 else None
            self.zero_grad()
            y_pred = self(x, training=True)
            loss = self.compute_loss(y=y, y_pred=y_pred, sample_weight=sample_weight)
            loss.backward()
            weights = list(self.trainable_weights)
            with torch.no_grad():
                self.optimizer.apply([w.value.grad for w in weights], weights)
            for metric in self.metrics:
                if metric.name == "loss":
                    metric.update_state(loss)
                else:
                    metric.update_state(y, y_pred, sample_weight=sample_weight)
            return {m.name: m.result() for m in self.metrics}

    return StepModel


@pytest.mark.parametrize("weighted", [False, True])
def test_train_step_override_with_compute_loss_matches_keras(keras, weighted):
    x, y = _data()
    kmodel, lmodel = _pair(keras, _step_with_compiled_loss)
    for model in (kmodel, lmodel):
        model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    extra = {"sample_weight": np.linspace(0.5, 1.5, len(x))} if weighted else {}
    kh, lh = _fit_both(kmodel, lmodel, x, y, **extra)
    assert list(lh) == ["mae", "loss"]  # Keras sorts the step's nested dict
    _assert_same(kh, lh, kmodel, lmodel)


def _step_with_own_trackers(lib):
    class TrackerModel(lib.Model):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.loss_tracker = lib.metrics.Mean(name="loss")
            self.mae_metric = lib.metrics.MeanAbsoluteError(name="mae")
            self.loss_fn = lib.losses.MeanSquaredError()

        def train_step(self, data):
            x, y = data
            self.zero_grad()
            y_pred = self(x, training=True)
            loss = self.loss_fn(y, y_pred)
            loss.backward()
            weights = list(self.trainable_weights)
            with torch.no_grad():
                self.optimizer.apply([w.value.grad for w in weights], weights)
            self.loss_tracker.update_state(loss)
            self.mae_metric.update_state(y, y_pred)
            return {"loss": self.loss_tracker.result(), "mae": self.mae_metric.result()}

        @property
        def metrics(self):
            return [self.loss_tracker, self.mae_metric]

    return TrackerModel


def test_train_step_with_own_trackers_and_no_compiled_loss_matches_keras(keras):
    x, y = _data()
    kmodel, lmodel = _pair(keras, _step_with_own_trackers)
    for model in (kmodel, lmodel):
        model.compile(optimizer="sgd")  # no loss: the step computes its own
    kh, lh = _fit_both(kmodel, lmodel, x, y, epochs=3)
    _assert_same(kh, lh, kmodel, lmodel)
    # the trackers are reset each epoch: the last value is one epoch's mean
    assert lh["loss"][0] != pytest.approx(lh["loss"][-1])


def _custom_test_step(lib):
    class EvalModel(lib.Model):
        def test_step(self, data):
            x, y = data
            y_pred = self(x, training=False)
            loss = self.compute_loss(y=y, y_pred=y_pred) * 2.0
            for metric in self.metrics:
                if metric.name == "loss":
                    metric.update_state(loss)
                else:
                    metric.update_state(y, y_pred)
            return {m.name: m.result() for m in self.metrics}

    return EvalModel


def test_test_step_override_in_evaluate_and_validation_matches_keras(keras):
    x, y = _data()
    kmodel, lmodel = _pair(keras, _custom_test_step)
    for model in (kmodel, lmodel):
        model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    kv = kmodel.evaluate(x, y, verbose=0)
    lv = lmodel.evaluate(x, y, verbose=0)
    np.testing.assert_allclose(lv, kv, rtol=1e-5)
    one_batch = lmodel.evaluate(x, y, batch_size=len(x), verbose=0)
    plain = lmodel.compute_loss(y=torch.tensor(y), y_pred=lmodel(x))
    assert one_batch[0] == pytest.approx(2.0 * float(plain.detach()), rel=1e-5)
    kh, lh = _fit_both(kmodel, lmodel, x, y, validation_data=(x, y))
    _assert_same(kh, lh, kmodel, lmodel)


def test_super_train_step_and_compute_metrics_override():
    calls = []

    class Counting(lamina.Model):
        def train_step(self, data):
            calls.append("train_step")
            return super().train_step(data)

        def compute_metrics(self, x, y, y_pred, sample_weight=None):
            results = super().compute_metrics(x, y, y_pred, sample_weight)
            results["batch_rows"] = torch.tensor(float(y_pred.shape[0]))
            return results

    x, y = _data()
    model = _functional(lamina, Counting)
    reference = _functional(lamina, lamina.Model)
    reference.set_weights(model.get_weights())
    for m in (model, reference):
        m.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    h = model.fit(x, y, epochs=2, batch_size=16, shuffle=False, verbose=0)
    ref = reference.fit(x, y, epochs=2, batch_size=16, shuffle=False, verbose=0)
    assert calls == ["train_step"] * 6
    assert list(h.history) == ["batch_rows", "loss", "mae"]
    assert h.history["batch_rows"] == [16.0, 16.0]
    for key in ref.history:  # the default step's arithmetic, through the public API
        np.testing.assert_allclose(h.history[key], ref.history[key], rtol=1e-6)


def test_compute_loss_override_is_used_by_the_default_step():
    class Shifted(lamina.Model):
        def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None):
            return torch.mean((y_pred - y - 1.0) ** 2)  # no `training` argument

    x, y = _data()
    model = _functional(lamina, Shifted)
    model.compile(optimizer=lamina.optimizers.SGD(0.05), loss="mse")
    model.fit(x, y, epochs=30, batch_size=16, verbose=0)
    residual = model.predict(x, verbose=0) - y
    assert float(np.mean(residual)) == pytest.approx(1.0, abs=0.3)


def test_predict_step_override_is_honoured():
    class Doubled(lamina.Model):
        def predict_step(self, data):
            (x,) = data
            return self(x, training=False) * 2.0

    x, _ = _data(n=10)
    model = _functional(lamina, Doubled)
    np.testing.assert_allclose(
        model.predict(x, batch_size=4, verbose=0),
        2.0 * model(torch.tensor(x)).detach().numpy(),
        rtol=1e-6,
    )


def _gan(lib, latent=3):
    class GAN(lib.Model):
        def __init__(self, discriminator, generator):
            super().__init__()
            self.discriminator = discriminator
            self.generator = generator
            self.d_loss_tracker = lib.metrics.Mean(name="d_loss")
            self.g_loss_tracker = lib.metrics.Mean(name="g_loss")
            self.built = True

        @property
        def metrics(self):
            return [self.d_loss_tracker, self.g_loss_tracker]

        def compile(self, d_optimizer, g_optimizer, loss_fn):
            super().compile()
            self.d_optimizer = d_optimizer
            self.g_optimizer = g_optimizer
            self.loss_fn = loss_fn

        def train_step(self, real):
            if isinstance(real, (tuple, list)):  # Keras passes the loader's list
                real = real[0]
            n = real.shape[0]
            noise = torch.linspace(-1.0, 1.0, n * latent).reshape(n, latent)
            fake = self.generator(noise)
            images = torch.concat([fake, real], axis=0)
            labels = torch.concat([torch.ones((n, 1)), torch.zeros((n, 1))], axis=0)
            self.zero_grad()
            d_loss = self.loss_fn(labels, self.discriminator(images))
            d_loss.backward()
            grads = [v.value.grad for v in self.discriminator.trainable_weights]
            with torch.no_grad():
                self.d_optimizer.apply(grads, self.discriminator.trainable_weights)
            self.zero_grad()
            g_loss = self.loss_fn(
                torch.zeros((n, 1)), self.discriminator(self.generator(noise))
            )
            g_loss.backward()
            grads = [v.value.grad for v in self.generator.trainable_weights]
            with torch.no_grad():
                self.g_optimizer.apply(grads, self.generator.trainable_weights)
            self.d_loss_tracker.update_state(d_loss)
            self.g_loss_tracker.update_state(g_loss)
            return {
                "d_loss": self.d_loss_tracker.result(),
                "g_loss": self.g_loss_tracker.result(),
            }

    disc = lib.Sequential([lib.Input((4,)), lib.layers.Dense(3), lib.layers.Dense(1)])
    gen = lib.Sequential([lib.Input((latent,)), lib.layers.Dense(4)])
    gan = GAN(disc, gen)
    gan.compile(
        d_optimizer=lib.optimizers.Adam(learning_rate=0.01),
        g_optimizer=lib.optimizers.Adam(learning_rate=0.01),
        loss_fn=lib.losses.BinaryCrossentropy(from_logits=True),
    )
    return gan


def test_gan_with_two_optimizers_on_a_dataloader_matches_keras(keras):
    real = np.random.default_rng(2).normal(size=(32, 4)).astype("float32")
    loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(torch.from_numpy(real), torch.from_numpy(real)),
        batch_size=8,
        shuffle=False,
    )
    kgan, lgan = _gan(keras), _gan(lamina)
    lgan.discriminator.set_weights(kgan.discriminator.get_weights())
    lgan.generator.set_weights(kgan.generator.get_weights())
    kh = kgan.fit(loader, epochs=2, verbose=0, shuffle=False).history
    lh = lgan.fit(loader, epochs=2, verbose=0, shuffle=False).history
    assert list(lh) == ["d_loss", "g_loss"]
    for key in kh:
        np.testing.assert_allclose(lh[key], kh[key], rtol=1e-4, err_msg=key)
    for part in ("discriminator", "generator"):
        for kw, lw in zip(
            getattr(kgan, part).get_weights(), getattr(lgan, part).get_weights()
        ):
            np.testing.assert_allclose(lw, kw, rtol=1e-4, atol=1e-6)


def test_hand_written_loop_with_optimizer_apply_matches_keras(keras):
    x, y = _data(n=32)
    kmodel = _functional(keras, keras.Model)
    lmodel = _functional(lamina, lamina.Model)
    lmodel.set_weights(kmodel.get_weights())
    for lib, model in ((keras, kmodel), (lamina, lmodel)):
        optimizer = lib.optimizers.Adam(learning_rate=0.01)
        loss_fn = lib.losses.MeanSquaredError()
        metric = lib.metrics.MeanAbsoluteError()
        for start in range(0, 32, 8):
            xb = torch.tensor(x[start : start + 8])
            yb = torch.tensor(y[start : start + 8])
            loss = loss_fn(yb, model(xb, training=True))
            if model.losses:
                loss = loss + torch.sum(*model.losses)
            model.zero_grad()
            weights = list(model.trainable_weights)
            loss.backward()
            with torch.no_grad():
                optimizer.apply([v.value.grad for v in weights], weights)
            metric.update_state(yb, model(xb, training=False))
        model.final_mae = float(metric.result())
    assert lmodel.final_mae == pytest.approx(kmodel.final_mae, rel=1e-4)
    for kw, lw in zip(kmodel.get_weights(), lmodel.get_weights()):
        np.testing.assert_allclose(lw, kw, rtol=1e-4, atol=1e-6)


def test_apply_gradients_takes_pairs():
    model = lamina.Sequential([layers.Dense(1, input_shape=(2,))])
    optimizer = lamina.optimizers.SGD(0.5)
    before = model.get_weights()
    loss = model(torch.ones(4, 2)).sum()
    grads = torch.autograd.grad(loss, model.trainable_weights)
    optimizer.apply_gradients(zip(grads, model.trainable_weights))
    np.testing.assert_allclose(model.get_weights()[0], before[0] - 0.5 * 4.0)
    assert int(optimizer.iterations) == 1


def _add_loss_model(lib):
    class Penalty(lib.layers.Layer):
        def call(self, inputs):
            self.add_loss(0.5 * lib.ops.mean(lib.ops.square(inputs - 1.0)))
            return inputs

    inputs = lib.Input(shape=(4,))
    outputs = Penalty()(lib.layers.Dense(2)(inputs))
    return lib.Model(inputs, outputs)


def test_model_with_only_add_loss_compiles_without_loss_and_trains(keras):
    x, _ = _data()
    kmodel, lmodel = _add_loss_model(keras), _add_loss_model(lamina)
    lmodel.set_weights(kmodel.get_weights())
    for model in (kmodel, lmodel):
        model.compile(optimizer="sgd")
    kh = kmodel.fit(x, epochs=3, batch_size=16, shuffle=False, verbose=0).history
    lh = lmodel.fit(x, epochs=3, batch_size=16, shuffle=False, verbose=0).history
    assert list(lh) == ["loss"]
    np.testing.assert_allclose(lh["loss"], kh["loss"], rtol=1e-5)
    assert lh["loss"][-1] < lh["loss"][0]
    assert lmodel.evaluate(x, verbose=0) == pytest.approx(
        kmodel.evaluate(x, verbose=0), rel=1e-5
    )


def test_no_loss_at_all_is_refused():
    model = _functional(lamina, lamina.Model)
    model.compile(optimizer="sgd")
    x, y = _data()
    with pytest.raises(ValueError, match="No loss to compute"):
        model.fit(x, y, verbose=0)


def test_metrics_list_loss_tracker_first_like_keras(keras):
    kmodel = _functional(keras, keras.Model)
    lmodel = _functional(lamina, lamina.Model)
    for model in (kmodel, lmodel):
        model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    x, y = _data()
    kmodel.fit(x, y, verbose=0)
    lmodel.fit(x, y, verbose=0)
    assert [m.name for m in lmodel.metrics] == [m.name for m in kmodel.metrics]
    assert lmodel.metrics_names == ["loss", "compile_metrics"]
    assert isinstance(lmodel.metrics[0], lamina.metrics.Mean)
    assert sorted(lmodel.get_metrics_result()) == ["loss", "mae"]


def test_losses_property_and_training_flag():
    class Noisy(layers.Layer):
        def call(self, inputs, training=None):
            self.add_loss(torch.tensor(1.0 if training else 0.0))
            return inputs

    inputs = lamina.Input((2,))
    model = lamina.Model(inputs, Noisy()(layers.Dense(2)(inputs)))
    model(torch.ones(1, 2), training=True)
    assert [float(v) for v in model.losses] == [1.0]
    model(torch.ones(1, 2))
    assert [float(v) for v in model.losses] == [0.0]
