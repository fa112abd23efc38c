"""Smoke test: every benchmark of ``make bench`` runs on tiny sizes and writes its table.

Timings are never asserted here (benchmarks report them); only that each benchmark runs,
produces its rows, and that the behaviour it checks holds (lrfunc agrees with torch
before anything is timed; no recompiles after warm-up).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import run as bench_run


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_bench_runner_writes_results(tmp_path: Path) -> None:
    out = tmp_path / "RESULTS.md"
    bench_run.main(["--quick", "--out", str(out)])
    text = out.read_text()
    assert "| benchmark | figure |" in text
    assert "load average" in text
    for name in bench_run.MODULES:
        assert f"== {name}" not in text  # progress goes to stdout, not the file
    assert "trajectory" in text and "depth scaling" in text
    for name in ("StepLR", "CosineAnnealingLR", "OneCycleLR", "SequentialLR"):
        assert f"adapter step, {name}" in text
    assert "lrfunc compiled / torch eager" in text
    assert "lrfunc in graph / constant lr" in text
    recompiles = next(line for line in text.splitlines() if "recompiles after warm-up" in line)
    assert "| 0 |" in recompiles
    assert "CUDA graph replay" in text  # a measurement, or a 'skipped: no CUDA' row
    assert "optax trajectory" in text  # a measurement, or a 'skipped' row


def test_a_partial_run_leaves_results_md_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # bench_optax is the cheapest module: a 'skipped' row without jax, a short run with it.
    results = tmp_path / "RESULTS.md"
    results.write_text("the committed table")
    monkeypatch.setattr(bench_run, "RESULTS", results)
    bench_run.main(["--quick", "--only", "bench_optax"])
    assert results.read_text() == "the committed table"
    out = capsys.readouterr().out
    assert "| benchmark | figure |" in out and "optax trajectory" in out
    assert "python -m bench.run --quick --only bench_optax" in out
    bench_run.main(["--quick", "--only", "bench_optax", "--out", str(tmp_path / "part.md")])
    assert "optax trajectory" in (tmp_path / "part.md").read_text()
    assert results.read_text() == "the committed table"
