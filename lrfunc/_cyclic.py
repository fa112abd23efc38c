"""Cyclic schedules: one-cycle, cyclic (triangular waves) and restarts (SGDR), and the
cycle arithmetic (:func:`cycle_position`) that ``restarts`` and the ``repeat`` combinator
share.

Each is defined once here: parameters with their checks, the closed form, examples and
the formula (the kernels of :mod:`lrfunc.functional` derive from them).
"""

from __future__ import annotations

import math
from dataclasses import KW_ONLY, dataclass, field
from typing import Any

import torch

from . import _ops as ops
from ._basic import decay_shape
from ._ops import Value
from ._schedule import Schedule
from ._validate import (
    BOOL,
    FACTOR,
    PERIOD,
    POSITIVE,
    ParameterValueError,
    check_finite_schedule,
    check_period,
    check_python_number,
    check_schedule,
    check_time_scale,
    check_total,
    checked,
    choice,
    integral,
    optional,
    real,
)

__all__ = [
    "CYCLES",
    "MULT",
    "check_cycle_shape",
    "cycle_position",
    "cyclic",
    "in_cycle",
    "onecycle",
    "restarts",
    "total_steps",
]


# -- cycle arithmetic ----------------------------------------------------------------------


def _nonzero(denominator: Value) -> Value:
    """``denominator`` where it is > 0, else 1: a phase of no length divides by nothing."""
    return ops.where(denominator > 0, denominator, 1.0)


def _cycle_start(index: Value, period: Any, mult: float) -> Value:
    """Step where cycle ``index`` begins: ``period (mult^i - 1) / (mult - 1)``.

    Written with ``expm1``/``log1p`` so the result is within a few ulps of the exact start
    for every ``mult`` (the closed form loses digits as ``mult`` nears 1). A start within
    16 ulps of an integer is that integer: the exact start of cycle 1 is ``period``, and
    the cycle's first step must not fall in the cycle before by one rounding.
    """
    if mult == 1.0:
        return index * period
    start = period * ops.expm1(index * math.log1p(mult - 1.0)) / (mult - 1.0)
    nearest = ops.floor(start + 0.5)
    off = ops.maximum(start - nearest, nearest - start)
    return ops.where(off <= 16.0 * ops.eps(start) * ops.maximum(start, 1.0), nearest, start)


