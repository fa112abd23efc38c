"""Side-by-side timing: cases run interleaved in one process, after warm-up.

Each round times every case once (``number`` calls each, order rotated per round), so
slow drifts of the machine hit all cases alike. A ratio is computed per round (paired) and
reported as its median with the interquartile range as the spread.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["Row", "Timing", "format_row", "interleaved", "ratio", "run_alone"]


@dataclass(frozen=True)
class Timing:
    """Per-call seconds of one case, one sample per round."""

    samples: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)


@dataclass(frozen=True)
class Row:
    """One line of the results table."""

    benchmark: str
    figure: str
    value: str
    spread: str
    goal: str = ""
    met: str = ""


def _quartiles(values: list[float]) -> tuple[float, float, float]:
    if len(values) < 4:
        m = statistics.median(values)
        return min(values), m, max(values)
    q1, q2, q3 = statistics.quantiles(values, n=4)
    return q1, q2, q3


def interleaved(
    cases: dict[str, Callable[[], object]],
    *,
    number: int,
    rounds: int,
    warmup: int = 1,
) -> dict[str, Timing]:
    """Time ``cases`` side by side: ``rounds`` rounds of ``number`` calls each."""
    names = list(cases)
    for _ in range(warmup):
        for name in names:
            for _ in range(number):
                cases[name]()
    samples: dict[str, list[float]] = {name: [] for name in names}
    for r in range(rounds):
        order = names[r % len(names) :] + names[: r % len(names)]
        for name in order:
            fn = cases[name]
            start = time.perf_counter()
            for _ in range(number):
                fn()
            samples[name].append((time.perf_counter() - start) / number)
    return {name: Timing(tuple(s)) for name, s in samples.items()}


def ratio(numerator: Timing, denominator: Timing) -> tuple[float, float, float]:
    """Median and interquartile range of the per-round ratios numerator/denominator."""
    per_round = [a / b for a, b in zip(numerator.samples, denominator.samples, strict=True)]
    q1, median, q3 = _quartiles(per_round)
    return median, q1, q3


def format_seconds(seconds: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6), ("ns", 1e-9)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds:.3g} s"


def format_row(row: Row) -> str:
    """One result row as a line of the printed table."""
    return (
        f"   {row.benchmark[:40]:<40} {row.figure:<45} {row.value:>10}  {row.spread}"
        f"  {row.goal} {row.met}"
    )


def run_alone(run: Callable[[bool], list[Row]], description: str | None) -> None:
    """``python -m bench.bench_x [--quick]``: one benchmark module, printed."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="tiny sizes (smoke test)")
    for row in run(parser.parse_args().quick):
        print(format_row(row), flush=True)
