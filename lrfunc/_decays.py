"""The decay catalogue: inverse square root and Noam, REX, tanh (timm), piecewise
interpolation, inverse-time decay (Keras) and the k-decay time warp.

Each schedule binds its parameters and calls the kernel of the same name in
:mod:`lrfunc.functional`; the constructor validates the parameters.
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass
from typing import Any, ClassVar

from . import _ops as ops
from . import functional as F
from ._kernel import Kernel
from ._ops import Value
from ._schedule import KernelSchedule, Schedule
from ._validate import (
    check_boundaries,
    check_choice,
    check_length,
    check_nonnegative_int,
    check_positive,
    check_real,
)

__all__ = ["interpolate", "inverse_sqrt", "inverse_time", "kdecay", "noam", "rex", "tanh"]


def _factor(name: str, value: Any) -> Any:
    return check_real(name, value, low=0.0)


@dataclass(frozen=True, repr=False)
class inverse_sqrt(KernelSchedule):
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
    """

    warmup: int
    _: KW_ONLY
    timescale: float | None = None
    start: float | None = None

    steps: ClassVar[None] = None
    _kernel: ClassVar[Kernel[Any]] = F.inverse_sqrt

    def _check(self) -> None:
        self._set("warmup", check_nonnegative_int("warmup", self.warmup))
        if self.timescale is not None:
            self._set("timescale", check_positive("timescale", self.timescale))
        elif self.warmup == 0:
            raise ValueError("inverse_sqrt with warmup=0 needs a timescale > 0, got None")
        if self.start is not None:
            self._set("start", check_real("start", self.start, low=0.0, high=1.0))


@dataclass(frozen=True, repr=False)
class noam(KernelSchedule):
    """The Transformer paper's schedule (Vaswani et al. 2017); ``base_lr`` is its scale.

    ``d_model ** -0.5 * min(n ** -0.5, n * warmup ** -1.5)`` with the paper's 1-based
    update number ``n = step + 1``: the first update gets ``d_model ** -0.5 * warmup **
    -1.5`` (never 0) and the peak ``(d_model * warmup) ** -0.5`` is reached at ``step =
    warmup - 1``. The Annotated Transformer's ``rate(max(step, 1))`` (its ``step == 0``
    special case under ``LambdaLR``) is ``lf.shift(lf.noam(d, w), 1)``.

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
    """

    d_model: int
    warmup: int

    steps: ClassVar[None] = None
    _kernel: ClassVar[Kernel[Any]] = F.noam

    def _check(self) -> None:
        self._set("d_model", check_length("d_model", self.d_model))
        self._set("warmup", check_length("warmup", self.warmup))


@dataclass(frozen=True, repr=False)
class rex(KernelSchedule):
    """REX decay from 1 to ``end`` over ``steps`` updates (Chen et al. 2021).

    .. math:: \\mathrm{lr}(k) = b \\left(e + (1 - e) \\frac{2 z}{1 + z}\\right), \\quad
        z = 1 - \\frac{\\min(k, n)}{n}

    Args:
        steps: length of the decay.
        end: final factor (``>= 0``).

    Examples:
        >>> import lrfunc as lf
        >>> [round(lf.rex(4)(k), 4) for k in range(6)]
        [1.0, 0.8571, 0.6667, 0.4, 0.0, 0.0]
    """

    steps: int
    _: KW_ONLY
    end: float = 0.0

    _kernel: ClassVar[Kernel[Any]] = F.rex

    def _check(self) -> None:
        self._set("steps", check_length("steps", self.steps))
        self._set("end", _factor("end", self.end))


@dataclass(frozen=True, repr=False)
class tanh(KernelSchedule):
    """timm's tanh decay (``TanhLRScheduler``, one cycle) from 1 to ``end``.

    The curve is ``(1 - tanh(lower * (1 - p) + upper * p)) / 2`` for ``p = step / steps``;
    as in timm it starts a hair below 1 and the value is exactly ``end`` from step
    ``steps`` on.

    .. math:: \\mathrm{lr}(k) = b \\left(e + \\frac{1 - e}{2}
        \\left(1 - \\tanh\\bigl(l (1 - p) + u p\\bigr)\\right)\\right) \\text{ for } k < n,
        \\quad b e \\text{ for } k \\ge n

    Args:
        steps: length of the decay (timm's ``t_initial``).
        end: final factor (``>= 0``; timm's ``lr_min / base_lr``).
        lower: tanh argument at step 0 (timm's ``lb``).
        upper: tanh argument at the end, ``> lower`` (timm's ``ub``).

    Examples:
        >>> import lrfunc as lf
        >>> [round(lf.tanh(10)(k), 4) for k in (0, 7, 10)]
        [1.0, 0.5, 0.0]
    """

    steps: int
    _: KW_ONLY
    end: float = 0.0
    lower: float = -7.0
    upper: float = 3.0

    _kernel: ClassVar[Kernel[Any]] = F.tanh

    def _check(self) -> None:
        self._set("steps", check_length("steps", self.steps))
        self._set("end", _factor("end", self.end))
        self._set("lower", check_real("lower", self.lower))
        self._set("upper", check_real("upper", self.upper))
        if isinstance(self.lower, float) and isinstance(self.upper, float):
            if self.lower >= self.upper:
                raise ValueError(
                    f"lower must be < upper, got lower={self.lower!r} and upper={self.upper!r}"
                )


