"""Issue 12, group 5: ragged lists, scipy sparse matrices and pandas frames."""

import numpy as np
import pytest

import lamina
from lamina import layers


def _model(features=3, seed=0):
    lamina.utils.set_random_seed(seed)
    model = lamina.Sequential([layers.Dense(2, input_shape=(features,))])
    model.compile(optimizer="sgd", loss="mse")
    return model


@pytest.mark.parametrize("call", ["fit", "predict"])
def test_ragged_list_names_x_and_the_row(call):
    x = [[1, 2, 3], [1, 2, 3], [1, 2]]
    args = (x,) if call == "predict" else (x, np.zeros((3, 2)))
    with pytest.raises(
        ValueError,
        match=r"`x` is a ragged nested list: row x\[2\] has length 2, but row "
        r"x\[0\] has length 3.*lamina.utils.pad_sequences",
    ):
        getattr(_model(), call)(*args, verbose=0)


def test_ragged_inner_position_and_targets_named():
    x = [[[1, 2], [3, 4]], [[1, 2], [3]]]
    with pytest.raises(ValueError, match=r"row x\[1\]\[1\] has length 1, but row "):
        _model(2).predict(x, verbose=0)
    with pytest.raises(ValueError, match=r"`y` is a ragged nested list: row y\[1\]"):
        _model().fit(np.zeros((2, 3)), [[1, 2], [1]], verbose=0)


def test_scipy_sparse_equals_dense_for_fit_evaluate_predict():
    sparse = pytest.importorskip("scipy.sparse")
    x = sparse.random(10, 3, density=0.5, format="csr", random_state=0)
    x = x.astype("float32")
    dense = x.toarray()
    y = np.arange(20, dtype="float32").reshape(10, 2) / 20
    for fmt in ("csr", "coo", "csc"):
        a, b = _model(), _model()
        lamina.utils.set_random_seed(1)  # the same shuffles
        ha = a.fit(x.asformat(fmt), y, batch_size=4, epochs=2, verbose=0)
        lamina.utils.set_random_seed(1)
        hb = b.fit(dense, y, batch_size=4, epochs=2, verbose=0)
        np.testing.assert_allclose(ha.history["loss"], hb.history["loss"], rtol=1e-6)
        np.testing.assert_allclose(
            a.predict(x.asformat(fmt), batch_size=3, verbose=0),
            b.predict(dense, batch_size=3, verbose=0),
            rtol=1e-6,
        )
        assert a.evaluate(x.asformat(fmt), y, verbose=0) == pytest.approx(
            b.evaluate(dense, y, verbose=0), rel=1e-6
        )


def test_scipy_sparse_validation_split_and_shuffle():
    sparse = pytest.importorskip("scipy.sparse")
    x = sparse.random(10, 3, density=0.5, format="csr", random_state=1)
    y = np.ones((10, 2), dtype="float32")
    a, b = _model(), _model()
    lamina.utils.set_random_seed(3)
    ha = a.fit(x, y, validation_split=0.2, batch_size=4, shuffle=True, verbose=0)
    lamina.utils.set_random_seed(3)
    hb = b.fit(
        x.toarray(), y, validation_split=0.2, batch_size=4, shuffle=True, verbose=0
    )
    np.testing.assert_allclose(
        ha.history["val_loss"], hb.history["val_loss"], rtol=1e-6
    )


def test_scipy_sparse_batches_are_densified_lazily():
    sparse = pytest.importorskip("scipy.sparse")
    from lamina.trainers import data_adapter as da

    x = sparse.random(10, 3, density=0.5, format="csr", random_state=0)
    rows = da.to_structure(x, "cpu", "x")
    assert isinstance(rows, da.SparseRows) and rows.shape == (10, 3)
    np.testing.assert_allclose(rows[slice(2, 5)].numpy(), x.toarray()[2:5])


def test_pandas_non_numeric_columns_named():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(
        {"age": [1.0, 2.0], "city": ["a", "b"], "n": [1, 2], "kind": ["x", "y"]}
    )
    with pytest.raises(
        TypeError, match=r"non-numeric columns: 'city' \(\w+\), 'kind' \(\w+\)\."
    ):
        _model(4).fit(frame, np.zeros((2, 2)), verbose=0)
    with pytest.raises(TypeError, match=r"`y` must be numeric.*'label'"):
        _model().fit(np.zeros((2, 3)), pd.Series(["a", "b"], name="label"), verbose=0)
    numeric = frame[["age", "n"]]
    assert _model(2).predict(numeric, verbose=0).shape == (2, 2)
