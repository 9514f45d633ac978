"""`Model`: a layer with training (`fit`), and the way to subclass a model."""

from __future__ import annotations

from typing import Any

from lamina.export._export import export_model
from lamina.layers.base import Layer
from lamina.models.functional_config import functional_from_config
from lamina.saving._model_io import ModelSavingMixin
from lamina.trainers.trainer import Trainer


class Model(ModelSavingMixin, Trainer, Layer):
    """A trainable group of layers.

    Two ways to make one:

    - functional: `Model(inputs, outputs)` from `Input()` tensors;
    - subclassing: define layers in `__init__` and the forward pass in `call`.

    Example:
    >>> import lamina
    >>> inputs = lamina.Input(shape=(3,))
    >>> outputs = lamina.layers.Dense(2)(inputs)
    >>> lamina.Model(inputs, outputs).output_shape
    (None, 2)
    """

    def __new__(cls, *args: Any, **kwargs: Any) -> Model:
        if cls is Model and (
            len(args) >= 2 or "inputs" in kwargs or "outputs" in kwargs
        ):
            from lamina.models.functional import Functional

            return super().__new__(Functional)
        return super().__new__(cls)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if args or "inputs" in kwargs or "outputs" in kwargs:
            # A subclass calling `super().__init__(inputs=..., outputs=...)`
            # becomes functional, as in Keras. functional.py imports this
            # module: a true cycle.
            from lamina.models.functional import init_functional_subclass

            init_functional_subclass(self, *args, **kwargs)
            return
        Layer.__init__(self, **kwargs)
        self._init_trainer()

    def __reduce__(self) -> Any:
        return super().__reduce__()

    @property
    def layers(self) -> list[Layer]:
        """The model's direct sublayers, in the order they were added."""
        return [m for m in self._modules.values() if isinstance(m, Layer)]

    def get_layer(self, name: str | None = None, index: int | None = None) -> Layer:
        """Returns a sublayer by `name` or by `index`."""
        if index is not None:
            if not 0 <= index < len(self.layers):
                raise ValueError(
                    f"Was asked to retrieve layer at index {index} but model only "
                    f"has {len(self.layers)} layers."
                )
            return self.layers[index]
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError(
            f"No such layer: {name}. Existing layers are: "
            f"{[layer.name for layer in self.layers]}."
        )

    def summary(
        self,
        line_length: int | None = None,
        positions: Any = None,
        print_fn: Any = None,
        expand_nested: bool = False,
        show_trainable: bool = False,
        layer_range: Any = None,
    ) -> None:
        """Prints a table of the layers, their output shapes and parameter counts."""
        from lamina.utils.summary import print_summary

        print_summary(
            self,
            line_length=line_length,
            print_fn=print_fn,
            show_trainable=show_trainable,
            positions=positions,
            expand_nested=expand_nested,
            layer_range=layer_range,
        )

    def export(
        self,
        filepath: str,
        format: str = "tf_saved_model",
        verbose: Any = None,
        input_signature: Any = None,
        **kwargs: Any,
    ) -> None:
        """Exports the model's inference call for use outside Python.

        `format="torch"` writes a `torch.export` program (reload it with
        `torch.export.load(filepath).module()`); `format="onnx"` writes an ONNX
        file (needs the `onnx` extra). The batch axis stays dynamic. Keras's
        default, a TensorFlow SavedModel, needs TensorFlow and is refused with
        a message naming these two formats.

        Args:
            filepath: the file to write (atomically).
            format: `"torch"` or `"onnx"`.
            verbose: print where the file went.
            input_signature: the inputs' specs (`InputSpec`, `Input` tensors or
                shape tuples); default the model's own inputs.
            **kwargs: `opset_version` for ONNX.
        """
        export_model(
            self,
            filepath,
            format=format,
            verbose=verbose,
            input_signature=input_signature,
            **kwargs,
        )

    def get_config(self) -> dict:
        return {"name": self.name, "trainable": self.trainable}

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> Model:
        """A functional config rebuilds the graph; otherwise `cls(**config)`."""
        if "input_layers" in config and "layers" in config:
            return functional_from_config(config, custom_objects)
        return cls(**config)
