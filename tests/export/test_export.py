"""model.export: torch.export programs and ONNX files predict as the model does."""

import os

import numpy as np
import pytest
import torch

import lamina
from lamina import layers
from lamina.export import ExportArchive


def _cnn():
    model = lamina.Sequential(
        [
            layers.Conv2D(4, 3, activation="relu", input_shape=(8, 8, 3)),
            layers.GlobalAveragePooling2D(),
            layers.Dense(2, activation="softmax"),
        ]
    )
    return model


def test_torch_format_reloads_and_takes_any_batch(tmp_path):
    model = _cnn()
    path = str(tmp_path / "cnn.pt2")
    model.export(path, format="torch")
    program = torch.export.load(path).module()
    for n in (1, 5):
        x = torch.randn(n, 8, 8, 3)
        expected = model.predict(x.numpy(), verbose=0)
        np.testing.assert_allclose(program(x).detach().numpy(), expected, atol=1e-6)
    assert model.training is False
    assert os.listdir(tmp_path) == ["cnn.pt2"]


def test_onnx_format_matches_in_onnxruntime(tmp_path):
    ort = pytest.importorskip("onnxruntime")  # the onnx test extra
    inputs = lamina.Input((6,), name="features")
    hidden = layers.Dense(8, activation="relu")(inputs)
    outputs = layers.Dense(3)(layers.Dropout(0.5)(hidden))
    model = lamina.Model(inputs, outputs)
    path = str(tmp_path / "mlp.onnx")
    model.export(path, format="onnx")
    session = ort.InferenceSession(path)
    (spec,) = session.get_inputs()
    assert spec.name == "features"
    assert spec.shape == ["batch", 6]
    x = np.random.default_rng(0).normal(size=(7, 6)).astype("float32")
    (got,) = session.run(None, {"features": x})
    np.testing.assert_allclose(got, model.predict(x, verbose=0), atol=1e-5)


class _Subclassed(lamina.Model):
    def __init__(self):
        super().__init__()
        self.dense = layers.Dense(2)

    def call(self, x):
        return self.dense(x) * 2.0


def test_input_signature_for_a_subclassed_model(tmp_path):
    model = _Subclassed()
    model.predict(np.ones((2, 4), dtype="float32"), verbose=0)
    with pytest.raises(ValueError, match="does not know its input shape"):
        model.export(str(tmp_path / "m.pt2"), format="torch")
    spec = lamina.layers.InputSpec(shape=(None, 4))
    model.export(str(tmp_path / "m.pt2"), format="torch", input_signature=[spec])
    program = torch.export.load(str(tmp_path / "m.pt2")).module()
    x = torch.ones(3, 4)
    np.testing.assert_allclose(
        program(x).detach().numpy(), model.predict(x.numpy(), verbose=0), atol=1e-6
    )


def test_sequential_built_on_data_exports_without_signature(tmp_path):
    model = lamina.Sequential([layers.Dense(2), layers.Dense(1)])
    model.predict(np.ones((2, 4), dtype="float32"), verbose=0)
    model.export(str(tmp_path / "m.pt2"), format="torch")
    program = torch.export.load(str(tmp_path / "m.pt2")).module()
    x = torch.ones(6, 4)
    np.testing.assert_allclose(
        program(x).detach().numpy(), model.predict(x.numpy(), verbose=0), atol=1e-6
    )


def test_formats_refused_clearly(tmp_path):
    model = _cnn()
    with pytest.raises(ValueError, match="needs TensorFlow, which lamina does not"):
        model.export(str(tmp_path / "saved"))
    with pytest.raises(ValueError, match=r"Received: format='litert'"):
        model.export(str(tmp_path / "m"), format="litert")
    assert os.listdir(tmp_path) == []


def test_export_archive_endpoints_and_variables(tmp_path):
    model = lamina.Sequential([layers.Dense(3, input_shape=(4,), name="d")])
    archive = ExportArchive()
    archive.track(model)
    archive.add_endpoint(
        "serve",
        model.__call__,
        input_signature=[lamina.layers.InputSpec(shape=(None, 4))],
    )
    archive.add_variable_collection("weights", model.weights)
    folder = str(tmp_path / "archive")
    archive.write_out(folder, verbose=False)
    assert sorted(os.listdir(folder)) == [
        "manifest.json",
        "serve.pt2",
        "weights.variables.pt",
    ]
    x = torch.randn(2, 4)
    serve = torch.export.load(os.path.join(folder, "serve.pt2")).module()
    np.testing.assert_allclose(
        serve(x).detach().numpy(), model(x).detach().numpy(), atol=1e-6
    )
    saved = torch.load(os.path.join(folder, "weights.variables.pt"), weights_only=True)
    for a, b in zip(saved, model.get_weights()):
        np.testing.assert_array_equal(a.numpy(), b)


def test_export_archive_errors():
    model = lamina.Sequential([layers.Dense(3, input_shape=(4,))])
    archive = ExportArchive()
    with pytest.raises(ValueError, match="No endpoints have been set yet"):
        archive.write_out("unused")
    with pytest.raises(ValueError, match="Call `archive.track\\(model\\)` first"):
        archive.add_endpoint("serve", model.__call__, input_signature=[(None, 4)])
    with pytest.raises(ValueError, match="`track` takes a lamina layer or model"):
        archive.track(lambda x: x)
    archive.track(model)
    with pytest.raises(ValueError, match="needs an `input_signature`"):
        archive.add_endpoint("serve", model.__call__)
