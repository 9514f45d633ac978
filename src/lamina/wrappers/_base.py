"""What the scikit-learn wrappers share: the estimator protocol around a model.

scikit-learn is optional (the `test` and `examples` extras). This module imports it
at its top, so `import lamina` does not import this package until `lamina.wrappers`
is first touched. Without scikit-learn the classes still import, and building one
raises an `ImportError` that says what to install.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np

from lamina.models import Model, clone_model

try:
    import sklearn
    from sklearn.base import (
        BaseEstimator,
        ClassifierMixin,
        RegressorMixin,
        TransformerMixin,
    )
    from sklearn.utils.multiclass import type_of_target
    from sklearn.utils.validation import check_is_fitted
except ImportError:  # scikit-learn is an optional extra
    sklearn = None
    check_is_fitted = type_of_target = None

    class BaseEstimator:  # type: ignore[no-redef]
        """Stand-in so the wrappers import without scikit-learn."""

    class ClassifierMixin:  # type: ignore[no-redef]
        """Stand-in so the wrappers import without scikit-learn."""

    class RegressorMixin:  # type: ignore[no-redef]
        """Stand-in so the wrappers import without scikit-learn."""

    class TransformerMixin:  # type: ignore[no-redef]
        """Stand-in so the wrappers import without scikit-learn."""


NEEDS_COMPILE = (
    "Given model needs to be compiled, and have a loss and an optimizer. "
    "Call `model.compile(optimizer=..., loss=...)` in your model-building "
    "function (or before passing the model instance). Received: {what}"
)


try:
    from sklearn.utils.validation import validate_data  # scikit-learn >= 1.6
except ImportError:
    validate_data = None

try:
    from sklearn.utils.metadata_routing import MetadataRequest  # >= 1.3
except ImportError:
    MetadataRequest = None


def _validate_data(estimator: Any, *args: Any, **kwargs: Any) -> Any:
    """sklearn's input validation: 2-D numeric `X`, `n_features_in_`, 1-D `y`."""
    if validate_data is None:  # scikit-learn < 1.6 has it as a method
        return estimator._validate_data(*args, **kwargs)
    return validate_data(estimator, *args, **kwargs)


