"""Watch how the layers of a small ReLU network transform a line, before and
after training.

The lessons' network (two hidden ReLU layers, a linear output) learns a curve
from 1-D data. `plot_unit_curves` draws every unit of every layer as a function
of the input: before training the bends are random; after, the last layer's
line follows the data. `layer_outputs` prints each layer's output shape and
values for a few inputs, and `history.plot()` draws the learning curve.

Run:  python examples/watch_layers.py [--epochs N] [--out-dir DIR]
"""

from __future__ import annotations

import argparse
import os

import numpy as np
import torch

import lamina as keras
from lamina import layers
from lamina.visualization import layer_outputs, plot_unit_curves


def make_data(n: int = 400, seed: int = 0) -> tuple:
    rng = np.random.default_rng(seed)
    x = rng.uniform(-3, 3, size=(n, 1)).astype("float32")
    y = (np.sin(x) + 0.1 * rng.normal(size=x.shape)).astype("float32")
    return x, y


def build_model() -> keras.Sequential:
    model = keras.Sequential(
        [
            layers.Dense(8, activation="relu", input_shape=[1], name="hidden_1"),
            layers.Dense(8, activation="relu", name="hidden_2"),
            layers.Dense(1, name="output"),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    return model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=200)
    parser.add_argument("--out-dir", default=".")
    args = parser.parse_args()
    torch.set_num_threads(1)
    keras.utils.set_random_seed(0)
    os.makedirs(args.out_dir, exist_ok=True)

    x, y = make_data()
    model = build_model()
    before = os.path.join(args.out_dir, "layers_before.png")
    plot_unit_curves(model, x=x, y=y, title="Before training").savefig(before)

    history = model.fit(x, y, epochs=args.epochs, batch_size=32, verbose=0)
    print(f"final loss (MSE): {history.history['loss'][-1]:.4f}")

    after = os.path.join(args.out_dir, "layers_after.png")
    plot_unit_curves(model, x=x, y=y, title="After training").savefig(after)
    curve = os.path.join(args.out_dir, "watch_layers_curve.png")
    history.plot(title="Learning curve").savefig(curve)

    probe = np.array([[-2.0], [0.0], [2.0]], dtype="float32")
    for out in layer_outputs(model, probe):
        values = np.array2string(out.output[:, :4], precision=2, suppress_small=True)
        print(f"{out.name} {out.shape}, first units:\n{values}")
    print(f"saved {before}, {after} and {curve}")


if __name__ == "__main__":
    main()
