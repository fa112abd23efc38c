"""User code as the README writes it, type-checked in strict mode by ``make typecheck``.

The library's own annotations must not make a user's checker reject documented calls:
a fraction of training where an int length is annotated, a list where boundaries are
declared, a recipe handed to ``lf.Scheduler`` with ``total_steps``. Importing this file
runs it too (pytest collects its doctests), so it stays valid code.
"""

from __future__ import annotations

import torch

import lrfunc as lf

recipe = lf.chain(lf.warmup(lf.frac(0.05)), lf.cosine(lf.frac(0.95), end=0.1))
wsd = lf.wsd(lf.frac(1.0), warmup=lf.frac(0.05), decay=lf.frac(0.2), shape="1-sqrt")
steps = lf.multistep([lf.frac(0.5), lf.frac(0.75)], gamma=0.1)
milestones = lf.multistep([30, 60], gamma=0.1)
values = lf.piecewise_constant([100, 200], [1.0, 0.5, 0.1])
epochs = lf.in_epochs(lf.step(30, gamma=0.1), 390)

bound: lf.Schedule = recipe.bind(20_000)
lr: float = bound(10, 3e-4)
length: int | None = bound.steps

opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
scheduler = lf.Scheduler(opt, {"lr": recipe, "weight_decay": wsd}, total_steps=20_000)
driven: dict[str, list[lf.Schedule | None]] = scheduler.schedules
