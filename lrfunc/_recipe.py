"""Recipes: schedules written with fractions of training, bound to a step count later.

Calling any schedule or combinator with a :class:`~lrfunc.frac` (or with a recipe) gives a
:class:`Recipe` instead of the schedule: the call as it was written, with each argument
that is already a number checked as usual. ``recipe.bind(total_steps)`` replays the call
with every fraction turned into updates (the rule of :func:`lrfunc._fraction.steps_of`)
and gives the ordinary schedule, checked in full; ``lf.Scheduler(opt, recipe,
total_steps=n)`` binds for you. A recipe compares, hashes, pickles, prints, parses and
goes through ``to_config``/``from_config`` like a schedule; evaluating one (or asking its
``steps``) is an :class:`UnboundRecipeError` that says how to bind it.

In a ``chain`` each piece's fractions count from where the fractions before it end (see
``steps_of``), so pieces given as fractions add up exactly. A piece's own extent is its
``steps`` when that is a fraction, the sum over a nested chain, or its longest child's
for a schedule that runs its children on its own time (``product``, ``scale``,
``clip``); a piece with another kind of length (a ``repeat``, a ``cooldown``, a
``stretch``...) does not move the pieces after it.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
from typing import Any, NoReturn

from ._fraction import Unbound, frac, holds, steps_of, total
from ._ops import Value
from ._schedule import Child, Schedule, fields_of, varargs_of
from ._validate import (
    ParameterError,
    ParameterTypeError,
    ParameterValueError,
    check_period,
    counts_steps,
    is_list,
    untyped,
)

__all__ = ["Recipe", "UnboundRecipeError", "recipe_of"]

#: How a recipe becomes a schedule, said by every error about an unbound one.
HOW_TO_BIND = "recipe.bind(total_steps), or lf.Scheduler(optimizer, recipe, total_steps=n)"


class UnboundRecipeError(TypeError):
    """A recipe (lengths as fractions of training) used where a schedule is needed."""


UnboundRecipeError.__module__ = "lrfunc"  # its public home: ``lrfunc.UnboundRecipeError``


@dataclasses.dataclass(frozen=True, repr=False)
class Recipe(Schedule, Unbound):
    """A schedule written with fractions of training (:class:`lrfunc.frac`), not yet bound.

    Built by calling a schedule with a fraction; ``bind(total_steps)`` gives the schedule.
    ``call`` is the call as written: an instance of the schedule's class whose fields hold
    the arguments, fractions and recipes included (it is not a working schedule: only its
    fields, ``repr`` and ``==`` are meant to be read).

    Examples:
        >>> import lrfunc as lf
        >>> recipe = lf.wsd(lf.frac(1.0), warmup=lf.frac(0.05), decay=lf.frac(0.2))
        >>> recipe.bind(1000)
        wsd(1000, warmup=50, decay=200)
        >>> recipe(10)
        Traceback (most recent call last):
        ...
        lrfunc.UnboundRecipeError: wsd(frac(1.0), warmup=frac(0.05), decay=frac(0.2)) has \
