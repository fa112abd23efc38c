"""docs/conventions*.md, optax rows, against optax itself (``make fidelity``).

optax runs with ``jax_enable_x64`` so that both sides compute in float64 and a tight
tolerance sees any difference of formula (float32 would hide it below 1e-6)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from peers import assert_matches, importorskip

import lrfunc as lf

jax = importorskip("jax")
optax = importorskip("optax")
jax.config.update("jax_enable_x64", True)

SETTINGS = settings(max_examples=10, deadline=None)  # each example compiles


def values(schedule, steps: int) -> list[float]:  # type: ignore[no-untyped-def]
    """The optax schedule at steps ``0 .. steps - 1`` (one vmapped call)."""
    counts = jax.numpy.arange(steps, dtype=jax.numpy.int64)
    out = np.asarray(jax.vmap(schedule)(counts), dtype=np.float64)
    return [float(v) for v in np.broadcast_to(out, (steps,))]


def test_constant() -> None:
    assert_matches(lf.constant(), values(optax.constant_schedule(0.3), 50), range(50), base_lr=0.3)


@SETTINGS
@given(
    init=st.floats(0.1, 2.0),
    end=st.floats(0.0, 2.0),
    t=st.integers(1, 100),
    begin=st.integers(0, 30),
    power=st.sampled_from([0.5, 1.0, 2.0, 3.0]),
)
def test_linear_and_polynomial(init: float, end: float, t: int, begin: int, power: float) -> None:
    n = begin + t + 30
    lin = optax.linear_schedule(init, end, t, transition_begin=begin)
    assert_matches(
        lf.shift(lf.linear(t, end=end / init), begin), values(lin, n), range(n), base_lr=init
    )
    poly = optax.polynomial_schedule(init, end, power, t, transition_begin=begin)
    sched = lf.shift(lf.poly(t, power=power, end=end / init), begin)
    assert_matches(sched, values(poly, n), range(n), base_lr=init)


@SETTINGS
@given(
    t=st.integers(1, 30),
    rate=st.sampled_from([0.3, 0.9, 0.99, 1.1, 2.0]),
    begin=st.integers(0, 20),
    staircase=st.booleans(),
    end=st.sampled_from([None, 0.2, 0.5, 1.5, 3.0]),
)
def test_exponential_decay(
    t: int, rate: float, begin: int, staircase: bool, end: float | None
) -> None:
    """``end`` on the side the decay moves to (a floor below 1 for ``rate < 1``; optax's
    other choice is a constant at ``end``, which lrfunc rejects)."""
    init = 1.0
    if end is not None and (end < 1) != (rate < 1):
        with pytest.raises(ValueError, match="end"):
            lf.exp(rate, every=t, end=end)
        return
    ref = optax.exponential_decay(
        init, t, rate, transition_begin=begin, staircase=staircase, end_value=end
    )
    sched = lf.exp(rate, every=t, begin=begin, staircase=staircase, end=end)
    assert_matches(sched, values(ref, 300), range(300), base_lr=init)


def test_exponential_decay_end_zero() -> None:
    ref = optax.exponential_decay(1.0, 10, 0.5, end_value=0.0)
    assert_matches(lf.exp(0.5, every=10, end=0.0), values(ref, 100), range(100))


@SETTINGS
@given(t=st.integers(1, 200), alpha=st.floats(0.0, 0.9), exponent=st.sampled_from([0.5, 1.0, 2.0]))
def test_cosine_decay(t: int, alpha: float, exponent: float) -> None:
    ref = optax.cosine_decay_schedule(0.7, t, alpha=alpha, exponent=exponent)
    sched = lf.cosine(t, end=alpha, exponent=exponent)
    assert_matches(sched, values(ref, t + 50), range(t + 50), base_lr=0.7)


@SETTINGS
@given(
    init=st.sampled_from([0.0, 0.01, 0.1]),
    w=st.integers(1, 40),
    decay=st.integers(1, 200),
    end=st.sampled_from([0.0, 0.05]),
    exponent=st.sampled_from([1.0, 2.0]),
)
def test_warmup_cosine_decay(init: float, w: int, decay: int, end: float, exponent: float) -> None:
    peak, t = 1.0, w + decay  # optax's decay_steps counts the warmup
    ref = optax.warmup_cosine_decay_schedule(init, peak, w, t, end, exponent=exponent)
    sched = lf.chain(
        lf.warmup(w, start=init / peak), lf.cosine(t - w, end=end / peak, exponent=exponent)
    )
    assert_matches(sched, values(ref, t + 50), range(t + 50), base_lr=peak)


def test_warmup_cosine_decay_zero_warmup() -> None:
    ref = optax.warmup_cosine_decay_schedule(0.0, 1.0, 0, 100, 0.0)
    sched = lf.chain(lf.warmup(0, start=0.0), lf.cosine(100))
    assert_matches(sched, values(ref, 150), range(150))


@SETTINGS
@given(
    w=st.integers(1, 30),
    t=st.integers(1, 20),
    rate=st.sampled_from([0.5, 0.9]),
    begin=st.integers(0, 15),
    staircase=st.booleans(),
    end=st.sampled_from([None, 0.3]),
)
def test_warmup_exponential_decay(
    w: int, t: int, rate: float, begin: int, staircase: bool, end: float | None
) -> None:
    init, peak = 0.05, 2.0
    ref = optax.warmup_exponential_decay_schedule(
        init, peak, w, t, rate, transition_begin=begin, staircase=staircase, end_value=end
    )
    floor = None if end is None else end / peak
    sched = lf.chain(
        lf.warmup(w, start=init / peak),
        lf.exp(rate, every=t, begin=begin, staircase=staircase, end=floor),
    )
    assert_matches(sched, values(ref, 250), range(250), base_lr=peak)


@SETTINGS
@given(
    bounds=st.lists(st.integers(1, 200), min_size=1, max_size=4, unique=True),
    scales=st.lists(st.floats(0.1, 3.0), min_size=4, max_size=4),
    kind=st.sampled_from(["constant", "linear", "cosine"]),
)
def test_piecewise(bounds: list[int], scales: list[float], kind: str) -> None:
    bounds = sorted(bounds)
    init = 0.5
    mapping = dict(zip(bounds, scales, strict=False))
    cumulative = list(np.cumprod([1.0, *scales[: len(bounds)]]))
    if kind == "constant":
        ref = optax.piecewise_constant_schedule(init, mapping)
        sched: lf.Schedule = lf.piecewise_constant(bounds, cumulative)
    else:
        ref = optax.piecewise_interpolate_schedule(kind, init, mapping)
        sched = lf.interpolate([0, *bounds], cumulative, shape=kind)
    assert_matches(sched, values(ref, 260), range(260), base_lr=init)


def test_join_schedules() -> None:
    pieces = [optax.linear_schedule(0.0, 1.0, 10), optax.cosine_decay_schedule(1.0, 50)]
    ref = optax.join_schedules(pieces, [10])
    sched = lf.chain(lf.linear(10, start=0.0, end=1.0), lf.cosine(50), boundaries=[10])
    assert_matches(sched, values(ref, 100), range(100))


# -- conventions-cyclic.md ---------------------------------------------------------------


@SETTINGS
@given(
    t=st.integers(2, 400),
    pct=st.floats(0.05, 0.95),
    div=st.floats(1.5, 100.0),
    fdiv=st.floats(1.5, 1e4),
)
def test_cosine_onecycle(t: int, pct: float, div: float, fdiv: float) -> None:
    if int(pct * t) == 0:
        return  # optax's first phase is empty: see test_cosine_onecycle_empty_rise
    peak = 0.5
    ref = optax.cosine_onecycle_schedule(t, peak, pct, div, fdiv)
    sched = lf.onecycle(
        t + 1, pct_start=(int(pct * t) + 1) / (t + 1), div_factor=div, final_div_factor=fdiv
    )
    assert_matches(sched, values(ref, t + 30), range(t + 30), base_lr=peak, rel=1e-7)


def test_cosine_onecycle_defaults_step_0() -> None:
    """The old page's ``shift(onecycle(T + 2, ...), -1)`` was one step ahead (item 5)."""
    t, peak = 100, 1.0
    ref = values(optax.cosine_onecycle_schedule(t, peak), 3)
    assert ref[0] == pytest.approx(0.04)
    assert lf.onecycle(t + 1, pct_start=31 / 101)(0) == pytest.approx(0.04)


@SETTINGS
@given(
    warmup=st.integers(0, 5),
    d=st.integers(6, 30),
    n=st.integers(1, 5),
    delta=st.floats(0.3, 1.0),
)
def test_sgdr(warmup: int, d: int, n: int, delta: float) -> None:
    p, i, e = 0.8, 0.1, 0.02
    ref = optax.sgdr_schedule(
        [
            dict(
                init_value=i * delta**c,
                peak_value=p * delta**c,
                warmup_steps=warmup,
                decay_steps=d,
                end_value=e * delta**c,
            )
            for c in range(n)
        ]
    )
    cosine = lf.cosine(d - warmup, end=e / p)
    inner = lf.chain(lf.warmup(warmup, start=i / p), cosine) if warmup else cosine
    sched = lf.repeat(inner, n, decay=delta)
    assert_matches(sched, values(ref, n * d + 20), range(n * d + 20), base_lr=p)
