"""The ops shim: one formula, two paths.

Every kernel in :mod:`lrfunc.functional` is written once against these helpers. When no
argument is a tensor they use :mod:`math` and Python operators (no torch dispatch, a
Python float comes out); when any argument is a tensor they use branch-free torch ops
(no host sync, any shape and device, traceable by ``torch.compile``).

Non-linear helpers clamp their input first so that the branch a ``where`` discards never
produces NaN values or NaN gradients.
"""

from __future__ import annotations

import math
import statistics
import sys
from typing import Union, cast

import torch
from torch import Tensor

from . import _typed_torch
from ._validate import untyped

Value = Union[float, int, Tensor]  # noqa: UP007 - a runtime alias, also on 3.9 tools
"""A Python number on the number path, a tensor on the tensor path."""

# The number path is decided first by exact type: ``isinstance(x, Tensor)`` costs ~3x more
# (torch.Tensor has a metaclass) and every op of every number-path evaluation asks it.
# Anything else (tensors, subclasses of int/float) takes the general test below it.
NUMBERS = frozenset((int, float))

__all__ = [
    "Tensor",
    "Value",
    "any_tensor",
    "as_float",
    "as_int",
    "clamp",
    "cos",
    "eps",
    "exp",
    "expm1",
    "floor",
    "log",
    "log1p",
    "maximum",
    "minimum",
    "ndtr",
    "ndtri",
    "pow",
    "sqrt",
    "tanh",
    "where",
    "wide_float",
]


def wide_float(device: torch.device) -> torch.dtype:
    """The widest float dtype of ``device``: float64 (exact integers up to 2**53), or
    float32 on MPS, which has no float64 (exact up to 2**24 only)."""
    return torch.float32 if device.type == "mps" else torch.float64


def any_tensor(*values: object) -> bool:
    """Whether any of ``values`` is a tensor (then the tensor path is taken)."""
    return any(isinstance(v, Tensor) for v in values)


def where(condition: bool | Tensor, if_true: Value, if_false: Value) -> Value:
    """``if_true`` where ``condition`` holds, else ``if_false`` (both already computed)."""
    if type(condition) is bool:
        return if_true if condition else if_false
    if isinstance(untyped(condition), Tensor):  # untyped callers may pass other truthy values
        if not any_tensor(if_true, if_false):
            # Two Python numbers: keep them in double precision (torch.where would round
            # them to the default float32 dtype). torch.full, not torch.tensor: on CUDA the
            # latter is a blocking host-to-device copy (a sync, illegal in graph capture).
            # (if_true is a Python number here: any_tensor said so.)
            number = cast(float, if_true)
            if_true = torch.full((), number, dtype=torch.float64, device=condition.device)
        return torch.where(condition, if_true, if_false)
    return if_true if condition else if_false


def minimum(a: Value, b: Value) -> Value:
    if type(a) in NUMBERS and type(b) in NUMBERS:
        return a if a <= b else b
    if isinstance(a, Tensor) or isinstance(b, Tensor):  # not any_tensor: a hot path
        if not isinstance(a, Tensor):
            a, b = b, a
        assert isinstance(a, Tensor)
        return torch.clamp(a, max=b) if not isinstance(b, Tensor) else torch.minimum(a, b)
    return a if a <= b else b


def maximum(a: Value, b: Value) -> Value:
    if type(a) in NUMBERS and type(b) in NUMBERS:
        return a if a >= b else b
    if isinstance(a, Tensor) or isinstance(b, Tensor):  # not any_tensor: a hot path
        if not isinstance(a, Tensor):
            a, b = b, a
        assert isinstance(a, Tensor)
        return torch.clamp(a, min=b) if not isinstance(b, Tensor) else torch.maximum(a, b)
    return a if a >= b else b


def clamp(x: Value, low: Value, high: Value) -> Value:
    """``x`` limited to ``[low, high]``."""
    return minimum(maximum(x, low), high)


def floor(x: Value) -> Value:
    if type(x) not in NUMBERS and isinstance(x, Tensor):
        return torch.floor(x)
    # math.floor raises on inf (a finite step over a small `every` can overflow to it)
    return float(math.floor(x)) if math.isfinite(x) else float(x)


def cos(x: Value) -> Value:
    if type(x) in NUMBERS:
        return math.cos(x)
    return torch.cos(x) if isinstance(x, Tensor) else math.cos(x)


