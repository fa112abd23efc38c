"""Compiled code: a schedule's value computed once, not inside every loop that reads it.

Inductor fuses pointwise producers into their consumers: left alone, ``p - lr * g`` with
``lr = sched(step, base_lr)`` evaluates the whole schedule (float64, ``cos`` and all) once
per vector of every parameter it updates. Inductor keeps a value in memory (a buffer it
stores once and loads where it is read) only when a heuristic says so (several readers
*and* many reads or ops, or an exp/log on CPU), and a schedule used by one reader, or
short enough, never qualifies. ``as_strided`` is the one standard op whose lowering
realizes its input, on every Inductor since torch 2.0; the ``clone`` after it keeps the
value from being a view, which a compiled function returning it would re-create on each
call. Outside ``torch.compile`` nothing is done: eager torch never fuses.
"""

from __future__ import annotations

import torch
from torch import Tensor

__all__ = ["realized"]


def realized(value: Tensor) -> Tensor:
    """``value``; under ``torch.compile``, stored once where Inductor would inline it."""
    if not torch.compiler.is_compiling():
        return value
    return torch.as_strided(value, value.shape, value.stride()).clone()
