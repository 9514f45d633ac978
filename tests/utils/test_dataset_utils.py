"""split_dataset, timeseries_dataset_from_array and the SampleBatches they build on."""

import numpy as np
import pytest
import torch

import lamina
from lamina import layers
from lamina.utils import split_dataset, timeseries_dataset_from_array
from lamina.utils.dataset_utils import SampleBatches


def _rows(subset):
    return [tuple(t.tolist() for t in subset[i]) for i in range(len(subset))]


@pytest.mark.parametrize(
    ("left", "right", "sizes"),
    [(0.7, None, (7, 3)), (None, 3, (7, 3)), (4, None, (4, 6)), (0.2, 0.5, (2, 5))],
)
def test_split_dataset_sizes_and_order(left, right, sizes):
    x = np.arange(20).reshape(10, 2)
    y = np.arange(10)
    lft, rgt = split_dataset((x, y), left_size=left, right_size=right)
    assert (len(lft), len(rgt)) == sizes
    # Without shuffling: the first rows left, the last rows right.
    assert [r[1] for r in _rows(lft)] == list(range(sizes[0]))
    assert [r[1] for r in _rows(rgt)] == list(range(10 - sizes[1], 10))


def test_split_dataset_shuffled_with_seed_matches_keras(keras):
    x = np.arange(20).reshape(10, 2)
    ours = split_dataset(x, left_size=0.6, shuffle=True, seed=3)
    theirs = keras.utils.split_dataset(x, left_size=0.6, shuffle=True, seed=3)
    for a, b in zip(ours, theirs):
        assert _rows(a) == _rows(b)


def test_split_dataset_errors_match_keras(keras):
    x = np.arange(10)
    for kwargs in ({}, {"left_size": 11}, {"left_size": 1.5}, {"left_size": "a"}):
        with pytest.raises((ValueError, TypeError)) as theirs:
            keras.utils.split_dataset(x, **kwargs)
        with pytest.raises(type(theirs.value)) as ours:
            split_dataset(x, **kwargs)
        assert str(ours.value).split(".")[0] == str(theirs.value).split(".")[0]
    with pytest.raises(ValueError, match="the same length"):
        split_dataset((np.zeros(3), np.zeros(4)), left_size=1)


def test_split_dataset_parts_train_with_fit():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 3)).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    train, val = split_dataset((x, y), left_size=0.75)
    lamina.utils.set_random_seed(0)
    model = lamina.Sequential([layers.Dense(1, input_shape=(3,))])
    model.compile(optimizer="sgd", loss="mse")
    h = model.fit(train, batch_size=10, shuffle=False, validation_data=val, verbose=0)
    lamina.utils.set_random_seed(0)
    ref = lamina.Sequential([layers.Dense(1, input_shape=(3,))])
    ref.compile(optimizer="sgd", loss="mse")
    h_ref = ref.fit(
        x[:30],
        y[:30],
        batch_size=10,
        shuffle=False,
        verbose=0,
        validation_data=(x[30:], y[30:]),
    )
    for key in ("loss", "val_loss"):
        np.testing.assert_allclose(h.history[key], h_ref.history[key], rtol=1e-6)


def test_timeseries_windows_and_targets_by_hand():
    data = np.arange(20).reshape(10, 2)
    targets = np.arange(100, 110)
    ds = timeseries_dataset_from_array(
        data,
        targets,
        sequence_length=3,
        sequence_stride=2,
        sampling_rate=2,
        batch_size=2,
    )
    # Windows start at 0, 2, 4 (a window spans 1 + (3 - 1) * 2 = 5 rows).
    batches = list(ds)
    assert [len(b[0]) for b in batches] == [2, 1]
    windows = np.concatenate([b[0] for b in batches])
    np.testing.assert_array_equal(
        windows[:, :, 0], [[0, 4, 8], [4, 8, 12], [8, 12, 16]]
    )
    np.testing.assert_array_equal(
        np.concatenate([b[1] for b in batches]), [100, 102, 104]
    )
    assert windows.dtype == data.dtype


def test_timeseries_keras_docstring_example():
    # Keras's example: sequences of 10 steps, targets 10 steps ahead.
    data = np.arange(100)
    ds = timeseries_dataset_from_array(data[:-10], data[10:], sequence_length=10)
    x, y = ds[0]
    assert len(ds) == 1 and x.shape == (81, 10)
    np.testing.assert_array_equal(x[0], np.arange(10))
    assert y[0] == 10


def test_timeseries_start_end_index_and_no_targets():
    data = np.arange(10)
    ds = timeseries_dataset_from_array(
        data, None, sequence_length=2, start_index=3, end_index=7, batch_size=None
    )
    assert [w.tolist() for w in ds] == [[3, 4], [4, 5], [5, 6]]


def test_timeseries_shuffle_keeps_the_windows_and_reshuffles_each_epoch():
    data = np.arange(50)
    ds = timeseries_dataset_from_array(
        data, data, sequence_length=1, batch_size=50, shuffle=True, seed=1
    )
    first = ds[0][0][:, 0].clone()
    ds.on_epoch_end()
    second = ds[0][0][:, 0]
    assert sorted(first) == sorted(second) == list(range(50))
    assert first.tolist() != second.tolist()
    np.testing.assert_array_equal(ds[0][1], ds[0][0][:, 0])  # targets follow


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"start_index": -1}, "`start_index` must be 0 or greater"),
        ({"end_index": 10}, "`end_index` must be lower than the length"),
        ({"start_index": 5, "end_index": 4}, "must be higher than `start_index`"),
        ({"sampling_rate": 0}, "`sampling_rate` must be higher than 0"),
        ({"sequence_stride": 10}, "`sequence_stride` must be lower than the length"),
    ],
)
def test_timeseries_argument_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        timeseries_dataset_from_array(np.arange(10), None, 2, **kwargs)


def test_timeseries_dataset_trains_an_lstm():
    rng = np.random.default_rng(0)
    series = rng.normal(size=(60, 2)).astype("float32")
    ds = timeseries_dataset_from_array(
        series[:-1], series[1:, :1], sequence_length=5, batch_size=16
    )
    lamina.utils.set_random_seed(0)
    model = lamina.Sequential([layers.Input((5, 2)), layers.LSTM(4), layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    h = model.fit(ds, epochs=2, verbose=0)
    assert h.params["steps"] == len(ds) == 4
    assert model.predict(ds, verbose=0).shape == (55, 1)


def test_sample_batches_map_take_and_single_samples():
    ds = SampleBatches(5, lambda idx: (idx * 10, idx), batch_size=2)
    assert [b[0].tolist() for b in ds] == [[0, 10], [20, 30], [40]]
    doubled = ds.map(lambda x, y: (x * 2, y))
    assert doubled[1][0].tolist() == [40, 60]
    assert len(ds.take(2)) == 2 and [b[1].tolist() for b in ds.take(1)] == [[0, 1]]
    assert ds.prefetch(2) is ds and ds.cache() is ds
    single = SampleBatches(3, lambda idx: (idx, idx + 1), batch_size=None)
    assert [tuple(int(v) for v in s) for s in single] == [(0, 1), (1, 2), (2, 3)]
    with pytest.raises(IndexError, match=r"out of range \[0, 3\)"):
        ds[3]
    # Numeric batches are torch tensors: tf.data-style code calls `.numpy()`.
    assert torch.is_tensor(ds[0][0]) and ds[0][0].numpy().tolist() == [0, 10]
