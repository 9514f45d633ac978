"""Cases for the convolution layers (plain, transposed, depthwise, separable)."""

from lamina.testing.layer_cases import LayerCase

_CF = {"data_format": "channels_first"}


def _case(layer: str, kwargs: dict, shape: tuple) -> LayerCase:
    return LayerCase(layer, kwargs, shape, atol=1e-4, rtol=1e-4)


CASES = [
    _case("Conv1D", {"filters": 3, "kernel_size": 3}, (2, 8, 3)),
    _case(
        "Conv1D",
        {"filters": 2, "kernel_size": 3, "padding": "causal", "dilation_rate": 2},
        (2, 8, 3),
    ),
    _case(
        "Conv1D",
        {"filters": 2, "kernel_size": 4, "strides": 2, "padding": "same", **_CF},
        (2, 3, 9),
    ),
    _case("Conv2D", {"filters": 4, "kernel_size": 3}, (2, 8, 8, 3)),
    _case(
        "Conv2D",
        {"filters": 4, "kernel_size": 4, "strides": 2, "padding": "same"},
        (2, 7, 7, 3),
    ),
    _case(
        "Conv2D",
        {
            "filters": 4,
            "kernel_size": 3,
            "groups": 2,
            "padding": "same",
            "activation": "relu",
        },
        (2, 6, 6, 4),
    ),
    _case(
        "Conv2D",
        {"filters": 3, "kernel_size": 3, "dilation_rate": 2, **_CF},
        (2, 3, 8, 8),
    ),
    _case(
        "Conv2D",
        {"filters": 2, "kernel_size": (2, 3), "strides": (2, 1), "use_bias": False},
        (2, 6, 6, 3),
    ),
    _case("Conv3D", {"filters": 2, "kernel_size": 2}, (2, 4, 4, 4, 2)),
    _case(
        "Conv3D",
        {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same"},
        (2, 5, 4, 5, 2),
    ),
    _case("Conv1DTranspose", {"filters": 3, "kernel_size": 3, "strides": 2}, (2, 5, 3)),
    _case(
        "Conv1DTranspose",
        {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same"},
        (2, 5, 3),
    ),
    _case(
        "Conv1DTranspose",
        {
            "filters": 2,
            "kernel_size": 4,
            "strides": 3,
            "padding": "same",
            "output_padding": 2,
        },
        (2, 4, 3),
    ),
    _case(
        "Conv2DTranspose",
        {"filters": 3, "kernel_size": 3, "strides": 2, "padding": "same"},
        (2, 4, 4, 3),
    ),
    _case(
        "Conv2DTranspose",
        {"filters": 2, "kernel_size": 2, "strides": (2, 3)},
        (2, 3, 4, 3),
    ),
    _case(
        "Conv2DTranspose",
        {"filters": 2, "kernel_size": 3, "strides": 2, "output_padding": 1},
        (2, 3, 3, 2),
    ),
    _case(
        "Conv2DTranspose",
        {"filters": 2, "kernel_size": 3, "dilation_rate": 2, "padding": "same", **_CF},
        (2, 3, 4, 4),
    ),
    _case(
        "Conv3DTranspose",
        {"filters": 2, "kernel_size": 2, "strides": 2},
        (2, 2, 3, 2, 2),
    ),
    _case("DepthwiseConv1D", {"kernel_size": 3, "depth_multiplier": 2}, (2, 8, 3)),
    _case(
        "DepthwiseConv1D",
        {"kernel_size": 4, "strides": 2, "padding": "same"},
        (2, 7, 3),
    ),
    _case("DepthwiseConv2D", {"kernel_size": 3}, (2, 8, 8, 3)),
    _case(
        "DepthwiseConv2D",
        {"kernel_size": 2, "depth_multiplier": 2, "padding": "same", **_CF},
        (2, 3, 5, 5),
    ),
    _case("SeparableConv1D", {"filters": 4, "kernel_size": 3}, (2, 8, 3)),
    _case(
        "SeparableConv1D",
        {
            "filters": 2,
            "kernel_size": 3,
            "strides": 2,
            "padding": "same",
            "depth_multiplier": 2,
        },
        (2, 8, 3),
    ),
    _case("SeparableConv2D", {"filters": 4, "kernel_size": 3}, (2, 8, 8, 3)),
    _case(
        "SeparableConv2D",
        {"filters": 2, "kernel_size": 2, "padding": "same", "dilation_rate": 2, **_CF},
        (2, 3, 6, 6),
    ),
]
