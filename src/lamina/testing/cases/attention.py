"""Cases for the list-input attention layers (MultiHeadAttention has its own tests)."""

from lamina.testing.layer_cases import LayerCase

_QV = [(2, 4, 3), (2, 5, 3)]
_QVK = [(2, 4, 3), (2, 5, 3), (2, 5, 3)]

CASES = [
    LayerCase("Attention", {}, _QV, fit=False),
    LayerCase("Attention", {"use_scale": True}, _QVK),
    LayerCase("Attention", {"score_mode": "concat"}, _QV),
    LayerCase("Attention", {"score_mode": "concat", "use_scale": True}, _QVK),
    LayerCase(
        "Attention",
        {},
        [(2, 4, 3), (2, 4, 3)],
        id="Attention(causal)",
        call_kwargs={"use_causal_mask": True},
        fit=False,
    ),
    LayerCase("Attention", {"dropout": 0.5}, _QV, fit=False),
    LayerCase("AdditiveAttention", {}, _QV),
    LayerCase("AdditiveAttention", {"use_scale": False}, _QVK, fit=False),
    LayerCase(
        "AdditiveAttention",
        {},
        [(2, 4, 3), (2, 4, 3)],
        id="AdditiveAttention(causal)",
        call_kwargs={"use_causal_mask": True},
    ),
]
