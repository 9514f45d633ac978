"""Layer assets and a custom compile config travel in `.keras` files, as in the
Keras guide on customizing saving: `save_assets` / `load_assets` are called with
a folder inside the archive, and a `get_compile_config` that returns objects is
serialized."""

import os
import zipfile

import numpy as np

import lamina
from lamina import layers


@lamina.saving.register_keras_serializable(package="assets_test")
class Vocab(layers.Layer):
    def __init__(self, vocab=None, **kwargs):
        super().__init__(**kwargs)
        self.vocab = vocab

    def call(self, inputs):
        return inputs

    def save_assets(self, dir_path):
        with open(os.path.join(dir_path, "vocab.txt"), "w") as f:
            f.write("\n".join(self.vocab))

    def load_assets(self, dir_path):
        with open(os.path.join(dir_path, "vocab.txt")) as f:
            self.vocab = f.read().split("\n")


@lamina.saving.register_keras_serializable(package="assets_test")
class Trainer(lamina.Model):
    def __init__(self, units=2, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.dense = layers.Dense(units)

    def call(self, x):
        return self.dense(x)

    def get_config(self):
        return {**super().get_config(), "units": self.units}

    def compile(self, optimizer, loss_fn):
        super().compile()
        self.model_optimizer = optimizer
        self.loss_fn = loss_fn

    def get_compile_config(self):
        return {"model_optimizer": self.model_optimizer, "loss_fn": self.loss_fn}

    def compile_from_config(self, config):
        self.compile(
            optimizer=lamina.utils.deserialize_keras_object(config["model_optimizer"]),
            loss_fn=lamina.utils.deserialize_keras_object(config["loss_fn"]),
        )


def test_save_assets_and_load_assets_round_trip(tmp_path):
    inputs = lamina.Input((2,))
    model = lamina.Model(inputs, Vocab(["a", "b", "c"], name="vocab")(inputs))
    path = tmp_path / "m.keras"
    model.save(path)
    with zipfile.ZipFile(path) as zf:
        assets = [n for n in zf.namelist() if n.startswith("assets/")]
    assert assets == ["assets/layers/vocab/vocab.txt"]
    loaded = lamina.models.load_model(path)
    assert loaded.get_layer("vocab").vocab == ["a", "b", "c"]


def test_compile_config_with_objects_is_serialized(tmp_path):
    model = Trainer()
    model(np.zeros((1, 3), dtype="float32"))
    model.compile(
        optimizer=lamina.optimizers.SGD(0.3), loss_fn=lamina.losses.MeanSquaredError()
    )
    path = tmp_path / "t.keras"
    model.save(path)
    loaded = lamina.models.load_model(path)
    assert isinstance(loaded.model_optimizer, lamina.optimizers.SGD)
    assert np.isclose(float(loaded.model_optimizer.learning_rate), 0.3)
    assert isinstance(loaded.loss_fn, lamina.losses.MeanSquaredError)
