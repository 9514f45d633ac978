"""Sequential models: building, layers, summary, the tutorial snippets verbatim."""

import io

import numpy as np
import pytest
import torch

import lamina
import lamina as keras
from lamina import layers


def test_tutorial_snippet_trains_twenty_epochs():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 2)).astype("float32")
    y = (x[:, 0] - 2 * x[:, 1]).astype("float32")
    model = keras.Sequential(
        [
            # the hidden ReLU layers
            layers.Dense(units=4, activation="relu", input_shape=[2]),
            layers.Dense(units=3, activation="relu"),
            # the linear output layer
            layers.Dense(units=1),
        ]
    )
    model.compile(optimizer="SGD", loss="mse")
    history = model.fit(x=x, y=y, epochs=20, verbose=0)
    losses = history.history["loss"]
    assert len(losses) == 20
    assert all(isinstance(v, float) for v in losses)
    assert losses[-1] < losses[0]


def test_add_snippet_builds_at_once():
    from lamina.layers import Dense
    from lamina.models import Sequential

    model = Sequential()
    model.add(Dense(5, activation="relu", input_shape=(3,)))
    model.add(Dense(4, activation="relu"))
    model.add(Dense(2, activation="sigmoid"))
    assert model.built
    assert model.output_shape == (None, 2)
    assert model.count_params() == (3 * 5 + 5) + (5 * 4 + 4) + (4 * 2 + 2)
    assert [layer.name for layer in model.layers][1:] != []
    out = model(np.zeros((7, 3), "float32"))
    assert isinstance(out, torch.Tensor)
    assert tuple(out.shape) == (7, 2)


def test_input_first_and_layers_list_excludes_input():
    model = lamina.Sequential([lamina.Input(shape=(3,)), layers.Dense(2)])
    assert model.built
    assert len(model.layers) == 1
    assert isinstance(model.layers[0], layers.Dense)


def test_deferred_build_on_first_data_and_pop():
    model = lamina.Sequential([layers.Dense(4), layers.Dense(2)])
    assert not model.built
    model(np.ones((5, 6), "float32"))
    assert model.built
    assert tuple(model.layers[0].kernel.shape) == (6, 4)
    popped = model.pop()
    assert isinstance(popped, layers.Dense) and popped.units == 2
    assert len(model.layers) == 1


def test_unique_snake_case_names():
    a, b = layers.Dense(1), layers.Dense(1)
    assert a.name.startswith("dense") and b.name.startswith("dense")
    assert a.name != b.name
    assert layers.Activation("relu").name.startswith("activation")


def test_duplicate_layer_name_refused():
    model = lamina.Sequential([layers.Dense(2, name="same")])
    with pytest.raises(ValueError, match="unique names"):
        model.add(layers.Dense(2, name="same"))


def test_add_non_layer_refused():
    with pytest.raises(TypeError, match="Only instances of"):
        lamina.Sequential().add("dense")


def test_summary_matches_keras_layout():
    model = lamina.Sequential(
        [
            layers.Dense(4, activation="relu", input_shape=(2,), name="dense"),
            layers.Dense(1, name="dense_1"),
        ],
        name="sequential",
    )
    lines = []
    model.summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert lines[0] == 'Model: "sequential"'
    assert "┃ Layer (type)" in text and "Output Shape" in text and "Param #" in text
    assert "│ dense (Dense)" in text and "(None, 4)" in text
    assert lines[-3] == " Total params: 17 (68.00 B)"
    assert lines[-2] == " Trainable params: 17 (68.00 B)"
    assert lines[-1] == " Non-trainable params: 0 (0.00 B)"


def test_summary_prints_to_stdout(capsys):
    model = lamina.Sequential([layers.Dense(2, input_shape=(3,))])
    model.summary()
    assert "Total params: 8" in capsys.readouterr().out


def test_is_a_torch_module_with_parameters():
    model = lamina.Sequential([layers.Dense(2, input_shape=(3,))])
    assert isinstance(model, torch.nn.Module)
    assert sum(p.numel() for p in model.parameters()) == 8
    buf = io.BytesIO()
    torch.save(model.state_dict(), buf)
    assert len(model.state_dict()) == 2