@dataclass(frozen=True, repr=False)
class interpolate(KernelSchedule):
    """Through the points ``(boundaries[i], values[i])``, linear or cosine in between.

    Before the first point the first value holds, after the last point the last value
    (the schedule's length is the last boundary).

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

    boundaries: tuple[int, ...]
    values: tuple[float, ...]
    _: KW_ONLY
    shape: str = "linear"

    _kernel: ClassVar[Kernel[Any]] = F.interpolate

    def _check(self) -> None:
        boundaries = check_boundaries("boundaries", self.boundaries, allow_zero=True)
        if len(boundaries) < 2:
            raise ValueError(f"boundaries must have at least 2 entries, got {list(boundaries)}")
        self._set("boundaries", boundaries)
        if isinstance(self.values, (str, bytes)) or not hasattr(self.values, "__iter__"):
            raise TypeError(f"values must be a sequence of numbers, got {self.values!r}")
        values = tuple(_factor(f"values[{i}]", v) for i, v in enumerate(self.values))
        if len(values) != len(boundaries):
            raise ValueError(
                f"values must have len(boundaries) = {len(boundaries)} entries, got {len(values)}"
            )
        self._set("values", values)
        self._set("shape", check_choice("shape", self.shape, ("linear", "cosine")))
        object.__setattr__(self, "steps", boundaries[-1])


@dataclass(frozen=True, repr=False)
class inverse_time(KernelSchedule):
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
    """

    rate: float
    _: KW_ONLY
    every: float = 1
    staircase: bool = False

    steps: ClassVar[None] = None
    _kernel: ClassVar[Kernel[Any]] = F.inverse_time

    def _check(self) -> None:
        self._set("rate", _factor("rate", self.rate))
        every = check_positive("every", self.every)
        if isinstance(every, float) and every.is_integer():
            every = int(every)
        self._set("every", every)
        if not isinstance(self.staircase, bool):
            raise TypeError(f"staircase must be a bool, got {self.staircase!r}")


@dataclass(frozen=True, repr=False)
class kdecay(Schedule):
    """The k-decay time warp (Zhang & Li 2020) of a finite schedule: step ``t`` of a
    schedule of length ``n`` is read at ``n (t / n) ** k``.

    ``k > 1`` holds the early values longer and decays faster at the end; it is timm's
    ``k_decay`` for ``CosineLRScheduler`` and ``PolyLRScheduler``
    (``lf.kdecay(lf.cosine(n), k)``). The length and the final value are unchanged.

    .. math:: \\mathrm{lr}(t) = f\\!\\left(n \\left(\\frac{\\min(t, n)}{n}\\right)^{k}\\right)

    Args:
        schedule: a finite schedule (``schedule.steps`` an int).
        k: the exponent (``> 0``).

    Examples:
        >>> import lrfunc as lf
        >>> sched = lf.kdecay(lf.linear(4), 2.0)
        >>> [sched(t) for t in range(6)]
        [1.0, 0.9375, 0.75, 0.4375, 0.0, 0.0]
    """

    schedule: Schedule
    k: float

    def __post_init__(self) -> None:
        if not isinstance(self.schedule, Schedule):
            raise TypeError(f"schedule must be a Schedule, got {self.schedule!r}")
        if not isinstance(self.schedule.steps, int):
            raise ValueError(
                f"kdecay needs a finite schedule (steps an int), got {self.schedule!r} "
                "with steps=None"
            )
        object.__setattr__(self, "k", check_positive("k", self.k))
        object.__setattr__(self, "steps", self.schedule.steps)

    def _eval(self, step: Value, base_lr: Any) -> Value:
        n = self.schedule.steps
        assert isinstance(n, int)
        warped = n * ops.pow(ops.minimum(step, n) / n, self.k)
        return self.schedule._eval(warped, base_lr)
