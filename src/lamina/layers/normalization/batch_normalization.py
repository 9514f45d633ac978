"""BatchNormalization: normalizes with batch statistics, tracks moving ones."""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from lamina.layers.base import Layer
from lamina.layers.input_spec import InputSpec
from lamina.layers.normalization._affine import AffineMixin
from lamina.layers.normalization._axes import feature_axis, int_axis


class BatchNormalization(AffineMixin, Layer):
    """Normalizes each feature with the batch's statistics (training) or moving ones.

    In training (`training=True` and `layer.trainable`), the output is
    `gamma * (x - mean(x)) / sqrt(var(x) + epsilon) + beta` with the mean and
    (biased) variance taken over every axis but `axis`; the moving statistics
    then become `moving * momentum + batch * (1 - momentum)`. In inference, or
    when the layer is frozen (`trainable=False`, as in Keras 3 fine-tuning),
    `moving_mean` and `moving_variance` replace the batch statistics.

    Args:
        axis: integer, the features axis (default -1, channels last).
        momentum: momentum of the moving averages.
        epsilon: small float added to the variance.
        center: whether to add the offset `beta`.
        scale: whether to multiply by `gamma`.
        beta_initializer, gamma_initializer: initializers of beta and gamma.
        moving_mean_initializer, moving_variance_initializer: initializers of
            the moving statistics.
        beta_regularizer, gamma_regularizer: optional regularizers.
        beta_constraint, gamma_constraint: optional constraints.
        synchronized: accepted for Keras compatibility; statistics are local
            to each process.
        renorm, renorm_clipping, renorm_momentum: batch renormalization; only
            `renorm=False` is supported.

    Input shape:
        rank 2 or more; `axis` must have a known size.

    Output shape:
        same as the input.

    Call arguments:
        inputs: the input tensor.
        training: use batch statistics and update the moving ones.
        mask: optional boolean mask of the leading axes; only unmasked entries
            count in the batch statistics.

    Example:
    >>> import lamina
    >>> layer = lamina.layers.BatchNormalization()
    >>> layer(np.ones((4, 3)), training=True).shape
    torch.Size([4, 3])
    """

    initializer_parts = ("beta", "gamma", "moving_mean", "moving_variance")

    def __init__(
        self,
        axis: int = -1,
        momentum: float = 0.99,
        epsilon: float = 1e-3,
        center: bool = True,
        scale: bool = True,
        beta_initializer: Any = "zeros",
        gamma_initializer: Any = "ones",
        moving_mean_initializer: Any = "zeros",
        moving_variance_initializer: Any = "ones",
        beta_regularizer: Any = None,
        gamma_regularizer: Any = None,
        beta_constraint: Any = None,
        gamma_constraint: Any = None,
        renorm: bool = False,
        renorm_clipping: Any = None,
        renorm_momentum: float = 0.99,
        synchronized: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        int_axis(axis)
        if renorm:
            raise ValueError(
                "Batch renormalization is not supported by lamina's "
                "BatchNormalization. Received: renorm=True"
            )
        self.axis = axis
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.center = bool(center)
        self.scale = bool(scale)
        self._set_affine_args(locals())
        self.renorm = False
        self.renorm_clipping = renorm_clipping
        self.renorm_momentum = float(renorm_momentum)
        self.synchronized = bool(synchronized)
        self.supports_masking = True

    def build(self, input_shape: tuple) -> None:
        note = " (a batch axis and a features axis)"
        self._axis, dim = feature_axis(self, input_shape, rank_note=note)
        shape = (dim,)
        self._add_affine(shape, self.scale, self.center)
        self.moving_mean = self.add_weight(
            shape=shape,
            initializer=self.moving_mean_initializer,
            trainable=False,
            name="moving_mean",
        )
        self.moving_variance = self.add_weight(
            shape=shape,
            initializer=self.moving_variance_initializer,
            trainable=False,
            name="moving_variance",
        )
        self.input_spec = InputSpec(ndim=len(input_shape), axes={self._axis: dim})
        self.built = True

    def call(
        self,
        inputs: torch.Tensor,
        training: bool | None = None,
        mask: torch.Tensor | None = None,
    ) -> torch.Tensor:
        # A frozen layer runs in inference mode even under training=True (Keras 3).
        if not (training and self.trainable):
            return self._normalize(inputs, self.moving_mean, self.moving_variance)
        if mask is not None:
            mean, var = self._masked_moments(inputs, mask)
            self._update_moving(mean, var, inputs)
            return self._normalize(inputs, mean, var)
        # F.batch_norm wants the features on axis 1; moving them is a view.
        x = inputs.movedim(self._axis, 1)
        if x.numel() == x.shape[1]:
            # One value per feature (a last batch of one row): torch's fused
            # kernel refuses it; Keras normalizes with variance 0.
            var, mean = torch.var_mean(x, dim=_other_dims(x.ndim), correction=0)
            self._update_moving(mean, var, inputs)
            return self._normalize(inputs, mean, var)
        if fused_moments(x, self.gamma, self.beta):
            out, mean, var = self._train_fused(x)
        else:
            out = F.batch_norm(
                x, None, None, self.gamma, self.beta, training=True, eps=self.epsilon
            )
            with torch.no_grad():
                var, mean = torch.var_mean(x, dim=_other_dims(x.ndim), correction=0)
        self._update_moving(mean, var, inputs)
        return out.movedim(1, self._axis)

    def _train_fused(
        self, x: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Normalizes features-first `x`; returns it with the batch mean and the
        biased variance that torch's kernel computed on the way (no second pass).

        Given fresh zero buffers and `momentum=1`, F.batch_norm leaves in them
        exactly the batch mean and the unbiased variance `sum / (n - 1)`; Keras
        tracks the biased one, `sum / n`.
        """
        mean = torch.zeros(x.shape[1], dtype=x.dtype, device=x.device)
        var = torch.zeros_like(mean)
        out = F.batch_norm(
            x,
            mean,
            var,
            self.gamma,
            self.beta,
            training=True,
            momentum=1.0,
            eps=self.epsilon,
        )
        n = x.numel() // x.shape[1]
        # Out of place: autograd saved the buffers for the backward pass.
        return out, mean, var * ((n - 1) / n)

    def _normalize(
        self, inputs: torch.Tensor, mean: torch.Tensor, var: torch.Tensor
    ) -> torch.Tensor:
        if mean.requires_grad or var.requires_grad:
            # Batch statistics carry gradients, which F.batch_norm's inference
            # path would drop: use the formula.
            shape = [1] * inputs.ndim
            shape[self._axis] = -1
            inv = torch.rsqrt(var.reshape(shape) + self.epsilon)
            if self.gamma is not None:
                inv = inv * self.gamma.reshape(shape)
            out = (inputs - mean.reshape(shape)) * inv
            return out + self.beta.reshape(shape) if self.beta is not None else out
        x = inputs.movedim(self._axis, 1)
        out = F.batch_norm(
            x, mean, var, self.gamma, self.beta, training=False, eps=self.epsilon
        )
        return out.movedim(1, self._axis)

    def _masked_moments(
        self, inputs: torch.Tensor, mask: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        weights = mask.to(inputs.dtype)
        while weights.ndim < inputs.ndim:
            weights = weights.unsqueeze(-1)
        weights = weights.expand_as(inputs)
        dims = [d for d in range(inputs.ndim) if d != self._axis]
        count = weights.sum(dim=dims)
        mean = (inputs * weights).sum(dim=dims) / count
        shape = [1] * inputs.ndim
        shape[self._axis] = -1
        centered = inputs - mean.reshape(shape)
        var = (weights * centered.square()).sum(dim=dims) / count
        return mean, var

    def _update_moving(
        self, mean: torch.Tensor, var: torch.Tensor, inputs: torch.Tensor
    ) -> None:
        if inputs.device.type == "meta":
            return
        m = self.momentum
        with torch.no_grad():
            mean = mean.detach().to(self.moving_mean.dtype)
            var = var.detach().to(self.moving_variance.dtype)
            self.moving_mean.copy_(self.moving_mean * m + mean * (1.0 - m))
            self.moving_variance.copy_(self.moving_variance * m + var * (1.0 - m))

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "axis": self.axis,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            **self._affine_config(),
            "synchronized": self.synchronized,
            "renorm": self.renorm,
            "renorm_clipping": self.renorm_clipping,
            "renorm_momentum": self.renorm_momentum,
        }


# Where the training step takes the batch statistics from F.batch_norm's own
# pass instead of a second one (torch.var_mean): an allow-list of input dtypes
# (float16 and bfloat16 would keep the statistics in their own low precision)
# and devices (whose kernels update the running statistics as described in
# `_train_fused`); gamma and beta, when present, share the input's dtype.
# Anything else takes the two-pass path, which gives the same numbers.
FUSED_DTYPES = (torch.float32, torch.float64)
FUSED_DEVICES = ("cpu", "cuda")


def fused_moments(x: torch.Tensor, *params: torch.Tensor | None) -> bool:
    """Whether a training step on `x` may take its moments from F.batch_norm."""
    return (
        x.dtype in FUSED_DTYPES
        and x.device.type in FUSED_DEVICES
        and all(p is None or p.dtype == x.dtype for p in params)
    )


def _other_dims(rank: int) -> list[int]:
    """Every axis but 1 (the features axis once moved there)."""
    return [d for d in range(rank) if d != 1]