lengths given as fractions of training (lf.frac); bind it to the number of updates first: \
recipe.bind(total_steps), or lf.Scheduler(optimizer, recipe, total_steps=n)
    """

    call: Schedule

    def check(self) -> None:
        call = self.call
        written = isinstance(untyped(call), Schedule) and not isinstance(call, Recipe)
        if not written or not holds(getattr(call, f.name) for f in fields_of(call) if f.init):
            raise ParameterTypeError(
                "call",
                "a Recipe is made by giving a schedule a fraction of training "
                f"(lf.cosine(lf.frac(0.9))), not built by hand; got Recipe({call!r:.80})",
            )

    @property
    def steps(self) -> NoReturn:  # a recipe has no length yet: asking is the error
        raise self.unbound("its length depends on the total")

    def unbound(self, why: str = "") -> UnboundRecipeError:
        """The error for using this recipe where a schedule is needed."""
        because = f", so {why}" if why else ""
        return UnboundRecipeError(
            f"{self!r:.300} has lengths given as fractions of training (lf.frac){because}; "
            f"bind it to the number of updates first: {HOW_TO_BIND}"
        )

    def formula(self, step: Value, base_lr: Any) -> Value:
        raise self.unbound()

    def children(self) -> tuple[Child, ...]:
        raise self.unbound()

    def bind(self, total_steps: int) -> Schedule:
        """The schedule with every fraction made a number of updates out of ``total_steps``.

        Raises:
            ValueError: ``total_steps`` is not a positive int, or a bound value fails its
                schedule's checks (the message names the parameter and the binding).
        """
        total = check_period("total_steps", total_steps)
        return _bind(self, total, ())

    def __repr__(self) -> str:
        return repr(self.call)


def recipe_of(kind: type[Schedule], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Recipe:
    """The recipe for ``kind(*args, **kwargs)``, a call that holds fractions or recipes.

    Arguments already known are checked now (a typo surfaces at once); fractions must go
    to parameters that count updates.
    """
    try:
        bound = _signature(kind).bind(*args, **kwargs)
    except TypeError as exc:
        raise TypeError(f"{kind.__name__}(): {exc}") from None
    bound.apply_defaults()
    call = object.__new__(kind)
    varargs = varargs_of(kind)
    for field in fields_of(kind):
        if not field.init:
            continue
        value = bound.arguments[field.name]
        if holds((value,)):
            if not counts_steps(field) and holds((value,), frac):
                raise ParameterTypeError(
                    field.name,
                    f"{kind.__name__}'s {field.name} does not count updates, so it cannot be "
                    f"a fraction of training (lf.frac); got {field.name}={value!r}",
                )
            value = tuple(value) if is_list(value) else value
        elif "check" in field.metadata:
            value = field.metadata["check"](field.name, value)
        elif field.name == varargs:
            value = tuple(value)
        object.__setattr__(call, field.name, value)
    recipe = Recipe(call)
    span = _extent(recipe)
    if span is not None and total(span) > 1:
        raise ParameterValueError(
            varargs or "steps",
            f"the fractions of training in {recipe!r:.200} add up to {float(total(span))!r}, "
            "more than the whole of training (1)",
        )
    return recipe


@functools.cache
def _signature(kind: type[Schedule]) -> inspect.Signature:
    return inspect.signature(kind)


def _extent(value: Any) -> tuple[float, ...] | None:
    """The fractions of training ``value`` spans, as summands (``()``: none; ``None``:
    a recipe whose extent is not a plain sum of its fractions)."""
    if not isinstance(value, Recipe):
        return ()
    call = value.call
    if type(call).sequential:
        pieces = getattr(call, varargs_of(call) or "")
        boundaries = getattr(call, "boundaries", None)
        if boundaries is not None:
            last, rest = boundaries[-1] if boundaries else None, _extent(pieces[-1])
            if not isinstance(last, frac) or rest is None:
                return None
            return (last.fraction, *rest)
        spans = [_extent(piece) for piece in pieces]
        if any(span is None for span in spans):
            return None
        return tuple(f for span in spans if span is not None for f in span)
    steps = getattr(call, "steps", None)
    if isinstance(steps, frac):
        return (steps.fraction,)
    return _widest(call)


def _widest(call: Schedule) -> tuple[float, ...] | None:
    """The extent of a schedule that runs its children on its own time (``product``,
    ``scale``, ``clip``): its longest child's."""
    try:
        children = call.children()
    except (AttributeError, TypeError):  # what check() derives is missing from a call as written
        return None
    if not children or any(c.start != 0 or c.scale != 1 or not c.timed for c in children):
        return None
    spans = [_extent(c.schedule) for c in children]
    known = [span for span in spans if span is not None]
    return max(known, key=total) if len(known) == len(spans) else None


def _piece_starts(call: Schedule, before: tuple[float, ...]) -> list[tuple[float, ...]]:
    """Where each piece of a sequential schedule starts, as the fractions before it."""
    pieces = getattr(call, varargs_of(call) or "")
    boundaries = getattr(call, "boundaries", None)
    starts = [before]
    if boundaries is not None:
        for b in boundaries:
            starts.append((*before, b.fraction) if isinstance(b, frac) else before)
        return starts
    running = before
    for piece in pieces[:-1]:
        running = (*running, *(_extent(piece) or ()))
        starts.append(running)
    return starts


def _bind_value(value: Any, total: int, before: tuple[float, ...]) -> Any:
    if isinstance(value, frac):
        return steps_of(value.fraction, total, before)
    if isinstance(value, Recipe):
        return _bind(value, total, before)
    if isinstance(value, tuple):
        return tuple(_bind_value(v, total, before) for v in value)  # pyright: ignore[reportUnknownVariableType] -- items as written
    return value


def _bind(recipe: Recipe, total: int, before: tuple[float, ...]) -> Schedule:
    call = recipe.call
    kind = type(call)
    varargs = varargs_of(kind)
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = {}
    inner = total  # the total as the inner schedules count time
    if kind.time_unit is not None:
        unit = getattr(call, kind.time_unit)
        if isinstance(unit, int) and unit >= 1:  # else the constructor below says why
            inner = -(-total // unit)
    for field in fields_of(kind):
        if not field.init:
            continue
        value = getattr(call, field.name)
        if field.name == varargs:
            starts = _piece_starts(call, before) if kind.sequential else [before] * len(value)
            args = tuple(_bind_value(v, inner, s) for v, s in zip(value, starts, strict=True))
        elif isinstance(value, Recipe):
            kwargs[field.name] = _bind(value, inner, before if inner == total else ())
        else:
            kwargs[field.name] = _bind_value(value, total, before)
    try:
        return kind(*args, **kwargs)
    except ParameterError as exc:
        message = f"{exc} (in {recipe!r:.200} bound to total_steps={total})"
        raise type(exc)(exc.param, message) from None
