"""Issue 12, group 6: shape errors show the user's shapes (None batch, the
user's layout), never the internal sample batch, and the input-shape hint
suggests the data's size, not the size the user already gave."""

import numpy as np
import pytest

import lamina
from lamina import layers


def _fit(model, x, y):
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, y, batch_size=4, verbose=0)


def test_dense_feature_count_hint_suggests_the_data_size(keras):
    x, y = np.zeros((8, 13), "float32"), np.zeros((8, 1), "float32")
    model = lamina.Sequential([layers.Dense(1, input_shape=[5], name="d")])
    with pytest.raises(ValueError, match="layer 'd'") as err:
        _fit(model, x, y)
    message = str(err.value)
    assert "layer 'd'" in message
    assert "expected axis -1 of input shape to have value 5" in message
    assert "received input with shape (None, 13)" in message  # not (2, 13)
    assert "use `input_shape=(13,)`" in message
    assert "input_shape=(5,)" not in message
    # Keras refuses the same data at the same layer and axis
    kmodel = keras.Sequential([keras.Input((5,)), keras.layers.Dense(1)])
    kmodel.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match=r"expected axis -1 of input shape to have"):
        kmodel.fit(x, y, verbose=0)


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_conv_wrong_channels_in_the_users_layout(data_format):
    if data_format == "channels_last":
        sample, x = (8, 8, 3), np.zeros((4, 8, 8, 1), "float32")
        shown, axis = r"\(None, 8, 8, 1\)", -1
    else:
        sample, x = (3, 8, 8), np.zeros((4, 1, 8, 8), "float32")
        shown, axis = r"\(None, 1, 8, 8\)", 1
    model = lamina.Sequential(
        [layers.Conv2D(2, 3, data_format=data_format, input_shape=sample, name="c")]
    )
    y = np.zeros((4, *model.output_shape[1:]), "float32")
    with pytest.raises(
        ValueError,
        match=rf"Layer 'c' expected inputs with 3 channels on axis {axis} "
        rf"\(data_format='{data_format}'.*received input with shape {shown} "
        r"\(1 channels\)",
    ):
        _fit(model, x, y)


def test_functional_input_shape_error_shows_none_batch_and_the_right_hint():
    inputs = lamina.Input((5,), name="features")
    model = lamina.Model(inputs, layers.Dense(1)(inputs))
    with pytest.raises(
        ValueError,
        match=r"Input 'features' of the model expects shape \(None, 5\), but "
        r"received an input with shape \(None, 13\).*Input\(shape=\(13,\)\)",
    ):
        _fit(model, np.zeros((8, 13), "float32"), np.zeros((8, 1), "float32"))


def test_rank_error_shows_none_batch():
    model = lamina.Sequential([layers.Conv2D(2, 3, input_shape=(8, 8, 3), name="c")])
    with pytest.raises(
        ValueError,
        match=r"expected ndim=4, found ndim=3. Full shape received: "
        r"\(None, 8, 8\)",
    ):
        model.predict(np.zeros((6, 8, 8), "float32"), verbose=0)
