"""The core schedules: constant, linear, warmup, step, multistep, exp, cosine, poly and
piecewise constant. Each binds its parameters and calls the kernel of the same name in
:mod:`lrfunc.functional`; the constructor validates the parameters.
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass
from typing import Any, ClassVar

from . import functional as F
from ._kernel import Kernel
from ._ops import Tensor
from ._schedule import KernelSchedule
from ._validate import (
    check_boundaries,
    check_choice,
    check_length,
    check_nonnegative_int,
    check_positive,
    check_real,
)
from .functional._basic import WARMUP_SHAPES

__all__ = [
    "constant",
    "cosine",
    "exp",
    "linear",
    "multistep",
    "piecewise_constant",
    "poly",
    "step",
    "warmup",
]


def _factor(name: str, value: Any) -> Any:
    return check_real(name, value, low=0.0)


@dataclass(frozen=True, repr=False)
class constant(KernelSchedule):
    """A constant factor ``value`` of ``base_lr``; with ``steps``, a phase of that length.

    .. math:: \\mathrm{lr}(k) = b \\, v

    Args:
        value: the factor (``>= 0``).
        steps: optional length, for use as a phase of :class:`chain` (a stable phase).

    Examples:
        >>> import lrfunc as lf
        >>> lf.constant(0.5)(10, 0.1)
        0.05
        >>> lf.chain(lf.constant(1.0, steps=2), lf.constant(0.1))(2)
        0.1
    """

    value: float = 1.0
    _: KW_ONLY
    steps: int | None = None

    _kernel: ClassVar[Kernel[Any]] = F.constant

    def _check(self) -> None:
        self._set("value", _factor("value", self.value))
        if self.steps is not None:
            self._set("steps", check_length("steps", self.steps))


@dataclass(frozen=True, repr=False)
class linear(KernelSchedule):
    """A straight line from ``start`` to ``end`` (factors) over ``steps`` updates.

    .. math:: \\mathrm{lr}(k) = b \\left(s + (e - s) \\frac{\\min(k, n)}{n}\\right)

    Args:
        steps: length of the line; afterwards ``end`` holds.
        start: factor at step 0.
        end: factor from step ``steps`` on.

    Examples:
        >>> import lrfunc as lf
        >>> [lf.linear(4)(k) for k in range(6)]
        [1.0, 0.75, 0.5, 0.25, 0.0, 0.0]
    """

    steps: int
    _: KW_ONLY
    start: float = 1.0
    end: float = 0.0

    _kernel: ClassVar[Kernel[Any]] = F.linear

    def _check(self) -> None:
        self._set("steps", check_length("steps", self.steps))
        self._set("start", _factor("start", self.start))
        self._set("end", _factor("end", self.end))


@dataclass(frozen=True, repr=False)
class warmup(KernelSchedule):
    """A linear ramp up to the full ``base_lr`` over ``steps`` updates; put it first in a
    :class:`chain`.

    The first update never gets lr 0 by default: ``start = 1 / (steps + 1)``, so the k-th
    warmup update gets ``(k + 1) / (steps + 1)`` of the peak. Pass ``start=0.0`` for the
    ``k / steps`` ramp of HF transformers.

    .. math:: \\mathrm{lr}(k) = b \\left(s + (1 - s) \\frac{\\min(k, n)}{n}\\right)

    ``shape`` bends the ramp between the same ends: ``"linear"`` (default),
    ``"cosine"`` (half a cosine), ``"exponential"`` (geometric: the same ratio each
    update, needs ``start > 0``) or ``"1-sqrt"``.

    Args:
        steps: warmup length (updates).
        start: factor at step 0, in ``[0, 1]``; default ``1 / (steps + 1)``.
        shape: ``"linear"``, ``"cosine"``, ``"exponential"`` or ``"1-sqrt"``.

    Raises:
        ValueError: ``shape="exponential"`` with ``start=0.0`` (a geometric ramp never
            leaves 0), or an unknown shape.

    Examples:
        >>> import lrfunc as lf
        >>> [lf.warmup(3)(k) for k in range(5)]
        [0.25, 0.5, 0.75, 1.0, 1.0]
        >>> [round(lf.warmup(3, shape="cosine")(k), 4) for k in range(5)]
        [0.25, 0.4375, 0.8125, 1.0, 1.0]
    """

    steps: int
    _: KW_ONLY
    start: float | None = None
    shape: str = "linear"

    _kernel: ClassVar[Kernel[Any]] = F.warmup

    def _check(self) -> None:
        self._set("steps", check_length("steps", self.steps))
        if self.start is not None:
            self._set("start", check_real("start", self.start, low=0.0, high=1.0))
        self._set("shape", check_choice("shape", self.shape, WARMUP_SHAPES))
        if self.shape == "exponential" and isinstance(self.start, float) and self.start == 0:
            raise ValueError(
                "start must be > 0 for shape='exponential' (a geometric ramp from 0 "
                "stays at 0), got start=0.0"
            )


@dataclass(frozen=True, repr=False)
class step(KernelSchedule):
    """Multiply by ``gamma`` every ``every`` updates (torch's ``StepLR``).

    .. math:: \\mathrm{lr}(k) = b \\, \\gamma^{\\lfloor k / m \\rfloor}

    Args:
        every: updates between decays (torch's ``step_size``).
        gamma: factor applied at each decay (``> 0``).

    Examples:
        >>> import lrfunc as lf
        >>> [lf.step(2, gamma=0.5)(k) for k in range(5)]
        [1.0, 1.0, 0.5, 0.5, 0.25]
    """

    every: int
    _: KW_ONLY
    gamma: float = 0.1

    steps: ClassVar[None] = None
    _kernel: ClassVar[Kernel[Any]] = F.step

    def _check(self) -> None:
        self._set("every", check_length("every", self.every))
        self._set("gamma", check_positive("gamma", self.gamma))


@dataclass(frozen=True, repr=False)
class multistep(KernelSchedule):
    """Multiply by ``gamma`` at each of the ``boundaries`` (torch's ``MultiStepLR``).

    .. math:: \\mathrm{lr}(k) = b \\, \\gamma^{\\#\\{i : k \\ge t_i\\}}

    Args:
        boundaries: strictly increasing positive steps (torch's ``milestones``).
        gamma: factor applied at each boundary (``> 0``).

    Examples:
        >>> import lrfunc as lf
        >>> [lf.multistep([1, 3], gamma=0.5)(k) for k in range(4)]
        [1.0, 0.5, 0.5, 0.25]
    """

    boundaries: tuple[int, ...]
    _: KW_ONLY
    gamma: float = 0.1

    steps: ClassVar[None] = None
    _kernel: ClassVar[Kernel[Any]] = F.multistep

    def _check(self) -> None:
        self._set("boundaries", check_boundaries("boundaries", self.boundaries))
        self._set("gamma", check_positive("gamma", self.gamma))


@dataclass(frozen=True, repr=False)
class exp(KernelSchedule):
    """Exponential decay (or growth): ``gamma`` per ``every`` updates.

    ``gamma`` per step by default (torch's ``ExponentialLR``); ``every`` makes it a rate
    over that many updates, ``staircase`` floors the exponent, ``begin`` delays the start
    (optax's ``transition_begin``) and ``end`` bounds the value (a floor for decay, a
    ceiling for growth).

    .. math:: \\mathrm{lr}(k) = b \\, \\gamma^{p}, \\quad
        p = \\frac{\\max(k - k_0, 0)}{m} \\text{ (floored with staircase)}

    Args:
        gamma: factor per ``every`` updates (``> 0``).
        every: updates over which ``gamma`` applies (``> 0``, may be fractional).
        staircase: apply ``gamma`` in whole steps of ``every`` updates.
        begin: first step of the decay; the value is 1 before it.
        end: bound on the factor: in ``(0, 1)`` when ``gamma < 1``, ``> 1`` when
            ``gamma > 1``.

    Examples:
        >>> import lrfunc as lf
        >>> [lf.exp(0.5)(k) for k in range(4)]
        [1.0, 0.5, 0.25, 0.125]
        >>> [lf.exp(0.5, every=2, staircase=True, end=0.5)(k) for k in range(6)]
        [1.0, 1.0, 0.5, 0.5, 0.5, 0.5]
    """

    gamma: float
    _: KW_ONLY
    every: float = 1
    staircase: bool = False
    begin: int = 0
    end: float | None = None

    steps: ClassVar[None] = None
    _kernel: ClassVar[Kernel[Any]] = F.exp

    def _check(self) -> None:
        gamma = check_positive("gamma", self.gamma)
        self._set("gamma", gamma)
        every = check_positive("every", self.every)
        if isinstance(every, float) and every.is_integer():
            every = int(every)
        self._set("every", every)
        if not isinstance(self.staircase, bool):
            raise TypeError(f"staircase must be a bool, got {self.staircase!r}")
        self._set("begin", check_nonnegative_int("begin", self.begin))
        if self.end is None:
            return
        end = check_positive("end", self.end)
        self._set("end", end)
        if isinstance(gamma, Tensor) or isinstance(end, Tensor):
            return
        if gamma == 1.0 or (gamma < 1.0) != (end < 1.0):
            side = "in (0, 1)" if gamma < 1.0 else "> 1"
            raise ValueError(
                f"end must be {side} for gamma={gamma!r} (a bound the decay reaches), "
                f"got end={end!r}"
                if gamma != 1.0
                else f"end has no effect with gamma=1.0; got end={end!r}"
            )


@dataclass(frozen=True, repr=False)
class cosine(KernelSchedule):
    """Half a cosine from the full ``base_lr`` down to ``end`` over ``steps`` updates,
    then ``end`` (torch's ``CosineAnnealingLR`` up to ``T_max``, optax's
    ``cosine_decay_schedule``).

    .. math:: \\mathrm{lr}(k) = b \\left(e + (1 - e)
        \\left(\\frac{1 + \\cos (\\pi \\min(k, n) / n)}{2}\\right)^{x}\\right)

    Args:
        steps: length of the decay.
        end: final factor (``>= 0``); ``end * base_lr`` is the minimum LR.
        exponent: power of the cosine factor before it is blended with ``end``
            (``> 0``; optax's ``exponent``).

    Examples:
        >>> import lrfunc as lf
        >>> [round(lf.cosine(4, end=0.1)(k), 4) for k in range(6)]
        [1.0, 0.8682, 0.55, 0.2318, 0.1, 0.1]
        >>> lf.cosine(4, exponent=2.0)(2)
        0.25
    """

    steps: int
    _: KW_ONLY
    end: float = 0.0
    exponent: float = 1.0

    _kernel: ClassVar[Kernel[Any]] = F.cosine

    def _check(self) -> None:
        self._set("steps", check_length("steps", self.steps))
        self._set("end", _factor("end", self.end))
        self._set("exponent", check_positive("exponent", self.exponent))


@dataclass(frozen=True, repr=False)
class poly(KernelSchedule):
    """Polynomial decay from 1 to ``end`` over ``steps`` updates (torch's
    ``PolynomialLR``, optax's ``polynomial_schedule``).

    .. math:: \\mathrm{lr}(k) = b \\left(e + (1 - e)
        \\left(1 - \\frac{\\min(k, n)}{n}\\right)^{p}\\right)

    Args:
        steps: length of the decay.
        power: exponent (``> 0``); 1 is a straight line.
        end: final factor (``>= 0``).

    Examples:
        >>> import lrfunc as lf
        >>> [lf.poly(4, power=2.0)(k) for k in range(6)]
        [1.0, 0.5625, 0.25, 0.0625, 0.0, 0.0]
    """

    steps: int
    _: KW_ONLY
    power: float = 1.0
    end: float = 0.0

    _kernel: ClassVar[Kernel[Any]] = F.poly

    def _check(self) -> None:
        self._set("steps", check_length("steps", self.steps))
        self._set("power", check_positive("power", self.power))
        self._set("end", _factor("end", self.end))


@dataclass(frozen=True, repr=False)
class piecewise_constant(KernelSchedule):
    """``values[i]`` (factors) from step ``boundaries[i - 1]`` up to ``boundaries[i]``.

    .. math:: \\mathrm{lr}(k) = b \\, v_i \\quad \\text{for } t_{i-1} \\le k < t_i

    Args:
        boundaries: strictly increasing positive steps where the value changes.
        values: ``len(boundaries) + 1`` factors (``>= 0``).

    Examples:
        >>> import lrfunc as lf
        >>> sched = lf.piecewise_constant([2, 4], [1.0, 0.5, 0.1])
        >>> [sched(k) for k in range(6)]
        [1.0, 1.0, 0.5, 0.5, 0.1, 0.1]
    """

    boundaries: tuple[int, ...]
    values: tuple[float, ...]

    steps: ClassVar[None] = None
    _kernel: ClassVar[Kernel[Any]] = F.piecewise_constant

    def _check(self) -> None:
        boundaries = check_boundaries("boundaries", self.boundaries)
        self._set("boundaries", boundaries)
        if isinstance(self.values, (str, bytes)) or not hasattr(self.values, "__iter__"):
            raise TypeError(f"values must be a sequence of numbers, got {self.values!r}")
        values = tuple(_factor(f"values[{i}]", v) for i, v in enumerate(self.values))
        if len(values) != len(boundaries) + 1:
            raise ValueError(
                f"values must have len(boundaries) + 1 = {len(boundaries) + 1} entries, "
                f"got {len(values)}: {list(values)}"
            )
        self._set("values", values)
