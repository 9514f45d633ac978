"""The IoU metrics against keras.metrics: values, state, config, names, errors, fit."""

import numpy as np
import pytest
import torch

import lamina
from lamina import metrics

N = 12
C = 4


def _sparse(rng, shape=(N,)):
    """Class ids in [-1, C] (so some fall out of range), as int64."""
    return rng.integers(-1, C + 1, shape).astype("int64")


def _scores(rng, shape=(N, C)):
    return rng.random(shape).astype("float32")


def _batches(kind, rng, n=3):
    """`n` batches of (y_true, y_pred) for one kind of input."""
    out = []
    for _ in range(n):
        if kind == "sparse":
            out.append((_sparse(rng), _sparse(rng)))
        elif kind == "sparse_2d":  # segmentation maps, flattened by the metric
            out.append((_sparse(rng, (3, 2, 2)), _sparse(rng, (3, 2, 2))))
        elif kind == "dense":  # one-hot labels, score predictions
            out.append(
                (np.eye(C, dtype="float32")[rng.integers(0, C, N)], _scores(rng))
            )
        elif kind == "dense_true":  # one-hot labels, class-id predictions
            labels = np.eye(C, dtype="float32")[rng.integers(0, C, N)]
            out.append((labels, _sparse(rng)))
        elif kind == "dense_axis1":  # class axis 1 of (N, C, 2)
            labels = np.eye(C, dtype="float32")[rng.integers(0, C, (N, 2))]
            out.append((labels.transpose(0, 2, 1), _scores(rng, (N, C, 2))))
        elif kind == "binary":
            out.append(((rng.random(N) > 0.5).astype("float32"), _scores(rng, (N,))))
        else:
            raise ValueError(kind)
    return out


CASES = [
    ("IoU", {"num_classes": C, "target_class_ids": [0, 2]}, "sparse"),
    ("IoU", {"num_classes": C, "target_class_ids": [3]}, "sparse_2d"),
    ("IoU", {"num_classes": C, "target_class_ids": [-1, 1]}, "sparse"),
    ("IoU", {"num_classes": C, "target_class_ids": [1], "ignore_class": 1}, "sparse"),
    (
        "IoU",
        {"num_classes": C, "target_class_ids": [0, 1], "sparse_y_true": False},
        "dense_true",
    ),
    ("MeanIoU", {"num_classes": C}, "sparse"),
    ("MeanIoU", {"num_classes": C, "ignore_class": 0}, "sparse_2d"),
    ("MeanIoU", {"num_classes": C, "ignore_class": -1}, "sparse"),
    (
        "MeanIoU",
        {"num_classes": C, "sparse_y_true": False, "sparse_y_pred": False},
        "dense",
    ),
    ("BinaryIoU", {}, "binary"),
    ("BinaryIoU", {"target_class_ids": [1], "threshold": 0.3}, "binary"),
    ("BinaryIoU", {"target_class_ids": (0,), "threshold": 0.7}, "binary"),
    ("OneHotIoU", {"num_classes": C, "target_class_ids": [0, 3]}, "dense"),
    (
        "OneHotIoU",
        {"num_classes": C, "target_class_ids": [2], "ignore_class": 2},
        "dense",
    ),
    ("OneHotMeanIoU", {"num_classes": C}, "dense"),
    ("OneHotMeanIoU", {"num_classes": C, "axis": 1}, "dense_axis1"),
]


def _weights(y_true, rng, integer):
    """One weight per label (flattened shape), integer or float."""
    shape = np.shape(y_true)
    if (
        len(shape) > 1
        and shape[-1] == C
        and np.issubdtype(np.asarray(y_true).dtype, np.floating)
    ):
        shape = shape[:-1]  # one-hot labels: one weight per sample
    if integer:
        return rng.integers(0, 4, shape).astype("int64")
    return rng.random(shape).astype("float32")


def _run(metric, batches, weights):
    values = []
    for (y_true, y_pred), w in zip(batches, weights, strict=True):
        if w is None:
            metric.update_state(y_true, y_pred)
        else:
            metric.update_state(y_true, y_pred, sample_weight=w)
        values.append(np.asarray(metric.result()))
    return values


