"""``cosine_wave``: a cosine that falls and rises forever (torch's ``CosineAnnealingLR``).

torch's ``CosineAnnealingLR`` does not stop at ``T_max``: its recursive update keeps
following :math:`\\cos(\\pi k / T_{max})`, so the learning rate rises back to the base
over the next ``T_max`` steps and repeats. :class:`cosine` is the half cosine that holds
its end; this is the whole wave, which :func:`lrfunc.from_torch` needs to reproduce torch.
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass
from typing import Any, ClassVar

from . import functional as F
from ._kernel import Kernel
from ._schedule import KernelSchedule
from ._validate import check_length, check_real

__all__ = ["cosine_wave"]


@dataclass(frozen=True, repr=False)
class cosine_wave(KernelSchedule):
    """A cosine from the full ``base_lr`` down to its low point over ``half_period``
    updates, back up over the next ``half_period``, and so on forever.

    This is torch's ``CosineAnnealingLR(T_max=half_period, eta_min=end_lr)``, including
    its rise after ``T_max``. For a decay that stops at its end use :class:`cosine`.

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

    half_period: int
    _: KW_ONLY
    end: float = 0.0
    end_lr: float | None = None

    steps: ClassVar[None] = None
    _kernel: ClassVar[Kernel[Any]] = F.cosine_wave

    def _check(self) -> None:
        self._set("half_period", check_length("half_period", self.half_period))
        self._set("end", check_real("end", self.end, low=0.0))
        if self.end_lr is not None:
            if not (isinstance(self.end, float) and self.end == 0.0):
                raise ValueError(
                    f"give end or end_lr, not both; got end={self.end!r}, end_lr={self.end_lr!r}"
                )
            self._set("end_lr", check_real("end_lr", self.end_lr, low=0.0))
