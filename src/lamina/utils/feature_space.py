"""FeatureSpace: one object that indexes, preprocesses and encodes tabular
features, built on lamina's preprocessing layers."""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from typing import Any

import numpy as np
import torch

from lamina.layers._naming import auto_name
from lamina.layers._symbolic import KerasTensor, Node, flatten, is_symbolic
from lamina.layers.base import Layer
from lamina.layers.core.input_layer import Input
from lamina.layers.preprocessing.category_encoding import CategoryEncoding
from lamina.layers.preprocessing.discretization import Discretization
from lamina.layers.preprocessing.hashed_crossing import HashedCrossing
from lamina.layers.preprocessing.hashing import Hashing
from lamina.layers.preprocessing.integer_lookup import IntegerLookup
from lamina.layers.preprocessing.normalization import Normalization
from lamina.layers.preprocessing.rescaling import Rescaling
from lamina.layers.preprocessing.string_lookup import StringLookup
from lamina.layers.preprocessing.text_vectorization import TextVectorization
from lamina.saving import saving_lib, serialization_lib
from lamina.utils import _feature_data
from lamina.utils._feature_specs import Cross, Feature, TFDIdentity

_TYPES = (
    "float",
    "float_rescaled",
    "float_normalized",
    "float_discretized",
    "integer_categorical",
    "string_categorical",
    "integer_hashed",
    "string_hashed",
)

_NOT_ADAPTED = (
    "You need to call `.adapt(dataset)` on the FeatureSpace before you can start "
    "using it: it learns the vocabularies, means and variances, and bin "
    "boundaries of the features from data."
)