@pytest.mark.parametrize("dtype", [None, "float32"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize(("name", "kwargs", "kind"), CASES)
def test_matches_keras(keras, name, kwargs, kind, weighted, dtype):
    """Results after each of three updates, and again after `reset_state`."""
    rng = np.random.default_rng(len(name) + len(kwargs))
    if kind == "dense_axis1" and weighted:
        pytest.skip("Keras flattens (N, C, 2) weights only with (N, 2) labels")
    batches = _batches(kind, rng)
    weights = [
        _weights(y, rng, integer=dtype is None) if weighted else None
        for y, _ in batches
    ]
    kw = {**kwargs, "dtype": dtype} if dtype else kwargs
    ours = getattr(metrics, name)(**kw)
    keras_batches = batches
    if kw.get("axis", -1) != -1:
        # Keras 3.15's `result()` sums the per-class IoUs along `axis`, which
        # fails for any axis but -1 (IndexError); lamina sums them all. Keras
        # gets the same data with the class axis moved last.
        kw = {**kw, "axis": -1}
        keras_batches = [
            (np.moveaxis(t, 1, -1), np.moveaxis(p, 1, -1)) for t, p in batches
        ]
    theirs = getattr(keras.metrics, name)(**kw)
    for _ in range(2):  # the second round runs after reset_state
        got = _run(ours, batches, weights)
        want = _run(theirs, keras_batches, weights)
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)
        np.testing.assert_allclose(
            ours.total_cm.numpy(), theirs.total_cm.numpy(), rtol=1e-6
        )
        ours.reset_state()
        theirs.reset_state()
    assert not ours.total_cm.numpy().any()


@pytest.mark.parametrize(("name", "kwargs", "kind"), CASES)
def test_state_name_dtype_and_config_match_keras(keras, name, kwargs, kind):
    del kind
    ours = getattr(metrics, name)(**kwargs)
    theirs = getattr(keras.metrics, name)(**kwargs)
    assert ours.dtype == theirs.dtype == "int32"
    assert [v.name for v in ours.variables] == ["total_confusion_matrix"]
    assert ours.total_cm.dtype == torch.int32
    assert tuple(ours.total_cm.shape) == tuple(theirs.total_cm.shape)
    ours_config, theirs_config = ours.get_config(), theirs.get_config()
    del ours_config["name"], theirs_config["name"]
    assert ours_config == theirs_config
    assert list(ours_config) == list(theirs_config)  # same key order
    clone = type(ours).from_config(ours.get_config())
    assert clone.get_config() == ours.get_config()
    # A config written by Keras builds the same metric here, and back.
    from_keras = getattr(metrics, name).from_config(theirs.get_config())
    assert from_keras.get_config() == theirs.get_config()
    back = getattr(keras.metrics, name).from_config(ours.get_config())
    assert back.get_config() == ours.get_config()


def test_default_names_match_keras(keras):
    pairs = [
        ("IoU", {"num_classes": 2, "target_class_ids": [0]}, "io_u"),
        ("BinaryIoU", {}, "binary_io_u"),
        ("MeanIoU", {"num_classes": 2}, "mean_io_u"),
        ("OneHotIoU", {"num_classes": 2, "target_class_ids": [0]}, "one_hot_io_u"),
        ("OneHotMeanIoU", {"num_classes": 2}, "one_hot_mean_io_u"),
    ]
    for name, kwargs, expected in pairs:
        ours = getattr(metrics, name)(**kwargs)
        theirs = getattr(keras.metrics, name)(**kwargs)
        assert ours.name.startswith(expected)
        assert theirs.name.startswith(expected)
        assert ours.total_cm.path == f"{ours.name}/total_confusion_matrix"
        assert getattr(metrics, name)(name="custom", **kwargs).name == "custom"


def test_hand_computed_values():
    """Keras's documented examples, worked by hand."""
    m = metrics.IoU(num_classes=2, target_class_ids=[0], dtype="float32")
    m.update_state([0, 0, 1, 1], [0, 1, 0, 1], sample_weight=[0.3, 0.3, 0.3, 0.1])
    # cm = [[0.3, 0.3], [0.3, 0.1]]: iou_0 = 0.3 / (0.6 + 0.6 - 0.3)
    assert float(m.result()) == pytest.approx(1 / 3, rel=1e-6)
    m = metrics.MeanIoU(num_classes=2, dtype="float32")
    m.update_state([0, 0, 1, 1], [0, 1, 0, 1], sample_weight=[0.3, 0.3, 0.3, 0.1])
    assert float(m.result()) == pytest.approx((1 / 3 + 0.1 / 0.7) / 2, rel=1e-6)
    m = metrics.BinaryIoU(target_class_ids=[0, 1], threshold=0.3, dtype="float32")
    m.update_state(
        [0, 1, 0, 1], [0.1, 0.2, 0.4, 0.7], sample_weight=[0.2, 0.3, 0.4, 0.1]
    )
    assert float(m.result()) == pytest.approx((0.2 / 0.9 + 0.1 / 0.8) / 2, rel=1e-6)
    y_true = np.array([[0, 0, 1], [1, 0, 0], [0, 1, 0], [1, 0, 0]])
    y_pred = np.array(
        [[0.2, 0.3, 0.5], [0.1, 0.2, 0.7], [0.5, 0.3, 0.1], [0.1, 0.4, 0.5]]
    )
    m = metrics.OneHotMeanIoU(num_classes=3, dtype="float32")
    m.update_state(y_true, y_pred, sample_weight=[0.1, 0.2, 0.3, 0.4])
    assert float(m.result()) == pytest.approx((0.1 / 0.7) / 3, rel=1e-5)
    assert m.result().dtype == torch.float32


def test_class_never_seen_is_left_out_of_the_mean():
    m = metrics.MeanIoU(num_classes=3)
    m.update_state([0, 1], [0, 1])  # class 2 never occurs
    assert float(m.result()) == pytest.approx(1.0, abs=1e-6)
    assert float(metrics.MeanIoU(num_classes=3).result()) == 0.0


def test_int_state_truncates_float_weights_and_warns_like_keras(keras):
    w = np.array([0.5, 1.5, 2.0, 0.9], dtype="float32")
    ours = metrics.MeanIoU(num_classes=2)
    theirs = keras.metrics.MeanIoU(num_classes=2)
    for m in (ours, theirs):
        with pytest.warns(
            UserWarning, match="passing weight as `float`, but dtype is `int`"
        ):
            m.update_state([0, 0, 1, 1], [0, 1, 0, 1], sample_weight=w)
    np.testing.assert_array_equal(ours.total_cm.numpy(), [[0, 1], [2, 0]])
    np.testing.assert_array_equal(ours.total_cm.numpy(), theirs.total_cm.numpy())
    # A list has no dtype: no warning, as in Keras.
    ours.update_state([0, 1], [0, 1], sample_weight=[1.0, 2.0])


def test_get_and_deserialize_resolve_the_classes(keras):
    for name in ("BinaryIoU", "binary_io_u", "F1Score", "f1_score"):
        assert (
            type(metrics.get(name)).__name__ == type(keras.metrics.get(name)).__name__
        )
    for name, kwargs in [
        ("IoU", {"num_classes": 3, "target_class_ids": [1]}),
        ("MeanIoU", {"num_classes": 3, "ignore_class": 0}),
        ("OneHotIoU", {"num_classes": 3, "target_class_ids": [0, 2]}),
        ("OneHotMeanIoU", {"num_classes": 3}),
        ("BinaryIoU", {"threshold": 0.2}),
    ]:
        theirs = getattr(keras.metrics, name)(**kwargs)
        ours = metrics.deserialize(keras.metrics.serialize(theirs))
        assert type(ours) is getattr(metrics, name)
        assert ours.get_config() == theirs.get_config()
        again = keras.metrics.deserialize(metrics.serialize(ours))
        assert again.get_config() == ours.get_config()
        assert metrics.serialize(ours)["module"] == "keras.metrics"


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (
            lambda: metrics.IoU(3, [3]),
            r"Target class id 3 is out of range, which is \[0, 3\)\.",
        ),
        (lambda: metrics.IoU(3, [0, -4]), r"Target class id -4 is out of range"),
        (
            lambda: metrics.IoU(3, []),
            r"`target_class_ids` must name at least one class",
        ),
        (
            lambda: metrics.MeanIoU(0),
            r"`num_classes` must be a positive integer. Received: num_classes=0",
        ),
        (
            lambda: metrics.MeanIoU(2.0),
            r"`num_classes` must be a positive integer. Received: num_classes=2.0",
        ),
        (
            lambda: metrics.BinaryIoU(target_class_ids=[2]),
            r"Target class id 2 is out of range, which is \[0, 2\)",
        ),
        (lambda: metrics.OneHotIoU(2, [5]), r"Target class id 5 is out of range"),
    ],
)
def test_bad_arguments(build, message):
    with pytest.raises(ValueError, match=message):
        build()


