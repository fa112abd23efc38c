"""``from_torch``: the schedules that reproduce a torch LR scheduler, one per param group.

Converters are registered per scheduler class (exact class, not subclasses: a subclass
may override ``get_lr``). Each returns schedules ``scheds`` such that
``scheds[g](k, optimizer.param_groups[g]["initial_lr"])`` equals torch's lr of group ``g``
after ``k`` calls of ``scheduler.step()``, for a scheduler converted right after it was
built.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from torch.optim.lr_scheduler import LRScheduler

from ._schedule import Schedule

__all__ = ["converter", "from_torch"]

Converter = Callable[[Any], "list[Schedule]"]
_CONVERTERS: dict[type, Converter] = {}

C = TypeVar("C", bound=Converter)


def converter(*classes: type) -> Callable[[C], C]:
    """Register a function converting schedulers of exactly these classes."""

    def register(fn: C) -> C:
        for cls in classes:
            _CONVERTERS[cls] = fn
        return fn

    return register


def from_torch(scheduler: Any) -> list[Schedule]:
    """The schedules reproducing a torch LR scheduler, one per param group.

    Args:
        scheduler: a ``torch.optim.lr_scheduler`` instance, freshly built.

    Returns:
        ``scheds`` with ``scheds[g](k, optimizer.param_groups[g]["initial_lr"])`` equal to
        torch's lr of group ``g`` after ``k`` calls of ``scheduler.step()``.

    Raises:
        TypeError: the scheduler's class has no closed form here (named in the message).
    """
    convert = _CONVERTERS.get(type(scheduler))
    if convert is None:
        kind = "torch LR scheduler" if isinstance(scheduler, LRScheduler) else "object"
        supported = ", ".join(sorted(c.__name__ for c in _CONVERTERS))
        raise TypeError(
            f"from_torch does not support the {kind} {type(scheduler).__qualname__}; "
            f"supported classes: {supported}"
        )
    return convert(scheduler)
