"""``noise``: timm-style LR noise as a pure function of the step (seeded, counter-based)."""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass
from typing import Any

from . import functional as F
from ._ops import Value
from ._schedule import Schedule
from ._validate import check_choice, check_length, check_nonnegative_int, check_real
from .functional._noise import NOISE_KINDS

__all__ = ["noise"]


@dataclass(frozen=True, repr=False)
class noise(Schedule):
    """Multiply a schedule by ``1 + n(step)``, noise drawn from a hash of ``(seed, step)``.

    timm's LR noise (``noise_range_t``, ``noise_pct``, ``noise_type``, ``noise_seed``)
    without random-number-generator state: the same step gives the same noise on every
    rank, after any resume, eager or compiled, on the number and the tensor path.
    ``kind="normal"`` draws from a normal law of deviation ``std`` truncated to
    ``|n| < pct`` (timm redraws until the bound holds; this is one inverse-CDF draw of the
    same law); ``kind="uniform"`` draws uniformly from ``(-pct, pct)``. The noise applies
    for ``start <= step < end``; ``end=None`` stops it where ``schedule`` ends (never for
    a schedule that never ends), so a finite schedule still holds its last value. The
    values are not timm's (timm seeds torch's generator with ``seed + step``).

    .. math:: \\mathrm{lr}(k) = f(k) \\left(1 + n(k)\\right), \\quad
        n(k) = \\sigma \\, \\Phi^{-1}\\!\\bigl(\\Phi(-a) + u_k (\\Phi(a) - \\Phi(-a))\\bigr),
        \\quad a = \\mathrm{pct} / \\sigma

    with :math:`u_k \\in (0, 1)` a 32-bit hash of ``(seed, k)``.

    Args:
        schedule: the schedule to perturb.
        pct: bound on ``|n|``, in ``(0, 1]`` (timm's ``noise_pct``).
        std: deviation of the normal law before truncation (``> 0``).
        seed: an int in ``[0, 2**64)``.
        start: first noisy step (``>= 0``).
        end: first step without noise again (``> start``), default the schedule's end.
        kind: ``"normal"`` or ``"uniform"``.

    Examples:
        >>> import torch, lrfunc as lf
        >>> sched = lf.noise(lf.constant(1.0), pct=0.1, seed=0)
        >>> x = sched(5)
        >>> 0.9 < x < 1.1, x == sched(torch.tensor(5, dtype=torch.float64)).item()
        (True, True)
    """

    schedule: Schedule
    _: KW_ONLY
    pct: float = 0.67
    std: float = 1.0
    seed: int = 42
    start: int = 0
    end: int | None = None
    kind: str = "normal"

    def __post_init__(self) -> None:
        if not isinstance(self.schedule, Schedule):
            raise TypeError(f"schedule must be a Schedule, got {self.schedule!r}")
        object.__setattr__(
            self, "pct", check_real("pct", self.pct, low=0.0, high=1.0, low_open=True)
        )
        object.__setattr__(self, "std", check_real("std", self.std, low=0.0, low_open=True))
        seed = check_nonnegative_int("seed", self.seed)
        if seed >= 2**64:
            raise ValueError(f"seed must be < 2**64, got {seed!r}")
        object.__setattr__(self, "seed", seed)
        start = check_nonnegative_int("start", self.start)
        object.__setattr__(self, "start", start)
        if self.end is not None:
            end = check_length("end", self.end)
            if end <= start:
                raise ValueError(f"end must be > start, got start={start!r} and end={end!r}")
            object.__setattr__(self, "end", end)
        object.__setattr__(self, "kind", check_choice("kind", self.kind, NOISE_KINDS))
        object.__setattr__(self, "steps", self.schedule.steps)

    def _eval(self, step: Value, base_lr: Any) -> Value:
        end = self.end if self.end is not None else self.schedule.steps
        factor = F.noise.raw(
            step,
            1.0,
            pct=self.pct,
            std=self.std,
            seed=self.seed,
            start=self.start,
            end=end,
            kind=self.kind,
        )
        return self.schedule._eval(step, base_lr) * factor
