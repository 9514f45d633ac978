"""`get` / `serialize` / `deserialize`, configs, names and error messages of losses."""

import inspect

import numpy as np
import pytest
import torch

from lamina import losses

FUNCTION_NAMES = [
    "mean_squared_error",
    "mean_absolute_error",
    "mean_absolute_percentage_error",
    "mean_squared_logarithmic_error",
    "huber",
    "log_cosh",
    "cosine_similarity",
    "binary_crossentropy",
    "binary_focal_crossentropy",
    "categorical_crossentropy",
    "sparse_categorical_crossentropy",
    "categorical_focal_crossentropy",
    "categorical_generalized_cross_entropy",
    "hinge",
    "squared_hinge",
    "categorical_hinge",
    "kl_divergence",
    "poisson",
    "dice",
    "tversky",
    "ctc",
]
CLASS_NAMES = sorted(
    n for n in losses.ALL_CLASSES if n not in ("Loss", "LossFunctionWrapper")
)


@pytest.mark.parametrize(
    ("alias", "name"),
    [
        ("mse", "mean_squared_error"),
        ("MSE", "mean_squared_error"),
        ("mae", "mean_absolute_error"),
        ("mape", "mean_absolute_percentage_error"),
        ("msle", "mean_squared_logarithmic_error"),
        ("kld", "kl_divergence"),
        ("KLD", "kl_divergence"),
        ("bce", "binary_crossentropy"),
        ("huber", "huber"),
        ("log_cosh", "log_cosh"),
    ],
)
def test_get_resolves_keras_names(keras, alias, name):
    assert losses.get(alias) is getattr(losses, name)
    assert keras.losses.get(alias).__name__ == name


@pytest.mark.parametrize(
    ("alias", "name"),
    [("kullback_leibler_divergence", "kl_divergence"), ("logcosh", "log_cosh")],
)
def test_get_resolves_keras2_aliases(alias, name):
    assert losses.get(alias) is getattr(losses, name)
    assert getattr(losses, alias) is getattr(losses, name)


def test_get_class_names_callables_and_none(keras):
    mse = losses.get("MeanSquaredError")
    assert isinstance(mse, losses.MeanSquaredError)
    assert isinstance(
        keras.losses.get("MeanSquaredError"), keras.losses.MeanSquaredError
    )
    assert isinstance(losses.get(losses.Huber), losses.Huber)
    instance = losses.Huber(delta=2.0)
    assert losses.get(instance) is instance

    def custom(y_true, y_pred):
        return (y_true - y_pred).abs()

    assert losses.get(custom) is custom
    assert losses.get(None) is None


def test_get_unknown_name_suggests_close_matches():
    with pytest.raises(
        ValueError, match=r"Unknown loss function: 'mse2'\. Did you mean 'mse'"
    ):
        losses.get("mse2")
    with pytest.raises(ValueError, match="Did you mean 'MeanSquaredError'"):
        losses.get("MeanSquaredErorr")
    with pytest.raises(ValueError, match="Could not interpret loss identifier: 3"):
        losses.get(3)


@pytest.mark.parametrize("name", FUNCTION_NAMES)
def test_function_serialization_matches_keras(keras, name):
    fn = getattr(losses, name)
    assert losses.serialize(fn) == keras.losses.serialize(getattr(keras.losses, name))
    assert losses.deserialize(losses.serialize(fn)) is fn
    assert losses.get(losses.serialize(fn)) is fn


@pytest.mark.parametrize("name", CLASS_NAMES)
def test_class_serialization_matches_keras(keras, name):
    ours = losses.serialize(getattr(losses, name)(reduction="sum"))
    theirs = keras.losses.serialize(getattr(keras.losses, name)(reduction="sum"))
    # lamina also stores arguments Keras leaves out of the config (Huber's delta, ...)
    extra = set(ours["config"]) - set(theirs["config"])
    assert extra <= {"delta", "axis"}, extra
    assert {k: ours["config"][k] for k in theirs["config"]} == theirs["config"]
    assert {k: v for k, v in ours.items() if k != "config"} == {
        k: v for k, v in theirs.items() if k != "config"
    }
    rebuilt = losses.deserialize(ours)
    assert type(rebuilt) is getattr(losses, name)
    assert rebuilt.get_config() == ours["config"]
    if name != "CategoricalGeneralizedCrossEntropy":  # Keras cannot read its own
        assert type(keras.losses.deserialize(ours)) is getattr(keras.losses, name)
    assert type(losses.deserialize(theirs)) is getattr(losses, name)


