"""The ``Schedule`` type: an immutable value that maps a step to a learning rate.

A schedule is defined once, as a frozen dataclass: its fields are its parameters (each
field declares its check in its metadata, see :mod:`lrfunc._validate`), its docstring
holds the closed form and the examples, and its :meth:`Schedule.formula` is the one
formula, shared by the number path and the tensor path through :mod:`lrfunc._ops`. The
kernel of the same name in :mod:`lrfunc.functional` is derived from the class.

This base gives every schedule the call convention (see :mod:`lrfunc._step`), a ``repr``
that reads like the expression that built it, its place in the tree (:meth:`children`)
and the arithmetic that composes schedules (``a * b``, ``a * 0.5``).
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import math
from numbers import Real
from typing import TYPE_CHECKING, Any, ClassVar, cast

import torch

from ._fraction import Unbound, holds
from ._ops import Tensor, Value
from ._step import evaluate
from ._validate import check_period, did_you_mean, is_tuple, run_checks

__all__ = ["Child", "Schedule", "format_value"]


def format_value(value: Any) -> str:
    """One parameter value as it is written in an expression (tuples as lists)."""
    if is_tuple(value):
        return "[" + ", ".join(format_value(v) for v in value) + "]"
    return repr(value)


def fields_of(sched: Schedule | type[Schedule]) -> tuple[dataclasses.Field[Any], ...]:
    """``dataclasses.fields`` of a schedule (class): every concrete schedule is a
    dataclass, though ``Schedule`` itself is not declared one."""
    return dataclasses.fields(cast(Any, sched))


def varargs_of(sched: Schedule | type[Schedule]) -> str | None:
    """The field that takes a schedule's ``*args`` (``None``: it takes none)."""
    return getattr(sched, "_varargs", None)  # None for a value class such as frac


def differs(value: Any, default: Any) -> bool:
    if isinstance(value, Tensor) or isinstance(default, Tensor):
        return True
    return bool(value != default) or type(value) is not type(default)


@dataclasses.dataclass(frozen=True)
class Child:
    """A schedule inside another, and how the parent's time reaches it.

    For parent steps ``k`` in ``[start, end)`` the child is evaluated at its own step
    ``(k - start) / scale``. ``timed=False`` says the parent reaches the child through
    some other map of time (a restart, a warp, a cooldown's branch point): walkers still
    see the child, but cannot place its joins on the parent's time axis.

    Examples:
        >>> import lrfunc as lf
        >>> [(c.schedule, c.start, c.end) for c in lf.chain(lf.warmup(5), lf.cosine(10)).children()]
        [(warmup(5), 0, 5), (cosine(10), 5, inf)]
    """

    schedule: Schedule
    start: float = 0
    end: float = math.inf
    scale: float = 1.0
    timed: bool = True


