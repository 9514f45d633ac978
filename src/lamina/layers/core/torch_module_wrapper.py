"""`TorchModuleWrapper`: any `torch.nn.Module` as a lamina layer."""

from __future__ import annotations

import base64
import io
from typing import Any

import torch

from lamina import _registry
from lamina.layers.base import Layer


class TorchModuleWrapper(Layer):
    """Wraps a `torch.nn.Module` so that it works as a layer.

    The module's parameters are the layer's trainable weights (its buffers,
    non-trainable), so they train, save and count like any layer's. A plain
    `torch.nn.Module` placed in a `Sequential` is wrapped automatically.

    Args:
        module: the `torch.nn.Module` to wrap (an initialized one: lazy
            modules must have run once).
        name: the layer's name.
        output_shape: the output shape, if shape inference should not run the
            module.

    Call arguments:
        *args, **kwargs: passed to the module. `training=False` puts it in
            eval mode, anything else in train mode, as in Keras.

    Example:
    >>> import torch, lamina
    >>> layer = lamina.layers.TorchModuleWrapper(torch.nn.Linear(3, 2))
    >>> len(layer.trainable_weights)
    2
    """

    def __init__(
        self,
        module: torch.nn.Module,
        name: str | None = None,
        output_shape: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(name=name, **kwargs)
        if not isinstance(module, torch.nn.Module):
            raise TypeError(
                "`module` must be a `torch.nn.Module`. Received: "
                f"{module!r} (of type {type(module).__name__})"
            )
        lazy = isinstance(module, torch.nn.modules.lazy.LazyModuleMixin)
        if lazy and module.has_uninitialized_params():
            raise ValueError(
                "LazyModules are not supported unless they are already "
                f"initialized. Received uninitialized LazyModule: module={module}"
            )
        self.module = module
        self._output_shape_arg = output_shape
        self.built = True

    def call(self, *args: Any, training: Any = None, **kwargs: Any) -> Any:
        self.module.train(training is not False)
        return self.module(*args, **kwargs)

    def compute_output_shape(self, input_shape: Any) -> Any:
        if self._output_shape_arg is None:
            return super().compute_output_shape(input_shape)
        return self._output_shape_arg

    def get_config(self) -> dict:
        """The module travels pickled (base64 of `torch.save`), as in Keras."""
        buffer = io.BytesIO()
        torch.save(self.module, buffer)
        return {
            **super().get_config(),
            "module": base64.b64encode(buffer.getvalue()).decode("ascii"),
            "output_shape": self._output_shape_arg,
        }

    @classmethod
    def from_config(cls, config: dict, custom_objects: Any = None) -> Layer:
        """Unpickles the module: refused in safe mode (it can run code)."""
        config = dict(config)
        if isinstance(config.get("module"), str):
            if _registry.in_safe_mode():
                raise ValueError(
                    "Requested the deserialization of a `torch.nn.Module` object "
                    "via `torch.load()`. This carries a potential risk of "
                    "arbitrary code execution and thus it is disallowed by "
                    "default. If you trust the source of the artifact, pass "
                    "`safe_mode=False` to the loading function, or call "
                    "`lamina.config.enable_unsafe_deserialization()`."
                )
            data = base64.b64decode(config["module"].encode("ascii"))
            config["module"] = torch.load(io.BytesIO(data), weights_only=False)
        return cls(**config)


def wrap_if_torch_module(layer: Any) -> Any:
    """A plain `torch.nn.Module` wrapped as a layer; layers as they are."""
    if isinstance(layer, torch.nn.Module) and not isinstance(layer, Layer):
        return TorchModuleWrapper(layer)
    return layer
