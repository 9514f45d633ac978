"""`Distiller`: trains a student model from a frozen teacher model."""

from __future__ import annotations

import warnings
from typing import Any

import torch

from lamina import tree
from lamina.distillation.distillation_loss import _resolve_loss
from lamina.metrics import Mean
from lamina.models import Model, Sequential
from lamina.saving import deserialize_keras_object, serialize_keras_object

_FINAL = "final_output"


def _check_shapes(teacher_shape: Any, student_shape: Any, what: str) -> None:
    t, s = tuple(teacher_shape), tuple(student_shape)
    if len(t) != len(s):
        raise ValueError(
            f"Teacher and student {what} shapes have different dimensions. "
            f"Teacher: {t}, Student: {s}."
        )
    if any(a is not None and b is not None and a != b for a, b in zip(t, s)):
        raise ValueError(
            f"Teacher and student {what} shapes are incompatible. Teacher: {t}, "
            f"Student: {s}. All dimensions must match."
        )


def _check_dtypes(teacher_dtype: Any, student_dtype: Any, what: str) -> None:
    if teacher_dtype != student_dtype:
        raise ValueError(
            f"Teacher and student {what} dtypes must match. "
            f"Teacher: {teacher_dtype}, Student: {student_dtype}."
        )


def _check_models(teacher: Any, student: Any) -> None:
    """Both are models; symbolic inputs/outputs (if any) agree in shape and dtype."""
    for role, model in (("Teacher", teacher), ("Student", student)):
        if not isinstance(model, Model):
            raise ValueError(f"{role} must be a keras.Model, got {type(model)}")
    for attr, what in (("inputs", "input"), ("outputs", "output")):
        t, s = getattr(teacher, attr, None), getattr(student, attr, None)
        if t is None or s is None:
            continue
        tree.map_structure(
            lambda a, b, w=what: _check_shapes(a.shape, b.shape, w), t, s
        )
        tree.map_structure(
            lambda a, b, w=what: _check_dtypes(a.dtype, b.dtype, w), t, s
        )


def _check_student_loss_weight(weight: Any) -> None:
    if isinstance(weight, bool) or not isinstance(weight, (int, float)):
        raise ValueError(f"student_loss_weight must be a number, got {type(weight)}")
    if not 0.0 <= weight <= 1.0:
        raise ValueError(
            f"student_loss_weight must be between 0.0 and 1.0, got {weight}"
        )


def _losses_and_weights(losses: Any, weights: Any) -> tuple[list, list]:
    if losses is None:
        raise ValueError(
            "'distillation_losses' cannot be `None`. Provide a distillation loss "
            "(e.g., LogitsDistillation or FeatureDistillation) or a list of "
            "distillation losses."
        )
    if not isinstance(losses, (list, tuple)):
        return [losses], [1.0]
    if weights is None:
        return list(losses), [1.0] * len(losses)
    if len(weights) != len(losses):
        raise ValueError(
            f"Number of distillation_loss_weights ({len(weights)}) must match "
            f"number of distillation_losses ({len(losses)})"
        )
    return list(losses), list(weights)


def _feature_extractor(model: Any, layer_names: list[str]) -> Model | None:
    """A model giving `{"final_output": ..., name: layer output, ...}`, or None."""
    if not layer_names:
        return None
    if getattr(model, "inputs", None) is None:
        raise ValueError(
            f"Cannot create feature extractor for {model.name}. The model has no "
            "symbolic inputs attribute."
        )
    final = model.layers[-1].output if isinstance(model, Sequential) else model.output
    outputs = {_FINAL: final}
    for name in layer_names:
        outputs[name] = model.get_layer(name=name).output
    return Model(
        inputs=model.inputs,
        outputs=outputs,
        name=f"{model.name}_multi_feature_extractor",
    )


def _as_scalar(value: Any) -> torch.Tensor:
    return value if isinstance(value, torch.Tensor) else torch.tensor(float(value))


