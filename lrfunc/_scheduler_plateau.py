"""The ``plateau`` part of ``Scheduler``: a per-group factor on ``"lr"`` fed by metrics.

:class:`PlateauFactor` holds the tensor state of :func:`plateau_update` (on the device of
the scheduler's tensor path, else the CPU) and each group's factor as a Python float when
it can be read without a device sync (the state is on the CPU and nothing is traced).
"""

from __future__ import annotations

from typing import Any

import torch
from torch import Tensor

from ._basic import constant
from ._plan import Target
from ._plateau import PlateauState, plateau, plateau_init, plateau_update
from ._typed_torch import tolist
from ._validate import is_mapping

__all__ = ["PlateauFactor", "split_plateau"]


def split_plateau(schedules: Any, config: Any) -> tuple[Any, plateau | None]:
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


class PlateauFactor:
    """Each group's plateau factor on ``"lr"``, updated by :meth:`observe`."""

    def __init__(self, config: plateau, targets: list[Target], n_groups: int, device: Any) -> None:
        self.config = config
        self.bases = _lr_bases(targets, n_groups)
        self.state: PlateauState = plateau_init(config, self.bases, device=device)
        self.on_cpu = self.state["factor"].device.type == "cpu"
        self.host: list[float] | None = [1.0] * n_groups

    def observe(self, metric: Any) -> None:
        self.state = plateau_update(self.state, metric, self.config, self.bases)
        self._read_host()

    def _read_host(self) -> None:
        # Reading a CPU tensor is no device sync; under tracing it would break the graph.
        readable = self.on_cpu and not torch.compiler.is_compiling()
        self.host = tolist(self.state["factor"]) if readable else None

    def scale(self, g: int, value: float | Tensor) -> float | Tensor:
        """``value`` times group ``g``'s factor: a float where both are on the host."""
        if self.host is not None and not isinstance(value, Tensor):
            return value * self.host[g]
        return self.state["factor"][g] * value

    def rebase(self, targets: list[Target]) -> None:
        """Take new base values (a loaded state's); the state restarts."""
        self.bases = _lr_bases(targets, len(self.bases))
        self.state = plateau_init(self.config, self.bases, device=self.state["factor"].device)
        self.host = [1.0] * len(self.bases)

    def state_dict(self) -> dict[str, Any]:
        return {k: tolist(v) for k, v in self.state.items()}

    def checked(self, saved: Any) -> dict[str, Tensor]:
        """A saved plateau state as tensors like this one's, checked before anything of a
        loaded state is applied (a bad state leaves the scheduler as it was)."""
        if not is_mapping(saved) or set(saved) != set(self.state):
            raise ValueError(
                "this scheduler has a plateau; the state must carry its "
                f"{sorted(self.state)}, got {saved!r:.200}"
            )
        values: dict[str, Tensor] = {}
        for name, current in self.state.items():
            try:
                value = torch.as_tensor(saved[name], dtype=current.dtype, device=current.device)
            except (TypeError, ValueError, RuntimeError, OverflowError) as exc:
                raise ValueError(f"the state's plateau {name!r} is not numbers: {exc}") from None
            if value.shape != current.shape:
                raise ValueError(
                    f"the state's plateau {name!r} has shape {list(value.shape)}, "
                    f"expected {list(current.shape)}"
                )
            values[name] = value
        return values

    def load(self, values: dict[str, Tensor]) -> None:
        """Take a state from :meth:`checked`."""
        for name, current in self.state.items():
            current.copy_(values[name])
        self._read_host()


def _lr_bases(targets: list[Target], n_groups: int) -> list[float]:
    bases: list[float | None] = [None] * n_groups
    for target in targets:
        if target.key.key == "lr":
            bases[target.g] = target.host
    if all(b is None for b in bases):
        raise ValueError("plateau drives 'lr', but no param group's 'lr' is scheduled")
    # A group whose lr is not scheduled keeps a factor it never uses.
    return [1.0 if b is None else b for b in bases]
