"""Kernels of the cyclic schedules: one-cycle, cyclic (triangular) and restarts (SGDR).

Each kernel is one formula written against :mod:`lrfunc._ops`, shared by the number path
and the tensor path. Values are factors of ``base_lr``; for ``onecycle`` and ``cyclic``
``base_lr`` is the peak.
"""

from __future__ import annotations

import math
from typing import Any

from .. import _ops as ops
from .._kernel import kernel
from .._ops import Value

__all__ = ["cycle_position", "cyclic", "onecycle", "restarts"]


def _nonzero(denominator: Value) -> Value:
    """``denominator`` where it is > 0, else 1: a phase of no length divides by nothing."""
    return ops.where(denominator > 0, denominator, 1.0)


@kernel
def onecycle(
    step: Value,
    base_lr: Any,
    *,
    steps: int,
    pct_start: Any = 0.3,
    div_factor: Any = 25.0,
    final_div_factor: Any = 1e4,
    anneal: str = "cos",
    three_phase: bool = False,
) -> Value:
    """The one-cycle policy (torch's ``OneCycleLR``) as factors of the peak ``base_lr``.

    From ``s = 1 / div_factor`` up to 1 until step ``e_1 = pct_start * steps - 1``, then
    down to ``m = s / final_div_factor`` at step ``steps - 1``. With ``three_phase`` it
    goes back down to ``s`` at ``e_2 = 2 pct_start steps - 2`` before the final decay to
    ``m``. The phase ends are torch's (float) ones; past ``steps - 1`` the value holds.

    .. math:: \\mathrm{lr}(k) = b\\,A\\Bigl(v_{j}, v_{j+1},
        \\frac{\\min(k, n - 1) - e_{j}}{e_{j+1} - e_{j}}\\Bigr), \\quad
        A_{\\cos}(u, v, p) = v + \\frac{u - v}{2}(1 + \\cos \\pi p), \\;
        A_{\\mathrm{lin}}(u, v, p) = u + (v - u) p

    with :math:`e_0 = 0` and phase :math:`j` the first whose end
    :math:`e_{j+1} \\ge \\min(k, n - 1)`.

    Examples:
        >>> from lrfunc.functional import onecycle
        >>> [round(onecycle(k, 1.0, steps=10, div_factor=10.0, anneal="linear"), 4)
        ...  for k in (0, 1, 2, 9)]
        [0.1, 0.55, 1.0, 0.0]
    """
    start = 1.0 / div_factor
    end = start / final_div_factor
    k = ops.minimum(step, steps - 1)
    first = pct_start * steps - 1.0
    if three_phase:
        second = 2.0 * pct_start * steps - 2.0
        begins, ends = (0.0, first, second), (first, second, float(steps - 1))
        values = (start, 1.0, start, end)
    else:
        begins, ends = (0.0, first), (first, float(steps - 1))
        values = (start, 1.0, end)
    last = len(ends) - 1
    # torch takes the first phase whose end is >= k (the last one otherwise).
    if not isinstance(k, ops.Tensor):
        # A number step: the where-loop below would pick this phase; evaluate only it.
        j = last
        for i in range(last):
            if k <= ends[i]:
                j = i
                break
        return base_lr * _phase(k, begins[j], ends[j], values[j], values[j + 1], anneal)
    # Build from the last phase back so that earlier phases win.
    out = _phase(k, begins[last], ends[last], values[last], values[last + 1], anneal)
    for j in reversed(range(last)):
        value = _phase(k, begins[j], ends[j], values[j], values[j + 1], anneal)
        out = ops.where(k <= ends[j], value, out)
    return base_lr * out


def _phase(k: Value, begin: float, end: float, start: Value, stop: Value, how: str) -> Value:
    """One phase of :func:`onecycle`: from ``start`` at ``begin`` to ``stop`` at ``end``."""
    pct = ops.minimum(ops.maximum((k - begin) / _nonzero(end - begin), 0.0), 1.0)
    # torch's OneCycleLR._annealing_cos / _annealing_linear, term for term.
    if how == "linear":
        return (stop - start) * pct + start
    return stop + (start - stop) / 2.0 * (ops.cos(math.pi * pct) + 1.0)


