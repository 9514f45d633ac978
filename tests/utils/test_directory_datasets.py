"""image/text/audio_dataset_from_directory on folders the tests write.

Keras builds these datasets with tf.data, which is not installed here, so the
batches are checked against hand-computed values; the file listing, labels and
training/validation split are compared with Keras's own directory indexing.
"""

import wave
from pathlib import Path

import numpy as np
import pytest
import torch

import lamina
from lamina import layers
from lamina.utils import (
    audio_dataset_from_directory,
    image_dataset_from_directory,
    text_dataset_from_directory,
)

PIL = pytest.importorskip("PIL.Image")


def _write_png(path, array):
    path.parent.mkdir(parents=True, exist_ok=True)
    PIL.fromarray(array).save(path)


@pytest.fixture
def image_dir(tmp_path):
    # class "a": 3 images, class "b": 2 (one in a nested folder); pixel = 10 * id
    for cls, names in (
        ("a", ["x1.png", "x2.png", "x3.png"]),
        ("b", ["y1.png", "sub/y2.png"]),
    ):
        for name in names:
            value = 10 * (len(list(tmp_path.rglob("*.png"))) + 1)
            _write_png(tmp_path / cls / name, np.full((4, 6, 3), value, np.uint8))
    (tmp_path / "a" / "notes.txt").write_text("not an image")
    return tmp_path


def _keras_index(keras_dir, formats, seed, shuffle=True, split=None, subset=None):
    from keras.src.utils import dataset_utils  # Keras's own listing, as an oracle

    paths, labels, names = dataset_utils.index_directory(
        str(keras_dir),
        "inferred",
        formats=formats,
        shuffle=shuffle,
        seed=seed,
        verbose=False,
    )
    if split:
        paths, labels = dataset_utils.get_training_or_validation_split(
            paths, labels, split, subset
        )
    return list(paths), list(labels), names


def test_images_labels_and_order_match_keras_listing(keras, image_dir, capsys):
    ds = image_dataset_from_directory(
        image_dir, image_size=(4, 6), batch_size=2, seed=7
    )
    assert "Found 5 files belonging to 2 classes." in capsys.readouterr().out
    paths, labels, names = _keras_index(image_dir, (".png",), seed=7)
    assert ds.class_names == names == ["a", "b"]
    assert ds.file_paths == paths
    images, got_labels = zip(*ds)
    assert [len(b) for b in images] == [2, 2, 1]
    np.testing.assert_array_equal(np.concatenate(got_labels), labels)
    pixel_ids = np.concatenate(images)[:, 0, 0, 0] / 10
    assert pixel_ids.tolist() == [
        float(p.split("/")[-1][1]) + (3 if "/b/" in p else 0) for p in paths
    ]
    assert images[0].dtype == torch.float32 and images[0].shape == (2, 4, 6, 3)


def test_validation_split_both_matches_keras(keras, image_dir):
    train, val = image_dataset_from_directory(
        image_dir,
        image_size=(4, 6),
        validation_split=0.4,
        subset="both",
        seed=3,
        verbose=False,
    )
    k_train, _, _ = _keras_index(image_dir, (".png",), 3, split=0.4, subset="training")
    k_val, _, _ = _keras_index(image_dir, (".png",), 3, split=0.4, subset="validation")
    assert train.file_paths == k_train and val.file_paths == k_val
    assert len(k_train) == 3 and len(k_val) == 2


def test_label_modes_and_color_modes(image_dir):
    kw = {"image_size": (4, 6), "shuffle": False, "verbose": False}
    _, cat = image_dataset_from_directory(image_dir, label_mode="categorical", **kw)[0]
    np.testing.assert_array_equal(cat, [[1, 0], [1, 0], [1, 0], [0, 1], [0, 1]])
    _, binary = image_dataset_from_directory(image_dir, label_mode="binary", **kw)[0]
    assert binary.dtype == torch.float32 and binary.ravel().tolist() == [0, 0, 0, 1, 1]
    only = image_dataset_from_directory(image_dir, labels=None, **kw)[0]
    assert torch.is_tensor(only) and only.shape == (5, 4, 6, 3)
    gray = image_dataset_from_directory(image_dir, color_mode="grayscale", **kw)[0][0]
    assert gray.shape == (5, 4, 6, 1) and gray[0, 0, 0, 0] == 10
    first = image_dataset_from_directory(image_dir, data_format="channels_first", **kw)
    assert first[0][0].shape == (5, 3, 4, 6)


