"""fit / evaluate / predict on PyDataset, torch Datasets and generators that run out."""

import threading

import numpy as np
import pytest
import torch
from torch.utils.data import DataLoader, TensorDataset

import lamina
from lamina import layers
from lamina.utils import PyDataset, Sequence


def _data(n=40):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 3)).astype("float32")
    return x, x.sum(axis=1, keepdims=True)


def _model():
    lamina.utils.set_random_seed(0)
    model = lamina.Sequential(
        [layers.Dense(4, activation="relu", input_shape=(3,)), layers.Dense(1)]
    )
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    return model


class Batches(PyDataset):
    """Batches of 8 rows of the arrays, with a record of what was read."""

    def __init__(self, x, y, batch_size=8, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y, self.batch_size = x, y, batch_size
        self.read = []
        self.epochs_ended = 0
        self.epochs_begun = 0

    def __len__(self):
        return -(-len(self.x) // self.batch_size)

    def __getitem__(self, i):
        self.read.append(i)
        s = slice(i * self.batch_size, (i + 1) * self.batch_size)
        return self.x[s], self.y[s]

    def on_epoch_begin(self):
        self.epochs_begun += 1

    def on_epoch_end(self):
        self.epochs_ended += 1


def _fit_history(ds, **kwargs):
    h = _model().fit(ds, epochs=3, shuffle=False, verbose=0, **kwargs)
    return h.history


def test_sequence_is_pydataset_and_iterates():
    x, y = _data(20)
    ds = Batches(x, y)
    assert Sequence is PyDataset
    assert ds.num_batches == 3
    assert (ds.workers, ds.use_multiprocessing, ds.max_queue_size) == (1, False, 10)
    assert [len(b[0]) for b in ds] == [8, 8, 4]


def test_pydataset_matches_arrays_and_calls_epoch_hooks():
    x, y = _data()
    ds = Batches(x, y)
    h = _model().fit(ds, epochs=3, shuffle=False, verbose=0, validation_data=ds)
    ref = _model().fit(
        x, y, batch_size=8, epochs=3, shuffle=False, verbose=0, validation_data=(x, y)
    )
    assert h.params["steps"] == 5
    for key in ref.history:
        np.testing.assert_allclose(h.history[key], ref.history[key], rtol=1e-6)
    # 3 training epochs and 3 validation passes, as Keras's adapter calls them.
    assert ds.epochs_ended == 6
    assert ds.epochs_begun == 6


@pytest.mark.parametrize(
    "kwargs",
    [
        {"workers": 2},
        {"workers": 4, "max_queue_size": 1},
        {"workers": 2, "use_multiprocessing": True},
    ],
)
def test_workers_give_the_same_history_as_one_worker(kwargs):
    x, y = _data()
    one = _fit_history(Batches(x, y), validation_data=Batches(x, y))
    many = _fit_history(
        Batches(x, y, **kwargs), validation_data=Batches(x, y, **kwargs)
    )
    assert one.keys() == many.keys()
    for key in one:
        np.testing.assert_array_equal(one[key], many[key])


class Rendezvous(PyDataset):
    """Each batch waits until another batch is being computed at the same time."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.barrier = threading.Barrier(2, timeout=10)
        self.calls = 0

    def __len__(self):
        return 4

    def __getitem__(self, i):
        self.calls += 1
        if self.calls > 1:  # the first read, on the caller's thread, sizes the model
            self.barrier.wait()  # breaks (an error) unless two reads overlap
        x = np.full((2, 3), float(i), dtype="float32")
        return x, x[:, :1]


def test_two_workers_really_compute_batches_at_the_same_time():
    model = _model()
    h = model.fit(Rendezvous(workers=2), epochs=1, shuffle=False, verbose=0)
    assert len(h.history["loss"]) == 1


def test_one_worker_computes_on_the_training_thread():
    ds = Rendezvous(workers=1)
    ds.barrier = threading.Barrier(2, timeout=0.2)
    with pytest.raises(threading.BrokenBarrierError):
        _model().fit(ds, epochs=1, verbose=0)


class Failing(Batches):
    def __getitem__(self, i):
        if i == 2:
            raise RuntimeError("bad batch 2")
        return super().__getitem__(i)


@pytest.mark.parametrize("workers", [1, 3])
def test_an_error_in_getitem_reaches_the_caller(workers):
    x, y = _data()
    with pytest.raises(RuntimeError, match="bad batch 2"):
        _model().fit(Failing(x, y, workers=workers), epochs=1, verbose=0)


def test_shuffle_draws_a_new_batch_order_each_epoch():
    x, y = _data(80)
    ds = Batches(x, y)
    _model().fit(ds, epochs=2, verbose=0)
    first, second = ds.read[1:11], ds.read[11:21]  # read[0] sized the model
    assert sorted(first) == sorted(second) == list(range(10))
    assert first != second


def test_steps_per_epoch_continues_the_pass_and_warns_when_short():
    x, y = _data(40)  # 5 batches
    ds = Batches(x, y)
    with pytest.warns(UserWarning, match="Your input ran out of data") as caught:
        h = _model().fit(ds, steps_per_epoch=2, epochs=3, shuffle=False, verbose=0)
    # Epochs read 0-1, 2-3, then 4 and the pass ends early: one warning.
    assert ds.read[1:] == [0, 1, 2, 3, 4]
    assert len(caught) == 1
    assert len(h.history["loss"]) == 3


def test_evaluate_and_predict_on_a_pydataset():
    x, y = _data()
    model = _model()
    got = model.evaluate(Batches(x, y, workers=2), verbose=0)
    ref = model.evaluate(x, y, batch_size=8, verbose=0)
    np.testing.assert_allclose(got, ref, rtol=1e-6)
    pred = model.predict(Batches(x, y, workers=2), verbose=0)
    np.testing.assert_allclose(pred, model.predict(x, verbose=0), rtol=1e-6)


def test_pydataset_matches_keras(keras):
    x, y = _data()

    class KerasBatches(keras.utils.PyDataset):
        def __len__(self):
            return 5

        def __getitem__(self, i):
            return x[i * 8 : (i + 1) * 8], y[i * 8 : (i + 1) * 8]

    ours = _model()
    theirs = keras.Sequential(
        [
            keras.Input((3,)),
            keras.layers.Dense(4, activation="relu"),
            keras.layers.Dense(1),
        ]
    )
    theirs.set_weights(ours.get_weights())
    theirs.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    h_ours = ours.fit(Batches(x, y), epochs=3, shuffle=False, verbose=0)
    h_theirs = theirs.fit(KerasBatches(), epochs=3, shuffle=False, verbose=0)
    for key in ("loss", "mae"):
        np.testing.assert_allclose(
            h_ours.history[key], h_theirs.history[key], rtol=1e-5
        )


def test_bad_batches_and_arguments_are_reported():
    x, y = _data()

    class Four(Batches):
        def __getitem__(self, i):
            return x[:8], y[:8], None, None

    with pytest.raises(ValueError, match=r"must return a tuple or a dict"):
        _model().fit(Four(x, y), verbose=0)
    with pytest.raises(
        ValueError, match=r"When providing `x` as a PyDataset, `y` should not be passed"
    ):
        _model().fit(Batches(x, y), y, verbose=0)
    with pytest.raises(ValueError, match=r"`workers` must be an integer >= 0"):
        Batches(x, y, workers=-1)
    with pytest.raises(ValueError, match=r"`max_queue_size` must be an integer >= 1"):
        Batches(x, y, max_queue_size=0)


def test_missing_super_init_warns_as_keras():
    class NoSuper(PyDataset):
        def __init__(self):
            pass

        def __len__(self):
            return 1

        def __getitem__(self, i):
            return np.ones((2, 3), "float32"), np.ones((2, 1), "float32")

    with pytest.warns(
        UserWarning, match=r"should call `super\(\).__init__\(\*\*kwargs\)`"
    ):
        _model().fit(NoSuper(), verbose=0)


def test_validation_split_on_streamed_input_is_keras_error(keras):
    x, y = _data()

    def gen():
        yield x[:8], y[:8]

    theirs = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    theirs.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match="validation_split") as keras_err:
        theirs.fit(gen(), validation_split=0.2, verbose=0)
    with pytest.raises(ValueError, match="validation_split") as our_err:
        _model().fit(gen(), validation_split=0.2, verbose=0)
    assert str(our_err.value) == str(keras_err.value)
    with pytest.raises(ValueError, match="only supported for tensors or NumPy arrays"):
        _model().fit(Batches(x, y), validation_split=0.2, verbose=0)


def test_exhausted_generator_stops_with_a_warning_and_invents_nothing():
    x, y = _data()
    gen = ((x[i : i + 10], y[i : i + 10]) for i in range(0, 40, 10))
    model = _model()
    with pytest.warns(UserWarning, match="Your input ran out of data") as caught:
        h = model.fit(gen, epochs=3, verbose=0)
    assert len(caught) == 1
    assert len(h.history["loss"]) == 1
    assert h.history["loss"][0] > 0
    with pytest.raises(ValueError, match=r"The input generator yielded no batches"):
        model.evaluate(gen, verbose=0)


def test_generator_validation_with_validation_steps():
    x, y = _data()

    def forever():
        while True:
            for i in range(0, 40, 10):
                yield x[i : i + 10], y[i : i + 10]

    model = _model()
    h = model.fit(
        forever(),
        steps_per_epoch=4,
        validation_data=forever(),
        validation_steps=4,
        epochs=2,
        verbose=0,
    )
    ref = _model().fit(
        x, y, batch_size=10, shuffle=False, epochs=2, verbose=0, validation_data=(x, y)
    )
    for key in ref.history:
        np.testing.assert_allclose(h.history[key], ref.history[key], rtol=1e-6)


def test_exhausted_validation_generator_reports_no_val_numbers():
    x, y = _data()
    val = ((x[i : i + 10], y[i : i + 10]) for i in range(0, 40, 10))
    with pytest.warns(UserWarning, match="Your input ran out of data"):
        h = _model().fit(x, y, epochs=2, validation_data=val, verbose=0)
    assert len(h.history["loss"]) == 2
    assert len(h.history["val_loss"]) == 1


def test_torch_dataset_is_batched_and_class_weight_applies():
    x, y = _data()
    labels = (x[:, 0] > 0).astype("float32")[:, None]
    cw = {0: 1.0, 1: 3.0}
    ds = TensorDataset(torch.from_numpy(x), torch.from_numpy(labels))
    ref = _model().fit(
        x, labels, batch_size=8, shuffle=False, epochs=2, verbose=0, class_weight=cw
    )
    h_ds = _model().fit(
        ds, batch_size=8, shuffle=False, epochs=2, verbose=0, class_weight=cw
    )
    loader = DataLoader(ds, batch_size=8, shuffle=False)
    h_loader = _model().fit(loader, epochs=2, verbose=0, class_weight=cw)
    h_py = _model().fit(
        Batches(x, labels), shuffle=False, epochs=2, verbose=0, class_weight=cw
    )
    for h in (h_ds, h_loader, h_py):
        np.testing.assert_allclose(h.history["loss"], ref.history["loss"], rtol=1e-6)


def test_class_weight_with_sample_weight_batches_is_an_error():
    x, y = _data()
    loader = DataLoader(
        TensorDataset(torch.from_numpy(x), torch.from_numpy(y), torch.ones(40)),
        batch_size=8,
    )
    with pytest.raises(ValueError, match="cannot specify `class_weight` and"):
        _model().fit(loader, class_weight={0: 1.0}, verbose=0)


def test_zero_rows_is_an_error_not_a_zero_loss():
    x = np.zeros((0, 3), "float32")
    y = np.zeros((0, 1), "float32")
    with pytest.raises(ValueError, match="0 samples"):
        _model().fit(x, y, verbose=0)


class Endless(PyDataset):
    """A PyDataset without an end: `num_batches` is None."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.read = []

    @property
    def num_batches(self):
        return None

    def __getitem__(self, i):
        self.read.append(i)
        x = np.full((4, 3), float(i % 5), dtype="float32")
        return x, x[:, :1]


@pytest.mark.parametrize("workers", [1, 2])
def test_endless_pydataset_with_steps_per_epoch(workers):
    ds = Endless(workers=workers, max_queue_size=2)
    h = _model().fit(ds, steps_per_epoch=3, epochs=2, verbose=0)
    assert len(h.history["loss"]) == 2
    # After the sizing read, epochs continue one pass: batches 0-2 then 3-5
    # (workers may have read a few batches ahead, in any order).
    if workers == 1:
        assert ds.read[1:] == [0, 1, 2, 3, 4, 5]
    else:
        assert set(range(6)) <= set(ds.read[1:]) <= set(range(6 + 2 + 1))


def test_array_training_with_pydataset_validation():
    x, y = _data()
    h = _model().fit(
        x,
        y,
        batch_size=8,
        shuffle=False,
        epochs=2,
        verbose=0,
        validation_data=Batches(x, y, workers=2),
    )
    ref = _model().fit(
        x, y, batch_size=8, shuffle=False, epochs=2, verbose=0, validation_data=(x, y)
    )
    np.testing.assert_allclose(
        h.history["val_loss"], ref.history["val_loss"], rtol=1e-6
    )
