"""Distillation losses: how a student's outputs are compared with a teacher's."""

from __future__ import annotations

from typing import Any

import torch

from lamina import losses, tree
from lamina.losses.probabilistic import KLDivergence


def _resolve_loss(item: Any) -> Any:
    """A loss name becomes its function (as `keras.losses.get` does); None stays."""
    if item is None or not isinstance(item, str):
        return item
    fn = losses.get(item)
    if fn is None:
        raise ValueError(f"Unknown loss function: '{item}'.")
    return fn


def _resolve_structure(loss: Any, owner: str) -> Any:
    resolved = tree.map_structure(_resolve_loss, loss)
    if all(fn is None for fn in tree.flatten(resolved)):
        raise ValueError(
            f"The `loss` argument in `{owner}` must contain at least one "
            f"non-`None` value. Received: loss={loss!r}"
        )
    return resolved


def _sum_losses(values: list) -> torch.Tensor:
    """Sums scalar losses; a skipped output contributes a plain 0.0."""
    tensors = [v for v in values if isinstance(v, torch.Tensor)]
    device = tensors[0].device if tensors else None
    parts = [torch.as_tensor(v, device=device).float().reshape(()) for v in values]
    return torch.stack(parts).sum()


class DistillationLoss:
    """Base class of the distillation losses.

    Subclasses override `compute_loss(teacher_outputs, student_outputs)`, which
    returns a scalar tensor; they may also override `validate_outputs` and
    `validate_model_compatibility`.
    """

    def compute_loss(
        self, teacher_outputs: Any, student_outputs: Any, **kwargs: Any
    ) -> torch.Tensor:
        """The distillation loss between teacher and student outputs (a scalar).

        Raises:
            NotImplementedError: always, in the base class.
        """
        raise NotImplementedError("Subclasses must implement compute_loss")

    def validate_outputs(self, teacher_outputs: Any, student_outputs: Any) -> None:
        """Checks that teacher and student outputs have the same structure.

        Raises:
            ValueError: when the structures differ.
        """
        tree.assert_same_structure(teacher_outputs, student_outputs)

    def validate_model_compatibility(self, teacher: Any, student: Any) -> None:
        """Checks that this loss can be used with `teacher` and `student`."""


class FeatureDistillation(DistillationLoss):
    """Matches the student's features (a layer's output) with the teacher's.

    The loss is `mean(loss(teacher_features, student_features))`, summed over
    the outputs when `loss` is a structure.

    Args:
        loss: loss name (`"mse"`, `"cosine_similarity"`, ...), loss object, or a
            structure of them matching the features; `None` entries skip an
            output, but at least one must be set. Defaults to `"mse"`.
        teacher_layer_name: the teacher layer whose output is used; `None` for
            the teacher's final output.
        student_layer_name: the student layer whose output is used; `None` for
            the student's final output.

    Raises:
        ValueError: when every loss is `None`, or a loss name is unknown.

    Example:
        >>> import lamina as keras
        >>> fd = keras.distillation.FeatureDistillation(loss="mse")
        >>> float(fd.compute_loss(keras.ops.ones((2, 3)), keras.ops.zeros((2, 3))))
        1.0
    """

    def __init__(
        self,
        loss: Any = "mse",
        teacher_layer_name: str | None = None,
        student_layer_name: str | None = None,
    ) -> None:
        self.teacher_layer_name = teacher_layer_name
        self.student_layer_name = student_layer_name
        self.loss = _resolve_structure(loss, "FeatureDistillation")

    def validate_model_compatibility(self, teacher: Any, student: Any) -> None:
        """Checks that the named layers exist in Functional/Sequential models.

        Raises:
            ValueError: when a layer name is given for a subclassed model, or a
                named layer does not exist.
        """
        if self.teacher_layer_name is None and self.student_layer_name is None:
            return
        subclassed = [
            role
            for role, model in (("teacher", teacher), ("student", student))
            if getattr(model, "inputs", None) is None
        ]
        if subclassed:
            raise ValueError(
                "FeatureDistillation with specific layer names requires "
                f"Functional or Sequential models. The {' and '.join(subclassed)} "
                "model(s) appear to be subclassed (no symbolic inputs/outputs). "
                "Either use Functional/Sequential models, or use "
                "FeatureDistillation without layer names (to distill final "
                "outputs only), or use LogitsDistillation instead."
            )
        for role, model, name in (
            ("teacher", teacher, self.teacher_layer_name),
            ("student", student, self.student_layer_name),
        ):
            if name is not None:
                try:
                    model.get_layer(name=name)
                except ValueError as err:
                    raise ValueError(f"In {role} model: {err}") from err

    def validate_outputs(self, teacher_outputs: Any, student_outputs: Any) -> None:
        """Checks the output structures against each other and against `loss`.

        Raises:
            ValueError: when the structures differ.
        """
        super().validate_outputs(teacher_outputs, student_outputs)
        try:
            tree.assert_same_structure(self.loss, teacher_outputs)
        except ValueError as err:
            raise ValueError(
                f"Loss structure mismatch: the `loss` of FeatureDistillation "
                f"must match the structure of the features. Error: {err}"
            ) from err

    def compute_loss(
        self, teacher_outputs: Any, student_outputs: Any, **kwargs: Any
    ) -> torch.Tensor:
        """The summed mean loss between the features (a scalar)."""

        def one(fn: Any, t: Any, s: Any) -> Any:
            return 0.0 if fn is None else torch.mean(fn(t, s))

        values = tree.map_structure(one, self.loss, teacher_outputs, student_outputs)
        return _sum_losses(tree.flatten(values))

    def get_config(self) -> dict:
        return {
            "loss": losses.serialize(self.loss),
            "teacher_layer_name": self.teacher_layer_name,
            "student_layer_name": self.student_layer_name,
        }

    @classmethod
    def from_config(cls, config: dict) -> FeatureDistillation:
        config = dict(config)
        config["loss"] = losses.deserialize(config["loss"])
        return cls(**config)