@kernel
def cyclic(
    step: Value,
    base_lr: Any,
    *,
    up: Any,
    down: Any = None,
    low: Any,
    mode: str = "triangular",
    gamma: Any = 1.0,
    amplitude: Any = None,
    amplitude_by: str = "cycle",
) -> Value:
    """A triangle wave between ``low`` and the peak ``base_lr`` (torch's ``CyclicLR``).

    Each cycle rises from ``low`` to 1 in ``up`` steps and falls back in ``down`` steps
    (default ``up``). The wave's height is multiplied by an amplitude: 1 (``triangular``),
    :math:`2^{-c}` in cycle ``c`` counted from 0 (``triangular2``), :math:`\\gamma^k`
    (``exp_range``), or a schedule ``amplitude`` evaluated at the cycle index
    (``amplitude_by="cycle"``) or at the step (``amplitude_by="step"``).

    .. math:: \\mathrm{lr}(k) = b\\bigl(\\ell + (1 - \\ell)\\, h(x)\\, a\\bigr), \\quad
        c = \\lfloor k / (u + d) \\rfloor, \\; x = \\frac{k - c (u + d)}{u + d}, \\;
        h(x) = \\begin{cases} x / r & x \\le r \\\\ (1 - x) / (1 - r) & x > r
        \\end{cases}, \\; r = \\frac{u}{u + d}

    Examples:
        >>> from lrfunc.functional import cyclic
        >>> [cyclic(k, 1.0, up=2, low=0.5) for k in range(5)]
        [0.5, 0.75, 1.0, 0.75, 0.5]
        >>> cyclic(5, 1.0, up=2, low=0.0, mode="triangular2")
        0.25
    """
    down = up if down is None else down
    total = up + down
    ratio = up / total
    cycle = ops.floor(step / total)
    # The step within the cycle is exact for integer steps: no rounding of k / (u + d)
    # at huge steps reaches the position in the wave.
    x = ops.clamp((step - cycle * total) / total, 0.0, 1.0)
    rise = x / ratio
    fall = (1.0 - x) / _nonzero(1.0 - ratio)
    height = ops.where(x <= ratio, rise, fall)
    if amplitude is not None:
        amp = amplitude._eval(cycle if amplitude_by == "cycle" else step, 1.0)
    elif mode == "triangular2":
        amp = ops.pow(0.5, cycle)
    elif mode == "exp_range":
        amp = ops.pow(gamma, step)
    else:
        amp = 1.0
    return base_lr * (low + (1.0 - low) * height * amp)


def _cycle_start(index: Value, period: Any, mult: float) -> Value:
    """Step where cycle ``index`` begins: ``period (mult^i - 1) / (mult - 1)``."""
    if mult == 1.0:
        return index * period
    start = period * (ops.pow(mult, index) - 1.0) / (mult - 1.0)
    if float(mult).is_integer():
        # The exact start is an integer; rounding removes any ulp a pow() may add.
        start = ops.floor(start + 0.5)
    return start


def cycle_position(
    step: Value, period: Any, mult: float = 1.0, cycles: int | None = None
) -> tuple[Value, Value, Value]:
    """``(index, local step, length)`` of the cycle that holds ``step``.

    Cycle ``i`` is ``period * mult**i`` steps long. The index comes from a logarithm,
    then is corrected by one either way with exact comparisons against the cycles'
    start steps, so no rounding puts a step in the wrong cycle (branch-free on tensors).
    With ``cycles``, steps past the last cycle stay at its end.
    """
    if cycles is not None:
        step = ops.minimum(step, _cycle_start(float(cycles), period, mult))
    if mult == 1.0:
        index = ops.floor(step / period)
    else:
        guess = ops.log(1.0 + step * (mult - 1.0) / period) / math.log(mult)
        index = ops.maximum(ops.floor(guess), 0.0)
        index = ops.where(step < _cycle_start(index, period, mult), index - 1.0, index)
        index = ops.where(step >= _cycle_start(index + 1.0, period, mult), index + 1.0, index)
    if cycles is not None:
        index = ops.minimum(index, float(cycles - 1))
    begin = _cycle_start(index, period, mult)
    return index, step - begin, _cycle_start(index + 1.0, period, mult) - begin


@kernel
def restarts(
    step: Value,
    base_lr: Any,
    *,
    period: int,
    mult: float = 1.0,
    decay: Any = 1.0,
    end: Any = 0.0,
    cycles: int | None = None,
    shape: Any = None,
    decay_mode: str = "peak",
) -> Value:
    """Cosine annealing with warm restarts (SGDR; torch's ``CosineAnnealingWarmRestarts``).

    Cycle ``i`` lasts :math:`L_i = T \\mu^i` steps and starts at
    :math:`S_i = T (\\mu^i - 1) / (\\mu - 1)` (:math:`T i` when :math:`\\mu = 1`); its peak
    is :math:`p_i = \\delta^i` (with ``decay_mode="amplitude"``,
    :math:`p_i = e + (1 - e)\\delta^i`: the height above the floor decays), its floor
    ``end``. The inner ``shape`` (a finite schedule, stretched to each cycle) is half a
    cosine by default. After ``cycles`` cycles the value holds.

    .. math:: \\mathrm{lr}(k) = b\\left(e + (p_i - e)\\,
        s\\!\\left(\\frac{k - S_i}{L_i}\\right)\\right), \\quad S_i \\le k < S_{i+1},
        \\quad s(p) = \\tfrac{1}{2}(1 + \\cos \\pi p)

    Examples:
        >>> from lrfunc.functional import restarts
        >>> [round(restarts(k, 1.0, period=2, mult=2.0), 4) for k in range(7)]
        [1.0, 0.5, 1.0, 0.8536, 0.5, 0.1464, 1.0]
    """
    index, local, length = cycle_position(step, period, mult, cycles)
    if shape is None:
        share = 0.5 * (1.0 + ops.cos(math.pi * ops.clamp(local / length, 0.0, 1.0)))
    else:
        # local * n / L, not (local / L) * n: exact whenever the result is an integer.
        share = shape._eval(ops.clamp(local * shape.steps / length, 0.0, shape.steps), 1.0)
    height = ops.pow(decay, index)
    height = (1.0 - end) * height if decay_mode == "amplitude" else height - end
    return base_lr * (end + height * share)
