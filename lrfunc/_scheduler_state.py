"""What ``Scheduler.load_state_dict`` accepts: its own states, checked, and torch's.

:func:`check_state` checks a state of ``lf.Scheduler`` against the scheduler loading it
and returns its step and base values. :func:`torch_step` reads the step out of a
``torch.optim.lr_scheduler`` state (``last_epoch`` counts the same updates) when its base
lrs are the scheduler's, and otherwise says how to carry the step over by hand.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from numbers import Real
from typing import Any

import torch
from torch import Tensor

from ._plan import Key, Target
from ._schedule import Schedule
from ._validate import MAX_STEPS, is_list, is_mapping

__all__ = ["VERSION", "check_state", "is_torch_state", "torch_step"]

VERSION = 1


def check_state(
    state: Any, keys: Mapping[Key, Sequence[Schedule | None]], n_groups: int
) -> tuple[int | None, dict[str, list[float | None]]]:
    """The step (``None``: not started, torch's ``last_epoch == -1``) and the bases.

    Raises:
        ValueError: a state that is not a ``Scheduler``'s, or one with other param groups
            or other scheduled keys.
    """
    if not is_mapping(state) or not {"step", "base_values"} <= set(state):
        raise ValueError(
            "not a state of lrfunc.Scheduler (expected a dict with 'step' and "
            f"'base_values'), got {state!r}"
        )
    version = state.get("version")
    if type(version) is not int or version != VERSION:
        found = f"version {version!r:.40}" if "version" in state else "no 'version'"
        raise ValueError(
            f"the state has {found}; this lrfunc reads version {VERSION} "
            "(a state written by lf.Scheduler.state_dict())"
        )
    step = state["step"]
    if isinstance(step, Tensor):
        if step.numel() != 1 or step.is_floating_point() or step.is_complex():
            raise ValueError(
                f"the state's step must be an int >= 0 (or a one-element integer tensor), "
                f"got a {step.dtype} tensor of shape {list(step.shape)}"
            )
        step = int(step.item())
    if step is not None and (
        not isinstance(step, int) or isinstance(step, bool) or not 0 <= step <= MAX_STEPS
    ):
        raise ValueError(f"the state's step must be an int in [0, 2**53], got {step!r:.60}")
    groups = state.get("param_groups", n_groups)
    if type(groups) is not int or groups != n_groups:
        raise ValueError(f"the state is for {groups} param groups but the optimizer has {n_groups}")
    saved = state["base_values"]
    mine = {key.key: per for key, per in keys.items()}
    if not is_mapping(saved) or set(saved) != set(mine):
        saved_keys = sorted(saved) if is_mapping(saved) else saved
        raise ValueError(
            f"the state schedules the keys {saved_keys} but this scheduler schedules {sorted(mine)}"
        )
    bases: dict[str, list[float | None]] = {}
    for name, per in mine.items():
        values = saved[name]
        if not is_list(values) or len(values) != n_groups:
            raise ValueError(
                f"the state's base values for {name!r} must list one value per param "
                f"group ({n_groups}), got {values!r}"
            )
        bases[name] = [
            _base(name, g, s, v) for g, (s, v) in enumerate(zip(per, values, strict=True))
        ]
    return step, bases


def _base(name: str, g: int, sched: Schedule | None, value: Any) -> float | None:
    if (sched is None) != (value is None):
        which = "schedules" if value is not None else "does not schedule"
        raise ValueError(
            f"the state {which} param_groups[{g}][{name!r}] but this scheduler "
            f"{'does not' if sched is None else 'does'}"
        )
    if value is None:
        return None
    where = f"the state's base value of param_groups[{g}][{name!r}]"
    if isinstance(value, Tensor) and value.numel() != 1:
        raise ValueError(f"{where} must be a number, got a tensor of shape {list(value.shape)}")
    if isinstance(value, bool) or not isinstance(value, (Real, Tensor)):
        raise ValueError(f"{where} must be a number, got {value!r:.60}")
    try:
        number = float(value)
    except OverflowError:  # an int past float range
        number = math.inf
    if not (math.isfinite(number) and number >= 0):
        raise ValueError(f"{where} must be a finite number >= 0, got {value!r:.60}")
    return number


def is_torch_state(state: Any) -> bool:
    """A ``torch.optim.lr_scheduler`` state (``last_epoch``, ``base_lrs``, ...)."""
    return isinstance(state, Mapping) and "last_epoch" in state and "base_values" not in state


_BY_HAND = (
    "to continue this schedule from that checkpoint's step anyway, set it by hand: "
    "scheduler.last_epoch = state['last_epoch']"
)


def torch_step(state: Mapping[str, Any], targets: Sequence[Target], n_groups: int) -> int:
    """The step of a torch scheduler's state, for a scheduler driving ``targets``; its base
    lrs must be theirs (rounded to the dtype of a tensor lr).

    Raises:
        ValueError: a ReduceLROnPlateau state (it counts metrics, not updates), a negative
            ``last_epoch``, or base lrs other than the scheduler's.
    """
    if "num_bad_epochs" in state:
        raise ValueError(
            "a ReduceLROnPlateau state counts metrics, not optimizer updates, and has no "
            "step to carry over; build the lrfunc scheduler with plateau=lf.plateau(...) "
            "and let it start afresh"
        )
    step = state["last_epoch"]
    if not isinstance(step, int) or isinstance(step, bool) or step < 0:
        raise ValueError(
            f"the torch scheduler state's last_epoch must be an int >= 0, got {step!r}"
        )
    theirs = state.get("base_lrs")
    if theirs is None:
        return step
    if not is_list(theirs) or len(theirs) != n_groups:
        raise ValueError(
            f"the torch scheduler state's base_lrs {theirs!r} are not one per param group "
            f"({n_groups}); {_BY_HAND}"
        )
    for t in targets:
        if t.key.key != "lr":
            continue
        other = theirs[t.g]
        if t.dtype is not None:
            other = torch.as_tensor(other).to(t.dtype)
        if float(other) != t.host:
            raise ValueError(
                f"the torch scheduler state's base lr of param group {t.g} is "
                f"{float(theirs[t.g])!r}, this scheduler's is {t.host!r}; {_BY_HAND} (and "
                "scheduler.base_lrs = state['base_lrs'] to take its bases)"
            )
    return step
