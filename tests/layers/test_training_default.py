"""`training` left unsaid: each layer takes its own `call` default, as in Keras.

A random augmentation layer's `call` defaults to `training=True`, so calling an
augmentation Sequential directly augments (the Keras tutorials plot such calls);
Dropout defaults to inference. fit/predict and explicit values still decide.
"""

import numpy as np

import lamina
from lamina import layers


def _images():
    return np.random.default_rng(0).random((16, 8, 8, 3)).astype("float32")


def test_direct_call_of_augmentation_sequential_augments_like_keras(keras):
    x = _images()
    ours = lamina.Sequential([layers.RandomFlip("horizontal", seed=1)])
    theirs = keras.Sequential([keras.layers.RandomFlip("horizontal", seed=1)])
    assert not np.allclose(np.asarray(theirs(x).cpu()), x)  # Keras augments
    assert not np.allclose(ours(x).numpy(), x)
    assert np.allclose(ours(x, training=False).numpy(), x)
    assert np.allclose(ours.predict(x, verbose=0), x)


def test_direct_call_keeps_dropout_in_inference():
    x = np.ones((2, 50), dtype="float32")
    model = lamina.Sequential([layers.Dropout(0.5, input_shape=(50,))])
    np.testing.assert_array_equal(model(x).detach().numpy(), x)
    dropped = model(x, training=True).detach().numpy()
    assert (dropped == 0).any()


def test_train_mode_and_functional_models():
    x = _images()
    inputs = lamina.Input((8, 8, 3))
    outputs = layers.RandomFlip("horizontal", seed=2)(inputs)
    model = lamina.Model(inputs, outputs)
    assert not np.allclose(model(x).detach().numpy(), x)  # unsaid: augments
    assert np.allclose(model(x, training=False).detach().numpy(), x)
    model.train()  # torch's mode counts as training=True
    assert not np.allclose(model(x).detach().numpy(), x)
