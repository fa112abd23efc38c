"""Every public schedule under ``torch.compile(fullgraph=True)``: eager == compiled.

All examples of :mod:`schedule_examples` are evaluated by ONE function, compiled once per
step dtype (two graphs in all), then called at every interesting step with
``error_on_recompile``: a 0-dim tensor step changes value, never shape or dtype, so
nothing may recompile. A new schedule is covered by adding it to ``schedule_examples``.
"""

from __future__ import annotations

import functools
import math

import pytest
import torch
from schedule_examples import EXAMPLES, all_steps, public_schedule_classes

import lrfunc as lf

# Inductor's first use imports torch.jit internals that warn (filterwarnings = error).
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:torch")

BASE_LR = 0.1
NAMES = [e.name for e in EXAMPLES]


def test_every_public_schedule_has_an_example() -> None:
    covered = {type(e.schedule) for e in EXAMPLES}
    missing = sorted(name for name, cls in public_schedule_classes().items() if cls not in covered)
    assert not missing, (
        f"public schedules with no entry in tests/schedule_examples.py EXAMPLES: {missing}"
    )


def test_example_names_are_unique() -> None:
    assert len(set(NAMES)) == len(NAMES)


def _all_lrs(step: torch.Tensor, base_lr: float | torch.Tensor) -> torch.Tensor:
    return torch.stack([e.schedule(step, base_lr) for e in EXAMPLES])


def _all_lrs_float_step(step: torch.Tensor) -> torch.Tensor:
    return _all_lrs(step, BASE_LR)


def _all_lrs_int_step(step: torch.Tensor, base_lr: torch.Tensor) -> torch.Tensor:
    return _all_lrs(step, base_lr)


@functools.cache
def _compiled_float_step():
    return torch.compile(_all_lrs_float_step, fullgraph=True)


@functools.cache
def _compiled_int_step():
    return torch.compile(_all_lrs_int_step, fullgraph=True)


def _reference(step: int) -> list[float]:
    return [e.schedule(step, BASE_LR) for e in EXAMPLES]


def _mismatches(got: torch.Tensor, want: list[float], rtol: float) -> list[str]:
    return [
        f"{name}: got {g!r}, want {w!r}"
        for name, g, w in zip(NAMES, got.tolist(), want, strict=True)
        if not math.isclose(g, w, rel_tol=rtol, abs_tol=1e-30)
    ]


@pytest.mark.slow
def test_compiled_equals_eager_float_step_without_recompiles() -> None:
    compiled = _compiled_float_step()
    with torch._dynamo.config.patch(error_on_recompile=True):
        for k in all_steps():
            step = torch.tensor(float(k), dtype=torch.float64)
            got = compiled(step)
            assert got.dtype == torch.float64 and got.shape == (len(EXAMPLES),)
            eager = _all_lrs_float_step(step).tolist()
            bad = _mismatches(got, eager, 1e-12)
            assert not bad, (k, bad)
            # ... and both equal the number path.
            bad = _mismatches(got, _reference(k), 1e-12)
            assert not bad, (k, bad)


@pytest.mark.slow
def test_compiled_int64_step_and_float32_base_lr_tensor() -> None:
    compiled = _compiled_int_step()
    base_lr = torch.tensor(BASE_LR, dtype=torch.float32)
    with torch._dynamo.config.patch(error_on_recompile=True):
        for k in all_steps():
            step = torch.tensor(k, dtype=torch.int64)
            got = compiled(step, base_lr)
            assert got.dtype == torch.float32
            eager = _all_lrs_int_step(step, base_lr)
            torch.testing.assert_close(got, eager, rtol=1e-6, atol=0)
            # float32 output within 1e-6 relative of the float64 number path (DESIGN §1).
            want = [w * float(base_lr) / BASE_LR for w in _reference(k)]
            bad = _mismatches(got, want, 2e-6)
            assert not bad, (k, bad)


@pytest.mark.slow
def test_compiled_schedule_built_inside_the_graph() -> None:
    # Building a schedule inside the compiled region (constructor checks included) must
    # not break the graph either; reuses one small graph.
    def fn(step: torch.Tensor) -> torch.Tensor:
        sched = lf.chain(lf.warmup(4), lf.cosine(8, end=0.1)) * 0.5
        return sched(step, 2.0)

    compiled = torch.compile(fn, fullgraph=True, backend="eager")
    with torch._dynamo.config.patch(error_on_recompile=True):
        for k in (0, 3, 4, 12, 10**9):
            step = torch.tensor(k)
            torch.testing.assert_close(compiled(step), fn(step), rtol=1e-12, atol=0)
