"""The library's own properties, written with lrfunc.testing: bounded, finite, monotone
where promised, homogeneous in base_lr, local time in chains, holding past the end, and
the same on the number and tensor paths (and compiled)."""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import lrfunc as lf
from lrfunc.testing import (
    assert_bounded,
    assert_compiled_matches,
    assert_continuous,
    assert_finite,
    assert_matches_reference,
    assert_monotone,
    assert_paths_agree,
    jumps,
)
from lrfunc.testing.strategies import base_lrs, schedules, steps

MAX_STEPS = 1_000
SETTINGS = settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

any_schedules = schedules(max_steps=MAX_STEPS)
finite_schedules = schedules(max_steps=MAX_STEPS, finite_only=True)
lengths = st.integers(1, MAX_STEPS)

#: Fields of a family member that hold factors of base_lr (the rest are lengths, steps,
#: rates and exponents).
FACTOR_FIELDS = ("value", "start", "end", "values", "peak", "min_value", "max_value")


def horizon(sched: lf.Schedule) -> int:
    """A range that covers where the schedule changes, and some of what follows."""
    return sched.steps + 64 if sched.steps is not None else 20 * MAX_STEPS


def peak(sched: lf.Schedule, base_lr: float = 1.0) -> float:
    """An upper bound of ``sched(k, base_lr)`` from its parameters alone."""
    if isinstance(sched, lf.chain):
        return max(peak(p, base_lr) for p in sched.schedules)
    if isinstance(sched, lf.product):  # later factors get base_lr = 1
        first, *rest = sched.schedules
        return peak(first, base_lr) * math.prod(peak(f) for f in rest)
    if isinstance(sched, lf.scale):
        return peak(sched.schedule, base_lr) * sched.factor
    if isinstance(sched, lf.clip):
        high = max(peak(sched.schedule, base_lr), base_lr * (sched.min or 0.0), sched.min_lr or 0.0)
        if sched.max is not None:
            high = min(high, base_lr * sched.max)
        return min(high, sched.max_lr) if sched.max_lr is not None else high
    if isinstance(sched, (lf.shift, lf.stretch, lf.kdecay, lf.repeat)):
        return peak(sched.schedule, base_lr)  # repeat's decay is drawn <= 1
    if isinstance(sched, lf.cooldown):
        return max(peak(sched.schedule, base_lr), base_lr * sched.end)
    if isinstance(sched, lf.noise):  # multiplies by 1 + eps, |eps| < pct
        return peak(sched.schedule, base_lr) * (1.0 + sched.pct)
    factors = [1.0]
    for name in FACTOR_FIELDS:
        value = getattr(sched, name, None)
        factors += value if isinstance(value, tuple) else [] if value is None else [value]
    return base_lr * max(float(v) for v in factors)


def has_absolute_bounds(sched: lf.Schedule) -> bool:
    if isinstance(sched, lf.clip) and (sched.min_lr is not None or sched.max_lr is not None):
        return True
    inner = getattr(sched, "schedules", None) or [getattr(sched, "schedule", None)]
    return any(isinstance(s, lf.Schedule) and has_absolute_bounds(s) for s in inner)


# -- bounded and finite ------------------------------------------------------------------


@SETTINGS
@given(any_schedules, base_lrs(), steps())
def test_bounded_by_its_parameters(sched: lf.Schedule, base_lr: float, k: int) -> None:
    high = peak(sched, base_lr)
    assert_bounded(sched, 0, horizon(sched), low=0.0, high=high, base_lr=base_lr)
    assert 0.0 <= sched(k, base_lr) <= high * (1 + 1e-9)


@SETTINGS
@given(any_schedules)
def test_finite_in_float64_and_float32(sched: lf.Schedule) -> None:
    assert_finite(sched, 0, horizon(sched))
    assert_finite(sched, 0, horizon(sched), dtype=torch.float32)


# -- monotone where promised -------------------------------------------------------------


@SETTINGS
@given(schedules(families=["cosine", "poly", "step", "multistep"], max_depth=0), base_lrs())
def test_decays_never_rise(sched: lf.Schedule, base_lr: float) -> None:
    assert_monotone(sched, 0, horizon(sched), increasing=False, base_lr=base_lr)


@SETTINGS
@given(schedules(families=["warmup"], max_depth=0), base_lrs())
def test_warmup_never_falls(sched: lf.warmup, base_lr: float) -> None:
    assert_monotone(sched, 0, horizon(sched), increasing=True, base_lr=base_lr)
    strict = sched.start is None or sched.start < 0.99  # else rounding may flatten it
    assert_monotone(sched, 0, sched.steps + 1, increasing=True, strict=strict)


@SETTINGS
@given(schedules(families=["linear", "exp"], max_depth=0))
def test_linear_and_exp_move_one_way(sched: lf.Schedule) -> None:
    if isinstance(sched, lf.linear):
        increasing = sched.end >= sched.start
    else:
        assert isinstance(sched, lf.exp)
        increasing = sched.gamma > 1.0
    assert_monotone(sched, 0, horizon(sched), increasing=increasing)


