"""Issue 12, group 1: labels out of range get a clear error, not torch's index error."""

import numpy as np
import pytest
import torch

import lamina
from lamina import layers, losses

_RANGE = r"label value of {} which is outside the valid range of \[0, 10\)"


@pytest.mark.parametrize("bad", [10, -1])
def test_sparse_label_out_of_range_names_value_and_classes(bad):
    y_pred = torch.softmax(torch.randn(3, 10), dim=-1)
    with pytest.raises(ValueError, match=_RANGE.format(bad)):
        losses.sparse_categorical_crossentropy(torch.tensor([1, bad, 2]), y_pred)
    with pytest.raises(ValueError, match="`y_pred` has 10 classes"):
        losses.SparseCategoricalCrossentropy(from_logits=True)(
            torch.tensor([bad, 0, 0]), torch.randn(3, 10)
        )


def test_sparse_label_out_of_range_during_fit():
    model = lamina.Sequential([layers.Dense(10, input_shape=(4,))])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    x = np.zeros((8, 4), dtype="float32")
    y = np.arange(8) + 3  # 3..10: the last label is out of range
    with pytest.raises(ValueError, match=_RANGE.format(10)):
        model.fit(x, y, batch_size=8, verbose=0)


def test_in_range_labels_equal_keras(keras):
    y_true = np.array([0, 9, 4])
    y_pred = np.random.default_rng(0).random((3, 10)).astype("float32")
    ours = losses.sparse_categorical_crossentropy(y_true, y_pred).numpy()
    theirs = keras.losses.sparse_categorical_crossentropy(y_true, y_pred)
    np.testing.assert_allclose(ours, np.asarray(theirs.cpu()), rtol=1e-6)
