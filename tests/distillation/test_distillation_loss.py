"""LogitsDistillation / FeatureDistillation against Keras 3.15.1's values."""

import numpy as np
import pytest
import torch

import lamina
from lamina.distillation import (
    DistillationLoss,
    FeatureDistillation,
    LogitsDistillation,
)


def _pair(seed=0, shape=(6, 5)):
    rng = np.random.default_rng(seed)
    return (
        rng.normal(size=shape).astype("float32") * 2,
        rng.normal(size=shape).astype("float32") * 2,
    )


def _theirs(keras, loss, t, s):
    out = loss.compute_loss(
        keras.ops.convert_to_tensor(t), keras.ops.convert_to_tensor(s)
    )
    return float(keras.ops.convert_to_numpy(out))


def _ours(loss, t, s):
    return float(loss.compute_loss(torch.tensor(t), torch.tensor(s)))


@pytest.mark.parametrize("temperature", [0.5, 1.0, 3.0, 7])
@pytest.mark.parametrize(
    "loss",
    ["kl_divergence", "KLDivergence", "categorical_crossentropy", "mse", "kl_instance"],
)
def test_logits_distillation_matches_keras(keras, temperature, loss):
    t, s = _pair()
    make = {
        "kl_instance": lambda k: k.losses.KLDivergence(),
    }.get(loss, lambda k: loss)
    theirs = _theirs(
        keras, keras.distillation.LogitsDistillation(temperature, make(keras)), t, s
    )
    ours = _ours(LogitsDistillation(temperature, make(lamina)), t, s)
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)


def test_kl_instance_scales_softmax_by_temperature_squared():
    t, s = _pair(1, (3, 4))
    temp = 2.5
    pt = torch.softmax(torch.tensor(t) / temp, -1)
    ps = torch.softmax(torch.tensor(s) / temp, -1)
    by_hand = (pt * torch.log(pt / ps)).sum(-1).mean() * temp**2
    ours = _ours(LogitsDistillation(temp, lamina.losses.KLDivergence()), t, s)
    np.testing.assert_allclose(ours, float(by_hand), rtol=1e-5)


def test_structured_losses_with_a_skipped_output(keras):
    (t1, s1), (t2, s2) = _pair(2), _pair(3)
    k_loss = keras.distillation.LogitsDistillation(2.0, ["mse", None])
    theirs = k_loss.compute_loss(
        [keras.ops.convert_to_tensor(t1), keras.ops.convert_to_tensor(t2)],
        [keras.ops.convert_to_tensor(s1), keras.ops.convert_to_tensor(s2)],
    )
    ours = LogitsDistillation(2.0, ["mse", None]).compute_loss(
        [torch.tensor(t1), torch.tensor(t2)], [torch.tensor(s1), torch.tensor(s2)]
    )
    np.testing.assert_allclose(
        float(ours), float(keras.ops.convert_to_numpy(theirs)), rtol=1e-6
    )


@pytest.mark.parametrize("loss", ["mse", "mae", "cosine_similarity", "huber"])
def test_feature_distillation_matches_keras(keras, loss):
    t, s = _pair(4, (4, 3, 5))
    theirs = _theirs(keras, keras.distillation.FeatureDistillation(loss=loss), t, s)
    ours = _ours(FeatureDistillation(loss=loss), t, s)
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: LogitsDistillation(temperature=0.0), "temperature must be positive"),
        (lambda: LogitsDistillation(temperature="3"), "temperature must be a number"),
        (lambda: LogitsDistillation(loss=[None, None]), "at least one non-`None`"),
        (lambda: FeatureDistillation(loss=None), "at least one non-`None`"),
        (lambda: FeatureDistillation(loss="no_such_loss"), "no_such_loss"),
    ],
)
def test_bad_arguments_raise(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_output_structure_mismatch_raises():
    t, s = (torch.zeros(2, 3),) * 2
    with pytest.raises(ValueError, match="same nested structure"):
        LogitsDistillation().validate_outputs([t, t], t)
    with pytest.raises(ValueError, match="Loss structure mismatch"):
        FeatureDistillation(loss=["mse", "mae"]).validate_outputs(t, s)


def test_base_class_compute_loss_is_abstract():
    with pytest.raises(NotImplementedError, match="compute_loss"):
        DistillationLoss().compute_loss(torch.zeros(1), torch.zeros(1))


def test_config_round_trip():
    logits = LogitsDistillation(temperature=4.0, loss="categorical_crossentropy")
    again = LogitsDistillation.from_config(logits.get_config())
    assert again.temperature == 4.0
    t, s = _pair(5)
    assert _ours(again, t, s) == pytest.approx(_ours(logits, t, s))
    feat = FeatureDistillation("mae", teacher_layer_name="a", student_layer_name="b")
    config = feat.get_config()
    assert (config["teacher_layer_name"], config["student_layer_name"]) == ("a", "b")
    assert _ours(FeatureDistillation.from_config(config), t, s) == pytest.approx(
        float(np.abs(t - s).mean()), rel=1e-6
    )
