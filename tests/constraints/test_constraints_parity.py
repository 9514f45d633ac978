"""Constraints against keras.constraints: values, configs, lookups, errors."""

import numpy as np
import pytest
import torch

from lamina import constraints

CASES = [
    ("MaxNorm", {}),
    ("MaxNorm", {"max_value": 0.5, "axis": 1}),
    ("MaxNorm", {"max_value": 1.0, "axis": [0, 1, 2]}),
    ("NonNeg", {}),
    ("UnitNorm", {}),
    ("UnitNorm", {"axis": -1}),
    ("UnitNorm", {"axis": [0, 1]}),
    ("MinMaxNorm", {}),
    ("MinMaxNorm", {"min_value": 1.0, "max_value": 2.0, "rate": 0.5, "axis": 1}),
    ("MinMaxNorm", {"min_value": 1.5, "max_value": 3.0, "axis": [0, 1, 2]}),
]


def _kernel(dtype=torch.float32):
    torch.manual_seed(3)
    w = torch.randn(2, 2, 3, 4, dtype=dtype) * 2
    w[..., 0] = 0.0  # a zero filter: exercises the epsilon in the denominators
    return w


@pytest.mark.parametrize(("name", "kwargs"), CASES)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_values_match_keras(keras, name, kwargs, dtype):
    w = _kernel(dtype)
    ours = getattr(constraints, name)(**kwargs)(w)
    theirs = getattr(keras.constraints, name)(**kwargs)(w)
    assert ours.dtype == dtype
    assert ours.shape == w.shape
    # Keras's NonNeg rounds float64 weights through float32; lamina keeps float64.
    tol = 1e-6 if dtype == torch.float32 or name == "NonNeg" else 1e-12
    np.testing.assert_allclose(ours.numpy(), np.asarray(theirs), rtol=tol, atol=tol)


def test_dense_kernel_norms():
    w = torch.randn(5, 3) * 4
    capped = constraints.MaxNorm(max_value=1.0)(w)
    assert (capped.norm(dim=0) <= 1.0 + 1e-6).all()
    unit = constraints.UnitNorm()(w)
    torch.testing.assert_close(unit.norm(dim=0), torch.ones(3))
    assert (constraints.NonNeg()(w) >= 0).all()
    assert constraints.Constraint()(w) is w


@pytest.mark.parametrize(("name", "kwargs"), CASES)
def test_config_and_serialize_match_keras(keras, name, kwargs):
    ours = getattr(constraints, name)(**kwargs)
    theirs = getattr(keras.constraints, name)(**kwargs)
    assert ours.get_config() == theirs.get_config()
    assert constraints.serialize(ours) == keras.constraints.serialize(theirs)
    back = keras.constraints.deserialize(constraints.serialize(ours))
    assert back.get_config() == theirs.get_config()
    mine = constraints.deserialize(keras.constraints.serialize(theirs))
    assert mine.get_config() == ours.get_config()


@pytest.mark.parametrize("name", sorted(constraints.ALL_CONSTRAINTS))
def test_get_by_name_matches_keras(keras, name):
    ours = constraints.get(name)
    theirs = keras.constraints.get(name)
    assert type(ours).__name__ == type(theirs).__name__
    assert ours.get_config() == theirs.get_config()


def test_get_other_identifiers():
    assert constraints.get(None) is None
    assert isinstance(constraints.get(constraints.NonNeg), constraints.NonNeg)
    c = constraints.MaxNorm(3)
    assert constraints.get(c) is c
    assert constraints.max_norm is constraints.MaxNorm


def test_errors():
    with pytest.raises(
        ValueError, match=r"Unknown constraint: 'maxnorm'\. Did you mean 'max_norm'"
    ):
        constraints.get("maxnorm")
    with pytest.raises(
        ValueError, match=r"Could not interpret constraint.*identifier=3"
    ):
        constraints.get(3)
