"""``make bench``: run every benchmark, print one table, write bench/RESULTS.md.

Reproduce: ``make bench`` (or ``python -m bench.run [--quick] [--only NAME ...] [--out PATH]``).
Only a full run writes bench/RESULTS.md by default; a ``--quick`` or ``--only`` run prints
its report to stdout (or writes it to ``--out PATH``), so the committed table is never
replaced by a partial one.
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import os
import platform
import sys
import time
from pathlib import Path

import torch

import lrfunc

from ._timing import Row, format_row

RESULTS = Path(__file__).with_name("RESULTS.md")
MODULES = (
    "bench_scheduler",
    "bench_trajectory",
    "bench_compile",
    "bench_depth",
    "bench_optax",
)


def _environment(load_at_start: str) -> list[str]:
    cpu = platform.processor() or platform.machine()
    return [
        f"- date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC",
        f"- machine: {platform.system()} {platform.machine()}, {cpu}, {os.cpu_count()} cores",
        f"- python {platform.python_version()}, torch {torch.__version__}, lrfunc {lrfunc.__version__}",
        f"- torch threads: {torch.get_num_threads()}; CUDA: "
        + (torch.cuda.get_device_name() if torch.cuda.is_available() else "none"),
        f"- load average (1, 5, 15 min) at start: {load_at_start}; at end: {_load()}",
    ]


def _load() -> str:
    try:
        return ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:  # not on every platform
        return "unknown"


def _table(rows: list[Row]) -> list[str]:
    lines = [
        "| benchmark | figure | value | spread / note | goal | met |",
        "|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {r.benchmark} | {r.figure} | {r.value} | {r.spread} | {r.goal} | {r.met} |"
        for r in rows
    ]
    return lines


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny sizes (smoke test)")
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help=f"where to write the report (default: {RESULTS} for a full run, stdout otherwise)",
    )
    parser.add_argument(
        "--only", nargs="+", default=None, choices=MODULES, metavar="NAME", help="modules to run"
    )
    args = parser.parse_args(argv)
    partial = args.quick or args.only is not None
    out: Path | None = args.out if args.out is not None or partial else RESULTS
    rows: list[Row] = []
    notes: list[str] = []
    load_at_start = _load()
    started = time.perf_counter()
    for name in args.only or MODULES:
        module = importlib.import_module(f"bench.{name}")
        print(f"== {name}", flush=True)
        module_rows = module.run(args.quick)
        for row in module_rows:
            print(format_row(row), flush=True)
        rows += module_rows
        notes += getattr(module, "NOTES", [])
    elapsed = time.perf_counter() - started
    command = "make bench" if not partial else "python -m bench.run " + " ".join(argv or [])
    text = [
        "# lrfunc benchmark results",
        "",
        f"Written by `{command}` in {elapsed:.0f} s. Every figure compares lrfunc with the",
        "alternative measured in the same process, interleaved, after warm-up (medians; the",
        "spread is the interquartile range of per-round ratios where a ratio is given).",
        "",
        *_environment(load_at_start),
        "",
        *_table(rows),
        "",
        *(["## Gaps and limits", "", *(f"- {note}" for note in notes), ""] if notes else []),
    ]
    if out is None:
        print(
            f"\n(a partial run: report below, {RESULTS.name} left as it is; --out PATH saves it)\n"
        )
        print("\n".join(text))
        return
    out.write_text("\n".join(text))
    print(f"wrote {out} ({elapsed:.0f} s)")


if __name__ == "__main__":
    main(sys.argv[1:])
