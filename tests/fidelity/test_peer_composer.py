"""docs/conventions*.md, Composer rows, against Composer itself (``make fidelity``).

Composer's schedulers are called with the trainer's ``State``; they read only
``state.timestamp``, ``state.max_duration`` and ``state.dataloader_len``, so a stand-in
with those three (time in batches) drives them."""

from __future__ import annotations

import types

from hypothesis import given, settings
from hypothesis import strategies as st
from peers import assert_matches, composer_scheduler

import lrfunc as lf

cs = composer_scheduler()
time = __import__("sys").modules["composer.core.time"]

SETTINGS = settings(max_examples=20, deadline=None)


def values(scheduler, steps: int, max_duration: int) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for k in range(steps):
        state = types.SimpleNamespace(
            timestamp=time.Timestamp(batch=k, iteration=0),
            max_duration=time.Time(max_duration, time.TimeUnit.BATCH),
            dataloader_len=None,
        )
        out.append(float(scheduler(state)))
    return out


@SETTINGS
@given(t_max=st.integers(1, 100), alpha=st.floats(0.0, 2.0), a_f=st.floats(0.0, 1.0))
def test_constant_linear_cosine(t_max: int, alpha: float, a_f: float) -> None:
    n = t_max + 50
    ref = values(cs.ConstantScheduler(alpha=alpha, t_max=f"{t_max}ba"), n, n)
    sched = lf.chain(lf.constant(alpha, steps=t_max), lf.constant(1.0))
    assert_matches(sched, ref, range(n))
    ref = values(cs.LinearScheduler(alpha_i=1.0, alpha_f=a_f, t_max=f"{t_max}ba"), n, n)
    assert_matches(lf.linear(t_max, start=1.0, end=a_f), ref, range(n))
    ref = values(cs.CosineAnnealingScheduler(t_max=f"{t_max}ba", alpha_f=a_f), n, n)
    assert_matches(lf.cosine(t_max, end=a_f), ref, range(n))


@SETTINGS
@given(
    size=st.integers(1, 40),
    gamma=st.floats(0.1, 0.99),
    milestones=st.lists(st.integers(1, 200), min_size=1, max_size=4, unique=True),
    period=st.integers(1, 40),
)
def test_step_multistep_exponential(
    size: int, gamma: float, milestones: list[int], period: int
) -> None:
    n = 250
    ref = values(cs.StepScheduler(step_size=f"{size}ba", gamma=gamma), n, n)
    assert_matches(lf.step(size, gamma=gamma), ref, range(n))
    ms = sorted(milestones)
    ref = values(cs.MultiStepScheduler(milestones=[f"{m}ba" for m in ms], gamma=gamma), n, n)
    assert_matches(lf.multistep(ms, gamma=gamma), ref, range(n))
    ref = values(cs.ExponentialScheduler(gamma=gamma, decay_period=f"{period}ba"), n, n)
    assert_matches(lf.exp(gamma, every=period), ref, range(n))


@SETTINGS
@given(
    t_max=st.integers(1, 150),
    power=st.sampled_from([0.5, 1.0, 2.0, 3.0]),
    a_f=st.floats(0.0, 0.5),
)
def test_polynomial(t_max: int, power: float, a_f: float) -> None:
    """Composer clips ``t / t_max`` at 1: it holds ``alpha_f`` past ``t_max``, as lrfunc."""
    n = 2 * t_max + 20
    ref = values(cs.PolynomialScheduler(power=power, t_max=f"{t_max}ba", alpha_f=a_f), n, n)
    assert_matches(lf.poly(t_max, power=power, end=a_f), ref, range(n))


@SETTINGS
@given(
    w=st.integers(1, 30),
    d=st.integers(1, 150),
    a_i=st.floats(0.1, 1.0),
    a_f=st.floats(0.0, 0.5),
)
def test_linear_and_cosine_with_warmup(w: int, d: int, a_i: float, a_f: float) -> None:
    n = w + d
    total = n + 30
    ref = values(
        cs.LinearWithWarmupScheduler(t_warmup=f"{w}ba", alpha_i=a_i, alpha_f=a_f, t_max=f"{n}ba"),
        total,
        n,
    )
    sched = lf.chain(lf.warmup(w, start=0.0) * a_i, lf.linear(d, start=a_i, end=a_f))
    assert_matches(sched, ref, range(total))
    ref = values(
        cs.CosineAnnealingWithWarmupScheduler(t_warmup=f"{w}ba", t_max=f"{n}ba", alpha_f=a_f),
        total,
        n,
    )
    assert_matches(lf.chain(lf.warmup(w, start=0.0), lf.cosine(d, end=a_f)), ref, range(total))


@SETTINGS
@given(
    w=st.integers(1, 30),
    milestones=st.lists(st.integers(1, 200), min_size=1, max_size=4, unique=True),
    gamma=st.floats(0.1, 0.9),
)
def test_multistep_with_warmup(w: int, milestones: list[int], gamma: float) -> None:
    ms = sorted(milestones)
    n = 250
    ref = values(
        cs.MultiStepWithWarmupScheduler(
            t_warmup=f"{w}ba", milestones=[f"{m}ba" for m in ms], gamma=gamma
        ),
        n,
        n,
    )
    sched = lf.chain(lf.warmup(w, start=0.0), lf.shift(lf.multistep(ms, gamma=gamma), -w))
    assert_matches(sched, ref, range(n))


# -- conventions-cyclic.md ---------------------------------------------------------------


@SETTINGS
@given(t_0=st.integers(1, 30), t_mult=st.integers(1, 3), alpha_f=st.floats(0.0, 0.5))
def test_warm_restarts(t_0: int, t_mult: int, alpha_f: float) -> None:
    n = 400
    ref = values(
        cs.CosineAnnealingWarmRestartsScheduler(t_0=f"{t_0}ba", t_mult=t_mult, alpha_f=alpha_f),
        n,
        n,
    )
    assert_matches(lf.restarts(t_0, mult=float(t_mult), end=alpha_f), ref, range(n))


def test_warm_restarts_truncate_float_multipliers() -> None:
    ref = values(cs.CosineAnnealingWarmRestartsScheduler(t_0="10ba", t_mult=1.5), 90, 90)
    starts = [k for k in range(90) if ref[k] == 1.0]
    assert starts == [0, 10, 25, 47, 80]  # cycles of 10, 15, 22, 33
