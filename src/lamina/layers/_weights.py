"""Weight bookkeeping for `Layer`: creation, Keras ordering, numpy get/set."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import torch

from lamina import backend
from lamina.backend import _scopes
from lamina.backend.variable import Variable, as_variable
from lamina.layers._dtype_policy import get_policy

_AGGREGATIONS = ("none", "mean", "sum", "only_first_replica")
_WARNED: set[str] = set()


def _warn_once(key: str, message: str) -> None:
    """Warns about an accepted argument lamina does not honour, once per process."""
    if key not in _WARNED:
        _WARNED.add(key)
        warnings.warn(message, UserWarning, stacklevel=3)


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
    ) -> Variable:
        """Creates a weight of `shape` filled by `initializer`, tracked by this layer.

        Every weight is a `lamina.Variable` (a `torch.nn.Parameter` subclass):
        trainable ones are registered as parameters, non-trainable ones as
        buffers, so torch optimizers, `state_dict` and DDP treat them as usual.
        """
        from lamina import constraints, initializers, regularizers

        if self.__dict__.get("_in_call"):
            raise RuntimeError(
                f"Layer '{self.name}' ({type(self).__name__}) called `add_weight` "
                f"(name={name!r}) inside `call()`. A weight made in `call()` is made "
                "anew at every call and never trained. Create weights in "
                "`build(self, input_shape)` (or `__init__`) and use them in `call()`."
            )
        if torch.get_default_device().type == "meta":
            raise ValueError(
                f"Layer '{self.name}' ({type(self).__name__}) cannot create its "
                f"weight {name!r} under `with torch.device('meta')`: meta tensors "
                "hold no values, so the model could never train or predict. Build "
                "the model outside that block (lamina infers shapes without it)."
            )
        if aggregation not in _AGGREGATIONS:
            raise ValueError(
                f"Invalid value for argument `aggregation` of `add_weight` (layer "
                f"'{self.name}', weight {name!r}): expected one of {_AGGREGATIONS}. "
                f"Received: aggregation={aggregation!r}"
            )
        if overwrite_with_gradient:
            _warn_once(
                "overwrite_with_gradient",
                "`add_weight(overwrite_with_gradient=True)` is not supported in "
                "lamina: the weight is updated by the optimizer from its gradient "
                "as usual (Keras would overwrite it with the gradient, for float8 "
                "scaling factors). This warning is shown once.",
            )
        shape = () if shape is None else tuple(int(s) for s in shape)
        dtype = backend.standardize_dtype(dtype or self.variable_dtype)
        if initializer is None:
            floating = "float" in dtype
            initializer = "glorot_uniform" if floating else "zeros"
        value = initializers.get(initializer)(shape, dtype=dtype)
        value = torch.as_tensor(value, dtype=backend.to_torch_dtype(dtype))
        value = value.to(self._weight_device())
        key = self._free_key(name or "variable")
        layer_path = _scopes.layer_path(self)
        if layer_path != self.name:  # built inside a `name_scope`
            self.__dict__["_path"] = layer_path
        regularizer = regularizers.get(regularizer)
        constraint = constraints.get(constraint)
        tensor = as_variable(
            value,
            trainable=bool(trainable) and self.trainable,
            name=name or key,
            path=f"{layer_path}/{name or key}",
            regularizer=regularizer,
            constraint=constraint,
        )
        tensor.aggregation = aggregation  # read by the data-parallel reduction
        if trainable:
            self.register_parameter(key, tensor)
        else:  # moving statistics and frozen state: buffers, as torch keeps them
            self.register_buffer(key, tensor)
        self._weight_keys[id(tensor)] = key
        self._weight_order.append(key)
        if regularizer is not None:
            self._regularizers.append((key, regularizer))
        if constraint is not None:
            self._constraints.append((key, constraint))
        return tensor

    def add_variable(
        self,
        shape: Any,
        initializer: Any,
        dtype: Any = None,
        trainable: bool = True,
        autocast: bool = True,
        regularizer: Any = None,
        constraint: Any = None,
        name: str | None = None,
    ) -> Variable:
        """Creates a variable tracked by this layer (Keras's alias of `add_weight`)."""
        return self.add_weight(
            shape=shape,
            initializer=initializer,
            dtype=dtype,
            trainable=trainable,
            autocast=autocast,
            regularizer=regularizer,
            constraint=constraint,
            name=name,
        )

    def _apply(self, fn: Any, recurse: bool = True) -> Any:
        """torch's `.to()` / `.half()` / `.cuda()`, keeping weights `Variable`s.

        torch replaces a buffer by `fn(buffer)`, a plain tensor; here the same
        Variable object takes the new data instead, so the layer, metrics and
        the user's handles keep pointing at it. A float dtype change (`.half()`,
        `.double()`, `.to(torch.bfloat16)`) becomes the layer's dtype policy,
        so inputs are cast to the weights' dtype.
        """
        held = {k: b for k, b in self._buffers.items() if isinstance(b, Variable)}
        out = super()._apply(fn, recurse)  # type: ignore[misc]
        for key, variable in held.items():
            new = self._buffers.get(key)
            if new is not None and new is not variable:
                variable.data = new
                self._buffers[key] = variable
        self._follow_dtype(fn)
        return out

    def _follow_dtype(self, fn: Any) -> None:
        probe = torch.empty((), device="meta")
        try:
            converted = fn(probe)
        except (RuntimeError, NotImplementedError, TypeError):
            return  # a device move: the dtype is unchanged
        if not isinstance(converted, torch.Tensor):
            return
        dtype = converted.dtype
        policy = self._dtype_policy
        if not dtype.is_floating_point or dtype == backend.to_torch_dtype(
            policy.variable_dtype
        ):
            return
        self._dtype_policy = get_policy(dtype)
        if "_plan" in self.__dict__:  # Sequential's cached fast plan holds dtypes
            self.__dict__["_plan"] = None

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
        """Returns copies of the weights as numpy arrays, in Keras's order.

        Copies, never views: a snapshot taken now keeps its values while
        training goes on (`EarlyStopping(restore_best_weights=True)`).
        """
        return [w.detach().cpu().numpy().copy() for w in self.weights]

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
            weight = getattr(self, key)
            if _is_trainable(weight):  # Keras regularizes trainable weights only
                losses.append(reg(weight))
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
