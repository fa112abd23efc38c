"""Kernels of the decay catalogue: inverse square root (with Noam's exact form), REX,
tanh (timm), piecewise interpolation and inverse-time decay (Keras).

Each kernel is the one formula of its schedule, written against :mod:`lrfunc._ops` so the
number path and the tensor path share it. Values are factors of ``base_lr``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from .. import _ops as ops
from .._kernel import kernel
from .._ops import Value
from ._basic import progress
from ._basic import warmup as _warmup

__all__ = ["interpolate", "inverse_sqrt", "inverse_time", "noam", "rex", "tanh"]


@kernel
def inverse_sqrt(
    step: Value, base_lr: Any, *, warmup: Any, timescale: Any = None, start: Any = None
) -> Value:
    """A linear warmup to 1 over ``warmup`` updates, then decay as an inverse square root.

    After the warmup the factor is :math:`\\sqrt{\\tau / (k - w + \\tau)}`: 1 at the end
    of the warmup, with timescale :math:`\\tau` (default ``warmup``, which gives fairseq's
    :math:`\\sqrt{w / k}`; HF's ``timescale``). The ramp is :func:`warmup`'s
    (``start`` default ``1 / (warmup + 1)``; ``start=0.0`` gives HF's and fairseq's
    ``k / w``).

    .. math:: \\mathrm{lr}(k) = b \\begin{cases} s + (1 - s) k / w & k < w \\\\
        \\sqrt{\\tau / (k - w + \\tau)} & k \\ge w \\end{cases}

    Examples:
        >>> from lrfunc.functional import inverse_sqrt
        >>> [inverse_sqrt(k, 1.0, warmup=4, start=0.0) for k in (0, 2, 4, 16)]
        [0.0, 0.5, 1.0, 0.5]
        >>> inverse_sqrt(30, 1.0, warmup=0, timescale=10)
        0.5
    """
    tau = warmup if timescale is None else timescale
    out = ops.sqrt(tau / (ops.maximum(step, warmup) - warmup + tau))
    if isinstance(warmup, ops.Tensor) or warmup > 0:
        up = _warmup.raw(step, 1.0, steps=warmup, start=start)
        out = ops.where(step < warmup, up, out)
    return base_lr * out


@kernel
def noam(step: Value, base_lr: Any, *, d_model: Any, warmup: Any) -> Value:
    """The Transformer paper's schedule (Vaswani et al. 2017), with ``base_lr`` its scale.

    The paper counts updates from 1 (``step_num``), so update ``k`` (from 0) uses
    ``n = k + 1``: the first update gets :math:`d^{-1/2} w^{-3/2}`, never 0, and the
    peak :math:`(d w)^{-1/2}` is used by update ``k = w - 1``.

    .. math:: \\mathrm{lr}(k) = b \\, d^{-1/2} \\min\\left(n^{-1/2}, n w^{-3/2}\\right),
        \\quad n = k + 1

    Examples:
        >>> from lrfunc.functional import noam
        >>> [round(noam(k, 1.0, d_model=512, warmup=4) * 512**0.5, 6) for k in (0, 3, 15)]
        [0.125, 0.5, 0.25]
    """
    n = step + 1.0
    return base_lr * d_model**-0.5 * ops.minimum(1.0 / ops.sqrt(n), n * warmup**-1.5)


@kernel
def rex(step: Value, base_lr: Any, *, steps: Any, end: Any = 0.0) -> Value:
    """REX decay (Chen et al. 2021, "REX: Revisiting Budgeted Training"), 1 to ``end``.

    With the remaining fraction :math:`z = 1 - \\min(k, n)/n`, the factor is
    :math:`z / (1/2 + z/2)`: flat at first, steep at the end.

    .. math:: \\mathrm{lr}(k) = b \\left(e + (1 - e) \\frac{2 z}{1 + z}\\right)

    Examples:
        >>> from lrfunc.functional import rex
        >>> [round(rex(k, 1.0, steps=4), 4) for k in (0, 2, 3, 4, 9)]
        [1.0, 0.6667, 0.4, 0.0, 0.0]
    """
    z = 1.0 - progress(step, steps)
    return base_lr * (end + (1.0 - end) * (2.0 * z / (1.0 + z)))


@kernel
def tanh(
    step: Value,
    base_lr: Any,
    *,
    steps: Any,
    end: Any = 0.0,
    lower: Any = -7.0,
    upper: Any = 3.0,
) -> Value:
    """timm's tanh decay (Hsueh et al. 2019) over ``steps`` updates, then ``end``.

    The curve runs :math:`\\tanh` from ``lower`` to ``upper``; like timm it is exactly
    ``end`` from step ``steps`` on (the curve itself stops at ``0.5 (1 - tanh(upper))``,
    about 0.25 % of the peak above ``end`` for the defaults).

    .. math:: \\mathrm{lr}(k) = b \\left(e + \\frac{1 - e}{2}
        \\left(1 - \\tanh\\bigl(l (1 - p) + u p\\bigr)\\right)\\right), \\quad
        p = k / n \\text{ for } k < n; \\quad b e \\text{ for } k \\ge n

    Examples:
        >>> from lrfunc.functional import tanh
        >>> [round(tanh(k, 1.0, steps=10), 4) for k in (0, 5, 7, 9, 10)]
        [1.0, 0.982, 0.5, 0.018, 0.0]
    """
    p = progress(step, steps)
    curve = end + (1.0 - end) * 0.5 * (1.0 - ops.tanh(lower * (1.0 - p) + upper * p))
    return base_lr * ops.where(step < steps, curve, end)


@kernel
def interpolate(
    step: Value,
    base_lr: Any,
    *,
    boundaries: Sequence[int],
    values: Sequence[Any],
    shape: str = "linear",
) -> Value:
    """``values[i]`` at step ``boundaries[i]``, interpolated in between; flat outside.

    ``shape="cosine"`` joins neighbouring points with half a cosine (flat at each
    point), like optax's ``piecewise_interpolate_schedule("cosine", ...)``.

    .. math:: \\mathrm{lr}(k) = b \\left(v_i + (v_{i+1} - v_i)\\, s\\!\\left(
        \\frac{k - t_i}{t_{i+1} - t_i}\\right)\\right), \\quad t_i \\le k < t_{i+1},
        \\quad s(p) = p \\text{ or } \\frac{1 - \\cos \\pi p}{2}

    Examples:
        >>> from lrfunc.functional import interpolate
        >>> f = lambda k: interpolate(k, 1.0, boundaries=[2, 6], values=[0.0, 1.0])
        >>> [f(k) for k in (0, 2, 3, 6, 9)]
        [0.0, 0.0, 0.25, 1.0, 1.0]
    """
    out: Value = values[0]
    for i in range(len(boundaries) - 1):
        t0, t1, v0, v1 = boundaries[i], boundaries[i + 1], values[i], values[i + 1]
        p = ops.minimum(ops.maximum(step - t0, 0.0), t1 - t0) / (t1 - t0)
        if shape == "cosine":
            p = 0.5 * (1.0 - ops.cos(math.pi * p))
        elif shape != "linear":
            raise ValueError(f"shape must be 'linear' or 'cosine'; got {shape!r}")
        out = ops.where(step >= t0, v0 + (v1 - v0) * p, out)
    # The last point exactly, not v0 + (v1 - v0) * 1 (one rounding away from it).
    out = ops.where(step >= boundaries[-1], values[-1], out)
    return base_lr * out


@kernel
def inverse_time(
    step: Value, base_lr: Any, *, rate: Any, every: Any = 1, staircase: bool = False
) -> Value:
    """Inverse-time decay (Keras ``InverseTimeDecay``): ``1 / (1 + rate * k / every)``.

    .. math:: \\mathrm{lr}(k) = \\frac{b}{1 + r \\, p}, \\quad
        p = k / m \\text{ (floored with staircase)}

    Examples:
        >>> from lrfunc.functional import inverse_time
        >>> [round(inverse_time(k, 1.0, rate=0.5, every=2), 4) for k in (0, 2, 3, 6)]
        [1.0, 0.6667, 0.5714, 0.4]
        >>> round(inverse_time(3, 1.0, rate=0.5, every=2, staircase=True), 4)
        0.6667
    """
    p = step / every
    if staircase:
        p = ops.floor(p)
    return base_lr / (1.0 + rate * p)
