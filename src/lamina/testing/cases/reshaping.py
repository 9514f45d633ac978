"""Cases for the reshaping layers (weightless: no fit step)."""

from lamina.testing.layer_cases import LayerCase

CASES = [
    LayerCase("Permute", {"dims": (2, 1)}, (2, 3, 4), fit=False),
    LayerCase("Permute", {"dims": (3, 1, 2)}, (2, 3, 4, 2), fit=False),
    LayerCase("RepeatVector", {"n": 3}, (2, 4), fit=False),
    LayerCase("ZeroPadding1D", {"padding": (1, 2)}, (2, 3, 2), fit=False),
    LayerCase("ZeroPadding2D", {"padding": ((1, 0), (2, 1))}, (2, 3, 3, 2), fit=False),
    LayerCase(
        "ZeroPadding2D",
        {"padding": 1, "data_format": "channels_first"},
        (1, 2, 3, 3),
        fit=False,
    ),
    LayerCase("ZeroPadding3D", {"padding": (1, 0, 2)}, (1, 2, 2, 2, 2), fit=False),
    LayerCase("Cropping1D", {"cropping": (1, 2)}, (2, 5, 2), fit=False),
    LayerCase("Cropping2D", {"cropping": ((1, 0), (0, 2))}, (2, 4, 4, 2), fit=False),
    LayerCase(
        "Cropping2D",
        {"cropping": 1, "data_format": "channels_first"},
        (1, 2, 4, 4),
        fit=False,
    ),
    LayerCase("Cropping3D", {"cropping": (1, 0, 1)}, (1, 3, 3, 3, 2), fit=False),
    LayerCase("UpSampling1D", {"size": 3}, (2, 3, 2), fit=False),
    LayerCase("UpSampling2D", {"size": (2, 3)}, (2, 2, 3, 2), fit=False),
    LayerCase(
        "UpSampling2D",
        {"size": 2, "interpolation": "bilinear"},
        (2, 3, 3, 2),
        fit=False,
    ),
    LayerCase(
        "UpSampling2D",
        {"size": (3, 2), "interpolation": "bicubic", "data_format": "channels_first"},
        (1, 2, 3, 3),
        fit=False,
    ),
    LayerCase("UpSampling3D", {"size": (1, 2, 2)}, (1, 2, 2, 2, 2), fit=False),
    LayerCase(
        "UpSampling3D",
        {"size": 2, "data_format": "channels_first"},
        (1, 2, 2, 2, 1),
        fit=False,
    ),
]
