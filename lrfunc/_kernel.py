"""``Kernel``: a schedule in the card's form ``(step, base_lr, **params) -> lr``.

A kernel is derived from its schedule class, so the two cannot drift:
``lf.functional.cosine(step, base_lr, steps=n, end=e)`` is ``lf.cosine(n, end=e)(step,
base_lr)``, with the class's parameters, defaults, checks and formula.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable
from typing import Any, Generic, ParamSpec

from ._schedule import Schedule

__all__ = ["Kernel", "kernel"]

P = ParamSpec("P")


class Kernel(Generic[P]):
    """A schedule class called as ``kernel(step, base_lr=1.0, **params)``.

    The parameters are the schedule's (type-checked against its constructor), and so are
    the defaults, the checks (``ValueError`` naming the parameter) and the formula.
    """

    def __init__(self, schedule: Callable[P, Schedule]) -> None:
        self.schedule = schedule
        self.__name__ = self.__qualname__ = getattr(schedule, "__name__", "kernel")
        self.__module__ = "lrfunc.functional"
        doc = inspect.getdoc(schedule)
        self.__doc__ = (
            (
                f"``lrfunc.{self.__name__}`` in the card's form: "
                f"``{self.__name__}(step, base_lr, **params)`` is "
                f"``lrfunc.{self.__name__}(**params)(step, base_lr)``.\n\n" + doc
            )
            if doc
            else None
        )
        self.__signature__ = _signature(schedule)

    def __call__(self, step: Any, base_lr: Any = 1.0, *args: P.args, **params: P.kwargs) -> Any:
        return self.schedule(*args, **params)(step, base_lr)

    def __repr__(self) -> str:
        return f"<kernel lrfunc.functional.{self.__name__}>"


def _signature(schedule: Any) -> inspect.Signature:
    """``(step, base_lr=1.0, *, <the schedule's parameters>)``."""
    head = [
        inspect.Parameter("step", inspect.Parameter.POSITIONAL_OR_KEYWORD),
        inspect.Parameter("base_lr", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=1.0),
    ]
    params = [
        inspect.Parameter(
            f.name,
            inspect.Parameter.KEYWORD_ONLY,
            default=inspect.Parameter.empty if f.default is dataclasses.MISSING else f.default,
        )
        for f in dataclasses.fields(schedule)
        if f.init and f.name != "_"
    ]
    return inspect.Signature(head + params)


def kernel(schedule: Callable[P, Schedule]) -> Kernel[P]:
    """The kernel of a schedule class (see :class:`Kernel`)."""
    return Kernel(schedule)
