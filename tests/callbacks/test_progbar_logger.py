"""ProgbarLogger: every metric visible on 80 columns, count_mode, a live bar in
notebooks (detection faked here), interactive logging off."""

import io

import numpy as np
import pytest
import tqdm.auto

import lamina
from lamina import callbacks, utils
from lamina.callbacks import progbar_logger


class Terminal(io.StringIO):
    def isatty(self):
        return True


def _fit(stream, epochs=1, **kwargs):
    x = np.linspace(0, 1, 20, dtype="float32").reshape(10, 2)
    y = (x[:, :1] > 0.5).astype("float32")
    model = lamina.Sequential([lamina.Input((2,)), lamina.layers.Dense(1, "sigmoid")])
    model.compile(
        optimizer="sgd",
        loss="binary_crossentropy",
        metrics=["accuracy", "mae", "mse"],
    )
    bar = callbacks.ProgbarLogger(stream=stream, **kwargs)
    return model.fit(
        x,
        y,
        batch_size=4,
        epochs=epochs,
        validation_data=(x, y),
        verbose=1,
        callbacks=[bar],
    )


def _summary(text):
    """The lines of the last epoch's summary (after the bar's last redraw)."""
    return text.rsplit("\r", 1)[-1].split("Epoch ", 1)[-1].splitlines()


def test_every_metric_visible_on_80_columns(monkeypatch):
    monkeypatch.setattr(progbar_logger, "terminal_width", lambda stream=None: 80)
    stream = Terminal()
    history = _fit(stream)
    lines = _summary(stream.getvalue())
    assert len(lines) > 1 and all(len(line) <= 80 for line in lines)
    text = "\n".join(lines)
    for key in history.history:
        assert f"{key}: " in text  # val_accuracy ... all whole, none cut off
    assert lines[0].startswith("1/1 - 3/3 - ")


def test_a_pipe_gets_one_line_per_epoch():
    stream = io.StringIO()
    _fit(stream, epochs=2)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2 and lines[1].startswith("Epoch 2/2 - 3/3 - ")
    assert "val_accuracy: " in lines[1]


def test_count_mode_samples():
    stream = io.StringIO()
    _fit(stream, count_mode="samples")
    line = stream.getvalue()
    assert line.startswith("Epoch 1/1 - 10/10 - ") and "ms/sample" in line
    with pytest.raises(ValueError, match="Unknown `count_mode`: 'rows'"):
        callbacks.ProgbarLogger(count_mode="rows")


class FakeBar:
    made = []

    def __init__(self, **kwargs):
        self.kwargs, self.count, self.postfix, self.closed = kwargs, 0, "", False
        FakeBar.made.append(self)

    def set_postfix_str(self, text, refresh=True):
        self.postfix = text

    def update(self, n):
        self.count += n

    def close(self):
        self.closed = True


def test_live_bar_in_a_notebook(monkeypatch):
    FakeBar.made = []
    monkeypatch.setattr(progbar_logger, "_in_notebook", lambda: True)
    monkeypatch.setattr(tqdm.auto, "tqdm", FakeBar)
    monkeypatch.setattr(progbar_logger, "_REFRESH_S", 0.0)
    stream = io.StringIO()  # not a terminal: only the notebook check makes it live
    _fit(stream, epochs=2)
    assert len(FakeBar.made) == 2
    for i, bar in enumerate(FakeBar.made):
        assert bar.kwargs["total"] == 3 and bar.kwargs["desc"] == f"Epoch {i + 1}/2"
        assert bar.count == 3 and bar.closed and "loss: " in bar.postfix
    assert "Epoch 2/2 - 3/3" in stream.getvalue()


def test_notebook_detection_without_ipython(monkeypatch):
    import sys

    monkeypatch.delitem(sys.modules, "IPython", raising=False)
    assert progbar_logger._in_notebook() is False


def test_interactive_logging_off_silences_the_bar():
    stream = Terminal()
    utils.disable_interactive_logging()
    try:
        _fit(stream)
    finally:
        utils.enable_interactive_logging()
    assert stream.getvalue() == ""
