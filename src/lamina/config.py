"""`lamina.config`: global settings, as `keras.config` names them."""

from __future__ import annotations

import torch

from lamina._registry import enable_unsafe_deserialization
from lamina.backend import (
    epsilon,
    floatx,
    image_data_format,
    set_epsilon,
    set_floatx,
    set_image_data_format,
)
from lamina.layers._dtype_policy import global_policy as dtype_policy
from lamina.layers._dtype_policy import set_global_policy as set_dtype_policy
from lamina.utils._run_limits import (
    max_epochs,
    max_steps_per_epoch,
    set_max_epochs,
    set_max_steps_per_epoch,
)
from lamina.utils.io_utils import (
    disable_interactive_logging,
    enable_interactive_logging,
    is_interactive_logging_enabled,
)
from lamina.utils.traceback_utils import (
    disable_traceback_filtering,
    enable_traceback_filtering,
    is_traceback_filtering_enabled,
)

_FLASH_ATTENTION: dict[str, bool | None] = {"enabled": None}


def backend() -> str:
    """The engine's name: lamina always runs on PyTorch."""
    return "torch"


def set_backend(backend: str) -> None:
    """Accepts `"torch"`, the only engine lamina runs on.

    Raises:
        ValueError: for any other backend.
    """
    if backend != "torch":
        raise ValueError(
            "lamina runs on PyTorch only: `set_backend` accepts 'torch'. "
            f"Received: backend={backend!r}. For another backend use Keras itself."
        )


def is_nnx_enabled() -> bool:
    """Flax NNX is a JAX feature: always False on lamina."""
    return False


def enable_flash_attention() -> None:
    """Lets PyTorch's attention use its flash kernel (on GPUs that have it)."""
    _FLASH_ATTENTION["enabled"] = True
    torch.backends.cuda.enable_flash_sdp(True)


def disable_flash_attention() -> None:
    """Keeps PyTorch's attention off its flash kernel."""
    _FLASH_ATTENTION["enabled"] = False
    torch.backends.cuda.enable_flash_sdp(False)


def is_flash_attention_enabled() -> bool | None:
    """True or False once set; None (PyTorch chooses) by default, as in Keras."""
    return _FLASH_ATTENTION["enabled"]


__all__ = [
    "backend",
    "disable_flash_attention",
    "disable_interactive_logging",
    "disable_traceback_filtering",
    "dtype_policy",
    "enable_flash_attention",
    "enable_interactive_logging",
    "enable_traceback_filtering",
    "enable_unsafe_deserialization",
    "epsilon",
    "floatx",
    "image_data_format",
    "is_flash_attention_enabled",
    "is_interactive_logging_enabled",
    "is_nnx_enabled",
    "is_traceback_filtering_enabled",
    "max_epochs",
    "max_steps_per_epoch",
    "set_backend",
    "set_dtype_policy",
    "set_epsilon",
    "set_floatx",
    "set_image_data_format",
    "set_max_epochs",
    "set_max_steps_per_epoch",
]
