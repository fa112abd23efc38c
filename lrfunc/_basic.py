"""The core schedules: constant, linear, warmup, step, multistep, exp, cosine, poly and
piecewise constant. Each is defined once here: parameters with their checks, the closed
form, examples and the formula (the kernels of :mod:`lrfunc.functional` derive from them).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import KW_ONLY, dataclass, field
from typing import Any

from . import _ops as ops
from ._ops import Tensor, Value
from ._schedule import Schedule
from ._validate import (
    BOOL,
    BOUNDARIES,
    FACTOR,
    FACTORS,
    LENGTH,
    NONNEGATIVE_INT,
    PERIOD,
    POSITIVE,
    ParameterValueError,
    check_every,
    check_factor,
    check_length,
    checked,
    choice,
    optional,
    real,
)

__all__ = [
    "DECAY_SHAPES",
    "WARMUP_SHAPES",
    "constant",
    "cosine",
    "decay_shape",
    "exp",
    "linear",
    "multistep",
    "piecewise_constant",
    "poly",
    "progress",
    "ramp",
    "step",
    "warmup",
]

#: The ramps :class:`warmup` knows.
WARMUP_SHAPES = ("linear", "cosine", "exponential", "1-sqrt")

#: The cooldown shapes: ``"linear"`` 1 - p, ``"cosine"`` (1 + cos pi p) / 2,
#: ``"1-sqrt"`` 1 - sqrt(p) (Hägele et al. 2024), ``"poly"`` (1 - p) ** power.
DECAY_SHAPES = ("linear", "cosine", "1-sqrt", "poly")


def decay_shape(p: Value, shape: str, power: Any = None) -> Value:
    """The cooldown shape ``shape`` at progress ``p`` in ``[0, 1]`` (1 down to 0).

    Examples:
        >>> from lrfunc._basic import decay_shape
        >>> [decay_shape(0.25, s) for s in ("linear", "1-sqrt", "poly")]
        [0.75, 0.5, 0.5625]
    """
    if shape == "linear":
        return 1.0 - p
    if shape == "cosine":
        return 0.5 * (1.0 + ops.cos(math.pi * p))
    if shape == "1-sqrt":
        return 1.0 - ops.sqrt(p)
    return ops.pow(1.0 - p, 2.0 if power is None else power)  # "poly"


def progress(step: Value, steps: Any) -> Value:
    """The fraction of a phase of ``steps`` updates already done, clamped to ``[0, 1]``.

    A phase of no length is done from its first step.
    """
    if not isinstance(steps, Tensor) and steps == 0:
        return 1.0
    return ops.minimum(step, steps) / steps


def ramp(p: Value, start: Any, shape: str) -> Value:
    """A warmup ramp from ``start`` (at ``p = 0``) up to 1 (at ``p = 1``), bent by ``shape``."""
    if shape == "linear":
        return start + (1.0 - start) * p
    if shape == "cosine":
        return start + (1.0 - start) * 0.5 * (1.0 - ops.cos(math.pi * p))
    if shape == "exponential":
        return ops.pow(start, 1.0 - p)
    return start + (1.0 - start) * (1.0 - ops.sqrt(1.0 - p))  # "1-sqrt"


@dataclass(frozen=True, repr=False)
class constant(Schedule):
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

    value: float = field(default=1.0, metadata=FACTOR)
    _: KW_ONLY
    steps: int | None = field(default=None, metadata=checked(optional(check_length), steps=True))

    def formula(self, step: Value, base_lr: Any) -> Value:
        return base_lr * self.value


@dataclass(frozen=True, repr=False)
class linear(Schedule):
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

    steps: int = field(metadata=LENGTH)
    _: KW_ONLY
    start: float = field(default=1.0, metadata=FACTOR)
    end: float = field(default=0.0, metadata=FACTOR)

    def formula(self, step: Value, base_lr: Any) -> Value:
        return base_lr * (self.start + (self.end - self.start) * progress(step, self.steps))


@dataclass(frozen=True, repr=False)
class warmup(Schedule):
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

    steps: int = field(metadata=LENGTH)
    _: KW_ONLY
    start: float | None = field(default=None, metadata=checked(optional(real(0.0, 1.0))))
    shape: str = field(default="linear", metadata=checked(choice(*WARMUP_SHAPES)))

    def check(self) -> None:
        if self.shape == "exponential" and isinstance(self.start, float) and self.start == 0.0:
            raise ParameterValueError(
                "start",
                "start must be > 0 for shape='exponential' (a geometric ramp from 0 "
                "stays at 0), got start=0.0",
            )

    def formula(self, step: Value, base_lr: Any) -> Value:
        start = 1.0 / (self.steps + 1) if self.start is None else self.start
        return base_lr * ramp(progress(step, self.steps), start, self.shape)


@dataclass(frozen=True, repr=False)
class step(Schedule):
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

    every: int = field(metadata=PERIOD)
    _: KW_ONLY
    gamma: float = field(default=0.1, metadata=POSITIVE)

    steps = None

    def formula(self, step: Value, base_lr: Any) -> Value:
        return base_lr * ops.pow(self.gamma, ops.floor(step / self.every))


@dataclass(frozen=True, repr=False)
class multistep(Schedule):
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

    boundaries: Sequence[int] = field(metadata=BOUNDARIES)
    _: KW_ONLY
    gamma: float = field(default=0.1, metadata=POSITIVE)

    steps = None

    def formula(self, step: Value, base_lr: Any) -> Value:
        passed: Value = 0.0
        for boundary in self.boundaries:
            passed = passed + ops.where(step >= boundary, 1.0, 0.0)
        return base_lr * ops.pow(self.gamma, passed)


@dataclass(frozen=True, repr=False)
class exp(Schedule):
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

    gamma: float = field(metadata=POSITIVE)
    _: KW_ONLY
    every: float = field(default=1, metadata=checked(check_every, steps=True))
    staircase: bool = field(default=False, metadata=BOOL)
    begin: int = field(default=0, metadata=NONNEGATIVE_INT)
    end: float | None = field(default=None, metadata=checked(optional(check_factor)))

    steps = None

    def check(self) -> None:
        gamma, end = self.gamma, self.end
        if end is None or isinstance(gamma, Tensor) or isinstance(end, Tensor):
            return
        if end == 0.0 and gamma < 1.0:
            return  # optax's end_value=0: a decay to nothing, no floor
        if gamma == 1.0 or end == 0.0 or (gamma < 1.0) != (end < 1.0):
            side = "in [0, 1)" if gamma < 1.0 else "> 1"
            raise ParameterValueError(
                "end",
                f"end must be {side} for gamma={gamma!r} (a bound the decay reaches), "
                f"got end={end!r}"
                if gamma != 1.0
                else f"end has no effect with gamma=1.0; got end={end!r}",
            )

    def formula(self, step: Value, base_lr: Any) -> Value:
        power = ops.maximum(step - self.begin, 0.0) / self.every
        if self.staircase:
            power = ops.floor(power)
        end = self.end
        if end is not None and (isinstance(end, Tensor) or end != 0.0):
            power = ops.minimum(power, ops.log(end) / ops.log(self.gamma))
        return base_lr * ops.pow(self.gamma, power)


@dataclass(frozen=True, repr=False)
class cosine(Schedule):
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

    steps: int = field(metadata=LENGTH)
    _: KW_ONLY
    end: float = field(default=0.0, metadata=FACTOR)
    exponent: float = field(default=1.0, metadata=POSITIVE)

    def formula(self, step: Value, base_lr: Any) -> Value:
        factor = decay_shape(progress(step, self.steps), "cosine")
        if isinstance(self.exponent, Tensor) or self.exponent != 1.0:
            factor = ops.pow(factor, self.exponent)
        return base_lr * (self.end + (1.0 - self.end) * factor)


@dataclass(frozen=True, repr=False)
class poly(Schedule):
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

    steps: int = field(metadata=LENGTH)
    _: KW_ONLY
    power: float = field(default=1.0, metadata=POSITIVE)
    end: float = field(default=0.0, metadata=FACTOR)

    def formula(self, step: Value, base_lr: Any) -> Value:
        left = decay_shape(progress(step, self.steps), "poly", self.power)
        return base_lr * (self.end + (1.0 - self.end) * left)


@dataclass(frozen=True, repr=False)
class piecewise_constant(Schedule):
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

    boundaries: Sequence[int] = field(metadata=BOUNDARIES)
    values: Sequence[float] = field(metadata=FACTORS)

    steps = None

    def check(self) -> None:
        if len(self.values) != len(self.boundaries) + 1:
            raise ParameterValueError(
                "values",
                f"values must have len(boundaries) + 1 = {len(self.boundaries) + 1} "
                f"entries, got {len(self.values)}: {list(self.values)}",
            )

    def formula(self, step: Value, base_lr: Any) -> Value:
        out: Value = self.values[0]
        for boundary, value in zip(self.boundaries, self.values[1:], strict=True):
            out = ops.where(step >= boundary, value, out)
        return base_lr * out