class Schedule:
    """A learning-rate schedule: ``sched(step, base_lr=1.0) -> lr``.

    Schedules are immutable values: hashable, equal when built the same, picklable, and
    their ``repr`` is the expression that rebuilds them. ``sched.steps`` is the length of a
    finite schedule (past it the last value holds) or ``None`` when it never ends.

    Calling a schedule with a Python number gives a Python float, computed with
    :mod:`math`; calling it with a tensor gives a tensor on the same device, computed
    branch-free (no host sync), broadcast with ``base_lr``.

    **Writing your own.** Subclass ``Schedule`` as a frozen dataclass, declare the
    parameters as fields (a check in a field's metadata, e.g. ``metadata=lf.checks.FACTOR``,
    runs at construction), and write :meth:`formula` with the helpers of
    :mod:`lrfunc.ops` so that it works on numbers and on tensors. Set ``steps`` (a field,
    a class attribute or a property) when the schedule has a length. See
    ``CONTRIBUTING.md`` and ``docs/testing.md``.

    Examples:
        >>> import torch, lrfunc as lf
        >>> sched = lf.chain(lf.warmup(4), lf.cosine(6))
        >>> round(sched(2, 0.1), 12)
        0.06
        >>> sched(torch.tensor([0, 4, 100]), 0.1)
        tensor([0.0200, 0.1000, 0.0000])
        >>> sched.steps
        10
    """

    if TYPE_CHECKING:
        # Each schedule sets it: a dataclass field, a class attribute, or in check().
        steps: int | None

    #: Name of a field that holds positional ``*args`` (``chain(*schedules)``), if any.
    _varargs: ClassVar[str | None] = None
    #: Whether the ``*args`` run one after another (``chain``): binding a recipe counts
    #: each piece's fractions of training from where the pieces before it end.
    sequential: ClassVar[bool] = False
    #: The field that says how many updates one unit of the inner schedules' time is
    #: (``in_epochs``: ``steps_per_epoch``): a recipe inside is bound to the total in
    #: those units.
    time_unit: ClassVar[str | None] = None

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        # A misspelt keyword gets a hint ("did you mean 'end'?") instead of the bare
        # TypeError of the generated __init__.
        # Not while compiling: the hint is for people at a prompt, and Dynamo traces plainly.
        known = None if torch.compiler.is_compiling() else _parameters(cls)
        for keyword in kwargs:
            if known is not None and keyword not in known:
                raise TypeError(
                    f"{cls.__name__}() got an unexpected keyword argument {keyword!r}"
                    f"{did_you_mean(keyword, sorted(known))}"
                )
        if not issubclass(cls, Unbound) and (holds(args) or holds(kwargs.values())):
            # A length given as a fraction of training (lf.frac): the call is kept as a
            # recipe, to be bound to the number of updates later (see lrfunc._recipe).
            from ._recipe import recipe_of

            return recipe_of(cls, args, kwargs)
        return super().__new__(cls)

    def __post_init__(self) -> None:
        run_checks(self)
        self.check()

    def check(self) -> None:
        """Rules that relate several fields (the fields' own checks have run already).

        Raise :class:`lrfunc.ParameterValueError` naming the parameter to blame.
        """

    def bind(self, total_steps: int) -> Schedule:
        """This schedule for a run of ``total_steps`` updates: its fractions of training
        (:class:`lrfunc.frac`) made numbers of updates.

        A recipe (a schedule written with fractions) becomes an ordinary schedule, each
        fraction rounded up to whole updates by the one rule of :mod:`lrfunc._fraction`
        (Hugging Face's ``warmup_ratio`` for a lone fraction; a ``chain``'s pieces add
        up exactly); an ordinary schedule is returned as it is.

        Args:
            total_steps: the number of optimizer updates of the run (``>= 1``).

        Raises:
            ValueError: ``total_steps`` not a positive int, or a bound value out of its
                schedule's range (a fraction too small for a length that must be >= 1).

        Examples:
            >>> import lrfunc as lf
            >>> recipe = lf.chain(lf.warmup(lf.frac(0.05)), lf.cosine(lf.frac(0.95), end=0.1))
            >>> recipe.bind(1000)
            chain(warmup(50), cosine(950, end=0.1))
            >>> lf.cosine(100).bind(1000)
            cosine(100)
        """
        check_period("total_steps", total_steps)
        return self

    def formula(self, step: Value, base_lr: Any) -> Value:
        """The schedule's formula, for a step already put through the step convention.

        ``step`` is a Python number ``>= 0`` (number path) or a float tensor with no
        negative values (tensor path); ``base_lr`` is a number or a tensor. Write it once
        with :mod:`lrfunc.ops` (``ops.where``, ``ops.minimum``, ``ops.cos``...), which use
        :mod:`math` on numbers and branch-free torch ops on tensors. Combinators call their
        children's ``formula`` with local time.
        """
        raise NotImplementedError(f"{type(self).__name__} does not define formula()")

    def children(self) -> tuple[Child, ...]:
        """The schedules inside this one, each with how this schedule's time reaches it.

        By default every field that holds a schedule (or a tuple of schedules) is a child
        reached through a map of time that walkers cannot follow (``timed=False``);
        combinators that move time affinely (``chain``, ``shift``, ``stretch``) or not at
        all (``product``, ``scale``, ``clip``) say so.
        """
        found: list[Child] = []
        for field in fields_of(self):
            value = getattr(self, field.name)
            for item in value if is_tuple(value) else (value,):
                if isinstance(item, Schedule):
                    found.append(Child(item, timed=False))
        return tuple(found)

    def __call__(self, step: Any, base_lr: Any = 1.0) -> Any:
        """The learning rate used by the ``step``-th optimizer update (counting from 0).

        Args:
            step: updates already made; a Python number (finite, ``>= 0``) or a tensor
                of any shape (negative values act as 0).
            base_lr: the learning rate the schedule's factors multiply; a number or a
                tensor that broadcasts with ``step``.

        Returns:
            A Python float for a number ``step`` and ``base_lr``, else a tensor.

        Raises:
            ValueError: a number ``step`` that is negative, NaN or infinite, or a
                negative or non-finite number ``base_lr``.
            TypeError: a ``step`` that is neither a real number nor a tensor.
        """
        return evaluate(self.formula, step, base_lr)

    # -- composition -------------------------------------------------------------------

    def __mul__(self, other: object) -> Schedule:
        from ._combinators import product, scale

        if isinstance(other, Schedule):
            return product(self, other)
        if not isinstance(other, bool) and isinstance(other, Real):
            return scale(self, float(other))
        return NotImplemented

    def __rmul__(self, other: object) -> Schedule:
        if isinstance(other, Schedule):
            return other.__mul__(self)
        return self.__mul__(other)

    # -- display -----------------------------------------------------------------------

    def __repr__(self) -> str:
        parts: list[str] = []
        for field in fields_of(self):
            value = getattr(self, field.name)
            if field.name == self._varargs:
                parts.extend(format_value(v) for v in value)
            elif not field.kw_only:
                parts.append(format_value(value))
            elif field.default is dataclasses.MISSING or differs(value, field.default):
                parts.append(f"{field.name}={format_value(value)}")
        return f"{type(self).__name__}({', '.join(parts)})"


@functools.cache
def _parameters(cls: type[Any]) -> frozenset[str] | None:  # cached: a construction asks it
    """The keywords a schedule class's constructor takes (``None``: it takes any)."""
    if dataclasses.is_dataclass(cls):
        return frozenset(f.name for f in dataclasses.fields(cls) if f.init)
    params = inspect.signature(cls.__init__).parameters.values()
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params):
        return None
    return frozenset(p.name for p in params)
