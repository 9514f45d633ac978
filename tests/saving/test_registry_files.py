"""Every layer of the registry travels in `.keras` files, both ways with Keras 3.

For each `LayerCase`: a model of that one layer is saved by Keras and loaded by
lamina, and saved by lamina and loaded by Keras; both predict the same.
"""

import numpy as np
import pytest

import lamina
from lamina.testing.layer_cases import all_cases


def _params():
    """Every case; the first of each layer family runs by default, the rest
    with `-m slow` (the whole registry takes about a minute)."""
    out, families = [], set()
    for case in all_cases():
        family = _family_of(case)
        marks = () if family not in families else (pytest.mark.slow,)
        families.add(family)
        out.append(pytest.param(case, id=case.test_id, marks=marks))
    return out


def _family_of(case):
    cls = getattr(lamina.layers, case.layer)
    return cls.__module__.split(".")[2]  # lamina.layers.<family>.<module>


CASES = _params()


def _inputs(case):
    rng = np.random.default_rng(0)
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
    return arrays


def _layer(lib, case):
    """The case's layer in `lib` (Keras or lamina), with its wrapped layer."""
    name = case.keras_layer or case.layer if lib.__name__ == "keras" else case.layer
    cls = getattr(lib.layers, name)
    wrapped = getattr(case, "wrapped", None)
    if wrapped is None:
        return cls(**case.kwargs)
    inner_name, inner_kwargs = wrapped
    return cls(getattr(lib.layers, inner_name)(**inner_kwargs), **case.kwargs)


def _model(lib, case):
    # Files are compared in inference; a recorded `training=True` would make the
    # random augmentations draw differently in each library.
    call_kwargs = {k: v for k, v in case.call_kwargs.items() if k != "training"}
    shapes = (
        case.input_shape if isinstance(case.input_shape, list) else [case.input_shape]
    )
    inputs = [
        lib.Input(batch_shape=(None, *s[1:]), dtype=case.input_dtype) for s in shapes
    ]
    layer = _layer(lib, case)
    if getattr(case, "positional_inputs", False):
        out = layer(*inputs, **call_kwargs)
    else:
        x = inputs if isinstance(case.input_shape, list) else inputs[0]
        out = layer(x, **call_kwargs)
    x = inputs if isinstance(case.input_shape, list) else inputs[0]
    return lib.Model(x, out)


def _predict(model, arrays, case):
    x = arrays if isinstance(case.input_shape, list) else arrays[0]
    out = model.predict(x, verbose=0)
    return list(out) if isinstance(out, (list, tuple)) else [out]


def _close(a, b, case):
    assert len(a) == len(b)
    for u, v in zip(a, b):
        np.testing.assert_allclose(
            np.asarray(u), np.asarray(v), atol=max(case.atol, 1e-6), rtol=case.rtol
        )


# Keras 3.15 writes configs it cannot read back itself; lamina refuses them too.
_KERAS_UNREADABLE = {
    "RandomShear": "Keras writes x_factor=(-0.2, 0.2), which its constructor refuses"
}


@pytest.mark.parametrize("case", CASES)
def test_keras_file_loads_in_lamina(keras, case, tmp_path, request):
    if case.layer in _KERAS_UNREADABLE:
        request.applymarker(
            pytest.mark.xfail(reason=_KERAS_UNREADABLE[case.layer], strict=True)
        )
    kmodel = _model(keras, case)
    rng = np.random.default_rng(1)
    kmodel.set_weights(
        [
            rng.normal(size=w.shape).astype(w.dtype)
            if w.dtype.kind == "f"
            else np.asarray(w)
            for w in kmodel.get_weights()
        ]
    )
    path = tmp_path / "k.keras"
    kmodel.save(path)
    lmodel = lamina.models.load_model(path)
    arrays = _inputs(case)
    _close(_predict(lmodel, arrays, case), _predict(kmodel, arrays, case), case)


@pytest.mark.parametrize("case", CASES)
def test_lamina_file_loads_in_keras(keras, case, tmp_path):
    lmodel = _model(lamina, case)
    path = tmp_path / "l.keras"
    lmodel.save(path)
    kmodel = keras.models.load_model(path)
    arrays = _inputs(case)
    _close(_predict(kmodel, arrays, case), _predict(lmodel, arrays, case), case)
