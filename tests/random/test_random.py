"""lamina.random against Keras on its torch backend: the same seed gives the same
values; SeedGenerator streams; statistics; use inside a layer during fit."""

import numpy as np
import pytest
import torch

import lamina
import lamina.random as lr
from lamina import layers, ops

CASES = [
    ("normal", lambda m, s: m.random.normal((3, 4), mean=1.0, stddev=2.0, seed=s)),
    ("uniform", lambda m, s: m.random.uniform((5,), minval=-1, maxval=3, seed=s)),
    ("uniform0d", lambda m, s: m.random.uniform((), seed=s)),
    ("randint", lambda m, s: m.random.randint((4, 2), 0, 10, seed=s)),
    ("truncated", lambda m, s: m.random.truncated_normal((6, 3), stddev=0.5, seed=s)),
    (
        "categorical",
        lambda m, s: m.random.categorical(
            np.array([[0.0, 1.0, 2.0], [3.0, 0.0, -1.0]], "float32"), 5, seed=s
        ),
    ),
    (
        "dropout",
        lambda m, s: m.random.dropout(torch.ones(4, 5), 0.5, seed=s),
    ),
    (
        "dropout_noise_shape",
        lambda m, s: m.random.dropout(
            torch.ones(4, 5), 0.3, noise_shape=(None, 1), seed=s
        ),
    ),
    (
        "shuffle",
        lambda m, s: m.random.shuffle(np.arange(12).reshape(4, 3), axis=0, seed=s),
    ),
    (
        "shuffle_axis1",
        lambda m, s: m.random.shuffle(np.arange(12).reshape(3, 4), axis=1, seed=s),
    ),
    ("gamma", lambda m, s: m.random.gamma((3, 2), alpha=2.0, seed=s)),
    ("beta", lambda m, s: m.random.beta((4,), alpha=2.0, beta=3.0, seed=s)),
    ("binomial", lambda m, s: m.random.binomial((4,), 10, 0.3, seed=s)),
]


def _np(x):
    return x.detach().cpu().numpy() if isinstance(x, torch.Tensor) else np.asarray(x)


@pytest.mark.parametrize(("name", "draw"), CASES, ids=[c[0] for c in CASES])
def test_int_seed_matches_keras_and_repeats(keras, name, draw):
    ours = _np(draw(lamina, 1234))
    theirs = _np(draw(keras, 1234))
    np.testing.assert_array_equal(ours, theirs)
    assert ours.dtype == theirs.dtype
    np.testing.assert_array_equal(_np(draw(lamina, 1234)), ours)  # stateless


@pytest.mark.parametrize(("name", "draw"), CASES, ids=[c[0] for c in CASES])
def test_seed_generator_streams_match_keras(keras, name, draw):
    ours_gen = lamina.random.SeedGenerator(7)
    theirs_gen = keras.random.SeedGenerator(7)
    for _ in range(3):
        np.testing.assert_array_equal(
            _np(draw(lamina, ours_gen)), _np(draw(keras, theirs_gen))
        )


def test_seed_generator_gives_new_values_each_call():
    gen = lr.SeedGenerator(3)
    a, b = lr.normal((4,), seed=gen), lr.normal((4,), seed=gen)
    assert not torch.equal(a, b)
    gen2 = lr.SeedGenerator(3)
    assert torch.equal(lr.normal((4,), seed=gen2), a)
    assert gen.state.tolist() == [3, 2]
    assert lr.SeedGenerator.from_config(gen.get_config()).next() == (3, 0)


def test_unseeded_calls_follow_set_random_seed_like_keras(keras):
    lamina.utils.set_random_seed(11)
    ours = [_np(lr.normal((3,))), _np(lr.uniform((2,)))]
    again = None
    keras.utils.set_random_seed(11)
    theirs = [_np(keras.random.normal((3,))), _np(keras.random.uniform((2,)))]
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_array_equal(a, b)
    lamina.utils.set_random_seed(11)
    again = _np(lr.normal((3,)))
    np.testing.assert_array_equal(again, ours[0])
    assert not np.array_equal(_np(lr.normal((3,))), ours[0])