class Distiller(Model):
    """Knowledge distillation: a student model learns from a frozen teacher.

    The loss of each step is
    `student_loss_weight * student_loss
    + (1 - student_loss_weight) * sum_i(w_i * distillation_loss_i)`, where
    `student_loss` is the compiled `loss` on the labels (sample weights are
    ignored) and each distillation loss compares teacher and student outputs
    (or, for `FeatureDistillation` with layer names, those layers' outputs).
    The teacher is frozen (`trainable = False`); calling the distiller runs the
    student. `fit` logs `loss`, the compiled metrics, `student_loss`,
    `distillation_loss` and `total_loss`.

    Args:
        teacher: the trained `keras.Model` to learn from. It is frozen.
        student: the `keras.Model` to train.
        distillation_losses: one `DistillationLoss` or a list of them.
        distillation_loss_weights: a weight per distillation loss (the same
            length as `distillation_losses`); `None` gives each weight 1.0.
        student_loss_weight: weight of the supervised loss, in [0, 1].
            Defaults to 0.5.
        name: the model's name. Defaults to `"distiller"`.

    Raises:
        ValueError: when teacher or student is not a model, their input/output
            shapes or dtypes differ, `student_loss_weight` is out of range,
            `distillation_losses` is None, the weights have the wrong length, or
            a distillation loss does not fit the models (e.g. an unknown
            layer name).

    Example:
        >>> import lamina as keras
        >>> def mlp():
        ...     return keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
        >>> teacher = mlp()
        >>> distiller = keras.distillation.Distiller(
        ...     teacher, mlp(), keras.distillation.LogitsDistillation(temperature=2.0))
        >>> distiller.compile("sgd", loss="mse")
        >>> x, y = keras.ops.ones((8, 4)), keras.ops.zeros((8, 3))
        >>> sorted(distiller.fit(x, y, epochs=1, verbose=0).history)
        ['distillation_loss', 'loss', 'student_loss', 'total_loss']
    """

    def __init__(
        self,
        teacher: Model,
        student: Model,
        distillation_losses: Any,
        distillation_loss_weights: Any = None,
        student_loss_weight: float = 0.5,
        name: str = "distiller",
        **kwargs: Any,
    ) -> None:
        super().__init__(name=name, **kwargs)
        _check_models(teacher, student)
        self.teacher = teacher
        self.student = student
        _check_student_loss_weight(student_loss_weight)
        self.student_loss_weight = student_loss_weight
        self.distillation_losses, self.distillation_loss_weights = _losses_and_weights(
            distillation_losses, distillation_loss_weights
        )
        for loss in self.distillation_losses:
            loss.validate_model_compatibility(teacher, student)
        self._build_extractors()
        self.teacher.trainable = False
        self.student_loss_tracker = Mean(name="student_loss")
        self.distillation_loss_tracker = Mean(name="distillation_loss")
        self.total_loss_tracker = Mean(name="total_loss")
        self._student_loss: Any = None

    def _build_extractors(self) -> None:
        teacher_names: list[str] = []
        student_names: list[str] = []
        for loss in self.distillation_losses:
            for attr, names in (
                ("teacher_layer_name", teacher_names),
                ("student_layer_name", student_names),
            ):
                name = getattr(loss, attr, None)
                if name and name not in names:
                    names.append(name)
        self._teacher_feature_extractor = _feature_extractor(
            self.teacher, teacher_names
        )
        self._student_feature_extractor = _feature_extractor(
            self.student, student_names
        )

    def compile(
        self,
        optimizer: Any = "adam",
        loss: Any = None,
        metrics: Any = None,
        **kwargs: Any,
    ) -> None:
        """Configures training; `loss` is the student's supervised loss.

        Raises:
            ValueError: when `loss` is None, or `metrics` is not a list/tuple.
        """
        if loss is None:
            raise ValueError(
                "'loss' cannot be `None`: pass the student's supervised loss, "
                "e.g. compile(loss='sparse_categorical_crossentropy')."
            )
        if metrics is not None and not isinstance(metrics, (list, tuple)):
            raise ValueError(f"metrics must be a list or tuple, got {type(metrics)}")
        self._student_loss = tree.map_structure(_resolve_loss, loss)
        self._student_loss_for_serialization = loss
        super().compile(optimizer=optimizer, loss=None, metrics=metrics, **kwargs)
        saved = self.__dict__.get("_compile_args")
        if saved is not None:  # the saved compile_config keeps the student's loss
            saved["loss"] = loss

    def compile_from_config(self, config: Any) -> None:
        """Compiles from a saved `compile_config`; one without the student's loss
        (Keras saves an empty one for a Distiller) leaves the model uncompiled."""
        if not config or config.get("loss") is None:
            warnings.warn(
                "The Distiller was loaded uncompiled: its file has no student "
                "loss. Call compile(optimizer, loss=...) before fit().",
                stacklevel=2,
            )
            return
        super().compile_from_config(config)

    def call(self, inputs: Any, training: bool | None = None, **kwargs: Any) -> Any:
        """Runs the student."""
        return self.student(inputs, training=training, **kwargs)

    # -- the loss -------------------------------------------------------------------
    def _supervised_loss(self, y: Any, y_pred: Any) -> Any:
        values = tree.map_structure(
            lambda fn, t, p: fn(t, p), self._student_loss, y, y_pred
        )
        flat = tree.flatten(values)
        loss = torch.stack(flat).sum() if len(flat) > 1 else flat[0]
        return torch.mean(loss) if loss.dim() > 0 else loss

    def _features(self, loss: Any, features: dict, role: str) -> Any:
        name = getattr(loss, f"{role}_layer_name", None) or _FINAL
        if name not in features:
            raise RuntimeError(
                f"Failed to extract features for {type(loss).__name__}: layer "
                f"'{name}' of the {role} is not among the extracted features "
                f"{list(features)}."
            )
        return features[name]

    def _distillation_loss(self, x: Any, y_pred: Any) -> Any:
        with torch.no_grad():
            if self._teacher_feature_extractor is not None:
                teacher = self._teacher_feature_extractor(x, training=False)
            else:
                teacher = {_FINAL: self.teacher(x, training=False)}
        student = (
            self._student_feature_extractor(x, training=True)
            if self._student_feature_extractor is not None
            else {_FINAL: y_pred}
        )
        total: Any = 0.0
        for loss_fn, weight in zip(
            self.distillation_losses, self.distillation_loss_weights
        ):
            if getattr(loss_fn, "teacher_layer_name", None) is not None:
                t_out = self._features(loss_fn, teacher, "teacher")
                s_out = self._features(loss_fn, student, "student")
            else:
                t_out, s_out = teacher[_FINAL], y_pred
            loss_fn.validate_outputs(t_out, s_out)
            value = loss_fn.compute_loss(t_out, s_out)
            if isinstance(value, torch.Tensor) and value.dim() > 0:
                raise ValueError(
                    f"Distillation loss {type(loss_fn).__name__} returned a "
                    f"non-scalar loss with shape {tuple(value.shape)}. The "
                    "compute_loss method must return a scalar tensor."
                )
            total = total + weight * value
        return total

    def compute_loss(
        self,
        x: Any = None,
        y: Any = None,
        y_pred: Any = None,
        sample_weight: Any = None,
        training: bool = True,
    ) -> torch.Tensor:
        """The weighted sum of the student and distillation losses; updates the
        `student_loss`, `distillation_loss` and `total_loss` trackers."""
        del sample_weight  # Keras's Distiller ignores sample weights too
        if self._student_loss is None:
            raise ValueError(
                "The Distiller is not compiled: call compile(optimizer, loss=...) "
                "before fit() or evaluate()."
            )
        if y_pred is None:
            y_pred = self(x, training=training)
        w = self.student_loss_weight
        student: Any = 0.0
        if w > 0.0 and y is not None:
            student = self._supervised_loss(y, y_pred)
        distill: Any = self._distillation_loss(x, y_pred) if w < 1.0 else 0.0
        student, distill = _as_scalar(student), _as_scalar(distill)
        total = w * student + (1.0 - w) * distill
        self.student_loss_tracker.update_state(student.detach())
        self.distillation_loss_tracker.update_state(distill.detach())
        self.total_loss_tracker.update_state(total.detach())
        return total

    def reset_metrics(self) -> None:
        """Resets the compiled metrics and the three loss trackers."""
        super().reset_metrics()
        for tracker in (
            self.student_loss_tracker,
            self.distillation_loss_tracker,
            self.total_loss_tracker,
        ):
            tracker.reset_state()

    # -- config ---------------------------------------------------------------------
    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "teacher": serialize_keras_object(self.teacher),
                "student": serialize_keras_object(self.student),
                "distillation_losses": [
                    serialize_keras_object(loss) for loss in self.distillation_losses
                ],
                "distillation_loss_weights": self.distillation_loss_weights,
                "student_loss_weight": self.student_loss_weight,
            }
        )
        return config

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> Distiller:
        config = dict(config)
        for key in ("teacher", "student"):
            config[key] = deserialize_keras_object(
                config[key], custom_objects=custom_objects
            )
        config["distillation_losses"] = [
            deserialize_keras_object(loss, custom_objects=custom_objects)
            for loss in config["distillation_losses"]
        ]
        return cls(**config)
