"""scikit-learn estimators around lamina models: classifier, regressor, transformer.

Each wraps a compiled `Model`, or a function that builds one from the training
data, so it can sit in a `Pipeline`, be cloned by `GridSearchCV` and scored with
sklearn's metrics. `keras.wrappers` in Keras 3.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lamina.wrappers._base import (
    ClassifierMixin,
    RegressorMixin,
    SKLBase,
    TransformerMixin,
    _target_type,
    check_is_fitted,
)


class SKLearnClassifier(ClassifierMixin, SKLBase):
    """scikit-learn classifier around a lamina model.

    Labels of any kind (strings, integers, booleans) are one-hot encoded in the
    sorted order of `classes_`: the model sees `y` of shape
    `(n_samples, n_classes)`, two columns for a binary problem, and is compiled
    with a loss for that (`"categorical_crossentropy"`). `predict` returns the
    label of each row's largest output; `decision_function` the raw outputs.
    `score` is the accuracy.

    Training draws random numbers (initial weights, shuffling): seed them with
    `lamina.utils.set_random_seed` for repeatable fits.

    Args:
        model: a compiled `Model`, or a callable returning one. A callable is
            called as `model(X=X, y=y, **model_kwargs)` at every `fit`, `y`
            one-hot encoded. A `Model` instance is cloned (new weights, the
            same compile arguments) before each `fit`, unless `warm_start=True`.
        warm_start: whether a second `fit` continues training `model_`.
        model_kwargs: keyword arguments for `model` when it is a callable.
        fit_kwargs: keyword arguments for `model.fit`; those given to `fit`
            take precedence.

    Attributes:
        model_: the fitted `Model`.
        history_: the `History` returned by `model.fit`.
        classes_: the class labels, sorted.
        n_features_in_: the number of features seen in `fit`.

    Raises:
        ValueError: from `fit`, for a target that is not binary or
            multiclass, or with a single class.

    Example:
    >>> import numpy as np
    >>> import lamina
    >>> from lamina.wrappers import SKLearnClassifier
    >>> def build(X, y, hidden=8):
    ...     model = lamina.Sequential([
    ...         lamina.Input((X.shape[1],)),
    ...         lamina.layers.Dense(hidden, activation="relu"),
    ...         lamina.layers.Dense(y.shape[1], activation="softmax"),
    ...     ])
    ...     model.compile(loss="categorical_crossentropy", optimizer="adam")
    ...     return model
    >>> X = np.random.default_rng(0).normal(size=(20, 3))
    >>> y = np.array(["cat", "dog"] * 10)
    >>> clf = SKLearnClassifier(build, model_kwargs={"hidden": 4},
    ...                         fit_kwargs={"epochs": 1, "verbose": 0})
    >>> clf = clf.fit(X, y)
    >>> clf.classes_.tolist(), clf.predict(X[:3]).shape  # doctest: +ELLIPSIS
    1/1 ...
    (['cat', 'dog'], (3,))
    """

    def decision_function(self, X: Any) -> np.ndarray:
        """The model's raw outputs, one column per class.

        Args:
            X: array-like of shape `(n_samples, n_features)`.

        Returns:
            An array of shape `(n_samples, n_classes)`.
        """
        return self._raw_predict(X)

    def _process_target(self, y: np.ndarray, reset: bool = False) -> np.ndarray:
        """One-hot columns in the order of `classes_`."""
        kind = _target_type(y)
        if kind not in ("binary", "multiclass"):
            raise ValueError(
                "Only binary and multiclass target types are supported. "
                f"Target type: {kind}. Use `SKLearnRegressor` for continuous "
                "targets; give a multilabel or multi-output target as one label "
                "per sample."
            )
        if reset:
            classes = np.unique(y)
            self._check_warm_classes(classes)
            self.classes_ = classes
            if len(classes) == 1:
                raise ValueError(
                    "Classifier can't train when only one class is present. "
                    f"Received: classes={classes.tolist()}"
                )
        return (y[:, None] == self.classes_[None, :]).astype("float64")

    def _check_warm_classes(self, classes: np.ndarray) -> None:
        """A warm-started model has one output per class of its first fit."""
        previous = getattr(self, "classes_", None)
        if previous is None or not (self.warm_start and hasattr(self, "model_")):
            return
        if not np.array_equal(previous, classes):
            raise ValueError(
                "With `warm_start=True`, a new `fit` must see the classes of the "
                f"first one. Expected: {previous.tolist()}. "
                f"Received: {classes.tolist()}"
            )

    def _reverse_process_target(self, y: np.ndarray) -> np.ndarray:
        """Each row's largest output, as a label from `classes_`."""
        n = len(self.classes_)
        if y.ndim != 2 or y.shape[1] != n:
            raise ValueError(
                f"The model must output one column per class ({n} for classes "
                f"{self.classes_.tolist()}), shape (n_samples, {n}). Received "
                f"predictions of shape {y.shape}. Give the last layer "
                "`y.shape[1]` units."
            )
        dead = np.flatnonzero(np.all(y == 0, axis=1))
        if dead.size:
            raise ValueError(
                f"Samples {dead.tolist()} have all-zero outputs, which name no "
                "class. Use an output activation such as softmax."
            )
        return self.classes_[np.argmax(y, axis=1)]

    def _more_tags(self) -> dict[str, Any]:
        # scikit-learn < 1.6 reads tags from here.
        return {"poor_score": True}

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.classifier_tags.poor_score = True
        return tags


