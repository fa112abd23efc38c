"""The decay catalogue: inverse square root and Noam, REX, tanh (timm), piecewise
interpolation and inverse-time decay (Keras).

Each is defined once here: parameters with their checks, the closed form, examples and
the formula (the kernels of :mod:`lrfunc.functional` derive from them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import KW_ONLY, dataclass, field
from typing import Any, ClassVar

from . import _ops as ops
from ._basic import progress, ramp, warmup
from ._ops import Value
from ._schedule import Schedule
from ._validate import (
    BOOL,
    FACTOR,
    FACTORS,
    LENGTH,
    PERIOD,
    ParameterValueError,
    check_boundaries,
    check_every,
    check_period,
    check_positive,
    checked,
    choice,
    optional,
    real,
)

__all__ = ["interpolate", "inverse_sqrt", "inverse_time", "noam", "rex", "tanh"]


def _check_points(name: str, value: Any) -> tuple[int, ...]:
    """The steps of :class:`interpolate`: at least two, strictly increasing, ``>= 0``."""
    boundaries = check_boundaries(name, value, allow_zero=True)
    if len(boundaries) < 2:
        raise ParameterValueError(
            name, f"{name} must have at least 2 entries, got {list(boundaries)}"
        )
    return boundaries


@dataclass(frozen=True, repr=False)
class inverse_sqrt(Schedule):
    """A linear warmup to the peak, then decay as ``1 / sqrt(step)`` (fairseq's and HF's
    ``inverse_sqrt``).

    After ``warmup`` updates the factor is ``sqrt(timescale / (step - warmup +
    timescale))``: 1 at the end of the warmup. The default ``timescale = warmup`` gives
    fairseq's ``sqrt(warmup / step)``; HF's ``get_inverse_sqrt_schedule`` is
    ``inverse_sqrt(w, timescale=t or w or 10_000, start=0.0)``. The warmup ramp is
    :class:`warmup`'s: ``start`` defaults to ``1 / (warmup + 1)`` so the first update
    never gets lr 0; ``start=0.0`` is HF's and fairseq's ``step / warmup``.

    .. math:: \\mathrm{lr}(k) = b \\begin{cases} s + (1 - s) k / w & k < w \\\\
        \\sqrt{\\tau / (k - w + \\tau)} & k \\ge w \\end{cases}

    Args:
        warmup: warmup length (``>= 0``); 0 needs a ``timescale``.
        timescale: :math:`\\tau` (``> 0``), default ``warmup``.
        start: warmup factor at step 0, in ``[0, 1]``.

    Examples:
        >>> import lrfunc as lf
        >>> sched = lf.inverse_sqrt(4, start=0.0)
        >>> [sched(k) for k in (0, 2, 4, 16, 64)]
        [0.0, 0.5, 1.0, 0.5, 0.25]
        >>> lf.inverse_sqrt(0, timescale=10)(30)
        0.5
    """

    warmup: int = field(metadata=LENGTH)
    _: KW_ONLY
    timescale: float | None = field(default=None, metadata=checked(optional(check_positive)))
    start: float | None = field(default=None, metadata=checked(optional(real(0.0, 1.0))))

    steps = None

    _ramp: ClassVar[Schedule | None]  # the warmup piece, built in check()

    def check(self) -> None:
        if self.timescale is None and self.warmup == 0:
            raise ParameterValueError(
                "timescale", "inverse_sqrt with warmup=0 needs a timescale > 0, got None"
            )
        ramp = warmup(self.warmup, start=self.start) if self.warmup else None
        object.__setattr__(self, "_ramp", ramp)

    def formula(self, step: Value, base_lr: Any) -> Value:
        warmup = self.warmup
        tau = warmup if self.timescale is None else self.timescale
        out = ops.sqrt(tau / (ops.maximum(step, warmup) - warmup + tau))
        if self._ramp is not None:
            out = ops.where(step < warmup, self._ramp.formula(step, 1.0), out)
        return base_lr * out


@dataclass(frozen=True, repr=False)
class noam(Schedule):
    """The Transformer paper's schedule (Vaswani et al. 2017); ``base_lr`` is its scale.

    ``d_model ** -0.5 * min(n ** -0.5, n * warmup ** -1.5)`` with the paper's 1-based
    update number ``n = step + 1`` (its ``step_num``): the first update gets ``d_model **
    -0.5 * warmup ** -1.5`` (never 0) and the peak ``(d_model * warmup) ** -0.5`` is
    reached at ``step = warmup - 1``. The Annotated Transformer's ``rate(max(step, 1))``
    (its ``step == 0`` special case under ``LambdaLR``) is ``lf.shift(lf.noam(d, w), 1)``.

    .. math:: \\mathrm{lr}(k) = b \\, d^{-1/2} \\min\\left(n^{-1/2}, n w^{-3/2}\\right),
        \\quad n = k + 1

    Args:
        d_model: the model width (a positive int).
        warmup: warmup length (``> 0``).

    Examples:
        >>> import lrfunc as lf
        >>> sched = lf.noam(512, 4000)
        >>> round(sched(3999, 2.0) / (2.0 * (512 * 4000) ** -0.5), 12)
        1.0
        >>> [round(lf.noam(512, 4)(k) * 512**0.5, 6) for k in (0, 3, 15)]
        [0.125, 0.5, 0.25]
    """

    d_model: int = field(metadata=checked(check_period))
    warmup: int = field(metadata=PERIOD)

    steps = None

    def formula(self, step: Value, base_lr: Any) -> Value:
        n = step + 1.0
        scale = self.d_model**-0.5
        return base_lr * scale * ops.minimum(1.0 / ops.sqrt(n), n * self.warmup**-1.5)


@dataclass(frozen=True, repr=False)
class rex(Schedule):
    """REX decay from 1 to ``end`` over ``steps`` updates (Chen et al. 2021, "REX:
    Revisiting Budgeted Training").

    With the remaining fraction :math:`z = 1 - \\min(k, n)/n`, the factor is
    :math:`z / (1/2 + z/2)`: flat at first, steep at the end.

    .. math:: \\mathrm{lr}(k) = b \\left(e + (1 - e) \\frac{2 z}{1 + z}\\right), \\quad
        z = 1 - \\frac{\\min(k, n)}{n}

    Args:
        steps: length of the decay (``0``: ``end`` from the start).
        end: final factor (``>= 0``).

    Examples:
        >>> import lrfunc as lf
        >>> [round(lf.rex(4)(k), 4) for k in range(6)]
        [1.0, 0.8571, 0.6667, 0.4, 0.0, 0.0]
    """

    steps: int = field(metadata=LENGTH)
    _: KW_ONLY
    end: float = field(default=0.0, metadata=FACTOR)

    def formula(self, step: Value, base_lr: Any) -> Value:
        z = 1.0 - progress(step, self.steps)
        return base_lr * (self.end + (1.0 - self.end) * (2.0 * z / (1.0 + z)))


@dataclass(frozen=True, repr=False)
class tanh(Schedule):
    """timm's tanh decay (``TanhLRScheduler``, one cycle; Hsueh et al. 2019) from 1 to
    ``end``.

    The curve is ``(1 - tanh(lower * (1 - p) + upper * p)) / 2`` for ``p = step / steps``;
    as in timm it starts a hair below 1 and the value is exactly ``end`` from step
    ``steps`` on (the curve itself stops at ``0.5 (1 - tanh(upper))``, about 0.25 % of
    the peak above ``end`` for the defaults).

    .. math:: \\mathrm{lr}(k) = b \\left(e + \\frac{1 - e}{2}
        \\left(1 - \\tanh\\bigl(l (1 - p) + u p\\bigr)\\right)\\right) \\text{ for } k < n,
        \\quad b e \\text{ for } k \\ge n

    Args:
        steps: length of the decay (timm's ``t_initial``; ``0``: ``end`` from the start).
        end: final factor (``>= 0``; timm's ``lr_min / base_lr``).
        lower: tanh argument at step 0 (timm's ``lb``).
        upper: tanh argument at the end, ``> lower`` (timm's ``ub``).

    Examples:
        >>> import lrfunc as lf
        >>> [round(lf.tanh(10)(k), 4) for k in (0, 5, 7, 9, 10)]
        [1.0, 0.982, 0.5, 0.018, 0.0]
    """

    steps: int = field(metadata=LENGTH)
    _: KW_ONLY
    end: float = field(default=0.0, metadata=FACTOR)
    lower: float = field(default=-7.0, metadata=checked(real()))
    upper: float = field(default=3.0, metadata=checked(real()))

    def check(self) -> None:
        lower, upper = self.lower, self.upper
        if isinstance(lower, float) and isinstance(upper, float) and lower >= upper:
            raise ParameterValueError(
                "upper", f"lower must be < upper, got lower={lower!r} and upper={upper!r}"
            )

    def formula(self, step: Value, base_lr: Any) -> Value:
        p = progress(step, self.steps)
        end, lower, upper = self.end, self.lower, self.upper
        curve = end + (1.0 - end) * 0.5 * (1.0 - ops.tanh(lower * (1.0 - p) + upper * p))
        return base_lr * ops.where(step < self.steps, curve, end)


@dataclass(frozen=True, repr=False)
class interpolate(Schedule):
    """Through the points ``(boundaries[i], values[i])``, linear or cosine in between.

    Before the first point the first value holds, after the last point the last value
    (the schedule's length is the last boundary). ``shape="cosine"`` joins neighbouring
    points with half a cosine (flat at each point), like optax's
    ``piecewise_interpolate_schedule("cosine", ...)``.

    .. math:: \\mathrm{lr}(k) = b \\left(v_i + (v_{i+1} - v_i)\\, s\\!\\left(
        \\frac{k - t_i}{t_{i+1} - t_i}\\right)\\right), \\quad t_i \\le k < t_{i+1}

    with :math:`s(p) = p` (``"linear"``) or :math:`(1 - \\cos \\pi p)/2` (``"cosine"``).

    Args:
        boundaries: at least two strictly increasing steps (``>= 0``).
        values: one factor (``>= 0``) per boundary.
        shape: ``"linear"`` or ``"cosine"``.

    Examples:
        >>> import lrfunc as lf
        >>> sched = lf.interpolate([0, 2, 6], [0.0, 1.0, 0.2])
        >>> [round(sched(k), 4) for k in (0, 1, 2, 4, 6, 9)]
        [0.0, 0.5, 1.0, 0.6, 0.2, 0.2]
        >>> round(lf.interpolate([0, 4], [1.0, 0.0], shape="cosine")(1), 4)
        0.8536
    """

    boundaries: Sequence[int] = field(metadata=checked(_check_points, steps=True))
    values: Sequence[float] = field(metadata=FACTORS)
    _: KW_ONLY
    shape: str = field(default="linear", metadata=checked(choice("linear", "cosine")))

    def check(self) -> None:
        if len(self.values) != len(self.boundaries):
            raise ParameterValueError(
                "values",
                f"values must have len(boundaries) = {len(self.boundaries)} entries, "
                f"got {len(self.values)}",
            )
        object.__setattr__(self, "steps", self.boundaries[-1])

    def formula(self, step: Value, base_lr: Any) -> Value:
        boundaries, values = self.boundaries, self.values
        out: Value = values[0]
        for i in range(len(boundaries) - 1):
            t0, t1, v0, v1 = boundaries[i], boundaries[i + 1], values[i], values[i + 1]
            p = ramp(progress(ops.maximum(step - t0, 0.0), t1 - t0), 0.0, self.shape)
            out = ops.where(step >= t0, v0 + (v1 - v0) * p, out)
        # The last point exactly, not v0 + (v1 - v0) * 1 (one rounding away from it).
        out = ops.where(step >= boundaries[-1], values[-1], out)
        return base_lr * out


@dataclass(frozen=True, repr=False)
class inverse_time(Schedule):
    """Inverse-time decay (Keras ``InverseTimeDecay``): ``1 / (1 + rate * step / every)``.

    .. math:: \\mathrm{lr}(k) = \\frac{b}{1 + r \\, p}, \\quad
        p = k / m \\text{ (floored with staircase)}

    Args:
        rate: decay rate (``>= 0``; Keras's ``decay_rate``).
        every: updates per unit of decay (``> 0``; Keras's ``decay_steps``).
        staircase: floor ``step / every``.

    Examples:
        >>> import lrfunc as lf
        >>> [lf.inverse_time(1.0, every=2)(k) for k in (0, 2, 6)]
        [1.0, 0.5, 0.25]
        >>> round(lf.inverse_time(0.5, every=2, staircase=True)(3), 4)
        0.6667
    """

    rate: float = field(metadata=FACTOR)
    _: KW_ONLY
    every: float = field(default=1, metadata=checked(check_every, steps=True))
    staircase: bool = field(default=False, metadata=BOOL)

    steps = None

    def formula(self, step: Value, base_lr: Any) -> Value:
        p = step / self.every
        if self.staircase:
            p = ops.floor(p)
        return base_lr / (1.0 + self.rate * p)
