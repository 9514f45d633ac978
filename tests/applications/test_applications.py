"""keras.applications in lamina: each architecture built in Keras with random
weights, saved, loaded into lamina's build, and compared (1e-4), with equal
parameter counts and layer names."""

import os

import numpy as np
import pytest

import lamina
from lamina import applications


def arch(name, shape=(32, 32, 3), slow=False, **kwargs):
    marks = [pytest.mark.slow] if slow else []  # the default run keeps one smoke test
    label = ",".join(
        [name, "x".join(map(str, shape[:2]))] + [f"{k}={v}" for k, v in kwargs.items()]
    )
    return pytest.param(name, shape, kwargs, id=label, marks=marks)


ARCHITECTURES = [
    arch("EfficientNetV2B0", include_top=False, pooling="avg", slow=True),
    arch("EfficientNetV2B2", classes=3, slow=True),
    arch("EfficientNetV2S", include_top=False, slow=True),
    arch("EfficientNetV2M", include_top=False, include_preprocessing=False, slow=True),
    arch("InceptionResNetV2", (75, 75, 3), include_top=False, pooling="max", slow=True),
    arch("InceptionResNetV2", (76, 76, 3), classes=2, slow=True),
    arch("ConvNeXtTiny", include_top=False, pooling="avg", slow=True),
    arch("ConvNeXtSmall", classes=3, slow=True),
    arch("ConvNeXtTiny", include_preprocessing=False, include_top=False, slow=True),
    arch("MobileNetV3Small", alpha=0.75, include_top=False, pooling="avg", slow=True),
    arch("MobileNetV3Small", minimalistic=True, classes=4, slow=True),
    arch("MobileNetV3Large", include_top=False, slow=True),
    arch(
        "MobileNetV3Large",
        (40, 40, 3),
        classes=3,
        include_preprocessing=False,
        slow=True,
    ),
    arch("EfficientNetB0", include_top=False, pooling="avg", slow=True),
    arch("EfficientNetB1", classes=3, slow=True),
    arch("EfficientNetB3", include_top=False, slow=True),
    arch("Xception", (71, 71, 3), include_top=False, pooling="avg", slow=True),
    arch("Xception", (72, 72, 3), classes=3, slow=True),
    arch("InceptionV3", (75, 75, 3), include_top=False, slow=True),
    arch("InceptionV3", (80, 80, 3), classes=4, slow=True),
    arch("MobileNet", alpha=0.25, include_top=False, pooling="max"),
    arch("MobileNet", (40, 40, 3), alpha=0.5, depth_multiplier=2, classes=6, slow=True),
    arch("DenseNet121", include_top=False, pooling="avg", slow=True),
    arch("DenseNet169", classes=3, slow=True),
    arch("DenseNet201", include_top=False, slow=True),
    arch("MobileNetV2", alpha=0.35, include_top=False, pooling="avg", slow=True),
    arch("MobileNetV2", (48, 48, 3), alpha=0.5, classes=5, slow=True),
    arch("ResNet50", include_top=False, slow=True),
    arch("ResNet50", classes=4, slow=True),
    arch("ResNet101", slow=True, include_top=False),
    arch("ResNet152", slow=True, include_top=False),
    arch("ResNet50V2", include_top=False, pooling="avg", slow=True),
    arch("ResNet101V2", slow=True, include_top=False),
    arch("ResNet152V2", slow=True, classes=3),
    arch("VGG16", include_top=False, pooling="avg", slow=True),
    arch("VGG19", include_top=False, pooling="max", slow=True),
    arch("VGG16", (32, 32, 3), include_top=True, classes=7, slow=True),
]


