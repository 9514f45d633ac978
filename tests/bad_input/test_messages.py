"""Issue 12, group 6: the suggestion for a case-only typo comes first."""

import pytest

import lamina


@pytest.mark.parametrize(
    ("family", "typo", "first"),
    [
        ("activations", "ReLU", "relu"),
        ("activations", "Relu", "relu"),
        ("activations", "Leaky_ReLU", "leaky_relu"),
        ("optimizers", "Adam ", "Adam"),
        ("optimizers", "RMS-prop", "RMSprop"),
        ("optimizers", "sgdd", "SGD"),
    ],
)
def test_case_only_typo_suggests_the_right_name_first(family, typo, first):
    with pytest.raises(ValueError, match=rf"Did you mean '{first}'[ ,?]"):
        getattr(lamina, family).get(typo)


def test_layer_activation_argument_gets_the_suggestion():
    with pytest.raises(
        ValueError, match=r"Unknown activation: 'ReLU'. Did you mean 'relu'"
    ):
        lamina.layers.Dense(2, activation="ReLU")