def test_numpy_integers_are_accepted_and_stored_as_ints():
    m = metrics.IoU(np.int64(3), np.array([0, 2]))
    assert m.get_config()["num_classes"] == 3
    assert m.get_config()["target_class_ids"] == [0, 2]
    assert all(type(i) is int for i in m.get_config()["target_class_ids"])
    assert type(metrics.MeanIoU(np.int32(2)).num_classes) is int


def test_target_class_ids_that_are_not_integers():
    with pytest.raises(ValueError, match="`target_class_ids` must be a list or tuple"):
        metrics.IoU(3, [0.5])
    with pytest.raises(ValueError, match="`target_class_ids` must be a list or tuple"):
        metrics.IoU(3, 1)


def test_keras_message_for_out_of_range_target(keras):
    with pytest.raises(
        ValueError, match=r"Target class id 3 is out of range, which is \[0, 3\)\."
    ) as err:
        keras.metrics.IoU(3, [3])
    with pytest.raises(ValueError, match="Target class id") as ours:
        metrics.IoU(3, [3])
    assert str(ours.value) == str(err.value)


def test_labels_and_predictions_of_different_sizes():
    m = metrics.MeanIoU(num_classes=3)
    with pytest.raises(
        ValueError, match=r"12 labels and 48 predictions.*sparse_y_pred=False"
    ):
        m.update_state(np.zeros(12, "int64"), np.zeros((12, 4), "float32"))


