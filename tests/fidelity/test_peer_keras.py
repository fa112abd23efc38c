"""docs/conventions*.md, Keras 3 rows, against Keras itself (``make fidelity``; the torch
backend). Keras computes in float32 by default, so the tolerance is float32's."""

from __future__ import annotations

import math
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from peers import assert_matches, importorskip

import lrfunc as lf

os.environ.setdefault("KERAS_BACKEND", "torch")
keras = importorskip("keras")
schedules = keras.optimizers.schedules

SETTINGS = settings(max_examples=20, deadline=None)
F32 = dict(rel=2e-6, abs=1e-7)  # float32 rounding of Keras's arithmetic


def values(schedule, steps) -> dict[int, float]:  # type: ignore[no-untyped-def]
    return {k: float(schedule(k)) for k in steps}


def ref_fn(table: dict[int, float]):  # type: ignore[no-untyped-def]
    return lambda k: table[k]


@SETTINGS
@given(t=st.integers(1, 40), rate=st.sampled_from([0.5, 0.96, 1.2]), staircase=st.booleans())
def test_exponential_and_inverse_time(t: int, rate: float, staircase: bool) -> None:
    steps = range(0, 120, 3)
    ref = values(schedules.ExponentialDecay(0.1, t, rate, staircase=staircase), steps)
    sched = lf.exp(rate, every=t, staircase=staircase)
    # float32's pow loses about (exponent * 6e-8) relative
    assert_matches(sched, ref_fn(ref), steps, base_lr=0.1, rel=2e-5, abs=1e-7)
    ref = values(schedules.InverseTimeDecay(0.1, t, rate, staircase=staircase), steps)
    sched = lf.inverse_time(rate, every=t, staircase=staircase)
    assert_matches(sched, ref_fn(ref), steps, base_lr=0.1, **F32)


@SETTINGS
@given(
    t=st.integers(1, 100),
    end=st.sampled_from([0.0, 1e-4, 0.01]),
    power=st.sampled_from([0.5, 1.0, 3.0]),
)
def test_polynomial_decay(t: int, end: float, power: float) -> None:
    steps = range(t + 40)
    ref = values(schedules.PolynomialDecay(0.1, t, end_learning_rate=end, power=power), steps)
    sched = lf.poly(t, power=power, end=end / 0.1)
    assert_matches(sched, ref_fn(ref), steps, base_lr=0.1, **F32)


def keras_poly_cycle(t: int, end: float, power: float):  # type: ignore[no-untyped-def]
    """The documented ``from_function`` form of ``PolynomialDecay(cycle=True)``."""

    def fn(k: float) -> float:
        length = t * max(1, math.ceil(k / t))
        return (1 - end) * (1 - k / length) ** power + end

    return lf.from_function(fn)


@SETTINGS
@given(t=st.integers(1, 50), power=st.sampled_from([0.5, 1.0, 2.0]))
def test_polynomial_decay_cycle(t: int, power: float) -> None:
    steps = range(5 * t + 3)
    ref = values(schedules.PolynomialDecay(0.1, t, 1e-4, power=power, cycle=True), steps)
    assert_matches(keras_poly_cycle(t, 1e-3, power), ref_fn(ref), steps, base_lr=0.1, **F32)


@SETTINGS
@given(
    t=st.integers(1, 150),
    alpha=st.sampled_from([0.0, 0.1]),
    w=st.integers(0, 30),
    init=st.sampled_from([0.0, 0.01]),
)
def test_cosine_decay(t: int, alpha: float, w: int, init: float) -> None:
    steps = range(t + w + 30)
    if w:
        target = 0.5
        keras_sched = schedules.CosineDecay(
            init, t, alpha=alpha, warmup_target=target, warmup_steps=w
        )
        sched = lf.chain(lf.warmup(w, start=init / target), lf.cosine(t, end=alpha))
    else:
        target = 0.5
        keras_sched = schedules.CosineDecay(target, t, alpha=alpha)
        sched = lf.cosine(t, end=alpha)
    assert_matches(sched, ref_fn(values(keras_sched, steps)), steps, base_lr=target, **F32)


def test_piecewise_constant() -> None:
    boundaries, vals = [100, 110, 200], [1.0, 0.5, 0.1, 0.01]
    steps = range(230)
    ref = values(schedules.PiecewiseConstantDecay(boundaries, vals), steps)
    sched = lf.piecewise_constant([b + 1 for b in boundaries], vals)
    assert_matches(sched, ref_fn(ref), steps, **F32)


# -- conventions-cyclic.md ---------------------------------------------------------------


@SETTINGS
@given(
    t=st.integers(1, 30),
    t_mul=st.sampled_from([1.0, 1.5, 2.0, 3.0]),
    m_mul=st.floats(0.3, 1.0),
    alpha=st.floats(0.0, 0.5),
)
def test_cosine_decay_restarts(t: int, t_mul: float, m_mul: float, alpha: float) -> None:
    steps = range(300)
    ref = values(
        schedules.CosineDecayRestarts(0.1, t, t_mul=t_mul, m_mul=m_mul, alpha=alpha), steps
    )
    sched = lf.restarts(t, mult=t_mul, decay=m_mul, end=alpha, decay_mode="amplitude")
    # float32: near a cycle start Keras's step can land on either side of it.
    starts = {round(t * (t_mul**i - 1) / (t_mul - 1)) if t_mul != 1 else t * i for i in range(40)}
    near = {s + d for s in starts for d in (-1, 0, 1)}
    assert_matches(
        sched, ref_fn(ref), [k for k in steps if k not in near], base_lr=0.1, rel=1e-4, abs=1e-6
    )


def test_cosine_decay_restarts_cycle_start_211() -> None:
    """``T=16, t_mul=1.5``, step 211 starts cycle 5: Keras 3 gives the peak, as lrfunc."""
    ref = float(schedules.CosineDecayRestarts(1.0, 16, t_mul=1.5)(211))
    assert ref == pytest.approx(1.0)
    assert lf.restarts(16, mult=1.5)(211) == 1.0
