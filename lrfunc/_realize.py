"""Compiled code: a schedule's value computed once, not inside every loop that reads it.

Inductor fuses pointwise producers into their consumers: left alone, ``p - lr * g`` with
``lr = sched(step, base_lr)`` evaluates the whole schedule (float64, ``cos`` and all) once
per vector of every parameter it updates. Inductor keeps a value in memory (a buffer it
stores once and loads where it is read) only when a heuristic says so (several readers
*and* many reads or ops, or an exp/log on CPU), and a schedule used by one reader, or
short enough, never qualifies. ``as_strided`` is a standard op whose Inductor lowering
realizes its input (``x.realize()`` before it reinterprets the storage; read in torch
2.13's ``torch/_inductor/lowering.py``), so the schedule becomes one scalar computation
per step and the update loops load its value. ``tests/test_compile_once.py`` fails on a
torch where this stops holding. The ``clone`` makes the result a tensor of its own rather
than a view, as on the eager path; Inductor drops it again as a no-op (one store either
way). Outside ``torch.compile`` nothing is done: eager torch never fuses.
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
