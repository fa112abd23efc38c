"""Warmup-stable-decay, and ``cooldown``: a decay that branches off any schedule at any
step (WSD from an arbitrary checkpoint)."""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass
from typing import Any, ClassVar

from . import _ops as ops
from . import functional as F
from ._kernel import Kernel
from ._ops import Value
from ._schedule import KernelSchedule, Schedule
from ._validate import check_choice, check_length, check_nonnegative_int, check_positive, check_real
from .functional._basic import WARMUP_SHAPES
from .functional._wsd import DECAY_SHAPES, decay_shape, resolve_length

__all__ = ["cooldown", "wsd"]


def _check_shape(shape: Any, power: Any) -> Any:
    check_choice("shape", shape, DECAY_SHAPES)
    if power is not None:
        if shape != "poly":
            raise ValueError(f"power applies to shape='poly' only, got shape={shape!r}")
        return check_positive("power", power)
    return None


def _check_phase(name: str, value: Any, steps: int) -> int:
    """A phase length: an int (updates) or a float in [0, 1] (a fraction of steps)."""
    if isinstance(value, float):
        check_real(name, value, low=0.0, high=1.0)
        return resolve_length(value, steps)
    return check_nonnegative_int(name, value)


@dataclass(frozen=True, repr=False)
class wsd(KernelSchedule):
    """Warmup-stable-decay (trapezoid) over ``steps`` updates: warm up, hold the peak, cool
    down to ``end``.

    ``warmup`` and ``decay`` are lengths (ints) or fractions of ``steps`` (floats in
    ``[0, 1]``, rounded half up); the stable phase fills the rest. The cooldown starts at
    ``steps - decay`` and reaches ``end`` exactly at ``steps``; it has the shape
    ``"linear"``, ``"cosine"``, ``"1-sqrt"`` (Hägele et al. 2024) or ``"poly"``
    (``(1 - p) ** power``, ``power`` default 2). The warmup is :class:`warmup`'s
    (``start`` default ``1 / (warmup + 1)``, ``warmup_shape``). To cool down from a
    checkpoint of a run that was not planned to end there, see :class:`cooldown`.

    .. math:: \\mathrm{lr}(k) = b \\begin{cases} \\mathrm{warmup}(k) & k < w \\\\
        e + (1 - e)\\, d\\!\\left(\\frac{\\min(\\max(k - c, 0), n_d)}{n_d}\\right)
        & k \\ge w \\end{cases}, \\quad c = n - n_d

    Args:
        steps: total length.
        warmup: warmup length or fraction (``0`` for none).
        decay: cooldown length or fraction (at least one update).
        shape: cooldown shape.
        power: exponent of ``shape="poly"``.
        end: final factor (``>= 0``).
        start: warmup factor at step 0.
        warmup_shape: ``"linear"``, ``"cosine"``, ``"exponential"`` or ``"1-sqrt"``.

    Examples:
        >>> import lrfunc as lf
        >>> sched = lf.wsd(10, warmup=2, decay=0.4, start=0.0)
        >>> [sched(k) for k in range(11)]
        [0.0, 0.5, 1.0, 1.0, 1.0, 1.0, 1.0, 0.75, 0.5, 0.25, 0.0]
    """

    steps: int
    _: KW_ONLY
    warmup: int | float = 0
    decay: int | float = 0.2
    shape: str = "linear"
    power: float | None = None
    end: float = 0.0
    start: float | None = None
    warmup_shape: str = "linear"

    _kernel: ClassVar[Kernel[Any]] = F.wsd

    def _check(self) -> None:
        steps = check_length("steps", self.steps)
        self._set("steps", steps)
        n_warm = _check_phase("warmup", self.warmup, steps)
        n_decay = _check_phase("decay", self.decay, steps)
        if n_decay < 1:
            raise ValueError(f"decay must be at least one update, got decay={self.decay!r}")
        if n_warm + n_decay > steps:
            raise ValueError(
                f"warmup + decay must fit in steps={steps}, got warmup={n_warm} and "
                f"decay={n_decay} updates"
            )
        self._set("power", _check_shape(self.shape, self.power))
        self._set("end", check_real("end", self.end, low=0.0))
        if self.start is not None:
            self._set("start", check_real("start", self.start, low=0.0, high=1.0))
        check_choice("warmup_shape", self.warmup_shape, WARMUP_SHAPES)
        if self.warmup_shape == "exponential" and self.start == 0.0:
            raise ValueError("start must be > 0 for warmup_shape='exponential', got 0.0")


@dataclass(frozen=True, repr=False)
class cooldown(Schedule):
    """Branch off ``schedule`` at step ``at`` and decay to ``end`` over ``decay`` updates.

    Before ``at`` it is ``schedule``; from ``at`` on it goes from whatever value
    ``schedule`` has at ``at`` down to ``end`` (a factor of ``base_lr``) with the cooldown
    ``shape`` of :class:`wsd`, and holds ``end`` from ``at + decay`` on. This is WSD from
    an arbitrary checkpoint: train with any schedule, pick a step, cool down.

    .. math:: \\mathrm{lr}(k) = \\begin{cases} f(k) & k < a \\\\
        b e + (f(a) - b e)\\, d\\!\\left(\\min(k - a, n_d) / n_d\\right) & k \\ge a
        \\end{cases}

    Args:
        schedule: the schedule to branch off.
        at: the first step of the cooldown (``>= 0``).
        decay: cooldown length (``> 0``); the result's ``steps`` is ``at + decay``.
        shape: ``"linear"``, ``"cosine"``, ``"1-sqrt"`` or ``"poly"``.
        power: exponent of ``shape="poly"`` (default 2).
        end: final factor (``>= 0``).

    Examples:
        >>> import lrfunc as lf
        >>> sched = lf.cooldown(lf.cosine(100), 50, 4)
        >>> [round(sched(k), 4) for k in (49, 50, 51, 52, 54, 99)]
        [0.5157, 0.5, 0.375, 0.25, 0.0, 0.0]
        >>> sched.steps
        54
    """

    schedule: Schedule
    at: int
    decay: int
    _: KW_ONLY
    shape: str = "linear"
    power: float | None = None
    end: float = 0.0

    def __post_init__(self) -> None:
        if not isinstance(self.schedule, Schedule):
            raise TypeError(f"schedule must be a Schedule, got {self.schedule!r}")
        object.__setattr__(self, "at", check_nonnegative_int("at", self.at))
        object.__setattr__(self, "decay", check_length("decay", self.decay))
        object.__setattr__(self, "power", _check_shape(self.shape, self.power))
        object.__setattr__(self, "end", check_real("end", self.end, low=0.0))
        object.__setattr__(self, "steps", self.at + self.decay)

    def _eval(self, step: Value, base_lr: Any) -> Value:
        before = self.schedule._eval(step, base_lr)
        peak = self.schedule._eval(self.at, base_lr)
        floor = base_lr * self.end
        p = ops.minimum(ops.maximum(step - self.at, 0.0), self.decay) / self.decay
        after = floor + (peak - floor) * decay_shape(p, self.shape, self.power)
        # Exactly ``end`` at and after the last step (not one rounding away from it).
        after = ops.where(step < self.at + self.decay, after, floor)
        return ops.where(step < self.at, before, after)
