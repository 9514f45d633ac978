"""Cases for the regularization layers (random ones compared in inference only)."""

from lamina.testing.layer_cases import LayerCase

CASES = [
    LayerCase("SpatialDropout1D", {"rate": 0.5}, (2, 3, 4), fit=False),
    LayerCase("SpatialDropout2D", {"rate": 0.3, "seed": 1}, (2, 3, 3, 2), fit=False),
    LayerCase(
        "SpatialDropout3D",
        {"rate": 0.3, "data_format": "channels_first"},
        (2, 2, 2, 2, 2),
        fit=False,
    ),
    LayerCase("GaussianNoise", {"stddev": 0.5, "seed": 3}, (2, 3), fit=False),
    LayerCase("GaussianDropout", {"rate": 0.4}, (2, 3), fit=False),
    LayerCase(
        "AlphaDropout", {"rate": 0.2, "noise_shape": (None, 1, 3)}, (2, 4, 3), fit=False
    ),
    LayerCase(
        "ActivityRegularization",
        {"l1": 0.1, "l2": 0.01},
        (2, 3),
        fit=False,
        training_parity=True,
    ),
]
