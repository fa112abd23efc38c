"""One write into a param group, shared by ``Scheduler`` and ``apply_schedules``.

A tensor hyperparameter is updated in place (``copy_`` from a tensor value, ``fill_`` from
a Python number): never replaced and never aliased, and it keeps its dtype, so a compiled
optimizer or a captured CUDA graph that holds it sees the new value. A Python number stays
a Python float; a member of a tuple-valued key (``betas[0]``) is written by rebuilding the
tuple.
"""

from __future__ import annotations

from typing import Any

from torch import Tensor

from ._realize import realized

__all__ = ["write"]


def write(group: dict[str, Any], name: str, member: int | None, value: float | Tensor) -> None:
    """Write ``value`` into ``group[name]`` (or its member ``member``).

    Raises:
        TypeError: a tensor ``value`` for a hyperparameter that is a Python number (it
            would be stored by reference and alias the schedule's result).
    """
    current = group[name]
    slot = current if member is None else current[member]
    # Floats first: isinstance(x, Tensor) is slow (torch.Tensor's metaclass checks it).
    if isinstance(slot, float) or not isinstance(slot, Tensor):
        if not isinstance(value, float):
            if isinstance(value, Tensor):
                where = name if member is None else f"{name}[{member}]"
                raise TypeError(
                    f"param group key {where!r} is a Python number but its value here is a "
                    "tensor; make the hyperparameter a tensor (e.g. lr=torch.tensor(3e-4)) "
                    "for the tensor path"
                )
            value = float(value)
        if member is None:
            group[name] = value
        else:
            members = list(current)
            members[member] = value
            group[name] = type(current)(members)
    elif isinstance(value, Tensor):
        # Cast, then stored once: under torch.compile the updates that read the slot load
        # the value instead of recomputing the cast (or more) per element.
        slot.copy_(realized(value.to(slot.dtype)))
    else:
        slot.fill_(value)
