"""The hooks fit, evaluate and predict call, in Keras's order and with Keras's
logs: begin hooks get {}, validation runs the test hooks, a lone callback works,
validation_freq may be a list."""

import numpy as np
import pytest

import lamina
from lamina import callbacks


def make_recorder(lib=lamina):
    """A callback of `lib` that records (hook, index, sorted log keys)."""

    class Recorder(lib.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.events = []

    def make(hook):
        def record(self, *args, logs="missing"):
            if logs == "missing":
                *args, logs = args
            assert isinstance(logs, dict), f"{hook} got logs={logs!r}"
            self.events.append((hook, *args, tuple(sorted(logs))))

        return record

    for hook in [h for h in dir(callbacks.Callback) if h.startswith("on_")]:
        setattr(Recorder, hook, make(hook))
    return Recorder()


Recorder = make_recorder


def _model(lib=lamina):
    model = lib.Sequential([lib.Input((2,)), lib.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    return model


def _xy(n=8):
    x = np.linspace(0, 1, 2 * n, dtype="float32").reshape(n, 2)
    return x, x[:, :1]


def _run_fit(lib, **kwargs):
    rec = make_recorder(lib)
    x, y = _xy()
    _model(lib).fit(x, y, batch_size=4, verbose=0, callbacks=rec, **kwargs)
    return [e for e in rec.events if "batch" not in e[0]], rec.events


def test_fit_hooks_match_keras_including_validation(keras):
    ours, ours_all = _run_fit(lamina, epochs=2, validation_data=_xy(4))
    theirs, theirs_all = _run_fit(keras, epochs=2, validation_data=_xy(4))
    assert ours == theirs
    # Keras dispatches batch-end hooks on a thread, so only the set is comparable.
    assert sorted(ours_all) == sorted(theirs_all)
    assert ("on_test_begin", ()) in ours and ("on_test_end", ("loss",)) in ours
    assert ours[0] == ("on_train_begin", ())


@pytest.mark.parametrize("freq", [[1, 3], 2, (2,)])
def test_validation_freq_int_or_list(keras, freq):
    ours, _ = _run_fit(lamina, epochs=3, validation_data=_xy(4), validation_freq=freq)
    theirs, _ = _run_fit(
        keras,
        epochs=3,
        validation_data=_xy(4),
        validation_freq=list(freq) if isinstance(freq, tuple) else freq,
    )
    assert ours == theirs
    validated = [e[1] for e in ours if e[0] == "on_epoch_end" and "val_loss" in e[2]]
    expected = {str([1, 3]): [0, 2], "2": [1], str((2,)): [1]}[str(freq)]
    assert validated == expected


def test_validation_freq_errors():
    x, y = _xy()
    with pytest.raises(
        ValueError, match="Expected `validation_freq` to be a list or int"
    ):
        _model().fit(x, y, validation_data=(x, y), validation_freq="1", verbose=0)
    with pytest.raises(ValueError, match="validation_freq=0"):
        _model().fit(x, y, validation_data=(x, y), validation_freq=0, verbose=0)


def test_evaluate_and_predict_hooks_match_keras(keras):
    for lib in (lamina, keras):
        rec = make_recorder(lib)
        model = _model(lib)
        x, y = _xy()
        model.evaluate(x, y, batch_size=4, verbose=0, callbacks=rec)
        model.predict(x, batch_size=4, verbose=0, callbacks=[rec])
        if lib is lamina:
            ours = rec.events
        else:
            theirs = rec.events
    # Keras dispatches test batch-end hooks on a thread: compare as sets, and
    # the begin/end events exactly.
    assert sorted(ours) == sorted(theirs)
    assert [e for e in ours if "batch" not in e[0]] == [
        e for e in theirs if "batch" not in e[0]
    ]


def test_callback_list_dispatches_for_custom_loops():
    rec = Recorder()
    cbs = callbacks.CallbackList([rec], add_history=True, model=_model())
    cbs.on_train_begin()
    cbs.on_epoch_begin(0)
    cbs.on_train_batch_begin(0)
    cbs.on_train_batch_end(0, {"loss": 1.0})
    cbs.on_epoch_end(0, {"loss": 1.0})
    cbs.on_train_end()
    assert rec.events == [
        ("on_train_begin", ()),
        ("on_epoch_begin", 0, ()),
        ("on_train_batch_begin", 0, ()),
        ("on_train_batch_end", 0, ("loss",)),
        ("on_epoch_end", 0, ("loss",)),
        ("on_train_end", ()),
    ]
    assert cbs.history.history == {"loss": [1.0]}
    assert isinstance(cbs.callbacks[-1], callbacks.History)


def test_old_batch_hook_names_still_run():
    seen = []

    class OldStyle(callbacks.Callback):
        def on_batch_end(self, batch, logs=None):
            seen.append((batch, sorted(logs)))

    x, y = _xy()
    _model().fit(x, y, batch_size=4, epochs=1, verbose=0, callbacks=OldStyle())
    assert seen == [(0, ["loss"]), (1, ["loss"])]


def test_nested_lists_and_bad_items():
    a, b = callbacks.History(), Recorder()
    assert callbacks.CallbackList([a, [b]]).callbacks == [a, b]
    with pytest.raises(TypeError, match="Received an item of type int: 3"):
        callbacks.CallbackList([a, 3])


def test_callback_added_logs_reach_history_and_progbar_prints_last(capsys):
    class AddsKey(callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            logs["extra"] = 2.0

    x, y = _xy()
    history = _model().fit(x, y, epochs=1, verbose=2, callbacks=[AddsKey()])
    assert history.history["extra"] == [2.0]
    assert "extra: 2.0000" in capsys.readouterr().out


def test_terminate_on_nan_can_raise():
    model = _model()
    x, y = _xy()
    y = y.copy()
    y[0] = np.nan
    cb = callbacks.TerminateOnNaN(raise_error=True)
    with pytest.raises(RuntimeError, match="NaN or Inf loss encountered at batch 0"):
        model.fit(x, y, batch_size=4, shuffle=False, verbose=0, callbacks=cb)
