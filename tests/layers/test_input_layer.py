"""Input() / InputLayer against Keras 3: argument order, config and refusals."""

import pytest

import lamina


def _config(layer):
    return {k: v for k, v in layer.get_config().items() if k != "name"}


def test_input_positional_arguments_bind_as_in_keras(keras):
    # Keras's order: shape, batch_size, dtype, sparse, ragged, batch_shape, name, ...
    args = ((3, 2), 4, "int32", False, False, None, "pos_in")
    k, lam = keras.Input(*args), lamina.Input(*args)
    assert tuple(lam.shape) == tuple(k.shape) == (4, 3, 2)
    assert lam.dtype == k.dtype == "int32"
    assert lam.name == k.name == "pos_in"
    k = keras.Input(None, None, None, None, None, (5, 1))
    lam = lamina.Input(None, None, None, None, None, (5, 1))
    assert tuple(lam.shape) == tuple(k.shape) == (5, 1)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"shape": (3,)},
        {"shape": (None, 2), "batch_size": 6, "dtype": "int64"},
        {"batch_shape": (2, 4), "optional": True},
        {"shape": (3,), "ragged": False, "sparse": False},
    ],
)
def test_input_layer_config_matches_keras(keras, kwargs):
    k = keras.layers.InputLayer(**kwargs)
    lam = lamina.layers.InputLayer(**kwargs)
    assert _config(lam) == _config(k)
    assert list(lam.get_config()) == list(k.get_config())
    clone = lamina.layers.InputLayer.from_config(lam.get_config())
    assert clone.get_config() == lam.get_config()
    assert clone.optional is lam.optional is kwargs.get("optional", False)


def test_input_layer_loads_keras_config(keras):
    config = keras.layers.InputLayer(batch_shape=(None, 3), optional=True).get_config()
    assert set(config) >= {"ragged", "optional"}
    layer = lamina.layers.InputLayer.from_config(config)
    assert layer.batch_shape == (None, 3)
    assert layer.optional is True
    assert layer.ragged is False


def test_ragged_input_layer_refused(keras):
    for lib in (keras, lamina):
        with pytest.raises(ValueError, match="`ragged=True` is not supported"):
            lib.layers.InputLayer(shape=(3,), ragged=True)
    with pytest.raises(ValueError, match=r"Received: ragged=True\. Pad the sequences"):
        lamina.layers.Input((3,), ragged=True)


def test_batch_size_and_batch_shape_refused_together(keras):
    with pytest.raises(ValueError, match="`batch_size` and `batch_shape`"):
        keras.Input(batch_size=2, batch_shape=(2, 3))
    with pytest.raises(
        ValueError,
        match=r"`batch_size` or `batch_shape`.*Received: batch_size=2, "
        r"batch_shape=\(2, 3\)",
    ):
        lamina.Input(batch_size=2, batch_shape=(2, 3))
