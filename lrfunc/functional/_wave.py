"""Kernel of the periodic cosine wave (torch's ``CosineAnnealingLR``, rise included)."""

from __future__ import annotations

import math
from typing import Any

from .. import _ops as ops
from .._kernel import kernel
from .._ops import Value

__all__ = ["cosine_wave"]


@kernel
def cosine_wave(
    step: Value, base_lr: Any, *, half_period: Any, end: Any = 0.0, end_lr: Any = None
) -> Value:
    """A cosine that falls from 1 to ``end`` over ``half_period`` updates, rises back over
    the next ``half_period``, and repeats.

    The low point is ``end * base_lr``, or the absolute ``end_lr`` when given. The step is
    reduced modulo the period first, so large steps keep their precision.

    .. math:: \\mathrm{lr}(k) = \\ell + (b - \\ell) \\, \\frac{1 + \\cos(\\pi k / T)}{2},
        \\qquad \\ell = e \\, b \\text{ or } \\ell = \\mathrm{end\\_lr}

    Examples:
        >>> from lrfunc.functional import cosine_wave
        >>> [round(cosine_wave(k, 1.0, half_period=2), 6) for k in range(5)]
        [1.0, 0.5, 0.0, 0.5, 1.0]
        >>> cosine_wave(2, 0.0, half_period=2, end_lr=0.1)
        0.1
    """
    period = 2 * half_period
    phase = step - period * ops.floor(step / period)
    wave = 0.5 * (1.0 + ops.cos(math.pi * phase / half_period))
    low = base_lr * end if end_lr is None else end_lr
    return low + (base_lr - low) * wave
