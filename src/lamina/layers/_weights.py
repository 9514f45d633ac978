"""Weight bookkeeping for `Layer`: creation, Keras ordering, numpy get/set."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from lamina import backend


class WeightsMixin:
    """Creates weights as Parameters (trainable) or buffers (non-trainable).

    Weights keep Keras's layout and creation order, so `get_weights` and
    `set_weights` exchange arrays with Keras unchanged.
    """

    def _init_weight_tracking(self) -> None:
        d = self.__dict__
        d["_weight_keys"] = {}  # id(tensor) -> registered key
        d["_weight_order"] = []  # registered keys, in creation order
        d["_weight_aliases"] = {}  # attribute name -> registered key
        d["_regularizers"] = []  # (key, regularizer)
        d["_constraints"] = []  # (key, constraint)

    def add_weight(
        self,
        shape: Any = None,
        initializer: Any = None,
        dtype: Any = None,
        trainable: bool = True,
        autocast: bool = True,
        regularizer: Any = None,
        constraint: Any = None,
        aggregation: str = "none",
        overwrite_with_gradient: bool = False,
        name: str | None = None,
    ) -> torch.Tensor:
        """Creates a weight of `shape` filled by `initializer`, tracked by this layer.

        Trainable weights are `torch.nn.Parameter`s; non-trainable ones are buffers.
        """
        from lamina import constraints, initializers, regularizers

        shape = () if shape is None else tuple(int(s) for s in shape)
        dtype = backend.standardize_dtype(dtype or self.variable_dtype)
        if initializer is None:
            floating = "float" in dtype
            initializer = "glorot_uniform" if floating else "zeros"
        value = initializers.get(initializer)(shape, dtype=dtype)
        value = torch.as_tensor(value, dtype=backend.to_torch_dtype(dtype))
        value = value.to(self._weight_device())
        key = self._free_key(name or "variable")
        if trainable:
            tensor: torch.Tensor = torch.nn.Parameter(
                value, requires_grad=self.trainable
            )
            self.register_parameter(key, tensor)
        else:
            tensor = value
            self.register_buffer(key, tensor)
        tensor.path = f"{self.name}/{name or key}"
        self._weight_keys[id(tensor)] = key
        self._weight_order.append(key)
        if regularizer is not None:
            self._regularizers.append((key, regularizers.get(regularizer)))
        if constraint is not None:
            self._constraints.append((key, constraints.get(constraint)))
        return tensor

    def _free_key(self, name: str) -> str:
        if self.__dict__.get(name, 0) is None:  # `self.bias = None` placeholder
            del self.__dict__[name]
        key, i = name, 0
        while (
            key in self._parameters
            or key in self._buffers
            or key in self.__dict__
            or key in self._modules
        ):
            i += 1
            key = f"{name}_{i}"
        return key

    def _weight_device(self) -> torch.device:
        device = self.__dict__.get("_build_device")
        if device is not None and device.type != "meta":
            return device
        for t in self._own_weights():
            return t.device
        return backend.get_device()

    def _own_weights(self) -> list[torch.Tensor]:
        return [
            self._parameters[k] if k in self._parameters else self._buffers[k]
            for k in self._weight_order
        ]

    def _sublayers(self) -> list[Any]:
        return [m for m in self._modules.values() if m is not None]

    @property
    def weights(self) -> list[torch.Tensor]:
        """Every weight: this layer's in creation order, then each sublayer's."""
        out = self._own_weights()
        seen = {id(t) for t in out}
        for layer in self._sublayers():
            for t in _weights_of(layer):
                if id(t) not in seen:
                    seen.add(id(t))
                    out.append(t)
        return out

    @property
    def trainable_weights(self) -> list[torch.Tensor]:
        """Weights the optimizer updates (empty when `trainable` is False)."""
        if not self.trainable:
            return []
        return [w for w in self.weights if _is_trainable(w)]

    @property
    def non_trainable_weights(self) -> list[torch.Tensor]:
        """Weights the optimizer leaves alone (moving statistics, frozen weights)."""
        if not self.trainable:
            return self.weights
        return [w for w in self.weights if not _is_trainable(w)]

    @property
    def variables(self) -> list[torch.Tensor]:
        return self.weights

    @property
    def trainable_variables(self) -> list[torch.Tensor]:
        return self.trainable_weights

    @property
    def non_trainable_variables(self) -> list[torch.Tensor]:
        return self.non_trainable_weights

    def get_weights(self) -> list[np.ndarray]:
        """Returns the weights as numpy arrays, in Keras's order and layouts."""
        return [w.detach().cpu().numpy() for w in self.weights]

    def set_weights(self, weights: list[Any]) -> None:
        """Sets the weights from arrays, in the order `get_weights` returns."""
        params = self.weights
        if len(params) != len(weights):
            raise ValueError(
                f"Layer '{self.name}' expected {len(params)} weights, but received "
                f"{len(weights)} arrays. Provided weights: {_shapes(weights)}; "
                f"expected shapes: {[tuple(p.shape) for p in params]}"
            )
        for p, w in zip(params, weights):
            arr = np.asarray(w.detach().cpu() if isinstance(w, torch.Tensor) else w)
            if tuple(arr.shape) != tuple(p.shape):
                raise ValueError(
                    f"Layer '{self.name}' weight '{getattr(p, 'path', '?')}' has shape "
                    f"{tuple(p.shape)}, but the array given for it has shape "
                    f"{tuple(arr.shape)}."
                )
        with torch.no_grad():
            for p, w in zip(params, weights):
                src = (
                    w
                    if isinstance(w, torch.Tensor)
                    else torch.from_numpy(np.asarray(w))
                )
                p.copy_(src.to(dtype=p.dtype, device=p.device))

    def count_params(self) -> int:
        """Number of scalars in all weights."""
        if not self.built:
            raise ValueError(
                f"You tried to call `count_params` on layer '{self.name}', but the "
                "layer isn't built. You can build it manually via: "
                f"`{self.name}.build(batch_input_shape)`."
            )
        return int(sum(w.numel() for w in self.weights))

    def _regularization_losses(self) -> list[torch.Tensor]:
        losses = []
        for key, reg in self._regularizers:
            losses.append(reg(getattr(self, key)))
        for layer in self._sublayers():
            if hasattr(layer, "_regularization_losses"):
                losses.extend(layer._regularization_losses())
        return losses

    def _constraint_pairs(self) -> list[tuple[torch.Tensor, Any]]:
        pairs = [(getattr(self, key), c) for key, c in self._constraints]
        for layer in self._sublayers():
            if hasattr(layer, "_constraint_pairs"):
                pairs.extend(layer._constraint_pairs())
        return pairs


def _is_trainable(t: torch.Tensor) -> bool:
    return isinstance(t, torch.nn.Parameter) and t.requires_grad


def _weights_of(module: torch.nn.Module) -> list[torch.Tensor]:
    if isinstance(module, WeightsMixin):
        return module.weights
    # A plain torch module inside a lamina model: its parameters, then buffers.
    return [*module.parameters(), *module.buffers()]


def _shapes(weights: list[Any]) -> list[tuple]:
    return [tuple(np.shape(w)) for w in weights]
