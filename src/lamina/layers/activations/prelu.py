"""PReLU: a leaky rectifier whose negative slopes are learned."""

from __future__ import annotations

from typing import Any

import torch

from lamina import constraints, initializers, regularizers
from lamina.layers.base import Layer
from lamina.layers.input_spec import InputSpec


class PReLU(Layer):
    """Parametric ReLU: `x` if `x >= 0`, else `alpha * x`, `alpha` learned.

    `alpha` has the shape of one sample (`input_shape[1:]`), with size 1 on each
    axis of `shared_axes` (e.g. `shared_axes=[1, 2]` shares one slope per channel
    across an image's height and width).

    Args:
        alpha_initializer: initializer of `alpha` (default `"Zeros"`).
        alpha_regularizer: regularizer of `alpha`.
        alpha_constraint: constraint on `alpha`.
        shared_axes: axis or axes (1-based, batch excluded) along which `alpha`
            is shared.

    Input shape:
        Any, with a known size on every non-shared axis.

    Output shape:
        Same as the input.

    Example:
    >>> import lamina
    >>> layer = lamina.layers.PReLU(alpha_initializer="ones")
    >>> layer(np.array([[-2.0, 3.0]])).tolist()
    [[-2.0, 3.0]]
    """

    def __init__(
        self,
        alpha_initializer: Any = "Zeros",
        alpha_regularizer: Any = None,
        alpha_constraint: Any = None,
        shared_axes: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.supports_masking = True
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        if shared_axes is None:
            self.shared_axes = None
        elif isinstance(shared_axes, (list, tuple)):
            self.shared_axes = list(shared_axes)
        else:
            self.shared_axes = [shared_axes]

    def build(self, input_shape: tuple) -> None:
        shape = list(input_shape[1:])
        for axis in self.shared_axes or []:
            shape[axis - 1] = 1
        if any(s is None for s in shape):
            raise ValueError(
                f"Layer '{self.name}' needs a known size on every axis that is not "
                f"in `shared_axes`. Received input shape={tuple(input_shape)}, "
                f"shared_axes={self.shared_axes}"
            )
        self.alpha = self.add_weight(
            shape=tuple(shape),
            initializer=self.alpha_initializer,
            regularizer=self.alpha_regularizer,
            constraint=self.alpha_constraint,
            name="alpha",
        )
        axes = {
            i: input_shape[i]
            for i in range(1, len(input_shape))
            if i not in (self.shared_axes or [])
        }
        self.input_spec = InputSpec(ndim=len(input_shape), axes=axes)
        self.built = True

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        return torch.relu(inputs) - self.alpha * torch.relu(-inputs)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "alpha_initializer": initializers.serialize(self.alpha_initializer),
            "alpha_regularizer": regularizers.serialize(self.alpha_regularizer),
            "alpha_constraint": constraints.serialize(self.alpha_constraint),
            "shared_axes": self.shared_axes,
        }
