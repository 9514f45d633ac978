"""Loss and metric classes have ordinary constructors, with Keras's parameters.

Each wrapper class writes its own `def __init__` (no generated signature), so
`help()`, tracebacks and type checkers see it; names and defaults are Keras's.
"""

import inspect
import pydoc

import pytest

from lamina import losses, metrics
from lamina.losses.loss import LossFunctionWrapper
from lamina.metrics.reduction_metrics import MeanMetricWrapper


def _wrappers(module, base):
    return sorted(
        name
        for name, obj in vars(module).items()
        if inspect.isclass(obj) and issubclass(obj, base) and obj is not base
    )


LOSSES = _wrappers(losses, LossFunctionWrapper)
METRICS = _wrappers(metrics, MeanMetricWrapper)


def test_every_family_is_covered():
    assert len(LOSSES) >= 20
    assert len(METRICS) >= 18
    assert "CategoricalCrossentropy" in LOSSES
    assert "BinaryAccuracy" in METRICS


@pytest.mark.parametrize(
    ("module", "name"),
    [(losses, n) for n in LOSSES] + [(metrics, n) for n in METRICS],
)
def test_constructor_is_written_in_the_class_with_keras_parameters(keras, module, name):
    cls = getattr(module, name)
    init = vars(cls).get("__init__")
    assert init is not None, f"{name} inherits its constructor"
    assert init.__qualname__ == f"{name}.__init__"
    assert not hasattr(init, "__signature__")  # a real signature, not a pasted one
    ours = inspect.signature(init).parameters
    theirs = inspect.signature(
        getattr(getattr(keras, module.__name__.split(".")[1]), name).__init__
    ).parameters
    assert list(ours) == [p for p in theirs if p != "kwargs"]
    for p in ours:
        if p != "self":
            assert ours[p].default == theirs[p].default, p


def test_help_shows_the_arguments():
    text = pydoc.render_doc(losses.CategoricalCrossentropy, renderer=pydoc.plaintext)
    assert "from_logits: 'bool' = False" in text
    assert "label_smoothing: 'float' = 0.0" in text
    text = pydoc.render_doc(metrics.BinaryAccuracy, renderer=pydoc.plaintext)
    assert "threshold: 'float' = 0.5" in text


def test_arguments_bind_by_position_as_in_keras():
    loss = losses.CategoricalCrossentropy(True, 0.1)
    assert (loss.from_logits, loss.label_smoothing, loss.axis) == (True, 0.1, -1)
    assert loss.get_config()["label_smoothing"] == 0.1
    metric = metrics.TopKCategoricalAccuracy(3)
    assert metric.get_config()["k"] == 3
    with pytest.raises(TypeError, match="unexpected keyword argument 'smoothing'"):
        losses.CategoricalCrossentropy(smoothing=0.1)