class LogitsDistillation(DistillationLoss):
    """Matches the student's logits with the teacher's, softened by a temperature.

    Both logits are divided by `temperature`. A `keras.losses.KLDivergence`
    object (or the class name `"KLDivergence"`) compares the softmax of the
    scaled logits and the result is multiplied by `temperature**2`; any other
    loss (the function name `"kl_divergence"`, the default, included) gets the
    scaled logits themselves:
    `mean(loss(teacher / T, student / T))`.

    Args:
        temperature: positive number, the softmax temperature. Defaults to 3.0.
        loss: loss name, loss object, or a structure of them matching the
            outputs; `None` entries skip an output. Defaults to
            `"kl_divergence"`.

    Raises:
        ValueError: when `temperature` is not a positive number, or every loss
            is `None`.

    Example:
        >>> import lamina as keras
        >>> ld = keras.distillation.LogitsDistillation(
        ...     temperature=2.0, loss=keras.losses.KLDivergence())
        >>> x = keras.ops.ones((2, 3))
        >>> float(ld.compute_loss(x, x))
        0.0
    """

    def __init__(self, temperature: float = 3.0, loss: Any = "kl_divergence") -> None:
        self.temperature = temperature
        self.loss = _resolve_structure(loss, "LogitsDistillation")
        if isinstance(temperature, bool) or not isinstance(temperature, (int, float)):
            raise ValueError(f"temperature must be a number, got {type(temperature)}")
        if temperature <= 0.0:
            raise ValueError(
                f"temperature must be positive. Received: temperature={temperature}"
            )

    def _one(self, fn: Any, teacher: Any, student: Any) -> Any:
        if fn is None:
            return 0.0
        if isinstance(fn, KLDivergence):
            t = torch.softmax(teacher, dim=-1)
            s = torch.softmax(student, dim=-1)
            return torch.mean(fn(t, s)) * (self.temperature**2)
        return torch.mean(fn(teacher, student))

    def compute_loss(
        self, teacher_outputs: Any, student_outputs: Any, **kwargs: Any
    ) -> torch.Tensor:
        """The summed loss between the temperature-scaled logits (a scalar)."""
        t_scaled = tree.map_structure(lambda x: x / self.temperature, teacher_outputs)
        s_scaled = tree.map_structure(lambda x: x / self.temperature, student_outputs)
        values = tree.map_structure(self._one, self.loss, t_scaled, s_scaled)
        return _sum_losses(tree.flatten(values))

    def get_config(self) -> dict:
        return {"temperature": self.temperature, "loss": losses.serialize(self.loss)}

    @classmethod
    def from_config(cls, config: dict) -> LogitsDistillation:
        config = dict(config)
        config["loss"] = losses.deserialize(config["loss"])
        return cls(**config)
