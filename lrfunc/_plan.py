"""What a ``Scheduler`` drives: schedules normalised per key and group, and their bases.

``schedules`` arrives in one of several forms (one schedule, one per group, a dict of
keys); :func:`normalise` turns every form into ``{key: one schedule or None per group}``.
:func:`make_plan` then reads each scheduled value once: its base (a float, or a tensor the
plan owns), which tensors two groups share, and the device of the tensor path.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from numbers import Real
from typing import Any, NamedTuple, Union

import torch
from torch import Tensor
from torch.optim import Optimizer

from ._ops import wide_float
from ._recipe import Recipe, UnboundRecipeError
from ._schedule import Schedule
from ._validate import check_real, did_you_mean, is_list, is_mapping

__all__ = ["Key", "Plan", "Schedules", "Target", "base", "make_plan", "normalise", "read"]

Schedules = Union[Schedule, Sequence[Schedule], Mapping[str, Union[Schedule, Sequence[Any]]]]  # noqa: UP007
"""What a ``Scheduler`` takes: one schedule for ``"lr"`` of every group, a list with one
schedule per group, or a dict ``{key: schedule or list}`` (a ``None`` in a list leaves that
group's value alone)."""

# Names users bring from other libraries (optax, Keras, HF) for torch's param-group keys.
_ALIASES = {
    "learning_rate": "lr",
    "beta1": "betas[0]",
    "beta_1": "betas[0]",
    "beta2": "betas[1]",
    "beta_2": "betas[1]",
}


class Key(NamedTuple):
    key: str  # as the user wrote it: "lr", "betas[0]"
    name: str  # the param-group key: "lr", "betas"
    member: int | None  # member of a tuple value, or None

    def where(self, g: int) -> str:
        return f"param_groups[{g}][{self.key!r}]"


def parse_key(key: object) -> Key:
    if not isinstance(key, str):
        raise TypeError(f"a hyperparameter key must be a str, got {key!r} ({type(key).__name__})")
    name, bracket, rest = key.partition("[")
    if bracket:
        digits = rest[:-1]
        if not rest.endswith("]") or not digits.isdigit() or not name:
            raise ValueError(
                f"bad hyperparameter key {key!r}: write a param-group key such as 'lr', "
                "or a member of a tuple-valued key such as 'betas[0]'"
            )
        return Key(key, name, int(digits))
    if not key:
        raise ValueError("a hyperparameter key must not be empty")
    return Key(key, key, None)


def _not_a_schedule(where: str, value: object, what: str) -> TypeError:
    hint = f"; parse the text first: lf.parse({value!r})" if isinstance(value, str) else ""
    return TypeError(f"{where} must be {what}, got {value!r} ({type(value).__name__}){hint}")


def normalise(
    schedules: Any, n_groups: int, total_steps: int | None = None
) -> dict[Key, list[Schedule | None]]:
    """The accepted forms as ``{key: one schedule or None per group}``, recipes bound to
    ``total_steps``."""
    table: Mapping[Any, Any]
    if isinstance(schedules, (Schedule, list, tuple)):
        table = {"lr": schedules}
    elif is_mapping(schedules):
        table = schedules
    else:
        raise _not_a_schedule(
            "schedules",
            schedules,
            "a Schedule, a list with one Schedule per param group, or a dict "
            "{key: Schedule or list}",
        )
    if not table:
        raise ValueError("schedules must name at least one hyperparameter, got an empty dict")
    plan: dict[Key, list[Schedule | None]] = {}
    slots: dict[tuple[str, int | None], str] = {}  # one value each: "betas[0]" == "betas[00]"
    for key, value in table.items():
        parsed = parse_key(key)
        other = slots.setdefault((parsed.name, parsed.member), parsed.key)
        if other != parsed.key:
            raise ValueError(
                f"the keys {other!r} and {parsed.key!r} name the same hyperparameter; "
                "give it one schedule"
            )
        if isinstance(value, Schedule):
            plan[parsed] = [_bound(value, total_steps, f"schedules[{key!r}]")] * n_groups
            continue
        if not is_list(value):
            raise _not_a_schedule(f"schedules[{key!r}]", value, "a Schedule or a list of them")
        if len(value) != n_groups:
            raise ValueError(
                f"schedules[{key!r}] has {len(value)} entries but the optimizer has "
                f"{n_groups} param groups; give one Schedule (or None) per group"
            )
        for g, s in enumerate(value):
            if s is not None and not isinstance(s, Schedule):
                raise _not_a_schedule(f"schedules[{key!r}][{g}]", s, "a Schedule or None")
        plan[parsed] = [
            None if s is None else _bound(s, total_steps, f"schedules[{key!r}][{g}]")
            for g, s in enumerate(value)
        ]
    return plan


def _bound(schedule: Schedule, total_steps: int | None, where: str) -> Schedule:
    """``schedule`` bound to ``total_steps``; a recipe without it is the error."""
    if total_steps is not None:
        return schedule.bind(total_steps)
    if isinstance(schedule, Recipe):
        raise UnboundRecipeError(f"{where}: {schedule.unbound()}")
    return schedule


def _did_you_mean(group: Mapping[str, Any], key: Key) -> str:
    alias = _ALIASES.get(key.name)
    if alias is not None and parse_key(alias).name in group:
        return f"; did you mean {alias!r}?"
    return did_you_mean(key.name, [k for k in group if k != "params"])


def read(group: Mapping[str, Any], key: Key, g: int) -> float | Tensor:
    """The current value of one hyperparameter of one group (not a copy), checked."""
    if key.name not in group:
        known = ", ".join(repr(k) for k in group if k != "params")
        raise ValueError(
            f"param_groups[{g}] has no key {key.name!r}; it has {known}{_did_you_mean(group, key)}"
        )
    value = group[key.name]
    if key.member is not None:
        if not is_list(value):
            raise ValueError(
                f"{key.where(g)}: param_groups[{g}][{key.name!r}] is "
                f"{type(value).__name__}, not a tuple with members to address"
            )
        if key.member >= len(value):
            raise ValueError(
                f"{key.where(g)}: param_groups[{g}][{key.name!r}] has only {len(value)} members"
            )
        value = value[key.member]
    if isinstance(value, Tensor):
        if not value.is_floating_point():
            raise TypeError(f"{key.where(g)} must be a floating-point tensor, got {value.dtype}")
        return value
    if isinstance(value, bool) or not isinstance(value, Real):
        hint = ""
        if is_list(value) and value:
            members = " or ".join(f"'{key.name}[{i}]'" for i in range(len(value)))
            hint = f"; schedule one member: {members}"
        raise TypeError(
            f"{key.where(g)} must be a real number or a tensor to be scheduled, "
            f"got {value!r} ({type(value).__name__}){hint}"
        )
    return float(value)


def base(group: Mapping[str, Any], key: Key, g: int) -> float | Tensor:
    """The base value of one hyperparameter: a float, or a tensor that aliases nothing."""
    value = read(group, key, g)
    if key.key == "lr" and "initial_lr" in group:
        # torch's record of the base lr (set by the first scheduler of this optimizer).
        initial = group["initial_lr"]
        if isinstance(value, Tensor):
            return torch.as_tensor(initial, dtype=value.dtype, device=value.device).clone()
        return float(initial)
    return value.detach().clone() if isinstance(value, Tensor) else value


class Target(NamedTuple):
    """One scheduled value: group ``g``'s ``key``, driven by ``schedule`` from ``base``."""

    g: int
    key: Key
    schedule: Schedule
    base: float | Tensor  # a float, or a wide tensor owned by the plan (the device path's)
    host: float  # the base as a Python float (the host path's), read once
    dtype: torch.dtype | None  # the hyperparameter's dtype where it is a tensor

    def base_like_value(self) -> float | Tensor:
        """The base as the hyperparameter holds it: a float, or a new tensor of its dtype."""
        if isinstance(self.base, Tensor):
            return self.base.to(self.dtype, copy=True)
        return self.host

    def rebased(self, value: float) -> Target:
        """This target with another base value (a tensor base is filled in place)."""
        value = _checked_base(value, self.key, self.g)
        if isinstance(self.base, Tensor):
            self.base.fill_(value)  # in place: compiled graphs that read it stay valid
            return self._replace(host=value)
        return self._replace(base=value, host=value)


@dataclass
class Plan:
    """The normalised schedules and every scheduled value of an optimizer."""

    keys: dict[Key, list[Schedule | None]]
    targets: list[Target]  # every scheduled (group, key)
    written: list[bool]  # False for a tensor another target already writes
    device: torch.device | None  # the tensor path's device: every value is a tensor there

    @property
    def writes(self) -> list[Target]:
        return [t for t, w in zip(self.targets, self.written, strict=True) if w]

    def rebase(self, bases: Mapping[str, Sequence[float | None]]) -> None:
        """Take new base values ``{key: [value or None per group]}`` (None: keep)."""
        for i, t in enumerate(self.targets):
            value = bases[t.key.key][t.g] if t.key.key in bases else None
            if value is not None:
                self.targets[i] = t.rebased(value)

    def record_initial_lr(self, groups: Sequence[dict[str, Any]]) -> None:
        """Set ``group["initial_lr"]``, torch's record of the base lr (its schedulers and
        tools read it)."""
        for t in self.targets:
            if t.key.key == "lr":
                groups[t.g]["initial_lr"] = t.base_like_value()

    def bases(self) -> dict[str, list[float | None]]:
        """``{key: [base or None per group]}`` as plain floats."""
        n_groups = len(next(iter(self.keys.values())))
        out: dict[str, list[float | None]] = {key.key: [None] * n_groups for key in self.keys}
        for t in self.targets:
            out[t.key.key][t.g] = t.host
        return out


def make_plan(optimizer: Optimizer, schedules: Any, total_steps: int | None = None) -> Plan:
    """Read every scheduled value of ``optimizer`` once (the only time bases are read)."""
    groups = optimizer.param_groups
    keys = normalise(schedules, len(groups), total_steps)
    found = [
        (g, key, sched, read(groups[g], key, g), base(groups[g], key, g))
        for key, per in keys.items()
        for g, sched in enumerate(per)
        if sched is not None
    ]
    tensors = [current for *_, current, _ in found if isinstance(current, Tensor)]
    devices = {t.device for t in tensors}
    if len(tensors) == len(found) and len(devices) > 1:
        raise ValueError(
            "the scheduled tensor hyperparameters lie on several devices "
            f"({sorted(map(str, devices))}); put them on one"
        )
    device = devices.pop() if tensors and len(tensors) == len(found) else None
    targets: list[Target] = []
    written: list[bool] = []
    seen: list[tuple[Tensor, Target]] = []
    for g, key, sched, current, b in found:
        # A tensor base syncs once, here. The device path computes from a float64 base
        # and rounds once into the hyperparameter's dtype, as the host path does.
        dtype = b.dtype if isinstance(b, Tensor) else None
        wide = b.to(wide_float(b.device)) if isinstance(b, Tensor) else b
        target = Target(g, key, sched, wide, _checked_base(float(b), key, g), dtype)
        targets.append(target)
        # The same tensor with the same values is written once.
        written.append(not isinstance(current, Tensor) or not _shared(current, target, seen))
        if isinstance(current, Tensor):
            seen.append((current, target))
    _check_unscheduled_sharing(groups, keys, seen)
    return Plan(keys, targets, written, device)


def _checked_base(value: float, key: Key, g: int) -> float:
    """A base value as the host path computes from it: a finite real number >= 0."""
    return check_real(f"the base value of {key.where(g)}", value, low=0.0)


def _check_unscheduled_sharing(
    groups: Sequence[dict[str, Any]],
    keys: Mapping[Key, Sequence[Schedule | None]],
    seen: list[tuple[Tensor, Target]],
) -> None:
    """A group left alone (``None``) must not hold a tensor that a scheduled group holds:
    writing one would drive the other (Adam's ``lr=torch.tensor(...)`` is one tensor
    shared by every group)."""
    for key, per in keys.items():
        for g in (g for g, sched in enumerate(per) if sched is None):
            value = groups[g].get(key.name)
            if key.member is not None:
                value = value[key.member] if is_list(value) and key.member < len(value) else None
            if not isinstance(value, Tensor):
                continue
            for tensor, target in seen:
                if target.key == key and _same(tensor, value):
                    raise ValueError(
                        f"{key.where(g)} is left alone (None) but is the same tensor as "
                        f"{key.where(target.g)}, which is scheduled: writing one writes both; "
                        f"{_OWN_TENSOR}, or schedule both"
                    )


#: The way out of a tensor shared by param groups that cannot share it.
_OWN_TENSOR = (
    "give each param group its own tensor (e.g. {'params': ..., 'lr': torch.tensor(1e-3)})"
)


def _same(a: Tensor, b: Tensor) -> bool:
    """Whether two tensors are one hyperparameter's storage."""
    return a.data_ptr() == b.data_ptr() and a.device == b.device


def _shared(tensor: Tensor, target: Target, seen: list[tuple[Tensor, Target]]) -> bool:
    """Whether ``tensor`` is one already scheduled; an error unless the values agree."""
    for other, first in seen:
        if not _same(other, tensor):
            continue
        if first.schedule != target.schedule or first.host != target.host:
            raise ValueError(
                f"{target.key.where(target.g)} is the same tensor as "
                f"{first.key.where(first.g)} but gets another schedule or base; {_OWN_TENSOR}"
            )
        return True
    return False
