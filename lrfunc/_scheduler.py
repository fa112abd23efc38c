"""``Scheduler``: the stateful adapter that drives an optimizer's hyperparameters.

A schedule is a pure function of the step, so the adapter's only state is the step (and
the base values it read once, at construction). It writes ``sched(k, base)`` into the
optimizer's param groups: Python floats stay floats; tensors are updated in place with
``copy_`` and, when every scheduled hyperparameter is a tensor, the step itself is a tensor
on their device, so that a step of the adapter does no host sync and traces with
``torch.compile(fullgraph=True)`` without recompiles.

Hyperparameters are addressed by their param-group key (``"lr"``, ``"weight_decay"``,
``"momentum"``...); a member of a tuple-valued key is written ``"key[i]"``, e.g.
``"betas[0]"`` for Adam's beta1.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from numbers import Real
from typing import Any, NamedTuple, Union

import torch
from torch import Tensor
from torch.optim import Optimizer
from torch.optim.lr_scheduler import LRScheduler

from ._basic import constant
from ._plateau import PlateauState, plateau, plateau_init, plateau_update
from ._schedule import Schedule
from ._step import tensor_step

__all__ = ["Scheduler", "apply_schedules", "base_values"]

Schedules = Union[Schedule, Sequence[Schedule], Mapping[str, Union[Schedule, Sequence[Any]]]]  # noqa: UP007
"""What a ``Scheduler`` takes: one schedule for ``"lr"`` of every group, a list with one
schedule per group, or a dict ``{key: schedule or list}`` (a ``None`` in a list leaves that
group's value alone)."""

_STATE_VERSION = 1


class _Key(NamedTuple):
    key: str  # as the user wrote it: "lr", "betas[0]"
    name: str  # the param-group key: "lr", "betas"
    member: int | None  # member of a tuple value, or None


def _parse_key(key: object) -> _Key:
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
        return _Key(key, name, int(digits))
    if not key:
        raise ValueError("a hyperparameter key must not be empty")
    return _Key(key, key, None)


def _plan(schedules: Any, n_groups: int) -> dict[_Key, list[Schedule | None]]:
    """Normalise the accepted forms to ``{key: one schedule or None per group}``."""
    if isinstance(schedules, Schedule):
        schedules = {"lr": schedules}
    elif isinstance(schedules, (list, tuple)):
        schedules = {"lr": schedules}
    elif not isinstance(schedules, Mapping):
        raise TypeError(
            "schedules must be a Schedule, a list with one Schedule per param group, or a "
            f"dict {{key: Schedule or list}}, got {schedules!r} ({type(schedules).__name__})"
        )
    if not schedules:
        raise ValueError("schedules must name at least one hyperparameter, got an empty dict")
    plan: dict[_Key, list[Schedule | None]] = {}
    for key, value in schedules.items():  # type: ignore[union-attr]
        parsed = _parse_key(key)
        if isinstance(value, Schedule):
            per_group: list[Schedule | None] = [value] * n_groups
        elif isinstance(value, (list, tuple)):
            if len(value) != n_groups:  # type: ignore[arg-type]
                raise ValueError(
                    f"schedules[{key!r}] has {len(value)} entries but the optimizer has "  # type: ignore[arg-type]
                    f"{n_groups} param groups; give one Schedule (or None) per group"
                )
            per_group = []
            for g, s in enumerate(value):  # type: ignore[arg-type]
                if s is not None and not isinstance(s, Schedule):
                    raise TypeError(
                        f"schedules[{key!r}][{g}] must be a Schedule or None, "
                        f"got {s!r} ({type(s).__name__})"
                    )
                per_group.append(s)
        else:
            raise TypeError(
                f"schedules[{key!r}] must be a Schedule or a list of them, "
                f"got {value!r} ({type(value).__name__})"
            )
        plan[parsed] = per_group
    return plan


def _where(key: _Key, g: int) -> str:
    return f"param_groups[{g}][{key.key!r}]"


def _read(group: Mapping[str, Any], key: _Key, g: int) -> Any:
    """The current value of one hyperparameter of one group (not a copy)."""
    if key.name not in group:
        known = ", ".join(repr(k) for k in group if k != "params")
        raise ValueError(f"param_groups[{g}] has no key {key.name!r}; it has {known}")
    value = group[key.name]
    if key.member is not None:
        if not isinstance(value, (tuple, list)):
            raise ValueError(
                f"{_where(key, g)}: param_groups[{g}][{key.name!r}] is "
                f"{type(value).__name__}, not a tuple with members to address"
            )
        if key.member >= len(value):  # type: ignore[arg-type]
            raise ValueError(
                f"{_where(key, g)}: param_groups[{g}][{key.name!r}] has only {len(value)} members"  # type: ignore[arg-type]
            )
        value = value[key.member]  # type: ignore[index]
    if isinstance(value, Tensor):
        if not value.is_floating_point():
            raise TypeError(f"{_where(key, g)} must be a floating-point tensor, got {value.dtype}")
        return value
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(
            f"{_where(key, g)} must be a real number or a tensor to be scheduled, "
            f"got {value!r} ({type(value).__name__})"
        )
    return value


def _base(group: Mapping[str, Any], key: _Key, g: int) -> float | Tensor:
    """The base value of one hyperparameter: a float, or a tensor that aliases nothing."""
    value = _read(group, key, g)
    if key.key == "lr" and "initial_lr" in group:
        # torch's record of the base lr (set by the first scheduler of this optimizer).
        initial = group["initial_lr"]
        if isinstance(value, Tensor):
            return torch.as_tensor(initial, dtype=value.dtype, device=value.device).clone()
        return float(initial)
    return value.detach().clone() if isinstance(value, Tensor) else float(value)


def _write(group: dict[str, Any], key: _Key, value: Any) -> None:
    """Write one value: in place into a tensor, as a Python float otherwise."""
    current = group[key.name]
    slot = current if key.member is None else current[key.member]
    if isinstance(slot, Tensor):
        _store(slot, value)
    elif key.member is None:
        group[key.name] = value
    else:
        members = list(current)
        members[key.member] = value
        group[key.name] = type(current)(members)


def _store(slot: Tensor, value: Any) -> None:
    """Update a tensor hyperparameter in place (never replaced, never aliased)."""
    if isinstance(value, Tensor):
        slot.copy_(value)
    else:  # a Python float, or a schedule whose value does not depend on the step
        slot.fill_(value)


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
    plan = _plan(schedules, len(groups))
    return {
        key.key: [None if s is None else _base(groups[g], key, g) for g, s in enumerate(per)]
        for key, per in plan.items()
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
    plan = _plan(schedules, len(groups))
    tensor_step = isinstance(step, Tensor)
    for key, per in plan.items():
        bases = base_values.get(key.key)
        if bases is None or len(bases) != len(groups):
            raise ValueError(
                f"base_values has no entry for {key.key!r} with one value per param group; "
                "make it with lf.base_values(optimizer, schedules)"
            )
        for g, sched in enumerate(per):
            if sched is None:
                continue
            group = groups[g]
            if tensor_step and not isinstance(_read(group, key, g), Tensor):
                raise TypeError(
                    f"{_where(key, g)} is a Python number but step is a tensor; make the "
                    "hyperparameter a tensor (e.g. lr=torch.tensor(3e-4)) for the tensor path"
                )
            _write(group, key, sched(step, bases[g]))


class _Target(NamedTuple):
    g: int  # param-group index
    key: _Key
    schedule: Schedule
    base: Any  # float, or a tensor owned by the scheduler


class Scheduler(LRScheduler):
    """Drive any hyperparameters of an optimizer by schedules; its state is the step.

    ``schedules`` is one :class:`Schedule` (for every group's ``"lr"``, each group with its
    own base value), a list (one schedule per group), or a dict
    ``{key: schedule or list}`` for any param-group key: ``"lr"``, ``"weight_decay"``,
    ``"momentum"``, or a member of a tuple such as ``"betas[0]"``. A ``None`` in a list
    leaves that group's value alone. Schedules give factors of the base value, which is
    read once here (for ``"lr"``, torch's ``initial_lr`` when a scheduler recorded one).

    Right after construction each group holds ``sched(0, base)``; after ``k`` calls of
    :meth:`step`, ``sched(k, base)``. Call :meth:`step` once per optimizer update (with
    gradient accumulation: once per ``optimizer.step()``, not per micro-batch).

    Float hyperparameters stay Python floats. Tensor hyperparameters are updated in place
    (``copy_``), never replaced. When every scheduled value is a tensor, the step is an
    ``int64`` tensor on their device and :meth:`step` does no host sync: it traces with
    ``torch.compile(fullgraph=True)`` (no recompiles across steps) and can be captured in
    a CUDA graph.

    It is an instance of ``torch.optim.lr_scheduler.LRScheduler`` (Lightning and the HF
    Trainer accept it), but it does not patch ``optimizer.step`` and never warns about the
    call order.

    A ``plateau`` (``lf.plateau(...)``, torch's ``ReduceLROnPlateau``) multiplies each
    group's scheduled lr by a factor that :meth:`step` updates from a metric,
    ``scheduler.step(val_loss)``; ``Scheduler(opt, lf.plateau(...))`` alone is
    ReduceLROnPlateau on a constant lr. Its state (a few tensors, updated branch-free)
    is in :meth:`state_dict`.

    Args:
        optimizer: a ``torch.optim.Optimizer``.
        schedules: see above; or an ``lf.plateau`` alone.
        plateau: a metric-driven factor on ``"lr"``.

    Raises:
        TypeError: a non-optimizer, a bad ``schedules`` form, or a value that is neither a
            real number nor a floating-point tensor.
        ValueError: a key a group lacks, a list of the wrong length, or one tensor shared by
            two groups with different schedules or bases.

    Examples:
        >>> import torch, lrfunc as lf
        >>> opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.5)
        >>> scheduler = lf.Scheduler(opt, lf.linear(4, end=0.5))
        >>> for _ in range(2):
        ...     opt.step()
        ...     scheduler.step()
        >>> scheduler.get_last_lr()
        [0.375]
        >>> scheduler.state_dict()
        {'version': 1, 'step': 2, 'param_groups': 1, 'base_values': {'lr': [0.5]}}
    """

    def __init__(
        self,
        optimizer: Optimizer,
        schedules: Schedules | plateau | None = None,
        *,
        plateau: plateau | None = None,
    ) -> None:
        # LRScheduler.__init__ is not called on purpose: it patches optimizer.step to
        # detect the call order, and steps once through get_lr.
        if not isinstance(optimizer, Optimizer):
            raise TypeError(
                f"optimizer must be a torch.optim.Optimizer, got {type(optimizer).__name__}"
            )
        schedules, plateau = _split_plateau(schedules, plateau)
        self._plateau = plateau  # read by _plan_number; its state is made below
        self.optimizer = optimizer
        groups = optimizer.param_groups
        self._n_groups = len(groups)
        plan = _plan(schedules, len(groups))
        self._plan = plan
        everything: list[_Target] = []
        written: list[bool] = []
        tensors: list[tuple[Tensor, _Target]] = []
        for key, per in plan.items():
            for g, sched in enumerate(per):
                if sched is None:
                    continue
                current = _read(groups[g], key, g)
                target = _Target(g, key, sched, _base(groups[g], key, g))
                everything.append(target)
                # The same tensor with the same values is written once.
                written.append(
                    not isinstance(current, Tensor) or not _shares_with(current, target, tensors)
                )
                if isinstance(current, Tensor):
                    tensors.append((current, target))
        self._all = everything
        self._written = written
        self._targets = [t for t, w in zip(everything, written, strict=True) if w]
        self._plan_number()
        if len(tensors) == len(everything) and tensors:
            devices = {t.device for t, _ in tensors}
            if len(devices) > 1:
                raise ValueError(
                    "the scheduled tensor hyperparameters lie on several devices "
                    f"({sorted(map(str, devices))}); put them on one"
                )
            self._step: Tensor | None = torch.zeros((), dtype=torch.int64, device=devices.pop())
        else:
            self._step = None
        self._count = 0  # the step on the number path
        self._init_plateau(plateau)
        # Read by accelerate's AcceleratedScheduler; unused here.
        self._step_count = 1
        self._record_initial_lr()
        self._apply()

    # -- the step ----------------------------------------------------------------------

    def step(self, metric: Any = None, /, *, advance: int | bool | Tensor = 1) -> None:  # type: ignore[override]
        """Count ``advance`` optimizer updates and write the schedules' new values.

        Args:
            metric: the monitored value, for a scheduler with a ``plateau`` (torch's
                ``ReduceLROnPlateau.step(metrics)``); without a plateau it must be ``None``
                (an old ``step(epoch)`` call is an error). To feed a metric without counting
                an update, pass ``advance=0``.
            advance: updates made since the last call: ``1``; ``0`` to hold the step when
                the update was skipped (a GradScaler found inf/NaN gradients). On the tensor
                path pass a 0/1 tensor to hold without a host sync, e.g.
                ``1 - sum(scaler._found_inf_per_device(optimizer).values())`` read before
                ``scaler.update()``.

        Raises:
            TypeError: a ``metric``, or an ``advance`` that is not an int or tensor.
            ValueError: a negative ``advance``.
        """
        if metric is not None:
            self._observe(metric)
        step = self._step
        if step is not None:
            if isinstance(advance, Tensor):
                step.add_(advance.to(device=step.device, dtype=step.dtype))
            elif advance == 1:
                step.add_(1)
            elif advance:
                step.add_(_check_advance(advance))
            self._apply_tensor(step)
            return
        if advance is not True and advance != 1:  # the common case stays one comparison
            advance = _check_advance(int(advance) if isinstance(advance, Tensor) else advance)
            self._count += int(advance)
        else:
            self._count += 1
        self._apply_number()

    def _observe(self, metric: Any) -> None:
        if self._plateau is None:
            raise TypeError(
                f"Scheduler.step got a metric ({metric!r}) but it has no plateau to read it; "
                "call step() without arguments (the deprecated step(epoch) form is not "
                "supported), or build it with plateau=lf.plateau(...)"
            )
        self._plateau_state = plateau_update(
            self._plateau_state, metric, self._plateau, self._plateau_bases
        )
        if self._step is None:  # the number path multiplies by Python floats
            self._plateau_factors = self._plateau_state["factor"].tolist()

    def _init_plateau(self, config: plateau | None) -> None:
        self._plateau = config
        self._plateau_bases: list[float] = []
        self._plateau_factors: list[float] = []
        self._plateau_state: PlateauState = {}
        if config is None:
            return
        bases: list[float | None] = [None] * self._n_groups
        for target in self._all:
            if target.key.key == "lr":
                bases[target.g] = _as_float(target.base)
        if all(b is None for b in bases):
            raise ValueError("plateau drives 'lr', but no param group's 'lr' is scheduled")
        # A group whose lr is not scheduled keeps a factor it never uses.
        self._plateau_bases = [1.0 if b is None else b for b in bases]
        device = self._step.device if self._step is not None else None
        self._plateau_state = plateau_init(config, self._plateau_bases, device=device)
        self._plateau_factors = [1.0] * self._n_groups

    def _apply(self) -> None:
        step = self._step
        if step is None:
            self._apply_number()
            return
        self._apply_tensor(step)

    def _apply_tensor(self, step: Tensor) -> None:
        groups = self.optimizer.param_groups
        # The step convention once for all targets; copy_ then casts to each target's
        # dtype exactly as sched(step, base) would (its result is cast the same way).
        normalized = tensor_step(step)
        factors = self._plateau_state.get("factor") if self._plateau is not None else None
        for target in self._targets:
            value = target.schedule.formula(normalized, target.base)
            if factors is not None and target.key.key == "lr":
                value = value * factors[target.g]
            _write_tensor(groups[target.g], target.key, value)

    def _plan_number(self) -> None:
        # Per target: group index, plain key (None for a tuple member), the bound formula,
        # base, key. Built once so that a step does no attribute walks.
        self._number_plan = [
            (
                t.g,
                t.key.name if t.key.member is None else None,
                _number_formula(t.schedule),
                t.base,
                t.key,
                self._plateau is not None and t.key.key == "lr",  # times the plateau factor
            )
            for t in self._targets
        ]

    def _apply_number(self) -> None:
        groups = self.optimizer.param_groups
        k = self._count
        factors = self._plateau_factors
        for g, name, formula, base, key, scaled in self._number_plan:
            # The number path of sched(k, base) without re-checking a known-good k and base.
            value = formula(k, base)
            if value.__class__ is not float:
                value = float(value)
            if scaled:
                value *= factors[g]
            group = groups[g]
            # type() first: isinstance(x, Tensor) is slow (torch.Tensor has a metaclass).
            if name is not None and (
                type(group[name]) is float or not isinstance(group[name], Tensor)
            ):
                group[name] = value
            else:
                _write(group, key, value)

    def _record_initial_lr(self) -> None:
        # torch's schedulers and tools read the base lr from group["initial_lr"].
        groups = self.optimizer.param_groups
        for target in self._all:
            if target.key.key == "lr":
                base = target.base
                groups[target.g]["initial_lr"] = base.clone() if isinstance(base, Tensor) else base

    def __getstate__(self) -> dict[str, Any]:
        # The number plan holds kernel formulas bound at construction, which do not pickle;
        # it is rebuilt from the targets.
        state = self.__dict__.copy()
        state.pop("_number_plan", None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._plan_number()

    # -- torch's LRScheduler API -------------------------------------------------------

    @property
    def last_epoch(self) -> int:  # type: ignore[override]
        """The step, as torch names it: optimizer updates counted so far (syncs on the
        tensor path)."""
        return self._count if self._step is None else int(self._step.item())

    @property
    def step_tensor(self) -> Tensor | None:
        """The step counter on the tensor path (an ``int64`` tensor), else ``None``."""
        return self._step

    @property
    def base_lrs(self) -> list[float | Tensor]:  # type: ignore[override]
        """Each group's base lr (its current lr where ``"lr"`` is not scheduled)."""
        bases: list[Any] = [group["lr"] for group in self.optimizer.param_groups]
        for target in self._all:
            if target.key.key == "lr":
                bases[target.g] = target.base
        return [b.clone() if isinstance(b, Tensor) else b for b in bases]

    def get_last_lr(self) -> list[float | Tensor]:
        """Each group's lr now (tensors are copies that never alias the optimizer's)."""
        return [
            lr.clone() if isinstance(lr, Tensor) else lr
            for lr in (group["lr"] for group in self.optimizer.param_groups)
        ]

    @property
    def _last_lr(self) -> list[float | Tensor]:  # type: ignore[override]
        return self.get_last_lr()

    def get_lr(self) -> list[float | Tensor]:
        """The same as :meth:`get_last_lr` (the values are a function of the step)."""
        return self.get_last_lr()

    def state_dict(self) -> dict[str, Any]:
        """The state as plain data: the step and the base values (``torch.load`` reads it
        with ``weights_only=True``). On the tensor path it reads the step (one sync)."""
        bases: dict[str, list[float | None]] = {
            key.key: [None] * self._n_groups for key in self._plan
        }
        for target in self._all:
            bases[target.key.key][target.g] = _as_float(target.base)
        state: dict[str, Any] = {
            "version": _STATE_VERSION,
            "step": self.last_epoch,
            "param_groups": self._n_groups,
            "base_values": bases,
        }
        if self._plateau is not None:
            state["plateau"] = {k: v.tolist() for k, v in self._plateau_state.items()}
        return state

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Restore the step and base values and write the schedules' values for that step.

        Raises:
            ValueError: a state that is not a ``Scheduler``'s, or one with other param
                groups or other scheduled keys.
        """
        if not isinstance(state_dict, Mapping) or not {"step", "base_values"} <= set(state_dict):
            raise ValueError(
                "not a state of lrfunc.Scheduler (expected a dict with 'step' and "
                f"'base_values'), got {state_dict!r}"
            )
        step = state_dict["step"]
        if isinstance(step, Tensor):
            step = int(step.item())
        if not isinstance(step, int) or isinstance(step, bool) or step < 0:
            raise ValueError(f"the state's step must be an int >= 0, got {step!r}")
        groups = state_dict.get("param_groups", self._n_groups)
        if groups != self._n_groups:
            raise ValueError(
                f"the state is for {groups} param groups but the optimizer has {self._n_groups}"
            )
        saved = state_dict["base_values"]
        mine = {key.key: per for key, per in self._plan.items()}
        if not isinstance(saved, Mapping) or set(saved) != set(mine):  # type: ignore[arg-type]
            saved_keys = sorted(saved) if isinstance(saved, Mapping) else saved  # type: ignore[arg-type]
            raise ValueError(
                f"the state schedules the keys {saved_keys} but this scheduler schedules "
                f"{sorted(mine)}"
            )
        for name, per in mine.items():
            values = saved[name]  # type: ignore[index]
            if not isinstance(values, (list, tuple)) or len(values) != self._n_groups:  # type: ignore[arg-type]
                raise ValueError(
                    f"the state's base values for {name!r} must list one value per param "
                    f"group ({self._n_groups}), got {values!r}"
                )
            for g, (sched, value) in enumerate(zip(per, values, strict=True)):  # type: ignore[arg-type]
                if (sched is None) != (value is None):
                    which = "schedules" if value is not None else "does not schedule"
                    raise ValueError(
                        f"the state {which} param_groups[{g}][{name!r}] but this scheduler "
                        f"{'does not' if sched is None else 'does'}"
                    )
                if value is not None and (
                    isinstance(value, bool) or not isinstance(value, (Real, Tensor))
                ):
                    raise ValueError(
                        f"the state's base value of param_groups[{g}][{name!r}] must be a "
                        f"number, got {value!r}"
                    )
        for i, target in enumerate(self._all):
            value = _as_float(saved[target.key.key][target.g])  # type: ignore[index]
            if isinstance(target.base, Tensor):
                target.base.fill_(value)  # in place: compiled graphs stay valid
            else:
                self._all[i] = target._replace(base=value)
        self._targets = [t for t, w in zip(self._all, self._written, strict=True) if w]
        self._plan_number()
        self._load_plateau(state_dict.get("plateau"))
        if self._step is not None:
            self._step.fill_(step)
        self._count = step
        self._record_initial_lr()
        self._apply()

    def _load_plateau(self, saved: Any) -> None:
        if self._plateau is None:
            if saved is not None:
                raise ValueError("the state has a plateau but this scheduler has none")
            return
        if not isinstance(saved, Mapping) or set(saved) != set(self._plateau_state):  # type: ignore[arg-type]
            raise ValueError(
                "this scheduler has a plateau; the state must carry its "
                f"{sorted(self._plateau_state)}, got {saved!r}"
            )
        self._init_plateau(self._plateau)  # bases may have changed with the base values
        for name, current in self._plateau_state.items():
            value = torch.as_tensor(saved[name], dtype=current.dtype, device=current.device)  # type: ignore[index]
            if value.shape != current.shape:
                raise ValueError(
                    f"the state's plateau {name!r} has shape {list(value.shape)}, "
                    f"expected {list(current.shape)}"
                )
            current.copy_(value)
        if self._step is None:
            self._plateau_factors = self._plateau_state["factor"].tolist()

    # -- helpers -----------------------------------------------------------------------

    def __repr__(self) -> str:
        keys = ", ".join(repr(k.key) for k in self._plan)
        name = type(self.optimizer).__name__
        return f"<lrfunc.Scheduler of {name} ({keys}), step {self.last_epoch}>"


def _split_plateau(schedules: Any, config: Any) -> tuple[Any, plateau | None]:
    """``Scheduler(opt, lf.plateau(...))`` means a plateau on a constant lr."""
    if isinstance(schedules, plateau):
        if config is not None:
            raise TypeError("give the plateau once: as schedules or as plateau=, not both")
        schedules, config = None, schedules
    if config is not None and not isinstance(config, plateau):
        raise TypeError(f"plateau must be an lf.plateau(...), got {config!r}")
    if schedules is None:
        if config is None:
            raise TypeError("Scheduler needs schedules, a plateau, or both")
        schedules = {"lr": constant(1.0)}
    return schedules, config


def _number_formula(schedule: Schedule) -> Any:
    """``schedule.formula``."""
    return schedule.formula


def _as_float(value: Any) -> float:
    return float(value.item()) if isinstance(value, Tensor) else float(value)


def _check_advance(advance: Any) -> int:
    if isinstance(advance, bool):
        return int(advance)
    if not isinstance(advance, int):
        raise TypeError(
            f"advance must be an int, a bool or a tensor, got {advance!r} "
            f"({type(advance).__name__})"
        )
    if advance < 0:
        raise ValueError(f"advance must be >= 0 (updates made), got {advance}")
    return advance


def _write_tensor(group: dict[str, Any], key: _Key, value: Any) -> None:
    current = group[key.name]
    slot = current if key.member is None else current[key.member]
    if not isinstance(slot, Tensor):
        raise TypeError(
            f"param_groups[...][{key.key!r}] was a tensor when the Scheduler was built and is "
            f"now {type(slot).__name__}; keep it a tensor (it is updated in place)"
        )
    _store(slot, value)


def _shares_with(tensor: Tensor, target: _Target, seen: list[tuple[Tensor, _Target]]) -> bool:
    """Whether ``tensor`` is one already scheduled; an error unless the values agree."""
    for other, first in seen:
        if other.data_ptr() != tensor.data_ptr() or other.device != tensor.device:
            continue
        same = first.schedule == target.schedule and bool(
            torch.equal(torch.as_tensor(first.base), torch.as_tensor(target.base))
        )
        if not same:
            raise ValueError(
                f"{_where(target.key, target.g)} is the same tensor as "
                f"{_where(first.key, first.g)} but gets another schedule or base; give each "
                "param group its own tensor (e.g. {'params': ..., 'lr': torch.tensor(1e-3)})"
            )
        return True
    return False