class FeatureSpace(Layer):
    """One-stop preprocessing and encoding of structured (tabular) data.

    Each feature is named with its type (`"float_normalized"`,
    `"string_categorical"`, ...) or given as `FeatureSpace.<type>(...)`. After
    `adapt(data)` learns vocabularies, statistics and bin boundaries, calling
    the FeatureSpace on a dict of raw values (a batch, or one example) gives
    the encoded features: one float32 vector per sample (`"concat"`), or a
    dict of encoded features (`"dict"`). Categorical features are one-hot
    encoded (or kept as integer ids with `output_mode="int"`), and `crosses`
    hash value co-occurrences into `crossing_dim` bins. Encoded features come
    in sorted order of name, then the crosses in sorted order of name.

    Where it runs: string features are held in numpy or Python, and their
    lookups and hashes run on the host, in front of the torch model; numeric
    features become torch tensors; the encoded result is a torch tensor. A
    model built on `get_inputs()` therefore takes raw string columns as numpy
    arrays (or lists), never as torch tensors.

    `adapt` takes what lamina's other `adapt()` methods take: a dict of
    columns (arrays or lists), or an iterable of dict batches (a list, a
    generator, a `PyDataset`, a torch `DataLoader`); `(x, y)` batches are
    adapted to `x`. A dict of columns is read 32 rows at a time, as Keras
    batches it, so adapted bin boundaries are Keras's.

    Saving: `get_config()` has Keras's layout; adapted lookups write their
    vocabulary into it (Keras keeps it in the file's assets), bin boundaries
    are in the Discretization configs and Normalization statistics are
    weights, so `save()` / `load_model` and `.keras` files of models built on
    `get_inputs()` restore an adapted FeatureSpace.

    Args:
        features: dict mapping feature names to a type name (`"float"`,
            `"float_rescaled"`, `"float_normalized"`, `"float_discretized"`,
            `"integer_categorical"`, `"string_categorical"`,
            `"integer_hashed"`, `"string_hashed"`) or a feature from the
            `FeatureSpace.<type>()` helpers or `FeatureSpace.feature()`.
        output_mode: `"concat"` (one vector per sample) or `"dict"`.
        crosses: list of crosses: tuples of feature names, or
            `FeatureSpace.cross(...)`.
        crossing_dim: number of hash bins of a cross given as a tuple.
        hashing_dim: number of bins of `"integer_hashed"`/`"string_hashed"`.
        num_discretization_bins: bins of `"float_discretized"`.
        name: the layer's name.

    Raises:
        ValueError: for an empty `features`, an unknown feature type, a cross
            naming an unknown feature, or an unknown `output_mode`.

    Example:
    >>> import lamina
    >>> from lamina.utils import FeatureSpace
    >>> fs = FeatureSpace(
    ...     {"x": "float_normalized", "color": "string_categorical"},
    ...     output_mode="concat",
    ... )
    >>> fs.adapt({"x": [0.0, 2.0, 4.0], "color": ["red", "blue", "red"]})
    >>> fs({"x": [2.0], "color": ["blue"]}).tolist()
    [[0.0, 0.0, 1.0, 0.0]]
    """

    # -- the feature helpers (Keras's names and defaults) ------------------------
    @classmethod
    def cross(
        cls, feature_names: Any, crossing_dim: int, output_mode: str = "one_hot"
    ) -> Cross:
        """A cross of `feature_names` hashed into `crossing_dim` bins."""
        return Cross(feature_names, crossing_dim, output_mode=output_mode)

    @classmethod
    def feature(cls, dtype: str, preprocessor: Any, output_mode: str) -> Feature:
        """A feature preprocessed by your own layer (e.g. TextVectorization)."""
        return Feature(dtype, preprocessor, output_mode)

    @classmethod
    def float(cls, name: str | None = None) -> Feature:  # type: ignore[override]
        """Float values passed through as they are (Keras's name: it hides
        `torch.nn.Module.float()` on the class, not on models holding it)."""
        layer = TFDIdentity(dtype="float32", name=_name(name, "float"))
        return Feature("float32", layer, "float")

    @classmethod
    def float_rescaled(
        cls,
        scale: builtins.float = 1.0,
        offset: builtins.float = 0.0,
        name: str | None = None,
    ) -> Feature:
        """Float values mapped to `x * scale + offset` (a Rescaling layer)."""
        layer = Rescaling(
            scale=scale, offset=offset, name=_name(name, "float_rescaled")
        )
        return Feature("float32", layer, "float")

    @classmethod
    def float_normalized(cls, name: str | None = None) -> Feature:
        """Float values standardized with the adapted mean and variance."""
        layer = Normalization(axis=-1, name=_name(name, "float_normalized"))
        return Feature("float32", layer, "float")

    @classmethod
    def float_discretized(
        cls,
        num_bins: int | None,
        bin_boundaries: Any = None,
        output_mode: str = "one_hot",
        name: str | None = None,
    ) -> Feature:
        """Float values bucketed into `num_bins` adapted bins (or given ones)."""
        layer = Discretization(
            num_bins=num_bins,
            bin_boundaries=bin_boundaries,
            name=_name(name, "float_discretized"),
        )
        return Feature("float32", layer, output_mode)

    @classmethod
    def integer_categorical(
        cls,
        max_tokens: int | None = None,
        num_oov_indices: int = 1,
        output_mode: str = "one_hot",
        name: str | None = None,
    ) -> Feature:
        """Integer values indexed by an adapted vocabulary (IntegerLookup)."""
        layer = IntegerLookup(
            name=_name(name, "integer_categorical"),
            max_tokens=max_tokens,
            num_oov_indices=num_oov_indices,
        )
        return Feature("int32", layer, output_mode)

    @classmethod
    def string_categorical(
        cls,
        max_tokens: int | None = None,
        num_oov_indices: int = 1,
        output_mode: str = "one_hot",
        name: str | None = None,
    ) -> Feature:
        """String values indexed by an adapted vocabulary (StringLookup)."""
        layer = StringLookup(
            name=_name(name, "string_categorical"),
            max_tokens=max_tokens,
            num_oov_indices=num_oov_indices,
        )
        return Feature("string", layer, output_mode)

    @classmethod
    def string_hashed(
        cls, num_bins: int, output_mode: str = "one_hot", name: str | None = None
    ) -> Feature:
        """String values hashed into `num_bins` bins (Hashing)."""
        layer = Hashing(name=_name(name, "string_hashed"), num_bins=num_bins)
        return Feature("string", layer, output_mode)

    @classmethod
    def integer_hashed(
        cls, num_bins: int, output_mode: str = "one_hot", name: str | None = None
    ) -> Feature:
        """Integer values hashed into `num_bins` bins (Hashing)."""
        layer = Hashing(name=_name(name, "integer_hashed"), num_bins=num_bins)
        return Feature("int32", layer, output_mode)

    # -- construction -------------------------------------------------------------
    def __init__(
        self,
        features: dict,
        output_mode: str = "concat",
        crosses: Any = None,
        crossing_dim: int = 32,
        hashing_dim: int = 32,
        num_discretization_bins: int = 32,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(name=name, **kwargs)
        if not features:
            raise ValueError("The `features` argument cannot be None or empty.")
        if not isinstance(features, dict):
            raise ValueError(
                "`features` must be a dict mapping feature names to feature types. "
                f"Received: features={features!r} (of type {type(features).__name__})"
            )
        if output_mode not in ("dict", "concat"):
            raise ValueError(
                "Invalid value for argument `output_mode`. Expected one of "
                f"{{'dict', 'concat'}}. Received: output_mode={output_mode}"
            )
        self.output_mode = output_mode
        self.crossing_dim = crossing_dim
        self.hashing_dim = hashing_dim
        self.num_discretization_bins = num_discretization_bins
        self.features = {
            key: self._standardize_feature(key, value)
            for key, value in features.items()
        }
        self.crosses = [self._standardize_cross(c) for c in crosses or []]
        self.crosses_by_name = {c.name: c for c in self.crosses}
        self.preprocessors = {k: f.preprocessor for k, f in self.features.items()}
        self.crossers = {
            c.name: HashedCrossing(c.crossing_dim, name=c.name) for c in self.crosses
        }
        self.one_hot_encoders: dict[str, CategoryEncoding] = {}
        # torch sees the sublayers (devices, state_dict, the saving walk) under
        # the names of these dicts, so weights files have Keras's paths
        # (`preprocessors/normalization/vars`); the attributes stay dicts.
        for key in ("crossers", "preprocessors"):
            layers = torch.nn.ModuleList(getattr(self, key).values())
            self._modules[key] = layers
        self._inputs: dict[str, KerasTensor] | None = None
        self.encoded_features: Any = None
        self._output_spec: Any = None
        self._is_adapted = False

    def _standardize_feature(self, name: str, feature: Any) -> Feature:
        if isinstance(feature, Feature):
            return feature
        if isinstance(feature, dict):
            feature = serialization_lib.deserialize_keras_object(feature)
            if isinstance(feature, Feature):
                return feature
        if feature in ("float_discretized",):
            return self.float_discretized(self.num_discretization_bins, name=name)
        if feature in ("integer_hashed", "string_hashed"):
            return getattr(self, feature)(self.hashing_dim, name=name)
        if isinstance(feature, str) and feature in _TYPES:
            return getattr(self, feature)(name=name)
        raise ValueError(
            f"Invalid feature type: {feature} (for feature '{name}'). Expected one "
            f"of {list(_TYPES)}, or a feature made by `FeatureSpace.<type>(...)` or "
            "`FeatureSpace.feature(dtype, preprocessor, output_mode)`."
        )

    def _standardize_cross(self, cross: Any) -> Cross:
        if isinstance(cross, dict):
            cross = serialization_lib.deserialize_keras_object(cross)
        if not isinstance(cross, Cross):
            if not self.crossing_dim:
                raise ValueError(
                    "When specifying `crosses`, the argument `crossing_dim` "
                    "(dimensionality of the crossing space) should be specified as "
                    "well."
                )
            cross = Cross(cross, crossing_dim=self.crossing_dim)
        unknown = [n for n in cross.feature_names if n not in self.features]
        if unknown:
            raise ValueError(
                "All features referenced in the `crosses` argument should be "
                "present in the `features` dict. Received unknown features: "
                f"{cross.feature_names} (unknown: {unknown}; known: "
                f"{sorted(self.features)})"
            )
        return cross

    # -- adapt ----------------------------------------------------------------------
    def _adaptable(self) -> list[str]:
        """Names of the features whose preprocessor still learns from data."""
        names = []
        for name, layer in self.preprocessors.items():
            if not hasattr(layer, "adapt"):
                continue
            if isinstance(layer, Normalization) and layer.input_mean is not None:
                continue
            if isinstance(layer, TextVectorization):
                layer = layer._lookup_layer  # its vocabulary lives there
            lookup = isinstance(layer, (StringLookup, IntegerLookup))
            if lookup and layer.input_vocabulary is not None:
                continue
            if isinstance(layer, Discretization) and layer.num_bins is None:
                continue  # bin boundaries were given
            names.append(name)
        return names

    def adapt(self, dataset: Any) -> None:
        """Learns each feature's vocabulary, statistics or bin boundaries.

        Args:
            dataset: a dict of columns (arrays or lists, one value per row),
                or an iterable of dict batches (a list, generator, `PyDataset`
                or torch `DataLoader`); batches of `(x, y)` are adapted to `x`.

        Raises:
            TypeError: for data that is neither a dict nor an iterable of dicts.
            ValueError: when a feature is missing from the data.
        """
        names = self._adaptable()
        columns = _feature_data.feature_batches(dataset, names, self.features)
        for name in names:
            self.preprocessors[name].adapt(iter(columns[name]))
        self._is_adapted = True
        self._finish()

    # -- building the encoders ----------------------------------------------------
    def _check_if_adapted(self) -> None:
        if not self._is_adapted:
            if self._adaptable():
                raise ValueError(_NOT_ADAPTED)
            self._is_adapted = True

    def _check_if_built(self) -> None:
        if self._output_spec is None:
            self._check_if_adapted()
            self._finish()

    def _finish(self) -> None:
        """Makes the one-hot encoders and records the output shapes and dtypes,
        by encoding one example row."""
        self.one_hot_encoders = {}
        specs: dict[str, Feature | Cross] = {**self.features, **self.crosses_by_name}
        for name, spec in specs.items():
            if spec.output_mode == "one_hot":
                depth = self._cardinality(name)
                self.one_hot_encoders[name] = CategoryEncoding(
                    num_tokens=depth, output_mode="multi_hot"
                )
        out = self._encode(_feature_data.example_row(self.features))
        self._output_spec = _spec_of(out)
        self.built = True

    def _cardinality(self, name: str) -> int:
        layer = self.preprocessors.get(name) or self.crossers.get(name)
        if isinstance(layer, (IntegerLookup, StringLookup)):
            return layer.vocabulary_size()
        if isinstance(layer, CategoryEncoding):
            return layer.num_tokens
        if isinstance(layer, Discretization):
            if layer.num_bins is not None:
                return layer.num_bins
            return len(layer.bin_boundaries or []) + 1
        if isinstance(layer, (HashedCrossing, Hashing)):
            return layer.num_bins
        raise ValueError(
            f"Feature '{name}' has `output_mode='one_hot'`. However it isn't a "
            "standard feature and the dimensionality of its output space is not "
            "known, thus it cannot be one-hot encoded. Try using `output_mode='int'`."
        )

    # -- inputs and encoded features ------------------------------------------------
    @property
    def inputs(self) -> dict[str, KerasTensor]:
        """One `Input(shape=(1,))` per feature, named after it."""
        if self._inputs is None:
            self._inputs = {
                name: Input(shape=(1,), dtype=f.dtype, name=name)
                for name, f in self.features.items()
            }
        return self._inputs

    def get_inputs(self) -> dict[str, KerasTensor]:
        """The dict of symbolic inputs, one per feature (for a functional model)."""
        self._check_if_built()
        return self.inputs

    def get_encoded_features(self) -> Any:
        """The encoded features of `get_inputs()`, as symbolic tensors: a
        `(None, dim)` float32 tensor (`"concat"`), or a dict of them."""
        self._check_if_built()
        if self.encoded_features is None:
            self.encoded_features = self(self.inputs)
        return self.encoded_features

    # -- calling ------------------------------------------------------------------
    def __call__(self, data: Any, *args: Any, **kwargs: Any) -> Any:
        if not isinstance(data, dict):
            raise ValueError(
                "A FeatureSpace can only be called with a dict. "
                f"Received: data={data!r:.200} (of type {type(data).__name__})"
            )
        self._check_if_built()
        _check_names(data, self.features)
        if any(is_symbolic(v) for v in flatten(data)):
            return self._symbolic(data)
        batch, rebatched = _feature_data.as_batch(data, self.features)
        out = self._encode(batch)
        if rebatched:
            if isinstance(out, dict):
                return {
                    k: v.squeeze(0) if v.dim() == 2 and v.shape[0] == 1 else v
                    for k, v in out.items()
                }
            return out.squeeze(0)
        return out

    def _symbolic(self, inputs: dict) -> Any:
        """Records this FeatureSpace as one node of the graph."""

        def tensor(spec: tuple) -> KerasTensor:
            return KerasTensor(spec[0], dtype=spec[1])

        spec = self._output_spec
        outputs = (
            {k: tensor(v) for k, v in spec.items()}
            if isinstance(spec, dict)
            else tensor(spec)
        )
        node = Node(self, (inputs,), {}, outputs)
        for i, t in enumerate(flatten(outputs)):
            t.node, t.index = node, i
        self._inbound_nodes.append(node)
        return outputs

    def call(self, inputs: dict) -> Any:
        return self._encode(_feature_data.as_batch(inputs, self.features)[0])

    def _encode(self, batch: dict) -> Any:
        """Preprocesses, crosses and merges a dict of `(batch, 1)` columns."""
        pre = {name: self.preprocessors[name](batch[name]) for name in self.features}
        crossed = {
            c.name: self.crossers[c.name]([pre[n] for n in c.feature_names])
            for c in self.crosses
        }
        names = sorted(pre) + sorted(crossed)
        merged = {**pre, **crossed}
        out = {}
        for name in names:
            value = merged[name]
            encoder = self.one_hot_encoders.get(name)
            if encoder is not None:
                if not _is_integer(value):
                    raise ValueError(
                        f"Feature '{name}' has `output_mode='one_hot'`. Thus its "
                        "preprocessor should return an integer dtype. Instead it "
                        f"returns a {_dtype_name(value)} dtype."
                    )
                value = encoder(value)
            out[name] = value
        if self.output_mode == "dict":
            return out
        return _concat(out)

    # -- configuration and saving ----------------------------------------------------
    def get_config(self) -> dict:
        return {
            "features": {k: f.serialize() for k, f in self.features.items()},
            "output_mode": self.output_mode,
            "crosses": [c.serialize() for c in self.crosses],
            "crossing_dim": self.crossing_dim,
            "hashing_dim": self.hashing_dim,
            "num_discretization_bins": self.num_discretization_bins,
        }

    @classmethod
    def from_config(cls, config: dict) -> FeatureSpace:
        return cls(**config)

    def get_build_config(self) -> dict:
        """Each preprocessor's build config (Normalization's input shape)."""
        return {
            name: f.preprocessor.get_build_config() for name, f in self.features.items()
        }

    def build_from_config(self, config: Mapping[str, Any]) -> None:
        for name, build in config.items():
            layer = self.features[name].preprocessor
            if build and not layer.built:
                layer.build_from_config(build)
        self._is_adapted = True
        self.built = True  # a second save writes the build config again

    def save(self, filepath: str) -> None:
        """Saves the FeatureSpace to a `.keras` file (reload with
        `lamina.models.load_model`)."""
        saving_lib.save_model(self, filepath)

    def __repr__(self) -> str:
        return f"<FeatureSpace name={self.name}, built={self._output_spec is not None}>"


def _name(name: str | None, kind: str) -> str:
    return f"{name or auto_name(kind)}_preprocessor"


def _check_names(data: dict, features: dict) -> None:
    missing = [k for k in features if k not in data]
    unknown = [k for k in data if k not in features]
    if missing or unknown:
        raise ValueError(
            "The dict given to the FeatureSpace must hold exactly its features. "
            f"Missing: {missing}; unknown: {unknown}. Expected keys: "
            f"{list(features)}. Drop labels and other columns first."
        )


def _is_integer(value: Any) -> bool:
    if isinstance(value, torch.Tensor):
        return not value.is_floating_point() and value.dtype != torch.bool
    return np.asarray(value).dtype.kind in "iu"


def _dtype_name(value: Any) -> str:
    if isinstance(value, torch.Tensor):
        return str(value.dtype).replace("torch.", "")
    return str(np.asarray(value).dtype)


def _concat(out: dict) -> torch.Tensor:
    parts = []
    for name, value in out.items():
        if not isinstance(value, torch.Tensor) or not value.is_floating_point():
            raise ValueError(
                f"Cannot concatenate features because feature '{name}' has not been "
                f"encoded (it has dtype {_dtype_name(value)}). Consider using "
                "`output_mode='dict'`."
            )
        parts.append(value.to(torch.float32))
    return torch.cat(parts, dim=-1)


def _spec_of(out: Any) -> Any:
    """`(shape, dtype)` of the symbolic version of `out` (batch axis None)."""

    def spec(value: Any) -> tuple:
        shape = (None, *tuple(value.shape)[1:])
        return shape, _dtype_name(value)

    if isinstance(out, dict):
        return {k: spec(v) for k, v in out.items()}
    return spec(out)
