"""Process-wide settings, mirroring `keras.config`."""

from __future__ import annotations

import torch

_FLOATX = "float32"
_EPSILON = 1e-7
_IMAGE_DATA_FORMAT = "channels_last"
_DEVICE: torch.device | None = None

_DTYPES = {
    "float16": torch.float16,
    "bfloat16": torch.bfloat16,
    "float32": torch.float32,
    "float64": torch.float64,
    "uint8": torch.uint8,
    "int8": torch.int8,
    "int16": torch.int16,
    "int32": torch.int32,
    "int64": torch.int64,
    "bool": torch.bool,
    "complex64": torch.complex64,
}
_ALIASES = {"float": "float32", "double": "float64", "half": "float16", "int": "int64"}


def floatx() -> str:
    """Returns the default float type, as a string (`"float32"`)."""
    return _FLOATX


def set_floatx(value: str) -> None:
    """Sets the default float type (`"float16"`, `"bfloat16"`, `"float32"`, `"float64"`)."""
    global _FLOATX
    if value not in ("float16", "bfloat16", "float32", "float64"):
        raise ValueError(
            "`floatx` must be one of 'float16', 'bfloat16', 'float32', 'float64'. "
            f"Received: value={value!r}"
        )
    _FLOATX = value


def epsilon() -> float:
    """Returns the fuzz factor used in numeric expressions (1e-7)."""
    return _EPSILON


def set_epsilon(value: float) -> None:
    """Sets the fuzz factor used in numeric expressions."""
    global _EPSILON
    _EPSILON = float(value)


def image_data_format() -> str:
    """Returns `"channels_last"` or `"channels_first"`."""
    return _IMAGE_DATA_FORMAT


def set_image_data_format(data_format: str) -> None:
    """Sets the default image data format."""
    global _IMAGE_DATA_FORMAT
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(
            "`data_format` must be 'channels_last' or 'channels_first'. "
            f"Received: data_format={data_format!r}"
        )
    _IMAGE_DATA_FORMAT = data_format


def get_device() -> torch.device:
    """The device new weights and training data go to (CUDA when available)."""
    if _DEVICE is not None:
        return _DEVICE
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def set_device(device: str | torch.device | None) -> None:
    """Sets the default device; `None` restores the automatic choice."""
    global _DEVICE
    _DEVICE = None if device is None else torch.device(device)


def standardize_dtype(dtype: object) -> str:
    """Returns the Keras name of a dtype given as a string, torch or numpy dtype."""
    if dtype is None:
        return floatx()
    if isinstance(dtype, torch.dtype):
        for name, value in _DTYPES.items():
            if value == dtype:
                return name
    if dtype is str or (isinstance(dtype, str) and dtype == "string"):
        # Keras's dtype of text inputs (`Input(dtype="string")`): the values
        # stay in numpy on the host; torch has no string tensors.
        return "string"
    name = getattr(dtype, "name", dtype)  # numpy dtypes and DTypePolicy
    if isinstance(name, str):
        name = _ALIASES.get(name, name)
        if name in _DTYPES:
            return name
    raise ValueError(
        f"Unknown dtype. Expected one of {sorted(_DTYPES)}. Received: dtype={dtype!r}"
    )


def to_torch_dtype(dtype: object) -> torch.dtype:
    """Returns the `torch.dtype` for a dtype given in any accepted form."""
    if isinstance(dtype, torch.dtype):
        return dtype
    name = standardize_dtype(dtype)
    if name == "string":
        raise ValueError(
            "torch has no string tensors: string data stays in numpy arrays on the "
            "host, and only layers that read text (StringLookup, Hashing, "
            "TextVectorization, FeatureSpace) take it. Received: dtype='string'"
        )
    return _DTYPES[name]
