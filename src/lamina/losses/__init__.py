"""Loss functions and classes, with Keras 3's names, defaults and arithmetic.

A loss *function* `fn(y_true, y_pred)` returns per-sample values, reduced
over the last axis; a loss *class* (`MeanSquaredError()`, ...) also weights
them by `sample_weight` and reduces them to a scalar. `get` resolves names
such as `"mse"`; `serialize` / `deserialize` convert to and from the dicts
stored in `.keras` files.
"""

from lamina.losses._reduction import reduce_weighted_values
from lamina.losses._serialization import (
    ALL_CLASSES,
    ALL_FUNCTIONS,
    deserialize,
    get,
    serialize,
)
from lamina.losses.binary import (
    BinaryCrossentropy,
    BinaryFocalCrossentropy,
    binary_crossentropy,
    binary_focal_crossentropy,
)
from lamina.losses.categorical import (
    categorical_crossentropy,
    categorical_focal_crossentropy,
    categorical_generalized_cross_entropy,
    sparse_categorical_crossentropy,
)
from lamina.losses.categorical_classes import (
    CategoricalCrossentropy,
    CategoricalFocalCrossentropy,
    CategoricalGeneralizedCrossEntropy,
    SparseCategoricalCrossentropy,
)
from lamina.losses.hinge import (
    CategoricalHinge,
    Hinge,
    SquaredHinge,
    categorical_hinge,
    hinge,
    squared_hinge,
)
from lamina.losses.loss import Loss, LossFunctionWrapper
from lamina.losses.metric_learning import Circle, circle
from lamina.losses.overlap import CTC, Dice, Tversky, ctc, dice, tversky
from lamina.losses.probabilistic import KLDivergence, Poisson, kl_divergence, poisson
from lamina.losses.regression import (
    CosineSimilarity,
    Huber,
    LogCosh,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    cosine_similarity,
    huber,
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
)

mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence = kl_divergence
logcosh = log_cosh

__all__ = [
    "ALL_CLASSES",
    "ALL_FUNCTIONS",
    "CTC",
    "Circle",
    "KLD",
    "MAE",
    "MAPE",
    "MSE",
    "MSLE",
    "BinaryCrossentropy",
    "BinaryFocalCrossentropy",
    "CategoricalCrossentropy",
    "CategoricalFocalCrossentropy",
    "CategoricalGeneralizedCrossEntropy",
    "CategoricalHinge",
    "CosineSimilarity",
    "Dice",
    "Hinge",
    "Huber",
    "KLDivergence",
    "LogCosh",
    "Loss",
    "LossFunctionWrapper",
    "MeanAbsoluteError",
    "MeanAbsolutePercentageError",
    "MeanSquaredError",
    "MeanSquaredLogarithmicError",
    "Poisson",
    "SparseCategoricalCrossentropy",
    "SquaredHinge",
    "Tversky",
    "binary_crossentropy",
    "binary_focal_crossentropy",
    "categorical_crossentropy",
    "categorical_focal_crossentropy",
    "categorical_generalized_cross_entropy",
    "categorical_hinge",
    "circle",
    "cosine_similarity",
    "ctc",
    "deserialize",
    "dice",
    "get",
    "hinge",
    "huber",
    "kl_divergence",
    "kld",
    "kullback_leibler_divergence",
    "log_cosh",
    "logcosh",
    "mae",
    "mape",
    "mean_absolute_error",
    "mean_absolute_percentage_error",
    "mean_squared_error",
    "mean_squared_logarithmic_error",
    "mse",
    "msle",
    "poisson",
    "reduce_weighted_values",
    "serialize",
    "sparse_categorical_crossentropy",
    "squared_hinge",
    "tversky",
]
