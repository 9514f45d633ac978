"""`Layer`: the Keras building block, as a `torch.nn.Module`.

A layer validates its hyperparameters in `__init__`, makes its weights in
`build(input_shape)` (called once, on the first input) and computes in `call`.
`__call__` converts numpy inputs, builds, checks the input against
`input_spec`, resolves `training` and masks, then runs `torch.nn.Module`'s
call machinery (hooks included), which reaches `call` through `forward`.
"""

from __future__ import annotations

import functools
import inspect
from typing import Any

import numpy as np
import torch

from lamina.backend import _scopes
from lamina.backend._remat import get_current_remat_mode
from lamina.backend.variable import Variable
from lamina.layers import _symbolic
from lamina.layers._checks import checked_batch_shape
from lamina.layers._dtype_policy import DTypePolicy, get_policy, set_policy
from lamina.layers._naming import to_snake_case, unique_name
from lamina.layers._remat import rematerialized_call
from lamina.layers._weights import WeightsMixin
from lamina.layers.input_spec import InputSpec
from lamina.ops.operation import Operation
from lamina.saving._layer_io import LayerSavingMixin


class _CallContext:
    """The `training` flag of the outermost call, seen by nested layers: None
    when no call is in progress, a bool, or `_UNSET`."""

    training: Any = None


_CONTEXT = _CallContext()

# The outer call gave no `training` and the model is not in `train()` mode: each
# layer then takes the default of its own `call` (as in Keras, where a random
# augmentation layer, whose default is True, augments when called directly).
_UNSET = object()

_BASE_KWARGS = {"input_shape", "batch_input_shape", "batch_size", "input_dim"}


class _InputCountError(ValueError):
    """A layer that takes one tensor received several."""


def _several_tensors(inputs: Any) -> list | None:
    """The tensors of a flat list/tuple of two or more tensors, else None."""
    if not isinstance(inputs, (list, tuple)) or len(inputs) < 2:
        return None
    kinds = (torch.Tensor, _symbolic.KerasTensor)
    return list(inputs) if all(isinstance(t, kinds) for t in inputs) else None


def _many_inputs_error(layer: Any, tensors: list) -> ValueError:
    shapes = [
        tuple(t.shape) if isinstance(t, _symbolic.KerasTensor) else (None, *t.shape[1:])
        for t in tensors
    ]
    node = getattr(tensors[0], "node", None)
    source = getattr(getattr(node, "layer", None), "name", None)
    origin = f" (a list returned by layer '{source}')" if source else ""
    return _InputCountError(
        f"Layer '{layer.name}' expects 1 input, but it received {len(tensors)} "
        f"input tensors{origin}, of shapes {shapes}. A layer that returns a list "
        "feeds all of it to the next layer: return a single tensor from `call()`, "
        "or pick one (e.g. `Lambda(lambda t: t[0])`). In a Sequential model every "
        "layer must have a single input and a single output; use the functional "
        "API for several."
    )


def _scoped_build(build: Any) -> Any:
    """`build` run inside the layer's name scope, as Keras runs it: weights of
    the sublayers it builds get paths like `"bidirectional/forward_lstm/..."`.
    Costs nothing after building (build runs once)."""

    @functools.wraps(build)
    def scoped(self: Layer, *args: Any, **kwargs: Any) -> Any:
        if _scopes.opened_by(self):
            return build(self, *args, **kwargs)
        with _scopes.name_scope(self.name, caller=self):
            return build(self, *args, **kwargs)

    scoped._scoped = True  # type: ignore[attr-defined]
    return scoped