def test_statistics():
    gen = lr.SeedGenerator(0)
    n = lr.normal((20000,), mean=2.0, stddev=3.0, seed=gen)
    assert abs(float(n.mean()) - 2.0) < 0.1 and abs(float(n.std()) - 3.0) < 0.1
    u = lr.uniform((20000,), minval=-2.0, maxval=4.0, seed=gen)
    assert float(u.min()) >= -2.0 and float(u.max()) < 4.0
    assert abs(float(u.mean()) - 1.0) < 0.05
    t = lr.truncated_normal((20000,), stddev=2.0, seed=gen)
    assert float(t.abs().max()) <= 4.0 and abs(float(t.mean())) < 0.05
    r = lr.randint((20000,), 3, 7, seed=gen)
    assert r.dtype == torch.int32 and set(r.unique().tolist()) == {3, 4, 5, 6}
    g = lr.gamma((20000,), alpha=3.0, seed=gen)
    assert abs(float(g.mean()) - 3.0) < 0.1  # mean of Gamma(3, 1) is 3
    b = lr.beta((20000,), alpha=2.0, beta=6.0, seed=gen)
    assert abs(float(b.mean()) - 0.25) < 0.01
    k = lr.binomial((20000,), counts=10, probabilities=0.3, seed=gen)
    assert abs(float(k.mean()) - 3.0) < 0.1
    c = lr.categorical(torch.log(torch.tensor([[0.2, 0.8]])), 20000, seed=gen)
    assert abs(float(c.float().mean()) - 0.8) < 0.02
    d = lr.dropout(torch.ones(20000), 0.25, seed=gen)
    kept = d[d != 0]
    assert (
        torch.allclose(kept, torch.tensor(1 / 0.75))
        and abs(len(kept) / 2e4 - 0.75) < 0.02
    )
    s = lr.shuffle(torch.arange(100), seed=gen)
    assert sorted(s.tolist()) == list(range(100)) and s.tolist() != list(range(100))


def test_distributions_leave_the_global_rng_alone():
    torch.manual_seed(5)
    expected = torch.rand(3)
    torch.manual_seed(5)
    lr.gamma((4,), 2.0, seed=1)
    lr.beta((4,), 1.0, 1.0, seed=1)
    assert torch.equal(torch.rand(3), expected)


def test_errors():
    with pytest.raises(ValueError, match="requires a floating point `dtype`"):
        lr.uniform((2,), dtype="int32")
    with pytest.raises(ValueError, match="requires an integer `dtype`"):
        lr.randint((2,), 0, 3, dtype="float32")
    with pytest.raises(ValueError, match="should be a 2-D tensor"):
        lr.categorical(np.zeros(3, "float32"), 2)
    with pytest.raises(ValueError, match="Received: seed='a'"):
        lr.normal((2,), seed="a")
    with pytest.raises(ValueError, match="must be an integer. Received: seed=1.5"):
        lr.SeedGenerator(1.5)


class Sampling(layers.Layer):
    """The VAE's reparameterisation step, as Keras's subclassing guide writes it."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.seed_generator = lamina.random.SeedGenerator(1337)

    def call(self, inputs):
        z_mean, z_log_var = inputs
        batch = ops.shape(z_mean)[0]
        dim = ops.shape(z_mean)[1]
        epsilon = lamina.random.normal(shape=(batch, dim), seed=self.seed_generator)
        return z_mean + ops.exp(0.5 * z_log_var) * epsilon


def test_sampling_layer_in_a_functional_model_trains():
    inputs = lamina.Input((4,))
    z_mean = layers.Dense(2)(inputs)
    z_log_var = layers.Dense(2)(inputs)
    z = Sampling()([z_mean, z_log_var])
    assert tuple(z.shape) == (None, 2)
    model = lamina.Model(inputs, layers.Dense(1)(z))
    model.compile(optimizer="adam", loss="mse")
    x = np.random.default_rng(0).normal(size=(16, 4)).astype("float32")
    history = model.fit(x, x[:, :1], epochs=2, batch_size=8, verbose=0)
    assert len(history.history["loss"]) == 2
    assert np.isfinite(history.history["loss"]).all()
    # Each call draws new noise from the layer's generator.
    a, b = model.predict(x, verbose=0), model.predict(x, verbose=0)
    assert not np.array_equal(a, b)


@pytest.mark.parametrize("name", ["RandomNormal", "RandomUniform", "GlorotUniform"])
def test_initializers_given_a_seed_generator_draw_keras_values(keras, name):
    ours = getattr(lamina.initializers, name)(seed=lamina.random.SeedGenerator(5))
    theirs = getattr(keras.initializers, name)(seed=keras.random.SeedGenerator(5))
    for _ in range(2):  # each call advances both generators the same way
        np.testing.assert_allclose(_np(ours((3, 4))), _np(theirs((3, 4))), rtol=1e-6)
