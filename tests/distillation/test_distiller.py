"""Distiller: fit/evaluate/predict against Keras 3.15.1, freezing, log keys, errors."""

import warnings

import numpy as np
import pytest
import torch

import lamina
from lamina.distillation import Distiller, FeatureDistillation, LogitsDistillation

RNG = np.random.default_rng(0)
X = RNG.random((10, 4)).astype("float32")
Y = RNG.integers(0, 3, 10)


def _mlp(k, hidden=5, out=3, name=None):
    return k.Sequential(
        [
            k.Input((4,)),
            k.layers.Dense(hidden, activation="relu", name="h"),
            k.layers.Dense(out, name="o"),
        ],
        name=name,
    )


def _twins(keras):
    """Teacher and student in Keras and in lamina, with the same weights."""
    k_models = (_mlp(keras), _mlp(keras))
    l_models = (_mlp(lamina), _mlp(lamina))
    for theirs, ours in zip(k_models, l_models):
        ours.set_weights(theirs.get_weights())
    return k_models, l_models


def _losses(k, kind):
    dist = k.distillation
    if kind == "logits":
        return dist.LogitsDistillation(temperature=2.0), None
    if kind == "kl":
        return dist.LogitsDistillation(4.0, k.losses.KLDivergence()), None
    return [
        dist.LogitsDistillation(temperature=3.0, loss="mse"),
        dist.FeatureDistillation(teacher_layer_name="h", student_layer_name="h"),
    ], [1.0, 0.5]


def _distiller(k, models, kind, weight=0.3):
    losses, weights = _losses(k, kind)
    d = k.distillation.Distiller(
        *models, losses, distillation_loss_weights=weights, student_loss_weight=weight
    )
    d.compile(
        "sgd",
        loss=k.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    return d


@pytest.mark.parametrize(
    ("kind", "weight"), [("logits", 0.3), ("kl", 0.5), ("both", 0.3)]
)
def test_fit_history_matches_keras(keras, kind, weight):
    k_models, l_models = _twins(keras)
    kd = _distiller(keras, k_models, kind, weight)
    ld = _distiller(lamina, l_models, kind, weight)
    fit = {"batch_size": 4, "epochs": 3, "verbose": 0, "shuffle": False}
    theirs = kd.fit(X, Y, **fit).history
    ours = ld.fit(X, Y, **fit).history
    assert sorted(ours) == sorted(theirs)
    assert sorted(ours) == [
        "accuracy",
        "distillation_loss",
        "loss",
        "student_loss",
        "total_loss",
    ]
    for key in theirs:
        np.testing.assert_allclose(ours[key], theirs[key], rtol=1e-5, err_msg=key)
    for a, b in zip(k_models[1].get_weights(), l_models[1].get_weights()):
        np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-6)

    ev = {"batch_size": 4, "verbose": 0, "return_dict": True}
    their_eval = kd.evaluate(X, Y, **ev)
    our_eval = ld.evaluate(X, Y, **ev)
    assert sorted(our_eval) == sorted(their_eval)
    for key in their_eval:
        np.testing.assert_allclose(our_eval[key], their_eval[key], rtol=1e-5)
    np.testing.assert_allclose(
        ld.predict(X, verbose=0), kd.predict(X, verbose=0), rtol=1e-5, atol=1e-6
    )


