"""KerasFileEditor: read a weights tree, edit it, write a file that loads."""

import numpy as np
import pytest

import lamina

X = np.linspace(-1, 1, 6, dtype="float32").reshape(2, 3)


def _model(units=2):
    return lamina.Sequential(
        [lamina.Input((3,)), lamina.layers.Dense(4), lamina.layers.Dense(units)]
    )


def test_reads_keras_files_like_keras(keras, tmp_path):
    kmodel = keras.Sequential(
        [keras.Input((3,)), keras.layers.Dense(4), keras.layers.Dense(2)]
    )
    kmodel.save(tmp_path / "k.keras")
    ours = lamina.saving.KerasFileEditor(tmp_path / "k.keras")
    theirs = keras.saving.KerasFileEditor(str(tmp_path / "k.keras"))
    assert ours.config == theirs.config
    assert sorted(ours.weights_dict["layers"]) == sorted(theirs.weights_dict["layers"])
    for name, weights in theirs.weights_dict["layers"].items():
        for key, value in weights.items():
            np.testing.assert_array_equal(ours.weights_dict["layers"][name][key], value)


def test_compare_reports_matches_and_errors(tmp_path, capsys):
    model = _model()
    model.save(tmp_path / "m.keras")
    editor = lamina.saving.KerasFileEditor(tmp_path / "m.keras")
    assert editor.compare(model)["status"] == "success"
    result = editor.compare(_model(units=3))
    assert result["status"] == "error"
    assert result["error_count"] == 1
    assert "Object 'layers/dense_1'" in capsys.readouterr().out


def test_edits_make_a_file_the_new_model_loads(tmp_path):
    model = _model()
    model.save(tmp_path / "m.keras")
    editor = lamina.saving.KerasFileEditor(tmp_path / "m.keras")
    new_head = [np.ones((4, 3), "float32"), np.zeros(3, "float32")]
    editor.delete_object("layers/dense_1")
    editor.add_object("layers/dense_1", {"0": new_head[0], "1": new_head[1]})
    editor.save(tmp_path / "edited.weights.h5")
    other = _model(units=3)
    other.load_weights(tmp_path / "edited.weights.h5")
    np.testing.assert_array_equal(other.get_weights()[0], model.get_weights()[0])
    np.testing.assert_array_equal(other.get_weights()[2], new_head[0])


def test_rename_delete_weight_and_errors(tmp_path):
    model = _model()
    model.save_weights(tmp_path / "m.weights.h5")
    editor = lamina.saving.KerasFileEditor(tmp_path / "m.weights.h5")
    editor.delete_weight("layers/dense", "1")
    assert sorted(editor.weights_dict["layers"]["dense"]) == ["0"]
    editor.add_weights("layers/dense", {"1": np.ones(4, "float32")})
    editor.rename_object("layers/dense_1", "head")
    assert "head" in editor.weights_dict["layers"]
    with pytest.raises(ValueError, match="Weight 7 not found"):
        editor.delete_weight("layers/dense", "7")
    with pytest.raises(ValueError, match="not found in the file"):
        editor.delete_object("layers/nothing")
    with pytest.raises(ValueError, match="should be a dict"):
        editor.add_weights("layers/dense", [1, 2])
    with pytest.raises(ValueError, match=r"expected a `\.weights\.h5`"):
        editor.save(tmp_path / "x.keras")
    with pytest.raises(ValueError, match="Invalid filename"):
        lamina.saving.KerasFileEditor(tmp_path / "m.pt")
