"""FeatureSpace: encodings against hand computations and lamina's (Keras-checked)
preprocessing layers, Keras's own layers where they run without TensorFlow, the
ways to adapt, configs and files, errors, and a structured-data classification
flow (adapt, preprocess, fit, inference on raw dicts)."""

import json
import zipfile

import numpy as np
import pytest
import torch

import lamina
from lamina import layers
from lamina.utils import FeatureSpace

DATA = {
    "x": np.array([0.0, 2.0, 4.0, 6.0], np.float32),
    "color": np.array(["red", "blue", "red", "green"]),
    "n": np.array([1, 2, 2, 7]),
}


def small_space(**kwargs):
    return FeatureSpace(
        {
            "x": "float_normalized",
            "color": "string_categorical",
            "n": "integer_categorical",
        },
        **kwargs,
    )


def test_concat_matches_hand_computation():
    fs = small_space()
    fs.adapt(DATA)
    out = fs(DATA)
    # sorted names: color (OOV + red, blue, green by count then token
    # descending), n (OOV + 2, 7, 1), x (normalized).
    color = np.eye(4)[[1, 3, 1, 2]]
    n = np.eye(4)[[3, 1, 1, 2]]
    x = (DATA["x"] - 3.0) / np.sqrt(5.0)
    want = np.concatenate([color, n, x[:, None]], axis=1)
    assert out.dtype == torch.float32
    np.testing.assert_allclose(out.numpy(), want, rtol=1e-6, atol=1e-6)
    assert fs.preprocessors["color"].get_vocabulary() == [
        "[UNK]",
        "red",
        "green",
        "blue",
    ]
    assert fs.preprocessors["n"].get_vocabulary() == [-1, 2, 7, 1]


def test_normalization_and_one_hot_match_keras_layers(keras):
    fs = small_space()
    fs.adapt(DATA)
    ref = keras.layers.Normalization(axis=-1)
    ref.adapt(DATA["x"].reshape(-1, 1))
    got = fs(DATA)[:, -1:].numpy()
    np.testing.assert_allclose(
        got, np.asarray(ref(DATA["x"].reshape(-1, 1))), atol=1e-6
    )
    ids = fs.preprocessors["color"](DATA["color"].reshape(-1, 1)).numpy()
    hot = keras.layers.CategoryEncoding(num_tokens=4, output_mode="multi_hot")(ids)
    np.testing.assert_array_equal(fs(DATA)[:, :4].numpy(), np.asarray(hot))


def test_every_feature_type_against_lamina_layers():
    rng = np.random.default_rng(0)
    data = {
        "f": rng.normal(size=40).astype(np.float32),
        "r": rng.normal(size=40).astype(np.float32),
        "d": rng.normal(size=40).astype(np.float32),
        "ih": rng.integers(0, 50, size=40),
        "sh": np.array([f"s{i % 9}" for i in range(40)]),
        "c": np.array(["a", "b"] * 20),
    }
    fs = FeatureSpace(
        {
            "f": "float",
            "r": FeatureSpace.float_rescaled(scale=2.0, offset=1.0),
            "d": FeatureSpace.float_discretized(num_bins=4),
            "ih": "integer_hashed",
            "sh": FeatureSpace.string_hashed(num_bins=8),
            "c": "string_categorical",
        },
        crosses=[FeatureSpace.cross(("c", "ih"), crossing_dim=16)],
        hashing_dim=5,
        output_mode="dict",
    )
    fs.adapt(data)
    out = fs(data)
    col = {k: np.asarray(v).reshape(-1, 1) for k, v in data.items()}
    np.testing.assert_allclose(out["f"].numpy(), col["f"])
    np.testing.assert_allclose(out["r"].numpy(), col["r"] * 2 + 1, rtol=1e-6)
    # Keras batches a dict of columns by 32 rows before adapting.
    disc = layers.Discretization(num_bins=4)
    disc.adapt(iter([col["d"][:32], col["d"][32:]]))
    assert fs.preprocessors["d"].bin_boundaries == disc.bin_boundaries
    bins = np.searchsorted(disc.bin_boundaries, col["d"][:, 0], side="right")
    np.testing.assert_array_equal(out["d"].numpy(), np.eye(4)[bins])
    ih = layers.Hashing(num_bins=5)(col["ih"]).numpy()[:, 0]
    np.testing.assert_array_equal(out["ih"].numpy(), np.eye(5)[ih])
    sh = layers.Hashing(num_bins=8)(col["sh"]).numpy()[:, 0]
    np.testing.assert_array_equal(out["sh"].numpy(), np.eye(8)[sh])
    c_ids = fs.preprocessors["c"](col["c"])
    crossed = layers.HashedCrossing(16)([c_ids, torch.as_tensor(ih[:, None])])
    np.testing.assert_array_equal(
        out["c_X_ih"].numpy(), np.eye(16)[crossed.numpy()[:, 0]]
    )
    assert list(out) == ["c", "d", "f", "ih", "r", "sh", "c_X_ih"]