def test_bilinear_resize_is_tensorflows_half_pixel_rule(tmp_path):
    row = np.array([[0, 100]], np.uint8)
    _write_png(tmp_path / "c" / "img.png", np.repeat(row[..., None], 3, axis=-1))
    ds = image_dataset_from_directory(
        tmp_path, image_size=(1, 4), shuffle=False, verbose=False
    )
    # Output pixel centres map to x = -0.25, 0.25, 0.75, 1.25, clamped.
    np.testing.assert_allclose(ds[0][0][0, 0, :, 0], [0, 25, 75, 100])


def test_crop_and_pad_to_aspect_ratio(tmp_path):
    img = np.zeros((2, 4, 3), np.uint8)
    img[:, 1:3] = 200  # the centre 2x2 square is bright
    _write_png(tmp_path / "c" / "img.png", img)
    kw = {"image_size": (2, 2), "shuffle": False, "verbose": False}
    cropped = image_dataset_from_directory(tmp_path, crop_to_aspect_ratio=True, **kw)
    np.testing.assert_array_equal(cropped[0][0][0, ..., 0], [[200, 200], [200, 200]])
    padded = image_dataset_from_directory(
        tmp_path,
        pad_to_aspect_ratio=True,
        image_size=(4, 4),
        shuffle=False,
        verbose=False,
    )
    column = padded[0][0][0, :, 1, 0]
    np.testing.assert_array_equal(column, [0, 200, 200, 0])  # rows of zeros added


def test_image_argument_errors(image_dir, tmp_path):
    with pytest.raises(ValueError, match="you must provide a `seed`"):
        image_dataset_from_directory(image_dir, validation_split=0.2, subset="training")
    with pytest.raises(ValueError, match="`label_mode` argument must be one of"):
        image_dataset_from_directory(image_dir, label_mode="sparse")
    (image_dir / "c").mkdir()
    with pytest.raises(ValueError, match="exactly 2 class_names"):
        image_dataset_from_directory(image_dir, label_mode="binary", verbose=False)
    (tmp_path / "empty" / "k").mkdir(parents=True)
    with pytest.raises(ValueError, match="No images found in directory"):
        image_dataset_from_directory(tmp_path / "empty", verbose=False)
    with pytest.raises(
        ValueError, match="did not match the names of the subdirectories"
    ):
        image_dataset_from_directory(image_dir, class_names=["zz"], verbose=False)


def test_image_dataset_trains_a_model(image_dir):
    ds = image_dataset_from_directory(
        image_dir, image_size=(4, 6), batch_size=2, seed=1, verbose=False
    )
    lamina.utils.set_random_seed(0)
    model = lamina.Sequential(
        [
            layers.Input((4, 6, 3)),
            layers.Rescaling(1 / 255),
            layers.Flatten(),
            layers.Dense(2),
        ]
    )
    model.compile(
        optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"]
    )
    h = model.fit(ds, epochs=2, verbose=0)
    assert h.params["steps"] == 3 and len(h.history["accuracy"]) == 2


def test_text_dataset(keras, tmp_path):
    texts = {"neg": ["bad movie", "awful"], "pos": ["great film", "loved it", "wow"]}
    for cls, items in texts.items():
        (tmp_path / cls).mkdir()
        for i, t in enumerate(items):
            (tmp_path / cls / f"{i}.txt").write_text(t, encoding="utf-8")
    ds = text_dataset_from_directory(
        tmp_path, batch_size=2, seed=5, max_length=5, verbose=False
    )
    paths, labels, names = _keras_index(tmp_path, (".txt",), seed=5)
    assert ds.class_names == names and ds.file_paths == paths
    got_text = np.concatenate([b[0] for b in ds]).tolist()
    expected = [Path(p).read_text(encoding="utf-8")[:5] for p in paths]
    assert got_text == expected
    np.testing.assert_array_equal(np.concatenate([b[1] for b in ds]), labels)
    (tmp_path / "empty" / "k").mkdir(parents=True)
    with pytest.raises(ValueError, match="No text files found"):
        text_dataset_from_directory(tmp_path / "empty", verbose=False)


def _write_wav(path, samples, width=2, rate=8000, channels=1):
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as f:
        f.setnchannels(channels)
        f.setsampwidth(width)
        f.setframerate(rate)
        dtype = {1: np.uint8, 2: "<i2", 4: "<i4"}[width]
        f.writeframes(np.asarray(samples, dtype=dtype).tobytes())