def test_teacher_is_frozen_and_unchanged_by_fit():
    teacher, student = _mlp(lamina), _mlp(lamina)
    before = [w.copy() for w in teacher.get_weights()]
    student_before = [w.copy() for w in student.get_weights()]
    d = _distiller(lamina, (teacher, student), "both")
    assert teacher.trainable is False
    trainable = {id(w) for w in d.trainable_weights}
    assert trainable == {id(w) for w in student.trainable_weights}
    d.fit(X, Y, batch_size=5, epochs=2, verbose=0)
    for a, b in zip(before, teacher.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert any(
        not np.array_equal(a, b) for a, b in zip(student_before, student.get_weights())
    )


def test_call_runs_the_student():
    teacher, student = _mlp(lamina), _mlp(lamina)
    d = Distiller(teacher, student, LogitsDistillation())
    x = torch.tensor(X)
    torch.testing.assert_close(d(x), student(x))


def test_student_loss_weight_one_skips_distillation():
    d = _distiller(lamina, (_mlp(lamina), _mlp(lamina)), "logits", weight=1.0)
    logs = d.fit(X, Y, batch_size=10, epochs=1, verbose=0).history
    assert logs["distillation_loss"] == [0.0]
    assert logs["total_loss"] == pytest.approx(logs["student_loss"])


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (
            lambda t, s: Distiller(t, _mlp(lamina, out=4), LogitsDistillation()),
            r"output shapes are incompatible",
        ),
        (
            lambda t, s: Distiller(t, "student", LogitsDistillation()),
            "Student must be a keras.Model",
        ),
        (
            lambda t, s: Distiller(t, s, None),
            "'distillation_losses' cannot be `None`",
        ),
        (
            lambda t, s: Distiller(
                t, s, [LogitsDistillation()], distillation_loss_weights=[1.0, 2.0]
            ),
            r"distillation_loss_weights \(2\) must match",
        ),
        (
            lambda t, s: Distiller(t, s, LogitsDistillation(), student_loss_weight=2),
            "between 0.0 and 1.0, got 2",
        ),
        (
            lambda t, s: Distiller(
                t, s, FeatureDistillation(teacher_layer_name="nope")
            ),
            "In teacher model: .*nope",
        ),
        (
            lambda t, s: Distiller(
                t, s, FeatureDistillation(student_layer_name="missing")
            ),
            "In student model: .*missing",
        ),
    ],
)
def test_bad_arguments_raise(make, match):
    with pytest.raises(ValueError, match=match):
        make(_mlp(lamina), _mlp(lamina))


def test_layer_names_need_symbolic_models():
    class Sub(lamina.Model):
        def __init__(self):
            super().__init__()
            self.h = lamina.layers.Dense(3, name="h")

        def call(self, x):
            return self.h(x)

    with pytest.raises(ValueError, match="teacher and student model.*subclassed"):
        Distiller(Sub(), Sub(), FeatureDistillation(teacher_layer_name="h"))


def test_compile_needs_a_loss_and_a_metrics_list():
    d = Distiller(_mlp(lamina), _mlp(lamina), LogitsDistillation())
    with pytest.raises(ValueError, match="'loss' cannot be `None`"):
        d.compile("sgd")
    with pytest.raises(ValueError, match="metrics must be a list or tuple"):
        d.compile("sgd", loss="mse", metrics="accuracy")


def test_non_scalar_custom_loss_raises():
    class PerSample(lamina.distillation.DistillationLoss):
        def compute_loss(self, teacher_outputs, student_outputs, **kwargs):
            return ((teacher_outputs - student_outputs) ** 2).mean(-1)

    d = Distiller(_mlp(lamina), _mlp(lamina), PerSample())
    d.compile("sgd", loss="sparse_categorical_crossentropy")
    with pytest.raises(ValueError, match="PerSample returned a non-scalar loss"):
        d.fit(X, Y, batch_size=5, epochs=1, verbose=0)


def test_get_config_lists_the_parts():
    d = Distiller(
        _mlp(lamina),
        _mlp(lamina),
        [LogitsDistillation(2.0), FeatureDistillation("mae", "h", "h")],
        distillation_loss_weights=[1.0, 0.25],
        student_loss_weight=0.4,
    )
    config = d.get_config()
    assert config["name"] == "distiller"
    assert config["distillation_loss_weights"] == [1.0, 0.25]
    assert config["student_loss_weight"] == 0.4
    assert len(config["distillation_losses"]) == 2
    assert {"teacher", "student"} <= set(config)


