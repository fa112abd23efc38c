"""Cyclic schedules: one-cycle, cyclic (triangular waves), restarts (SGDR) and ``repeat``.

``onecycle``, ``cyclic`` and ``restarts`` bind their parameters and call the kernel of the
same name in :mod:`lrfunc.functional`; ``repeat`` is a combinator that runs any finite
schedule again and again, on the same cycle arithmetic as ``restarts``.
"""

from __future__ import annotations

import math
from dataclasses import KW_ONLY, dataclass
from typing import Any, ClassVar

from . import _ops as ops
from . import functional as F
from ._kernel import Kernel
from ._ops import Tensor, Value
from ._schedule import KernelSchedule, Schedule
from ._validate import check_choice, check_length, check_positive, check_real
from .functional._cyclic import cycle_position

__all__ = ["cyclic", "onecycle", "repeat", "restarts"]


def _check_bool(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be a bool, got {value!r} ({type(value).__name__})")
    return value


def _check_number(name: str, value: Any) -> None:
    # Cycle arithmetic (which cycle holds a step) is fixed at construction.
    if isinstance(value, Tensor):
        raise TypeError(f"{name} must be a Python number (it sets the cycle lengths), got a tensor")


def _check_finite_schedule(name: str, value: Any) -> Schedule:
    if not isinstance(value, Schedule):
        raise TypeError(f"{name} must be a Schedule, got {value!r} ({type(value).__name__})")
    if not isinstance(value.steps, int):
        raise ValueError(f"{name} must be a finite schedule (steps is an int), got {value!r}")
    return value


def _check_cycles(name: str, value: Any) -> int | None:
    return None if value is None else check_length(name, value)


def _check_mult(value: Any) -> float:
    _check_number("mult", value)
    return check_real("mult", value, low=1.0)


def _total_steps(period: int, mult: float, cycles: int | None) -> int | None:
    if cycles is None:
        return None
    if mult == 1.0:
        return period * cycles
    return math.ceil(period * (mult**cycles - 1.0) / (mult - 1.0))


@dataclass(frozen=True, repr=False)
class onecycle(KernelSchedule):
    """The one-cycle policy (torch's ``OneCycleLR``), as factors of the peak ``base_lr``.

    Rises from ``1 / div_factor`` to 1 (the peak) until step ``pct_start * steps - 1``,
    then anneals to ``1 / (div_factor * final_div_factor)`` at step ``steps - 1``, where it
    holds. ``three_phase`` goes back down to ``1 / div_factor`` at step
    ``2 * pct_start * steps - 2`` first (fastai's / torch's three-phase variant). The
    phase ends are torch's, so ``lf.onecycle(n, ...)(k, max_lr)`` is ``OneCycleLR(opt,
    max_lr, total_steps=n, ...)``'s lr after ``k`` steps.

    .. math:: \\mathrm{lr}(k) = b\\,A\\Bigl(v_{j}, v_{j+1},
        \\frac{\\min(k, n - 1) - e_{j}}{e_{j+1} - e_{j}}\\Bigr), \\quad
        A_{\\cos}(u, v, p) = v + \\frac{u - v}{2}(1 + \\cos \\pi p)

    with :math:`e = (0, \\, p n - 1, \\, n - 1)` and
    :math:`v = (1/d, \\, 1, \\, 1/(d f))` (two phases) or
    :math:`e = (0, \\, p n - 1, \\, 2 p n - 2, \\, n - 1)` and
    :math:`v = (1/d, \\, 1, \\, 1/d, \\, 1/(d f))` (three), and :math:`j` the first phase
    whose end is :math:`\\ge \\min(k, n - 1)`; ``anneal="linear"`` uses
    :math:`A(u, v, p) = u + (v - u) p`.

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

    steps: int
    _: KW_ONLY
    pct_start: float = 0.3
    div_factor: float = 25.0
    final_div_factor: float = 1e4
    anneal: str = "cos"
    three_phase: bool = False

    _kernel: ClassVar[Kernel[Any]] = F.onecycle

    def _check(self) -> None:
        self._set("steps", check_length("steps", self.steps))
        self._set("pct_start", check_real("pct_start", self.pct_start, low=0.0, high=1.0))
        self._set("div_factor", check_positive("div_factor", self.div_factor))
        self._set("final_div_factor", check_positive("final_div_factor", self.final_div_factor))
        self._set("anneal", check_choice("anneal", self.anneal, ("cos", "linear")))
        self._set("three_phase", _check_bool("three_phase", self.three_phase))


@dataclass(frozen=True, repr=False)
class cyclic(KernelSchedule):
    """A triangle wave between ``low`` and the peak ``base_lr`` (torch's ``CyclicLR``).

    Each cycle rises from ``low`` to 1 over ``up`` steps and falls back over ``down``
    steps (default ``up``). The height of the wave is scaled by an amplitude:

    - ``mode="triangular"``: 1;
    - ``mode="triangular2"``: halved every cycle, :math:`2^{-c}` in cycle ``c`` (from 0);
    - ``mode="exp_range"``: :math:`\\gamma^k` at step ``k``;
    - ``amplitude=sched``: any schedule, evaluated (as a factor) at the cycle index
      (``amplitude_by="cycle"``) or at the step (``amplitude_by="step"``): torch's
      ``scale_fn`` / ``scale_mode`` as a value that pickles and prints.
      ``amplitude=lf.exp(0.5)`` is ``triangular2``; ``amplitude=lf.exp(gamma),
      amplitude_by="step"`` is ``exp_range``.

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

    up: float
    _: KW_ONLY
    down: float | None = None
    low: float
    mode: str = "triangular"
    gamma: float = 1.0
    amplitude: Schedule | None = None
    amplitude_by: str = "cycle"

    steps: ClassVar[None] = None
    _kernel: ClassVar[Kernel[Any]] = F.cyclic

    def _check(self) -> None:
        for name in ("up", "down"):
            value = getattr(self, name)
            if value is None:
                continue
            _check_number(name, value)
            value = check_real(name, value, low=0.0, low_open=name == "up")
            self._set(name, int(value) if value.is_integer() else value)
        self._set("low", check_real("low", self.low, low=0.0))
        modes = ("triangular", "triangular2", "exp_range")
        self._set("mode", check_choice("mode", self.mode, modes))
        self._set("gamma", check_positive("gamma", self.gamma))
        by = check_choice("amplitude_by", self.amplitude_by, ("cycle", "step"))
        self._set("amplitude_by", by)
        if self.amplitude is not None:
            if not isinstance(self.amplitude, Schedule):
                raise TypeError(
                    f"amplitude must be a Schedule or None, got {self.amplitude!r} "
                    f"({type(self.amplitude).__name__})"
                )
            if self.mode != "triangular":
                raise ValueError(
                    f"give mode or amplitude, not both: mode={self.mode!r} with "
                    f"amplitude={self.amplitude!r}"
                )


@dataclass(frozen=True, repr=False)
class restarts(KernelSchedule):
    """Cosine annealing with warm restarts (SGDR; torch's ``CosineAnnealingWarmRestarts``).

    The first cycle lasts ``period`` steps, each next one ``mult`` times longer (a float
    ``mult`` is allowed; cycle ``i`` lasts ``period * mult**i`` steps, as in timm and
    Keras). In cycle ``i`` the value anneals from the peak ``decay**i`` (see
    ``decay_mode``) down to ``end``
    along ``shape`` (half a cosine by default; any finite schedule, stretched to the
    cycle). After ``cycles`` cycles it holds the last value.

    The cycle that holds a step is found with a logarithm and then corrected with exact
    comparisons against the cycles' start steps, so it is right at every boundary, for
    Python ints and for int64 tensor steps alike.

    .. math:: \\mathrm{lr}(k) = b\\left(e + (p_i - e)\\,
        s\\!\\left(\\frac{k - S_i}{L_i}\\right)\\right), \\quad
        p_i = \\delta^i \\text{ or } e + (1 - e)\\delta^i, \\quad
        S_i = T\\frac{\\mu^i - 1}{\\mu - 1} \\le k < S_{i+1}, \\;
        L_i = S_{i+1} - S_i, \\; s(p) = \\tfrac{1}{2}(1 + \\cos \\pi p)

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
    """

    period: int
    _: KW_ONLY
    mult: float = 1.0
    decay: float = 1.0
    end: float = 0.0
    cycles: int | None = None
    shape: Schedule | None = None
    decay_mode: str = "peak"

    _kernel: ClassVar[Kernel[Any]] = F.restarts

    def _check(self) -> None:
        _check_number("period", self.period)
        self._set("period", check_length("period", self.period))
        self._set("mult", _check_mult(self.mult))
        self._set("decay", check_positive("decay", self.decay))
        self._set("end", check_real("end", self.end, low=0.0))
        self._set("cycles", _check_cycles("cycles", self.cycles))
        if self.shape is not None:
            _check_finite_schedule("shape", self.shape)
        modes = ("peak", "amplitude")
        self._set("decay_mode", check_choice("decay_mode", self.decay_mode, modes))
        self._set("steps", _total_steps(self.period, self.mult, self.cycles))


@dataclass(frozen=True, repr=False)
class repeat(Schedule):
    """Run a finite schedule again and again: a restart every ``schedule.steps`` steps.

    Repetition ``i`` (from 0) is ``mult**i`` times as long as the schedule (time
    stretched) and ``decay**i`` times as high. After ``times`` repetitions the last value
    holds; without ``times`` it repeats forever. Cycle boundaries are exact as in
    :class:`restarts`.

    .. math:: \\mathrm{lr}(k) = \\delta^{i} f\\!\\left(\\frac{(k - S_i)\\, n}{L_i}\\right),
        \\quad S_i = n\\frac{\\mu^i - 1}{\\mu - 1} \\le k < S_{i+1}, \\; L_i = S_{i+1} - S_i

    Args:
        schedule: a finite schedule (``schedule.steps`` is an int).
        times: number of repetitions, then hold; ``None``: forever.
        mult: each repetition is ``mult`` times longer than the one before (``>= 1``).
        decay: each repetition is ``decay`` times as high as the one before (``> 0``).

    Examples:
        >>> import lrfunc as lf
        >>> sched = lf.repeat(lf.chain(lf.warmup(2), lf.cosine(4)), decay=0.5)
        >>> [round(sched(k), 4) for k in range(8)]
        [0.3333, 0.6667, 1.0, 0.8536, 0.5, 0.1464, 0.1667, 0.3333]
        >>> lf.repeat(lf.linear(4), times=2).steps
        8
    """

    schedule: Schedule
    times: int | None = None
    _: KW_ONLY
    mult: float = 1.0
    decay: float = 1.0

    def __post_init__(self) -> None:
        schedule = _check_finite_schedule("schedule", self.schedule)
        object.__setattr__(self, "times", _check_cycles("times", self.times))
        object.__setattr__(self, "mult", _check_mult(self.mult))
        object.__setattr__(self, "decay", check_positive("decay", self.decay))
        steps = _total_steps(schedule.steps, self.mult, self.times)  # type: ignore[arg-type]
        object.__setattr__(self, "steps", steps)

    def _eval(self, step: Value, base_lr: Any) -> Value:
        n = self.schedule.steps
        index, local, length = cycle_position(step, n, self.mult, self.times)
        # local * n / L, not (local / L) * n: exact whenever the result is an integer.
        inner = ops.clamp(local * n / length, 0.0, n)  # type: ignore[operator]
        return self.schedule._eval(inner, base_lr) * ops.pow(self.decay, index)
