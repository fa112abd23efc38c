"""Kernels of warmup-stable-decay: the cooldown shapes and ``wsd`` itself.

A cooldown shape maps the fraction ``p`` of the cooldown already done to the share of
the way from the peak to ``end`` still left: 1 at ``p = 0`` and exactly 0 at ``p = 1``.
"""

from __future__ import annotations

import math
from typing import Any

from .. import _ops as ops
from .._kernel import kernel
from .._ops import Value
from ._basic import warmup as _warmup

__all__ = ["DECAY_SHAPES", "decay_shape", "resolve_length", "wsd"]

#: The cooldown shapes: ``"linear"`` 1 - p, ``"cosine"`` (1 + cos pi p) / 2,
#: ``"1-sqrt"`` 1 - sqrt(p) (Hägele et al. 2024), ``"poly"`` (1 - p) ** power.
DECAY_SHAPES = ("linear", "cosine", "1-sqrt", "poly")


def decay_shape(p: Value, shape: str, power: Any = None) -> Value:
    """The cooldown shape ``shape`` at progress ``p`` in ``[0, 1]`` (1 down to 0)."""
    if shape == "linear":
        return 1.0 - p
    if shape == "cosine":
        return 0.5 * (1.0 + ops.cos(math.pi * p))
    if shape == "1-sqrt":
        return 1.0 - ops.sqrt(p)
    if shape == "poly":
        return ops.pow(1.0 - p, 2.0 if power is None else power)
    raise ValueError(f"shape must be one of {DECAY_SHAPES}; got {shape!r}")


def resolve_length(value: Any, steps: int) -> int:
    """A phase length given as an int (updates) or a float in ``[0, 1]`` (a fraction of
    ``steps``, rounded half up to whole updates)."""
    if isinstance(value, float):
        return math.floor(value * steps + 0.5)
    return int(value)


@kernel
def wsd(
    step: Value,
    base_lr: Any,
    *,
    steps: int,
    warmup: Any = 0,
    decay: Any = 0.2,
    shape: str = "linear",
    power: Any = None,
    end: Any = 0.0,
    start: Any = None,
    warmup_shape: str = "linear",
) -> Value:
    """Warmup-stable-decay over ``steps`` updates: ramp up, hold 1, cool down to ``end``.

    ``warmup`` and ``decay`` are lengths (ints) or fractions of ``steps`` (floats); the
    stable phase fills the rest. The warmup is :func:`warmup`'s (``start``,
    ``warmup_shape``); the cooldown starts at ``c = steps - decay`` and reaches ``end``
    exactly at ``steps``.

    .. math:: \\mathrm{lr}(k) = b \\begin{cases} \\mathrm{warmup}(k) & k < w \\\\
        e + (1 - e)\\, d\\!\\left(\\frac{\\min(\\max(k - c, 0), n_d)}{n_d}\\right)
        & k \\ge w \\end{cases}

    with the cooldown shape :math:`d` one of ``linear`` :math:`1 - p`, ``cosine``
    :math:`(1 + \\cos \\pi p)/2`, ``1-sqrt`` :math:`1 - \\sqrt p`, ``poly``
    :math:`(1 - p)^{a}`.

    Examples:
        >>> from lrfunc.functional import wsd
        >>> f = lambda k: wsd(k, 1.0, steps=10, warmup=2, decay=4, start=0.0)
        >>> [f(k) for k in (0, 1, 2, 6, 7, 8, 10, 20)]
        [0.0, 0.5, 1.0, 1.0, 0.75, 0.5, 0.0, 0.0]
        >>> wsd(7, 1.0, steps=10, decay=0.4, shape="1-sqrt")
        0.5
    """
    n_warm = resolve_length(warmup, steps)
    n_decay = resolve_length(decay, steps)
    p = ops.minimum(ops.maximum(step - (steps - n_decay), 0.0), n_decay) / n_decay
    out = end + (1.0 - end) * decay_shape(p, shape, power)
    if n_warm > 0:
        up = _warmup.raw(step, 1.0, steps=n_warm, start=start, shape=warmup_shape)
        out = ops.where(step < n_warm, up, out)
    return base_lr * out