class Layer(LayerSavingMixin, WeightsMixin, torch.nn.Module):
    """Base class of every lamina layer.

    Args:
        activity_regularizer: regularizer applied to the layer's output.
        trainable: whether the layer's weights are updated by training.
        dtype: dtype policy or name (`"float32"`, `"mixed_float16"`).
        autocast: cast floating inputs to the compute dtype.
        name: layer name; unique snake_case from the class name by default.
        input_shape: shape of one sample (no batch axis), for a first layer.
        batch_size: fixed batch size to go with `input_shape`.

    Example:
    >>> import lamina
    >>> class Scale(lamina.layers.Layer):
    ...     def build(self, input_shape):
    ...         self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones")
    ...     def call(self, x):
    ...         return x * self.w
    >>> Scale()(np.ones((2, 3))).shape
    torch.Size([2, 3])
    """

    # The `RematScope` settings this layer was made under; None outside any.
    _remat_mode: Any = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        build = cls.__dict__.get("build")
        if build is not None and not getattr(build, "_scoped", False):
            cls.build = _scoped_build(build)  # type: ignore[method-assign]

    def __init__(
        self,
        *,
        activity_regularizer: Any = None,
        trainable: bool = True,
        dtype: Any = None,
        autocast: bool = True,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        unknown = set(kwargs) - _BASE_KWARGS
        if unknown:
            raise ValueError(
                "Unrecognized keyword arguments passed to "
                f"{type(self).__name__}: { {k: kwargs[k] for k in sorted(unknown)} }"
            )
        torch.nn.Module.__init__(self)
        self._init_weight_tracking()
        self.training = False  # Keras: a direct call runs in inference mode
        self.name = name or unique_name(to_snake_case(type(self).__name__))
        self.built = False
        self._trainable = bool(trainable)
        self._dtype_policy: DTypePolicy = get_policy(dtype, self.name)
        self.autocast = autocast
        self.input_spec: InputSpec | list | None = None
        self.supports_masking = False
        self._call_losses: list[torch.Tensor] = []
        self._inbound_nodes: list[_symbolic.Node] = []
        self._build_device: torch.device | None = None
        from lamina import regularizers

        self.activity_regularizer = regularizers.get(activity_regularizer)
        self._input_shape_arg = _batch_shape_from_kwargs(kwargs)
        sig = _call_signature(type(self))
        self._call_has_training, self._call_has_mask = sig
        remat_mode = get_current_remat_mode()
        if remat_mode is not None:  # made inside a RematScope (Keras's rule)
            self._remat_mode = remat_mode

    # -- attributes -------------------------------------------------------------
    def _child_key(self, name: str) -> str:
        """A module key for a sublayer named `name` that shadows no attribute
        (a layer may be named `double` or `train`, which torch.nn.Module has)."""
        key = name.replace(".", "_")
        while hasattr(type(self), key) or (
            key in self.__dict__ and key not in self._modules
        ):
            key = f"{key}_"
        return key

    def __setattr__(self, name: str, value: Any) -> None:
        keys = self.__dict__.get("_weight_keys")
        if keys and isinstance(value, torch.Tensor) and id(value) in keys:
            key = keys[id(value)]
            if key != name:  # `self.w = self.add_weight(name="kernel")`
                self.__dict__["_weight_aliases"][name] = key
                self.__dict__.pop(name, None)
            # Already registered: a buffer Variable must not become a parameter.
            return
        if (
            isinstance(value, list)
            and value
            and "_modules" in self.__dict__
            and all(isinstance(v, torch.nn.Module) for v in value)
        ):
            value = torch.nn.ModuleList(value)
        super().__setattr__(name, value)
        if (
            keys is not None
            and isinstance(value, Variable)
            and name in self._parameters
        ):
            # `self.v = lamina.Variable(...)` in __init__ or build: a weight of
            # this layer, listed in creation order as Keras lists it.
            keys[id(value)] = name
            self.__dict__["_weight_order"].append(name)

    def __getattr__(self, name: str) -> Any:
        aliases = self.__dict__.get("_weight_aliases")
        if aliases and name in aliases:
            return super().__getattr__(aliases[name])
        if name in ("input", "output"):  # the property raised: say why
            self._node_attribute(f"{name}_tensors", name)
        return super().__getattr__(name)

    @property
    def trainable(self) -> bool:
        """Whether training updates this layer's weights; setting it freezes."""
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        value = bool(value)
        self.__dict__["_trainable"] = value
        for module in self.modules():
            if isinstance(module, Layer):
                module.__dict__["_trainable"] = value
            for p in module.parameters(recurse=False):
                p.requires_grad_(value)

    @property
    def dtype_policy(self) -> DTypePolicy:
        return self._dtype_policy

    @dtype_policy.setter
    def dtype_policy(self, value: Any) -> None:
        """Sets the policy (a name, a `DTypePolicy` or a map), as Keras does: a
        layer that holds a `DTypePolicyMap` gets a plain policy as its own
        entry in the map. Weights already made keep their dtype."""
        set_policy(self, value)

    @property
    def dtype(self) -> str:
        """The dtype of the layer's weights."""
        return self._dtype_policy.variable_dtype

    @property
    def variable_dtype(self) -> str:
        return self._dtype_policy.variable_dtype

    @property
    def compute_dtype(self) -> str:
        return self._dtype_policy.compute_dtype

    @property
    def path(self) -> str:
        """The layer's name, under the `name_scope` its weights were made in."""
        return self.__dict__.get("_path", self.name)

    @property
    def losses(self) -> list[torch.Tensor]:
        """Losses added during the last call plus weight regularization penalties."""
        out = []
        for module in self.modules():
            if isinstance(module, Layer):
                out.extend(module._call_losses)
        return out + self._regularization_losses()

    def add_loss(self, loss: Any) -> None:
        """Adds a loss term (a scalar tensor) to be minimised with the model's loss.

        Inside a `StatelessScope` the loss goes to the scope (when it collects
        losses), not to the layer, as in Keras."""
        scope = _scopes.get_stateless_scope()
        if scope is not None:
            if scope.collect_losses:
                scope.add_loss(torch.as_tensor(loss))
            return
        self._call_losses.append(torch.as_tensor(loss))

    # -- build and call ---------------------------------------------------------
    def build(self, input_shape: Any) -> None:
        """Creates the layer's weights for `input_shape` (with batch axis)."""
        self.built = True

    def call(self, *args: Any, **kwargs: Any) -> Any:
        """The layer's computation; subclasses override it."""
        raise NotImplementedError(
            f"Layer {type(self).__name__} does not implement `call()`."
        )

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        if self._remat_mode is None:
            return self.call(*args, **kwargs)
        return rematerialized_call(self, args, kwargs)

    def compute_mask(self, inputs: Any, previous_mask: Any = None) -> Any:
        """The mask of the outputs; by default the input mask passes through."""
        return previous_mask if self.supports_masking else None

    def compute_output_shape(self, input_shape: Any) -> Any:
        """Output shape for `input_shape`, found by running `call` on meta tensors."""
        return _symbolic.compute_output_spec(self, input_shape)

    def compute_output_spec(self, *args: Any, **kwargs: Any) -> Any:
        return _symbolic.meta_call(self, args, kwargs)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if not (self.built or _scopes.opened_by(self)):
            return self._first_call(args, kwargs)
        inputs = args[0] if args else self._input_from_kwargs(kwargs)
        if _any_symbolic(inputs, args[1:], kwargs):
            return self._symbolic_call((inputs, *args[1:]), kwargs)
        if not isinstance(inputs, torch.Tensor):
            inputs = self._convert_inputs(inputs)
        if not self.built:
            self._maybe_build((inputs, *args[1:]), kwargs)
        if self.input_spec is not None:
            self._check_input_spec(inputs)
        if self.autocast:
            inputs = self._autocast(inputs)
        outer = _CONTEXT.training is None
        if len(args) > 1:  # `model(x, True)`: training or mask given by position
            args, kwargs = _named_call_args(type(self), args, kwargs)
        training = self._resolve_training(kwargs, outer)
        mask = self._resolve_mask(inputs, kwargs)
        if outer:
            _CONTEXT.training = training if training is _UNSET else _truth(training)
        self.__dict__["_in_call"] = True  # add_weight refuses to run now
        try:
            self._call_losses.clear()
            if self._dtype_policy.mixed:
                outputs = self._autocast_call(inputs, args[1:], kwargs)
            else:
                outputs = torch.nn.Module.__call__(self, inputs, *args[1:], **kwargs)
        finally:
            self.__dict__["_in_call"] = False
            if outer:
                _CONTEXT.training = None
        return self._finish_outputs(inputs, outputs, mask)

    def _input_from_kwargs(self, kwargs: dict) -> Any:
        """The inputs of a call that named them (`layer(inputs=x)`)."""
        if not kwargs:
            raise ValueError(f"Layer '{self.name}' was called without inputs.")
        return kwargs.pop(next(iter(kwargs)))

    def _first_call(self, args: tuple, kwargs: dict) -> Any:
        """The first call builds (this layer and the ones it calls) inside the
        layer's name scope, so their weights' paths nest as Keras's."""
        with _scopes.name_scope(self.name, caller=self):
            return self.__call__(*args, **kwargs)

    def _resolve_training(self, kwargs: dict, outer: bool) -> Any:
        """Explicit `training`, else the outer call's, else the module's mode
        (`train()`), else the default of this layer's `call`. Returns what nested
        calls inherit (`_UNSET` when nothing was said)."""
        training = kwargs.get("training")
        if training is None:
            if outer:
                training = True if self.training else _UNSET
            else:
                training = _CONTEXT.training
        if self._call_has_training:
            kwargs["training"] = (
                call_training_default(type(self)) if training is _UNSET else training
            )
        else:
            kwargs.pop("training", None)
        return training

    def _resolve_mask(self, inputs: Any, kwargs: dict) -> Any:
        """The input mask: explicit `mask`, else the one the inputs carry."""
        if not (
            self._call_has_mask
            or self.supports_masking
            or type(self).compute_mask is not Layer.compute_mask
        ):
            return None
        mask = kwargs.get("mask")
        if mask is None:
            mask = _mask_of(inputs)
        if self._call_has_mask and mask is not None:
            kwargs["mask"] = mask
        return mask

    def _finish_outputs(self, inputs: Any, outputs: Any, mask: Any) -> Any:
        if not isinstance(outputs, torch.Tensor):
            _check_call_result(self, outputs)
        if self.activity_regularizer is not None:
            for out in _symbolic.flatten(outputs):
                self.add_loss(self.activity_regularizer(out) / out.shape[0])
        if mask is not None or type(self).compute_mask is not Layer.compute_mask:
            out_mask = self.compute_mask(inputs, mask)
            if out_mask is not None:
                _attach_mask(outputs, out_mask)
        return outputs

    def _autocast_call(self, inputs: Any, args: tuple, kwargs: dict) -> Any:
        """Mixed precision: compute in float16/bfloat16 under PyTorch's autocast
        while the weights stay float32."""
        first = next(
            (t for t in _symbolic.flatten(inputs) if isinstance(t, torch.Tensor)), None
        )
        device = first.device.type if first is not None else "cpu"
        if device == "meta" or torch.is_autocast_enabled(device):
            return torch.nn.Module.__call__(self, inputs, *args, **kwargs)
        with torch.autocast(device, dtype=self._dtype_policy.torch_compute_dtype):
            return torch.nn.Module.__call__(self, inputs, *args, **kwargs)

    def _convert_inputs(self, inputs: Any) -> Any:
        device = self._weight_device()

        def convert(x: Any) -> Any:
            if isinstance(x, torch.Tensor) or x is None:
                return x
            if isinstance(x, (int, float, bool)):
                return x
            arr = np.asarray(x)
            if arr.dtype == object or not (
                np.issubdtype(arr.dtype, np.number) or arr.dtype == bool
            ):
                raise TypeError(
                    f"Layer '{self.name}' expects numeric input. Received an array "
                    f"of dtype {arr.dtype}. Convert the data to numbers first."
                )
            return torch.as_tensor(arr, device=device)

        if (
            isinstance(inputs, (list, tuple))
            and inputs
            and all(
                isinstance(x, (torch.Tensor, np.ndarray)) or x is None for x in inputs
            )
        ):  # a list of inputs (merging layers), not nested lists of numbers
            return type(inputs)(convert(x) for x in inputs)
        if isinstance(inputs, dict):
            return {k: convert(v) for k, v in inputs.items()}
        return convert(inputs)

    # A layer with floating-point weights computes in floats: integer inputs
    # (int64 arrays, uint8 images) are cast to its compute dtype, as Keras's
    # ops promote them. Layers that look their weights up by integer inputs
    # (Embedding) set this to keep the integers.
    _keeps_integer_inputs = False

    def _autocast(self, inputs: Any) -> Any:
        want = self._dtype_policy.torch_compute_dtype
        if isinstance(inputs, torch.Tensor):
            if inputs.is_floating_point():
                return inputs.to(want) if inputs.dtype != want else inputs
            if not inputs.is_complex() and self._computes_in_floats():
                return inputs.to(want)
            return inputs
        if isinstance(inputs, (list, tuple)):
            return type(inputs)(self._autocast(x) for x in inputs)
        return inputs

    def _computes_in_floats(self) -> bool:
        if self._keeps_integer_inputs:
            return False
        return any(w.is_floating_point() for w in self._own_weights())

    def _check_input_spec(self, inputs: Any) -> None:
        specs = (
            self.input_spec if isinstance(self.input_spec, list) else [self.input_spec]
        )
        tensors = inputs if isinstance(inputs, (list, tuple)) else [inputs]
        if not isinstance(self.input_spec, list) and len(tensors) > 1:
            raise _many_inputs_error(self, tensors)
        for spec, x in zip(specs, tensors):
            if spec is not None and isinstance(
                x, (torch.Tensor, _symbolic.KerasTensor)
            ):
                spec.check(self.name, tuple(x.shape))

    def _maybe_build(self, args: tuple, kwargs: dict) -> None:
        shapes = _symbolic.map_structure(_shape_of, args[0])
        first = next(
            (t for t in _symbolic.flatten(args[0]) if isinstance(t, torch.Tensor)), None
        )
        self._build_device = None if first is None else first.device
        try:
            if type(self).build is not Layer.build:
                # Weights are real even when a parent's symbolic call reaches
                # this build on meta tensors.
                with _symbolic.real_computation():
                    try:
                        self.build(shapes)
                    except (TypeError, IndexError) as err:
                        # a build for one shape handed a list of shapes fails
                        # like this; layers built for lists raise ValueErrors
                        many = _several_tensors(args[0])
                        if many is None:
                            raise
                        raise _many_inputs_error(self, many) from err
        finally:
            self._build_device = None
        self.built = True

    def _symbolic_call(self, args: tuple, kwargs: dict) -> Any:
        if not self.built:
            self._maybe_build(args, kwargs)
        if self.input_spec is not None:
            self._check_input_spec(args[0])  # the user's shapes, None for batch
        outputs = _symbolic.meta_call(self, args, kwargs)
        node = _symbolic.Node(self, args, kwargs, outputs)
        for i, t in enumerate(_symbolic.flatten(outputs)):
            if _symbolic.is_symbolic(t):
                t.node, t.index = node, i
        self._inbound_nodes.append(node)
        return outputs

    # -- the graph: tensors of the first symbolic call, as Keras 3 ------------
    def _node_attribute(self, attr: str, what: str) -> Any:
        nodes = self.__dict__.get("_inbound_nodes")
        if not nodes:
            raise AttributeError(
                f"The layer {self.name} has never been called and thus has no "
                f"defined {what}. Call it on `Input()` tensors, or give the model "
                "an input shape, first."
            )
        values = getattr(nodes[0], attr)
        return values[0] if len(values) == 1 else values

    @property
    def input(self) -> Any:
        """The input tensor(s) of the layer's first symbolic call."""
        return self._node_attribute("input_tensors", "input")

    @property
    def output(self) -> Any:
        """The output tensor(s) of the layer's first symbolic call."""
        return self._node_attribute("output_tensors", "output")

    # -- configuration ----------------------------------------------------------
    def get_config(self) -> dict:
        """The constructor arguments that recreate this layer."""
        config: dict[str, Any] = {
            "name": self.name,
            "trainable": self.trainable,
            "dtype": self._dtype_policy.serialize(),
        }
        if self._input_shape_arg is not None:
            config["batch_input_shape"] = self._input_shape_arg
        return config

    @classmethod
    def from_config(cls, config: dict) -> Layer:
        """Creates a layer from `get_config()`'s output."""
        return cls(**config)

    def extra_repr(self) -> str:
        return f"name={self.name!r}"

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


# A layer is a `keras.Operation`, as in Keras (`isinstance(layer, keras.Operation)`).
Operation.register(Layer)


def _shape_of(x: Any) -> Any:
    if isinstance(x, (torch.Tensor, _symbolic.KerasTensor)):
        return tuple(x.shape)
    return x


def _any_symbolic(inputs: Any, rest: tuple, kwargs: dict) -> bool:
    """Whether a symbolic tensor is among the inputs or any other call argument."""
    if isinstance(inputs, torch.Tensor) and not rest and not kwargs:
        return False
    leaves = _symbolic.flatten((inputs, rest, kwargs))
    return any(_symbolic.is_symbolic(t) for t in leaves)


def _attach_mask(outputs: Any, mask: Any) -> None:
    """Puts `compute_mask`'s result on the outputs, as `_keras_mask`: one mask
    per output when both are sequences (a layer that splits its input)."""
    if isinstance(outputs, torch.Tensor):
        outputs._keras_mask = mask
    elif isinstance(outputs, (list, tuple)):
        masks = mask if isinstance(mask, (list, tuple)) else [mask] * len(outputs)
        for out, m in zip(outputs, masks):
            if isinstance(out, torch.Tensor) and m is not None:
                out._keras_mask = m


def _mask_of(inputs: Any) -> Any:
    if isinstance(inputs, torch.Tensor):
        return getattr(inputs, "_keras_mask", None)
    if isinstance(inputs, (list, tuple)):
        masks = [getattr(x, "_keras_mask", None) for x in inputs]
        return None if all(m is None for m in masks) else masks
    return None


_CALL_RESULT_TYPES = (torch.Tensor, np.ndarray, np.generic, int, float, bool)


def _check_call_result(layer: Layer, outputs: Any) -> None:
    """Names the layer whose `call()` returned None or something not a tensor,
    before the next layer meets it with an obscure error."""
    kind = f"Layer '{layer.name}' ({type(layer).__name__})"
    if outputs is None:
        raise TypeError(
            f"{kind} returned None from `call()`. `call()` must return its output "
            "tensor(s): check that it ends with `return outputs`."
        )
    bad = [
        leaf
        for leaf in _symbolic.flatten(outputs)
        # numpy arrays are allowed: string preprocessing layers return them.
        if leaf is not None and not isinstance(leaf, _CALL_RESULT_TYPES)
    ]
    if bad:
        raise TypeError(
            f"{kind} returned a {type(bad[0]).__name__} from `call()`: {bad[0]!r:.80}. "
            "`call()` must return torch tensors (or lists, tuples or dicts of them); "
            "convert the value with `torch.as_tensor` or `lamina.ops.convert_to_tensor`."
        )


def _batch_shape_from_kwargs(kwargs: dict) -> tuple | None:
    if kwargs.get("batch_input_shape") is not None:
        return tuple(kwargs["batch_input_shape"])
    shape = kwargs.get("input_shape")
    if shape is None and kwargs.get("input_dim") is not None:
        shape = (kwargs["input_dim"],)
    if shape is None:
        return None
    if isinstance(shape, int):
        shape = (shape,)
    return checked_batch_shape(
        (kwargs.get("batch_size"), *tuple(shape)), shape, "input_shape"
    )


def _truth(training: Any) -> bool:
    """`training` as a bool; Keras runs with any truthy object (an array)."""
    try:
        return bool(training)
    except (ValueError, RuntimeError):
        return True


_POSITIONS: dict[type, dict[str, int]] = {}


def _named_call_args(cls: type, args: tuple, kwargs: dict) -> tuple[tuple, dict]:
    """Moves `training` / `mask` given by position into `kwargs`."""
    if cls not in _POSITIONS:
        params = list(inspect.signature(cls.call).parameters.values())[1:]
        _POSITIONS[cls] = {
            p.name: i
            for i, p in enumerate(params)
            if p.name in ("training", "mask") and p.kind is p.POSITIONAL_OR_KEYWORD
        }
    positions = _POSITIONS[cls]
    if not positions or len(args) <= min(positions.values()):
        return args, kwargs
    kwargs = dict(kwargs)
    for name, i in positions.items():
        if i < len(args):
            kwargs.setdefault(name, args[i])
    return args[: min(positions.values())], kwargs


_SIGNATURES: dict[type, tuple[bool, bool]] = {}
_TRAINING_DEFAULTS: dict[type, Any] = {}


def call_training_default(cls: type) -> Any:
    """The default of `training` in `cls.call` (None when it has none)."""
    if cls not in _TRAINING_DEFAULTS:
        param = inspect.signature(cls.call).parameters.get("training")
        default = None if param is None else param.default
        _TRAINING_DEFAULTS[cls] = default if isinstance(default, bool) else None
    return _TRAINING_DEFAULTS[cls]


def _call_signature(cls: type) -> tuple[bool, bool]:
    """Whether `cls.call` takes `training` and `mask` (cached per class)."""
    if cls not in _SIGNATURES:
        params = inspect.signature(cls.call).parameters
        var_kw = any(p.kind is p.VAR_KEYWORD for p in params.values())
        _SIGNATURES[cls] = (
            "training" in params or var_kw,
            "mask" in params,
        )
    return _SIGNATURES[cls]