def test_weights_that_do_not_fit_the_labels():
    m = metrics.MeanIoU(num_classes=2)
    with pytest.raises(
        ValueError, match="`sample_weight` must hold one weight per label"
    ):
        m.update_state(
            np.zeros((4, 3), "int64"),
            np.zeros((4, 3), "int64"),
            sample_weight=np.ones(4, "int64"),
        )


def _fit_logs(module, rng_seed=0):
    rng = np.random.default_rng(rng_seed)
    x = rng.random((24, 3)).astype("float32")
    labels = rng.integers(0, 3, 24)
    y = np.eye(3, dtype="float32")[labels]
    module.backend.clear_session(
        free_memory=False
    )  # default names start again from `io_u`
    module.utils.set_random_seed(0)
    model = module.Sequential(
        [module.Input((3,)), module.layers.Dense(3, activation="softmax")]
    )
    model.compile(
        optimizer="sgd",
        loss="categorical_crossentropy",
        metrics=[
            module.metrics.OneHotMeanIoU(num_classes=3),
            module.metrics.OneHotIoU(num_classes=3, target_class_ids=[0]),
            module.metrics.MeanIoU(
                num_classes=3, sparse_y_true=False, sparse_y_pred=False
            ),
            module.metrics.IoU(3, [1, 2], sparse_y_true=False, sparse_y_pred=False),
        ],
    )
    model.set_weights(
        [
            np.full((3, 3), 0.1, "float32") + np.eye(3, dtype="float32"),
            np.zeros(3, "float32"),
        ]
    )
    history = model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    evaluated = model.evaluate(x, y, batch_size=8, verbose=0, return_dict=True)
    return history.history, evaluated


