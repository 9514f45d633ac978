"""Weight shapes of EinsumDense, read from its equation (Keras's rules).

Supported equations: `ab,bc->ac` (no ellipsis), `...ab,bc->...ac` (leading
axes elided) and `ab...,bc->ac...` (trailing axes elided).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_FORMS = (
    (r"([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)$", False),
    (r"\.\.\.([a-zA-Z]+),([a-zA-Z]+)->\.\.\.([a-zA-Z]+)$", True),
    (r"([a-zA-Z]{2,})\.\.\.,([a-zA-Z]+)->([a-zA-Z]+)\.\.\.$", False),
)


@dataclass
class EinsumShapes:
    """The kernel and bias shapes, the full output shape and the fan axes."""

    kernel: list
    bias: list | None
    output: list
    input_axes: list
    output_axes: list


def _split(equation: str) -> tuple[str, str, str, bool]:
    for pattern, left in _FORMS:
        match = re.match(pattern, equation.replace(" ", ""))
        if match:
            in_spec, w_spec, out_spec = match.groups()
            return in_spec, w_spec, out_spec, left
    raise ValueError(
        f"Invalid einsum equation '{equation}'. Equations must be in the form "
        "[X],[Y]->[Z], ...[X],[Y]->...[Z], or [X]...,[Y]->[Z]...."
    )


def _full_output(input_shape: tuple, partial: tuple, elided: int, left: bool) -> list:
    out = [input_shape[0], *partial]
    if elided > 0 and left:
        for i in range(1, elided):
            out.insert(1, input_shape[i])
    elif elided > 0:
        out.extend(input_shape[len(input_shape) - elided :])
    return out


def analyze(
    equation: str, bias_axes: str | None, input_shape: tuple, partial: tuple
) -> EinsumShapes:
    """Shapes of the weights of `EinsumDense(equation, partial, bias_axes)`.

    Raises:
        ValueError: for an unsupported equation, or specs that do not agree.
    """
    in_spec, w_spec, out_spec, left = _split(equation)
    elided = len(input_shape) - len(in_spec)
    output = _full_output(input_shape, partial, elided, left)
    shift = elided if left else 0
    in_map = {
        d: (i + shift - len(input_shape) if left else i) for i, d in enumerate(in_spec)
    }
    out_map = {d: i + shift for i, d in enumerate(out_spec)}
    for d in in_spec:
        if d in out_map and output[out_map[d]] not in (None, input_shape[in_map[d]]):
            raise ValueError(
                f"Input shape and output shape do not match at shared dimension "
                f"'{d}'. Input shape is {input_shape[in_map[d]]}, and output shape "
                f"is {output[out_map[d]]}."
            )
    for d in out_spec:
        if d not in in_spec and d not in w_spec:
            raise ValueError(
                f"Dimension '{d}' was specified in the output '{out_spec}' but has "
                f"no corresponding dim in the input spec '{in_spec}' or weight spec "
                f"'{w_spec}'"
            )
    kernel, input_axes, output_axes = [], [], []
    for i, d in enumerate(w_spec):
        if d in out_map:
            kernel.append(output[out_map[d]])
            output_axes.append(i)
        elif d in in_map:
            kernel.append(input_shape[in_map[d]])
            input_axes.append(i)
        else:
            raise ValueError(
                f"Weight dimension '{d}' did not have a match in either the input "
                f"spec '{in_spec}' or the output spec '{out_spec}'. For this layer, "
                "the weight must be fully specified."
            )
    bias = _bias_shape(bias_axes, out_spec, output, shift, 0 if left else elided)
    return EinsumShapes(kernel, bias, output, input_axes, output_axes)


def _bias_shape(
    bias_axes: str | None, out_spec: str, output: list, shift: int, trailing: int
) -> list | None:
    if bias_axes is None:
        return None
    for c in bias_axes:
        if c not in out_spec:
            raise ValueError(
                f"Bias dimension '{c}' was requested, but is not part of the "
                f"output spec '{out_spec}'"
            )
    first = min(out_spec.find(c) for c in bias_axes)
    sizes = {c: output[i + shift] for i, c in enumerate(out_spec)}
    bias = [sizes[c] if c in bias_axes else 1 for c in out_spec[first:]]
    return bias + [1] * max(trailing, 0)
