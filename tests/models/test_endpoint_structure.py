"""A functional model's inputs and outputs keep the structure they were given
(tensor, list, dict) through `get_config`, `from_config` and `.keras` files, as
Keras writes them; a one-element list of outputs calls as a tensor."""

import json

import numpy as np
import pytest

import lamina

CASES = ["tensor", "list_in", "dict_out", "dict_in", "list_both"]


def _model(lib, case):
    i = lib.Input((3,), name="i")
    o = lib.layers.Dense(2, name="d")(i)
    ins, outs = {
        "tensor": (i, o),
        "list_in": ([i], o),
        "dict_out": (i, {"a": o}),
        "dict_in": ({"i": i}, o),
        "list_both": ([i], [o]),
    }[case]
    return lib.Model(ins, outs)


def _feed(case):
    x = np.arange(6, dtype="float32").reshape(2, 3)
    return {"i": x} if case == "dict_in" else x


@pytest.mark.parametrize("case", CASES)
def test_config_endpoints_equal_keras(case):
    keras = pytest.importorskip("keras")
    ours, theirs = _model(lamina, case).get_config(), _model(keras, case).get_config()
    for key in ("input_layers", "output_layers"):
        assert json.loads(json.dumps(ours[key])) == json.loads(json.dumps(theirs[key]))


@pytest.mark.parametrize("case", CASES)
def test_structure_survives_from_config_and_files(case, tmp_path):
    model = _model(lamina, case)
    expected = model(_feed(case))
    again = lamina.Model.from_config(model.get_config())
    again.set_weights(model.get_weights())
    path = tmp_path / "m.keras"
    model.save(path)
    loaded = lamina.models.load_model(path)
    for other in (again, loaded):
        got = other(_feed(case))
        assert type(got) is type(expected)
        if isinstance(expected, dict):
            assert list(got) == list(expected) == ["a"]
            got, want = got["a"], expected["a"]
        else:
            want = expected
        np.testing.assert_allclose(got.detach().numpy(), want.detach().numpy())


def test_one_element_output_list_calls_and_predicts_as_a_tensor():
    keras = pytest.importorskip("keras")
    x = np.ones((4, 3), "float32")
    for lib in (lamina, keras):
        model = _model(lib, "list_both")
        assert len(model.outputs) == 1 and isinstance(model.output, list)
        assert not isinstance(model([x]), (list, tuple))
        assert isinstance(model.predict([x], verbose=0), np.ndarray)


def test_keras_files_with_dict_inputs_load(tmp_path):
    keras = pytest.importorskip("keras")
    model = _model(keras, "dict_in")
    path = tmp_path / "k.keras"
    model.save(path)
    ours = lamina.models.load_model(path)
    np.testing.assert_allclose(
        ours(_feed("dict_in")).detach().numpy(),
        np.asarray(model(_feed("dict_in")).detach()),
        rtol=1e-6,
    )
