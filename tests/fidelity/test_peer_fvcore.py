"""docs/conventions.md, fvcore rows, against fvcore itself (``make fidelity``).

detectron2's ``LRMultiplier`` evaluates ``scheduler(k / max_iter)`` for update ``k``; these
tests do the same with ``N = max_iter``."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from peers import assert_matches, importorskip

import lrfunc as lf

ps = importorskip("fvcore.common.param_scheduler")

SETTINGS = settings(max_examples=25, deadline=None)


def at(scheduler, n: int):  # type: ignore[no-untyped-def]
    return lambda k: scheduler(k / n)


@SETTINGS
@given(n=st.integers(1, 500), start=st.floats(0.1, 2.0), end=st.floats(0.0, 2.0))
def test_cosine_and_linear(n: int, start: float, end: float) -> None:
    cos = ps.CosineParamScheduler(start, end)
    assert_matches(lf.cosine(n, end=end / start), at(cos, n), range(n + 1), base_lr=start)
    lin = ps.LinearParamScheduler(start, end)
    assert_matches(lf.linear(n, end=end / start), at(lin, n), range(n + 1), base_lr=start)


def test_past_the_end() -> None:
    """Past ``where = 1`` fvcore's cosine rises, its linear extrapolates and a fractional
    power polynomial turns complex; lrfunc holds its end."""
    n = 100
    assert ps.CosineParamScheduler(1.0, 0.0)(1.5) == pytest.approx(0.5)
    assert ps.LinearParamScheduler(1.0, 0.5)(1.5) == pytest.approx(0.25)
    assert isinstance(ps.PolynomialDecayParamScheduler(1.0, 0.5)(1.5), complex)
    assert lf.cosine(n)(150) == 0.0
    assert lf.linear(n, end=0.5)(150) == 0.5
    assert lf.poly(n, power=0.5)(150) == 0.0


@SETTINGS
@given(n=st.integers(1, 500), decay=st.floats(0.01, 0.99), power=st.sampled_from([0.5, 1.0, 2.0]))
def test_exponential_and_polynomial(n: int, decay: float, power: float) -> None:
    exp = ps.ExponentialParamScheduler(0.3, decay)
    assert_matches(lf.exp(decay, every=n), at(exp, n), range(2 * n), base_lr=0.3)
    poly = ps.PolynomialDecayParamScheduler(0.3, power)
    assert_matches(lf.poly(n, power=power), at(poly, n), range(n + 1), base_lr=0.3)


@SETTINGS
@given(
    n=st.integers(10, 2000),
    cuts=st.lists(st.floats(0.01, 0.99), min_size=1, max_size=3, unique=True),
)
def test_multistep(n: int, cuts: list[float]) -> None:
    milestones = sorted({max(1, int(c * n)) for c in cuts if int(c * n) < n})
    if not milestones:
        return
    vals = [0.5**i for i in range(len(milestones) + 1)]
    ref = ps.MultiStepParamScheduler(vals, num_updates=n, milestones=milestones)
    assert_matches(lf.piecewise_constant(milestones, vals), at(ref, n), range(n + 1))


@SETTINGS
@given(n=st.integers(10, 1000), frac=st.floats(0.05, 0.95))
def test_composite_rescaled(n: int, frac: float) -> None:
    length = max(1, round(frac * n))
    if length >= n:
        return
    ref = ps.CompositeParamScheduler(
        [ps.LinearParamScheduler(0.01, 1.0), ps.CosineParamScheduler(1.0, 0.0)],
        lengths=[length / n, 1 - length / n],
        interval_scaling=["rescaled", "rescaled"],
    )
    sched = lf.chain(lf.linear(length, start=0.01, end=1.0), lf.cosine(n - length))
    assert_matches(sched, at(ref, n), range(n), rel=1e-7, abs=1e-9)


@SETTINGS
@given(n=st.integers(10, 1000), frac=st.floats(0.05, 0.95))
def test_composite_fixed(n: int, frac: float) -> None:
    length = max(1, round(frac * n))
    if length >= n:
        return
    ref = ps.CompositeParamScheduler(
        [ps.ConstantParamScheduler(0.1), ps.CosineParamScheduler(1.0, 0.0)],
        lengths=[length / n, 1 - length / n],
        interval_scaling=["rescaled", "fixed"],
    )
    sched = lf.chain(lf.constant(0.1, steps=length), lf.shift(lf.cosine(n), -length))
    assert_matches(sched, at(ref, n), range(n), rel=1e-7, abs=1e-9)


def first_switch(n: int, length: int) -> int:
    ref = ps.CompositeParamScheduler(
        [ps.ConstantParamScheduler(1.0), ps.ConstantParamScheduler(0.0)],
        lengths=[length / n, 1 - length / n],
        interval_scaling=["fixed", "fixed"],
    )
    k = length - math.ceil(1e-6 * n) - 2
    while ref(k / n) == 1.0:
        k += 1
    return k


@pytest.mark.parametrize(
    ("n", "early"), [(500_000, 0), (2_500_000, 2), (3_000_000, 2), (3_500_000, 3), (10_000_000, 9)]
)
def test_composite_switches_early_for_large_n(n: int, early: int) -> None:
    """``floor(1e-6 N)`` steps early when ``1e-6 N`` is not whole, one fewer when it is."""
    length = n // 10
    assert first_switch(n, length) == length - early
    sched = lf.chain(lf.constant(1.0), lf.constant(0.0), boundaries=[length - early])
    assert sched(length - early - 1) == 1.0
    assert sched(length - early) == 0.0