def test_class_configs_round_trip_arguments():
    loss = losses.BinaryFocalCrossentropy(
        apply_class_balancing=True, alpha=0.3, gamma=1.0, from_logits=True, name="bfc"
    )
    config = loss.get_config()
    assert config == {
        "name": "bfc",
        "reduction": "sum_over_batch_size",
        "apply_class_balancing": True,
        "alpha": 0.3,
        "gamma": 1.0,
        "from_logits": True,
        "label_smoothing": 0.0,
        "axis": -1,
    }
    clone = losses.BinaryFocalCrossentropy.from_config(config)
    y_true, y_pred = torch.tensor([[1.0, 0.0]]), torch.tensor([[0.3, -2.0]])
    torch.testing.assert_close(clone(y_true, y_pred), loss(y_true, y_pred))
    assert losses.Huber.from_config(
        losses.Huber(delta=3.0).get_config()
    )._fn_kwargs == {"delta": 3.0}
    assert losses.MeanSquaredError(dtype="float64").get_config()["dtype"] == "float64"


def test_loss_function_wrapper_round_trip(keras):
    from keras.src.losses.losses import LossFunctionWrapper as KerasWrapper

    ours = losses.LossFunctionWrapper(
        losses.huber, name="h", reduction="sum", delta=3.0
    )
    theirs = KerasWrapper(keras.losses.huber, name="h", reduction="sum", delta=3.0)
    assert losses.serialize(ours) == keras.losses.serialize(theirs)
    rebuilt = losses.deserialize(losses.serialize(ours))
    assert rebuilt.fn is losses.huber
    assert rebuilt._fn_kwargs == {"delta": 3.0}
    y_true, y_pred = np.zeros((2, 3), "float32"), np.full((2, 3), 5.0, "float32")
    np.testing.assert_allclose(
        rebuilt(y_true, y_pred).numpy(), theirs(y_true, y_pred).numpy()
    )


def test_custom_loss_classes_and_functions_deserialize():
    class Scaled(losses.Loss):
        def call(self, y_true, y_pred):
            return (y_true - y_pred).abs().mean(dim=-1)

    config = losses.serialize(Scaled(name="s"))
    assert config["class_name"] == "Scaled"
    assert config["registered_name"] == "Scaled"
    rebuilt = losses.deserialize(config, custom_objects={"Scaled": Scaled})
    assert isinstance(rebuilt, Scaled)
    assert rebuilt.name == "s"

    def my_loss(y_true, y_pred):
        return y_true - y_pred

    assert (
        losses.deserialize(losses.serialize(my_loss), {"my_loss": my_loss}) is my_loss
    )
    with pytest.raises(ValueError, match="Unknown loss class: 'Nope'"):
        losses.deserialize({"class_name": "Nope", "config": {}})
    with pytest.raises(ValueError, match="expected a name or a dict"):
        losses.deserialize(["mse"])


def test_keras2_auto_reduction_is_read_as_default():
    loss = losses.deserialize(
        {"class_name": "MeanSquaredError", "config": {"name": "m", "reduction": "auto"}}
    )
    assert loss.reduction == "sum_over_batch_size"


def test_default_names_and_signatures_match_keras(keras):
    for name in CLASS_NAMES:
        ours, theirs = getattr(losses, name), getattr(keras.losses, name)
        assert ours().name == theirs().name, name
        ours_sig = inspect.signature(ours).parameters
        theirs_sig = inspect.signature(theirs).parameters
        assert list(ours_sig) == list(theirs_sig), name
        assert all(ours_sig[p].default == theirs_sig[p].default for p in theirs_sig), (
            name
        )
    for name in FUNCTION_NAMES:
        ours = inspect.signature(getattr(losses, name)).parameters
        theirs = inspect.signature(getattr(keras.losses, name)).parameters
        assert list(ours) == list(theirs), name
    assert list(inspect.signature(losses.Loss).parameters) == [
        "name",
        "reduction",
        "dtype",
    ]


