"""TensorBoard event files, read back with the tensorboard package's reader."""

import os

import numpy as np
import pytest

import lamina
from lamina import callbacks, layers

pytest.importorskip("tensorboard")
from tensorboard.backend.event_processing.event_accumulator import (
    EventAccumulator,
)


def _read(folder):
    acc = EventAccumulator(str(folder), size_guidance={"histograms": 0, "images": 0})
    acc.Reload()
    return acc


def _scalars(acc, tag):
    return [(e.step, e.value) for e in acc.Scalars(tag)]


def _model():
    model = lamina.Sequential(
        [lamina.Input((3,)), layers.Dense(4, activation="relu"), layers.Dense(1)]
    )
    model.compile(optimizer=lamina.optimizers.SGD(0.05), loss="mse", metrics=["mae"])
    return model


def _data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(20, 3)).astype("float32")
    return x, x.sum(axis=1, keepdims=True)


def test_epoch_scalars_equal_the_history(tmp_path):
    x, y = _data()
    cb = callbacks.TensorBoard(log_dir=tmp_path, histogram_freq=1, write_images=True)
    model = _model()
    history = model.fit(
        x, y, epochs=3, batch_size=4, validation_split=0.2, verbose=0, callbacks=[cb]
    )
    assert sorted(os.listdir(tmp_path)) == ["train", "validation"]
    train, val = _read(tmp_path / "train"), _read(tmp_path / "validation")
    for key in ("loss", "mae"):
        steps, values = zip(*_scalars(train, f"epoch_{key}"), strict=True)
        assert steps == (0, 1, 2)
        np.testing.assert_allclose(values, history.history[key], rtol=1e-6)
        steps, values = zip(*_scalars(val, f"epoch_{key}"), strict=True)
        assert steps == (0, 1, 2)
        np.testing.assert_allclose(values, history.history[f"val_{key}"], rtol=1e-6)
    assert [v for _, v in _scalars(train, "epoch_learning_rate")] == pytest.approx(
        [0.05] * 3
    )
    paths = [w.path for w in model.weights]  # dense_N/kernel, dense_N/bias, ...
    assert sorted(train.Tags()["histograms"]) == sorted(f"{p}/histogram" for p in paths)
    kernel = paths[0]
    assert len(train.Histograms(f"{kernel}/histogram")) == 3
    kernel_image = train.Images(f"{kernel}/image")
    assert len(kernel_image) == 3 and kernel_image[0].height == 3  # (3, 4) kernel


def test_batch_scalars_every_update_freq_batches(tmp_path):
    x, y = _data()
    seen = []

    class Spy(callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            seen.append(logs["loss"])

    cb = callbacks.TensorBoard(log_dir=tmp_path, update_freq=2, write_graph=False)
    _model().fit(x, y, epochs=2, batch_size=4, verbose=0, callbacks=[cb, Spy()])
    # 5 batches an epoch, 10 in all, counted from 1: written at 2, 4, ..., 10.
    logged = _scalars(_read(tmp_path / "train"), "batch_loss")
    assert [s for s, _ in logged] == [2, 4, 6, 8, 10]
    np.testing.assert_allclose([v for _, v in logged], seen[1::2], rtol=1e-6)


def test_graph_is_written(tmp_path):
    x, y = _data()
    cb = callbacks.TensorBoard(log_dir=tmp_path)
    _model().fit(x, y, epochs=1, verbose=0, callbacks=[cb])
    assert _read(tmp_path / "train").Graph() is not None


def test_embeddings_are_written_for_the_projector(tmp_path):
    model = lamina.Sequential(
        [lamina.Input((2,), dtype="int32"), layers.Embedding(5, 3), layers.Dense(1)]
    )
    model.compile(optimizer="sgd", loss="mse")
    x = np.array([[0, 1], [2, 3], [4, 0]], "int32")
    cb = callbacks.TensorBoard(log_dir=tmp_path, embeddings_freq=1, write_graph=False)
    model.fit(x, np.zeros((3, 2, 1), "float32"), epochs=1, verbose=0, callbacks=[cb])
    config = (tmp_path / "train" / "projector_config.pbtxt").read_text()
    assert "embedding" in config


def test_bad_arguments():
    with pytest.raises(ValueError, match="Received: update_freq='sometimes'"):
        callbacks.TensorBoard(update_freq="sometimes")
    with pytest.raises(ValueError, match="Received: profile_batch=-3"):
        callbacks.TensorBoard(profile_batch=-3)


def test_profile_batch_writes_a_torch_profiler_trace(tmp_path):
    x, y = _data()
    cb = callbacks.TensorBoard(
        log_dir=tmp_path, profile_batch=(2, 3), write_graph=False
    )
    _model().fit(x, y, epochs=1, batch_size=4, verbose=0, callbacks=[cb])
    traces = list((tmp_path / "train").glob("*.pt.trace.json"))
    assert len(traces) == 1 and traces[0].stat().st_size > 0


def test_steps_per_second_is_logged(tmp_path):
    x, y = _data()
    cb = callbacks.TensorBoard(
        log_dir=tmp_path, write_steps_per_second=True, write_graph=False
    )
    _model().fit(x, y, epochs=2, batch_size=4, verbose=0, callbacks=[cb])
    logged = _scalars(_read(tmp_path / "train"), "epoch_steps_per_second")
    assert [s for s, _ in logged] == [0, 1] and all(v > 0 for _, v in logged)
