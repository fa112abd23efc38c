"""Counter-based LR noise: the hash and the noise factor behind the ``noise`` combinator
(timm-style LR noise as a pure function of the step, seeded, no generator state).

``uniform(step, seed)`` hashes the integer step with a 32-bit mixer (Wellons' "lowbias32")
written with ``+ * & ^ << >>`` only, every intermediate below ``2**49``. Python ints and
int64 tensors share those operators, so the number path and the tensor path give the same
bits: the same noise for the same step on every rank, after any resume, eager or compiled.
"""

from __future__ import annotations

from typing import Any

from . import _ops as ops
from ._ops import Value
from ._validate import (
    ParameterValueError,
    check_int,
)

__all__ = ["NOISE_KINDS", "check_seed", "noise_factor", "uniform"]

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


def check_seed(name: str, value: Any) -> int:
    seed = check_int(name, value, low=0)
    if seed >= 2**64:
        raise ParameterValueError(name, f"{name} must be < 2**64, got {seed!r}")
    return seed
