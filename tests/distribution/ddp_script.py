"""A fit script run by the data-parallel tests, under torchrun or alone.

It knows nothing of data parallelism: the same code runs in one process and
under `torchrun --nproc-per-node 2`. It writes `result_<rank>.json` (what the
test compares) and, through lamina, a CSV log and a saved model.
"""

import json
import os
import sys

import numpy as np
import torch

import lamina as keras
from lamina import callbacks, layers

out = sys.argv[1]
mode = sys.argv[2]  # "noshuffle", "shuffle" (arrays) or "stream" (a PyDataset)
shuffle = mode == "shuffle"
rank = int(os.environ.get("RANK", "0"))
files = os.path.join(out, f"files_{rank}")  # where each rank asks lamina to write
os.makedirs(files, exist_ok=True)
torch.set_num_threads(1)
keras.utils.set_random_seed(1)
rng = np.random.default_rng(0)
x = rng.normal(size=(101, 5)).astype("float32")  # 101: the last batch is odd
y = (x @ rng.normal(size=(5, 1)) + 0.1).astype("float32")
xv, yv = x[:37] * 0.5, y[:37] * 0.5

model = keras.Sequential(
    [
        layers.Dense(8, activation="relu", input_shape=(5,)),
        layers.Dense(1),
    ]
)
model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse", metrics=["mae"])


class Rows(keras.utils.PyDataset):
    """Consecutive rows in batches; under 2 processes, batches of 16 rows read
    by batch index make the same steps as batches of 32 in one process."""

    def __init__(self, a, b, size):
        super().__init__()
        self.a, self.b, self.size = a, b, size

    def __len__(self):
        return len(self.a) // self.size

    def __getitem__(self, i):
        rows = slice(i * self.size, (i + 1) * self.size)
        return self.a[rows], self.b[rows]


data = {"x": x, "y": y, "batch_size": 16}
if mode == "stream":
    per_step = 16 if os.environ.get("WORLD_SIZE") == "2" else 32
    x, y = x[:96], y[:96]
    data = {"x": Rows(x, y, per_step)}
history = model.fit(
    **data,
    epochs=4,
    shuffle=shuffle,
    validation_data=(xv, yv),
    callbacks=[
        callbacks.CSVLogger(os.path.join(files, "log.csv")),
        callbacks.EarlyStopping(monitor="val_loss", patience=10),
    ],
    verbose=2,
)
model.save(os.path.join(files, "model.keras"))
result = {
    "history": history.history,
    "weights": [w.tolist() for w in model.get_weights()],
    "predict": model.predict(
        Rows(x, y, 8) if mode == "stream" else x, batch_size=10, verbose=0
    ).tolist(),
    "evaluate": model.evaluate(xv, yv, batch_size=8, verbose=0),
    "world": keras.distribution.get_device_count("cpu"),
}
with open(os.path.join(out, f"result_{rank}.json"), "w") as f:
    json.dump(result, f)
