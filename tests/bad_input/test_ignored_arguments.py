"""Issue 12, group 3: arguments Keras accepts are honoured, or warned about once."""

import warnings

import numpy as np
import pytest

import lamina
from lamina import layers
from lamina.layers import _weights
from lamina.layers.core import input_layer


def _nested(lib):
    inner = lib.Sequential(
        [
            lib.Input((4,)),
            lib.layers.Dense(3, name="i1"),
            lib.layers.Dense(2, name="i2"),
        ],
        name="inner",
    )
    return lib.Sequential(
        [
            lib.Input((5,)),
            lib.layers.Dense(4, name="a"),
            inner,
            lib.layers.Dense(1, name="b"),
        ],
        name="outer",
    )


def _summary(model, **kwargs):
    lines = []
    model.summary(print_fn=lines.append, **kwargs)
    text = "\n".join(lines)  # Keras hands some lines over with their newline
    return "\n".join(line for line in text.splitlines() if line.strip())


@pytest.mark.parametrize(
    "kwargs", [{"layer_range": ["a", "inner"]}, {"expand_nested": True}]
)
def test_summary_layer_range_and_expand_nested_print_as_keras(keras, kwargs):
    ours = _summary(_nested(lamina), **kwargs)
    theirs = _summary(_nested(keras), **kwargs)
    assert ours == theirs
    if "layer_range" in kwargs:
        assert "b (Dense)" not in ours and "inner (Sequential)" in ours
    else:
        assert "│    └ i1 (Dense)" in ours


def test_summary_layer_range_names_checked():
    with pytest.raises(
        ValueError, match=r"matches no layer: 'zz'.*\['a', 'inner', 'b'\]"
    ):
        _summary(_nested(lamina), layer_range=["zz", "b"])
    with pytest.raises(ValueError, match="must be a list or tuple of 2 layer names"):
        _summary(_nested(lamina), layer_range="a")
    # reversed ends and patterns, as Keras
    assert _summary(_nested(lamina), layer_range=["inn", "a"]) == _summary(
        _nested(lamina), layer_range=["a", "inner"]
    )


def test_summary_positions_set_the_column_edges():
    table = _summary(_nested(lamina), line_length=60, positions=[20, 40, 60])
    top = table.splitlines()[1]
    assert len(top) == 60  # as Keras: the line is 60 characters
    assert [len(c) for c in top[1:-1].split("┳")] == [19, 19, 18]
    wide = _summary(_nested(lamina), positions=[0.5, 0.7, 1.0]).splitlines()[1]
    first, second, third = (len(c) for c in wide[1:-1].split("┳"))
    assert first > second and third > second  # Keras: 37, 13, 22
    with pytest.raises(ValueError, match="3 increasing column edges"):
        _summary(_nested(lamina), positions=[0.5, 0.4, 1.0])


class _Scaled(layers.Layer):
    def __init__(self, **kwargs):
        self.options = kwargs
        super().__init__()

    def build(self, input_shape):
        self.scale = self.add_weight(shape=(), initializer="ones", **self.options)


def test_add_weight_aggregation_is_stored_and_checked():
    layer = _Scaled(aggregation="mean")
    layer.build((None, 2))
    assert layer.scale.aggregation == "mean"
    default = _Scaled()
    default.build((None, 2))
    assert default.scale.aggregation == "none"
    with pytest.raises(ValueError, match=r"aggregation.*Received: aggregation='avg'"):
        _Scaled(aggregation="avg").build((None, 2))


def test_add_weight_overwrite_with_gradient_warned_once(monkeypatch):
    monkeypatch.setattr(_weights, "_WARNED", set())
    with pytest.warns(UserWarning, match=r"overwrite_with_gradient=True\)` is not"):
        _Scaled(overwrite_with_gradient=True).build((None, 2))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _Scaled(overwrite_with_gradient=True).build((None, 2))


def test_input_tensor_defines_the_input(keras):
    source = lamina.Input((3,), dtype="int32")
    made = lamina.Input(tensor=source)
    assert made.shape == (None, 3) and made.dtype == "int32"
    layer = layers.InputLayer(input_tensor=lamina.Input(batch_shape=(4, 2)))
    assert layer.batch_shape == (4, 2)
    model = lamina.Model(made, layers.Dense(2)(made))
    assert model.predict(np.ones((2, 3), "int32"), verbose=0).shape == (2, 2)
    with pytest.raises(ValueError, match=r"incompatible `shape` argument"):
        lamina.Input(shape=(4,), tensor=source)
    with pytest.raises(ValueError, match=r"must be a KerasTensor"):
        lamina.Input(tensor=np.zeros((2, 3)))
    # Keras: the same rules
    ksource = keras.Input((3,), dtype="int32")
    assert keras.Input(tensor=ksource).shape == (None, 3)
    with pytest.raises(ValueError, match=r"incompatible `shape` argument"):
        keras.Input(shape=(4,), tensor=ksource)


def test_ragged_input_refused_as_keras(keras):
    with pytest.raises(ValueError, match="`ragged=True` is not supported"):
        lamina.Input((3,), ragged=True)
    with pytest.raises(ValueError, match="`ragged=True` is not supported"):
        keras.Input((3,), ragged=True)


def test_evaluate_refuses_unknown_keyword_arguments(keras):
    model = lamina.Sequential([layers.Dense(1, input_shape=(2,))])
    model.compile(optimizer="sgd", loss="mse")
    x, y = np.zeros((2, 2)), np.zeros((2, 1))
    with pytest.raises(ValueError, match=r"Arguments not recognized: \{'epochs': 3\}"):
        model.evaluate(x, y, epochs=3, verbose=0)
    kmodel = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    kmodel.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match=r"Arguments not recognized: \{'epochs': 3\}"):
        kmodel.evaluate(x, y, epochs=3, verbose=0)


def test_sparse_input_warned_once_and_fed_scipy_sparse(monkeypatch):
    sparse = pytest.importorskip("scipy.sparse")
    monkeypatch.setattr(input_layer, "_WARNED", set())
    with pytest.warns(UserWarning, match=r"`Input\(sparse=True\)`: lamina has no"):
        inputs = lamina.Input((3,), sparse=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lamina.Input((3,), sparse=True)
    model = lamina.Model(inputs, layers.Dense(2)(inputs))
    x = sparse.random(4, 3, density=0.5, format="csr", random_state=0)
    np.testing.assert_allclose(
        model.predict(x, verbose=0), model.predict(x.toarray(), verbose=0), rtol=1e-6
    )