def test_int_output_mode_in_dict_and_concat_refused():
    def space(mode):
        return FeatureSpace(
            {
                "color": FeatureSpace.string_categorical(output_mode="int"),
                "n": FeatureSpace.integer_categorical(output_mode="int"),
            },
            crosses=[FeatureSpace.cross(("color", "n"), 8, output_mode="int")],
            output_mode=mode,
        )

    fs = space("dict")
    fs.adapt(DATA)  # other columns are ignored by adapt
    out = fs({k: DATA[k] for k in ("color", "n")})
    assert out["color"].dtype == torch.int64
    np.testing.assert_array_equal(out["color"].numpy()[:, 0], [1, 3, 1, 2])
    assert out["color_X_n"].shape == (4, 1)
    with pytest.raises(ValueError, match="Cannot concatenate features because feature"):
        space("concat").adapt(DATA)


def test_single_example_and_rank_one_inputs():
    fs = small_space()
    fs.adapt(DATA)
    one = fs({"x": 2.0, "color": "blue", "n": 2})
    assert one.shape == (9,)
    batch = fs({k: v[1:2] for k, v in DATA.items()})
    np.testing.assert_allclose(one.numpy(), batch[0].numpy())
    column = fs({k: v.reshape(-1, 1) for k, v in DATA.items()})
    np.testing.assert_allclose(column.numpy(), fs(DATA).numpy())
    unseen = fs({"x": 0.0, "color": "purple", "n": 99})
    assert unseen[0] == 1.0 and unseen[4] == 1.0  # the OOV slots


