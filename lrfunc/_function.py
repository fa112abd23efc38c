"""``from_function``: a schedule whose factor is a user's function of the step.

This is what torch's ``LambdaLR`` does (``lr = base_lr * fn(step)``), so
:func:`lrfunc.from_torch` converts a ``LambdaLR`` into one of these per param group.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass, field
from typing import Any

from . import _ops as ops
from ._ops import Value
from ._schedule import Schedule
from ._validate import ParameterTypeError, check_length, checked, optional

__all__ = ["from_function"]


def _check_callable(name: str, value: Any) -> Any:
    if not callable(value):
        raise ParameterTypeError(
            name, f"{name} must be callable, got {value!r} ({type(value).__name__})"
        )
    return value


@dataclass(frozen=True, repr=False)
class from_function(Schedule):
    """The factor ``fn(step)`` of ``base_lr``, for any function of the step.

    On the number path ``fn`` gets the step as the Python number it was given (an
    ``int`` for an ``int`` step, as torch's ``LambdaLR`` passes it), inside a
    :class:`chain` the piece's local step. On the tensor path ``fn`` gets the step tensor
    (integer steps widened to float64, negative steps as 0) and must work on tensors
    (``lambda k: 0.95 ** k`` does; ``math.exp`` or a Python ``if`` on the step does not):
    what it returns is broadcast and cast like any schedule's result. lrfunc cannot see
    inside ``fn``: the compile, vmap and grad promises hold only as far as ``fn`` keeps
    them.

    With ``steps`` the schedule has that length and past it holds ``fn(steps)``
    (``steps=0``: ``fn(0)`` throughout).

    Two of these are equal when they wrap the same function object; they pickle when
    ``fn`` does (module-level functions do, lambdas do not).

    .. math:: \\mathrm{lr}(k) = b \\, f(\\min(k, n))

    Args:
        fn: the factor as a function of the step.
        steps: optional length; past it the value holds.

    Raises:
        TypeError: ``fn`` is not callable, or ``steps`` is not an int.
        ValueError: a negative ``steps``.

    Examples:
        >>> import torch, lrfunc as lf
        >>> def halve_every_10(k):
        ...     return 0.5 ** (k // 10)
        >>> sched = lf.from_function(halve_every_10)
        >>> sched
        from_function(halve_every_10)
        >>> sched(25, 0.1)
        0.025
        >>> sched(torch.tensor([0, 10, 20]), 1.0)
        tensor([1.0000, 0.5000, 0.2500])
        >>> lf.from_function(lambda k: 1.0 - k / 10, steps=5)(9)
        0.5
    """

    fn: Callable[[Any], Any] = field(metadata=checked(_check_callable))
    _: KW_ONLY
    steps: int | None = field(default=None, metadata=checked(optional(check_length), steps=True))

    def formula(self, step: Value, base_lr: Any) -> Value:
        if self.steps is not None:
            step = ops.minimum(step, self.steps)
        return base_lr * self.fn(step)

    def __repr__(self) -> str:
        name = getattr(self.fn, "__qualname__", None) or repr(self.fn)
        extra = "" if self.steps is None else f", steps={self.steps!r}"
        return f"from_function({name}{extra})"
