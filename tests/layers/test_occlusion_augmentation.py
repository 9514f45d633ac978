"""RandomGaussianBlur, RandomErasing and CutMix."""

import numpy as np
import pytest
import torch

import lamina
from lamina import layers


def _np(x):
    return x.detach().cpu().numpy()


def _images(n=4, h=6, w=7, seed=0):
    return np.random.default_rng(seed).uniform(0, 255, (n, h, w, 3)).astype("float32")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"factor": (1, 1), "sigma": (0.5, 0.5)},
        {"factor": (1, 1), "sigma": (0.8, 0.8), "kernel_size": 5},
    ],
)
def test_gaussian_blur_matches_keras_for_fixed_sigma(keras, kwargs):
    x = _images()
    k = keras.layers.RandomGaussianBlur(**kwargs)(x, training=True)
    out = layers.RandomGaussianBlur(**kwargs)(x)
    np.testing.assert_allclose(_np(out), _np(k), rtol=1e-5, atol=1e-4)


@pytest.mark.parametrize(
    "layer",
    [
        layers.RandomGaussianBlur(seed=0),
        layers.RandomErasing(seed=0),
        layers.CutMix(seed=0),
    ],
    ids=lambda x: type(x).__name__,
)
def test_identity_in_predict(layer):
    x = _images()
    model = lamina.Sequential([lamina.Input((6, 7, 3)), layer])
    np.testing.assert_array_equal(model.predict(x, verbose=0), x)
    assert not np.allclose(_np(layer(x)), x)


def test_random_erasing_fills_one_box_within_scale():
    x = np.zeros((500, 10, 10, 1), "float32")
    out = _np(
        layers.RandomErasing(factor=(1, 1), scale=(0.09, 0.25), fill_value=1.0, seed=2)(
            x
        )
    )
    area = out.reshape(500, -1).mean(1)
    # Sides sqrt(s) * 10 with s in [0.09, 0.25]: 3 to 5 pixels, so 4 to 36 pixels
    # (one extra row/column when a box straddles pixel centres).
    assert area.min() >= 0.04 and area.max() <= 0.36
    rows, cols = out[..., 0].any(2), out[..., 0].any(1)
    assert np.array_equal(out[..., 0].sum((1, 2)), rows.sum(1) * cols.sum(1))
    never = _np(layers.RandomErasing(factor=(0.0, 0.0), seed=2)(x))
    np.testing.assert_array_equal(never, x)


def test_cutmix_pastes_other_images_and_weights_labels_by_area():
    n = 64
    x = np.arange(n, dtype="float32").reshape(n, 1, 1, 1) * np.ones(
        (1, 8, 8, 3), "float32"
    )
    labels = np.eye(n, dtype="float32")
    out = layers.CutMix(seed=5)({"images": x, "labels": labels})
    imgs, mixed = _np(out["images"]), _np(out["labels"])
    for i in range(n):
        values = set(np.unique(imgs[i]).tolist())
        assert values <= {float(i), float(np.argmax(mixed[i] * (np.arange(n) != i)))}
        own = (imgs[i, ..., 0] == i).mean()
        if own < 1.0:  # the label weight is the area the image keeps (+- a row)
            assert abs(mixed[i, i] - own) <= 2 / 8 + 1e-6
    np.testing.assert_allclose(mixed.sum(1), 1.0, rtol=1e-5)
    single = torch.as_tensor(x[0])
    assert torch.equal(layers.CutMix()(single), single)


def test_occlusion_layer_errors():
    with pytest.raises(ValueError, match="kernel_size must be an odd number"):
        layers.RandomGaussianBlur(kernel_size=4)
    with pytest.raises(ValueError, match="`fill_value` argument should be a number"):
        layers.RandomErasing(fill_value=(1, 2))
    with pytest.raises(ValueError, match=r"in the range \[0, 1\]"):
        layers.CutMix(factor=2.0)
