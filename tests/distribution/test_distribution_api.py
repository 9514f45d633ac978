"""keras.distribution's API in one process (Keras on torch has none to compare)."""

import numpy as np
import pytest
import torch

from lamina import distribution as dist


def test_devices_in_one_process():
    expected = "gpu" if torch.cuda.is_available() else "cpu"
    devices = dist.list_devices()
    assert devices[0] == f"{expected}:0"
    assert dist.get_device_count() == len(devices)
    assert dist.list_devices("cpu") == ["cpu:0"]
    with pytest.raises(ValueError, match="`device_type` must be 'cpu' or 'gpu'"):
        dist.list_devices("tpu")


def test_device_mesh_validates_shape_names_and_devices():
    mesh = dist.DeviceMesh((2, 2), ("batch", "model"), [f"cpu:{i}" for i in range(4)])
    assert mesh.shape == (2, 2)
    assert mesh.axis_names == ("batch", "model")
    assert mesh.devices.tolist() == [["cpu:0", "cpu:1"], ["cpu:2", "cpu:3"]]
    with pytest.raises(ValueError, match="same length"):
        dist.DeviceMesh((2,), ("batch", "model"), ["cpu:0", "cpu:1"])
    with pytest.raises(ValueError, match=r"needs 4 devices. Received 2"):
        dist.DeviceMesh((2, 2), ("a", "b"), ["cpu:0", "cpu:1"])


def test_layout_map_exact_then_regex_then_none():
    mesh = dist.DeviceMesh((2,), ("model",), ["cpu:0", "cpu:1"])
    layout_map = dist.LayoutMap(mesh)
    layout_map["dense/kernel"] = (None, "model")
    layout_map[".*bias"] = ("model",)
    assert layout_map["dense/kernel"].axes == (None, "model")
    assert layout_map["dense/kernel"].device_mesh is mesh
    assert layout_map["dense_1/bias"].axes == ("model",)
    assert layout_map["conv/kernel"] is None
    layout_map[".*dense.*"] = (None, None)
    with pytest.raises(ValueError, match="matches several layout keys"):
        layout_map["dense_2/bias"]
    with pytest.raises(ValueError, match="already has a layout"):
        layout_map["dense/kernel"] = (None, None)
    with pytest.raises(ValueError, match="not axes of the mesh"):
        layout_map["x"] = ("batch",)
    assert len(layout_map) == 3
    del layout_map[".*dense.*"]
    assert sorted(layout_map) == [".*bias", "dense/kernel"]


def test_data_parallel_and_scope():
    dp = dist.DataParallel(devices=["cpu:0"])
    assert dp.batch_dim_name == "batch"
    assert dp.num_model_replicas == 1
    assert dp.get_data_layout((32, 4)).axes == ("batch", None)
    assert dp.get_variable_layout(torch.zeros(3, 2)).axes == (None, None)
    assert dist.distribution() is None
    with dp.scope():
        assert dist.distribution() is dp
    assert dist.distribution() is None
    with pytest.raises(ValueError, match="one-axis mesh"):
        dist.DataParallel(dist.DeviceMesh((1, 1), ("a", "b"), ["cpu:0"]))
    with pytest.raises(ValueError, match="takes a Distribution"):
        dist.set_distribution("data_parallel")


def test_model_parallel_is_described_but_fit_refuses_it():
    import lamina

    mesh = dist.DeviceMesh((1, 1), ("batch", "model"), ["cpu:0"])
    layout_map = dist.LayoutMap(mesh)
    layout_map[".*kernel"] = (None, "model")
    with pytest.raises(ValueError, match="specify a layout_map"):
        dist.ModelParallel()
    with pytest.raises(ValueError, match="not an axis of the mesh"):
        dist.ModelParallel(layout_map=layout_map, batch_dim_name="data")
    mp = dist.ModelParallel(layout_map=layout_map, batch_dim_name="batch")
    assert mp.num_model_replicas == 1
    assert mp.get_tensor_layout("dense/kernel").axes == (None, "model")
    model = lamina.Sequential([lamina.layers.Dense(1, input_shape=(2,))])
    model.compile(optimizer="sgd", loss="mse")
    with mp.scope(), pytest.raises(NotImplementedError, match="Use DataParallel"):
        model.fit(np.zeros((4, 2)), np.zeros((4, 1)), verbose=0)


def test_distribute_tensor_is_identity_in_one_process():
    t = torch.arange(6.0).reshape(3, 2)
    layout = dist.TensorLayout(("batch", None), dist.DeviceMesh((1,), ("batch",)))
    assert dist.distribute_tensor(t, layout) is t
    assert dist.is_chief()
