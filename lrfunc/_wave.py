"""``cosine_wave``: a cosine that falls and rises forever (torch's ``CosineAnnealingLR``).

torch's ``CosineAnnealingLR`` does not stop at ``T_max``: its recursive update keeps
following :math:`\\cos(\\pi k / T_{max})`, so the learning rate rises back to the base
over the next ``T_max`` steps and repeats. :class:`cosine` is the half cosine that holds
its end; this is the whole wave, which :func:`lrfunc.from_torch` needs to reproduce torch.
"""

from __future__ import annotations

import math
from dataclasses import KW_ONLY, dataclass, field
from typing import Any

from . import _ops as ops
from ._ops import Tensor, Value
from ._schedule import Schedule
from ._validate import FACTOR, PERIOD, ParameterValueError, check_factor, checked, optional

__all__ = ["cosine_wave"]


@dataclass(frozen=True, repr=False)
class cosine_wave(Schedule):
    """A cosine from the full ``base_lr`` down to its low point over ``half_period``
    updates, back up over the next ``half_period``, and so on forever.

    This is torch's ``CosineAnnealingLR(T_max=half_period, eta_min=end_lr)``, including
    its rise after ``T_max``. For a decay that stops at its end use :class:`cosine`. The
    step is reduced modulo the period first, so large steps keep their precision.

    .. math:: \\mathrm{lr}(k) = \\ell + (b - \\ell) \\, \\frac{1 + \\cos(\\pi k / T)}{2},
        \\qquad \\ell = e \\, b \\text{ (or } \\ell = \\mathrm{end\\_lr})

    Args:
        half_period: updates from the top to the low point (torch's ``T_max``).
        end: the low point as a factor of ``base_lr`` (``>= 0``).
        end_lr: the low point as an absolute learning rate (torch's ``eta_min``); when
            given, ``end`` must stay at its default. Inside a product only the first
            factor sees ``base_lr``, so put a schedule with ``end_lr`` first.

    Raises:
        ValueError: a ``half_period`` that is not a positive int, a negative ``end`` or
            ``end_lr``, or both ``end`` and ``end_lr`` given.

    Examples:
        >>> import lrfunc as lf
        >>> wave = lf.cosine_wave(2, end=0.2)
        >>> [round(wave(k), 6) for k in range(6)]
        [1.0, 0.6, 0.2, 0.6, 1.0, 0.6]
        >>> lf.cosine_wave(100, end_lr=1e-5)(100, 3e-4)
        1e-05
    """

    half_period: int = field(metadata=PERIOD)
    _: KW_ONLY
    end: float = field(default=0.0, metadata=FACTOR)
    end_lr: float | None = field(default=None, metadata=checked(optional(check_factor)))

    steps = None

    def check(self) -> None:
        end = self.end
        if self.end_lr is not None and (isinstance(end, Tensor) or end != 0.0):
            raise ParameterValueError(
                "end_lr",
                f"give end or end_lr, not both; got end={end!r}, end_lr={self.end_lr!r}",
            )

    def formula(self, step: Value, base_lr: Any) -> Value:
        half = self.half_period
        period = 2 * half
        phase = step - period * ops.floor(step / period)
        wave = 0.5 * (1.0 + ops.cos(math.pi * phase / half))
        low = base_lr * self.end if self.end_lr is None else self.end_lr
        return low + (base_lr - low) * wave
