"""Smoke test: every benchmark of ``make bench`` runs on tiny sizes and writes its table.

Timings are never asserted here (benchmarks report them); only that each benchmark runs
and produces rows.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import run as bench_run


@pytest.mark.slow
def test_bench_runner_writes_results(tmp_path: Path) -> None:
    out = tmp_path / "RESULTS.md"
    bench_run.main(["--quick", "--out", str(out)])
    text = out.read_text()
    assert "| benchmark | figure |" in text
    for name in bench_run.MODULES:
        assert f"== {name}" not in text  # progress goes to stdout, not the file
    assert "trajectory" in text and "depth scaling" in text
