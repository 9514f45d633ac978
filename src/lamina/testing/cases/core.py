"""Cases for the core layers."""

from lamina.testing.layer_cases import LayerCase

CASES = [
    LayerCase("Dense", {"units": 3}, (2, 4)),
    LayerCase(
        "Dense", {"units": 2, "activation": "tanh", "use_bias": False}, (2, 3, 4)
    ),
    LayerCase("Activation", {"activation": "softmax"}, (2, 5), fit=False),
    LayerCase("Flatten", {}, (2, 3, 4), fit=False),
    LayerCase("Reshape", {"target_shape": (2, -1)}, (2, 3, 4), fit=False),
    LayerCase("Identity", {}, (2, 3), fit=False),
    LayerCase("Dropout", {"rate": 0.5}, (2, 3), fit=False),
]
