"""Trajectory: the LR of every step of a long run, three ways, in one process.

- lrfunc, vectorised: one call ``sched(torch.arange(n), base_lr)``;
- lrfunc, number path: ``sched(k, base_lr)`` in a Python loop;
- torch: ``SequentialLR(LinearLR, CosineAnnealingLR)`` stepped ``n`` times, reading
  ``get_last_lr()`` each step (what it takes to know a torch schedule's values).

And the vectorised call against what a user would write by hand, interleaved: the same
warmup + cosine as one float64 torch expression over the same integer steps, and
``constant()`` over 10x more steps against ``torch.full`` (the step convention's own cost).

Reproduce: ``python -m bench.bench_trajectory [--quick]``.
"""

from __future__ import annotations

import math
import time
import warnings

import torch

import lrfunc as lf

from ._timing import Row, format_seconds, interleaved, ratio, run_alone

WARMUP = 1_000


def _torch_trajectory(steps: int, base_lr: float, total: int) -> list[float]:
    """``steps`` LRs of torch's warmup + cosine over ``total`` steps."""
    param = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([param], lr=base_lr)
    sched = torch.optim.lr_scheduler.SequentialLR(
        opt,
        [
            torch.optim.lr_scheduler.LinearLR(opt, 1 / (WARMUP + 1), 1.0, total_iters=WARMUP),
            torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=total - WARMUP),
        ],
        milestones=[WARMUP],
    )
    out = []
    # No optimizer.step() between scheduler steps: only the schedule is timed.
    warnings.filterwarnings(
        "ignore", message="Detected call of `lr_scheduler.step", category=UserWarning
    )
    for _ in range(steps):
        out.append(sched.get_last_lr()[0])
        sched.step()
    return out


def _by_hand(steps: torch.Tensor, base_lr: float, total: int) -> torch.Tensor:
    """Warmup + cosine as one float64 torch expression, as a user would write it."""
    s = steps.to(torch.float64)
    start = 1 / (WARMUP + 1)
    warm = base_lr * (start + (1 - start) * s.clamp(max=WARMUP) / WARMUP)
    t = (s - WARMUP).clamp(0, total - WARMUP) / (total - WARMUP)
    cos = base_lr * 0.5 * (1 + torch.cos(math.pi * t))
    return torch.where(s < WARMUP, warm, cos).to(torch.get_default_dtype())


def _by_hand_rows(sched: lf.Schedule, grid: torch.Tensor, base_lr: float, quick: bool) -> list[Row]:
    steps = len(grid)
    by_hand = _by_hand(grid, base_lr, steps)
    torch.testing.assert_close(sched(grid, base_lr), by_hand, rtol=1e-6, atol=0)
    rounds = 3 if quick else 15
    t = interleaved(
        {"lrfunc": lambda: sched(grid, base_lr), "by hand": lambda: _by_hand(grid, base_lr, steps)},
        number=1,
        rounds=rounds,
    )
    median, q1, q3 = ratio(t["lrfunc"], t["by hand"])
    rows = [
        Row(
            f"trajectory, {steps:,} steps",
            "lrfunc vectorised / float64 torch expression by hand",
            f"{median:.2f}x",
            f"IQR {q1:.2f}-{q3:.2f}; {format_seconds(t['lrfunc'].median)} vs "
            f"{format_seconds(t['by hand'].median)}",
        )
    ]
    many = torch.arange(10 * steps)
    constant = lf.constant()
    t = interleaved(
        {
            "lrfunc": lambda: constant(many, base_lr),
            "fill": lambda: torch.full(many.shape, base_lr),
        },
        number=1,
        rounds=rounds,
    )
    median, q1, q3 = ratio(t["lrfunc"], t["fill"])
    rows.append(
        Row(
            f"trajectory, constant(), {len(many):,} steps",
            "lrfunc vectorised / torch.full",
            f"{median:.1f}x",
            f"IQR {q1:.1f}-{q3:.1f}; {format_seconds(t['lrfunc'].median)} vs "
            f"{format_seconds(t['fill'].median)}; float64 steps made from the int64 ones",
        )
    )
    return rows


def _best_of(fn, repeats: int) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def run(quick: bool = False) -> list[Row]:
    steps = 10_000 if quick else 1_000_000
    torch_steps = steps if quick else 100_000
    base_lr = 3e-4
    sched = lf.chain(lf.warmup(WARMUP), lf.cosine(steps - WARMUP))
    grid = torch.arange(steps)

    vectorised = _best_of(lambda: sched(grid, base_lr), 3 if quick else 10)
    numbers = _best_of(lambda: [sched(k, base_lr) for k in range(steps)], 1)
    # Stepping torch is linear in the step count; time a prefix and scale to `steps`.
    stepped = (
        _best_of(lambda: _torch_trajectory(torch_steps, base_lr, steps), 1) * steps / torch_steps
    )

    reference = _torch_trajectory(2_000, base_lr, steps)
    ours = sched(
        torch.arange(2_000, dtype=torch.float64), torch.tensor(base_lr, dtype=torch.float64)
    )
    agree = max(abs(a - b) / b for a, b in zip(ours.tolist(), reference, strict=True))

    name = f"trajectory, {steps:,} steps"
    note = f"torch timed on {torch_steps:,} steps, scaled" if torch_steps != steps else ""
    return [
        Row(name, "lrfunc vectorised", format_seconds(vectorised), "best of runs"),
        Row(name, "lrfunc number path loop", format_seconds(numbers), "one run"),
        Row(name, "torch SequentialLR stepped", format_seconds(stepped), note or "one run"),
        Row(
            name,
            "speed-up vectorised vs stepping torch",
            f"{stepped / vectorised:,.0f}x",
            "",
            ">= 100x",
            "yes" if stepped / vectorised >= 100 else "no",
        ),
        Row(name, "speed-up number loop vs stepping torch", f"{stepped / numbers:.1f}x", ""),
        Row(name, "max relative difference to torch (2,000 steps)", f"{agree:.1e}", ""),
        *_by_hand_rows(sched, grid, base_lr, quick),
    ]


if __name__ == "__main__":
    run_alone(run, __doc__)
