"""Cases for the pooling layers (windowed and global).

Average pooling with `"same"` padding appears only where the padding is
symmetric: Keras 3.15's torch backend pads asymmetric cases by replicating
edge values (keras-team/keras#23233 fixes it to TensorFlow's rule, which
lamina follows); tests/layers/test_conv_layers.py checks those by hand.
"""

from lamina.testing.layer_cases import LayerCase

_CF = {"data_format": "channels_first"}


def _case(layer: str, kwargs: dict, shape: tuple) -> LayerCase:
    return LayerCase(layer, kwargs, shape, fit=False)


CASES = [
    _case("MaxPooling1D", {}, (2, 8, 3)),
    _case("MaxPooling1D", {"pool_size": 3, "strides": 2, "padding": "same"}, (2, 8, 3)),
    _case("MaxPooling2D", {}, (2, 6, 6, 3)),
    _case("MaxPooling2D", {"pool_size": 2, "padding": "same", **_CF}, (2, 3, 7, 7)),
    _case("MaxPooling2D", {"pool_size": (3, 2), "strides": (1, 2)}, (2, 6, 6, 2)),
    _case("MaxPooling3D", {}, (2, 4, 4, 4, 2)),
    _case("MaxPooling3D", {"pool_size": 2, "padding": "same"}, (2, 3, 4, 5, 2)),
    _case("AveragePooling1D", {"pool_size": 2}, (2, 8, 3)),
    _case(
        "AveragePooling1D",
        {"pool_size": 3, "strides": 1, "padding": "same", **_CF},
        (2, 3, 8),
    ),
    _case("AveragePooling2D", {"pool_size": 2}, (2, 6, 6, 3)),
    _case(
        "AveragePooling2D",
        {"pool_size": 3, "strides": 1, "padding": "same"},
        (2, 5, 5, 3),
    ),
    _case("AveragePooling2D", {"pool_size": (2, 3), "strides": 1, **_CF}, (2, 3, 5, 5)),
    _case("AveragePooling3D", {"pool_size": 2}, (2, 4, 4, 4, 2)),
    _case("GlobalMaxPooling1D", {}, (2, 5, 3)),
    _case("GlobalMaxPooling2D", {"keepdims": True}, (2, 4, 4, 3)),
    _case("GlobalMaxPooling3D", _CF, (2, 3, 2, 2, 2)),
    _case("GlobalAveragePooling1D", {**_CF, "keepdims": True}, (2, 3, 5)),
    _case("GlobalAveragePooling2D", {}, (2, 4, 4, 3)),
    _case("GlobalAveragePooling3D", {"keepdims": True}, (2, 2, 3, 2, 3)),
]
