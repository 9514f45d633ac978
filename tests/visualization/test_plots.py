"""Plots of layer outputs and learning curves: structure, not pixels."""

import numpy as np
import pytest

import lamina
from lamina import callbacks, layers
from lamina.visualization import (
    plot_activation_histograms,
    plot_feature_maps,
    plot_history,
    plot_layer_outputs,
    plot_unit_curves,
    plot_unit_maps,
    plot_weight_histograms,
)


def _relu_net(features=1):
    return lamina.Sequential(
        [
            layers.Dense(4, activation="relu", input_shape=(features,), name="h1"),
            layers.Dense(3, activation="relu", name="h2"),
            layers.Dense(1, name="out"),
        ]
    )


def test_unit_curves_one_panel_per_layer_one_line_per_unit():
    model = _relu_net()
    x = np.linspace(-2, 2, 40, dtype="float32")
    fig = plot_unit_curves(model, x=x, y=x**2, title="before training")
    assert fig._suptitle.get_text() == "before training"
    assert len(fig.axes) == 3
    assert [ax.get_title() for ax in fig.axes] == [
        "h1 (Dense)",
        "h2 (Dense)",
        "out (Dense)",
    ]
    assert [len(ax.lines) for ax in fig.axes] == [4, 3, 1]
    assert all(ax.get_xlabel() == "input" for ax in fig.axes)
    assert all(ax.get_ylabel() == "unit output" for ax in fig.axes)
    # the drawn curve is the layer's output on the grid
    line = fig.axes[-1].lines[0]
    grid = np.asarray(line.get_xdata(), dtype="float32")[:, None]
    np.testing.assert_allclose(
        line.get_ydata(), model.predict(grid, verbose=0)[:, 0], rtol=1e-6
    )
    assert len(fig.axes[-1].collections) == 1  # the data points


def test_unit_curves_refuses_two_features():
    with pytest.raises(ValueError, match="takes 2. Use `plot_unit_maps`"):
        plot_unit_curves(_relu_net(2))


def test_unit_maps_rows_per_layer_and_decision_panel():
    model = _relu_net(2)
    x = np.random.default_rng(0).normal(size=(30, 2)).astype("float32")
    fig = plot_unit_maps(model, x, y=(x[:, 0] > 0).astype(int), num_points=12)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles.count("decision regions") == 1
    assert [t for t in titles if t.startswith("h1 unit")] == [
        f"h1 unit {i}" for i in range(4)
    ]
    assert len([t for t in titles if t.startswith("h2 unit")]) == 3
    assert len([t for t in titles if t.startswith("out unit")]) == 1
    image = fig.axes[0].images[0].get_array()
    assert image.shape == (12, 12)


def test_feature_maps_for_conv_layers():
    model = lamina.Sequential(
        [
            layers.Conv2D(3, 3, activation="relu", input_shape=(8, 8, 1), name="c1"),
            layers.MaxPooling2D(name="pool"),
            layers.Flatten(name="flat"),
            layers.Dense(2, name="out"),
        ]
    )
    image = np.random.default_rng(0).random((8, 8, 1)).astype("float32")
    fig = plot_feature_maps(model, image, max_channels=2)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["input", "c1 ch 0", "c1 ch 1", "pool ch 0", "pool ch 1"]
    assert fig.axes[1].images[0].get_array().shape == (6, 6)
    assert fig.axes[3].images[0].get_array().shape == (3, 3)
    with pytest.raises(ValueError, match="batch of one"):
        plot_feature_maps(model, np.zeros((2, 8, 8, 1)))


def test_histograms_activations_and_weights():
    model = _relu_net(2)
    x = np.random.default_rng(0).normal(size=(16, 2)).astype("float32")
    fig = plot_activation_histograms(model, x)
    assert len(fig.axes) == 3
    assert fig.axes[0].get_xlabel() == "output value"
    assert sum(p.get_height() for p in fig.axes[0].patches) == 16 * 4
    fig = plot_weight_histograms(model)
    assert len(fig.axes) == 6  # kernel and bias of three layers
    assert fig.axes[0].get_title() == "h1/kernel (2, 4)"


def test_plot_layer_outputs_dispatches_on_input_shape():
    one = plot_layer_outputs(_relu_net(1), np.linspace(-1, 1, 10)[:, None])
    assert one.axes[0].get_xlabel() == "input"
    two = plot_layer_outputs(
        _relu_net(2), np.random.default_rng(0).normal(size=(10, 2)), num_points=8
    )
    assert any(ax.get_title() == "decision regions" for ax in two.axes)


def test_history_plot_panels_epochs_from_one_and_restored_marker():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 2)).astype("float32")
    y = (x[:, :1] * 0.5).astype("float32")
    model = _relu_net(2)
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    # validation loss that rises from the start: restores epoch 1 (index 0)
    early = callbacks.EarlyStopping(patience=2, restore_best_weights=True)
    scripted = iter([1.0, 2.0, 3.0, 4.0])
    early._current = lambda logs: next(scripted)
    history = model.fit(
        x, y, validation_split=0.25, epochs=10, callbacks=[early], verbose=0
    )
    assert len(history.epoch) == 3
    assert history.restored_epoch == 0
    fig = history.plot(title="curves")
    assert [ax.get_title() for ax in fig.axes] == ["loss", "mae"]
    loss_ax = fig.axes[0]
    labels = [line.get_label() for line in loss_ax.lines]
    assert labels == ["training", "validation", "restored weights (epoch 1)"]
    assert list(loss_ax.lines[0].get_xdata()) == [1, 2, 3]
    np.testing.assert_allclose(loss_ax.lines[0].get_ydata(), history.history["loss"])
    assert list(loss_ax.lines[2].get_xdata()) == [1, 1]
    assert loss_ax.get_xlabel() == "epoch"


def test_history_plot_validation_every_other_epoch_and_errors():
    h = callbacks.History()
    h.set_model(_relu_net())
    for epoch in range(4):
        logs = {"loss": 1.0 / (epoch + 1)}
        if epoch % 2 == 1:
            logs["val_loss"] = 2.0 / (epoch + 1)
        h.on_epoch_end(epoch, logs)
    fig = plot_history(h, metrics="loss")
    val = fig.axes[0].lines[1]
    assert list(val.get_xdata()) == [2, 4]
    with pytest.raises(ValueError, match=r"does not have: \['acc'\]"):
        plot_history(h, metrics=["acc"])
    with pytest.raises(ValueError, match="history is empty"):
        callbacks.History().plot()
    assert len(plot_history({"loss": [3.0, 2.0]}).axes) == 1
