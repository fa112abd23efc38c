"""Time ``lf.Scheduler.step()`` against torch's ``SequentialLR(LinearLR, CosineAnnealingLR)``.

Both drive the same warmup-then-cosine schedule of an SGD optimizer with two param groups.
They run interleaved in one process after a warm-up, in rounds of ``--steps`` calls; the
report gives each side's median time per ``step()`` over the rounds and the ratio
lrfunc/torch (below 1 means lrfunc is faster), for a float lr and for a tensor lr.

Run: ``.venv/bin/python bench/bench_scheduler.py``
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

import torch
from torch.optim.lr_scheduler import CosineAnnealingLR, LinearLR, SequentialLR

import lrfunc as lf

WARMUP, TOTAL, START, END = 1_000, 1_000_000, 0.01, 0.1


def optimizer(tensor: bool) -> torch.optim.SGD:
    lr: Any = torch.tensor(0.1) if tensor else 0.1
    groups = [{"params": [torch.nn.Parameter(torch.zeros(1))]} for _ in range(2)]
    if tensor:  # one tensor per group (torch shares a default tensor between groups)
        groups[1]["lr"] = torch.tensor(0.05)
    return torch.optim.SGD(groups, lr=lr)


def torch_scheduler(tensor: bool) -> Callable[[], None]:
    opt = optimizer(tensor)
    scheduler = SequentialLR(
        opt,
        [
            LinearLR(opt, start_factor=START, end_factor=1.0, total_iters=WARMUP),
            CosineAnnealingLR(opt, T_max=TOTAL - WARMUP, eta_min=0.1 * END),
        ],
        milestones=[WARMUP],
    )
    opt.step()  # torch warns unless optimizer.step() came first
    return scheduler.step


def lrfunc_scheduler(tensor: bool) -> Callable[[], None]:
    sched = lf.chain(lf.linear(WARMUP, start=START), lf.cosine(TOTAL - WARMUP, end=END))
    return lf.Scheduler(optimizer(tensor), sched).step


def per_step(step: Callable[[], None], n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        step()
    return (time.perf_counter() - start) / n


def compare(tensor: bool, steps: int, rounds: int) -> tuple[float, float]:
    sides = {"torch": torch_scheduler(tensor), "lrfunc": lrfunc_scheduler(tensor)}
    for step in sides.values():
        per_step(step, steps)  # warm-up
    times: dict[str, list[float]] = {name: [] for name in sides}
    for r in range(rounds):
        order = list(sides) if r % 2 == 0 else list(reversed(sides))
        for name in order:
            times[name].append(per_step(sides[name], steps))
    return statistics.median(times["torch"]), statistics.median(times["lrfunc"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=2_000, help="step() calls per round")
    parser.add_argument("--rounds", type=int, default=21)
    args = parser.parse_args()
    torch.set_num_threads(1)
    print(f"torch {torch.__version__}; {args.rounds} rounds of {args.steps} steps; medians")
    print(f"{'lr':<8}{'torch us/step':>15}{'lrfunc us/step':>16}{'lrfunc/torch':>14}")
    for tensor in (False, True):
        t, f = compare(tensor, args.steps, args.rounds)
        kind = "tensor" if tensor else "float"
        print(f"{kind:<8}{t * 1e6:>15.2f}{f * 1e6:>16.2f}{f / t:>14.3f}")


if __name__ == "__main__":
    main()
