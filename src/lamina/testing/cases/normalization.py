"""Cases for the normalization and preprocessing layers."""

from lamina.testing.layer_cases import LayerCase

CASES = [
    LayerCase("BatchNormalization", {}, (4, 3), training_parity=True),
    LayerCase(
        "BatchNormalization",
        {"axis": 1, "momentum": 0.9, "epsilon": 1e-2},
        (3, 2, 4, 2),
        training_parity=True,
    ),
    LayerCase(
        "BatchNormalization",
        {"center": False, "gamma_initializer": "random_normal"},
        (3, 2, 2, 3),
        training_parity=True,
    ),
    LayerCase("BatchNormalization", {"scale": False}, (4, 2, 3), training_parity=True),
    LayerCase("LayerNormalization", {}, (2, 3, 4)),
    LayerCase("LayerNormalization", {"axis": [1, 2], "epsilon": 1e-5}, (2, 3, 4)),
    LayerCase("LayerNormalization", {"center": False}, (2, 5)),
    # Deprecated in Keras 3 (both libraries warn; the battery ignores that warning).
    LayerCase(
        "LayerNormalization",
        {"axis": [1, 2], "rms_scaling": True, "gamma_initializer": "random_normal"},
        (2, 3, 4),
    ),
    LayerCase("GroupNormalization", {"groups": 2}, (2, 3, 4)),
    LayerCase("GroupNormalization", {"groups": -1, "axis": 1}, (2, 4, 3, 3)),
    LayerCase("GroupNormalization", {"groups": 1, "scale": False}, (2, 2, 2, 6)),
    LayerCase("UnitNormalization", {}, (2, 5), fit=False),
    LayerCase("UnitNormalization", {"axis": [1, 2]}, (2, 3, 4), fit=False),
    LayerCase("Normalization", {}, (3, 4), fit=False),
    LayerCase(
        "Normalization",
        {"mean": [1.0, 2.0], "variance": [4.0, 0.25]},
        (3, 5, 2),
        fit=False,
    ),
    LayerCase(
        "Normalization",
        {"axis": None, "mean": 0.5, "variance": 2.0, "invert": True},
        (2, 3),
        fit=False,
    ),
    LayerCase("Rescaling", {"scale": 1 / 255.0}, (2, 3), fit=False),
    LayerCase(
        "Rescaling",
        {"scale": [0.5, 2.0], "offset": -1.0},
        (2, 3, 2),
        input_dtype="int32",
        fit=False,
    ),
]
