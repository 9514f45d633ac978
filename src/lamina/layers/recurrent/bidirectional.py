"""Bidirectional: runs a recurrent layer forwards and backwards, then merges."""

from __future__ import annotations

from typing import Any

import torch

from lamina.layers.base import Layer
from lamina.layers.recurrent._cell_utils import build_sublayer
from lamina.saving import deserialize_layer, serialize_layer

_MERGE_MODES = ("concat", "sum", "mul", "ave", None)


class Bidirectional(Layer):
    """Bidirectional wrapper for recurrent layers.

    The forward layer is a copy of `layer` named `forward_<name>`; the backward
    layer is `backward_layer`, or a copy with `go_backwards` flipped named
    `backward_<name>`. With `return_sequences`, the backward outputs are
    reversed in time so that both align. Weights: forward layer's, then
    backward layer's (Keras's order).

    Args:
        layer: a recurrent layer (`LSTM`, `GRU`, `SimpleRNN`, `RNN`).
        merge_mode: `"concat"` (default), `"sum"`, `"mul"`, `"ave"`, or None
            (the two outputs are returned as a tuple).
        weights: optional initial weights (forward, then backward), set at build.
        backward_layer: optional recurrent layer for the backward direction.

    Call arguments:
        inputs: `(batch, timesteps, features)`.
        initial_state: list of states, forward layer's then backward layer's.
        mask: boolean `(batch, timesteps)` mask.
        training: whether dropout applies.

    Returns:
        The merged output; with `return_state`, followed by the forward states
        then the backward states.

    Example:
    >>> import lamina
    >>> import numpy as np
    >>> layer = lamina.layers.Bidirectional(lamina.layers.LSTM(4))
    >>> layer(np.ones((2, 5, 3), "float32")).shape
    torch.Size([2, 8])
    """

    def __init__(
        self,
        layer: Any,
        merge_mode: str | None = "concat",
        weights: Any = None,
        backward_layer: Any = None,
        **kwargs: Any,
    ) -> None:
        _check_recurrent("layer", layer)
        if merge_mode not in _MERGE_MODES:
            raise ValueError(
                f"Invalid merge mode. Received: {merge_mode}. Merge mode should be "
                'one of {"sum", "mul", "ave", "concat", None}'
            )
        super().__init__(**kwargs)
        self.forward_layer = _copy(layer, _prefixed("forward_", layer.name))
        if backward_layer is None:
            name = _prefixed("backward_", layer.name.removeprefix("forward_"))
            backward_layer = _copy(layer, name, go_backwards=not layer.go_backwards)
        else:
            _check_recurrent("backward_layer", backward_layer)
            _check_compatible(layer, backward_layer)
        self.backward_layer = backward_layer
        for sub in (self.forward_layer, self.backward_layer):
            # as in Keras: masked steps of a returned sequence output zeros
            if hasattr(sub, "zero_output_for_mask"):
                sub.zero_output_for_mask = layer.return_sequences
        self.merge_mode = merge_mode
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        self.stateful = layer.stateful
        self.supports_masking = True
        self._initial_weights = weights

    def build(self, input_shape: tuple) -> None:
        build_sublayer(self.forward_layer, input_shape, self._build_device)
        build_sublayer(self.backward_layer, input_shape, self._build_device)
        self.built = True
        if self._initial_weights is not None:
            self.set_weights(self._initial_weights)
            self._initial_weights = None

    def reset_states(self) -> None:
        """Resets both layers' states (stateful layers)."""
        self.forward_layer.reset_states()
        self.backward_layer.reset_states()

    def call(
        self,
        inputs: torch.Tensor,
        initial_state: Any = None,
        mask: Any = None,
        training: bool | None = None,
    ) -> Any:
        fw_state = bw_state = None
        if initial_state is not None:
            half = len(initial_state) // 2
            fw_state, bw_state = list(initial_state[:half]), list(initial_state[half:])
        kw = {"mask": mask, "training": training}
        y = self.forward_layer(inputs, initial_state=fw_state, **kw)
        y_rev = self.backward_layer(inputs, initial_state=bw_state, **kw)
        states: tuple = ()
        if self.return_state:
            states = (*y[1:], *y_rev[1:])
            y, y_rev = y[0], y_rev[0]
        if self.return_sequences:
            y_rev = y_rev.flip(1)  # align the backward outputs with the input's time
        out = _merge(self.merge_mode, y, y_rev)
        if self.return_state:
            return (*out, *states) if isinstance(out, tuple) else (out, *states)
        return out

    def compute_mask(self, inputs: Any, previous_mask: Any = None) -> Any:
        if not self.return_sequences or previous_mask is None:
            return None
        return previous_mask

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "merge_mode": self.merge_mode,
            "layer": serialize_layer(self.forward_layer),
            "backward_layer": serialize_layer(self.backward_layer),
        }

    @classmethod
    def from_config(
        cls, config: dict, custom_objects: dict | None = None
    ) -> Bidirectional:
        config = dict(config)
        config["layer"] = deserialize_layer(config["layer"], custom_objects)
        if config.get("backward_layer") is not None:
            config["backward_layer"] = deserialize_layer(
                config["backward_layer"], custom_objects
            )
        return cls(**config)


def _merge(mode: str | None, y: torch.Tensor, y_rev: torch.Tensor) -> Any:
    if mode == "concat":
        return torch.cat([y, y_rev], dim=-1)
    if mode == "sum":
        return y + y_rev
    if mode == "ave":
        return (y + y_rev) / 2
    if mode == "mul":
        return y * y_rev
    return (y, y_rev)


def _prefixed(prefix: str, name: str) -> str:
    return name if name.startswith(prefix) else prefix + name


def _copy(layer: Any, name: str, **overrides: Any) -> Any:
    """A fresh layer with `layer`'s config, renamed (weights are not shared)."""
    config = {**layer.get_config(), "name": name, **overrides}
    return type(layer).from_config(config)


def _check_recurrent(arg: str, layer: Any) -> None:
    if not isinstance(layer, Layer):
        raise ValueError(
            "Please initialize `Bidirectional` layer with a `lamina.layers.Layer` "
            f"instance. Received: {arg}={layer!r}"
        )
    for attr in ("return_sequences", "return_state", "go_backwards"):
        if not hasattr(layer, attr):
            raise ValueError(
                "`Bidirectional` wraps a recurrent layer (LSTM, GRU, SimpleRNN, RNN), "
                f"which has `{attr}`. Received: {arg}={layer!r}"
            )


def _check_compatible(layer: Any, backward: Any) -> None:
    if backward.go_backwards == layer.go_backwards:
        raise ValueError(
            "`backward_layer.go_backwards` must be the opposite of "
            f"`layer.go_backwards`. Received: both are {layer.go_backwards}"
        )
    for attr in ("return_sequences", "return_state", "stateful"):
        if getattr(layer, attr) != getattr(backward, attr):
            raise ValueError(
                f"Forward layer and backward layer should have the same `{attr}`. "
                f"Received: {getattr(layer, attr)} and {getattr(backward, attr)}"
            )
