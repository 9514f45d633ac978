"""scikit-learn wrappers: lamina models as sklearn estimators (`keras.wrappers`).

`SKLearnClassifier`, `SKLearnRegressor` and `SKLearnTransformer` need
scikit-learn (the `test` or `examples` extra). `import lamina` does not import
this package, and so not scikit-learn, until `lamina.wrappers` is first used.
"""

from lamina.wrappers.sklearn_wrapper import (
    SKLearnClassifier,
    SKLearnRegressor,
    SKLearnTransformer,
)

__all__ = ["SKLearnClassifier", "SKLearnRegressor", "SKLearnTransformer"]
