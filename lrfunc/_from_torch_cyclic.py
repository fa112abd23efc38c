"""``from_torch`` for the cyclic schedulers: ``OneCycleLR``, ``CyclicLR`` and
``CosineAnnealingWarmRestarts``; ``from_torch_momentum`` for their momentum cycling.

The parameters are read back from a freshly built scheduler and its param groups (torch
keeps ``max_lr``, ``min_lr``, ``max_momentum`` and ``base_momentum`` there). The lr
schedules follow ``from_torch``'s contract: ``scheds[g](k, group["initial_lr"])`` is
torch's lr of group ``g`` after ``k`` steps.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, cast

from torch.optim.lr_scheduler import CosineAnnealingWarmRestarts, CyclicLR, OneCycleLR

from ._cyclic import cyclic, onecycle, restarts
from ._from_torch import converter, type_of
from ._schedule import Schedule

__all__ = ["from_torch_momentum"]


class _CyclicFields(Protocol):
    """The ``CyclicLR`` attributes read here, typed: torch leaves them to inference
    from ``__init__`` (partly unknown), though they are plain numbers and lists."""

    base_lrs: list[float]
    max_lrs: list[float]
    total_size: float
    step_ratio: float


def _positive(what: str, value: Any, cls: type) -> float:
    value = float(value)
    if not value > 0.0:
        raise ValueError(
            f"{cls.__name__} with {what}={value!r} has no schedule of factors of a base "
            f"value: {what} must be > 0"
        )
    return value


def _onecycle_shape(scheduler: OneCycleLR) -> dict[str, Any]:
    steps = scheduler.total_steps
    phases = scheduler._schedule_phases  # pyright: ignore[reportPrivateUsage] -- torch exposes pct_start only here
    # torch keeps only float(pct_start * total_steps) - 1; read pct_start back from it.
    pct_start = min(max((phases[0]["end_step"] + 1.0) / steps, 0.0), 1.0)
    return {
        "pct_start": pct_start,
        "anneal": getattr(scheduler, "_anneal_func_type", "cos"),
        "three_phase": len(phases) == 3,
    }


@converter(OneCycleLR)
def _convert_onecycle(scheduler: OneCycleLR) -> list[Schedule]:
    # torch's base ("initial_lr") is max_lr / div_factor; onecycle's factors are of the
    # peak, so each group's schedule is scaled by div_factor.
    shape = _onecycle_shape(scheduler)
    out: list[Schedule] = []
    for group in scheduler.optimizer.param_groups:
        max_lr = _positive("max_lr", group["max_lr"], OneCycleLR)
        initial = float(group["initial_lr"])
        min_lr = _positive("min_lr", group["min_lr"], OneCycleLR)
        div = max_lr / initial
        final_div = initial / min_lr
        sched = onecycle(scheduler.total_steps, div_factor=div, final_div_factor=final_div, **shape)
        out.append(sched * div)
    return out


@converter(CyclicLR)
def _convert_cyclic(scheduler: CyclicLR) -> list[Schedule]:
    mode, gamma = _cyclic_mode(scheduler)
    up, down = _cyclic_steps(scheduler)
    out: list[Schedule] = []
    groups = scheduler.optimizer.param_groups
    fields = cast(_CyclicFields, scheduler)
    for group, low_lr, max_lr in zip(groups, fields.base_lrs, fields.max_lrs, strict=True):
        low_lr = _positive("base_lr", low_lr, CyclicLR)
        max_lr = _positive("max_lr", max_lr, CyclicLR)
        # Factors of the group's initial_lr: CyclicLR's own base_lr alone, but the first
        # scheduler's base when CyclicLR follows another one in a SequentialLR.
        initial = _positive("initial_lr", group["initial_lr"], CyclicLR)
        wave = cyclic(up, down=down, low=low_lr / max_lr, mode=mode, gamma=gamma)
        out.append(wave * (max_lr / initial))
    return out


def _cyclic_mode(scheduler: CyclicLR) -> tuple[str, float]:
    if scheduler._scale_fn_custom is not None:  # pyright: ignore[reportPrivateUsage] -- no public flag for a custom scale_fn
        raise ValueError(
            "CyclicLR with a custom scale_fn has no closed form here; build "
            "lf.cyclic(up, down=down, low=..., amplitude=<a Schedule>, amplitude_by=...) instead"
        )
    return scheduler.mode, float(scheduler.gamma)


def _cyclic_steps(scheduler: CyclicLR) -> tuple[float, float | None]:
    # torch keeps total_size = up + down and step_ratio = up / total_size.
    fields = cast(_CyclicFields, scheduler)
    total = fields.total_size
    up = fields.step_ratio * total
    if abs(up - round(up)) <= 1e-9 * total and abs(total - round(total)) <= 1e-9 * total:
        up, total = float(round(up)), float(round(total))
    down = total - up
    return up, None if down == up else down


@converter(CosineAnnealingWarmRestarts)
def _convert_restarts(scheduler: CosineAnnealingWarmRestarts) -> list[Schedule]:
    eta_min = float(scheduler.eta_min)
    out: list[Schedule] = []
    for base in scheduler.base_lrs:
        # A zero initial lr with eta_min = 0 stays 0: any factor will do.
        base = float(base) if eta_min != 0.0 else 1.0
        end = eta_min / _positive("initial_lr", base, CosineAnnealingWarmRestarts)
        out.append(restarts(scheduler.T_0, mult=float(scheduler.T_mult), end=end))
    return out


def _momentum_factor(group: dict[str, Any], cls: type) -> tuple[float, float]:
    top = _positive("max_momentum", group["max_momentum"], cls)
    bottom = _positive("base_momentum", group["base_momentum"], cls)
    return top, bottom / top


def _onecycle_momentum(scheduler: OneCycleLR) -> list[Schedule]:
    # Momentum runs max -> base -> max (-> max): onecycle with div_factor = base / max
    # and no final division, as factors of base; times base / max it is factors of max.
    shape = _onecycle_shape(scheduler)
    out: list[Schedule] = []
    for group in scheduler.optimizer.param_groups:
        _, b = _momentum_factor(group, OneCycleLR)
        sched = onecycle(scheduler.total_steps, div_factor=b, final_div_factor=1.0, **shape)
        out.append(sched * b)
    return out


def _cyclic_momentum(scheduler: CyclicLR) -> list[Schedule]:
    # Momentum is max - (max - base) h(x) a: a wave from 1 down to base / max (factors of
    # max), i.e. cyclic with low = max / base scaled by base / max.
    mode, gamma = _cyclic_mode(scheduler)
    up, down = _cyclic_steps(scheduler)
    out: list[Schedule] = []
    for group in scheduler.optimizer.param_groups:
        _, b = _momentum_factor(group, CyclicLR)
        out.append(cyclic(up, down=down, low=1.0 / b, mode=mode, gamma=gamma) * b)
    return out


_MOMENTUM: dict[type[Any], Callable[[Any], list[Schedule]]] = {
    OneCycleLR: _onecycle_momentum,
    CyclicLR: _cyclic_momentum,
}


def from_torch_momentum(scheduler: Any) -> list[Schedule]:
    """The momentum (or Adam's ``beta1``) schedules of a torch ``OneCycleLR`` / ``CyclicLR``.

    These schedulers cycle momentum opposite to the lr, between ``max_momentum`` and
    ``base_momentum``. The schedules are factors of each group's ``max_momentum`` (the
    value torch puts in the group when the scheduler is built):
    ``m[g](k, group["max_momentum"])`` is torch's momentum of group ``g`` after ``k``
    steps. Schedule the key ``"momentum"`` (SGD, RMSprop) or ``"betas[0]"`` (Adam, AdamW,
    ...: when ``"betas" in optimizer.defaults``), e.g. on the scheduler's own optimizer:
    ``lf.Scheduler(opt, {"lr": lf.from_torch(s), "betas[0]": lf.from_torch_momentum(s)})``.

    Args:
        scheduler: a freshly built ``OneCycleLR`` or ``CyclicLR``.

    Returns:
        One schedule per param group.

    Raises:
        TypeError: another scheduler class.
        ValueError: ``cycle_momentum=False``, or a ``max_momentum`` / ``base_momentum``
            that is not ``> 0`` (no factors of it exist).

    Examples:
        >>> import torch, lrfunc as lf
        >>> opt = torch.optim.SGD([torch.zeros(1)], lr=0.1, momentum=0.9)
        >>> torch_sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=10)
        >>> (m,) = lf.from_torch_momentum(torch_sched)
        >>> [round(m(k, 0.95), 4) for k in (0, 2, 9)]
        [0.95, 0.85, 0.95]
    """
    convert = _MOMENTUM.get(type_of(scheduler))
    if convert is None:
        raise TypeError(
            f"from_torch_momentum supports OneCycleLR and CyclicLR, got "
            f"{type(scheduler).__qualname__}"
        )
    if not scheduler.cycle_momentum:
        raise ValueError(
            f"this {type(scheduler).__name__} was built with cycle_momentum=False: "
            "it does not schedule momentum"
        )
    return convert(scheduler)
