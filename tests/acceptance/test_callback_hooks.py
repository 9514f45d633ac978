"""Which callback hooks run, in what order, with which log keys: as Keras runs them.

The pattern is the one of Keras's "writing your own callbacks" guide: a callback
that records every hook it receives during `fit` (with a validation split),
`evaluate` and `predict`. Lamina and Keras must record the same sequence.
"""

import numpy as np

import lamina

HOOKS = (
    "on_train_begin",
    "on_train_end",
    "on_epoch_begin",
    "on_epoch_end",
    "on_test_begin",
    "on_test_end",
    "on_predict_begin",
    "on_predict_end",
    "on_train_batch_begin",
    "on_train_batch_end",
    "on_test_batch_begin",
    "on_test_batch_end",
    "on_predict_batch_begin",
    "on_predict_batch_end",
)


def _recorder(k):
    """A callback class of framework `k` that appends (hook, index, log keys)."""

    def make(hook):
        def method(self, *args, logs=None):
            # Keras passes logs by keyword; a hook may also get them by position
            index = args[0] if args and not isinstance(args[0], dict) else None
            if args and isinstance(args[-1], dict):
                logs = args[-1]
            self.calls.append((hook, index, sorted(logs or {})))

        return method

    body = {hook: make(hook) for hook in HOOKS}
    body["__init__"] = lambda self: (k.callbacks.Callback.__init__(self), None)[1]
    cls = type("Recorder", (k.callbacks.Callback,), body)
    return cls


def _run(k):
    rng = np.random.RandomState(0)
    x = rng.rand(20, 6).astype("float32")
    y = rng.rand(20, 1).astype("float32")
    model = k.Sequential([k.Input((6,)), k.layers.Dense(1)])
    model.compile(optimizer="rmsprop", loss="mean_squared_error", metrics=["mae"])
    calls = []
    for run in ("fit", "evaluate", "predict"):
        cb = _recorder(k)()
        cb.calls = calls
        if run == "fit":
            model.fit(
                x,
                y,
                batch_size=8,
                epochs=2,
                verbose=0,
                validation_split=0.5,
                callbacks=[cb],
            )
        elif run == "evaluate":
            model.evaluate(x, y, batch_size=8, verbose=0, callbacks=[cb])
        else:
            model.predict(x, batch_size=8, verbose=0, callbacks=[cb])
    return calls


def test_hooks_and_log_keys_match_keras(keras):
    got, want = _run(lamina), _run(keras)
    assert got == want
    # the hand-checked landmarks of the sequence
    assert got[0] == ("on_train_begin", None, [])
    assert ("on_train_batch_end", 1, ["loss", "mae"]) in got
    fit_end = [c for c in got if c[0] == "on_epoch_end"]
    assert fit_end[-1] == ("on_epoch_end", 1, ["loss", "mae", "val_loss", "val_mae"])
    assert ("on_predict_batch_end", 2, ["outputs"]) in got
