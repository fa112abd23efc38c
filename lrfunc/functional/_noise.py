"""Counter-based LR noise: a seeded hash of the step, no random-number-generator state.

``uniform(step, seed)`` hashes the integer step with a 32-bit mixer (Wellons' "lowbias32")
written with ``+ * & ^ << >>`` only, every intermediate below ``2**49``. Python ints and
int64 tensors share those operators, so the number path and the tensor path give the same
bits: the same noise for the same step on every rank, after any resume, eager or compiled.
"""

from __future__ import annotations

from typing import Any

from .. import _ops as ops
from .._kernel import kernel
from .._ops import Value

__all__ = ["NOISE_KINDS", "noise", "uniform"]

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
        >>> from lrfunc.functional._noise import uniform
        >>> u = uniform(7, seed=42)
        >>> 0 < u < 1, u == uniform(torch.tensor(7.0), seed=42).item()
        (True, True)
    """
    k: Any = ops.as_int(step)
    h = _mix32((k & _M32) ^ _key(seed))
    h = _mix32(h ^ (k >> 32) ^ 0x85EBCA6B)
    h = _mix32(h)
    return (ops.as_float(h) + 0.5) / 4294967296.0


@kernel
def noise(
    step: Value,
    base_lr: Any,
    *,
    pct: Any = 0.67,
    std: Any = 1.0,
    seed: int = 42,
    start: int = 0,
    end: int | None = None,
    kind: str = "normal",
) -> Value:
    """``1 + n(k)``: multiplicative noise drawn from ``(seed, k)`` for ``start <= k < end``.

    ``kind="normal"``: ``n`` is normal with deviation ``std`` truncated to
    ``|n| < pct`` (timm's ``noise_type="normal"``, which redraws until the bound holds;
    here one inverse-CDF draw of the same truncated law). ``kind="uniform"``: ``n`` is
    uniform on ``(-pct, pct)``. Outside ``[start, end)`` the factor is 1.

    .. math:: \\mathrm{lr}(k) = b \\left(1 + n(k)\\right), \\quad
        n(k) = \\sigma \\, \\Phi^{-1}\\!\\bigl(\\Phi(-a) + u_k (\\Phi(a) - \\Phi(-a))\\bigr),
        \\; a = \\mathrm{pct} / \\sigma

    Examples:
        >>> from lrfunc.functional import noise
        >>> x = noise(10, 1.0, pct=0.1)
        >>> 0.9 < x < 1.1, x == noise(10, 1.0, pct=0.1), noise(10, 1.0, start=11)
        (True, True, 1.0)
    """
    u = uniform(step, seed)
    if kind == "uniform":
        n = (2.0 * u - 1.0) * pct
    elif kind == "normal":
        low = ops.ndtr(-pct / std)  # the truncated law's CDF runs from low to 1 - low
        n = std * ops.ndtri(low + u * (1.0 - 2.0 * low))
    else:
        raise ValueError(f"kind must be one of {NOISE_KINDS}; got {kind!r}")
    out = ops.where(step >= start, 1.0 + n, 1.0)
    if end is not None:
        out = ops.where(step < end, out, 1.0)
    return base_lr * out
