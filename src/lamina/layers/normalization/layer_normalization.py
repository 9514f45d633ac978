"""LayerNormalization: normalizes each sample over its feature axes."""

from __future__ import annotations

import warnings
from typing import Any

import torch
import torch.nn.functional as F

from lamina.layers.base import Layer
from lamina.layers.input_spec import InputSpec
from lamina.layers.normalization import _axes
from lamina.layers.normalization._affine import AffineMixin

_RMS_WARNING = (
    "You passed `rms_scaling=True`, which is deprecated. This argument scales "
    "the input by the variance, not the root mean square (as Keras 3 does). "
    "For RMS normalization use `RMSNormalization` instead."
)


class LayerNormalization(AffineMixin, Layer):
    """Normalizes each sample: `gamma * (x - mean) / sqrt(var + epsilon) + beta`.

    The mean and (biased) variance are taken over `axis` for each sample
    separately, so the result does not depend on the batch. `gamma` and `beta`
    have the shape of the normalized axes.

    Args:
        axis: integer or list of integers, the axes to normalize (default -1).
        epsilon: small float added to the variance.
        center: whether to add the offset `beta`.
        scale: whether to multiply by `gamma`.
        beta_initializer, gamma_initializer: initializers of beta and gamma.
        beta_regularizer, gamma_regularizer: optional regularizers.
        beta_constraint, gamma_constraint: optional constraints.
        **kwargs: base layer arguments (`name`, `dtype`, ...), and the
            deprecated keyword `rms_scaling` (as in Keras 3, warned): no
            centering and no `beta`, `x * gamma / sqrt(var + epsilon)`, where
            `var` is the variance (not the mean square) of `x`.

    Input shape:
        any rank; the normalized axes must have known sizes.

    Output shape:
        same as the input.

    Example:
    >>> import lamina
    >>> lamina.layers.LayerNormalization()(np.ones((2, 3))).shape
    torch.Size([2, 3])
    """

    def __init__(
        self,
        axis: Any = -1,
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
        # Keras 3 takes the deprecated `rms_scaling` only as a keyword.
        rms_scaling = kwargs.pop("rms_scaling", False)
        super().__init__(**kwargs)
        self.axis = _axes.axis_list(axis)
        self.epsilon = float(epsilon)
        self.center = bool(center)
        self.scale = bool(scale)
        self.rms_scaling = bool(rms_scaling)
        if self.rms_scaling:
            warnings.warn(_RMS_WARNING, UserWarning, stacklevel=2)
        self._set_affine_args(locals())
        self.supports_masking = True
        # As Keras: inputs keep their dtype; `call` computes in at least float32.
        self.autocast = False

    def build(self, input_shape: tuple) -> None:
        rank = len(input_shape)
        axes = _axes.resolve_axes(self.name, self.axis, rank)
        sizes = _axes.known_sizes(self.name, input_shape, axes)
        self._axes = axes
        # Trailing axes: F.layer_norm's fused kernel applies directly.
        self._trailing = axes == list(range(rank - len(axes), rank))
        self._param_shape = _axes.broadcast_shape(rank, axes, sizes)
        scale = self.scale or self.rms_scaling
        self._add_affine(sizes, scale, self.center and not self.rms_scaling)
        self.input_spec = InputSpec(ndim=rank, axes=dict(zip(axes, sizes, strict=True)))
        self.built = True

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        # float16/bfloat16 (and integer) inputs are normalized in float32, then
        # cast to the compute dtype, as Keras does for stability.
        x = inputs if inputs.dtype == torch.float64 else inputs.float()
        out = self._normalize(x).to(self._dtype_policy.torch_compute_dtype)
        return out

    def _normalize(self, x: torch.Tensor) -> torch.Tensor:
        gamma, beta = self._cast(self.gamma, x.dtype), self._cast(self.beta, x.dtype)
        if self.rms_scaling:
            var = torch.var(x, dim=self._axes, keepdim=True, correction=0)
            out = x * torch.rsqrt(var + self.epsilon)
            return out * self._broadcast(gamma) if gamma is not None else out
        if self._trailing:
            shape = x.shape[self._axes[0] :]
            return F.layer_norm(x, shape, gamma, beta, self.epsilon)
        var, mean = torch.var_mean(x, dim=self._axes, keepdim=True, correction=0)
        out = (x - mean) * torch.rsqrt(var + self.epsilon)
        if gamma is not None:
            out = out * self._broadcast(gamma)
        if beta is not None:
            out = out + self._broadcast(beta)
        return out

    @staticmethod
    def _cast(weight: torch.Tensor | None, dtype: torch.dtype) -> torch.Tensor | None:
        return None if weight is None else weight.to(dtype)

    def _broadcast(self, weight: torch.Tensor) -> torch.Tensor:
        return weight.reshape(self._param_shape)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "axis": list(self.axis),
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "rms_scaling": self.rms_scaling,
            **self._affine_config(),
        }
