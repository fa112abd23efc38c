"""Looking at a schedule: its values over a range of steps, where its phases switch, and
``plot`` (matplotlib, imported only when called).
"""

from __future__ import annotations

import math
from typing import Any

import torch

from ._schedule import Schedule
from ._tree import joins, walk
from ._validate import MAX_STEPS, untyped

__all__ = ["INSTALL_HINT", "plot", "sample", "switches"]

#: How to get matplotlib, the optional extra that draws pictures.
INSTALL_HINT = "pip install 'lrfunc[plot]'"

#: Most points ``plot`` draws; longer ranges are sampled (keeping the switch points).
MAX_POINTS = 20_000


def sample(sched: Schedule, steps: list[int], base_lr: float = 1.0) -> list[float]:
    """``sched(k, base_lr)`` for each ``k`` in ``steps``, computed as one tensor."""
    if not steps:
        return []
    values = sched(
        torch.tensor(steps, dtype=torch.float64), torch.tensor(base_lr, dtype=torch.float64)
    )
    return [float(v) for v in values.tolist()]


def switches(sched: Schedule, *, limit: int = 64) -> list[int]:
    """Global steps where a phase of ``sched`` starts or ends, ascending.

    The joins of the tree (:func:`lrfunc.joins`) and the end of every finite schedule in
    it, placed on ``sched``'s time axis (:func:`lrfunc.walk`).
    """
    found: set[float] = {join.step for join in joins(sched)}
    for placed in walk(sched, limit=limit * 4):
        steps = placed.schedule.steps
        if isinstance(steps, int):
            found.add(placed.start + placed.scale * steps)
    return sorted({round(k) for k in found if 0 < k < math.inf})[:limit]


def plot(
    sched: Schedule,
    steps: int | None = None,
    ax: Any = None,
    base_lr: float = 1.0,
    **kwargs: Any,
) -> Any:
    """Draw ``sched`` from step 0 to ``steps`` on matplotlib axes (needs ``lrfunc[plot]``).

    Args:
        sched: the schedule.
        steps: last step drawn; default ``sched.steps``. A recipe (lengths as
            fractions of training) is bound to it.
        ax: the axes to draw on; default the current axes of ``matplotlib.pyplot``.
        base_lr: the learning rate the factors multiply.
        **kwargs: passed to ``ax.plot`` (default label: ``repr(sched)``).

    Returns:
        The matplotlib ``Axes``.

    Raises:
        ValueError: no ``steps`` for a schedule that never ends.
        ModuleNotFoundError: matplotlib is not installed (the message says how to
            install it).

    Examples:
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import lrfunc as lf
        >>> ax = lf.plot(lf.chain(lf.warmup(10), lf.cosine(90)), base_lr=3e-4)
        >>> ax.get_lines()[-1].get_xydata()[[0, -1]].tolist()
        [[0.0, 2.727272727272727e-05], [100.0, 0.0]]
        >>> ax = lf.plot(lf.chain(lf.warmup(lf.frac(0.1)), lf.cosine(lf.frac(0.9))), 100)
        >>> ax.get_lines()[-1].get_label()
        'chain(warmup(10), cosine(90))'
    """
    steps = resolve_steps(sched, steps)
    sched = sched.bind(steps)
    if ax is None:
        try:
            import matplotlib.pyplot as plt
        except ModuleNotFoundError as exc:
            raise ModuleNotFoundError(
                f"lf.plot needs matplotlib: {INSTALL_HINT}", name=exc.name
            ) from exc

        ax = plt.gca()
    xs = points(sched, steps)
    kwargs.setdefault("label", repr(sched))
    ax.plot(xs, sample(sched, xs, base_lr), **kwargs)
    ax.set_xlabel("step")
    ax.set_ylabel("learning rate" if base_lr != 1.0 else "factor of base_lr")
    return ax


def resolve_steps(sched: Schedule, steps: int | None) -> int:
    """``steps``, or the schedule's own length."""
    if steps is None:
        if sched.steps is None:
            raise ValueError(f"{sched!r} never ends: give the number of steps to show")
        return sched.steps
    if isinstance(steps, bool) or not isinstance(untyped(steps), int) or steps <= 0:
        raise ValueError(f"steps must be a positive int, got {steps!r}")
    if steps > MAX_STEPS:  # past it, float64 steps are rounded (and 10**400 overflows)
        raise ValueError(f"steps must be <= 2**53, got {steps!r}")
    return steps


def points(sched: Schedule, steps: int) -> list[int]:
    """Steps 0..``steps``, thinned to about ``MAX_POINTS`` keeping each side of a switch."""
    if steps < MAX_POINTS:
        return list(range(steps + 1))
    stride = steps / MAX_POINTS
    chosen = {round(i * stride) for i in range(MAX_POINTS + 1)}
    for k in switches(sched):
        chosen.update(j for j in (k - 1, k) if 0 <= j <= steps)
    return sorted(chosen)
