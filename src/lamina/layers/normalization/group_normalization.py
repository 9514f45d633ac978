"""GroupNormalization: normalizes groups of channels within each sample."""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from lamina.layers.base import Layer
from lamina.layers.input_spec import InputSpec
from lamina.layers.normalization._affine import AffineMixin
from lamina.layers.normalization._axes import feature_axis, int_axis


class GroupNormalization(AffineMixin, Layer):
    """Splits the channels into `groups` and normalizes each group per sample.

    The mean and (biased) variance of each group are taken over the group's
    channels and every other non-batch axis. `groups=1` is layer
    normalization over all axes, `groups=-1` (one channel per group) instance
    normalization. `gamma` and `beta` hold one value per channel.

    Args:
        groups: number of groups; must divide the number of channels; -1 means
            one group per channel.
        axis: integer, the channels axis (default -1).
        epsilon: small float added to the variance.
        center: whether to add the offset `beta`.
        scale: whether to multiply by `gamma`.
        beta_initializer, gamma_initializer: initializers of beta and gamma.
        beta_regularizer, gamma_regularizer: optional regularizers.
        beta_constraint, gamma_constraint: optional constraints.

    Input shape:
        rank 2 or more; the channels axis must have a known size.

    Output shape:
        same as the input.

    Example:
    >>> import lamina
    >>> lamina.layers.GroupNormalization(groups=2)(np.ones((2, 5, 4))).shape
    torch.Size([2, 5, 4])
    """

    def __init__(
        self,
        groups: int = 32,
        axis: int = -1,
        epsilon: float = 1e-3,
        center: bool = True,
        scale: bool = True,
        beta_initializer: Any = "zeros",
        gamma_initializer: Any = "ones",
        beta_regularizer: Any = None,
        gamma_regularizer: Any = None,
        beta_constraint: Any = None,
        gamma_constraint: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if (
            isinstance(groups, bool)
            or not isinstance(groups, int)
            or (groups <= 0 and groups != -1)
        ):
            raise ValueError(
                "Received an invalid value for argument `groups`, expected a "
                "positive integer (or `-1` for instance normalization). "
                f"Received: groups={groups!r}"
            )
        int_axis(axis)
        self.groups = groups
        self.axis = axis
        self.epsilon = float(epsilon)
        self.center = bool(center)
        self.scale = bool(scale)
        self._set_affine_args(locals())
        self.supports_masking = True

    def build(self, input_shape: tuple) -> None:
        self._axis, channels = feature_axis(
            self, input_shape, axis_note=" (the channels)"
        )
        self._check_groups(channels)
        self._add_affine((channels,), self.scale, self.center)
        self.input_spec = InputSpec(ndim=len(input_shape), axes={self._axis: channels})
        self.built = True

    def _check_groups(self, channels: int) -> None:
        if self.groups == -1:
            self.groups = channels
        if self.groups > channels:
            raise ValueError(
                f"Layer '{self.name}': the number of groups ({self.groups}) cannot "
                f"be more than the number of channels ({channels}). "
                f"Received: groups={self.groups}"
            )
        if channels % self.groups:
            raise ValueError(
                f"Layer '{self.name}': the number of channels ({channels}) must be "
                f"a multiple of the number of groups ({self.groups}). "
                f"Received: groups={self.groups}"
            )

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        # F.group_norm wants (batch, channels, ...); moving the axis is a view.
        x = inputs.movedim(self._axis, 1)
        if self.gamma is not None or self.beta is None:
            out = F.group_norm(x, self.groups, self.gamma, self.beta, self.epsilon)
        else:
            # torch's group_norm backward fails with a bias but no weight.
            out = F.group_norm(x, self.groups, None, None, self.epsilon)
            out = out + self.beta.reshape(-1, *[1] * (x.ndim - 2))
        return out.movedim(1, self._axis)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "groups": self.groups,
            "axis": self.axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            **self._affine_config(),
        }
