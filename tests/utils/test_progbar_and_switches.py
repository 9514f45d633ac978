"""keras.utils.Progbar against Keras's output; get_source_inputs, is_keras_tensor,
clear_session; keras.config switches and run limits."""

import contextlib
import io
import re

import numpy as np
import pytest

import lamina
from lamina import config, utils

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _keras_text(keras, script):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        script(keras.utils.Progbar)
    return out.getvalue()


def _ours_text(script):
    out = io.StringIO()
    script(lambda *a, **k: utils.Progbar(*a, stream=out, **k))
    return out.getvalue()


def _metrics(text):
    """The `name: value` parts of the last line (timings differ run to run)."""
    return [p for p in ANSI.sub("", text).strip().split(" - ") if ": " in p]


SCRIPTS = [
    lambda P: [
        b := P(3, verbose=2),
        b.update(1, [("loss", 1.0), ("acc", 0.5)]),
        b.update(2, [("loss", 0.5), ("acc", 0.7)]),
        b.update(3, [("loss", 0.25), ("acc", 0.6)]),
    ],
    lambda P: [
        b := P(4, verbose=2),
        b.update(2, [("loss", 1.0)]),
        b.add(1, [("loss", 0.5)]),
        b.update(4, [("loss", 0.25)], finalize=False),
        b.update(4, finalize=True),
    ],
    lambda P: [
        b := P(4, verbose=2, stateful_metrics=["acc"]),
        b.update(1, [("loss", 2.0), ("acc", 0.1)]),
        b.update(3, [("loss", 1.0), ("acc", 0.3)]),
        b.update(4, finalize=True),
    ],
]


@pytest.mark.parametrize("script", SCRIPTS)
def test_progbar_values_match_keras(keras, script):
    ours, theirs = _ours_text(script), _keras_text(keras, script)
    assert _metrics(ours) == _metrics(theirs)
    assert ours.split(" - ")[0] == ANSI.sub("", theirs).split(" - ")[0]  # "3/3"


def test_progbar_verbose_one_draws_a_bar_and_wraps_on_a_narrow_terminal(monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    import lamina.utils.progbar as progbar

    monkeypatch.setattr(progbar, "terminal_width", lambda stream=None: 40)
    out = Terminal()
    bar = utils.Progbar(2, verbose=1, stream=out, interval=0)
    bar.update(1, [("loss", 1.0)])
    names = ["loss", "val_loss", "accuracy", "val_accuracy"]
    bar.update(2, [(n, 0.5) for n in names])
    final = out.getvalue().rsplit("\r", 1)[1]
    assert final.startswith("2/2 ━━━━━━━━━━━━━━━━━━━━")
    assert all(len(line) <= 40 for line in final.splitlines())
    assert all(f"{n}: 0.5000" in final for n in names)


def test_progbar_argument_error():
    with pytest.raises(ValueError, match="Only one of `stateful_metrics`"):
        utils.Progbar(3, stateful_metrics=["a"], stateless_metrics=["b"])


def test_is_keras_tensor_and_get_source_inputs():
    a, b = lamina.Input((3,)), lamina.Input((3,))
    h = lamina.layers.Dense(2)(a)
    out = lamina.layers.Concatenate()([h, lamina.layers.Dense(2)(b), h])
    assert utils.is_keras_tensor(out) and not utils.is_keras_tensor(np.ones(3))
    sources = utils.get_source_inputs(out)
    assert len(sources) == 2 and sources[0] is a and sources[1] is b
    assert utils.get_source_inputs(a) == [a]
    with pytest.raises(ValueError, match="takes a KerasTensor"):
        utils.get_source_inputs(np.ones(3))


def test_clear_session_resets_names_and_the_global_seed():
    utils.clear_session()
    assert lamina.layers.Dense(1).name == "dense"
    lamina.utils.set_random_seed(3)
    first = lamina.random.normal((2,))
    lamina.utils.set_random_seed(3)
    utils.clear_session(free_memory=False)
    assert lamina.layers.Dense(1).name == "dense"
    assert np.array_equal(lamina.random.normal((2,)), first)


def test_interactive_logging_switch(capsys, caplog):
    from lamina.utils.io_utils import print_msg

    assert (
        config.is_interactive_logging_enabled()
        is utils.is_interactive_logging_enabled()
    )
    utils.disable_interactive_logging()
    try:
        assert not config.is_interactive_logging_enabled()
        with caplog.at_level("INFO", logger="lamina"):
            print_msg("to the log")
        assert "to the log" in caplog.text and capsys.readouterr().out == ""
    finally:
        config.enable_interactive_logging()
    print_msg("to stdout")
    assert capsys.readouterr().out == "to stdout\n"


def test_switches_that_mean_nothing_on_torch_are_accepted():
    config.disable_traceback_filtering()
    assert config.is_traceback_filtering_enabled() is False
    config.enable_traceback_filtering()
    assert config.is_traceback_filtering_enabled() is True
    assert config.is_nnx_enabled() is False
    config.set_backend("torch")
    with pytest.raises(ValueError, match="lamina runs on PyTorch only"):
        config.set_backend("jax")
    assert config.is_flash_attention_enabled() is None


@pytest.fixture
def limits():
    yield
    config.set_max_epochs(None)
    config.set_max_steps_per_epoch(None)


def test_max_epochs_and_steps_cap_fit(limits):
    assert config.max_epochs() is None and config.max_steps_per_epoch() is None
    config.set_max_epochs(2)
    config.set_max_steps_per_epoch(3)
    assert (config.max_epochs(), config.max_steps_per_epoch()) == (2, 3)
    steps = []

    class Count(lamina.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            steps.append(batch)

    model = lamina.Sequential([lamina.Input((2,)), lamina.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x = np.ones((40, 2), "float32")
    history = model.fit(
        x, x[:, :1], batch_size=4, epochs=10, verbose=0, callbacks=Count()
    )
    assert history.epoch == [0, 1]
    assert steps == [0, 1, 2, 0, 1, 2]
    with pytest.raises(ValueError, match="Received: max_epochs=0"):
        config.set_max_epochs(0)


def test_progbar_redraws_in_place_in_a_jupyter_kernel(monkeypatch):
    import sys
    import types

    monkeypatch.setitem(sys.modules, "ipykernel", types.ModuleType("ipykernel"))
    out = io.StringIO()  # a notebook's stream is no terminal
    bar = utils.Progbar(2, verbose=1, stream=out, interval=0)
    bar.update(1, [("loss", 1.0)])
    assert out.getvalue().startswith("\r1/2 ")