def test_compile_fit_log_keys_and_values_match_keras(keras):
    ours, ours_eval = _fit_logs(lamina)
    theirs, theirs_eval = _fit_logs(keras)
    assert sorted(ours) == sorted(theirs)
    assert sorted(ours) == [
        "io_u",
        "loss",
        "mean_io_u",
        "one_hot_io_u",
        "one_hot_mean_io_u",
    ]
    for key in theirs:
        np.testing.assert_allclose(ours[key], theirs[key], rtol=1e-4, atol=1e-6)
    assert sorted(ours_eval) == sorted(theirs_eval)
    for key in theirs_eval:
        np.testing.assert_allclose(
            ours_eval[key], theirs_eval[key], rtol=1e-4, atol=1e-6
        )


@pytest.mark.parametrize(
    "name", ["io_u", "binary_io_u", "mean_io_u", "one_hot_io_u", "one_hot_mean_io_u"]
)
def test_callbacks_maximize_iou_like_keras(keras, name):
    """Keras's `mode="auto"` maximizes a metric whose `_direction` is "up"."""
    assert metrics.BinaryIoU()._direction == keras.metrics.BinaryIoU()._direction
    assert metrics.MeanIoU(2)._direction == "up"
    metric = {
        "io_u": lambda: metrics.IoU(2, [0], name=name),
        "binary_io_u": lambda: metrics.BinaryIoU(name=name),
        "mean_io_u": lambda: metrics.MeanIoU(2, name=name),
        "one_hot_io_u": lambda: metrics.OneHotIoU(2, [0], name=name),
        "one_hot_mean_io_u": lambda: metrics.OneHotMeanIoU(2, name=name),
    }[name]()
    model = lamina.Sequential([lamina.Input((2,)), lamina.layers.Dense(2)])
    model.compile(loss="mse", metrics=[metric])
    model.evaluate(np.zeros((2, 2)), np.zeros((2, 2)), verbose=0)  # builds them
    for callback in (
        lamina.callbacks.EarlyStopping(monitor=f"val_{name}"),
        lamina.callbacks.ModelCheckpoint("m.keras", monitor=name),
    ):
        assert callback.mode == "auto"  # resolved once the model is known
        callback.set_model(model)
        assert callback.mode == "max"


def test_keras_files_keep_the_compiled_metrics_both_ways(keras, tmp_path):
    """A `.keras` file compiled with these metrics loads in the other library."""
    rng = np.random.default_rng(3)
    x = rng.random((12, 3)).astype("float32")
    y = np.eye(3, dtype="float32")[rng.integers(0, 3, 12)]
    kernel = [np.eye(3, dtype="float32"), np.zeros(3, "float32")]
    results = []
    for writer, reader in ((lamina, keras), (keras, lamina)):
        model = writer.Sequential([writer.Input((3,)), writer.layers.Dense(3)])
        model.compile(
            "sgd",
            "mse",
            metrics=[
                writer.metrics.OneHotMeanIoU(num_classes=3, name="miou"),
                writer.metrics.F1Score(average="weighted"),
                writer.metrics.OneHotIoU(3, target_class_ids=[2], name="iou2"),
            ],
        )
        model.set_weights(kernel)
        path = str(tmp_path / f"{writer.__name__}.keras")
        model.save(path)
        loaded = reader.models.load_model(path)
        want = model.evaluate(x, y, verbose=0, return_dict=True)
        got = loaded.evaluate(x, y, verbose=0, return_dict=True)
        assert sorted(got) == sorted(want) == ["f1_score", "iou2", "loss", "miou"]
        for key in want:
            np.testing.assert_allclose(got[key], want[key], rtol=1e-6)
        results.append(got)
    assert results[0] == pytest.approx(results[1], rel=1e-6)
