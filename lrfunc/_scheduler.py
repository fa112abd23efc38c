"""``Scheduler``: the stateful adapter that drives an optimizer's hyperparameters.

A schedule is a pure function of the step, so the adapter's only state is the step (and
the base values it read once, at construction). Its parts live beside it: the plan of
what it drives (``_plan``), the one write into a param group (``_write``), the plateau
factor (``_scheduler_plateau``) and the checks of a loaded state (``_scheduler_state``).

When every scheduled value is a tensor, the step is kept twice: as an ``int64`` tensor on
their device (the device path) and as a Python int (the host path). An eager step with a
known step computes ``sched(k, base)`` on the host and writes each tensor with one
``fill_``; a traced or captured step, or one given a tensor ``advance``, computes
``sched(step_tensor, base_tensor)`` on the device, with no host sync.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import torch
from torch import Tensor
from torch.optim import Optimizer
from torch.optim.lr_scheduler import LRScheduler

from ._plan import Schedules, make_plan
from ._plateau import plateau
from ._schedule import Schedule
from ._scheduler_plateau import PlateauFactor, split_plateau
from ._scheduler_state import VERSION, check_state, is_torch_state, torch_step
from ._validate import untyped
from ._write import write

__all__ = ["Scheduler"]


class Scheduler(LRScheduler):
    """Drive any hyperparameters of an optimizer by schedules; its state is the step.

    ``schedules`` is one :class:`Schedule` (for every group's ``"lr"``, each group with its
    own base value), a list (one schedule per group, ``None`` to leave a group alone), or a
    dict ``{key: schedule or list}`` for any param-group key: ``"lr"``, ``"weight_decay"``,
    ``"momentum"``, or a tuple member such as ``"betas[0]"``. Schedules give factors of the
    base value, read once here (for ``"lr"``, torch's ``initial_lr`` where one exists).

    Right after construction each group holds ``sched(0, base)``; after ``k`` calls of
    :meth:`step` (one per ``optimizer.step()``), ``sched(k, base)``. Floats stay floats;
    tensors are updated in place. When every scheduled value is a tensor, a traced or
    captured :meth:`step` computes on their device with no host sync, and an eager one on
    the host with one ``fill_`` per tensor; both give the same values.

    It is a ``torch.optim.lr_scheduler.LRScheduler`` (Lightning, the HF Trainer and torch's
    ``SequentialLR`` accept it) that patches nothing and never warns about the call order.
    A ``plateau`` (torch's ``ReduceLROnPlateau``) multiplies each group's lr by a factor
    that ``step(metric)`` updates; ``Scheduler(opt, lf.plateau(...))`` alone is
    ReduceLROnPlateau on a constant lr.

    A recipe (lengths as fractions of training, :class:`lrfunc.frac`) is bound to
    ``total_steps``, the number of :meth:`step` calls of the run (see
    :meth:`Schedule.bind`); ordinary schedules are unaffected by it.

    Args:
        optimizer: a ``torch.optim.Optimizer``.
        schedules: see above; or an ``lf.plateau`` alone.
        plateau: a metric-driven factor on ``"lr"``.
        total_steps: the run's number of updates, to bind recipes to.

    Raises:
        TypeError: a non-optimizer, a bad ``schedules`` form, a value that is neither a
            real number nor a floating-point tensor, or a recipe without ``total_steps``
            (:class:`lrfunc.UnboundRecipeError`).
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
        >>> recipe = lf.chain(lf.warmup(lf.frac(0.1)), lf.cosine(lf.frac(0.9)))
        >>> lf.Scheduler(opt, recipe, total_steps=50).schedules["lr"]
        [chain(warmup(5), cosine(45))]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        schedules: Schedules | plateau | None = None,
        *,
        plateau: plateau | None = None,
        total_steps: int | None = None,
    ) -> None:
        # LRScheduler.__init__ is not called on purpose: it patches optimizer.step to
        # detect the call order, and steps once through get_lr.
        if not isinstance(untyped(optimizer), Optimizer):
            raise TypeError(
                f"optimizer must be a torch.optim.Optimizer, got {type(optimizer).__name__}"
            )
        schedules, config = split_plateau(schedules, plateau)
        self.optimizer = optimizer
        self._n_groups = len(optimizer.param_groups)
        self._plan = make_plan(optimizer, schedules, total_steps)
        self._targets = self._plan.writes
        device = self._plan.device
        # The step on the device path, and on the host (None: only the device knows it).
        self._step = None if device is None else torch.zeros((), dtype=torch.int64, device=device)
        self._count: int | None = 0
        self._cuda = device is not None and device.type == "cuda"
        self._captured = False  # once captured, graph replays advance the step unseen
        targets, n = self._plan.targets, self._n_groups
        self._plateau = None if config is None else PlateauFactor(config, targets, n, device)
        self._step_count = 1  # torch's count of step() calls, as after its initial step
        self._plan.record_initial_lr(optimizer.param_groups)
        self._write()

    # -- the step ----------------------------------------------------------------------

    def step(self, metric: Any = None, /, *, advance: int | bool | Tensor = 1) -> None:  # pyright: ignore[reportIncompatibleMethodOverride] -- metric first, as ReduceLROnPlateau.step; torch's epoch argument is deprecated
        """Count ``advance`` optimizer updates and write the schedules' new values.

        Args:
            metric: the monitored value, for a ``plateau`` (torch's
                ``ReduceLROnPlateau.step(metrics)``); else ``None`` (an old ``step(epoch)``
                call is an error). ``advance=0`` feeds a metric without counting an update.
            advance: updates made: ``1``; ``0`` holds the step (a GradScaler skipped the
                update). With tensor hyperparameters a 0/1 tensor holds it without a host
                sync (see docs/adapter.md); the step is then known on the device only.

        Raises:
            TypeError: a ``metric`` without a plateau; an ``advance`` not an int or tensor.
            ValueError: a negative ``advance`` or one of several elements; param groups
                added to the optimizer after this scheduler was built.
        """
        if len(self.optimizer.param_groups) != self._n_groups:
            raise _groups_changed(len(self.optimizer.param_groups), self._n_groups)
        if isinstance(advance, Tensor) and advance.numel() != 1:  # a shape: no sync
            raise ValueError(
                f"advance must be a one-element tensor (0 or 1), got shape {list(advance.shape)}"
            )
        if metric is not None:
            if self._plateau is None:
                raise _no_plateau(metric)
            self._plateau.observe(metric)
        compiling = torch.compiler.is_compiling()
        if not compiling:  # a Python int read in a trace would recompile at every step
            self._step_count += 1
        step = self._step
        if step is None:  # some value is a float: the step lives on the host only
            assert self._count is not None
            self._count += _check_advance(advance)
        elif isinstance(advance, Tensor):
            step.add_(advance.reshape(()).to(device=step.device, dtype=step.dtype))
            self._count = None
        else:
            n = _check_advance(advance)
            step.add_(n)
            if not compiling and self._count is not None:
                self._count += n
        self._write()

    def _host_step(self) -> int | None:
        """The step, where this call may compute on the host; else ``None``."""
        if self._step is None:
            return self._count
        if torch.compiler.is_compiling():
            return None
        if self._cuda and torch.cuda.is_current_stream_capturing():
            self._captured = True
        return None if self._captured else self._count

    def _write(self) -> None:
        k = self._host_step()
        if k is None:
            self._count = None
        elif k < 0:  # torch's "not started yet": SequentialLR holds this scheduler back
            return
        groups, plateau = self.optimizer.param_groups, self._plateau
        for t in self._targets:
            if k is None:
                value = t.schedule(self._step, t.base)
            else:
                # The host step is an int >= 0 and the base a checked float, as the
                # step convention leaves them: the public formula, without re-checking.
                value = float(t.schedule.formula(k, t.host))
            if plateau is not None and t.key.key == "lr":
                value = plateau.scale(t.g, value)
            write(groups[t.g], t.key.name, t.key.member, value)

    def _set_step(self, step: int) -> None:
        if self._step is not None:
            self._step.fill_(step)
        self._count = step
        self._write()

    def _rebase(self, bases: Mapping[str, Sequence[float | None]]) -> None:
        self._plan.rebase(bases)
        self._targets = self._plan.writes
        if self._plateau is not None:
            self._plateau.rebase(self._plan.targets)
        self._plan.record_initial_lr(self.optimizer.param_groups)

    # -- torch's LRScheduler API -------------------------------------------------------

    @property
    def last_epoch(self) -> int:
        """The step, as torch names it: optimizer updates counted so far. Settable: the
        groups then hold the values of that step (``-1``: torch's "not started")."""
        if self._count is not None and not self._captured:
            return self._count
        assert self._step is not None
        count = int(self._step.item())  # one sync; the host knows the step again
        if not self._captured:
            self._count = count
        return count

    @last_epoch.setter
    def last_epoch(self, step: int) -> None:
        if not isinstance(untyped(step), int) or isinstance(step, bool) or step < -1:
            raise ValueError(f"last_epoch must be an int >= 0 (or torch's -1), got {step!r}")
        self._set_step(step)

    def _update_lr(self, epoch: int | None = None) -> None:
        # torch's hook: SequentialLR calls _update_lr(0) on the scheduler of a milestone.
        if epoch is None:
            self.step()
        else:
            self.last_epoch = epoch

    @property
    def schedules(self) -> dict[str, list[Schedule | None]]:
        """What drives each key, one schedule (``None``: left alone) per param group;
        recipes as bound to ``total_steps``."""
        return {key.key: list(per) for key, per in self._plan.keys.items()}

    @property
    def step_tensor(self) -> Tensor | None:
        """The step counter of the device path (an ``int64`` tensor), else ``None``."""
        return self._step

    @property
    def base_lrs(self) -> list[float | Tensor]:
        """Each group's base lr (its current lr where ``"lr"`` is not scheduled). Settable
        (one value per group; groups whose lr is not scheduled ignore theirs)."""
        bases = self.get_last_lr()
        for t in self._plan.targets:
            if t.key.key == "lr":
                bases[t.g] = t.base_like_value()
        return bases

    @base_lrs.setter
    def base_lrs(self, values: Sequence[float | Tensor]) -> None:
        values = list(values)
        if len(values) != self._n_groups:
            raise ValueError(f"base_lrs needs one value per param group ({self._n_groups})")
        self._rebase({"lr": [float(v) for v in values]})
        self._write()

    def get_last_lr(self) -> list[float | Tensor]:
        """Each group's lr now (tensors are copies that never alias the optimizer's)."""
        lrs = [group["lr"] for group in self.optimizer.param_groups]
        return [lr.clone() if isinstance(lr, Tensor) else lr for lr in lrs]

    @property
    def _last_lr(self) -> list[float | Tensor]:
        return self.get_last_lr()

    def get_lr(self) -> list[float | Tensor]:
        """The same as :meth:`get_last_lr` (the values are a function of the step)."""
        return self.get_last_lr()

    def state_dict(self) -> dict[str, Any]:
        """The state as plain data: the step and the base values (``torch.load`` reads it
        with ``weights_only=True``). Where only the device knows the step, one sync."""
        step = self.last_epoch
        state: dict[str, Any] = {
            "version": VERSION,
            "step": None if step < 0 else step,  # None: not started (torch's -1)
            "param_groups": self._n_groups,
            "base_values": self._plan.bases(),
        }
        if self._plateau is not None:
            state["plateau"] = self._plateau.state_dict()
        return state

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Restore the step and base values and write the schedules' values for that step.

        A ``torch.optim.lr_scheduler`` state (``last_epoch``, ``base_lrs``, ...) carries
        its ``last_epoch`` over as the step when its ``base_lrs`` are this scheduler's.

        Raises:
            ValueError: a state that is not a ``Scheduler``'s, or one with other param
                groups or other scheduled keys; a torch state with other base lrs, or a
                ``ReduceLROnPlateau``'s (the message says how to carry the step by hand).
        """
        if is_torch_state(state_dict):
            self.last_epoch = torch_step(state_dict, self._plan.targets, self._n_groups)
            return
        # Everything is checked first: a bad state leaves the scheduler as it was.
        step, saved = check_state(state_dict, self._plan.keys, self._n_groups)
        plateau_state = state_dict.get("plateau")
        if self._plateau is None and plateau_state is not None:
            raise ValueError("the state has a plateau but this scheduler has none")
        plateau_values = None if self._plateau is None else self._plateau.checked(plateau_state)
        self._rebase(saved)
        if self._plateau is not None and plateau_values is not None:
            self._plateau.load(plateau_values)
        self._set_step(-1 if step is None else step)

    def __repr__(self) -> str:
        keys = ", ".join(repr(k.key) for k in self._plan.keys)
        name = type(self.optimizer).__name__
        return f"<lrfunc.Scheduler of {name} ({keys}), step {self.last_epoch}>"


def _no_plateau(metric: Any) -> TypeError:
    return TypeError(
        f"Scheduler.step got a metric ({metric!r}) but it has no plateau to read it; call "
        "step() without arguments (the deprecated step(epoch) form is not supported), or "
        "build it with plateau=lf.plateau(...)"
    )


def _groups_changed(now: int, built: int) -> ValueError:
    return ValueError(
        f"the optimizer has {now} param groups but this Scheduler was built for {built}: "
        "a group added later (optimizer.add_param_group) would run unscheduled. Build a new "
        "Scheduler for all the groups and carry the step over: "
        "new.last_epoch = old.last_epoch"
    )


def _check_advance(advance: Any) -> int:
    if isinstance(advance, int):
        if advance < 0:
            raise ValueError(f"advance must be >= 0 (updates made), got {advance}")
        return int(advance)  # a bool counts as 0 or 1
    if isinstance(advance, Tensor):  # read on the host: some value is a Python float
        return _check_advance(int(advance))
    raise TypeError(
        f"advance must be an int, a bool or a tensor, got {advance!r} ({type(advance).__name__})"
    )
