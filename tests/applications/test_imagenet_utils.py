"""imagenet_utils: preprocessing and decoding against Keras; ImageNet weights and
the class index read from the Keras cache folder (no network)."""

import hashlib
import json
import os

import h5py
import numpy as np
import pytest
import torch

import lamina
from lamina.applications import imagenet_utils

IMAGES = np.random.RandomState(0).uniform(0, 255, (2, 5, 4, 3)).astype("float32")


@pytest.mark.parametrize("mode", ["caffe", "tf", "torch"])
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_preprocess_input_matches_keras(keras, mode, data_format):
    images = IMAGES if data_format == "channels_last" else IMAGES.transpose(0, 3, 1, 2)
    expected = keras.applications.imagenet_utils.preprocess_input(
        images.copy(), data_format=data_format, mode=mode
    )
    got = imagenet_utils.preprocess_input(images.copy(), data_format, mode)
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-4)
    got = imagenet_utils.preprocess_input(torch.tensor(images), data_format, mode)
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-6, atol=1e-4)
    single = imagenet_utils.preprocess_input(images[0].copy(), data_format, mode)
    np.testing.assert_allclose(single, expected[0], rtol=1e-6, atol=1e-4)


@pytest.mark.parametrize(
    ("module", "mode"),
    [
        ("vgg16", "caffe"),
        ("vgg19", "caffe"),
        ("resnet", "caffe"),
        ("resnet50", "caffe"),
        ("resnet_v2", "tf"),
        ("mobilenet", "tf"),
        ("mobilenet_v2", "tf"),
        ("densenet", "torch"),
    ],
)
def test_family_preprocess_input_matches_keras(keras, module, mode):
    ours = getattr(lamina.applications, module).preprocess_input(IMAGES.copy())
    theirs = getattr(keras.applications, module).preprocess_input(IMAGES.copy())
    np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-4)
    expected = imagenet_utils.preprocess_input(IMAGES.copy(), mode=mode)
    np.testing.assert_allclose(ours, expected)


def test_integer_images_become_floatx():
    out = imagenet_utils.preprocess_input(
        np.full((1, 2, 2, 3), 255, "uint8"), mode="tf"
    )
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, 1.0)


def test_preprocess_input_rejects_bad_arguments():
    with pytest.raises(ValueError, match="mode to be one of `caffe`, `tf` or `torch`"):
        imagenet_utils.preprocess_input(IMAGES, mode="keras")
    with pytest.raises(ValueError, match="data_format to be one of"):
        imagenet_utils.preprocess_input(IMAGES, data_format="nhwc")


@pytest.fixture
def keras_home(tmp_path, monkeypatch):
    """An empty Keras cache folder for this test."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    os.makedirs(tmp_path / "models")
    return tmp_path


def test_decode_predictions_reads_the_cached_class_index(keras_home, monkeypatch):
    index = {str(i): [f"n{i:08d}", f"class_{i}"] for i in range(1000)}
    path = keras_home / "models" / "imagenet_class_index.json"
    path.write_text(json.dumps(index))
    digest = hashlib.md5(path.read_bytes()).hexdigest()
    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX_HASH", digest)
    monkeypatch.setattr(imagenet_utils, "_CLASS_INDEX", {})
    preds = np.zeros((2, 1000), "float32")
    preds[0, [3, 7, 999]] = [0.2, 0.5, 0.3]
    preds[1, 42] = 1.0
    decoded = imagenet_utils.decode_predictions(preds, top=3)
    assert [d[:2] for d in decoded[0]] == [
        ("n00000007", "class_7"),
        ("n00000999", "class_999"),
        ("n00000003", "class_3"),
    ]
    assert decoded[0][0][2] == pytest.approx(0.5)
    assert decoded[1][0][:2] == ("n00000042", "class_42")
    assert (
        len(lamina.applications.vgg16.decode_predictions(torch.tensor(preds))[0]) == 5
    )
    with pytest.raises(ValueError, match=r"shape \(samples, 1000\)"):
        imagenet_utils.decode_predictions(np.zeros((2, 10)))


def _write_keras_legacy_weights(model, path):
    """Writes `model`'s weights as Keras's published ImageNet files are written."""
    from keras.src.legacy.saving import legacy_h5_format

    with h5py.File(path, "w") as f:
        legacy_h5_format.save_weights_to_hdf5_group(f, model)


def test_imagenet_weights_load_from_the_keras_cache(keras, keras_home):
    shape = (96, 96, 3)
    theirs = keras.applications.MobileNetV2(
        input_shape=shape, alpha=0.35, include_top=False, weights=None
    )
    name = "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_96_no_top.h5"
    _write_keras_legacy_weights(theirs, keras_home / "models" / name)
    ours = lamina.applications.MobileNetV2(
        input_shape=shape, alpha=0.35, include_top=False, weights="imagenet"
    )
    assert ours.name == "mobilenetv2_0.35_96"
    x = np.random.RandomState(0).uniform(-1, 1, (1, *shape)).astype("float32")
    np.testing.assert_allclose(
        lamina.ops.convert_to_numpy(ours(x)),
        keras.ops.convert_to_numpy(theirs(x)),
        atol=1e-4,
    )


def test_weights_argument_errors(keras_home):
    with pytest.raises(ValueError, match="The `weights` argument should be either"):
        lamina.applications.VGG16(weights="/no/such/file.h5")
    with pytest.raises(ValueError, match="`classes` should be 1000"):
        lamina.applications.ResNet50(weights="imagenet", classes=10)
    with pytest.raises(ValueError, match="Input size must be at least 32x32"):
        lamina.applications.VGG16(
            weights=None, include_top=False, input_shape=(16, 16, 3)
        )
    with pytest.raises(ValueError, match="alpha must be one of"):
        lamina.applications.MobileNetV2(weights="imagenet", alpha=0.3)
    with pytest.raises(ValueError, match="Only `None` and `softmax` activations"):
        lamina.applications.MobileNet(
            weights="imagenet", input_shape=(128, 128, 3), classifier_activation="relu"
        )


def test_input_tensor_and_pooling_shapes():
    inputs = lamina.Input((32, 32, 3))
    model = lamina.applications.MobileNet(
        input_tensor=inputs, weights=None, include_top=False, alpha=0.25, pooling="avg"
    )
    assert model.inputs[0] is inputs
    assert tuple(model.output.shape) == (None, 256)
    model = lamina.applications.MobileNetV2(
        weights=None, include_top=False, alpha=0.35, input_shape=(32, 32, 3)
    )
    assert tuple(model.output.shape) == (None, 1, 1, 1280)
    with pytest.raises(ValueError, match="`input_tensor` must be a symbolic tensor"):
        lamina.applications.VGG16(weights=None, input_tensor=torch.ones(1, 32, 32, 3))
