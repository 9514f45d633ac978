"""`model.export`: a model leaves Python as a `torch.export` program or ONNX.

Both formats come from one `torch.export` trace of the model in inference mode.
The batch axis (and any other axis the input signature leaves as None) is
exported as a dynamic dimension, so the program takes any batch size.
"""

from __future__ import annotations

import os
import warnings
from typing import Any

import torch

from lamina import backend
from lamina.layers._symbolic import KerasTensor, flatten, map_structure

FORMATS = ("torch", "onnx")
_EXAMPLE_SIZES = (3, 5, 7, 11, 13)  # stand-ins for unknown sizes while tracing


class _InferenceCall(torch.nn.Module):
    """The model called with `training=False`, as one positional input list."""

    def __init__(self, owner: torch.nn.Module, fn: Any, structure: Any) -> None:
        super().__init__()
        self.owner = owner  # registered, so export lifts its weights as parameters
        self.fn = fn
        self.structure = structure

    def forward(self, *flat: torch.Tensor) -> Any:
        inputs = _pack(self.structure, list(flat))
        return self.fn(inputs)


def _pack(structure: Any, flat: list) -> Any:
    it = iter(flat)
    return map_structure(lambda _: next(it), structure)


def _spec_shape_dtype(spec: Any) -> tuple:
    """(shape, dtype) of an input spec: KerasTensor, InputSpec, tensor, tuple."""
    if isinstance(spec, torch.Tensor):
        return tuple(spec.shape), spec.dtype
    shape = getattr(spec, "shape", None)
    if shape is None and isinstance(spec, (tuple, list)):
        shape = spec
    if shape is None:
        raise ValueError(
            "Each entry of `input_signature` must be a KerasTensor (from "
            "`lamina.Input`), an InputSpec with a shape, a tensor, or a shape "
            f"tuple. Received: {spec!r}"
        )
    dtype = getattr(spec, "dtype", None) or backend.floatx()
    return tuple(shape), backend.to_torch_dtype(dtype)


def default_signature(model: Any) -> Any:
    """The model's own inputs, when it knows them."""
    inputs = getattr(model, "inputs", None)
    if inputs:
        return getattr(model, "_inputs_struct", inputs)
    shape = getattr(model, "input_shape", None)
    if (
        isinstance(shape, tuple)
        and shape
        and all(d is None or isinstance(d, int) for d in shape)
    ):
        return KerasTensor(shape)
    raise ValueError(
        f"Model '{model.name}' does not know its input shape, so `export` cannot "
        "trace it. Pass `input_signature=[lamina.InputSpec(shape=(None, ...))]` "
        "or build the model on `lamina.Input` first."
    )


def prepare(model: Any, input_signature: Any = None, fn: Any = None) -> tuple:
    """The module to trace, example inputs, their dynamic axes and names."""
    signature = (
        input_signature if input_signature is not None else default_signature(model)
    )
    if (
        isinstance(signature, (list, tuple))
        and len(signature) == 1
        and not isinstance(signature[0], (int, type(None)))
    ):
        signature = signature[0]
    specs = flatten(signature)
    examples, dynamic, names = [], [], []
    sizes = iter(_EXAMPLE_SIZES * 8)
    for i, spec in enumerate(specs):
        shape, dtype = _spec_shape_dtype(spec)
        dims = {}
        concrete = []
        for axis, d in enumerate(shape):
            if d is None or axis == 0:  # the batch axis always stays dynamic
                name = "batch" if axis == 0 else f"input{i}_axis{axis}"
                dims[axis] = torch.export.Dim(name)
                concrete.append(next(sizes) if axis else 2)
            else:
                concrete.append(int(d))
        examples.append(torch.zeros(concrete, dtype=dtype))
        dynamic.append(dims or None)
        names.append(getattr(spec, "name", None) or f"input_{i}")
    if fn is None:

        def fn(inputs: Any) -> Any:
            return model(inputs, training=False)

    module = _InferenceCall(model, fn, signature).eval()
    return module, tuple(examples), (tuple(dynamic),), names


def trace(model: Any, input_signature: Any = None, fn: Any = None) -> Any:
    """A `torch.export.ExportedProgram` of `fn` (default: the model's inference
    call) for inputs described by `input_signature`."""
    was_training = model.training
    module, examples, dynamic, _ = prepare(model, input_signature, fn)
    try:
        return torch.export.export(
            module, examples, dynamic_shapes=dynamic, strict=False
        )
    finally:
        model.train(was_training)


def save_program(program: Any, path: str) -> None:
    """`torch.export.save`, quiet about weights stored as permuted views.

    Convolution kernels keep Keras's shape in torch's memory order (a permuted
    view of a whole storage, see `layers/convolutional/_base_conv.py`). torch
    counts only contiguous tensors as "complete" and warns before rebuilding
    such a weight from its storage range, which here is the whole storage: the
    weight is written and reloaded exactly (tests/export checks the reload).
    """
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message="No complete tensor found in the group"
        )
        torch.export.save(program, path)


def _atomic_target(filepath: str) -> str:
    folder = os.path.dirname(os.path.abspath(filepath)) or "."
    os.makedirs(folder, exist_ok=True)
    stem, suffix = os.path.splitext(os.path.basename(filepath))
    # torch.export.save wants the .pt2 suffix, so the marker goes before it.
    return os.path.join(folder, f".{stem}.tmp{suffix}")


def export_model(
    model: Any,
    filepath: str,
    format: str = "tf_saved_model",
    verbose: Any = None,
    input_signature: Any = None,
    **kwargs: Any,
) -> None:
    """Writes `model` to `filepath` as a `torch.export` program or ONNX file."""
    if format not in FORMATS:
        hint = (
            " A TensorFlow SavedModel needs TensorFlow, which lamina does not use."
            if format == "tf_saved_model"
            else ""
        )
        raise ValueError(
            f'lamina exports `format="torch"` (a torch.export program, reloaded '
            f'with torch.export.load) or `format="onnx"`. Received: '
            f"format={format!r}.{hint}"
        )
    unknown = set(kwargs) - {"opset_version"}
    if unknown:
        raise ValueError(
            f"Unknown `export` arguments for format={format!r}: {sorted(unknown)}"
        )
    tmp = _atomic_target(filepath)
    if format == "torch":
        save_program(trace(model, input_signature), tmp)
    else:
        _write_onnx(model, input_signature, tmp, kwargs.get("opset_version"))
    os.replace(tmp, filepath)
    if verbose:
        print(f"Saved artifact at '{filepath}' (format={format!r}).")


def _write_onnx(model: Any, signature: Any, path: str, opset_version: Any) -> None:
    try:  # deferred: onnx and onnxscript are optional extras
        import onnx  # noqa: F401
        import onnxscript  # noqa: F401
    except ImportError as err:
        raise ImportError(
            "ONNX export needs the `onnx` and `onnxscript` packages: pip install "
            '"lamina[onnx]".'
        ) from err
    was_training = model.training
    module, examples, dynamic, names = prepare(model, signature)
    options: dict[str, Any] = {
        "dynamo": True,
        "verbose": False,
        "dynamic_shapes": dynamic,
        "input_names": names,
    }
    if opset_version is not None:
        options["opset_version"] = int(opset_version)
    try:
        onnx_program = torch.onnx.export(module, examples, **options)
    finally:
        model.train(was_training)
    onnx_program.save(path)
