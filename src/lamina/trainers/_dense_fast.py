"""A hand-written train step for small stacks of Dense layers.

For tiny models (the tutorial's 4-3-1 network) a training step is dominated by
fixed costs: the autograd tape and engine, not arithmetic. When a Sequential
model is only Dense layers with relu / tanh / sigmoid / linear activations,
trained on mean squared or absolute error with no sample weights, regularizers,
constraints or hooks, the gradients are written out here directly (one matmul
pair per layer), with no tape. The autograd path remains the reference: tests
check that both give the same weights after training.
"""

from __future__ import annotations

from typing import Any

import torch

from lamina import activations, losses
from lamina.layers.core.dense import Dense
from lamina.optimizers.optimizer import Optimizer

ENABLED = True  # tests switch it off to compare with the autograd path

_MAX_WIDTH = 256  # beyond this arithmetic dominates and autograd costs nothing


def _activation_kinds() -> dict:
    return {
        activations.linear: "linear",
        activations.relu: "relu",
        activations.tanh: "tanh",
        activations.sigmoid: "sigmoid",
    }


def _loss_kind(model: Any) -> str | None:
    compiled = model.compiled_loss
    if compiled is None or len(compiled.losses) != 1 or compiled.weights != [1.0]:
        return None
    loss = compiled.losses[0]
    if type(loss) not in (
        losses.LossFunctionWrapper,
        losses.MeanSquaredError,
        losses.MeanAbsoluteError,
    ):
        return None
    if loss._fn_kwargs or loss.reduction != "sum_over_batch_size":
        return None
    if getattr(loss, "_dtype_arg", None) is not None:
        return None
    return {
        losses.mean_squared_error: "mse",
        losses.mean_absolute_error: "mae",
    }.get(loss.fn)


# The Dense options the hand-written step supports: an allow-list. Any option
# not named here (a new argument added to Dense one day) turns the step off.
_FREE_OPTIONS = frozenset(
    {
        "name",
        "trainable",
        "dtype",
        "batch_input_shape",
        "units",  # checked against _MAX_WIDTH
        "activation",  # checked against the activation table
        "use_bias",
        "kernel_initializer",
        "bias_initializer",
    }
)
_NONE_OPTIONS = frozenset(
    {
        "kernel_regularizer",
        "bias_regularizer",
        "activity_regularizer",
        "kernel_constraint",
        "bias_constraint",
        "lora_rank",  # LoRA computes with kernel + a @ b: autograd's way
        "lora_alpha",
        "quantization_config",
    }
)


def _dense_supported(layer: Any, dense_type: type[Dense], kinds: dict) -> bool:
    """Whether one layer is a Dense layer the hand-written step covers."""
    if type(layer) is not dense_type or not layer.built or not layer.trainable:
        return False
    if "call" in layer.__dict__ or layer._forward_hooks or layer._forward_pre_hooks:
        return False
    if layer._remat_mode is not None:  # made in a RematScope: autograd's way
        return False
    if layer.lora_enabled:  # the step differentiates the kernel, not a @ b
        return False
    config = layer.get_config()
    if set(config) - _FREE_OPTIONS - _NONE_OPTIONS:
        return False
    if any(config.get(key) is not None for key in _NONE_OPTIONS):
        return False
    return (
        layer.kernel.dtype == torch.float32
        and not layer._dtype_policy.mixed
        and layer.activation in kinds
        and not layer._regularizers
        and not layer._constraints
        and layer.units <= _MAX_WIDTH
    )


def plan_for(model: Any) -> DenseStep | None:
    """A `DenseStep` when the model qualifies, else None (use autograd).

    Decided once per `fit`: only an exact `Sequential` of supported Dense
    layers, trained on mse or mae with no `jit_compile` and no hooks.
    """
    # models/model.py imports the trainers, which import this module: a true cycle.
    from lamina.models.sequential import Sequential

    if (
        not ENABLED
        or type(model) is not Sequential
        or getattr(model, "jit_compile", False)
        or model._forward_hooks
        or model._forward_pre_hooks
        or model._remat_mode is not None  # a RematScope asks for autograd's way
        or _scales_loss(getattr(model, "optimizer", None))
    ):
        return None
    dense = model.layers
    kinds = _activation_kinds()
    if not dense or not all(_dense_supported(d, Dense, kinds) for d in dense):
        return None
    loss = _loss_kind(model)
    if loss is None:
        return None
    return DenseStep(dense, [kinds[layer.activation] for layer in dense], loss)