class SKLearnRegressor(RegressorMixin, SKLBase):
    """scikit-learn regressor around a lamina model.

    The model sees `y` as a column, shape `(n_samples, 1)`; `predict` returns
    1-D predictions for a one-output model. `score` is R².

    Args:
        model: a compiled `Model`, or a callable returning one. A callable is
            called as `model(X=X, y=y, **model_kwargs)` at every `fit`. A
            `Model` instance is cloned (new weights, the same compile
            arguments) before each `fit`, unless `warm_start=True`.
        warm_start: whether a second `fit` continues training `model_`.
        model_kwargs: keyword arguments for `model` when it is a callable.
        fit_kwargs: keyword arguments for `model.fit`; those given to `fit`
            take precedence.

    Attributes:
        model_: the fitted `Model`.
        history_: the `History` returned by `model.fit`.
        n_features_in_: the number of features seen in `fit`.

    Example:
    >>> import numpy as np
    >>> import lamina
    >>> from lamina.wrappers import SKLearnRegressor
    >>> def build(X, y):
    ...     model = lamina.Sequential(
    ...         [lamina.Input((X.shape[1],)), lamina.layers.Dense(y.shape[1])]
    ...     )
    ...     model.compile(loss="mse", optimizer="sgd")
    ...     return model
    >>> X = np.random.default_rng(0).normal(size=(20, 3))
    >>> reg = SKLearnRegressor(build, fit_kwargs={"epochs": 2, "verbose": 0})
    >>> reg.fit(X, X.sum(axis=1)).predict(X[:3]).shape  # doctest: +ELLIPSIS
    1/1 ...
    (3,)
    """

    def _more_tags(self) -> dict[str, Any]:
        # scikit-learn < 1.6 reads tags from here.
        return {"poor_score": True}

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.regressor_tags.poor_score = True
        return tags


class SKLearnTransformer(TransformerMixin, SKLBase):
    """scikit-learn transformer around a lamina model (`transform` = predict).

    A transformer in scikit-learn's sense: a pipeline step that maps `X` to new
    features, such as an embedding. `fit` trains the model on `(X, y)`, the
    target a column as for `SKLearnRegressor`; `transform` returns the model's
    outputs. Wrap a trained one in `sklearn.frozen.FrozenEstimator` to keep a
    pipeline from training it again.

    Args:
        model: a compiled `Model`, or a callable returning one. A callable is
            called as `model(X=X, y=y, **model_kwargs)` at every `fit`. A
            `Model` instance is cloned (new weights, the same compile
            arguments) before each `fit`, unless `warm_start=True`.
        warm_start: whether a second `fit` continues training `model_`.
        model_kwargs: keyword arguments for `model` when it is a callable.
        fit_kwargs: keyword arguments for `model.fit`; those given to `fit`
            take precedence.

    Attributes:
        model_: the fitted `Model`.
        history_: the `History` returned by `model.fit`.
        n_features_in_: the number of features seen in `fit`.
    """

    def transform(self, X: Any) -> np.ndarray:
        """The model's outputs for `X`.

        Args:
            X: array-like of shape `(n_samples, n_features)`.

        Returns:
            The model's predictions, e.g. `(n_samples, n_outputs)`.
        """
        check_is_fitted(self)
        return self._raw_predict(X)

    def _more_tags(self) -> dict[str, Any]:
        # scikit-learn < 1.6 reads tags from here.
        return {"preserves_dtype": []}

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = []
        return tags
