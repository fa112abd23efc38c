"""bench/bench_compile.py --quick runs end to end (a smoke test, not a measurement)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_bench_compile_quick() -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bench_compile.py"), "--quick"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout
    for name in ("lrfunc in graph", "constant lr", "torch scheduler"):
        assert name in out
    assert "compile time of the schedule alone" in out
    assert "GPU" in out
    # No variant recompiled after warm-up (the recompiles column is all 0).
    rows = [
        line.split()
        for line in out.splitlines()
        if line.startswith(("lrfunc", "constant", "torch s"))
    ]
    assert rows and all(row[-2] == "0" for row in rows), out
