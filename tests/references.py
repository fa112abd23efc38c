"""Reference formulas of other libraries, re-implemented from their published source for
the tests that compare lrfunc with them (one copy each, shared by the test modules)."""

from __future__ import annotations

import math


def timm_cosine(
    t,
    *,
    base,
    t_initial,
    lr_min=0.0,
    cycle_mul=1.0,
    cycle_decay=1.0,
    cycle_limit=1,
    warmup_t=0,
    warmup_lr_init=0.0,
    warmup_prefix=False,
):
    """timm/scheduler/cosine_lr.py: CosineLRScheduler._get_lr (k_decay=1), timm 1.0.31:
    ``cycle_limit=0`` runs no cycle (``lr_min`` everywhere)."""
    if t < warmup_t:
        return warmup_lr_init + t * (base - warmup_lr_init) / warmup_t
    if warmup_prefix:
        t = t - warmup_t
    if cycle_mul != 1:
        i = math.floor(math.log(1 - t / t_initial * (1 - cycle_mul), cycle_mul))
        t_i = cycle_mul**i * t_initial
        t_curr = t - (1 - cycle_mul**i) / (1 - cycle_mul) * t_initial
    else:
        i = t // t_initial
        t_i = t_initial
        t_curr = t - (t_initial * i)
    lr_max = base * cycle_decay**i
    if i < cycle_limit:
        return lr_min + 0.5 * (lr_max - lr_min) * (1 + math.cos(math.pi * t_curr / t_i))
    return lr_min
