"""The stateless form of ``Scheduler``: :func:`base_values` and :func:`apply_schedules`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from torch.optim import Optimizer

from ._plan import Schedules, base, normalise, read
from ._write import write

__all__ = ["apply_schedules", "base_values"]


def base_values(optimizer: Optimizer, schedules: Schedules) -> dict[str, list[Any]]:
    """The base values of the hyperparameters that ``schedules`` drive, read once.

    Tensors are cloned (they never alias the optimizer's), numbers become floats, and an
    ``"lr"`` takes torch's ``initial_lr`` where a scheduler has recorded one.

    Args:
        optimizer: the optimizer whose param groups hold the values.
        schedules: as for :class:`Scheduler`.

    Returns:
        ``{key: [base value or None for each param group]}``, for :func:`apply_schedules`.

    Examples:
        >>> import torch, lrfunc as lf
        >>> opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.5)
        >>> lf.base_values(opt, lf.cosine(10))
        {'lr': [0.5]}
    """
    groups = optimizer.param_groups
    return {
        key.key: [None if s is None else base(groups[g], key, g) for g, s in enumerate(per)]
        for key, per in normalise(schedules, len(groups)).items()
    }


def apply_schedules(
    optimizer: Optimizer,
    schedules: Schedules,
    step: Any,
    base_values: Mapping[str, Sequence[Any]],
) -> None:
    """Write ``sched(step, base)`` into every scheduled hyperparameter of ``optimizer``.

    The stateless form of :class:`Scheduler`, for hand-written (compiled) loops: keep the
    step in a tensor, read the bases once with :func:`base_values`, and call this before
    each ``optimizer.step()``. With a tensor ``step`` every scheduled hyperparameter must be
    a tensor; it is updated in place, so the call does no host sync and traces with
    ``torch.compile(fullgraph=True)``.

    Args:
        optimizer: the optimizer to update.
        schedules: as for :class:`Scheduler`.
        step: updates already made: a Python int, or an integer tensor.
        base_values: from :func:`base_values`.

    Raises:
        TypeError: a tensor ``step`` with a float hyperparameter.
        ValueError: ``base_values`` that do not match ``schedules``.

    Examples:
        >>> import torch, lrfunc as lf
        >>> opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=torch.tensor(0.5))
        >>> sched = lf.linear(4)
        >>> base = lf.base_values(opt, sched)
        >>> lf.apply_schedules(opt, sched, torch.tensor(2), base)
        >>> opt.param_groups[0]["lr"]
        tensor(0.2500)
    """
    groups = optimizer.param_groups
    for key, per in normalise(schedules, len(groups)).items():
        bases = base_values.get(key.key)
        if bases is None or len(bases) != len(groups):
            raise ValueError(
                f"base_values has no entry for {key.key!r} with one value per param group; "
                "make it with lf.base_values(optimizer, schedules)"
            )
        for g, sched in enumerate(per):
            if sched is not None:
                read(groups[g], key, g)  # the checks, with their messages
                write(groups[g], key.name, key.member, sched(step, bases[g]))