def _compare(keras, name, shape, kwargs, tmp_path):
    kwargs = {"weights": None, "input_shape": shape, **kwargs}
    keras.utils.set_random_seed(0)
    keras.backend.clear_session()  # automatic layer names start afresh in both
    lamina.backend.clear_session()
    theirs = getattr(keras.applications, name)(**kwargs)
    ours = getattr(applications, name)(**kwargs)
    assert ours.count_params() == theirs.count_params()
    assert ours.name == theirs.name
    # Same layers in the same order: Keras's weight files name weights by it.
    assert [layer.name for layer in ours.layers] == [
        layer.name for layer in theirs.layers
    ]
    path = os.path.join(tmp_path, "model.weights.h5")
    theirs.save_weights(path)
    ours.load_weights(path)
    x = np.random.RandomState(1).uniform(0, 255, (2, *shape)).astype("float32")
    expected = keras.ops.convert_to_numpy(theirs(x, training=False))
    got = lamina.ops.convert_to_numpy(ours(x, training=False))
    assert got.shape == expected.shape
    scale = max(1.0, float(np.abs(expected).max()))
    np.testing.assert_allclose(got / scale, expected / scale, atol=1e-4)


@pytest.mark.parametrize(("name", "shape", "kwargs"), ARCHITECTURES)
def test_matches_keras_with_copied_weights(keras, name, shape, kwargs, tmp_path):
    _compare(keras, name, shape, kwargs, tmp_path)


def _branching(namespace):
    """A residual block whose shortcut is built before its main path."""
    inputs = namespace.Input((6, 6, 3))
    shortcut = namespace.layers.Conv2D(4, 1, name="short")(inputs)
    x = namespace.layers.Conv2D(4, 3, padding="same", name="main1")(inputs)
    x = namespace.layers.BatchNormalization(name="main1_bn")(x)
    x = namespace.layers.Conv2D(4, 1, name="main2")(x)
    x = namespace.layers.Add(name="add")([shortcut, x])
    return namespace.Model(inputs, namespace.layers.Dense(2, name="head")(x))


def test_branching_model_lists_layers_as_keras_and_loads_its_file(keras, tmp_path):
    # Keras names weights in its files by layer position (`layers/conv2d_1`), so
    # the layer order must be Keras's (by depth), not the call order.
    theirs, ours = _branching(keras), _branching(lamina)
    assert [layer.name for layer in ours.layers] == [
        layer.name for layer in theirs.layers
    ]
    assert [layer.name for layer in ours.layers][1:4] == ["main1", "main1_bn", "short"]
    path = os.path.join(tmp_path, "branching.weights.h5")
    theirs.save_weights(path)
    ours.load_weights(path)
    x = np.random.RandomState(0).randn(2, 6, 6, 3).astype("float32")
    np.testing.assert_allclose(
        lamina.ops.convert_to_numpy(ours(x)),
        keras.ops.convert_to_numpy(theirs(x)),
        atol=1e-5,
    )


@pytest.mark.parametrize(
    ("ours", "config"),
    [
        pytest.param(
            "NASNetMobile",
            {
                "penultimate_filters": 1056,
                "num_blocks": 4,
                "stem_block_filters": 32,
                "skip_reduction": False,
                "default_size": 224,
            },
            marks=pytest.mark.slow,
        ),
        pytest.param(
            "NASNetLarge",
            {
                "penultimate_filters": 4032,
                "num_blocks": 6,
                "stem_block_filters": 96,
                "skip_reduction": True,
                "default_size": 331,
            },
            marks=pytest.mark.slow,
        ),
    ],
)
def test_nasnet_matches_keras_base_builder(keras, ours, config, tmp_path):
    # Keras refuses NASNetMobile on its torch backend, so its NASNet builder,
    # which works there, is the oracle for both variants.
    from keras.src.applications import nasnet

    keras.backend.clear_session()
    lamina.backend.clear_session()
    shape = (32, 32, 3)
    theirs = nasnet.NASNet(shape, include_top=False, weights=None, **config)
    mine = getattr(applications, ours)(
        input_shape=shape, include_top=False, weights=None
    )
    assert mine.count_params() == theirs.count_params()
    assert [layer.name for layer in mine.layers][1:] == [
        layer.name for layer in theirs.layers
    ][1:]
    path = os.path.join(tmp_path, "nasnet.weights.h5")
    theirs.save_weights(path)
    mine.load_weights(path)
    x = np.random.RandomState(0).uniform(-1, 1, (2, *shape)).astype("float32")
    np.testing.assert_allclose(
        lamina.ops.convert_to_numpy(mine(x)),
        keras.ops.convert_to_numpy(theirs(x)),
        atol=1e-4,
    )