def test_base_loss_names_are_unique():
    first, second = losses.Loss(), losses.Loss()
    assert first.name != second.name
    assert first.name.startswith("loss")
    with pytest.raises(NotImplementedError, match="must implement `call"):
        first(torch.zeros(1), torch.zeros(1))


def test_invalid_reduction_is_rejected():
    with pytest.raises(
        ValueError, match=r"Invalid value for argument `reduction`.*reduction='auto'"
    ):
        losses.MeanSquaredError(reduction="auto")


def test_incompatible_shapes_name_both():
    with pytest.raises(
        ValueError, match=r"y_true.shape=\(4, 2\), y_pred.shape=\(4, 3\)"
    ):
        losses.MeanSquaredError()(np.zeros((4, 2)), np.zeros((4, 3)))
    with pytest.raises(
        ValueError, match=r"same shape.*y_true.shape=\(4,\), y_pred.shape=\(4, 3\)"
    ):
        losses.BinaryCrossentropy()(np.zeros(4), np.zeros((4, 3)))
    with pytest.raises(ValueError, match=r"same shape.*\(4, 3\).*\(4, 2\)"):
        losses.categorical_crossentropy(np.zeros((4, 3)), np.zeros((4, 2)))
    with pytest.raises(ValueError, match=r"without its class axis.*\(3,\).*\(4, 3\)"):
        losses.sparse_categorical_crossentropy(np.zeros(3), np.zeros((4, 3)))
    with pytest.raises(
        ValueError, match=r"sample_weight.shape=\(2,\), losses.shape=\(2, 3\)"
    ):
        losses.MeanSquaredError()(np.zeros((2, 3, 4)), np.zeros((2, 3, 4)), np.ones(2))
    with pytest.raises(ValueError, match="`axis` must be of type `int`"):
        losses.categorical_crossentropy(np.zeros((1, 2)), np.zeros((1, 2)), axis=True)
    with pytest.raises(
        ValueError, match=r"`q` must be in the interval \(0, 1\)\. Received: q=2"
    ):
        losses.CategoricalGeneralizedCrossEntropy(q=2)
    with pytest.raises(ValueError, match=r"`ctc` expects .*y_true.shape=\(2,\)"):
        losses.ctc(np.zeros(2), np.zeros((2, 3, 4)))


@pytest.mark.parametrize(
    "name", [n for n in CLASS_NAMES if n != "CTC"]
)  # no meta kernel
def test_losses_run_without_reading_values(name):
    """Meta tensors hold no data: any host read (`.item()`, `if tensor`) would fail."""
    shapes = {
        "SparseCategoricalCrossentropy": (4,),
        "CategoricalGeneralizedCrossEntropy": (4,),
        "Circle": (4,),  # integer labels of the (4, 3) embeddings
    }
    kwargs = {"SparseCategoricalCrossentropy": {"ignore_class": 0}}.get(name, {})
    if name == "CTC":
        y_true, y_pred = (
            torch.ones(4, 2, device="meta"),
            torch.ones(4, 5, 3, device="meta"),
        )
    else:
        y_true = torch.ones(shapes.get(name, (4, 3)), device="meta")
        y_pred = torch.ones(4, 3, device="meta")
    sw = torch.ones(4, device="meta")
    for reduction in ("sum_over_batch_size", "mean_with_sample_weight", "sum"):
        out = getattr(losses, name)(reduction=reduction, **kwargs)(y_true, y_pred, sw)
        assert out.device.type == "meta"
        assert out.dim() == 0


def test_gradients_flow_through_the_loss():
    y_pred = torch.tensor([[0.2, -1.0, 3.0]], requires_grad=True)
    loss = losses.CategoricalCrossentropy(from_logits=True)(
        torch.tensor([[0.0, 1.0, 0.0]]), y_pred
    )
    loss.backward()
    expected = torch.softmax(y_pred.detach(), -1) - torch.tensor([[0.0, 1.0, 0.0]])
    torch.testing.assert_close(y_pred.grad, expected)
