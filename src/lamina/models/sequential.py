"""`Sequential`: a plain stack of layers, each feeding the next."""

from __future__ import annotations

from typing import Any, Literal, cast

import torch

from lamina.layers._symbolic import KerasTensor, flatten
from lamina.layers.base import Layer, call_training_default
from lamina.layers.core.input_layer import InputLayer
from lamina.layers.core.torch_module_wrapper import wrap_if_torch_module
from lamina.models.model import Model
from lamina.trainers.data_adapter import adjust_rank


class Sequential(Model):
    """A linear stack of layers.

    Built at once when the first layer knows its input (`input_shape=...` or an
    `Input` first), otherwise on the first data it sees. A built Sequential is
    a graph, as in Keras: `model.inputs`, `model.outputs`, and each layer's
    `input` / `output`, so `Model(model.inputs, [l.output for l in
    model.layers])` extracts every layer's output. A plain `torch.nn.Module`
    in the stack is wrapped in a `TorchModuleWrapper`.

    Args:
        layers: list of layers to add, in order.
        trainable: whether the model's weights are trained.
        name: the model's name.

    Example:
    >>> import lamina
    >>> model = lamina.Sequential([lamina.layers.Dense(4, input_shape=(2,)),
    ...                            lamina.layers.Dense(1)])
    >>> model.output_shape
    (None, 1)
    """

    def __init__(
        self,
        layers: list | None = None,
        trainable: bool = True,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(trainable=trainable, name=name, **kwargs)
        # Plain attributes, not child modules: the input layer holds no state,
        # and the graph is a record of the last build.
        object.__setattr__(self, "_input_layer", None)
        self._graph: tuple[list, list] | None = None
        self._graph_nodes: list[tuple[Any, Any]] = []
        self._output_shapes: dict[str, Any] = {}
        for layer in layers or []:
            self.add(layer, rebuild=False)
        self._maybe_build_from_input()

    @property
    def layers(self) -> list[Layer]:
        """The layers, without the InputLayer (as Keras lists them)."""
        return [m for m in self._children() if m is not self._input_layer]

    def _children(self) -> list[Layer]:
        """The child modules in order: `add` wraps each into a `Layer`."""
        return cast("list[Layer]", list(self._modules.values()))

    def add(self, layer: Any, rebuild: bool = True) -> None:
        """Adds a layer on top of the stack."""
        if isinstance(layer, KerasTensor) and layer.node is not None:
            layer = layer.node.layer
        if not isinstance(layer, torch.nn.Module):
            raise TypeError(
                "Only instances of `lamina.layers.Layer` (or `torch.nn.Module`) can "
                f"be added to a Sequential model. Received: {layer!r} "
                f"(of type {type(layer).__name__})"
            )
        layer = wrap_if_torch_module(layer)
        if isinstance(layer, InputLayer):
            if self._input_layer is not None or self._modules:
                raise ValueError(
                    f"Sequential model '{self.name}' already has an input (shape "
                    f"{self._input_batch_shape()}). An Input can only be the "
                    "first layer of a Sequential model."
                )
            object.__setattr__(self, "_input_layer", layer)
        elif not self._modules and self._input_layer is None:
            shape = getattr(layer, "_input_shape_arg", None)
            if shape is not None:  # `Dense(4, input_shape=(2,))`, as Keras reads it
                object.__setattr__(self, "_input_layer", InputLayer(batch_shape=shape))
        self._add_child(layer)
        self._forget_graph()
        if rebuild:
            self._maybe_build_from_input()

    def _add_child(self, layer: Layer) -> None:
        if any(getattr(m, "name", None) == layer.name for m in self._modules.values()):
            raise ValueError(
                "All layers added to a Sequential model should have unique names. "
                f"Name '{layer.name}' is already the name of a layer in this model. "
                "Update the `name` argument to pass a unique name."
            )
        self.add_module(self._structural_key(layer), layer)

    def pop(self, rebuild: bool = True) -> Layer:
        """Removes and returns the last layer."""
        layers = self.layers
        if not layers:
            raise TypeError("There are no layers in the model.")
        last = layers[-1]
        key = next(k for k, m in self._modules.items() if m is last)
        del self._modules[key]
        self.__dict__["_plan"] = None
        self._forget_graph()
        if rebuild:
            self._maybe_build_from_input()
        return last

    def _input_batch_shape(self) -> tuple | None:
        if self._input_layer is not None:
            return self._input_layer.batch_shape
        first = next(iter(self._modules.values()), None)
        if isinstance(first, Model) and len(self._modules) > 1:
            # A built model first (transfer learning): its input shape, as Keras.
            shape = getattr(first, "input_shape", None)
            if isinstance(shape, tuple):
                return shape
        return None

    def _maybe_build_from_input(self) -> None:
        shape = self._input_batch_shape()
        if shape is not None and self.layers:
            self.build(shape)

    def build(self, input_shape: Any = None) -> None:
        """Builds every layer by running the stack on a symbolic input."""
        if input_shape is None:
            input_shape = self._input_batch_shape()
        if input_shape is None:
            raise ValueError(
                f"Sequential model '{self.name}' cannot be built: its input shape is "
                "unknown. Give the first layer `input_shape=...`, start with "
                "`Input(shape=...)`, or call the model on data."
            )
        input_shape = tuple(input_shape)
        known = self._input_batch_shape()
        if known is not None and tuple(known) != input_shape:
            raise ValueError(
                f"Sequential model '{self.name}' has already been configured to use "
                f"input shape {known}. You cannot build it with input_shape "
                f"{input_shape}."
            )
        if self._input_layer is None:
            object.__setattr__(
                self, "_input_layer", InputLayer(batch_shape=input_shape)
            )
        self._build_graph(self._input_layer.output)  # in the model's name scope

    def _build_graph(self, inputs: KerasTensor) -> None:
        """Calls each layer on the previous one's symbolic output."""
        self._forget_graph()
        x: Any = inputs
        for layer in self.layers:
            try:
                x = layer(x)
            except NotImplementedError:
                # A layer that cannot run symbolically: the model stays a plain
                # stack (no graph), and runs on data as it comes, as in Keras.
                self._forget_graph()
                self.built = True
                return
            node = getattr(layer, "_inbound_nodes", [None])[-1]
            self._graph_nodes.append((layer, node))
            self._output_shapes[layer.name] = _shape_of(x)
        self._graph = ([inputs], [x] if isinstance(x, KerasTensor) else flatten(x))
        self.built = True

    def _forget_graph(self) -> None:
        """Drops the nodes of the previous build, so that each layer's `output`
        belongs to the current graph."""
        for layer, node in self._graph_nodes:
            nodes = getattr(layer, "_inbound_nodes", [])
            if node in nodes:
                nodes.remove(node)
        self._graph_nodes = []
        self._output_shapes = {}
        self._graph = None
        self.built = False

    def _graph_part(self, index: int, what: str) -> list:
        if self._graph is None:
            raise AttributeError(
                f"Sequential model '{self.name}' has no defined {what} yet: its "
                "input shape is unknown. Give the first layer `input_shape=...`, "
                "start with `Input(shape=...)`, or call the model on data"
            )
        return self._graph[index]

    def __getattr__(self, name: str) -> Any:
        # A graph property that raised AttributeError lands here; say why.
        if name in _GRAPH_ATTRIBUTES and self.__dict__.get("_graph") is None:
            self._graph_part(0, name.replace("_", " "))
        return super().__getattr__(name)

    @property
    def inputs(self) -> list:
        """The symbolic input, in a list (as Keras)."""
        return list(self._graph_part(0, "inputs"))

    @property
    def outputs(self) -> list:
        """The symbolic output(s), in a list (as Keras)."""
        return list(self._graph_part(1, "outputs"))

    @property
    def input(self) -> Any:
        return self._graph_part(0, "input")[0]

    @property
    def output(self) -> Any:
        outputs = self._graph_part(1, "output")
        return outputs[0] if len(outputs) == 1 else outputs

    @property
    def input_shape(self) -> Any:
        return self._graph_part(0, "input shape")[0].shape

    @property
    def output_shape(self) -> Any:
        outputs = self._graph_part(1, "output shape")
        shapes = [t.shape for t in outputs]
        return shapes[0] if len(shapes) == 1 else shapes

    def call(self, inputs: Any, training: bool | None = None, mask: Any = None) -> Any:
        known = self._input_layer
        if (
            known is not None
            and isinstance(inputs, torch.Tensor)
            and inputs.ndim != len(known.batch_shape)
        ):
            inputs = adjust_rank(inputs, known.batch_shape)  # `(n,)` for `(n, 1)`
        plan = self.__dict__.get("_plan")
        if plan is None:
            plan = self._plan = _fast_plan(self._children())
        if plan and isinstance(inputs, torch.Tensor) and mask is None:
            return _run_plan(plan, inputs, training)
        x = inputs
        if mask is not None and isinstance(x, torch.Tensor):
            x = x.view_as(x)  # a new tensor object carries the mask
            # torch's stubs do not declare Keras's mask attribute on Tensor.
            x._keras_mask = mask  # type: ignore[attr-defined]
        for layer in self._children():
            x = layer(x)
        return x

    def add_module(self, name: str, module: Any) -> None:
        self.__dict__["_plan"] = None
        super().add_module(name, module)

    def _maybe_build(self, args: tuple, kwargs: dict) -> None:
        x = args[0]
        shape = tuple(x.shape) if isinstance(x, (torch.Tensor, KerasTensor)) else None
        if shape is None or not self.layers:
            self.built = True
            return
        if self._input_layer is None:
            dtype = x.dtype if isinstance(x, KerasTensor) else None
            if isinstance(x, torch.Tensor) and not x.is_floating_point():
                dtype = None  # integer data: the layers' float compute dtype
            layer = InputLayer(batch_shape=(None, *shape[1:]), dtype=dtype)
            object.__setattr__(self, "_input_layer", layer)
        self.build(self._input_layer.batch_shape)

    def get_config(self) -> dict:
        from lamina.saving.serialization import serialize_layer

        layers = list(self._modules.values())
        if self._input_layer is not None and self._input_layer not in layers:
            layers.insert(0, self._input_layer)
        config = {
            "name": self.name,
            "trainable": self.trainable,
            "dtype": self.dtype_policy.serialize(),
            "layers": [serialize_layer(layer) for layer in layers],
        }
        if self._input_layer is not None:
            config["build_input_shape"] = self._input_layer.batch_shape
        return config

    @classmethod
    def from_config(
        cls, config: dict, custom_objects: dict | None = None
    ) -> Sequential:
        from lamina.saving.serialization import deserialize_layer

        model = cls(name=config.get("name"), trainable=config.get("trainable", True))
        for layer_config in config["layers"]:
            model.add(deserialize_layer(layer_config, custom_objects), rebuild=False)
        shape = config.get("build_input_shape")
        if model._input_layer is None and shape is not None:
            model.build(tuple(shape))
        else:
            model._maybe_build_from_input()
        return model


_GRAPH_ATTRIBUTES = {
    "inputs",
    "outputs",
    "input",
    "output",
    "input_shape",
    "output_shape",
}


def _shape_of(x: Any) -> Any:
    if isinstance(x, KerasTensor):
        return x.shape
    if isinstance(x, (list, tuple)):
        return [_shape_of(v) for v in x]
    return None


def _plain_layer(layer: Any) -> bool:
    """A built lamina layer whose `__call__` adds nothing `call` does not do."""
    return (
        isinstance(layer, Layer)
        and layer.built
        and type(layer).__module__.startswith("lamina.layers.")
        and type(layer).compute_mask is Layer.compute_mask
        and layer.activity_regularizer is None
        and not layer._dtype_policy.mixed
        and layer._remat_mode is None  # made in a RematScope: `forward` remats
    )


def _fast_plan(layers: list) -> list | Literal[False]:
    """The layers' `call`s to chain directly, or False when some layer needs the
    full `Layer.__call__` (masks, activity losses, user layers, modules)."""
    if not layers or not all(_plain_layer(layer) for layer in layers):
        return False
    return [
        (
            layer,
            layer.call,
            layer._call_has_training,
            layer._dtype_policy.torch_compute_dtype,
        )
        for layer in layers
        if not isinstance(layer, InputLayer)
    ]


def _run_plan(plan: list, x: torch.Tensor, training: Any) -> torch.Tensor:
    """Runs `call` layer after layer: the per-layer work of `__call__` (input
    spec, hooks, dtype) is checked here in a few cheap tests instead."""
    if getattr(x, "_keras_mask", None) is not None:
        return _slow(plan, x)
    first = plan[0][0]
    if first.input_spec is not None:
        first._check_input_spec(x)
    for layer, call, wants_training, dtype in plan:
        if (
            layer._forward_hooks
            or layer._forward_pre_hooks
            or layer.activity_regularizer is not None  # set after the plan was made
            or not x.is_floating_point()  # integer inputs: `__call__` casts them
        ):
            x = layer(x)
            continue
        if x.dtype != dtype and x.is_floating_point():
            x = x.to(dtype)
        if not wants_training:
            x = call(x)
        elif training is None:  # nothing said: the layer's own default (Keras)
            x = call(x, training=call_training_default(type(layer)))
        else:
            x = call(x, training=bool(training))
    return x


def _slow(plan: list, x: Any) -> Any:
    for layer, *_ in plan:
        x = layer(x)
    return x