class SKLBase(BaseEstimator):
    """The scikit-learn estimator protocol around a compiled lamina model.

    Args:
        model: a compiled `Model`, or a callable returning one. A callable is
            called as `model(X=X, y=y, **model_kwargs)` at every `fit` (with
            the validated `X` and the encoded `y` the model will train on).
            A `Model` instance is cloned with `lamina.models.clone_model` and
            compiled like the original before each `fit`, unless
            `warm_start=True`.
        warm_start: whether a second `fit` continues training the fitted
            model (`model_`) instead of starting from a new one. With a
            `Model` instance, the instance itself is trained.
        model_kwargs: keyword arguments passed to `model` when it is a
            callable.
        fit_kwargs: keyword arguments passed to `model.fit` (`epochs`,
            `batch_size`, `verbose`, ...). Those given to the wrapper's `fit`
            take precedence.

    Attributes:
        model_: the fitted `Model`.
        history_: the `History` returned by `model.fit`.
        n_features_in_: the number of features seen in `fit`.
    """

    model_: Any  # set by fit
    history_: Any  # set by fit

    def __init__(
        self,
        model: Any,
        warm_start: bool = False,
        model_kwargs: dict[str, Any] | None = None,
        fit_kwargs: dict[str, Any] | None = None,
    ) -> None:
        if sklearn is None:
            raise ImportError(
                f"{type(self).__name__} requires `scikit-learn` to be installed. "
                "Run `pip install scikit-learn` to install it."
            )
        self.model = model
        self.warm_start = warm_start
        self.model_kwargs = model_kwargs
        self.fit_kwargs = fit_kwargs

    def _more_tags(self) -> dict[str, Any]:
        # scikit-learn < 1.6 reads tags from here.
        return {"non_deterministic": True}

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.non_deterministic = True
        return tags

    def __sklearn_clone__(self) -> SKLBase:
        """A new unfitted wrapper with the same parameters.

        A `Model` instance is passed on as it is (it is cloned at `fit`); the
        other parameters (a subclass's too) are cloned as scikit-learn does.
        """
        params = self.get_params(deep=False)
        new = type(self)(
            **{
                name: value
                if name == "model"
                else sklearn.base.clone(value, safe=False)
                for name, value in params.items()
            }
        )
        if hasattr(self, "_metadata_request"):  # set by set_fit_request
            new._metadata_request = copy.deepcopy(self._metadata_request)
        return new

    def set_fit_request(self, **kwargs: Any) -> SKLBase:
        """Requests metadata for `fit` from meta-estimators (`GridSearchCV`).

        Needs `sklearn.set_config(enable_metadata_routing=True)`. Requested
        metadata, e.g. `sample_weight`, reaches `model.fit`.

        Args:
            **kwargs: `param_name=alias`, the alias one of `True`, `False`,
                `None` or a string.

        Returns:
            The wrapper itself.

        Raises:
            RuntimeError: when metadata routing is not enabled.
        """
        if MetadataRequest is None or not sklearn.get_config().get(
            "enable_metadata_routing", False
        ):
            raise RuntimeError(
                "This method is only available when metadata routing is "
                "enabled. You can enable it using "
                "sklearn.set_config(enable_metadata_routing=True)."
            )
        request = MetadataRequest(owner=type(self).__name__)
        for param, alias in kwargs.items():
            request.fit.add_request(param=param, alias=alias)
        self._metadata_request = request
        return self

    @property
    def epoch_(self) -> int:
        """The number of epochs the last `fit` ran (0 before `fit`)."""
        history = getattr(self, "history_", None)
        return 0 if history is None else len(history.epoch)

    # -- fit / predict --------------------------------------------------------------

    def fit(self, X: Any, y: Any, **kwargs: Any) -> SKLBase:
        """Fits the model.

        Args:
            X: array-like of shape `(n_samples, n_features)`.
            y: array-like of shape `(n_samples,)`.
            **kwargs: passed to `model.fit`, over `fit_kwargs`.

        Returns:
            The wrapper itself.
        """
        warm = self.warm_start and hasattr(self, "model_")
        X, y = _validate_data(self, X, y, reset=not warm)
        y = self._process_target(y, reset=True)
        model = self.model_ if warm else self._get_model(X, y)
        _check_model(model)
        fit_kwargs = {**(self.fit_kwargs or {}), **kwargs}
        self.history_ = model.fit(X, y, **fit_kwargs)
        self.model_ = model
        return self

    def _get_model(self, X: np.ndarray, y: np.ndarray) -> Any:
        if isinstance(self.model, Model):
            if self.warm_start:
                return self.model
            return _clone_compiled(self.model)
        if not callable(self.model):
            raise TypeError(
                "`model` must be a lamina `Model` or a callable that returns a "
                f"compiled `Model`. Received: model={self.model!r} "
                f"(of type {type(self.model).__name__})"
            )
        return self.model(X=X, y=y, **(self.model_kwargs or {}))

    def _raw_predict(self, X: Any) -> np.ndarray:
        check_is_fitted(self)
        X = _validate_data(self, X, reset=False)
        outputs = self.model_.predict(X)
        if isinstance(outputs, (list, tuple)) and len(outputs) == 1:
            # A functional model built with `outputs=[y]` predicts a list of
            # one array in lamina, the array itself in Keras.
            outputs = outputs[0]
        return np.asarray(outputs)

    def predict(self, X: Any) -> np.ndarray:
        """Predicts with the fitted model.

        Args:
            X: array-like of shape `(n_samples, n_features)`.

        Returns:
            Predictions: targets in the form `fit` received them.
        """
        return self._reverse_process_target(self._raw_predict(X))

    def _process_target(self, y: np.ndarray, reset: bool = False) -> np.ndarray:
        """Targets go to the model as a column: `(n_samples, 1)`."""
        _target_type(y)
        return y.reshape(-1, 1) if y.ndim == 1 else y

    def _reverse_process_target(self, y: np.ndarray) -> np.ndarray:
        """A one-column prediction comes back 1-D, as `y` was."""
        if y.ndim == 2 and y.shape[1] == 1:
            return y[:, 0]
        return y


def _target_type(y: np.ndarray) -> str:
    kind = type_of_target(y)
    if kind == "unknown":
        raise ValueError(f"Unknown label type for data: {y!r}")
    return kind


def _check_model(model: Any) -> None:
    if not isinstance(model, Model):
        raise TypeError(
            "`model` must be a lamina `Model` or a callable that returns a compiled "
            f"`Model`. The callable returned: {model!r} (of type "
            f"{type(model).__name__})"
        )
    if not model.compiled or not model.loss or not model.optimizer:
        what = (
            "an uncompiled model"
            if not model.compiled
            else f"loss={model.loss!r}, optimizer={model.optimizer!r}"
        )
        raise RuntimeError(NEEDS_COMPILE.format(what=what))


def _clone_compiled(model: Model) -> Model:
    """A copy with new weights, compiled as `model` is (a fresh optimizer)."""
    clone = clone_model(model)
    if model.compiled and not clone.compiled:
        config = model.get_compile_config()
        if config is not None:
            clone.compile_from_config(config)
    return clone
