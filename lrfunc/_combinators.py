"""Combinators: schedules built from schedules.

``chain`` runs pieces one after another, each in its own local time; ``product`` and
``scale`` multiply; ``clip`` bounds; ``shift`` and ``stretch`` move and scale time. Each
is a small frozen class, so compositions pickle, compare and show their structure.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import KW_ONLY, dataclass, field
from typing import Any, ClassVar

from . import _ops as ops
from ._ops import Tensor, Value
from ._schedule import Child, Schedule
from ._validate import (
    FACTOR,
    POSITIVE,
    SCHEDULE,
    SCHEDULES,
    ParameterValueError,
    check_boundaries,
    check_factor,
    check_int,
    checked,
    optional,
)

__all__ = ["chain", "clip", "product", "scale", "shift", "stretch"]


def _set(obj: object, name: str, value: Any) -> None:
    """Store a value derived at construction (``steps``, ``starts``) on a frozen schedule."""
    object.__setattr__(obj, name, value)


_OPTIONAL_FACTOR = checked(optional(check_factor))


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
        default=None, metadata=checked(optional(check_boundaries))
    )

    _varargs: ClassVar[str | None] = "schedules"
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
        _set(self, "steps", max(lengths) if all(isinstance(n, int) for n in lengths) else None)  # type: ignore[type-var]

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
    by: int = field(metadata=checked(check_int))

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
    factor: float = field(metadata=POSITIVE)

    def check(self) -> None:
        inner = self.schedule.steps
        fits = isinstance(inner, int) and isinstance(self.factor, float)
        _set(self, "steps", math.ceil(inner * self.factor) if fits else None)  # type: ignore[operator]

    def children(self) -> tuple[Child, ...]:
        factor = self.factor
        if isinstance(factor, float):
            return (Child(self.schedule, scale=factor),)
        return (Child(self.schedule, timed=False),)

    def formula(self, step: Value, base_lr: Any) -> Value:
        return self.schedule.formula(step / self.factor, base_lr)
