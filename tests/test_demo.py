"""``make demo``: the compiled training step computes the schedule in its graph."""

from __future__ import annotations

import math

import pytest

from lrfunc import demo

pytestmark = [
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore::DeprecationWarning:torch"),
]

TINY = "--steps 24 --warmup 4 --samples 64 --batch 16 --hidden 8 --log-every 5"


def test_demo_runs_without_recompiles_and_uses_the_schedule(tmp_path) -> None:
    lines: list[str] = []
    png = tmp_path / "lr.png"
    result = demo.main(
        [*TINY.split(), "--png", str(png)],
        print_fn=lines.append,
    )
    assert result.graphs_at_warmup == 1
    assert result.recompiles == 0
    sched = demo.make_schedule(24, 4)
    assert len(result.lrs) == 24
    for k, lr in enumerate(result.lrs):
        assert math.isclose(lr, sched(k, result.base_lr), rel_tol=1e-6), k
    assert all(math.isfinite(x) for x in result.losses)
    text = "\n".join(lines)
    assert "recompiles after warm-up: 0" in text
    assert "step    20  lr" in text
    assert "|" in text and "*" in text  # the terminal plot
    pytest.importorskip("matplotlib")
    assert png.stat().st_size > 0


@pytest.mark.parametrize("kind", ["cosine", "wsd"])
def test_demo_schedules_span_the_run(kind: str) -> None:
    sched = demo.make_schedule(300, 30, kind)
    assert sched.steps == 300
    assert sched(30) == 1.0
    assert sched(299) < 0.11 and sched(299) == min(sched(k) for k in range(30, 300))