def tanh(x: Value) -> Value:
    if type(x) in NUMBERS:
        return math.tanh(x)
    return torch.tanh(x) if isinstance(x, Tensor) else math.tanh(x)


def exp(x: Value) -> Value:
    """``e**x``; on the number path an exponent past float range gives inf, never raises."""
    if type(x) not in NUMBERS and isinstance(x, Tensor):
        return torch.exp(x)
    return math.exp(x) if x < 709.0 else math.inf


def expm1(x: Value) -> Value:
    """``e**x - 1``, accurate for small ``x``; past float range gives inf, never raises."""
    if type(x) not in NUMBERS and isinstance(x, Tensor):
        return torch.expm1(x)
    return math.expm1(x) if x < 709.0 else math.inf


def log1p(x: Value) -> Value:
    """``log(1 + x)`` for ``x > -1``, accurate for small ``x``."""
    if type(x) not in NUMBERS and isinstance(x, Tensor):
        return torch.log1p(x)
    return math.log1p(x)


def eps(x: Value) -> float:
    """The machine epsilon of ``x``'s floating type (float64's for a Python number)."""
    if isinstance(x, Tensor) and x.is_floating_point():
        return torch.finfo(x.dtype).eps
    return sys.float_info.epsilon


def log(x: Value) -> Value:
    """Natural log of ``x`` clamped to the smallest positive normal float (never NaN)."""
    if type(x) not in NUMBERS and isinstance(x, Tensor):
        return torch.log(torch.clamp(x, min=torch.finfo(x.dtype).tiny))
    return math.log(x) if x > 0 else math.log(2.2250738585072014e-308)


def sqrt(x: Value) -> Value:
    """Square root of ``x`` clamped at 0 (so a discarded negative branch is no NaN).

    As in :func:`pow`, a double ``where`` gives ``x <= 0`` a zero gradient: clamping alone
    leaves ``d sqrt / dx = inf`` at 0, and ``0 * inf`` is a NaN gradient.
    """
    if type(x) not in NUMBERS and isinstance(x, Tensor):
        positive = x > 0
        safe = torch.where(positive, x, torch.ones_like(x))
        return torch.where(positive, torch.sqrt(safe), torch.zeros_like(safe))
    return math.sqrt(x) if x > 0 else 0.0


def pow(base: Value, exponent: Value) -> Value:
    """``base ** exponent`` for ``base >= 0``: a zero base gives 0 with finite gradients.

    The double-``where`` keeps ``d/d exponent`` of ``0 ** p`` at 0 instead of NaN.
    """
    if type(base) not in NUMBERS or type(exponent) not in NUMBERS:
        if not isinstance(base, Tensor) and isinstance(exponent, Tensor):
            # A Python base stays a double scalar: torch.as_tensor would round it to float32.
            return torch.pow(base, exponent) if base > 0 else torch.zeros_like(exponent)
        if isinstance(base, Tensor):
            base_t = base
            positive = base_t > 0
            safe = torch.where(positive, base_t, torch.ones_like(base_t))
            return torch.where(positive, torch.pow(safe, exponent), torch.zeros_like(safe))
    if base <= 0:
        return 0.0
    try:
        return math.pow(base, exponent)
    except OverflowError:
        return math.inf


# -- integers (counter-based hashing) ----------------------------------------------------
# Python ints and int64 tensors share the operators ``+ * & ^ << >>``; a formula that keeps
# every intermediate in [0, 2**63) therefore gives the same bits on both paths.


def as_int(x: Value) -> Value:
    """``floor(x)`` for ``x >= 0`` as an integer: a Python int, or an int64 tensor."""
    if isinstance(x, Tensor):
        return x.to(torch.int64) if x.is_floating_point() else x
    return math.floor(x)


def as_float(x: Value) -> Value:
    """An integer as a float: a Python float, or a float64 tensor (exact below 2**53)."""
    if isinstance(x, Tensor):
        return x.to(wide_float(x.device))
    return float(x)


def ndtr(x: Value) -> Value:
    """The standard normal CDF of ``x``."""
    if isinstance(x, Tensor):
        return _typed_torch.ndtr(x)
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def ndtri(p: Value) -> Value:
    """The standard normal quantile (inverse CDF) of ``p`` in ``(0, 1)``."""
    if isinstance(p, Tensor):
        return _typed_torch.ndtri(p)
    return statistics.NormalDist().inv_cdf(p)
