"""Walking a schedule's tree: every walker (plots, joins, the testing assertions) is one
loop over :meth:`Schedule.children`, so a new combinator only has to say its children.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator

from ._schedule import Schedule

__all__ = ["Join", "Placed", "joins", "walk"]


@dataclasses.dataclass(frozen=True)
class Placed:
    """A schedule in a tree, placed on the root's time axis.

    Root step ``k`` in ``[start, end)`` reaches it at its own step ``(k - start) / scale``.
    """

    schedule: Schedule
    start: float = 0.0
    end: float = math.inf
    scale: float = 1.0


@dataclasses.dataclass(frozen=True)
class Join:
    """Where time restarts: ``after`` begins at root step ``step``, following ``before``."""

    step: float
    before: Schedule | None
    after: Schedule


def walk(sched: Schedule, *, limit: int = 10_000) -> Iterator[Placed]:
    """``sched`` and every schedule inside it whose time the root's time reaches affinely,
    depth first, each placed on the root's time axis (at most ``limit`` of them).

    Examples:
        >>> import lrfunc as lf
        >>> [(p.schedule, p.start) for p in lf.walk(lf.shift(lf.chain(lf.warmup(2), lf.cosine(4)), 3))][1:]
        [(chain(warmup(2), cosine(4)), 3.0), (warmup(2), 3.0), (cosine(4), 5.0)]
    """
    stack = [Placed(sched)]
    seen = 0
    while stack and seen < limit:
        here = stack.pop()
        seen += 1
        yield here
        inside: list[Placed] = []
        for child in here.schedule.children():
            if not child.timed:
                continue
            start = here.start + here.scale * child.start
            end = min(here.end, here.start + here.scale * child.end)
            if start < end:
                inside.append(Placed(child.schedule, start, end, here.scale * child.scale))
        stack.extend(reversed(inside))


def joins(sched: Schedule) -> list[Join]:
    """The places where time restarts inside ``sched`` (a ``chain``'s later pieces, a
    ``shift``'s start), on ``sched``'s time axis, in order.

    Examples:
        >>> import lrfunc as lf
        >>> [(j.step, j.after) for j in lf.joins(lf.chain(lf.warmup(2), lf.cosine(4)))]
        [(2.0, cosine(4))]
    """
    found: list[Join] = []
    for placed in walk(sched):
        before: Schedule | None = None
        for child in placed.schedule.children():
            if child.timed and child.start > 0:
                step = placed.start + placed.scale * child.start
                if 0 < step < placed.end:
                    found.append(Join(step, before, child.schedule))
            before = child.schedule
    return sorted(found, key=lambda j: j.step)