def cycle_position(
    step: Value, period: Any, mult: float = 1.0, cycles: int | None = None
) -> tuple[Value, Value, Value]:
    """``(index, local step, length)`` of the cycle that holds ``step``.

    Cycle ``i`` is ``period * mult**i`` steps long. With ``mult == 1`` the index is a
    plain floor division; otherwise it comes from a logarithm, then is corrected by one
    either way with comparisons against the cycles' start steps, so no rounding puts a
    step in the wrong cycle (branch-free on tensors). The length is formed directly (not
    as a difference of two large starts) and the local step is clamped to it, so both
    stay finite at any step. With ``cycles``, steps past the last cycle stay at its end.

    Examples:
        >>> from lrfunc._cyclic import cycle_position
        >>> cycle_position(7, 2, mult=2.0)  # cycles [0, 2), [2, 6), [6, 14)
        (2.0, 1.0, 8.0)
        >>> cycle_position(3, 3, mult=2.6238033163805885)[:2]  # cycle 1 starts at 3
        (1.0, 0.0)
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
    length = period * ops.pow(mult, index) if mult != 1.0 else period
    local = ops.clamp(step - _cycle_start(index, period, mult), 0.0, length)
    return index, local, length


def total_steps(period: int, mult: float, cycles: int | None, name: str) -> int | None:
    """The length of ``cycles`` cycles (``None``: forever); ``name`` counts them."""
    if cycles is None:
        return None
    return check_total(name, float(_cycle_start(float(cycles), period, mult)), cycles)


# -- checks ---------------------------------------------------------------------------------

_FLOAT32_MAX = float(torch.finfo(torch.float32).max)

#: ``mult``: a Python number >= 1 (it sets the cycle lengths).
MULT = checked(check_python_number(real(1.0)))
#: ``cycles`` / ``times``: a number of cycles (>= 1), or ``None`` for forever.
CYCLES = checked(optional(check_period))


def _half_cycle(low_open: bool) -> Any:
    """``up`` (> 0) or ``down`` (>= 0) of :class:`cyclic`: a Python number of steps,
    an int when it is integral."""

    def check(name: str, value: Any) -> Any:
        if not low_open and value == 0:
            return 0  # no fall: a sawtooth
        return integral(check_time_scale(name, value))

    return check_python_number(check)


def check_cycle_shape(name: str, value: Any) -> Any:
    """A finite schedule of at least one step: it is stretched over each cycle."""
    check_finite_schedule(name, value)
    if value.steps < 1:
        raise ParameterValueError(
            name, f"{name} must last at least one step to fill a cycle, got {value!r}"
        )
    return value


def in_cycle(shape: Schedule, local: Value, length: Value, base_lr: Any) -> Value:
    """``shape`` stretched over a cycle of ``length`` steps, ``local`` steps in."""
    n = shape.steps
    assert isinstance(n, int)  # checked at construction
    # local * n / L, not (local / L) * n: exact whenever the result is an integer.
    return shape.formula(ops.clamp(local * n / length, 0.0, n), base_lr)


# -- onecycle -------------------------------------------------------------------------------


def _phase(k: Value, begin: Value, end: Value, start: Value, stop: Value, how: str) -> Value:
    """One phase of :class:`onecycle`: from ``start`` at ``begin`` to ``stop`` at ``end``."""
    pct = ops.minimum(ops.maximum((k - begin) / _nonzero(end - begin), 0.0), 1.0)
    # torch's OneCycleLR._annealing_cos / _annealing_linear, term for term.
    if how == "linear":
        return (stop - start) * pct + start
    return stop + (start - stop) / 2.0 * (ops.cos(math.pi * pct) + 1.0)


@dataclass(frozen=True, repr=False)
class onecycle(Schedule):
    """The one-cycle policy (torch's ``OneCycleLR``), as factors of the peak ``base_lr``.

    Rises from ``1 / div_factor`` to 1 (the peak) until step ``pct_start * steps - 1``,
    then anneals to ``1 / (div_factor * final_div_factor)`` at step ``steps - 1``, where it
    holds. ``three_phase`` goes back down to ``1 / div_factor`` at step
    ``2 * pct_start * steps - 2`` first (fastai's / torch's three-phase variant). The
    phase ends are torch's (float) ones, so ``lf.onecycle(n, ...)(k, max_lr)`` is
    ``OneCycleLR(opt, max_lr, total_steps=n, ...)``'s lr after ``k`` steps.

    .. math:: \\mathrm{lr}(k) = b\\,A\\Bigl(v_{j}, v_{j+1},
        \\frac{\\min(k, n - 1) - e_{j}}{e_{j+1} - e_{j}}\\Bigr), \\quad
        A_{\\cos}(u, v, p) = v + \\frac{u - v}{2}(1 + \\cos \\pi p)

    with :math:`e = (0, \\, p n - 1, \\, n - 1)` and
    :math:`v = (1/d, \\, 1, \\, 1/(d f))` (two phases) or
    :math:`e = (0, \\, p n - 1, \\, 2 p n - 2, \\, n - 1)` and
    :math:`v = (1/d, \\, 1, \\, 1/d, \\, 1/(d f))` (three), and :math:`j` the first phase
    whose end is :math:`\\ge \\min(k, n - 1)`; ``anneal="linear"`` uses
    :math:`A_{\\mathrm{lin}}(u, v, p) = u + (v - u) p`.

    Args:
        steps: total length (torch's ``total_steps``); the last update is ``steps - 1``.
        pct_start: share of the steps spent rising, in ``[0, 1]``.
        div_factor: the start is ``1 / div_factor`` of the peak (``> 0``).
        final_div_factor: the end is ``1 / final_div_factor`` of the start (``> 0``).
        anneal: ``"cos"`` or ``"linear"`` (torch's ``anneal_strategy``).
        three_phase: rise, fall back to the start, then anneal to the end.

    Examples:
        >>> import lrfunc as lf
        >>> sched = lf.onecycle(10, pct_start=0.3, div_factor=10.0, anneal="linear")
        >>> [round(sched(k), 4) for k in (0, 1, 2, 9, 20)]
        [0.1, 0.55, 1.0, 0.0, 0.0]
        >>> round(lf.onecycle(100)(29, 0.1), 6)  # the peak: step pct_start * steps - 1
        0.1
    """

    steps: int = field(metadata=PERIOD)
    _: KW_ONLY
    pct_start: float = field(default=0.3, metadata=checked(real(0.0, 1.0)))
    div_factor: float = field(default=25.0, metadata=POSITIVE)
    final_div_factor: float = field(default=1e4, metadata=POSITIVE)
    anneal: str = field(default="cos", metadata=checked(choice("cos", "linear")))
    three_phase: bool = field(default=False, metadata=BOOL)

    def check(self) -> None:
        # The start 1 / d and the end 1 / (d f) must be float32 numbers (a float32 step
        # computes in float32): an infinite one makes the cosine annealing inf - inf.
        div, final = self.div_factor, self.final_div_factor
        if isinstance(div, float) and isinstance(final, float):
            for name, value in (("div_factor", 1.0 / div), ("final_div_factor", 1.0 / div / final)):
                if not value <= _FLOAT32_MAX:
                    raise ParameterValueError(
                        name,
                        f"{name} is too small: the lr would reach {value!r} times the peak "
                        f"(div_factor={div!r}, final_div_factor={final!r})",
                    )

    def formula(self, step: Value, base_lr: Any) -> Value:
        steps, anneal = self.steps, self.anneal
        start = 1.0 / self.div_factor
        end = start / self.final_div_factor
        k = ops.minimum(step, steps - 1)
        first = self.pct_start * steps - 1.0
        begins: tuple[Value, ...]
        ends: tuple[Value, ...]
        if self.three_phase:
            second = 2.0 * self.pct_start * steps - 2.0
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


@dataclass(frozen=True, repr=False)
class cyclic(Schedule):
    """A triangle wave between ``low`` and the peak ``base_lr`` (torch's ``CyclicLR``).

    Each cycle rises from ``low`` to 1 over ``up`` steps and falls back over ``down``
    steps (default ``up``). The height of the wave is scaled by an amplitude:

    - ``mode="triangular"``: 1;
    - ``mode="triangular2"``: halved every cycle, :math:`2^{-c}` in cycle ``c`` (from 0);
    - ``mode="exp_range"``: :math:`\\gamma^k` at step ``k`` (with ``gamma > 1`` it grows
      without bound: past float range the value is ``inf``, never NaN);
    - ``amplitude=sched``: any schedule, evaluated (as a factor) at the cycle index
      (``amplitude_by="cycle"``) or at the step (``amplitude_by="step"``): torch's
      ``scale_fn`` / ``scale_mode`` as a value that pickles and prints.
      ``amplitude=lf.exp(0.5)`` is ``triangular2``; ``amplitude=lf.exp(gamma),
      amplitude_by="step"`` is ``exp_range``.

    The step within the cycle is computed exactly for integer steps, so no rounding of
    :math:`k / (u + d)` at huge steps reaches the position in the wave.

    .. math:: \\mathrm{lr}(k) = b\\bigl(\\ell + (1 - \\ell)\\, h(x)\\, a\\bigr), \\quad
        c = \\Bigl\\lfloor \\frac{k}{u + d} \\Bigr\\rfloor, \\; x = \\frac{k - c(u + d)}{u + d},
        \\; h(x) = \\begin{cases} x / r & x \\le r \\\\ (1 - x) / (1 - r) & x > r
        \\end{cases}, \\; r = \\frac{u}{u + d}

    Args:
        up: steps from ``low`` to the peak (torch's ``step_size_up``; ``> 0``).
        down: steps from the peak back to ``low`` (``>= 0``; default ``up``).
        low: the factor at the bottom of the wave (``>= 0``; torch's
            ``base_lr / max_lr``).
        mode: ``"triangular"``, ``"triangular2"`` or ``"exp_range"``.
        gamma: the per-step factor of ``exp_range`` (``> 0``).
        amplitude: a schedule scaling the height instead of ``mode``.
        amplitude_by: ``"cycle"`` or ``"step"``: what ``amplitude`` is evaluated at.

    Examples:
        >>> import lrfunc as lf
        >>> sched = lf.cyclic(2, low=0.2)
        >>> [round(sched(k), 4) for k in range(6)]
        [0.2, 0.6, 1.0, 0.6, 0.2, 0.6]
        >>> [lf.cyclic(1, low=0.0, mode="triangular2")(k) for k in (1, 3, 5)]
        [1.0, 0.5, 0.25]
    """

    up: float = field(metadata=checked(_half_cycle(low_open=True), steps=True))
    _: KW_ONLY
    down: float | None = field(
        default=None, metadata=checked(optional(_half_cycle(False)), steps=True)
    )
    low: float = field(metadata=FACTOR)
    mode: str = field(
        default="triangular", metadata=checked(choice("triangular", "triangular2", "exp_range"))
    )
    gamma: float = field(default=1.0, metadata=POSITIVE)
    amplitude: Schedule | None = field(default=None, metadata=checked(optional(check_schedule)))
    amplitude_by: str = field(default="cycle", metadata=checked(choice("cycle", "step")))

    steps = None

    def check(self) -> None:
        if self.amplitude is not None and self.mode != "triangular":
            raise ParameterValueError(
                "amplitude",
                f"give mode or amplitude, not both: mode={self.mode!r} with "
                f"amplitude={self.amplitude!r}",
            )

    def formula(self, step: Value, base_lr: Any) -> Value:
        up = self.up
        down = up if self.down is None else self.down
        total = up + down
        ratio = up / total
        cycle = ops.floor(step / total)
        # The step within the cycle is exact for integer steps: no rounding of k / (u + d)
        # at huge steps reaches the position in the wave.
        x = ops.clamp((step - cycle * total) / total, 0.0, 1.0)
        rise = x / ratio
        fall = (1.0 - x) / _nonzero(1.0 - ratio)
        height = ops.where(x <= ratio, rise, fall)
        amp: Value
        # height * amp where height > 0 only: a growing exp_range amplitude saturates to
        # inf far out, and inf * 0 at the bottom of the wave would be NaN.
        if self.amplitude is not None:
            at = cycle if self.amplitude_by == "cycle" else step
            amp = self.amplitude.formula(at, 1.0)
        elif self.mode == "triangular2":
            amp = ops.pow(0.5, cycle)
        elif self.mode == "exp_range":
            amp = ops.pow(self.gamma, step)
        else:
            amp = 1.0
        wave = ops.where(height > 0.0, height * amp, 0.0)
        return base_lr * (self.low + (1.0 - self.low) * wave)


@dataclass(frozen=True, repr=False)
class restarts(Schedule):
    """Cosine annealing with warm restarts (SGDR; torch's ``CosineAnnealingWarmRestarts``).

    The first cycle lasts ``period`` steps, each next one ``mult`` times longer (a float
    ``mult`` is allowed; cycle ``i`` lasts ``period * mult**i`` steps, as in timm and
    Keras). In cycle ``i`` the value anneals from the peak ``decay**i`` (see
    ``decay_mode``) down to ``end``
    along ``shape`` (half a cosine by default; any finite schedule, stretched to the
    cycle). After ``cycles`` cycles it holds the last value.

    The cycle that holds a step is found with a logarithm and then corrected with exact
    comparisons against the cycles' start steps (:func:`cycle_position`), so it is right
    at every boundary, for Python ints and for int64 tensor steps alike.

    .. math:: \\mathrm{lr}(k) = b\\left(e + (p_i - e)\\,
        s\\!\\left(\\frac{k - S_i}{L_i}\\right)\\right), \\quad
        p_i = \\delta^i \\text{ or } e + (1 - e)\\delta^i, \\quad
        S_i = T\\frac{\\mu^i - 1}{\\mu - 1} \\le k < S_{i+1}, \\;
        L_i = S_{i+1} - S_i, \\; s(p) = \\tfrac{1}{2}(1 + \\cos \\pi p)

    (:math:`S_i = T i` when :math:`\\mu = 1`.)

    Args:
        period: length of the first cycle (torch's ``T_0``).
        mult: each cycle is ``mult`` times longer than the one before (``>= 1``;
            torch's ``T_mult``, timm's ``cycle_mul``, Keras's ``t_mul``).
        decay: each cycle's peak is ``decay`` times the one before (``> 0``; timm's
            ``cycle_decay``, Keras's ``m_mul``).
        end: the floor every cycle anneals to (a factor, ``>= 0``; torch's
            ``eta_min / base_lr``).
        cycles: number of cycles, then hold (timm's ``cycle_limit``); ``None``: forever.
        shape: a finite schedule run in each cycle (time stretched to the cycle); its
            values ``s`` map to ``end + (peak_i - end) * s``. Default: half a cosine.
        decay_mode: ``"peak"``: cycle ``i`` peaks at ``decay**i`` (timm's
            ``cycle_decay``); ``"amplitude"``: at ``end + (1 - end) * decay**i``, the
            height above ``end`` decays (Keras's ``m_mul``). Equal when ``end == 0``.

    Examples:
        >>> import lrfunc as lf
        >>> sched = lf.restarts(2, mult=2.0, end=0.1)
        >>> [round(sched(k), 4) for k in range(7)]
        [1.0, 0.55, 1.0, 0.8682, 0.55, 0.2318, 1.0]
        >>> sched = lf.restarts(4, decay=0.5, cycles=2, shape=lf.linear(4))
        >>> [sched(k) for k in (0, 2, 4, 6, 8, 100)]
        [1.0, 0.5, 0.5, 0.25, 0.0, 0.0]
        >>> sched.steps
        8
    """

    period: int = field(metadata=checked(check_python_number(check_period), steps=True))
    _: KW_ONLY
    mult: float = field(default=1.0, metadata=MULT)
    decay: float = field(default=1.0, metadata=POSITIVE)
    end: float = field(default=0.0, metadata=FACTOR)
    cycles: int | None = field(default=None, metadata=CYCLES)
    shape: Schedule | None = field(default=None, metadata=checked(optional(check_cycle_shape)))
    decay_mode: str = field(default="peak", metadata=checked(choice("peak", "amplitude")))

    def check(self) -> None:
        object.__setattr__(
            self, "steps", total_steps(self.period, self.mult, self.cycles, "cycles")
        )

    def formula(self, step: Value, base_lr: Any) -> Value:
        index, local, length = cycle_position(step, self.period, self.mult, self.cycles)
        if self.shape is None:
            share = decay_shape(ops.clamp(local / length, 0.0, 1.0), "cosine")
        else:
            share = in_cycle(self.shape, local, length, 1.0)
        end = self.end
        height = ops.pow(self.decay, index)
        height = (1.0 - end) * height if self.decay_mode == "amplitude" else height - end
        return base_lr * (end + height * share)
