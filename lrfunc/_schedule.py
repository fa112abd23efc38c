"""The ``Schedule`` type: an immutable value that maps a step to a learning rate.

Concrete schedules are frozen dataclasses whose fields are their parameters. This base
gives them the call convention (see :mod:`lrfunc._step`), a ``repr`` that reads like the
expression that built them, and the arithmetic that composes them (``a * b``,
``a * 0.5``).
"""

from __future__ import annotations

import dataclasses
import functools
import types
from collections.abc import Callable
from numbers import Real
from typing import TYPE_CHECKING, Any, ClassVar

import torch

from ._kernel import Kernel
from ._ops import Tensor, Value
from ._step import evaluate

__all__ = ["KernelSchedule", "Schedule", "format_value"]


def format_value(value: Any) -> str:
    """One parameter value as it is written in an expression (tuples as lists)."""
    if isinstance(value, tuple):
        return "[" + ", ".join(format_value(v) for v in value) + "]"  # type: ignore[misc]
    return repr(value)


def _differs(value: Any, default: Any) -> bool:
    if isinstance(value, Tensor) or isinstance(default, Tensor):
        return True
    return bool(value != default) or type(value) is not type(default)


class Schedule:
    """A learning-rate schedule: ``sched(step, base_lr=1.0) -> lr``.

    Schedules are immutable values: hashable, equal when built the same, picklable, and
    their ``repr`` is the expression that rebuilds them. ``sched.steps`` is the length of a
    finite schedule (past it the last value holds) or ``None`` when it never ends.

    Calling a schedule with a Python number gives a Python float, computed with
    :mod:`math`; calling it with a tensor gives a tensor on the same device, computed
    branch-free (no host sync), broadcast with ``base_lr``.

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
        # Each schedule sets it: a dataclass field, a ClassVar None, or at construction.
        steps: int | None

    #: Name of a field that holds positional ``*args`` (``chain(*schedules)``), if any.
    _varargs: ClassVar[str | None] = None

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
        return evaluate(self._eval, step, base_lr)

    def _eval(self, step: Value, base_lr: Any) -> Value:
        """The formula, for a step already put through the step convention."""
        raise NotImplementedError

    # -- composition -------------------------------------------------------------------

    def __mul__(self, other: object) -> Schedule:
        from ._combinators import product, scale

        if isinstance(other, Schedule):
            return product(self, other)
        if isinstance(other, Real) and not isinstance(other, bool):
            return scale(self, float(other))
        return NotImplemented

    def __rmul__(self, other: object) -> Schedule:
        if isinstance(other, Schedule):
            return other.__mul__(self)
        return self.__mul__(other)

    # -- display -----------------------------------------------------------------------

    def __repr__(self) -> str:
        parts: list[str] = []
        for field in dataclasses.fields(self):  # type: ignore[arg-type]
            value = getattr(self, field.name)
            if field.name == self._varargs:
                parts.extend(format_value(v) for v in value)
            elif not field.kw_only:
                parts.append(format_value(value))
            elif field.default is dataclasses.MISSING or _differs(value, field.default):
                parts.append(f"{field.name}={format_value(value)}")
        return f"{type(self).__name__}({', '.join(parts)})"


class KernelSchedule(Schedule):
    """A schedule that binds its dataclass fields as the keyword parameters of a kernel.

    Subclasses are frozen dataclasses that name their kernel in ``_kernel`` and check and
    normalise their fields in ``_check`` (called once, at construction).
    """

    _kernel: ClassVar[Kernel[Any]]

    def __post_init__(self) -> None:
        self._check()
        params = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}  # type: ignore[arg-type]
        object.__setattr__(self, "_params", params)
        object.__setattr__(self, "_formula", _bind(self._kernel.raw, params))

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        del state["_formula"]  # a function made here: rebuilt on load
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        object.__setattr__(self, "_formula", _bind(self._kernel.raw, self._params))  # type: ignore[attr-defined]

    def _check(self) -> None:
        """Validate and normalise the fields (with :meth:`_set`)."""

    def _set(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)

    def _eval(self, step: Value, base_lr: Any) -> Value:
        return self._formula(step, base_lr)  # type: ignore[attr-defined]


def _bind(raw: Callable[..., Value], params: dict[str, Any]) -> Callable[[Any, Any], Value]:
    """``raw`` with ``params`` bound: ``f(step, base_lr) == raw(step, base_lr, **params)``.

    A plain formula gets them as keyword defaults of a copy of the function (same code):
    a call then unpacks no ``**params`` dict, a third of a small schedule's number-path
    cost. Anything else, and a schedule built inside a compiled function (Dynamo cannot
    make functions), gets a ``functools.partial``.
    """
    if isinstance(raw, types.FunctionType) and not torch.compiler.is_compiling():
        code = raw.__code__
        keyword_only = code.co_varnames[
            code.co_argcount : code.co_argcount + code.co_kwonlyargcount
        ]
        if code.co_argcount == 2 and set(params) <= set(keyword_only):
            bound = types.FunctionType(
                code, raw.__globals__, raw.__name__, raw.__defaults__, raw.__closure__
            )
            bound.__kwdefaults__ = {**(raw.__kwdefaults__ or {}), **params}
            bound.__qualname__ = raw.__qualname__
            return bound
    return functools.partial(raw, **params)
