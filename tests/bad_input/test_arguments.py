"""Issue 12, group 3: arguments Keras accepts are accepted; bad ones named."""

import numpy as np
import pytest

import lamina
from lamina import layers


def test_dropout_one_is_accepted_and_drops_everything(keras):
    x = np.ones((2, 5), dtype="float32")
    ours = layers.Dropout(1.0)
    theirs = keras.layers.Dropout(1.0)
    np.testing.assert_array_equal(
        ours(x, training=True).numpy(), np.asarray(theirs(x, training=True).cpu())
    )
    np.testing.assert_array_equal(ours(x, training=False).numpy(), x)
    seeded = layers.Dropout(1.0, noise_shape=(None, 1), seed=3)
    assert not np.isnan(seeded(x, training=True).numpy()).any()
    assert seeded(x, training=True).numpy().sum() == 0


@pytest.mark.parametrize("cls", ["AlphaDropout", "GaussianDropout"])
def test_noise_layers_refuse_rate_one_at_construction(cls):
    # Keras accepts these and fails with ZeroDivisionError on the first call.
    with pytest.raises(ValueError, match=r"must be below 1 for this layer.*rate=1"):
        getattr(layers, cls)(1.0)


@pytest.mark.parametrize("rate", [1.5, -0.1, True])
def test_dropout_rate_out_of_range_named(rate):
    with pytest.raises(ValueError, match=rf"Received: rate={rate!r}"):
        layers.Dropout(rate)


def test_dropout_one_trains_in_a_model():
    model = lamina.Sequential(
        [layers.Dense(3, input_shape=(2,)), layers.Dropout(1.0), layers.Dense(1)]
    )
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(np.ones((4, 2)), np.ones((4, 1)), verbose=0)
    assert np.isfinite(history.history["loss"][0])


@pytest.mark.parametrize(
    ("make", "received"),
    [
        (lambda: lamina.Input((-3,)), r"shape=\(-3,\)"),
        (lambda: lamina.Input((2.5,)), r"shape=\(2.5,\)"),
        (lambda: lamina.Input(batch_shape=(None, -1)), r"batch_shape=\(None, -1\)"),
        (lambda: layers.Dense(2, input_shape=(-3,)), r"input_shape=\(-3,\)"),
    ],
)
def test_negative_or_fractional_input_sizes_refused_at_input(make, received):
    with pytest.raises(ValueError, match=rf"non-negative integers or None.*{received}"):
        make()


def test_zero_and_unknown_sizes_accepted_as_keras_does(keras):
    assert lamina.Input((0,)).shape == tuple(keras.Input((0,)).shape)
    assert lamina.Input((None, 3)).shape == (None, None, 3)
