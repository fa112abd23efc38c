"""Kernels of the core schedules: constant, linear, warmup, step, multistep, exp, cosine,
poly and piecewise constant.

Each kernel is the one formula of its schedule, written against :mod:`lrfunc._ops` so the
number path and the tensor path share it. Values are factors of ``base_lr``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from .. import _ops as ops
from .._kernel import kernel
from .._ops import Value

__all__ = [
    "constant",
    "cosine",
    "exp",
    "linear",
    "multistep",
    "piecewise_constant",
    "poly",
    "step",
    "warmup",
]


def progress(step: Value, steps: Any) -> Value:
    """The fraction of a phase of ``steps`` updates already done, clamped to ``[0, 1]``."""
    return ops.minimum(step, steps) / steps


@kernel
def constant(step: Value, base_lr: Any, *, value: Any = 1.0, steps: Any = None) -> Value:
    """A constant factor.

    .. math:: \\mathrm{lr}(k) = \\mathrm{base\\_lr} \\cdot v

    Examples:
        >>> from lrfunc.functional import constant
        >>> constant(7, 0.1, value=0.5)
        0.05
    """
    del step, steps  # the value does not depend on the step; ``steps`` only sets a length
    return base_lr * value


@kernel
def linear(step: Value, base_lr: Any, *, steps: Any, start: Any = 1.0, end: Any = 0.0) -> Value:
    """A straight line from ``start`` to ``end`` over ``steps`` updates, then ``end``.

    .. math:: \\mathrm{lr}(k) = b \\left(s + (e - s) \\frac{\\min(k, n)}{n}\\right)

    Examples:
        >>> from lrfunc.functional import linear
        >>> [linear(k, 1.0, steps=4) for k in (0, 1, 4, 9)]
        [1.0, 0.75, 0.0, 0.0]
    """
    return base_lr * (start + (end - start) * progress(step, steps))


@kernel
def warmup(
    step: Value, base_lr: Any, *, steps: Any, start: Any = None, shape: str = "linear"
) -> Value:
    """A ramp from ``start`` up to 1 over ``steps`` updates, then 1.

    By default ``start = 1 / (steps + 1)``, so the first update never gets lr 0 and the
    (linear) ramp is :math:`(k + 1) / (n + 1)`: the k-th of the n warmup updates gets a
    ``(k + 1)/(n + 1)`` share of the peak, and the update after the warmup gets all of it.

    ``shape`` bends the ramp between the same two ends: ``"linear"`` (below),
    ``"cosine"`` (:math:`s + (1 - s)(1 - \\cos \\pi p)/2`), ``"exponential"``
    (geometric, :math:`s^{1 - p}`, needs ``s > 0``) and ``"1-sqrt"``
    (:math:`s + (1 - s)(1 - \\sqrt{1 - p})`, HF's WSD warmup).

    .. math:: \\mathrm{lr}(k) = b \\left(s + (1 - s) p\\right), \\quad
        p = \\frac{\\min(k, n)}{n}, \\qquad s = \\frac{1}{n + 1} \\text{ by default}

    Examples:
        >>> from lrfunc.functional import warmup
        >>> [warmup(k, 1.0, steps=3) for k in (0, 1, 2, 3, 10)]
        [0.25, 0.5, 0.75, 1.0, 1.0]
        >>> warmup(0, 1.0, steps=3, start=0.0)
        0.0
        >>> [warmup(k, 1.0, steps=2, start=0.25, shape="exponential") for k in (0, 1, 2)]
        [0.25, 0.5, 1.0]
    """
    if start is None:
        start = 1.0 / (steps + 1)
    p = progress(step, steps)
    if shape == "linear":
        return base_lr * (start + (1.0 - start) * p)
    if shape == "cosine":
        return base_lr * (start + (1.0 - start) * 0.5 * (1.0 - ops.cos(math.pi * p)))
    if shape == "exponential":
        return base_lr * ops.pow(start, 1.0 - p)
    if shape == "1-sqrt":
        return base_lr * (start + (1.0 - start) * (1.0 - ops.sqrt(1.0 - p)))
    raise ValueError(f"shape must be one of {WARMUP_SHAPES}; got {shape!r}")


#: The ramps :func:`warmup` knows.
WARMUP_SHAPES = ("linear", "cosine", "exponential", "1-sqrt")


@kernel
def step(step: Value, base_lr: Any, *, every: Any, gamma: Any = 0.1) -> Value:
    """Multiply by ``gamma`` every ``every`` updates (torch's ``StepLR``).

    .. math:: \\mathrm{lr}(k) = b \\, \\gamma^{\\lfloor k / m \\rfloor}

    Examples:
        >>> from lrfunc.functional import step
        >>> [step(k, 1.0, every=10, gamma=0.5) for k in (0, 9, 10, 25)]
        [1.0, 1.0, 0.5, 0.25]
    """
    return base_lr * ops.pow(gamma, ops.floor(step / every))


@kernel
def multistep(step: Value, base_lr: Any, *, boundaries: Sequence[int], gamma: Any = 0.1) -> Value:
    """Multiply by ``gamma`` at each of the ``boundaries`` (torch's ``MultiStepLR``).

    .. math:: \\mathrm{lr}(k) = b \\, \\gamma^{\\#\\{i : k \\ge t_i\\}}

    Examples:
        >>> from lrfunc.functional import multistep
        >>> [multistep(k, 1.0, boundaries=[3, 5], gamma=0.5) for k in (0, 3, 4, 5)]
        [1.0, 0.5, 0.5, 0.25]
    """
    passed: Value = 0.0
    for boundary in boundaries:
        passed = passed + ops.where(step >= boundary, 1.0, 0.0)
    return base_lr * ops.pow(gamma, passed)


@kernel
def exp(
    step: Value,
    base_lr: Any,
    *,
    gamma: Any,
    every: Any = 1,
    staircase: bool = False,
    begin: Any = 0,
    end: Any = None,
) -> Value:
    """Exponential decay (or growth) by ``gamma`` per ``every`` updates.

    The exponent starts counting at ``begin`` (optax's ``transition_begin``); with
    ``staircase`` it is floored (the rate changes in steps of ``every``); ``end`` bounds
    the value (a floor when ``gamma < 1``, a ceiling when ``gamma > 1``).

    .. math:: \\mathrm{lr}(k) = b \\, \\gamma^{p}, \\quad
        p = \\frac{\\max(k - k_0, 0)}{m} \\text{ (floored with staircase)},
        \\quad p \\le \\log(e) / \\log(\\gamma) \\text{ with an end}

    Examples:
        >>> from lrfunc.functional import exp
        >>> exp(2, 1.0, gamma=0.5)
        0.25
        >>> [exp(k, 1.0, gamma=0.5, every=2, staircase=True) for k in (0, 1, 2, 3)]
        [1.0, 1.0, 0.5, 0.5]
        >>> exp(100, 1.0, gamma=0.5, end=0.125)
        0.125
    """
    power = ops.maximum(step - begin, 0.0) / every
    if staircase:
        power = ops.floor(power)
    if end is not None:
        power = ops.minimum(power, ops.log(end) / ops.log(gamma))
    return base_lr * ops.pow(gamma, power)


@kernel
def cosine(step: Value, base_lr: Any, *, steps: Any, end: Any = 0.0, exponent: Any = 1.0) -> Value:
    """Half a cosine from 1 down to ``end`` over ``steps`` updates, then ``end``.

    ``exponent`` raises the cosine factor to a power before it is blended with ``end``
    (optax's ``cosine_decay_schedule(exponent=...)``).

    .. math:: \\mathrm{lr}(k) = b \\left(e + (1 - e)
        \\left(\\frac{1 + \\cos (\\pi \\min(k, n) / n)}{2}\\right)^{x}\\right)

    Examples:
        >>> from lrfunc.functional import cosine
        >>> [round(cosine(k, 1.0, steps=4, end=0.1), 6) for k in (0, 2, 4, 8)]
        [1.0, 0.55, 0.1, 0.1]
        >>> cosine(2, 1.0, steps=4, exponent=2.0)
        0.25
    """
    factor = 0.5 * (1.0 + ops.cos(math.pi * progress(step, steps)))
    if isinstance(exponent, ops.Tensor) or exponent != 1.0:
        factor = ops.pow(factor, exponent)
    return base_lr * (end + (1.0 - end) * factor)


@kernel
def poly(step: Value, base_lr: Any, *, steps: Any, power: Any = 1.0, end: Any = 0.0) -> Value:
    """Polynomial decay from 1 to ``end`` over ``steps`` updates, then ``end``.

    .. math:: \\mathrm{lr}(k) = b \\left(e + (1 - e)
        \\left(1 - \\frac{\\min(k, n)}{n}\\right)^{p}\\right)

    Examples:
        >>> from lrfunc.functional import poly
        >>> [poly(k, 1.0, steps=4, power=2.0) for k in (0, 2, 4, 5)]
        [1.0, 0.25, 0.0, 0.0]
    """
    return base_lr * (end + (1.0 - end) * ops.pow(1.0 - progress(step, steps), power))


@kernel
def piecewise_constant(
    step: Value, base_lr: Any, *, boundaries: Sequence[int], values: Sequence[Any]
) -> Value:
    """``values[i]`` from ``boundaries[i - 1]`` (inclusive) up to ``boundaries[i]``.

    .. math:: \\mathrm{lr}(k) = b \\, v_i \\quad \\text{for } t_{i-1} \\le k < t_i

    Examples:
        >>> from lrfunc.functional import piecewise_constant
        >>> f = lambda k: piecewise_constant(k, 1.0, boundaries=[2, 4], values=[1.0, 0.5, 0.1])
        >>> [f(k) for k in (0, 1, 2, 4, 9)]
        [1.0, 1.0, 0.5, 0.1, 0.1]
    """
    out: Value = values[0]
    for boundary, value in zip(boundaries, values[1:], strict=True):
        out = ops.where(step >= boundary, value, out)
    return base_lr * out
