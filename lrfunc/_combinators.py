"""Combinators: schedules built from schedules, all in this module.

``chain`` runs pieces one after another, each in its own local time; ``product`` and
``scale`` multiply; ``clip`` bounds; ``shift`` and ``stretch`` move and scale time;
``repeat`` restarts a finite schedule (on ``restarts``' cycle arithmetic); ``kdecay``
warps its time; ``cooldown`` branches off it with a ``wsd`` cooldown shape; ``noise``
perturbs it (the hash lives in :mod:`lrfunc._noise`). Each is a small frozen class, so
compositions pickle, compare and show their structure; each says its children.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import KW_ONLY, dataclass, field
from typing import Any, ClassVar

from . import _ops as ops
from ._basic import DECAY_SHAPES, constant, decay_shape, progress
from ._cyclic import CYCLES, MULT, check_cycle_shape, cycle_position, in_cycle, total_steps
from ._noise import NOISE_KINDS, check_seed, noise_factor
from ._ops import Tensor, Value
from ._schedule import Child, Schedule
from ._validate import (
    BOOL,
    FACTOR,
    FINITE_SCHEDULE,
    NONNEGATIVE_INT,
    PERIOD,
    POSITIVE,
    SCHEDULE,
    SCHEDULES,
    ParameterValueError,
    check_boundaries,
    check_factor,
    check_int,
    check_period,
    check_positive,
    check_time_scale,
    check_total,
    checked,
    choice,
    optional,
    real,
    untyped,
)
from ._wsd import check_power

__all__ = [
    "chain",
    "clip",
    "cooldown",
    "in_epochs",
    "kdecay",
    "noise",
    "product",
    "repeat",
    "scale",
    "shift",
    "stretch",
]


def _set(obj: object, name: str, value: Any) -> None:
    """Store a value derived at construction (``steps``, ``starts``) on a frozen schedule."""
    object.__setattr__(obj, name, value)


_OPTIONAL_FACTOR = checked(optional(check_factor))
#: A count of updates that is not a length of training (no fraction of it).
PERIOD_NOT_STEPS = checked(check_period)


@dataclass(frozen=True, repr=False, init=False)
class chain(Schedule):
    """Run ``schedules`` one after another, each in its own local time.

    Piece ``i + 1`` starts at global step ``boundaries[i]`` and sees the local step
    ``step - boundaries[i]`` (the meaning of torch's ``SequentialLR(milestones=...)`` and
    optax's ``join_schedules(boundaries=...)``). Without ``boundaries`` each piece but the
    last runs for its own length ``piece.steps``.

    .. math:: \\mathrm{lr}(k) = f_i(k - t_{i-1}) \\quad \\text{for } t_{i-1} \\le k < t_i,
        \\; t_0 = 0

    Args:
        *schedules: the pieces, at least one.
        boundaries: ``len(schedules) - 1`` strictly increasing positive global steps.

    Raises:
        ValueError: no pieces, a wrong number of boundaries, boundaries not strictly
            increasing, or (without boundaries) a piece before the last that never ends.

    Examples:
        >>> import lrfunc as lf
        >>> sched = lf.chain(lf.warmup(2), lf.linear(2))
        >>> [round(sched(k), 4) for k in range(6)]
        [0.3333, 0.6667, 1.0, 0.5, 0.0, 0.0]
        >>> lf.chain(lf.constant(1.0), lf.exp(0.5), boundaries=[3])(5)
        0.25
    """

    schedules: tuple[Schedule, ...] = field(metadata=SCHEDULES)
    _: KW_ONLY
    boundaries: tuple[int, ...] | None = field(
        default=None, metadata=checked(optional(check_boundaries), steps=True)
    )

    _varargs: ClassVar[str | None] = "schedules"
    sequential: ClassVar[bool] = True
    #: Global step where each piece after the first starts (derived at construction).
    starts: ClassVar[tuple[int, ...]] = ()

    def __init__(self, *schedules: Schedule, boundaries: Iterable[int] | None = None) -> None:
        _set(self, "schedules", schedules)
        _set(self, "boundaries", boundaries)
        self.__post_init__()

    def check(self) -> None:
        pieces, boundaries = self.schedules, self.boundaries
        if not pieces:
            raise ParameterValueError("schedules", "chain needs at least one schedule, got none")
        if boundaries is None:
            starts: list[int] = []
            total = 0
            for i, piece in enumerate(pieces[:-1]):
                if not isinstance(piece.steps, int):
                    raise ParameterValueError(
                        f"schedules[{i}]",
                        f"schedules[{i}]={piece!r} never ends (steps=None); "
                        "give chain(..., boundaries=[...]) to say where the next piece starts",
                    )
                total += piece.steps
                starts.append(total)
            cuts = tuple(starts)
        else:
            if len(boundaries) != len(pieces) - 1:
                raise ParameterValueError(
                    "boundaries",
                    f"boundaries must have len(schedules) - 1 = {len(pieces) - 1} entries, "
                    f"got {len(boundaries)}: {list(boundaries)}",
                )
            cuts = boundaries
        last = pieces[-1].steps
        _set(self, "starts", cuts)
        _set(self, "steps", (cuts[-1] if cuts else 0) + last if isinstance(last, int) else None)

    def children(self) -> tuple[Child, ...]:
        begins = (0, *self.starts)
        ends = (*self.starts, math.inf)
        return tuple(
            Child(piece, begin, end)
            for piece, begin, end in zip(self.schedules, begins, ends, strict=True)
        )

    def formula(self, step: Value, base_lr: Any) -> Value:
        if not isinstance(step, Tensor):
            # A number step: the where-loop below would pick this piece; evaluate only it.
            i = bisect_right(self.starts, step)
            start = self.starts[i - 1] if i else 0
            return self.schedules[i].formula(step - start, base_lr)
        out = self.schedules[0].formula(step, base_lr)
        for start, piece in zip(self.starts, self.schedules[1:], strict=True):
            local = ops.maximum(step - start, 0)
            out = ops.where(step < start, out, piece.formula(local, base_lr))
        return out


@dataclass(frozen=True, repr=False, init=False)
class product(Schedule):
    """The product of schedules (torch's ``ChainedScheduler``); written ``a * b``.

    The first factor gets ``base_lr``; the others are evaluated as factors
    (``base_lr = 1``), so absolute ``*_lr`` bounds belong in the first. Nested products
    are flattened. The product ends when all factors have ended.

    .. math:: \\mathrm{lr}(k) = f_1(k, b) \\prod_{i > 1} f_i(k, 1)

    Examples:
        >>> import lrfunc as lf
        >>> sched = lf.step(2, gamma=0.5) * lf.linear(4, start=1.0, end=0.5)
        >>> sched(2)
        0.375
    """

    schedules: tuple[Schedule, ...] = field(metadata=SCHEDULES)

    _varargs: ClassVar[str | None] = "schedules"

    def __init__(self, *schedules: Schedule) -> None:
        _set(self, "schedules", schedules)
        self.__post_init__()

    def check(self) -> None:
        if len(self.schedules) < 2:
            raise ParameterValueError(
                "schedules", f"product needs at least two schedules, got {len(self.schedules)}"
            )
        flat: list[Schedule] = []
        for s in self.schedules:
            flat.extend(s.schedules if isinstance(s, product) else (s,))
        lengths = [s.steps for s in flat]
        _set(self, "schedules", tuple(flat))
        finite = [n for n in lengths if isinstance(n, int)]
        _set(self, "steps", max(finite) if len(finite) == len(lengths) else None)

    def children(self) -> tuple[Child, ...]:
        return tuple(Child(s) for s in self.schedules)

    def formula(self, step: Value, base_lr: Any) -> Value:
        out = self.schedules[0].formula(step, base_lr)
        for factor in self.schedules[1:]:
            out = out * factor.formula(step, 1.0)
        return out

    def __repr__(self) -> str:
        parts = [repr(self.schedules[0])]
        parts += [f"({s!r})" if isinstance(s, scale) else repr(s) for s in self.schedules[1:]]
        return " * ".join(parts)


@dataclass(frozen=True, repr=False)
class scale(Schedule):
    """A schedule times a constant; written ``sched * factor`` or ``factor * sched``.

    .. math:: \\mathrm{lr}(k) = c \\, f(k, b)

    Examples:
        >>> import lrfunc as lf
        >>> (lf.linear(4) * 0.5)(2)
        0.25
    """

    schedule: Schedule = field(metadata=SCHEDULE)
    factor: float = field(metadata=FACTOR)

    def check(self) -> None:
        _set(self, "steps", self.schedule.steps)

    def children(self) -> tuple[Child, ...]:
        return (Child(self.schedule),)

    def formula(self, step: Value, base_lr: Any) -> Value:
        return self.schedule.formula(step, base_lr) * self.factor

    def __repr__(self) -> str:
        return f"{self.schedule!r} * {self.factor!r}"


@dataclass(frozen=True, repr=False)
class clip(Schedule):
    """Bound a schedule from below and/or above.

    ``min`` and ``max`` are factors of ``base_lr``; ``min_lr`` and ``max_lr`` are absolute
    learning rates (a floor like "cosine down to 1e-5").

    .. math:: \\mathrm{lr}(k) = \\min\\bigl(\\max(f(k), \\ell), u\\bigr)

    Examples:
        >>> import lrfunc as lf
        >>> sched = lf.clip(lf.linear(10), min=0.2)
        >>> [sched(k) for k in (0, 5, 9)]
        [1.0, 0.5, 0.2]
        >>> lf.clip(lf.cosine(10), min_lr=1e-5)(10, 3e-4)
        1e-05
    """

    schedule: Schedule = field(metadata=SCHEDULE)
    _: KW_ONLY
    min: float | None = field(default=None, metadata=_OPTIONAL_FACTOR)
    max: float | None = field(default=None, metadata=_OPTIONAL_FACTOR)
    min_lr: float | None = field(default=None, metadata=_OPTIONAL_FACTOR)
    max_lr: float | None = field(default=None, metadata=_OPTIONAL_FACTOR)

    def check(self) -> None:
        if self.min is None and self.max is None and self.min_lr is None and self.max_lr is None:
            raise ParameterValueError(
                "min", "clip needs at least one of min, max, min_lr, max_lr; got none"
            )
        for low, high in (("min", "max"), ("min_lr", "max_lr")):
            lo, hi = getattr(self, low), getattr(self, high)
            if isinstance(lo, float) and isinstance(hi, float) and lo > hi:
                raise ParameterValueError(
                    low, f"{low} must be <= {high}, got {low}={lo!r} and {high}={hi!r}"
                )
        _set(self, "steps", self.schedule.steps)

    def children(self) -> tuple[Child, ...]:
        return (Child(self.schedule),)

    def formula(self, step: Value, base_lr: Any) -> Value:
        out = self.schedule.formula(step, base_lr)
        if self.min is not None:
            out = ops.maximum(out, base_lr * self.min)
        if self.min_lr is not None:
            out = ops.maximum(out, self.min_lr)
        if self.max is not None:
            out = ops.minimum(out, base_lr * self.max)
        if self.max_lr is not None:
            out = ops.minimum(out, self.max_lr)
        return out


@dataclass(frozen=True, repr=False)
class shift(Schedule):
    """Move a schedule later in time by ``by`` updates (earlier when ``by < 0``).

    Before the shifted start it holds its first value.

    .. math:: \\mathrm{lr}(k) = f(\\max(k - d, 0))

    Examples:
        >>> import lrfunc as lf
        >>> sched = lf.shift(lf.linear(4), 2)
        >>> [sched(k) for k in range(7)]
        [1.0, 1.0, 1.0, 0.75, 0.5, 0.25, 0.0]
        >>> lf.shift(lf.linear(4), -2)(0)
        0.5
    """

    schedule: Schedule = field(metadata=SCHEDULE)
    by: int = field(metadata=checked(check_int, steps=True))

    def check(self) -> None:
        inner = self.schedule.steps
        _set(self, "steps", max(inner + self.by, 1) if isinstance(inner, int) else None)

    def children(self) -> tuple[Child, ...]:
        return (Child(self.schedule, start=self.by),)

    def formula(self, step: Value, base_lr: Any) -> Value:
        return self.schedule.formula(ops.maximum(step - self.by, 0), base_lr)


@dataclass(frozen=True, repr=False)
class stretch(Schedule):
    """Scale a schedule's time axis by ``factor`` (2 makes it twice as long).

    .. math:: \\mathrm{lr}(k) = f(k / c)

    Examples:
        >>> import lrfunc as lf
        >>> sched = lf.stretch(lf.linear(4), 2.0)
        >>> sched.steps, sched(4)
        (8, 0.5)
    """

    schedule: Schedule = field(metadata=SCHEDULE)
    factor: float = field(metadata=checked(check_time_scale))

    def check(self) -> None:
        inner, factor = self.schedule.steps, self.factor
        steps = None
        if isinstance(inner, int) and isinstance(factor, float):  # a tensor factor: no length
            steps = check_total("factor", inner * factor, factor)
        _set(self, "steps", steps)

    def children(self) -> tuple[Child, ...]:
        factor = self.factor
        if isinstance(factor, float):
            return (Child(self.schedule, scale=factor),)
        return (Child(self.schedule, timed=False),)

    def formula(self, step: Value, base_lr: Any) -> Value:
        return self.schedule.formula(step / self.factor, base_lr)


@dataclass(frozen=True, repr=False)
class in_epochs(Schedule):
    """A schedule written in epochs, for a loop that steps once per optimizer update.

    ``schedule`` counts epochs (``lf.step(30, gamma=0.1)``: a tenth every 30 epochs);
    the result counts updates, ``steps_per_epoch`` to an epoch. ``held=True`` (the
    default) keeps each epoch's value for all its updates, as a scheduler stepped once
    per epoch does (timm's ``t_in_epochs=True``); ``held=False`` moves within the epoch
    too (the fractional epoch ``k / steps_per_epoch``, as ``stretch``).

    .. math:: \\mathrm{lr}(k) = f\\left(\\lfloor k / s \\rfloor\\right) \\text{ (held)}
        \\quad\\text{or}\\quad f(k / s)

    Args:
        schedule: the schedule in epochs.
        steps_per_epoch: optimizer updates in one epoch (``>= 1``).
        held: hold each epoch's value (``True``) or move continuously (``False``).

    A recipe in epochs (``lf.frac`` lengths) bound to ``N`` updates is bound to
    ``ceil(N / steps_per_epoch)`` epochs.

    Examples:
        >>> import lrfunc as lf
        >>> recipe = lf.in_epochs(lf.chain(lf.warmup(lf.frac(0.1)), lf.cosine(lf.frac(0.9))), 100)
        >>> recipe.bind(3000)
        in_epochs(chain(warmup(3), cosine(27)), 100)
        >>> sched = lf.in_epochs(lf.step(2, gamma=0.5), steps_per_epoch=3)
        >>> [sched(k) for k in range(8)]
        [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.5, 0.5]
        >>> sched = lf.in_epochs(lf.linear(2), steps_per_epoch=4, held=False)
        >>> sched.steps, [sched(k) for k in (0, 2, 4, 6, 8)]
        (8, [1.0, 0.75, 0.5, 0.25, 0.0])
    """

    schedule: Schedule = field(metadata=SCHEDULE)
    steps_per_epoch: int = field(metadata=PERIOD_NOT_STEPS)
    _: KW_ONLY
    held: bool = field(default=True, metadata=BOOL)

    time_unit: ClassVar[str | None] = "steps_per_epoch"

    def check(self) -> None:
        inner, per = self.schedule.steps, self.steps_per_epoch
        steps = None
        if isinstance(inner, int) and isinstance(untyped(per), int):  # a tensor: no length
            steps = check_total("steps_per_epoch", inner * per, per)
        _set(self, "steps", steps)

    def children(self) -> tuple[Child, ...]:
        per = self.steps_per_epoch
        if isinstance(untyped(per), int):  # a tensor (a vmap sweep) cannot be placed
            return (Child(self.schedule, scale=float(per)),)
        return (Child(self.schedule, timed=False),)

    def formula(self, step: Value, base_lr: Any) -> Value:
        epoch = step / self.steps_per_epoch
        return self.schedule.formula(ops.floor(epoch) if self.held else epoch, base_lr)


@dataclass(frozen=True, repr=False)
class repeat(Schedule):
    """Run a finite schedule again and again: a restart every ``schedule.steps`` steps.

    Repetition ``i`` (from 0) is ``mult**i`` times as long as the schedule (time
    stretched) and ``decay**i`` times as high. After ``times`` repetitions the last value
    holds; without ``times`` it repeats forever. Cycle boundaries are exact as in
    :class:`restarts`.

    .. math:: \\mathrm{lr}(k) = \\delta^{i} f\\!\\left(\\frac{(k - S_i)\\, n}{L_i}\\right),
        \\quad S_i = n\\frac{\\mu^i - 1}{\\mu - 1} \\le k < S_{i+1}, \\; L_i = S_{i+1} - S_i

    Args:
        schedule: a finite schedule (``schedule.steps`` is an int).
        times: number of repetitions, then hold; ``None``: forever.
        mult: each repetition is ``mult`` times longer than the one before (``>= 1``).
        decay: each repetition is ``decay`` times as high as the one before (``> 0``).

    Examples:
        >>> import lrfunc as lf
        >>> sched = lf.repeat(lf.chain(lf.warmup(2), lf.cosine(4)), decay=0.5)
        >>> [round(sched(k), 4) for k in range(8)]
        [0.3333, 0.6667, 1.0, 0.8536, 0.5, 0.1464, 0.1667, 0.3333]
        >>> lf.repeat(lf.linear(4), times=2).steps
        8
    """

    schedule: Schedule = field(metadata=checked(check_cycle_shape))
    times: int | None = field(default=None, metadata=CYCLES)
    _: KW_ONLY
    mult: float = field(default=1.0, metadata=MULT)
    decay: float = field(default=1.0, metadata=POSITIVE)

    def check(self) -> None:
        n = self.schedule.steps
        assert isinstance(n, int)  # a finite schedule: checked on the field
        steps = total_steps(n, self.mult, self.times, "times")
        object.__setattr__(self, "steps", steps)

    def formula(self, step: Value, base_lr: Any) -> Value:
        index, local, length = cycle_position(step, self.schedule.steps, self.mult, self.times)
        return in_cycle(self.schedule, local, length, base_lr) * ops.pow(self.decay, index)


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

    schedule: Schedule = field(metadata=FINITE_SCHEDULE)
    k: float = field(metadata=POSITIVE)

    def check(self) -> None:
        object.__setattr__(self, "steps", self.schedule.steps)

    def formula(self, step: Value, base_lr: Any) -> Value:
        n = self.schedule.steps
        assert isinstance(n, int)
        warped = n * ops.pow(progress(step, n), self.k)
        return self.schedule.formula(warped, base_lr)


@dataclass(frozen=True, repr=False)
class cooldown(Schedule):
    """Branch off ``schedule`` at step ``at`` and decay to ``end`` over ``decay`` updates.

    Before ``at`` it is ``schedule``; from ``at`` on it goes from whatever value
    ``schedule`` has at ``at`` down to ``end`` (a factor of ``base_lr``) with the cooldown
    ``shape`` of :class:`wsd`, and holds ``end`` from ``at + decay`` on. This is WSD from
    an arbitrary checkpoint: train with any schedule, pick a step, cool down.

    .. math:: \\mathrm{lr}(k) = \\begin{cases} f(k) & k < a \\\\
        b e + (f(a) - b e)\\, d\\!\\left(\\min(k - a, n_d) / n_d\\right) & k \\ge a
        \\end{cases}

    Args:
        schedule: the schedule to branch off.
        at: the first step of the cooldown (``>= 0``).
        decay: cooldown length (``> 0``); the result's ``steps`` is ``at + decay``.
        shape: ``"linear"``, ``"cosine"``, ``"1-sqrt"`` or ``"poly"``.
        power: exponent of ``shape="poly"`` (default 2).
        end: final factor (``>= 0``).

    Examples:
        >>> import lrfunc as lf
        >>> sched = lf.cooldown(lf.cosine(100), 50, 4)
        >>> [round(sched(k), 4) for k in (49, 50, 51, 52, 54, 99)]
        [0.5157, 0.5, 0.375, 0.25, 0.0, 0.0]
        >>> sched.steps
        54
    """

    schedule: Schedule = field(metadata=SCHEDULE)
    at: int = field(metadata=NONNEGATIVE_INT)
    decay: int = field(metadata=PERIOD)
    _: KW_ONLY
    shape: str = field(default="linear", metadata=checked(choice(*DECAY_SHAPES)))
    power: float | None = field(default=None, metadata=checked(optional(check_positive)))
    end: float = field(default=0.0, metadata=FACTOR)

    def check(self) -> None:
        check_power(self.shape, self.power)
        object.__setattr__(self, "steps", self.at + self.decay)

    def formula(self, step: Value, base_lr: Any) -> Value:
        at, decay = self.at, self.decay
        before = self.schedule.formula(step, base_lr)
        peak = self.schedule.formula(at, base_lr)
        floor = base_lr * self.end
        p = progress(ops.maximum(step - at, 0.0), decay)
        after = floor + (peak - floor) * decay_shape(p, self.shape, self.power)
        # Exactly ``end`` at and after the last step (not one rounding away from it).
        after = ops.where(step < at + decay, after, floor)
        return ops.where(step < at, before, after)


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
    seed: int = field(default=42, metadata=checked(check_seed))
    start: int = field(default=0, metadata=NONNEGATIVE_INT)
    end: int | None = field(default=None, metadata=checked(optional(check_period), steps=True))
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
