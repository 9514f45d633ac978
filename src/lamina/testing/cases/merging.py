"""Cases for the merging layers (lists of inputs)."""

from lamina.testing.layer_cases import LayerCase

_PAIR = [(2, 3), (2, 3)]

CASES = [
    LayerCase("Add", {}, _PAIR, fit=False),
    LayerCase("Add", {}, [(2, 3), (2, 3), (2, 3)], id="Add(three)", fit=False),
    LayerCase("Add", {}, [(2, 4, 3), (2, 3)], id="Add(rank-broadcast)", fit=False),
    LayerCase("Subtract", {}, _PAIR, fit=False),
    LayerCase(
        "Multiply", {}, [(2, 1, 3), (2, 4, 1)], id="Multiply(broadcast)", fit=False
    ),
    LayerCase("Average", {}, [(2, 3), (2, 3), (2, 3)], fit=False),
    LayerCase("Maximum", {}, _PAIR, fit=False),
    LayerCase("Minimum", {}, _PAIR, fit=False),
    LayerCase("Concatenate", {}, [(2, 3), (2, 4)], fit=False),
    LayerCase("Concatenate", {"axis": 1}, [(2, 3, 4), (2, 2, 4)], fit=False),
    LayerCase("Dot", {"axes": 1}, _PAIR, fit=False),
    LayerCase("Dot", {"axes": 1, "normalize": True}, _PAIR, fit=False),
    LayerCase("Dot", {"axes": (1, 2)}, [(2, 3, 4), (2, 5, 3)], fit=False),
    LayerCase("Dot", {"axes": -1}, [(2, 3, 4), (2, 5, 4)], fit=False),
    LayerCase(
        "Dot", {"axes": 1}, [(2, 3, 4), (2, 3)], id="Dot(rank3-rank2)", fit=False
    ),
]
