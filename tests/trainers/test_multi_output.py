"""Multi-output models: Keras's log names, per-output losses and metrics, and
targets whose structure does not match the outputs."""

import numpy as np
import pytest

import lamina


def _model(lib, as_dict=False):
    inputs = lib.Input((3,), name="inp")
    a = lib.layers.Dense(1, name="a")(inputs)
    b = lib.layers.Dense(2, name="b")(inputs)
    return lib.Model(inputs, {"a": a, "b": b} if as_dict else [a, b])


def _pair(keras, as_dict=False):
    kmodel, lmodel = _model(keras, as_dict), _model(lamina, as_dict)
    lmodel.set_weights(kmodel.get_weights())
    return kmodel, lmodel


def _data(n=24):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 3)).astype("float32")
    return x, rng.normal(size=(n, 1)).astype("float32"), rng.random((n, 2))


def _compare(kh, lh):
    assert list(lh) == list(kh)
    for key in kh:
        np.testing.assert_allclose(lh[key], kh[key], rtol=1e-5, err_msg=key)


def test_list_outputs_history_matches_keras(keras):
    x, ya, yb = _data()
    kmodel, lmodel = _pair(keras)
    for model in (kmodel, lmodel):
        model.compile(
            "sgd",
            loss=["mse", "mae"],
            loss_weights=[1.0, 2.0],
            metrics=[["mse", "accuracy"], ["mae"]],
        )
    kwargs = {"epochs": 2, "batch_size": 8, "shuffle": False, "verbose": 0}
    kh = kmodel.fit(x, [ya, yb], validation_split=0.25, **kwargs).history
    lh = lmodel.fit(x, [ya, yb], validation_split=0.25, **kwargs).history
    assert list(lh) == [
        "a_accuracy",
        "a_loss",
        "a_mse",
        "b_loss",
        "b_mae",
        "loss",
        "val_a_accuracy",
        "val_a_loss",
        "val_a_mse",
        "val_b_loss",
        "val_b_mae",
        "val_loss",
    ]
    _compare(kh, lh)
    # per-output losses are unweighted; the total carries the weights
    np.testing.assert_allclose(lh["a_mse"], lh["a_loss"], rtol=1e-6)
    kv = kmodel.evaluate(x, [ya, yb], verbose=0)
    lv = lmodel.evaluate(x, [ya, yb], verbose=0)
    np.testing.assert_allclose(lv, kv, rtol=1e-5)  # Keras's list order
    assert lv[0] == pytest.approx(lv[1] + 2.0 * lv[2], rel=1e-5)
    assert [m.name for m in lmodel.metrics] == [m.name for m in kmodel.metrics]


def test_dict_outputs_history_matches_keras(keras):
    x, ya, yb = _data()
    kmodel, lmodel = _pair(keras, as_dict=True)
    for model in (kmodel, lmodel):
        model.compile("adam", loss={"a": "mse", "b": "mae"}, metrics={"a": "mae"})
    y = {"a": ya, "b": yb}
    kwargs = {"epochs": 2, "batch_size": 8, "shuffle": False, "verbose": 0}
    _compare(kmodel.fit(x, y, **kwargs).history, lmodel.fit(x, y, **kwargs).history)
    kv = kmodel.evaluate(x, y, verbose=0, return_dict=True)
    lv = lmodel.evaluate(x, y, verbose=0, return_dict=True)
    assert list(lv) == list(kv) == ["a_loss", "a_mae", "b_loss", "loss"]
    np.testing.assert_allclose(list(lv.values()), list(kv.values()), rtol=1e-5)


def test_one_loss_among_two_outputs_logs_no_per_output_loss(keras):
    x, ya, yb = _data()
    kmodel, lmodel = _pair(keras)
    for model in (kmodel, lmodel):
        model.compile("sgd", loss=["mse", None], metrics=[["mae"], ["mse"]])
    kwargs = {"epochs": 1, "batch_size": 8, "shuffle": False, "verbose": 0}
    histories = []
    for model in (kmodel, lmodel):  # output b takes no gradient: both warn
        with pytest.warns(UserWarning, match="Gradients do not exist"):
            histories.append(model.fit(x, [ya, yb], **kwargs).history)
    _compare(*histories)
    assert "a_loss" not in histories[1]


def test_dict_metrics_on_a_single_output_model(keras):
    x, ya, _ = _data()
    models = []
    for lib in (keras, lamina):
        inputs = lib.Input((3,))
        models.append(lib.Model(inputs, lib.layers.Dense(1, name="a")(inputs)))
    models[1].set_weights(models[0].get_weights())
    histories = []
    for model in models:
        model.compile("sgd", loss={"a": "mse"}, metrics={"a": ["mae"]})
        h = model.fit(x, ya, epochs=2, batch_size=8, shuffle=False, verbose=0)
        histories.append(h.history)
    _compare(*histories)
    assert list(histories[1]) == ["loss", "mae"]


@pytest.mark.parametrize(
    ("as_dict", "y", "message"),
    [
        (False, "single", r"received a single array.*2 outputs \['a', 'b'\]"),
        (False, "short_list", r"a list of 1 arrays.*\['a', 'b'\]"),
        (True, "missing_key", r"no target for \['b'\].*\['a', 'b'\]"),
        (True, "unknown_key", r"no output is named \['c'\].*\['a', 'b'\]"),
    ],
)
def test_targets_that_do_not_match_the_outputs_are_refused(as_dict, y, message):
    x, ya, yb = _data()
    targets = {
        "single": ya,
        "short_list": [ya],
        "missing_key": {"a": ya},
        "unknown_key": {"a": ya, "b": yb, "c": yb},
    }[y]
    model = _model(lamina, as_dict)
    model.compile("sgd", loss="mse")
    with pytest.raises(ValueError, match=message):
        model.fit(x, targets, verbose=0)
    with pytest.raises(ValueError, match=message):
        model.evaluate(x, targets, verbose=0)


def test_a_dict_of_targets_for_a_list_model_is_matched_by_output_name():
    x, ya, yb = _data()
    model = _model(lamina)
    model.compile("sgd", loss=["mse", "mae"])
    by_name = model.evaluate(x, {"a": ya, "b": yb}, verbose=0)
    by_position = model.evaluate(x, [ya, yb], verbose=0)
    np.testing.assert_allclose(by_name, by_position, rtol=1e-6)


def test_targets_only_for_the_outputs_with_a_loss(keras):
    """Keras's guide on built-in training: with `loss=[None, loss]`, `y` may be a
    list of one array per output that has a loss."""
    x, ya, yb = _data()
    kmodel, lmodel = _pair(keras)
    histories = []
    for model in (kmodel, lmodel):
        model.compile("sgd", loss=[None, "mse"])
        with pytest.warns(UserWarning, match=r"Gradients do not exist.*a/kernel"):
            h = model.fit(x, [yb], epochs=2, batch_size=8, shuffle=False, verbose=0)
        histories.append(h.history)
    _compare(*histories)
    model = _model(lamina)
    model.compile("sgd", loss=[None, "mse"], metrics=[["mae"], ["mae"]])
    with pytest.warns(UserWarning, match="Gradients do not exist"):
        h = model.fit(x, [yb], epochs=1, verbose=0)
    assert list(h.history) == ["b_mae", "loss"]  # output a has no target to score
