"""The shared battery over every entry of the layer registry.

For each `LayerCase`: build it in Keras 3 and lamina, copy Keras's weights,
compare outputs (inference, and training when deterministic), output shape,
parameter and weight counts, config round trip, and one `fit` step that changes
every trainable weight.
"""

import numpy as np
import pytest
import torch

import lamina
from lamina.testing.layer_cases import all_cases

CASES = all_cases()

# LayerNormalization(rms_scaling=True) is deprecated in Keras 3: Keras and lamina warn
# at construction (Keras also at each call); its case checks the arithmetic.
pytestmark = pytest.mark.filterwarnings(
    "ignore:You passed `rms_scaling=True`:UserWarning"
)


def _inputs(case, seed=0):
    rng = np.random.default_rng(seed)
    shapes = (
        case.input_shape if isinstance(case.input_shape, list) else [case.input_shape]
    )
    if case.input_dtype.startswith("int"):
        arrays = [
            rng.integers(*case.input_range, size=s).astype(case.input_dtype)
            for s in shapes
        ]
    else:
        arrays = [rng.normal(size=s).astype("float32") for s in shapes]
    return arrays if isinstance(case.input_shape, list) else arrays[0]


def _np(x):
    if isinstance(x, (list, tuple)):
        return [_np(v) for v in x]
    return x.detach().cpu().numpy() if isinstance(x, torch.Tensor) else np.asarray(x)


def _make(library, case, name):
    """The case's layer from `library.layers`, with its wrapped layer if any."""
    cls = getattr(library.layers, name)
    if case.wrapped is None:
        return cls(**case.kwargs)
    inner_name, inner_kwargs = case.wrapped
    return cls(getattr(library.layers, inner_name)(**inner_kwargs), **case.kwargs)


def _call(case, layer, x, **kwargs):
    if case.positional_inputs:
        return layer(*x, **kwargs)
    return layer(x, **kwargs)


def _build_pair(keras, case):
    klayer = _make(keras, case, case.keras_layer or case.layer)
    llayer = _make(lamina, case, case.layer)
    x = _inputs(case)
    kout = _call(case, klayer, x, **case.call_kwargs)
    _call(case, llayer, x, **case.call_kwargs)
    llayer.set_weights(klayer.get_weights())
    return klayer, llayer, x, kout


def _assert_close(case, lout, kout):
    lout, kout = _np(lout), _np(kout)
    if isinstance(kout, list):
        assert len(lout) == len(kout)
        for a, b in zip(lout, kout):
            np.testing.assert_allclose(a, b, atol=case.atol, rtol=case.rtol)
    else:
        assert lout.shape == kout.shape
        np.testing.assert_allclose(lout, kout, atol=case.atol, rtol=case.rtol)


@pytest.mark.parametrize("case", CASES, ids=[c.test_id for c in CASES])
def test_outputs_match_keras(keras, case):
    klayer, llayer, x, kout = _build_pair(keras, case)
    _assert_close(case, _call(case, llayer, x, **case.call_kwargs), kout)
    if case.training_parity:
        kw = {**case.call_kwargs, "training": True}
        _assert_close(case, _call(case, llayer, x, **kw), _call(case, klayer, x, **kw))


@pytest.mark.parametrize("case", CASES, ids=[c.test_id for c in CASES])
def test_weight_counts_match_keras(keras, case):
    klayer, llayer, _, _ = _build_pair(keras, case)
    assert llayer.count_params() == klayer.count_params()
    assert len(llayer.trainable_weights) == len(klayer.trainable_weights)
    assert len(llayer.non_trainable_weights) == len(klayer.non_trainable_weights)
    assert [tuple(w.shape) for w in llayer.weights] == [
        tuple(w.shape) for w in klayer.weights
    ]


@pytest.mark.parametrize("case", CASES, ids=[c.test_id for c in CASES])
def test_config_round_trip(keras, case):
    _, llayer, x, _ = _build_pair(keras, case)
    config = llayer.get_config()
    clone = type(llayer).from_config(config)
    _call(case, clone, x, **case.call_kwargs)
    clone.set_weights(llayer.get_weights())
    _assert_close(
        case,
        _call(case, clone, x, **case.call_kwargs),
        _call(case, llayer, x, **case.call_kwargs),
    )
    assert clone.get_config() == config


FIT_CASES = [c for c in CASES if c.fit]


@pytest.mark.parametrize("case", FIT_CASES, ids=[c.test_id for c in FIT_CASES])
def test_one_fit_step_changes_every_trainable_weight(case):
    layer = _make(lamina, case, case.layer)
    x = _inputs(case)
    shapes = (
        case.input_shape if isinstance(case.input_shape, list) else [case.input_shape]
    )
    dtype = case.input_dtype
    if isinstance(case.input_shape, list):
        inputs = [lamina.Input(batch_shape=(None, *s[1:]), dtype=dtype) for s in shapes]
    else:
        inputs = lamina.Input(batch_shape=(None, *shapes[0][1:]), dtype=dtype)
    out = _call(case, layer, inputs, **case.call_kwargs)
    model = lamina.Model(inputs, out)
    model.compile(optimizer=lamina.optimizers.SGD(0.1), loss="mse")
    before = [w.detach().clone() for w in layer.trainable_weights]
    assert before, "a fit case needs trainable weights"
    y = (
        np.random.default_rng(1)
        .normal(size=(shapes[0][0], *out.shape[1:]))
        .astype("float32")
    )
    model.fit(x, y, epochs=1, batch_size=shapes[0][0], verbose=0)
    for b, w in zip(before, layer.trainable_weights):
        assert not torch.equal(b, w.detach()), getattr(w, "path", "?")
