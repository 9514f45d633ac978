"""RandomElasticTransform: the warp against Keras's backend op, statistics,
inference identity."""

import numpy as np
import pytest
import torch

import lamina
from lamina import layers
from lamina.layers.preprocessing._affine import sample
from lamina.layers.preprocessing.random_gaussian_blur import gaussian_blur


def _images(n=2, size=12, seed=0):
    return (
        np.random.default_rng(seed)
        .uniform(0, 255, (n, size, size, 3))
        .astype("float32")
    )


@pytest.mark.parametrize("fill_mode", ["reflect", "constant"])
def test_displacement_field_and_warp_match_keras_op(keras, fill_mode):
    from keras.src.backend.torch.image import elastic_transform

    x = torch.as_tensor(_images())
    alpha, sigma = 2.4, 0.6
    torch.manual_seed(0)
    want = elastic_transform(
        x, alpha=alpha, sigma=sigma, fill_mode=fill_mode, data_format="channels_last"
    )
    # The same noise as Keras draws it (global RNG), smoothed and applied by lamina.
    torch.manual_seed(0)
    shape = (2, 12, 12)
    fields = [torch.normal(0.0, 1.0, size=shape) * sigma for _ in range(2)]
    size = int(6 * sigma) | 1
    sig = torch.tensor([sigma, sigma])
    dx, dy = (gaussian_blur(f.unsqueeze(-1), (size, size), sig)[..., 0] for f in fields)
    cols = torch.arange(12.0)[None, None, :]
    rows = torch.arange(12.0)[:, None][None]
    got = sample(x, cols + alpha * dx, rows + alpha * dy, "bilinear", fill_mode, 0.0)
    np.testing.assert_allclose(got.numpy(), want.numpy(), atol=1e-3)


def test_elastic_transform_probability_identity_and_reproducibility():
    x = _images(n=200, size=8)
    layer = layers.RandomElasticTransform(factor=(0.5, 0.5), scale=(0.5, 0.5), seed=1)
    out = layer(x).numpy()
    changed = np.any(out != x, axis=(1, 2, 3))
    assert 0.4 < changed.mean() < 0.6
    again = layers.RandomElasticTransform(factor=(0.5, 0.5), scale=(0.5, 0.5), seed=1)
    np.testing.assert_array_equal(again(x).numpy(), out)
    model = lamina.Sequential(
        [lamina.Input((8, 8, 3)), layers.RandomElasticTransform()]
    )
    np.testing.assert_array_equal(model.predict(x, verbose=0), x)
    with pytest.raises(NotImplementedError, match="Unknown `fill_mode`"):
        layers.RandomElasticTransform(fill_mode="mirror")