def _scales_loss(optimizer: Any) -> bool:
    """Whether the optimizer scales the loss (`loss_scale_factor`, or its own
    `scale_loss`, as LossScaleOptimizer): the hand-written step never calls
    `scale_loss`, so the optimizer would unscale gradients never scaled."""
    if optimizer is None:
        return False
    return (
        getattr(optimizer, "loss_scale_factor", None) is not None
        or type(optimizer).scale_loss is not Optimizer.scale_loss
    )


class DenseStep:
    """Forward, loss and gradients of a Dense stack, without autograd."""

    def __init__(self, layers: list, activations: list[str], loss: str) -> None:
        self.layers = layers
        self.activations = activations
        self.loss = loss
        # Parameters are updated in place, so plain-tensor views of them can
        # be held for the run (a plan lives one `fit`): no Module.__getattr__
        # and no tensor-subclass dispatch check on every step.
        self.params = [
            (layer.kernel.data, None if layer.bias is None else layer.bias.data)
            for layer in layers
        ]
        self.units = layers[-1].units

    def usable(self, x: Any, y: Any, sw: Any) -> bool:
        """Per batch: plain 2-D float32 inputs, targets shaped like the output."""
        if sw is not None or type(x) is not torch.Tensor or type(y) is not torch.Tensor:
            return False
        if x.dtype != torch.float32 or x.dim() != 2 or y.dtype != torch.float32:
            return False
        units = self.units
        if any(
            layer._forward_hooks or layer._forward_pre_hooks for layer in self.layers
        ):
            return False
        return tuple(y.shape[1:]) in ((units,), () if units == 1 else (units,))

    @torch.no_grad()
    def step(
        self, x: torch.Tensor, y: torch.Tensor
    ) -> tuple[torch.Tensor, list, torch.Tensor]:
        """Returns (loss, gradients in `trainable_weights` order, predictions)."""
        first = self.layers[0]
        if first.input_spec is not None:
            first._check_input_spec(x)
        inputs, outputs = self._forward(x)
        y_pred = outputs[-1]
        if y.dim() == 1:
            y = y.unsqueeze(1)
        diff = y_pred - y
        n = diff.numel()
        if self.loss == "mse":
            loss = torch.mean(diff * diff)
            g = diff * (2.0 / n)
        else:
            loss = torch.mean(torch.abs(diff))
            g = torch.sign(diff) * (1.0 / n)
        return loss, self._backward(g, inputs, outputs), y_pred

    def _forward(self, x: torch.Tensor) -> tuple[list, list]:
        inputs, outputs = [], []
        h = x
        for (kernel, bias), act in zip(self.params, self.activations):
            inputs.append(h)
            h = torch.addmm(bias, h, kernel) if bias is not None else h @ kernel
            fn = _FORWARD[act]
            if fn is not None:
                h = fn(h)
            outputs.append(h)
        return inputs, outputs

    def _backward(self, g: torch.Tensor, inputs: list, outputs: list) -> list:
        grads: list = []
        for i in range(len(self.params) - 1, -1, -1):
            (kernel, bias), act = self.params[i], self.activations[i]
            derivative = _DERIVATIVE[act]
            if derivative is not None:
                g = g * derivative(outputs[i])
            if bias is not None:
                grads.append(g.sum(0))
            grads.append(inputs[i].t() @ g)
            if i:
                g = g @ kernel.t()
        grads.reverse()
        return grads


# Activation and its derivative written in terms of the activation's output.
_FORWARD = {
    "linear": None,
    "relu": torch.relu,
    "tanh": torch.tanh,
    "sigmoid": torch.sigmoid,
}
_DERIVATIVE = {
    "linear": None,
    "relu": lambda out: out > 0,
    "tanh": lambda out: 1.0 - out * out,
    "sigmoid": lambda out: out * (1.0 - out),
}
