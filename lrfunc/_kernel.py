"""``Kernel``: a schedule's formula in the card's form ``(step, base_lr, **params) -> lr``."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Generic, ParamSpec

from ._ops import Value
from ._step import evaluate

__all__ = ["Kernel", "kernel"]

P = ParamSpec("P")


class Kernel(Generic[P]):
    """A formula callable as ``kernel(step, base_lr=1.0, **params)``.

    Calling it applies the step convention of :mod:`lrfunc._step` (number path checks,
    tensor-step widening, result dtype) around the formula. ``kernel.raw`` is the bare
    formula, which schedules and combinators call with an already-normalised step.
    """

    def __init__(self, raw: Callable[..., Value]) -> None:
        self.raw = raw
        functools.update_wrapper(self, raw)

    def __call__(self, step: Any, base_lr: Any = 1.0, *args: P.args, **params: P.kwargs) -> Any:
        return evaluate(lambda s, b: self.raw(s, b, *args, **params), step, base_lr)

    def __repr__(self) -> str:
        return f"<kernel lrfunc.functional.{self.raw.__name__}>"


def kernel(raw: Callable[P, Value]) -> Kernel[Any]:
    """Decorate a formula ``raw(step, base_lr, *, **params)`` as a public kernel."""
    return Kernel(raw)
