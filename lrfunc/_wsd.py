"""Warmup-stable-decay. Its cooldown shapes are :func:`lrfunc._basic.decay_shape`'s, which
the ``cooldown`` combinator (a WSD cooldown from any schedule at any step) shares.

A cooldown shape maps the fraction ``p`` of the cooldown already
done to the share of the way from the peak to ``end`` still left: 1 at ``p = 0`` and
exactly 0 at ``p = 1``.
"""

from __future__ import annotations

import math
from dataclasses import KW_ONLY, dataclass, field
from typing import Any, ClassVar

from . import _ops as ops
from ._basic import DECAY_SHAPES, WARMUP_SHAPES, decay_shape, progress, warmup
from ._ops import Value
from ._schedule import Schedule
from ._validate import (
    FACTOR,
    PERIOD,
    ParameterValueError,
    check_nonnegative_int,
    check_positive,
    check_real,
    checked,
    choice,
    optional,
    real,
)

__all__ = ["check_power", "resolve_length", "wsd"]


def resolve_length(value: Any, steps: int) -> int:
    """A phase length given as an int (updates) or a float in ``[0, 1]`` (a fraction of
    ``steps``, rounded half up to whole updates)."""
    if isinstance(value, float):
        return math.floor(value * steps + 0.5)
    return int(value)


def _check_phase(name: str, value: Any) -> Any:
    """A phase length: an int (updates, ``>= 0``) or a float in ``[0, 1]`` (a fraction
    of ``steps``, kept as given)."""
    if isinstance(value, float):
        return check_real(name, value, low=0.0, high=1.0)
    return check_nonnegative_int(name, value)


def check_power(shape: str, power: Any) -> None:
    if power is not None and shape != "poly":
        raise ParameterValueError(
            "power", f"power applies to shape='poly' only, got shape={shape!r}"
        )


@dataclass(frozen=True, repr=False)
class wsd(Schedule):
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

    with the cooldown shape :math:`d` one of ``linear`` :math:`1 - p`, ``cosine``
    :math:`(1 + \\cos \\pi p)/2`, ``1-sqrt`` :math:`1 - \\sqrt p`, ``poly``
    :math:`(1 - p)^{a}`.

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
        >>> lf.wsd(10, decay=0.4, shape="1-sqrt")(7)
        0.5
    """

    steps: int = field(metadata=PERIOD)
    _: KW_ONLY
    warmup: int | float = field(default=0, metadata=checked(_check_phase, steps=True))
    decay: int | float = field(default=0.2, metadata=checked(_check_phase, steps=True))
    shape: str = field(default="linear", metadata=checked(choice(*DECAY_SHAPES)))
    power: float | None = field(default=None, metadata=checked(optional(check_positive)))
    end: float = field(default=0.0, metadata=FACTOR)
    start: float | None = field(default=None, metadata=checked(optional(real(0.0, 1.0))))
    warmup_shape: str = field(default="linear", metadata=checked(choice(*WARMUP_SHAPES)))

    _n_warm: ClassVar[int]  # derived in check()
    _n_decay: ClassVar[int]
    _warmup: ClassVar[Schedule | None]

    def check(self) -> None:
        steps = self.steps
        n_warm = resolve_length(self.warmup, steps)
        n_decay = resolve_length(self.decay, steps)
        if n_decay < 1:
            raise ParameterValueError(
                "decay", f"decay must be at least one update, got decay={self.decay!r}"
            )
        if n_warm + n_decay > steps:
            raise ParameterValueError(
                "decay",
                f"warmup + decay must fit in steps={steps}, got warmup={n_warm} and "
                f"decay={n_decay} updates",
            )
        check_power(self.shape, self.power)
        # Derived once, here: the cooldown's length and the warmup piece (the warmup's own
        # default start and checks, e.g. an exponential ramp needs start > 0).
        object.__setattr__(self, "_n_warm", n_warm)
        object.__setattr__(self, "_n_decay", n_decay)
        ramp = warmup(n_warm, start=self.start, shape=self.warmup_shape) if n_warm else None
        object.__setattr__(self, "_warmup", ramp)

    def formula(self, step: Value, base_lr: Any) -> Value:
        end, n_decay = self.end, self._n_decay
        p = progress(ops.maximum(step - (self.steps - n_decay), 0.0), n_decay)
        out = end + (1.0 - end) * decay_shape(p, self.shape, self.power)
        if self._warmup is not None:
            out = ops.where(step < self._n_warm, self._warmup.formula(step, 1.0), out)
        return base_lr * out
