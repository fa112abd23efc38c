"""Lengths as fractions of training: ``frac(0.05)`` is 5% of a total bound later.

Training configs rarely know the number of optimizer updates when the schedule is written
(it depends on the dataset, the batch size, accumulation). Any parameter that counts
updates (a length, a position, an interval: the fields declared with
``checked(..., steps=True)``) also takes a :class:`frac`, and the schedule built with one
is a recipe (:class:`lrfunc.Recipe`) that :meth:`~lrfunc.Schedule.bind` turns into an
ordinary schedule once the total is known.

**The rounding rule**, stated once here (:func:`position`, :func:`steps_of`): a fraction
``f`` of ``N`` updates ends at update ``ceil(f * N)``, the rule of Hugging Face's
``TrainingArguments(warmup_ratio=f).get_warmup_steps(N)``, computed in the same floating
point (so ``0.07`` of 100 is 8, as there). A fraction that comes after other fractions of
the same ``chain`` ends at ``ceil(S * N)``, ``S`` the exact sum of the fractions as
written in decimal (``0.1 + 0.2`` is ``0.3``, not binary's ``0.30000000000000004``; a sum
within ``1e-9`` of 1 is 1), never before the end of the first. A piece takes the updates
between where it starts and where it ends, so the pieces of a chain whose fractions add
up to 1 take exactly ``N`` updates, none of them a negative number.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from numbers import Real
from typing import Any

from ._validate import ParameterTypeError, ParameterValueError, checked, is_list, run_checks

__all__ = ["Unbound", "frac", "holds", "position", "steps_of", "total"]

#: How far a sum of fractions may miss 1 and still be the whole of training: decimal
#: fractions that add up to 1 on paper (three times 1/3, written 0.3333333333333333) do.
SLACK = Fraction(1, 10**9)


class Unbound:
    """A value that needs the total number of updates: a :class:`frac` or a recipe."""

    __slots__ = ()


def _check_fraction(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ParameterTypeError(
            name, f"{name} must be a real number in [0, 1], got {value!r} ({type(value).__name__})"
        )
    number = float(value)
    if not 0.0 <= number <= 1.0:  # NaN fails too
        hint = f"; {number:g}% of training is frac({number / 100:g})" if 1 < number <= 100 else ""
        raise ParameterValueError(
            name, f"{name} must be in [0, 1] (a fraction of training), got {value!r}{hint}"
        )
    return number


@dataclass(frozen=True, repr=False)
class frac(Unbound):
    """A number of optimizer updates given as a fraction of a total bound later.

    Give it to any parameter that counts updates (``steps``, ``warmup``, ``decay``,
    ``boundaries``, ``at``, ``by``, ``every``...). The schedule is then a recipe;
    ``recipe.bind(total_steps)`` or ``lf.Scheduler(opt, recipe, total_steps=n)`` makes it
    an ordinary schedule, rounding with :func:`steps_of` (HF's ``warmup_ratio`` rule).

    Args:
        fraction: the share of training, in ``[0, 1]``.

    Examples:
        >>> import lrfunc as lf
        >>> recipe = lf.chain(lf.warmup(lf.frac(0.03)), lf.cosine(lf.frac(0.97), end=0.1))
        >>> recipe
        chain(warmup(frac(0.03)), cosine(frac(0.97), end=0.1))
        >>> recipe.bind(1001)
        chain(warmup(31), cosine(970, end=0.1))
    """

    fraction: float = field(metadata=checked(_check_fraction))

    def __post_init__(self) -> None:
        run_checks(self)

    def __repr__(self) -> str:
        return f"frac({self.fraction!r})"


def position(fractions: Sequence[float], total_steps: int) -> int:
    """The update where the fractions ``fractions``, one after another, end.

    Examples:
        >>> from lrfunc._fraction import position
        >>> position([0.07], 100)  # 0.07 * 100 is 7.000000000000001 in floating point, as in HF
        8
        >>> position([0.1, 0.2], 10), position([0.1] * 7, 10), position([1 / 3] * 3, 10**15)
        (3, 7, 1000000000000000)
    """
    if not fractions:
        return 0
    first = math.ceil(min(fractions[0], 1.0) * total_steps)  # HF's warmup_ratio rule
    if len(fractions) == 1:
        return first
    return max(first, math.ceil(min(total(fractions), Fraction(1)) * total_steps))


def total(fractions: Iterable[float]) -> Fraction:
    """The exact sum of ``fractions`` as written in decimal (``0.1 + 0.2`` is ``3/10``);
    a sum within :data:`SLACK` of 1 is 1."""
    whole = sum((Fraction(repr(f)) for f in fractions), Fraction(0))
    return Fraction(1) if abs(whole - 1) <= SLACK else whole


def steps_of(fraction: float, total_steps: int, before: Sequence[float] = ()) -> int:
    """The updates that ``fraction`` of ``total_steps`` takes after the fractions ``before``:
    from :func:`position` of ``before`` to that of ``before`` and it.

    Examples:
        >>> from lrfunc._fraction import steps_of
        >>> steps_of(0.03, 1001), steps_of(0.97, 1001, before=[0.03])
        (31, 970)
        >>> [steps_of(0.1, 10, before=[0.1] * i) for i in range(10)]
        [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]
    """
    before = tuple(before)
    return position((*before, fraction), total_steps) - position(before, total_steps)


def holds(values: Iterable[Any], kind: type[Unbound] = Unbound) -> bool:
    """Whether any of ``values`` (or an item of a list or tuple among them) is a ``kind``."""
    for value in values:
        if isinstance(value, kind):
            return True
        if is_list(value) and any(isinstance(item, kind) for item in value):
            return True
    return False
