"""``noise``: timm-style LR noise as a pure function of the step (seeded, counter-based).

``uniform(step, seed)`` hashes the integer step with a 32-bit mixer (Wellons' "lowbias32")
written with ``+ * & ^ << >>`` only, every intermediate below ``2**49``. Python ints and
int64 tensors share those operators, so the number path and the tensor path give the same
bits: the same noise for the same step on every rank, after any resume, eager or compiled.
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass, field
from typing import Any

from . import _ops as ops
from ._basic import constant
from ._ops import Value
from ._schedule import Schedule
from ._validate import (
    NONNEGATIVE_INT,
    SCHEDULE,
    ParameterValueError,
    check_nonnegative_int,
    check_period,
    checked,
    choice,
    optional,
    real,
)

__all__ = ["NOISE_KINDS", "noise", "noise_factor", "uniform"]

NOISE_KINDS = ("normal", "uniform")

_M32 = 0xFFFFFFFF


def _mul32(x: Any, c: int) -> Any:
    """``(x * c) mod 2**32`` for ``0 <= x < 2**32``, splitting ``c`` into 16-bit halves so
    no product reaches ``2**63`` (int64 tensors must not overflow)."""
    return (x * (c & 0xFFFF) + (((x * (c >> 16)) & 0xFFFF) << 16)) & _M32


def _mix32(x: Any) -> Any:
    x = x ^ (x >> 16)
    x = _mul32(x, 0x7FEB352D)
    x = x ^ (x >> 15)
    x = _mul32(x, 0x846CA68B)
    return x ^ (x >> 16)


def _key(seed: int) -> int:
    return _mix32(_mix32((seed & _M32) ^ 0x9E3779B9) ^ ((seed >> 32) & _M32))


def uniform(step: Value, seed: int) -> Value:
    """A uniform number in ``(0, 1)`` that depends only on ``(seed, floor(step))``.

    Examples:
        >>> import torch
        >>> from lrfunc._noise import uniform
        >>> u = uniform(7, seed=42)
        >>> 0 < u < 1, u == uniform(torch.tensor(7.0), seed=42).item()
        (True, True)
    """
    k: Any = ops.as_int(step)
    h = _mix32((k & _M32) ^ _key(seed))
    h = _mix32(h ^ (k >> 32) ^ 0x85EBCA6B)
    h = _mix32(h)
    return (ops.as_float(h) + 0.5) / 4294967296.0


def noise_factor(
    step: Value,
    *,
    pct: Any,
    std: Any,
    seed: int,
    start: int,
    end: int | None,
    kind: str,
) -> Value:
    """``1 + n(k)``: the noise factor drawn from ``(seed, k)`` for ``start <= k < end``
    (``end=None``: forever), 1 outside.

    Examples:
        >>> from lrfunc._noise import noise_factor
        >>> f = noise_factor(10, pct=0.1, std=1.0, seed=42, start=0, end=None, kind="normal")
        >>> 0.9 < f < 1.1
        True
    """
    u = uniform(step, seed)
    if kind == "uniform":
        n = (2.0 * u - 1.0) * pct
    else:  # "normal"
        low = ops.ndtr(-pct / std)  # the truncated law's CDF runs from low to 1 - low
        n = std * ops.ndtri(low + u * (1.0 - 2.0 * low))
    out = ops.where(step >= start, 1.0 + n, 1.0)
    if end is not None:
        out = ops.where(step < end, out, 1.0)
    return out


def _check_seed(name: str, value: Any) -> int:
    seed = check_nonnegative_int(name, value)
    if seed >= 2**64:
        raise ParameterValueError(name, f"{name} must be < 2**64, got {seed!r}")
    return seed


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

    Without a ``schedule`` (``lf.noise()``, the default ``constant()``) it is the noise
    factor alone, noisy forever unless ``end`` is given.

    .. math:: \\mathrm{lr}(k) = f(k) \\left(1 + n(k)\\right), \\quad
        n(k) = \\sigma \\, \\Phi^{-1}\\!\\bigl(\\Phi(-a) + u_k (\\Phi(a) - \\Phi(-a))\\bigr),
        \\quad a = \\mathrm{pct} / \\sigma

    with :math:`u_k \\in (0, 1)` a 32-bit hash of ``(seed, k)`` (:func:`uniform`).

    Args:
        schedule: the schedule to perturb (default ``constant()``: the factor alone).
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
        >>> x = lf.noise(pct=0.1)(10)
        >>> 0.9 < x < 1.1, x == lf.noise(pct=0.1)(10), lf.noise(start=11)(10)
        (True, True, 1.0)
    """

    schedule: Schedule = field(default=constant(), metadata=SCHEDULE)
    _: KW_ONLY
    pct: float = field(default=0.67, metadata=checked(real(0.0, 1.0, low_open=True)))
    std: float = field(default=1.0, metadata=checked(real(0.0, low_open=True)))
    seed: int = field(default=42, metadata=checked(_check_seed))
    start: int = field(default=0, metadata=NONNEGATIVE_INT)
    end: int | None = field(default=None, metadata=checked(optional(check_period)))
    kind: str = field(default="normal", metadata=checked(choice(*NOISE_KINDS)))

    def check(self) -> None:
        if self.end is not None and self.end <= self.start:
            raise ParameterValueError(
                "end", f"end must be > start, got start={self.start!r} and end={self.end!r}"
            )
        object.__setattr__(self, "steps", self.schedule.steps)

    def formula(self, step: Value, base_lr: Any) -> Value:
        end = self.end if self.end is not None else self.schedule.steps
        factor = noise_factor(
            step,
            pct=self.pct,
            std=self.std,
            seed=self.seed,
            start=self.start,
            end=end,
            kind=self.kind,
        )
        return self.schedule.formula(step, base_lr) * factor
