"""Dropout: randomly zeroes inputs during training."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from lamina.layers.regularization._noise import MaskDropout


class Dropout(MaskDropout):
    """Sets inputs to 0 with probability `rate` in training, scaling the rest by
    `1 / (1 - rate)` so the expected sum is unchanged. Inference is the identity.

    Args:
        rate: float in [0, 1], the fraction of inputs to drop (1 drops all).
        noise_shape: shape of the binary mask, broadcast to the input (None
            entries take the input's size), e.g. `(batch, 1, features)`.
        seed: integer seed for the random mask.

    Call arguments:
        inputs: a tensor of any rank.
        training: whether to drop (True) or pass through (False).
    """

    def call(self, inputs: torch.Tensor, training: bool | None = None) -> torch.Tensor:
        if not training or self.rate == 0:
            return inputs
        if self.rate == 1:  # every input dropped; the rescale would divide by 0.
            return inputs * 0.0  # zero gradients flow back, as in Keras
        if self.noise_shape is None and self._generator is None:
            return F.dropout(inputs, self.rate, training=True)
        shape = inputs.shape
        if self.noise_shape is not None:
            shape = tuple(
                s if n is None else n for n, s in zip(self.noise_shape, shape)
            )
        keep = torch.rand(shape, generator=self._generator).to(inputs.device)
        keep = (keep >= self.rate).to(inputs.dtype)
        return inputs * keep / (1.0 - self.rate)
