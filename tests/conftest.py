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


# Set to 1 to let oracle tests skip when Keras is missing or not on torch. CI never sets
# it: without the oracle about 1,500 comparisons would quietly pass as skips.
ALLOW_NO_ORACLE = "LAMINA_ALLOW_NO_KERAS"


@pytest.fixture(scope="session")
def keras():
    """Keras 3 on its torch backend, the black-box oracle: fails when it is absent."""
    return oracle_or_fail()


def oracle_or_fail():
    """The keras module, or a test failure (a skip only when opted out)."""
    problem = _oracle_problem()
    if problem is None:
        import keras

        return keras
    if os.environ.get(ALLOW_NO_ORACLE) == "1":
        pytest.skip(f"{problem} ({ALLOW_NO_ORACLE}=1)")
    pytest.fail(
        f"{problem}. The oracle tests need it: pip install -e '.[test]' and run with "
        f"KERAS_BACKEND=torch, or set {ALLOW_NO_ORACLE}=1 to skip them knowingly.",
        pytrace=False,
    )


def _oracle_problem():
    """Why Keras cannot serve as the oracle, or None when it can."""
    try:
        import keras
    except ImportError as err:
        return f"Keras, the test oracle, cannot be imported: {err}"
    if keras.backend.backend() != "torch":
        return (
            f"Keras, the test oracle, runs on {keras.backend.backend()!r}, "
            "not 'torch' (KERAS_BACKEND was set before the tests started)"
        )
    return None


def to_numpy(x):
    """Converts a Keras or lamina output (torch tensor or array) to numpy."""
    if isinstance(x, torch.Tensor):
        return x.detach().cpu().numpy()
    return np.asarray(x)
