"""Cases for the activation layers."""

from lamina.testing.layer_cases import LayerCase

CASES = [
    LayerCase("ReLU", {}, (2, 5), fit=False),
    LayerCase("ReLU", {"max_value": 0.5}, (2, 5), fit=False),
    LayerCase("ReLU", {"negative_slope": 0.1}, (2, 5), fit=False),
    LayerCase(
        "ReLU",
        {"max_value": 1.0, "negative_slope": 0.2, "threshold": 0.3},
        (3, 4),
        fit=False,
    ),
    LayerCase("ReLU", {"threshold": 0.5}, (3, 4), fit=False),
    LayerCase("LeakyReLU", {}, (2, 5), fit=False),
    LayerCase("LeakyReLU", {"negative_slope": 0.05}, (2, 3, 4), fit=False),
    LayerCase("PReLU", {"alpha_initializer": "random_normal"}, (2, 3, 4)),
    LayerCase(
        "PReLU",
        {"alpha_initializer": "random_uniform", "shared_axes": [1, 2]},
        (2, 3, 4, 2),
    ),
    LayerCase("PReLU", {"shared_axes": 1}, (2, 3, 4)),
    LayerCase("ELU", {}, (2, 5), fit=False),
    LayerCase("ELU", {"alpha": 0.5}, (2, 5), fit=False),
    LayerCase("Softmax", {}, (2, 5), fit=False),
    LayerCase("Softmax", {"axis": 1}, (2, 3, 4), fit=False),
    LayerCase("Softmax", {"axis": [1, 2]}, (2, 3, 4), fit=False),
    LayerCase("Softmax", {"axis": (1,)}, (2, 3, 4), fit=False),
]
