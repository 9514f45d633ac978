"""RNN: runs a recurrent cell over the time axis, fused where PyTorch allows."""

from __future__ import annotations

from typing import Any

import torch

from lamina.layers.base import Layer
from lamina.layers.input_spec import InputSpec
from lamina.layers.recurrent import _fused
from lamina.layers.recurrent._cell_utils import build_sublayer
from lamina.layers.recurrent._states import flat, step_loop, zero_states
from lamina.layers.recurrent.stacked_rnn_cells import StackedRNNCells
from lamina.saving import deserialize_layer, serialize_layer


class RNN(Layer):
    """Base class of recurrent layers: applies `cell` to each timestep.

    Built-in cells (`LSTMCell`, `GRUCell` with `reset_after=True`,
    `SimpleRNNCell` with tanh or relu) with their default activations run on
    PyTorch's fused kernels; right-padded masks go through packed sequences.
    Other cells, recurrent dropout in training and other masks use a step loop.

    Args:
        cell: a cell (a layer with `call(inputs, states)` returning
            `(output, new_states)` and a `state_size`), or a list of cells
            (stacked with `StackedRNNCells`).
        return_sequences: return the whole output sequence, not only the last.
        return_state: also return the final states: `(output, *states)`.
        go_backwards: read the input sequence backwards (the output sequence is
            then in reversed order too, as in Keras).
        stateful: the final states of a batch are the initial states of the
            next; `reset_states()` sets them back to zeros.
        unroll: accepted for compatibility; has no effect.
        zero_output_for_mask: masked steps output zeros instead of repeating
            the previous output.

    Input shape:
        `(batch, timesteps, features)`.

    Output shape:
        `(batch, units)`, or `(batch, timesteps, units)` with `return_sequences`;
        followed by the states with `return_state`.

    Call arguments:
        sequences: the input tensor.
        initial_state: list of initial state tensors (zeros by default).
        mask: boolean (batch, timesteps) tensor; False marks a skipped step.
        training: whether dropout applies.
    """

    def __init__(
        self,
        cell: Any,
        return_sequences: bool = False,
        return_state: bool = False,
        go_backwards: bool = False,
        stateful: bool = False,
        unroll: bool = False,
        zero_output_for_mask: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if isinstance(cell, (list, tuple)):
            cell = StackedRNNCells(cell)
        if not callable(getattr(cell, "call", None)) or not hasattr(cell, "state_size"):
            raise ValueError(
                "Argument `cell` should have a `call` method and a `state_size` "
                f"attribute. Received: cell={cell!r}"
            )
        self.cell = cell
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.stateful = bool(stateful)
        self.unroll = bool(unroll)
        self.zero_output_for_mask = bool(zero_output_for_mask)
        self.input_spec = InputSpec(ndim=3)
        self.supports_masking = True
        self.states: list | None = None
        self.last_call_fused = False  # whether the last call ran a fused kernel

    def build(self, input_shape: tuple) -> None:
        step_shape = (input_shape[0], input_shape[-1])
        if isinstance(self.cell, Layer):
            build_sublayer(self.cell, step_shape, self._build_device)
        self.input_spec = InputSpec(ndim=3, axes={-1: input_shape[-1]})
        self.built = True

    def get_initial_state(
        self, batch_size: int, like: torch.Tensor | None = None
    ) -> list:
        """Zero states for `batch_size` sequences."""
        like = torch.empty(0) if like is None else like
        return zero_states(self.cell.state_size, batch_size, like)

    def reset_states(self) -> None:
        """Sets a stateful layer's states back to zeros."""
        self.states = None

    reset_state = reset_states

    def call(
        self,
        sequences: torch.Tensor,
        initial_state: Any = None,
        mask: Any = None,
        training: bool | None = None,
    ) -> Any:
        states = self._initial_states(sequences, initial_state)
        if mask is not None:
            mask = torch.as_tensor(mask, device=sequences.device).to(torch.bool)
            if mask.ndim == 3:
                mask = mask[..., 0]
        if hasattr(self.cell, "reset_dropout_masks"):
            self.cell.reset_dropout_masks()
        result = self._run_fused(sequences, states, mask, training)
        self.last_call_fused = result is not None
        if result is None:
            result = self._run_loop(sequences, states, mask, training)
        seq, states = result
        if self.stateful and sequences.device.type != "meta":
            self.states = [s.detach() for s in flat(states)]
        output = seq if self.return_sequences else seq[:, -1]
        if self.return_state:
            return (output, *states)
        return output

    def compute_mask(self, inputs: Any, previous_mask: Any = None) -> Any:
        return previous_mask if self.return_sequences else None

    # -- states -----------------------------------------------------------------
    def _initial_states(self, x: torch.Tensor, initial_state: Any) -> list:
        zeros = zero_states(self.cell.state_size, x.shape[0], x)
        if initial_state is not None:
            given = (
                initial_state
                if isinstance(initial_state, (list, tuple))
                else [initial_state]
            )
            if len(flat(list(given))) != len(flat(zeros)):
                raise ValueError(
                    f"Layer '{self.name}' expects {len(flat(zeros))} initial state "
                    f"tensor(s) (`cell.state_size={self.cell.state_size}`), but "
                    f"received {len(flat(list(given)))}: initial_state={initial_state!r}"
                )
            return self._restructure(zeros, [self._as_state(s, x) for s in flat(given)])
        if self.stateful and self.states is not None:
            if self.states[0].shape[0] != x.shape[0]:
                raise ValueError(
                    f"Stateful layer '{self.name}' holds states for batch size "
                    f"{self.states[0].shape[0]}, but received a batch of "
                    f"{x.shape[0]}. Use a fixed batch size, or call `reset_states()`."
                )
            return self._restructure(zeros, list(self.states))
        return zeros

    @staticmethod
    def _as_state(s: Any, x: torch.Tensor) -> torch.Tensor:
        return torch.as_tensor(s, device=x.device).to(x.dtype)

    def _restructure(self, template: list, tensors: list) -> list:
        it = iter(tensors)

        def fill(node: Any) -> Any:
            if isinstance(node, list):
                return [fill(n) for n in node]
            return next(it)

        return fill(template)

    # -- computation ------------------------------------------------------------
    def _run_fused(
        self, x: torch.Tensor, states: list, mask: Any, training: Any
    ) -> tuple[torch.Tensor, list] | None:
        kind_of = getattr(self.cell, "_fused_kind", None)
        kind = kind_of(training) if kind_of is not None else None
        if kind is None:
            return None
        if mask is not None and mask.device.type == "meta":
            mask = None  # shapes only: the masked result has the same shapes
        lengths = None
        if mask is not None:
            lengths = _fused.right_padded_lengths(mask)
            if lengths is None:
                return None
        x = self.cell._drop_sequence(x, training)
        params = self.cell._fused_params()
        if mask is None:
            x = x.flip(1) if self.go_backwards else x
            return _fused.run_kernel(kind, x, states, params)
        seq, states = _fused.run_masked(
            kind, x, states, params, lengths, self.go_backwards
        )
        if not self.go_backwards and not self.zero_output_for_mask:
            seq = torch.where(mask[..., None], seq, states[0][:, None])
        return seq, states

    def _run_loop(
        self, x: torch.Tensor, states: list, mask: Any, training: Any
    ) -> tuple[torch.Tensor, list]:
        cell = self.cell
        takes_training = getattr(cell, "_call_has_training", False)

        def step(x_t: torch.Tensor, s: list) -> Any:
            if takes_training:
                return cell.call(x_t, s, training=training)
            return cell.call(x_t, s)

        if self.go_backwards:
            x = x.flip(1)
            mask = None if mask is None else mask.flip(1)
        return step_loop(step, x, states, mask, self.zero_output_for_mask)

    # -- configuration ----------------------------------------------------------
    def _rnn_config(self) -> dict:
        return {
            "return_sequences": self.return_sequences,
            "return_state": self.return_state,
            "go_backwards": self.go_backwards,
            "stateful": self.stateful,
            "unroll": self.unroll,
            "zero_output_for_mask": self.zero_output_for_mask,
        }

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            **self._rnn_config(),
            "cell": serialize_layer(self.cell),
        }

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> RNN:
        config = dict(config)
        cell = config.pop("cell")
        if isinstance(cell, dict):
            cell = deserialize_layer(cell, custom_objects)
        return cls(cell, **config)