def test_save_and_load_round_trip(tmp_path):
    d = _distiller(lamina, (_mlp(lamina), _mlp(lamina)), "both", weight=0.4)
    d.fit(X, Y, batch_size=5, epochs=1, verbose=0)
    path = str(tmp_path / "distiller.keras")
    d.save(path)
    loaded = lamina.saving.load_model(path)
    assert isinstance(loaded, Distiller)
    assert loaded.distillation_loss_weights == [1.0, 0.5]
    assert loaded.student_loss_weight == 0.4
    assert loaded.distillation_losses[1].teacher_layer_name == "h"
    np.testing.assert_allclose(loaded.predict(X, verbose=0), d.predict(X, verbose=0))
    ev = {"batch_size": 5, "verbose": 0, "return_dict": True}
    theirs, ours = d.evaluate(X, Y, **ev), loaded.evaluate(X, Y, **ev)
    for key in theirs:
        np.testing.assert_allclose(ours[key], theirs[key], rtol=1e-6)


def test_loads_a_keras_saved_distiller(keras, tmp_path):
    k_models, _ = _twins(keras)
    kd = _distiller(keras, k_models, "kl", weight=0.5)
    kd.predict(X, verbose=0)
    path = str(tmp_path / "keras_distiller.keras")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Keras's own numpy-2 deprecation notes
        kd.save(path)
    with pytest.warns(UserWarning, match="loaded uncompiled"):
        loaded = lamina.saving.load_model(path)
    assert isinstance(loaded, Distiller)
    assert loaded.distillation_losses[0].temperature == 4.0
    assert isinstance(loaded.distillation_losses[0].loss, lamina.losses.KLDivergence)
    np.testing.assert_allclose(
        loaded.predict(X, verbose=0), kd.predict(X, verbose=0), rtol=1e-5, atol=1e-6
    )


def _subclassed(k):
    class Net(k.Model):
        def __init__(self):
            super().__init__()
            self.a = k.layers.Dense(6, activation="tanh")
            self.b = k.layers.Dense(3)

        def call(self, x, training=None):
            return self.b(self.a(x))

    net = Net()
    net(X[:1])
    return net


def test_subclassed_models_adam_and_ignored_sample_weights_match_keras(keras):
    k_models = (_subclassed(keras), _subclassed(keras))
    l_models = (_subclassed(lamina), _subclassed(lamina))
    for theirs, ours in zip(k_models, l_models):
        ours.set_weights(theirs.get_weights())
    sw = RNG.random(10).astype("float32")
    histories = []
    for k, models in ((keras, k_models), (lamina, l_models)):
        d = k.distillation.Distiller(
            *models,
            [
                k.distillation.LogitsDistillation(5.0, k.losses.KLDivergence()),
                k.distillation.FeatureDistillation("cosine_similarity"),
            ],
            distillation_loss_weights=[0.7, 0.2],
            student_loss_weight=0.6,
        )
        d.compile(k.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy")
        fit = {"batch_size": 4, "epochs": 3, "verbose": 0, "shuffle": False}
        histories.append(d.fit(X, Y, sample_weight=sw, **fit).history)
    theirs, ours = histories
    assert sorted(ours) == sorted(theirs)
    for key in theirs:
        np.testing.assert_allclose(ours[key], theirs[key], rtol=1e-5, err_msg=key)


def _functional(k, width):
    inputs = k.Input((4,))
    h = k.layers.Dense(width, activation="relu", name="h")(inputs)
    g = k.layers.Dense(6, name="g")(h)
    return k.Model(inputs, k.layers.Dense(3, name="c")(g))


def test_functional_models_of_different_widths_match_keras(keras):
    k_models = (_functional(keras, 7), _functional(keras, 5))
    l_models = (_functional(lamina, 7), _functional(lamina, 5))
    for theirs, ours in zip(k_models, l_models):
        ours.set_weights(theirs.get_weights())
    histories = []
    for k, models in ((keras, k_models), (lamina, l_models)):
        d = k.distillation.Distiller(
            *models,
            [
                k.distillation.LogitsDistillation(3.0),
                k.distillation.FeatureDistillation("mse", "g", "g"),
            ],
            distillation_loss_weights=[1.0, 0.3],
            student_loss_weight=0.2,
        )
        d.compile("adam", loss="sparse_categorical_crossentropy")
        fit = {"batch_size": 3, "epochs": 2, "verbose": 0, "shuffle": False}
        histories.append(d.fit(X, Y, **fit).history)
    theirs, ours = histories
    for key in theirs:
        np.testing.assert_allclose(ours[key], theirs[key], rtol=1e-5, err_msg=key)
