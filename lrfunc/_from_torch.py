"""``from_torch``: the schedules that reproduce a torch LR scheduler, one per param group.

Converters are registered per scheduler class (exact class, not subclasses: a subclass
may override ``get_lr``). Each returns schedules ``scheds`` such that
``scheds[g](k, optimizer.param_groups[g]["initial_lr"])`` equals torch's lr of group ``g``
after ``k`` calls of ``scheduler.step()``, for a scheduler converted right after it was
built.

torch's schedulers update ``group["lr"]`` recursively (each step multiplies the current
lr by a ratio). The closed forms here equal those recursions, quirks included:

- ``CosineAnnealingLR`` does not stop at ``T_max``: the lr rises back to the base over
  the next ``T_max`` steps, and so on (:class:`lrfunc.cosine_wave`). ``eta_min`` is an
  absolute lr (``end_lr``), so a group with ``initial_lr == 0`` still rises to it.
- ``MultiStepLR`` counts a repeated milestone once per repetition; a milestone 0 applies
  at construction.
- ``ConstantLR`` / ``LinearLR`` / ``PolynomialLR`` with ``total_iters=0`` hold their
  first value (``factor``, ``start_factor``, 1) forever.
- ``SequentialLR`` starts each later child at its milestone through the child's closed
  form at epoch 0 (not its constructor's step), which differs for ``MultiStepLR`` with
  milestones <= 0 and ``ConstantLR(total_iters=0)``; children whose range is empty
  (repeated milestones, milestones <= 0) never run.
- ``ChainedScheduler`` is a product only while every child's update is a ratio. A
  ``LambdaLR`` (like ``OneCycleLR``, ``CyclicLR`` and ``CosineAnnealingWarmRestarts``)
  overwrites the lr each step; a ``CosineAnnealingLR`` with ``eta_min != 0``
  is affine, and past ``T_max`` it restarts from ``base_lr``, dropping the other
  children's factors accumulated so far. Those cases are reproduced where the result
  has a closed form and rejected with a ``ValueError`` that says why otherwise.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable
from numbers import Real
from typing import Any, TypeVar

from torch.optim import lr_scheduler as tls
from torch.optim.lr_scheduler import LRScheduler
from torch.optim.swa_utils import SWALR

from ._basic import constant, exp, linear, multistep, piecewise_constant, poly, step
from ._combinators import chain, product
from ._decays import interpolate
from ._function import from_function
from ._schedule import Schedule
from ._wave import cosine_wave

__all__ = ["converter", "from_torch"]

Converter = Callable[[Any], "list[Schedule]"]
_CONVERTERS: dict[type[Any], Converter] = {}
#: Conversions of a child that ``SequentialLR`` starts at a milestone (closed form at
#: epoch 0), where that differs from a freshly built scheduler.
_RESTARTED: dict[type[Any], Converter] = {}

C = TypeVar("C", bound=Converter)


def converter(*classes: type) -> Callable[[C], C]:
    """Register a function converting schedulers of exactly these classes."""

    def register(fn: C) -> C:
        for cls in classes:
            _CONVERTERS[cls] = fn
        return fn

    return register


def _restarted(*classes: type) -> Callable[[C], C]:
    def register(fn: C) -> C:
        for cls in classes:
            _RESTARTED[cls] = fn
        return fn

    return register


def from_torch(scheduler: Any) -> list[Schedule]:
    """The schedules reproducing a torch LR scheduler, one per param group.

    Supported: ``StepLR``, ``MultiStepLR``, ``ConstantLR``, ``LinearLR``,
    ``ExponentialLR``, ``PolynomialLR``, ``CosineAnnealingLR`` (its rise after ``T_max``
    included), ``LambdaLR`` (wrapping its functions with :class:`lrfunc.from_function`),
    ``SequentialLR`` (a :class:`lrfunc.chain` at its milestones), ``ChainedScheduler``
    (a product) and ``torch.optim.swa_utils.SWALR`` (an :class:`lrfunc.interpolate` from
    the group's lr at construction to ``swa_lr``, also when it takes over from another
    scheduler), plus any class another module registers with :func:`converter`.

    Args:
        scheduler: a ``torch.optim.lr_scheduler`` instance, freshly built (not stepped).

    Returns:
        ``scheds`` with ``scheds[g](k, optimizer.param_groups[g]["initial_lr"])`` equal to
        torch's lr of group ``g`` after ``k`` calls of ``scheduler.step()``.

    Raises:
        TypeError: the scheduler's class (or a child's) has no closed form here (named in
            the message).
        ValueError: the scheduler was already stepped, or its parameters make torch's
            recursion something other than a closed form (the message says which).

    Examples:
        >>> import torch, lrfunc as lf
        >>> opt = torch.optim.SGD([torch.zeros(1)], lr=0.1)
        >>> lf.from_torch(torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=100))
        [cosine_wave(100)]
        >>> warm = torch.optim.lr_scheduler.LinearLR(opt, start_factor=0.1, total_iters=5)
        >>> decay = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.9)
        >>> seq = torch.optim.lr_scheduler.SequentialLR(opt, [warm, decay], milestones=[5])
        >>> lf.from_torch(seq)
        [chain(linear(5, start=0.1, end=1.0), exp(0.9), boundaries=[5])]
    """
    epoch = getattr(scheduler, "last_epoch", 0)
    if isinstance(epoch, int) and epoch != 0:
        raise ValueError(
            f"from_torch converts a freshly built scheduler; this "
            f"{type(scheduler).__qualname__} was already stepped (last_epoch={epoch})"
        )
    return _convert(scheduler)


def type_of(obj: object) -> type[Any]:
    """``type(obj)``; typed for an ``Any`` argument, whose ``type()`` pyright leaves unknown."""
    return type(obj)


def _convert(scheduler: Any, *, restart: bool = False) -> list[Schedule]:
    cls = type_of(scheduler)
    convert = (_RESTARTED.get(cls) if restart else None) or _CONVERTERS.get(cls)
    if convert is None:
        kind = "torch LR scheduler" if isinstance(scheduler, LRScheduler) else "object"
        supported = ", ".join(sorted(c.__name__ for c in _CONVERTERS))
        raise TypeError(
            f"from_torch does not support the {kind} {cls.__qualname__}; "
            f"supported classes: {supported}"
        )
    return convert(scheduler)


# -- helpers ---------------------------------------------------------------------------


def _every_group(scheduler: Any, sched: Schedule) -> list[Schedule]:
    return [sched] * len(scheduler.optimizer.param_groups)


def _name(scheduler: Any, attr: str) -> str:
    return f"{type(scheduler).__name__}.{attr}"


def _as_int(value: Any) -> int | None:
    """``value`` as an int when it is a finite integral real number, else None."""
    if not isinstance(value, bool) and isinstance(value, Real):
        number = float(value)
        if math.isfinite(number) and number.is_integer():
            return int(number)
    return None


def _count(scheduler: Any, attr: str, *, low: int) -> int:
    """An integer parameter of the scheduler (an integral float is accepted)."""
    value = getattr(scheduler, attr)
    count = _as_int(value)
    if count is not None and count >= low:
        return count
    raise ValueError(f"from_torch needs {_name(scheduler, attr)} an int >= {low}, got {value!r}")


def _real(scheduler: Any, attr: str, *, low: float = 0.0) -> float:
    value = getattr(scheduler, attr)
    if not isinstance(value, bool) and isinstance(value, Real):
        number = float(value)
        if math.isfinite(number) and number >= low:
            return number
    raise ValueError(
        f"from_torch needs {_name(scheduler, attr)} a finite number >= {low} "
        f"(lrfunc's learning rates are never negative), got {value!r}"
    )


def _decay_from(first: int, gamma: float) -> Schedule | None:
    """``gamma == 0``: 1 before step ``first``, 0 from it on (lf.step/exp need gamma > 0)."""
    return piecewise_constant((first,), (1.0, 0.0)) if gamma == 0.0 else None


def _product(schedules: list[Schedule]) -> Schedule:
    return schedules[0] if len(schedules) == 1 else product(*schedules)


# -- the closed-form classes -----------------------------------------------------------


@converter(tls.StepLR)
def _step_lr(s: Any) -> list[Schedule]:
    every = _count(s, "step_size", low=1)
    gamma = _real(s, "gamma")
    return _every_group(s, _decay_from(every, gamma) or step(every, gamma=gamma))


def _multistep_lr(s: Any, initial: int) -> list[Schedule]:
    gamma = _real(s, "gamma")
    counts: Counter[int] = Counter()
    for m, n in s.milestones.items():
        # torch's recursion only meets integral milestones >= 1 (``epoch in milestones``).
        at = _as_int(m)
        if at is not None and at >= 1:
            counts[at] += n
    bounds = sorted(counts)
    if not bounds:
        return _every_group(s, constant(gamma**initial))
    if initial == 0 and gamma > 0 and all(counts[b] == 1 for b in bounds):
        return _every_group(s, multistep(tuple(bounds), gamma=gamma))
    values, passed = [gamma**initial], initial
    for b in bounds:
        passed += counts[b]
        values.append(gamma**passed)
    return _every_group(s, piecewise_constant(tuple(bounds), tuple(values)))


@converter(tls.MultiStepLR)
def _multistep_fresh(s: Any) -> list[Schedule]:
    # The constructor's step applies the milestones equal to 0.
    return _multistep_lr(s, sum(n for m, n in s.milestones.items() if m == 0))


@_restarted(tls.MultiStepLR)
def _multistep_restarted(s: Any) -> list[Schedule]:
    # The closed form at epoch 0 counts every milestone <= 0, negative ones included.
    return _multistep_lr(s, sum(n for m, n in s.milestones.items() if m <= 0))


def _constant_lr(s: Any, *, restart: bool) -> list[Schedule]:
    factor = _real(s, "factor")
    total = _count(s, "total_iters", low=0)
    if total == 0:
        # Built: epoch 0 multiplies by factor and epoch == total_iters never comes again.
        # Restarted: the closed form at epoch 0 already undid it.
        return _every_group(s, constant(1.0 if restart else factor))
    return _every_group(s, piecewise_constant((total,), (factor, 1.0)))


@converter(tls.ConstantLR)
def _constant_fresh(s: Any) -> list[Schedule]:
    return _constant_lr(s, restart=False)


@_restarted(tls.ConstantLR)
def _constant_restarted(s: Any) -> list[Schedule]:
    return _constant_lr(s, restart=True)


def _no_zero_restart(s: Any) -> None:
    if s.total_iters == 0:
        raise ValueError(
            f"{type(s).__name__}(total_iters=0) after a SequentialLR milestone divides by "
            "zero in torch itself (its closed form at epoch 0); from_torch has nothing to match"
        )


@converter(tls.LinearLR)
def _linear_lr(s: Any) -> list[Schedule]:
    start, end = _real(s, "start_factor"), _real(s, "end_factor")
    total = _count(s, "total_iters", low=0)
    if total == 0:
        return _every_group(s, constant(start))
    return _every_group(s, linear(total, start=start, end=end))


@_restarted(tls.LinearLR)
def _linear_restarted(s: Any) -> list[Schedule]:
    _no_zero_restart(s)
    return _linear_lr(s)


@converter(tls.ExponentialLR)
def _exponential_lr(s: Any) -> list[Schedule]:
    gamma = _real(s, "gamma")
    return _every_group(s, _decay_from(1, gamma) or exp(gamma))


@converter(tls.PolynomialLR)
def _polynomial_lr(s: Any) -> list[Schedule]:
    total = _count(s, "total_iters", low=0)
    power = _real(s, "power")
    if total == 0 or power == 0.0:
        return _every_group(s, constant(1.0))  # every ratio is 1 (0.0 ** 0 == 1)
    return _every_group(s, poly(total, power=power))


@_restarted(tls.PolynomialLR)
def _polynomial_restarted(s: Any) -> list[Schedule]:
    _no_zero_restart(s)
    return _polynomial_lr(s)


@converter(tls.CosineAnnealingLR)
def _cosine_annealing_lr(s: Any) -> list[Schedule]:
    half = _count(s, "T_max", low=1)
    eta_min = _real(s, "eta_min")
    wave = cosine_wave(half) if eta_min == 0.0 else cosine_wave(half, end_lr=eta_min)
    return _every_group(s, wave)


@converter(SWALR)
def _swalr(s: Any) -> list[Schedule]:
    # torch recovers the lr it started from at each step, (lr - a' swa) / (1 - a'), and
    # returns swa * a + start * (1 - a), a = anneal(min(k / n, 1)): in closed form an
    # interpolation from the group's lr at construction to swa_lr, as factors of initial_lr.
    n = _count(s, "anneal_epochs", low=0)
    strategy = getattr(s, "_anneal_strategy", None)  # torch >= 2.12; before, the function
    cosine = strategy == "cos" if strategy else "cos" in s.anneal_func.__name__
    out: list[Schedule] = []
    for g, group in enumerate(s.optimizer.param_groups):
        initial, start, swa = (float(group[key]) for key in ("initial_lr", "lr", "swa_lr"))
        if not (initial > 0 and math.isfinite(initial)) or not swa >= 0 or not start >= 0:
            raise ValueError(
                f"from_torch needs SWALR's group {g} to have initial_lr > 0 and lrs >= 0 "
                f"(its schedule is a factor of initial_lr), got initial_lr={initial!r}, "
                f"lr={start!r}, swa_lr={swa!r}"
            )
        if n == 0:  # torch's first step already reaches swa_lr
            out.append(constant(swa / initial))
            continue
        values = (start / initial, swa / initial)
        out.append(interpolate((0, n), values, shape="cosine" if cosine else "linear"))
    return out


@converter(tls.LambdaLR)
def _lambda_lr(s: Any) -> list[Schedule]:
    return [from_function(fn) for fn in s.lr_lambdas]


# -- the combinators -------------------------------------------------------------------


def _nested(parent: Any, child: Any, index: int) -> None:
    if isinstance(child, (tls.SequentialLR, tls.ChainedScheduler)):
        raise ValueError(
            f"from_torch does not convert a {type(child).__name__} inside a "
            f"{type(parent).__name__} (schedulers[{index}]): torch re-steps or resets the "
            "inner scheduler's children there, which is no closed form. Convert the "
            "pieces and compose them with lf.chain / * instead."
        )


def _milestone(value: Any, index: int) -> int:
    at = _as_int(value)
    if at is not None:
        return at
    raise ValueError(f"from_torch needs SequentialLR milestones[{index}] an int, got {value!r}")


@converter(tls.SequentialLR)
def _sequential_lr(s: Any) -> list[Schedule]:
    children = list(s._schedulers)
    cuts = [_milestone(m, i) for i, m in enumerate(s._milestones)]
    for i in range(1, len(cuts)):
        if cuts[i] < cuts[i - 1]:
            raise ValueError(
                f"from_torch needs SequentialLR milestones in order (torch bisects them), "
                f"got {cuts}"
            )
    # torch runs child bisect_right(cuts, k) at step k; the one active at 0 is started by
    # its constructor's step, each later one by its closed form at epoch 0 when
    # k == its milestone. A child whose range [cuts[i-1], cuts[i]) is empty never runs.
    first = bisect_right(cuts, 0)
    _nested(s, children[first], first)
    pieces = [_convert(children[first])]
    boundaries: list[int] = []
    for i in range(first + 1, len(children)):
        if i < len(cuts) and cuts[i] <= cuts[i - 1]:
            continue
        _nested(s, children[i], i)
        pieces.append(_convert(children[i], restart=True))
        boundaries.append(cuts[i - 1])
    if len(pieces) == 1:
        return pieces[0]
    return [chain(*group, boundaries=boundaries) for group in zip(*pieces, strict=True)]


def _flatten(s: Any) -> list[Any]:
    out: list[Any] = []
    for child in s._schedulers:
        out.extend(_flatten(child) if type(child) is tls.ChainedScheduler else [child])
    return out


def _settles_at(s: Any) -> int | None:
    """The last step at which a ratio-form child changes the lr, or None if it never stops."""
    if type(s) in (tls.StepLR, tls.ExponentialLR):
        return 0 if s.gamma == 1.0 else None
    if type(s) is tls.MultiStepLR:
        hit = [at for m in s.milestones if (at := _as_int(m)) is not None and at >= 1]
        return max(hit, default=0)
    if type(s) in (tls.ConstantLR, tls.LinearLR, tls.PolynomialLR):
        return int(s.total_iters)
    return None


#: Children whose step multiplies the lr by f(k) / f(k - 1): a chain of them is a product.
_RATIO = (
    tls.StepLR,
    tls.MultiStepLR,
    tls.ConstantLR,
    tls.LinearLR,
    tls.ExponentialLR,
    tls.PolynomialLR,
)
#: Children whose step sets the lr from base_lr, discarding what the others did.
_OVERWRITE = (tls.LambdaLR, tls.OneCycleLR, tls.CyclicLR, tls.CosineAnnealingWarmRestarts)


@converter(tls.ChainedScheduler)
def _chained_scheduler(s: Any) -> list[Schedule]:
    children = _flatten(s)
    overwrites = [i for i, c in enumerate(children) if type(c) in _OVERWRITE]
    if overwrites:
        if overwrites[-1] != len(children) - 1:
            name = type(children[overwrites[-1]]).__name__
            raise ValueError(
                f"from_torch converts a ChainedScheduler with a {name} only when it is the "
                f"last child: {name} sets the lr from base_lr each step, so each child "
                "after it contributes one step's ratio, which is no product"
            )
        return _convert(children[-1])  # it overwrites whatever came before
    parts: list[list[Schedule]] = []
    for i, child in enumerate(children):
        _nested(s, child, i)  # a SequentialLR (nested ChainedSchedulers are flattened)
        parts.append(_convert(child))
        if type(child) not in (*_RATIO, tls.CosineAnnealingLR):
            raise ValueError(
                f"from_torch does not know whether {type(child).__name__}'s update inside "
                "a ChainedScheduler is a ratio of the lr (a product); convert the children "
                "one by one and multiply them if it is"
            )
    if len(parts) == 1:
        return parts[0]
    cosines = [i for i, c in enumerate(children) if type(c) is tls.CosineAnnealingLR]
    if not cosines:
        return [_product(list(group)) for group in zip(*parts, strict=True)]
    # CosineAnnealingLR's update is lr <- eta_min + (lr - eta_min) * ratio: a ratio only
    # with eta_min == 0. Past T_max it restarts, lr <- lr + (base_lr - eta_min) * c, where
    # lr is 0 at that point: the other children's factors so far are dropped, and it is a
    # closed form again only when they no longer change after T_max.
    index = cosines[0]
    cos = children[index]
    others = [c for i, c in enumerate(children) if i != index]
    unsettled = [
        type(c).__name__ for c in others if (at := _settles_at(c)) is None or at > cos.T_max
    ]
    if len(cosines) > 1 or cos.eta_min != 0 or unsettled:
        raise ValueError(
            "from_torch converts a ChainedScheduler with a CosineAnnealingLR only when it "
            "is the only CosineAnnealingLR, has eta_min=0, and every other child stops "
            f"changing the lr by T_max={cos.T_max} (got eta_min={cos.eta_min!r}, "
            f"{len(cosines)} CosineAnnealingLR, still changing: {unsettled or 'none'}): "
            "torch's recursion is affine with eta_min != 0, and past T_max it restarts "
            "from base_lr, dropping the other children's factors, so it is no product"
        )
    rest = [p for i, p in enumerate(parts) if i != index]
    after = cos.T_max + 1
    return [
        product(group[0], chain(_product(list(group[1:])), constant(1.0), boundaries=[after]))
        for group in zip(parts[index], *rest, strict=True)
    ]
