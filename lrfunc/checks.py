"""Declared parameter checks, for the fields of a schedule (built-in or your own).

Put a check in a dataclass field's metadata; ``Schedule.__post_init__`` runs every
declared check at construction and stores the value it returns (normalised: an integral
float length becomes an int, a list becomes a tuple). A failure raises
:class:`lrfunc.ParameterValueError` or :class:`lrfunc.ParameterTypeError`, whose
``param`` names the field (and the index of an item).

A field that counts optimizer updates (``LENGTH``, ``PERIOD``, ``NONNEGATIVE_INT``,
``BOUNDARIES``, or ``checked(check, steps=True)``) also takes a fraction of training,
``lf.frac(f)``: the schedule is then a recipe, checked in full when it is bound.

Examples:
    >>> from dataclasses import dataclass, field
    >>> import lrfunc as lf
    >>> from lrfunc import checks, ops
    >>> @dataclass(frozen=True, repr=False)
    ... class halving(lf.Schedule):
    ...     every: int = field(metadata=checks.PERIOD)
    ...     steps = None
    ...     def formula(self, step, base_lr):
    ...         return base_lr * ops.pow(0.5, ops.floor(step / self.every))
    >>> halving(10)(25, 1.0)
    0.25
    >>> halving(0)
    Traceback (most recent call last):
    ...
    lrfunc.ParameterValueError: every must be a positive int, got 0
    >>> halving(lf.frac(0.1)).bind(200)
    halving(20)
"""

from ._validate import BOOL as BOOL
from ._validate import BOUNDARIES as BOUNDARIES
from ._validate import FACTOR as FACTOR
from ._validate import FACTORS as FACTORS
from ._validate import FINITE_SCHEDULE as FINITE_SCHEDULE
from ._validate import LENGTH as LENGTH
from ._validate import NONNEGATIVE_INT as NONNEGATIVE_INT
from ._validate import PERIOD as PERIOD
from ._validate import POSITIVE as POSITIVE
from ._validate import SCHEDULE as SCHEDULE
from ._validate import SCHEDULES as SCHEDULES
from ._validate import checked as checked
from ._validate import choice as choice
from ._validate import optional as optional
from ._validate import real as real

__all__ = [
    "BOOL",
    "BOUNDARIES",
    "FACTOR",
    "FACTORS",
    "FINITE_SCHEDULE",
    "LENGTH",
    "NONNEGATIVE_INT",
    "PERIOD",
    "POSITIVE",
    "SCHEDULE",
    "SCHEDULES",
    "checked",
    "choice",
    "optional",
    "real",
]
