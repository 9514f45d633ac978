"""The tutorial's deep network, trained on a real dataset that scikit-learn ships.

Three hidden ReLU layers of 512 units and a linear output regress disease
progression from the 10 clinical measurements of scikit-learn's diabetes data
(442 patients). Prints progress and final metrics, saves the learning curve.

Run:  python examples/quickstart.py [--epochs N] [--out learning_curve.png]
"""

from __future__ import annotations

import argparse

import numpy as np
import torch
from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split

import lamina as keras
from lamina import callbacks, layers


def load_data(seed: int = 0) -> tuple:
    x, y = load_diabetes(return_X_y=True)
    x_train, x_valid, y_train, y_valid = train_test_split(
        x, y, test_size=0.25, random_state=seed
    )
    # Scale with the training rows' statistics only.
    mean, std = x_train.mean(axis=0), x_train.std(axis=0)
    y_scale = y_train.std()
    return (
        ((x_train - mean) / std).astype("float32"),
        ((x_valid - mean) / std).astype("float32"),
        (y_train / y_scale).astype("float32"),
        (y_valid / y_scale).astype("float32"),
        y_scale,
    )


def build_model(n_features: int) -> keras.Sequential:
    model = keras.Sequential(
        [
            layers.Dense(512, activation="relu", input_shape=[n_features]),
            layers.Dropout(0.3),
            layers.Dense(512, activation="relu"),
            layers.Dropout(0.3),
            layers.Dense(512, activation="relu"),
            layers.Dense(1),
        ]
    )
    model.compile(optimizer="adam", loss="mae", metrics=["mse"])
    return model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--out", default="learning_curve.png")
    args = parser.parse_args()
    torch.set_num_threads(min(2, torch.get_num_threads()))
    keras.utils.set_random_seed(0)

    x_train, x_valid, y_train, y_valid, y_scale = load_data()
    model = build_model(x_train.shape[1])
    model.summary()
    early = callbacks.EarlyStopping(
        patience=10, min_delta=0.001, restore_best_weights=True
    )
    history = model.fit(
        x_train,
        y_train,
        validation_data=(x_valid, y_valid),
        batch_size=64,
        epochs=args.epochs,
        callbacks=[early],
        verbose=2,
    )
    loss, mse = model.evaluate(x_valid, y_valid, verbose=0)
    baseline = float(np.mean(np.abs(y_valid - y_train.mean())))
    print(f"epochs run: {len(history.epoch)}")
    print(
        f"validation MAE: {loss * y_scale:.1f} (predicting the mean: "
        f"{baseline * y_scale:.1f}); validation MSE: {mse * y_scale**2:.0f}"
    )

    fig = history.plot(title="Diabetes progression: loss (MAE) and MSE, scaled")
    fig.savefig(args.out, dpi=100)
    print(f"learning curve saved to {args.out}")


if __name__ == "__main__":
    main()