def test_audio_dataset_decodes_pads_and_labels(tmp_path):
    _write_wav(tmp_path / "down" / "a.wav", [0, 16384, -32768])
    _write_wav(tmp_path / "up" / "b.wav", [128, 255, 0, 192, 64], width=1)
    ds = audio_dataset_from_directory(tmp_path, shuffle=False, verbose=False)
    audio, labels = ds[0]
    assert audio.shape == (2, 5, 1) and audio.dtype == torch.float32
    # 16-bit: value / 32768; 8-bit: (value - 128) / 128; zero-padded to 5 samples.
    np.testing.assert_allclose(audio[0, :, 0], [0, 0.5, -1, 0, 0])
    np.testing.assert_allclose(audio[1, :, 0], [0, 127 / 128, -1, 0.5, -0.5])
    assert labels.tolist() == [0, 1] and ds.class_names == ["down", "up"]
    cut = audio_dataset_from_directory(
        tmp_path, shuffle=False, output_sequence_length=2, verbose=False
    )
    assert cut[0][0].shape == (2, 2, 1)
    ragged = audio_dataset_from_directory(
        tmp_path, shuffle=False, ragged=True, verbose=False
    )
    assert [len(c) for c in ragged[0][0]] == [3, 5]
    with pytest.raises(ValueError, match="not resample"):
        audio_dataset_from_directory(tmp_path, sampling_rate=16000, verbose=False)[0]


def test_audio_dataset_trains_a_model(tmp_path):
    rng = np.random.default_rng(0)
    for cls in ("a", "b"):
        for i in range(3):
            _write_wav(tmp_path / cls / f"{i}.wav", rng.integers(-999, 999, 16))
    ds = audio_dataset_from_directory(tmp_path, batch_size=4, seed=0, verbose=False)
    lamina.utils.set_random_seed(0)
    model = lamina.Sequential(
        [layers.Input((16, 1)), layers.Flatten(), layers.Dense(2)]
    )
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    h = model.fit(ds, epochs=1, verbose=0)
    assert h.params["steps"] == 2 and np.isfinite(h.history["loss"][0])


def test_text_dataset_through_text_vectorization_and_fit(tmp_path):
    texts = {"neg": ["bad movie", "awful film"], "pos": ["great film", "loved it"]}
    for cls, items in texts.items():
        (tmp_path / cls).mkdir()
        for i, t in enumerate(items):
            (tmp_path / cls / f"{i}.txt").write_text(t, encoding="utf-8")
    ds = text_dataset_from_directory(tmp_path, batch_size=2, seed=1, verbose=False)
    vectorize = layers.TextVectorization(max_tokens=20, output_sequence_length=3)
    vectorize.adapt(ds.map(lambda x, y: x))
    assert sorted(vectorize.get_vocabulary()[2:]) == sorted(
        {"bad", "movie", "awful", "film", "great", "loved", "it"}
    )
    lamina.utils.set_random_seed(0)
    model = lamina.Sequential(
        [
            layers.Input((3,), dtype="int64"),
            layers.Embedding(20, 4),
            layers.GlobalAveragePooling1D(),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer="adam", loss="binary_crossentropy")
    h = model.fit(ds.map(lambda x, y: (vectorize(x), y)), epochs=2, verbose=0)
    assert len(h.history["loss"]) == 2 and np.isfinite(h.history["loss"]).all()


def test_explicit_labels_and_class_names_order(image_dir):
    # Labels given per file, in sorted path order (the folders are ignored).
    ds = image_dataset_from_directory(
        image_dir,
        labels=[4, 3, 2, 1, 0],
        image_size=(4, 6),
        shuffle=False,
        verbose=False,
    )
    pixels, labels = ds[0]
    assert ds.class_names == ["0", "1", "2", "3", "4"]
    assert labels.tolist() == [4, 3, 2, 1, 0]
    assert (pixels[:, 0, 0, 0] / 10).tolist() == [1, 2, 3, 4, 5]
    # class_names fixes the label order.
    swapped = image_dataset_from_directory(
        image_dir,
        class_names=["b", "a"],
        image_size=(4, 6),
        shuffle=False,
        verbose=False,
    )
    assert swapped.class_names == ["b", "a"]
    assert swapped[0][1].tolist() == [0, 0, 1, 1, 1]
    with pytest.raises(ValueError, match="Expected the lengths of `labels` to match"):
        image_dataset_from_directory(image_dir, labels=[0, 1], verbose=False)
