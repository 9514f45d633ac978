"""RandAugment and AugMix: compositions of the augmentation layers."""

import numpy as np
import pytest

import lamina
from lamina import layers


def _np(x):
    return x.detach().cpu().numpy()


def _images(n=4, seed=0):
    return np.random.default_rng(seed).uniform(0, 255, (n, 6, 6, 3)).astype("float32")


@pytest.mark.parametrize("cls", [layers.RandAugment, layers.AugMix])
def test_policies_repeat_with_a_seed_and_stay_in_range(cls):
    x = _images()
    a, b = cls(seed=3), cls(seed=3)
    first, second = _np(a(x)), _np(b(x))
    np.testing.assert_array_equal(first, second)
    assert not np.allclose(first, x)
    assert first.min() >= 0.0 and first.max() <= 255.0
    model = lamina.Sequential([lamina.Input((6, 6, 3)), cls(seed=0)])
    np.testing.assert_array_equal(model.predict(x, verbose=0), x)


def test_rand_augment_uses_keras_operation_list_and_config():
    layer = layers.RandAugment(num_ops=3, factor=0.4, seed=0)
    names = [type(op).__name__ for op in layer._ops]
    assert names == [
        "RandomShear",
        "RandomTranslation",
        "RandomRotation",
        "RandomBrightness",
        "RandomColorDegeneration",
        "RandomContrast",
        "RandomSharpness",
        "RandomPosterization",
        "Solarization",
        "AutoContrast",
        "Equalization",
    ]
    assert layer._ops[7].factor == (1, 3)  # posterization bits: max(1, int(8 * 0.4))
    clone = layers.RandAugment.from_config(layer.get_config())
    assert clone.num_ops == 3 and clone.factor == (0, 0.4)


def test_aug_mix_operation_sets_and_weights():
    assert len(layers.AugMix(all_ops=False)._ops) == 7
    assert len(layers.AugMix()._ops) == 11
    # With a single chain of depth 0 the output is the input.
    x = _images()
    same = layers.AugMix(num_chains=1, chain_depth=0, seed=0)(x)
    np.testing.assert_allclose(_np(same), x, rtol=1e-5)
    with pytest.raises(ValueError, match=r"in the range \[0, 1\]"):
        layers.AugMix(factor=1.5)
