"""Scaling with depth: chains of 1, 4, 16 and 64 pieces, three ways.

Per call: the number path ``sched(k)``, the eager tensor path ``sched(step_tensor)`` on a
0-dim tensor, and ``torch.compile(fullgraph=True)`` of the same call. Costs are reported
per call and relative to the 1-piece chain (goal: compiled flat in depth, eager linear or
better).

Reproduce: ``python -m bench.bench_depth [--quick]``.
"""

from __future__ import annotations

import time

import torch

import lrfunc as lf

from ._timing import Row, format_seconds, interleaved, run_alone

DEPTHS = (1, 4, 16, 64)


def deep_chain(pieces: int) -> lf.Schedule:
    """``pieces`` alternating linear and cosine phases of 100 steps each."""
    parts = [lf.linear(100, start=1.0, end=0.5) if i % 2 else lf.cosine(100) for i in range(pieces)]
    return lf.chain(*parts) if pieces > 1 else parts[0]


def run(quick: bool = False) -> list[Row]:
    depths = DEPTHS[:2] if quick else DEPTHS
    rows: list[Row] = []
    costs: dict[str, dict[int, float]] = {"number": {}, "tensor": {}, "compiled": {}}
    for depth in depths:
        sched = deep_chain(depth)
        step = torch.tensor(50 * depth)
        base_lr = torch.tensor(3e-4)
        compiled = torch.compile(lambda s, b, sched=sched: sched(s, b), fullgraph=True)
        start = time.perf_counter()
        compiled(step, base_lr)
        compile_seconds = time.perf_counter() - start
        timings = interleaved(
            {
                "number": lambda sched=sched, depth=depth: sched(50 * depth, 3e-4),
                "tensor": lambda sched=sched, step=step, b=base_lr: sched(step, b),
                "compiled": lambda compiled=compiled, step=step, b=base_lr: compiled(step, b),
            },
            number=20 if quick else 200,
            rounds=5 if quick else 15,
        )
        for path, timing in timings.items():
            costs[path][depth] = timing.median
        rows.append(
            Row(
                f"depth {depth}",
                "number / eager tensor / compiled per call",
                " / ".join(
                    format_seconds(timings[p].median) for p in ("number", "tensor", "compiled")
                ),
                f"compile {compile_seconds:.1f} s",
            )
        )
    deepest = depths[-1]
    for path, by_depth in costs.items():
        growth = by_depth[deepest] / by_depth[depths[0]]
        goal = "flat (<= 2x)" if path == "compiled" else f"linear (<= {deepest}x)"
        limit = 2.0 if path == "compiled" else float(deepest)
        rows.append(
            Row(
                "depth scaling",
                f"{path}: cost at depth {deepest} / depth {depths[0]}",
                f"{growth:.2f}x",
                "",
                goal,
                "yes" if growth <= limit else "no",
            )
        )
    return rows


if __name__ == "__main__":
    run_alone(run, __doc__)
