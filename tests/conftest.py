"""Shared test setup: one compute thread, fixed seeds, Keras on its torch backend."""

import os

os.environ.setdefault("KERAS_BACKEND", "torch")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import pytest
import torch

torch.set_num_threads(1)


@pytest.fixture(autouse=True)
def _fixed_seed():
    """Every test starts from the same seeds and leaves global config as found."""
    import lamina.backend as backend

    torch.manual_seed(0)
    np.random.seed(0)
    before = (backend.floatx(), backend.epsilon(), backend.image_data_format())
    yield
    after = (backend.floatx(), backend.epsilon(), backend.image_data_format())
    assert before == after, f"test leaked global config: {before} -> {after}"


@pytest.fixture(scope="session")
def keras():
    """Keras 3 on its torch backend, the black-box oracle."""
    keras = pytest.importorskip("keras")
    if keras.backend.backend() != "torch":
        pytest.skip("Keras oracle needs KERAS_BACKEND=torch")
    return keras


def to_numpy(x):
    """Converts a Keras or lamina output (torch tensor or array) to numpy."""
    if isinstance(x, torch.Tensor):
        return x.detach().cpu().numpy()
    return np.asarray(x)