class DictBatches(lamina.utils.PyDataset):
    def __init__(self, data, batch_size, labels=None):
        super().__init__()
        self.data, self.batch_size, self.labels = data, batch_size, labels

    def __len__(self):
        return -(-len(next(iter(self.data.values()))) // self.batch_size)

    def __getitem__(self, i):
        part = slice(i * self.batch_size, (i + 1) * self.batch_size)
        x = {k: v[part] for k, v in self.data.items()}
        return x if self.labels is None else (x, self.labels[part])


def _rows(data):
    return [{k: v[i] for k, v in data.items()} for i in range(len(data["x"]))]


@pytest.mark.parametrize(
    "make",
    [
        lambda: DATA,
        lambda: {k: v.tolist() for k, v in DATA.items()},
        lambda: [
            {k: v[:2] for k, v in DATA.items()},
            {k: v[2:] for k, v in DATA.items()},
        ],
        lambda: (dict(zip(DATA, vals)) for vals in zip(*DATA.values())),
        lambda: DictBatches(DATA, 3),
        lambda: DictBatches(DATA, 3, labels=np.zeros(4)),
        lambda: torch.utils.data.DataLoader(_rows(DATA), batch_size=3),
    ],
    ids=["numpy", "lists", "batches", "rows", "pydataset", "xy", "dataloader"],
)
def test_adapt_sources_agree(make):
    ref = small_space()
    ref.adapt(DATA)
    fs = small_space()
    fs.adapt(make())
    np.testing.assert_allclose(fs(DATA).numpy(), ref(DATA).numpy(), atol=1e-6)


def test_inputs_and_encoded_features():
    fs = small_space(crosses=[("color", "n")], crossing_dim=4)
    with pytest.raises(ValueError, match=r"call `.adapt\(dataset\)`"):
        fs.get_encoded_features()
    fs.adapt(DATA)
    inputs = fs.get_inputs()
    assert {k: (t.shape, t.dtype) for k, t in inputs.items()} == {
        "x": ((None, 1), "float32"),
        "color": ((None, 1), "string"),
        "n": ((None, 1), "int32"),
    }
    encoded = fs.get_encoded_features()
    assert encoded.shape == (None, 4 + 4 + 1 + 4)
    assert fs.get_encoded_features() is encoded
    model = lamina.Model(inputs, encoded)
    np.testing.assert_allclose(model(DATA).detach().numpy(), fs(DATA).numpy())


def test_no_adapt_needed_without_adaptable_features():
    fs = FeatureSpace(
        {"a": "float", "b": FeatureSpace.float_discretized(None, [0.0, 1.0])}
    )
    out = fs({"a": [0.5, 2.0], "b": [-1.0, 0.5]})
    np.testing.assert_array_equal(out.numpy(), [[0.5, 1, 0, 0], [2.0, 0, 1, 0]])


def test_config_round_trip_and_helpers():
    fs = FeatureSpace(
        {
            "a": "float_normalized",
            "b": FeatureSpace.integer_categorical(max_tokens=5, num_oov_indices=0),
            "c": "string_hashed",
            "d": FeatureSpace.float_rescaled(scale=0.5, name="dd"),
        },
        crosses=[("b", "c")],
        crossing_dim=7,
        hashing_dim=9,
        output_mode="dict",
    )
    config = fs.get_config()
    assert config["features"]["b"]["class_name"] == "Feature"
    assert config["features"]["b"]["config"]["dtype"] == "int32"
    assert config["features"]["d"]["config"]["preprocessor"]["config"]["name"] == (
        "dd_preprocessor"
    )
    assert config["crosses"][0]["config"] == {
        "feature_names": ["b", "c"],
        "crossing_dim": 7,
        "output_mode": "one_hot",
    }
    clone = FeatureSpace.from_config(json.loads(json.dumps(config)))
    assert clone.get_config() == json.loads(json.dumps(config))
    assert isinstance(clone.preprocessors["b"], layers.IntegerLookup)
    assert clone.preprocessors["b"].max_tokens == 5
    assert clone.preprocessors["c"].num_bins == 9
    assert clone.crossers["b_X_c"].num_bins == 7


def test_keras_config_loads(keras):
    kfs = keras.utils.FeatureSpace
    ref = kfs(
        {
            "a": "float_normalized",
            "b": kfs.float_discretized(num_bins=3),
            "c": "float",
            "d": kfs.float_rescaled(scale=2.0),
        },
        output_mode="concat",
    )
    config = json.loads(json.dumps(keras.saving.serialize_keras_object(ref)))
    config.pop("build_config", None)
    fs = lamina.saving.deserialize_keras_object(config)
    assert isinstance(fs, FeatureSpace)
    kinds = {k: type(v).__name__ for k, v in fs.preprocessors.items()}
    assert kinds == {
        "a": "Normalization",
        "b": "Discretization",
        "c": "TFDIdentity",
        "d": "Rescaling",
    }
    assert fs.preprocessors["b"].num_bins == 3
    # and back: Keras rebuilds lamina's config
    back = kfs.from_config(json.loads(json.dumps(fs.get_config())))
    assert {k: type(v).__name__ for k, v in back.preprocessors.items()} == kinds


def test_save_and_load_feature_space_and_model(tmp_path):
    fs = small_space(crosses=[("color", "n")], crossing_dim=4)
    fs.adapt(DATA)
    fs.save(str(tmp_path / "fs.keras"))
    again = lamina.models.load_model(str(tmp_path / "fs.keras"))
    np.testing.assert_allclose(again(DATA).numpy(), fs(DATA).numpy())
    out = layers.Dense(1, activation="sigmoid")(fs.get_encoded_features())
    model = lamina.Model(fs.get_inputs(), out)
    model.save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as z:
        assert "model.weights.h5" in z.namelist()
    loaded = lamina.models.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(
        loaded(DATA).detach().numpy(), model(DATA).detach().numpy(), atol=1e-6
    )


def test_errors():
    with pytest.raises(ValueError, match="cannot be None or empty"):
        FeatureSpace({})
    with pytest.raises(ValueError, match="Invalid feature type: bogus .*feature 'a'"):
        FeatureSpace({"a": "bogus"})
    with pytest.raises(ValueError, match=r"Received unknown features: \('a', 'z'\)"):
        FeatureSpace({"a": "float"}, crosses=[("a", "z")])
    with pytest.raises(ValueError, match="unknown: \\['z'\\]"):
        FeatureSpace({"a": "float"}, crosses=[FeatureSpace.cross(("a", "z"), 4)])
    with pytest.raises(ValueError, match="Expected one of .*output_mode=stack"):
        FeatureSpace({"a": "float"}, output_mode="stack")
    with pytest.raises(ValueError, match="output_mode=bogus"):
        FeatureSpace.feature("float32", layers.Rescaling(1.0), "bogus")
    with pytest.raises(ValueError, match="output_mode=float"):
        FeatureSpace.cross(("a", "b"), 4, output_mode="float")
    fs = small_space()
    with pytest.raises(ValueError, match=r"call `.adapt\(dataset\)`"):
        fs(DATA)
    with pytest.raises(TypeError, match="`adapt\\(\\)` can only be called on a dict"):
        fs.adapt(3)
    with pytest.raises(TypeError, match="expects batches that are dicts .*float64"):
        fs.adapt(np.zeros(3))
    with pytest.raises(ValueError, match="lacks the features \\['n'\\]"):
        fs.adapt({"x": DATA["x"], "color": DATA["color"]})
    fs.adapt(DATA)
    with pytest.raises(ValueError, match="can only be called with a dict"):
        fs(DATA["x"])
    with pytest.raises(ValueError, match=r"Missing: \['n'\]; unknown: \['target'\]"):
        fs({"x": [1.0], "color": ["red"], "target": [1]})
    with pytest.raises(
        TypeError, match="Feature 'x' has dtype float32 and expects numbers"
    ):
        fs({"x": ["a"], "color": ["red"], "n": [1]})


def test_one_hot_needs_integer_ids_and_known_width():
    custom = FeatureSpace(
        {"a": FeatureSpace.feature("float32", layers.Rescaling(1.0), "one_hot")}
    )
    with pytest.raises(
        ValueError, match="dimensionality of its output space is not known"
    ):
        custom({"a": [1.0]})


# -- the structured-data classification flow ----------------------------------------


def heart_like(n, seed):
    rng = np.random.default_rng(seed)
    cols = {
        "age": rng.integers(29, 78, n).astype(np.float32),
        "sex": rng.integers(0, 2, n),
        "cp": rng.integers(0, 5, n),
        "trestbps": rng.normal(130, 15, n).astype(np.float32),
        "chol": rng.normal(240, 40, n).astype(np.float32),
        "fbs": rng.integers(0, 2, n),
        "restecg": rng.integers(0, 3, n),
        "thalach": rng.normal(150, 20, n).astype(np.float32),
        "exang": rng.integers(0, 2, n),
        "oldpeak": rng.uniform(0, 4, n).astype(np.float32),
        "slope": rng.integers(1, 4, n).astype(np.float32),
        "ca": rng.integers(0, 4, n),
        "thal": rng.choice(np.array(["normal", "fixed", "reversible"]), n),
    }
    target = ((cols["thal"] == "reversible") | (cols["cp"] == 4)).astype(np.float32)
    return cols, target


class Preprocessed(lamina.utils.PyDataset):
    """The tf.data `map(lambda x, y: (feature_space(x), y))` of the example."""

    def __init__(self, source, feature_space):
        super().__init__()
        self.source, self.feature_space = source, feature_space

    def __len__(self):
        return len(self.source)

    def __getitem__(self, i):
        x, y = self.source[i]
        return self.feature_space(x), y


def test_structured_data_classification_flow():
    lamina.utils.set_random_seed(0)
    train, y_train = heart_like(96, 1)
    val, y_val = heart_like(32, 2)
    categorical = ["sex", "cp", "fbs", "restecg", "exang", "ca"]
    fs = FeatureSpace(
        features={
            **{
                k: FeatureSpace.integer_categorical(num_oov_indices=0)
                for k in categorical
            },
            "thal": FeatureSpace.string_categorical(num_oov_indices=0),
            "age": FeatureSpace.float_discretized(num_bins=30),
            **{
                k: FeatureSpace.float_normalized()
                for k in ["trestbps", "chol", "thalach", "oldpeak", "slope"]
            },
        },
        crosses=[
            FeatureSpace.cross(feature_names=("sex", "age"), crossing_dim=64),
            FeatureSpace.cross(feature_names=("thal", "ca"), crossing_dim=16),
        ],
        output_mode="concat",
    )
    train_ds = DictBatches(train, 32, labels=y_train)
    fs.adapt(DictBatches(train, 32))
    x, _ = train_ds[0]
    assert fs(x).shape == (32, 2 + 5 + 2 + 3 + 2 + 4 + 3 + 30 + 5 + 64 + 16)

    dict_inputs = fs.get_inputs()
    encoded = fs.get_encoded_features()
    h = layers.Dense(32, activation="relu")(encoded)
    h = layers.Dropout(0.5)(h)
    predictions = layers.Dense(1, activation="sigmoid")(h)
    training_model = lamina.Model(inputs=encoded, outputs=predictions)
    training_model.compile(
        optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"]
    )
    inference_model = lamina.Model(inputs=dict_inputs, outputs=predictions)

    history = training_model.fit(
        Preprocessed(train_ds, fs),
        epochs=3,
        validation_data=Preprocessed(DictBatches(val, 32, labels=y_val), fs),
        verbose=0,
    )
    assert set(history.history) == {"accuracy", "loss", "val_accuracy", "val_loss"}
    assert history.history["loss"][-1] < history.history["loss"][0]

    sample = {
        "age": 60, "sex": 1, "cp": 1, "trestbps": 145, "chol": 233, "fbs": 1,
        "restecg": 2, "thalach": 150, "exang": 0, "oldpeak": 2.3, "slope": 3,
        "ca": 0, "thal": "fixed",
    }  # fmt: skip
    input_dict = {name: np.array([value]) for name, value in sample.items()}
    prob = inference_model.predict(input_dict, verbose=0)
    assert prob.shape == (1, 1) and 0.0 < prob[0, 0] < 1.0
    direct = training_model.predict(fs(input_dict), verbose=0)
    np.testing.assert_allclose(prob, direct, rtol=1e-5)
    whole = inference_model.predict(val, verbose=0, batch_size=16)
    np.testing.assert_allclose(
        whole, training_model.predict(fs(val), verbose=0), rtol=1e-5, atol=1e-6
    )


def test_custom_text_vectorization_feature():
    data = {"text": ["1st string", "2nd string", "3rd string"]}
    layer = layers.TextVectorization(output_mode="tf_idf")
    fs = FeatureSpace(
        {
            "text": FeatureSpace.feature(
                dtype="string", preprocessor=layer, output_mode="float"
            )
        }
    )
    fs.adapt(data)
    common, rare = np.log(1 + 3 / 4), np.log(1 + 3 / 2)  # idf of "string", the rest
    want = [[0, common, 0, 0, rare], [0, common, 0, rare, 0], [0, common, rare, 0, 0]]
    np.testing.assert_allclose(fs(data).numpy(), want, rtol=1e-5)
    assert fs.get_encoded_features().shape == (None, 5)


# -- string inputs in models (what FeatureSpace's inputs rely on) ------------------------


def test_string_dtype_is_host_side():
    assert lamina.backend.standardize_dtype("string") == "string"
    assert lamina.backend.standardize_dtype(str) == "string"
    with pytest.raises(ValueError, match="torch has no string tensors"):
        lamina.backend.to_torch_dtype("string")
    text = lamina.Input((1,), dtype="string")
    with pytest.raises(TypeError, match="Layer 'numbers_only' expects numeric input"):
        layers.Dense(2, name="numbers_only")(text)


def test_string_input_model_call_predict_and_fit():
    text = lamina.Input((1,), dtype="string", name="s")
    lookup = layers.StringLookup(vocabulary=["a", "b"], output_mode="one_hot")
    encoded = lookup(text)
    assert (encoded.shape, encoded.dtype) == ((None, 3), "float32")
    dense = layers.Dense(1, kernel_initializer="ones", bias_initializer="zeros")
    model = lamina.Model(text, dense(encoded))
    want = [[1.0], [1.0], [1.0]]
    column = np.array([["a"], ["zz"], ["b"]])
    for x in (column, column[:, 0], ["a", "zz", "b"], {"s": column[:, 0]}):
        np.testing.assert_allclose(model(x).detach().numpy(), want)
        np.testing.assert_allclose(model.predict(x, verbose=0, batch_size=2), want)
    model.compile(optimizer="sgd", loss="mse")
    before = dense.kernel.numpy().copy()
    model.fit({"s": column[:, 0]}, np.zeros(3), batch_size=2, epochs=1, verbose=0)
    assert not np.allclose(dense.kernel.numpy(), before)


def test_functional_call_adjusts_rank_as_keras():
    inputs = lamina.Input((1,))
    model = lamina.Model(inputs, layers.Dense(1, kernel_initializer="ones")(inputs))
    out = model(np.array([1.0, 2.0], np.float32))
    np.testing.assert_allclose(out.detach().numpy(), [[1.0], [2.0]])


def test_adapt_on_a_data_frame_and_ragged_columns_refused():
    pd = pytest.importorskip("pandas")
    ref = small_space()
    ref.adapt(DATA)
    fs = small_space()
    fs.adapt(pd.DataFrame({**DATA, "target": [0, 1, 0, 1]}))
    np.testing.assert_allclose(fs(DATA).numpy(), ref(DATA).numpy())
    with pytest.raises(ValueError, match="same number of rows. Received: .*'n': 3"):
        fs({"x": DATA["x"], "color": DATA["color"], "n": DATA["n"][:3]})


def test_dict_mode_encoded_features_in_a_model():
    fs = FeatureSpace(
        {
            "color": FeatureSpace.string_categorical(output_mode="int"),
            "x": "float_normalized",
        },
        output_mode="dict",
    )
    fs.adapt(DATA)
    encoded = fs.get_encoded_features()
    assert {k: (t.shape, t.dtype) for k, t in encoded.items()} == {
        "color": ((None, 1), "int64"),
        "x": ((None, 1), "float32"),
    }
    embedded = layers.Flatten()(layers.Embedding(4, 2)(encoded["color"]))
    out = layers.Concatenate()([embedded, encoded["x"]])
    model = lamina.Model(fs.get_inputs(), out)
    got = model({"color": DATA["color"], "x": DATA["x"]}).detach().numpy()
    assert got.shape == (4, 3)
    np.testing.assert_allclose(got[:, 2], (DATA["x"] - 3.0) / np.sqrt(5.0), rtol=1e-6)


def test_rescaled_and_given_bins_match_keras_layers(keras):
    data = {
        "r": np.array([-1.0, 0.5, 3.0], np.float32),
        "b": np.array([-2.0, 0.2, 9.0]),
    }
    fs = FeatureSpace(
        {
            "r": FeatureSpace.float_rescaled(scale=0.5, offset=-1.0),
            "b": FeatureSpace.float_discretized(None, bin_boundaries=[0.0, 1.0]),
        },
        output_mode="dict",
    )
    out = fs(data)
    rescaled = keras.layers.Rescaling(0.5, -1.0)(data["r"].reshape(-1, 1))
    np.testing.assert_allclose(out["r"].numpy(), np.asarray(rescaled), rtol=1e-6)
    ids = keras.layers.Discretization(bin_boundaries=[0.0, 1.0])(
        data["b"].reshape(-1, 1)
    )
    hot = keras.layers.CategoryEncoding(3, output_mode="multi_hot")(np.asarray(ids))
    np.testing.assert_array_equal(out["b"].numpy(), np.asarray(hot))


def test_adapted_vocabularies_travel_in_the_config():
    fs = FeatureSpace({"color": "string_categorical", "n": "integer_hashed"})
    fs.adapt(DATA)
    config = fs.get_config()
    lookup = config["features"]["color"]["config"]["preprocessor"]["config"]
    assert lookup["vocabulary"] == ["red", "green", "blue"]
    clone = FeatureSpace.from_config(json.loads(json.dumps(config)))
    batch = {"color": DATA["color"], "n": DATA["n"]}
    np.testing.assert_array_equal(clone(batch).numpy(), fs(batch).numpy())


FLOATS = {"a": [1.0, 2.0, 4.0], "b": [-1.0, 1.0, 3.0], "c": [0.5, 0.7, 0.9]}


def test_keras_feature_space_file_loads(keras, tmp_path):
    kfs = keras.utils.FeatureSpace
    ref = kfs(
        {
            "a": "float_normalized",
            "b": kfs.float_discretized(num_bins=None, bin_boundaries=[0.0, 2.0]),
            "c": "float",
        }
    )
    # Keras's adapt needs TensorFlow; its Normalization adapts without it.
    ref.preprocessors["a"].adapt(np.array(FLOATS["a"]).reshape(-1, 1))
    ref._is_adapted = ref.built = True  # what Keras's adapt() sets at its end
    ref.save(str(tmp_path / "k.keras"))
    fs = lamina.models.load_model(str(tmp_path / "k.keras"))
    assert isinstance(fs, FeatureSpace)
    column = np.array(FLOATS["a"]).reshape(-1, 1)
    normalized = np.asarray(ref.preprocessors["a"](column))
    want = np.concatenate(
        [normalized, np.eye(3)[[0, 1, 2]], np.array(FLOATS["c"])[:, None]], axis=1
    )
    # sorted names: a, b, c
    np.testing.assert_allclose(fs(FLOATS).numpy(), want, rtol=1e-6)
    fs.save(str(tmp_path / "again.keras"))  # and a second round trip
    again = lamina.models.load_model(str(tmp_path / "again.keras"))
    np.testing.assert_allclose(again(FLOATS).numpy(), want, rtol=1e-6)


def test_lamina_feature_space_file_loads_in_keras(keras, tmp_path):
    fs = FeatureSpace(
        {"a": "float_normalized", "d": FeatureSpace.float_rescaled(scale=2.0)}
    )
    data = {"a": FLOATS["a"], "d": FLOATS["b"]}
    fs.adapt(data)
    fs.save(str(tmp_path / "l.keras"))
    ref = keras.models.load_model(str(tmp_path / "l.keras"))
    assert type(ref).__name__ == "FeatureSpace"
    column = np.array(FLOATS["a"], np.float32).reshape(-1, 1)
    np.testing.assert_allclose(
        np.asarray(ref.preprocessors["a"](column)), fs(data)[:, :1].numpy(), rtol=1e-6
    )
    assert ref.preprocessors["d"].scale == 2.0


@pytest.mark.parametrize("kind", ["string", "int64"])
def test_adapted_lookup_vocabulary_is_a_keras_asset(tmp_path, kind):
    # What a Keras-saved FeatureSpace (or model) with adapted lookups holds.
    values = DATA["color"] if kind == "string" else DATA["n"]
    inputs = lamina.Input((1,), dtype=kind, name="v")
    lookup = layers.StringLookup() if kind == "string" else layers.IntegerLookup()
    lookup.adapt(values)
    vectors = layers.Flatten()(layers.Embedding(4, 2)(lookup(inputs)))
    model = lamina.Model(inputs, vectors)
    model.save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as z:
        name = next(n for n in z.namelist() if n.endswith("vocabulary.txt"))
        lines = z.read(name).decode().split("\n")
    assert lines == [str(t) for t in lookup.get_vocabulary()]
    loaded = lamina.models.load_model(tmp_path / "m.keras")
    column = values.reshape(-1, 1)
    np.testing.assert_allclose(
        loaded(column).detach().numpy(), model(column).detach().numpy()
    )
