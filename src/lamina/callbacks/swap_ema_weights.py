"""`SwapEMAWeights`: evaluates with the optimizer's moving-average weights."""

from __future__ import annotations

from typing import Any

import torch

from lamina.callbacks.callback import Callback


def _ema_optimizers(model: Any) -> list[Any]:
    """The optimizers of `model` that keep moving averages (`use_ema=True`).

    Raises:
        ValueError: when none does.
    """
    optimizer = getattr(model, "optimizer", None)
    optimizer = getattr(optimizer, "inner_optimizer", optimizer)
    candidates = list(getattr(optimizer, "optimizers", None) or [optimizer])
    found = [o for o in candidates if getattr(o, "use_ema", False)]
    if not found:
        raise ValueError(
            "SwapEMAWeights must be used when `use_ema=True` is set on the "
            f"optimizer. Received: use_ema={getattr(optimizer, 'use_ema', None)}. "
            "Compile with e.g. `optimizers.SGD(use_ema=True)`."
        )
    return found


@torch.no_grad()
def _swap(optimizer: Any) -> None:
    """Exchanges each trained variable with its moving average, in place."""
    if not optimizer.built:
        return
    for var, average in zip(
        optimizer._trainable_variables, optimizer._averages, strict=True
    ):
        kept = var.detach().clone()
        var.copy_(average)
        average.copy_(kept)


class SwapEMAWeights(Callback):
    """Swaps the model's weights with their moving averages around evaluation.

    Before evaluation (and prediction) the weights take the values of the
    optimizer's exponential moving averages; afterwards the trained values
    come back. Use it with an optimizer built with `use_ema=True`.

    Args:
        swap_on_epoch: also swap at the end of each epoch and back at the start
            of the next, so that callbacks after this one (a checkpoint, say)
            see the averaged weights.
    """

    def __init__(self, swap_on_epoch: bool = False) -> None:
        super().__init__()
        self.swap_on_epoch = swap_on_epoch
        self._ema_weights_in_model = False

    def _swap_variables(self) -> None:
        for optimizer in _ema_optimizers(self.model):
            _swap(optimizer)

    @torch.no_grad()
    def _finalize_ema_values(self) -> None:
        """Makes the averages equal the (averaged) weights now in the model."""
        for optimizer in _ema_optimizers(self.model):
            if optimizer.built:
                torch._foreach_copy_(
                    optimizer._averages, optimizer._trainable_variables
                )

    def _to_ema(self) -> None:
        if not self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = True

    def _to_trained(self) -> None:
        if self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = False

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        if self.swap_on_epoch:
            self._to_trained()

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if self.swap_on_epoch and not self._ema_weights_in_model:
            self._to_ema()
            # fit ends by writing the averages into the weights; they must
            # hold the averages, not the trained values swapped into them.
            if epoch == self.params.get("epochs", 0) - 1:
                self._finalize_ema_values()

    def on_test_begin(self, logs: dict | None = None) -> None:
        self._to_ema()

    def on_test_end(self, logs: dict | None = None) -> None:
        self._to_trained()

    def on_predict_begin(self, logs: dict | None = None) -> None:
        self._to_ema()

    def on_predict_end(self, logs: dict | None = None) -> None:
        self._to_trained()