@SETTINGS
@given(schedules(families=["cosine", "poly", "linear"], max_depth=0), lengths)
def test_warmup_then_decay_is_continuous_and_peaks_at_the_join(decay: lf.Schedule, n: int) -> None:
    assume(getattr(decay, "start", 1.0) == 1.0)
    sched = lf.chain(lf.warmup(n), decay)
    assert_continuous(sched)
    assert_monotone(sched, 0, n + 1, increasing=True)
    assert_monotone(sched, n, horizon(sched), increasing=False)


@SETTINGS
@given(lengths, st.floats(0.0, 0.99))
def test_a_piece_that_starts_elsewhere_is_one_jump(n: int, value: float) -> None:
    (jump,) = jumps(lf.chain(lf.warmup(n), lf.constant(value)))
    assert (jump.step, jump.after) == (n, value)
    assert jump.before == pytest.approx(1.0, abs=1e-6)


# -- base_lr, local time, past the end ---------------------------------------------------


@SETTINGS
@given(any_schedules, base_lrs(), st.lists(steps(max_value=5 * MAX_STEPS), min_size=1))
def test_homogeneous_in_base_lr(sched: lf.Schedule, base_lr: float, ks: list[int]) -> None:
    assume(not has_absolute_bounds(sched))
    assert_matches_reference(sched, lambda k: base_lr * sched(k), ks, base_lr=base_lr)


@SETTINGS
@given(
    schedules(max_steps=MAX_STEPS, max_depth=1),
    schedules(max_steps=MAX_STEPS, max_depth=1),
    lengths,
)
def test_chain_pieces_run_in_local_time(a: lf.Schedule, b: lf.Schedule, t: int) -> None:
    sched = lf.chain(a, b, boundaries=[t])
    ks = [*range(max(t - 20, 0), t + 20), 0, 2 * t, 10 * t + 7]
    assert_matches_reference(sched, lambda k: a(k) if k < t else b(k - t), ks)
    assert sched(t) == b(0)


@SETTINGS
@given(finite_schedules, any_schedules)
def test_chain_without_boundaries_starts_each_piece_at_the_ends(
    a: lf.Schedule, b: lf.Schedule
) -> None:
    assert a.steps is not None
    sched = lf.chain(a, b)
    assert sched(a.steps) == b(0)
    assert sched(a.steps - 1) == a(a.steps - 1)


@SETTINGS
@given(finite_schedules, base_lrs())
def test_finite_schedules_hold_past_their_end(sched: lf.Schedule, base_lr: float) -> None:
    n = sched.steps
    assert n is not None
    last = sched(n, base_lr)
    assert_bounded(sched, n, n + 500, low=last, high=last, base_lr=base_lr)
    far = [n, n + 1, 10**9, 10**12, 2**53]
    assert_matches_reference(sched, [last] * len(far), far, base_lr=base_lr)
    assert_paths_agree(sched, far, base_lr=base_lr)  # and the number path never raises


# -- number path == tensor path == compiled ----------------------------------------------


@SETTINGS
@given(
    any_schedules,
    base_lrs(),
    st.lists(steps(max_value=3 * MAX_STEPS), min_size=1, max_size=50),
    st.lists(steps(), max_size=5),
)
def test_number_and_tensor_paths_agree(
    sched: lf.Schedule, base_lr: float, near: list[int], far: list[int]
) -> None:
    assert_paths_agree(sched, near + far, base_lr=base_lr)
    assert_paths_agree(sched, near + far, base_lr=base_lr, dtype=torch.float32)


#: One schedule of each family and each combinator, checked in one compiled function.
EVERY_KIND = [
    lf.constant(0.5),
    lf.linear(100, start=0.2, end=0.9),
    lf.warmup(50),
    lf.step(30, gamma=0.5),
    lf.multistep([20, 70], gamma=0.3),
    lf.exp(0.97, every=2.5, staircase=True, begin=10, end=0.05),
    lf.cosine(120, end=0.1),
    lf.poly(80, power=2.0, end=0.01),
    lf.piecewise_constant([10, 40], [1.0, 0.5, 0.1]),
    lf.chain(lf.warmup(10), lf.cosine(90, end=0.1)),
    lf.chain(lf.constant(1.0), lf.exp(0.9), boundaries=[25]),
    lf.clip(lf.linear(100), min=0.2, max_lr=0.5) * lf.step(50, gamma=0.5) * 0.5,
    lf.shift(lf.stretch(lf.cosine(40), 2.5), -7),
]


@pytest.mark.slow
def test_compiled_matches_eager() -> None:
    ks = torch.cat([torch.arange(0, 300), torch.tensor([10**6, 10**9])])
    assert_compiled_matches(EVERY_KIND, ks, base_lr=3e-4, dtype=torch.float32)
