"""docs/conventions*.md, HF transformers rows, against transformers itself (``make fidelity``)."""

from __future__ import annotations

import inspect
from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st
from peers import assert_matches, importorskip, torch_lambda_lrs

import lrfunc as lf

optimization = importorskip("transformers.optimization")

SETTINGS = settings(max_examples=25, deadline=None)
training_args = importorskip("transformers.training_args")
EXTRA = 60  # steps compared past num_training_steps


def hf(name: str, steps: int, *args, base_lr: float = 1.0, **kwargs) -> list[float]:  # type: ignore[no-untyped-def]
    make = getattr(optimization, name)
    return torch_lambda_lrs(lambda opt: make(opt, *args, **kwargs), steps, base_lr)


@SETTINGS
@given(w=st.integers(1, 40))
def test_constant_with_warmup(w: int) -> None:
    ref = hf("get_constant_schedule_with_warmup", w + EXTRA, w)
    assert_matches(lf.warmup(w, start=0.0), ref, range(w + EXTRA))


def test_constant_with_zero_warmup() -> None:
    ref = hf("get_constant_schedule_with_warmup", 20, 0)
    assert_matches(lf.warmup(0, start=0.0), ref, range(20))


@SETTINGS
@given(w=st.integers(1, 30), n=st.integers(1, 200))
def test_linear_with_warmup(w: int, n: int) -> None:
    ref = hf("get_linear_schedule_with_warmup", w + n + EXTRA, w, w + n)
    assert_matches(lf.chain(lf.warmup(w, start=0.0), lf.linear(n)), ref, range(w + n + EXTRA))


@SETTINGS
@given(w=st.integers(1, 30), n=st.integers(1, 200), m=st.sampled_from([None, 0.0, 0.1, 0.5]))
def test_cosine_with_warmup(w: int, n: int, m: float | None) -> None:
    """Equal up to num_training_steps; the whole curve, past it too, is a cosine wave."""
    total = w + n + 3 * n + EXTRA
    if m is None:
        ref = hf("get_cosine_schedule_with_warmup", total, w, w + n)
        end = 0.0
    else:
        ref = hf("get_cosine_with_min_lr_schedule_with_warmup", total, w, w + n, min_lr_rate=m)
        end = m
    assert_matches(lf.chain(lf.warmup(w, start=0.0), lf.cosine(n, end=end)), ref, range(w + n + 1))
    wave = lf.chain(lf.warmup(w, start=0.0), lf.cosine_wave(n, end=end))
    assert_matches(wave, ref, range(total))


def test_cosine_rises_past_the_end() -> None:
    """The documented difference: HF (plain and min-lr) rises after N, lrfunc holds."""
    w, n, m = 10, 100, 0.1
    plain = hf("get_cosine_schedule_with_warmup", w + 2 * n, w, w + n)
    min_lr = hf("get_cosine_with_min_lr_schedule_with_warmup", w + 2 * n, w, w + n, min_lr_rate=m)
    k = w + n + n // 2
    assert plain[k] > lf.chain(lf.warmup(w, start=0.0), lf.cosine(n))(k) == 0.0
    assert min_lr[k] > lf.chain(lf.warmup(w, start=0.0), lf.cosine(n, end=m))(k) == m


def test_cosine_with_min_lr_absolute() -> None:
    w, n, base, min_lr = 5, 50, 0.02, 0.002
    ref = hf(
        "get_cosine_with_min_lr_schedule_with_warmup", w + n, w, w + n, base_lr=base, min_lr=min_lr
    )
    sched = lf.chain(lf.warmup(w, start=0.0), lf.cosine(n, end=min_lr / base))
    assert_matches(sched, ref, range(w + n), base_lr=base)


@SETTINGS
@given(
    w=st.integers(1, 30),
    half=st.integers(1, 30),
    c=st.sampled_from([0.5, 1.0, 1.5, 2.0, 3.0]),
    m=st.sampled_from([0.0, 0.2]),
)
def test_cosine_num_cycles(w: int, half: int, c: float, m: float) -> None:
    """``num_cycles = c``: a cosine wave of half period ``(N - W) / (2 c)``, past N too."""
    n = int(2 * c * half)
    total = w + n + n + EXTRA
    ref = hf(
        "get_cosine_with_min_lr_schedule_with_warmup", total, w, w + n, num_cycles=c, min_lr_rate=m
    )
    sched = lf.chain(lf.warmup(w, start=0.0), lf.cosine_wave(half, end=m))
    assert_matches(sched, ref, range(total))


@SETTINGS
@given(w=st.integers(1, 20), n=st.integers(1, 120), c=st.floats(0.3, 4.0))
def test_cosine_num_cycles_fractional_half_period(w: int, n: int, c: float) -> None:
    total = w + 2 * n + EXTRA
    ref = hf("get_cosine_schedule_with_warmup", total, w, w + n, num_cycles=c)
    wave = lf.stretch(lf.cosine_wave(1), n / (2 * c))
    assert_matches(lf.chain(lf.warmup(w, start=0.0), wave), ref, range(total), rel=1e-7, abs=1e-9)


@SETTINGS
@given(
    w=st.integers(1, 30),
    n=st.integers(1, 200),
    power=st.sampled_from([0.5, 1.0, 2.0, 3.0]),
    lr_end=st.sampled_from([0.0, 1e-7, 1e-4]),
)
def test_polynomial_decay_with_warmup(w: int, n: int, power: float, lr_end: float) -> None:
    base = 1e-3
    total = w + n + EXTRA
    ref = hf(
        "get_polynomial_decay_schedule_with_warmup",
        total,
        w,
        w + n,
        lr_end=lr_end,
        power=power,
        base_lr=base,
    )
    sched = lf.chain(lf.warmup(w, start=0.0), lf.poly(n, power=power, end=lr_end / base))
    assert_matches(sched, ref, range(total), base_lr=base, abs=1e-15)


@SETTINGS
@given(w=st.integers(0, 50), timescale=st.sampled_from([None, 1, 40, 1000]))
def test_inverse_sqrt(w: int, timescale: int | None) -> None:
    ref = hf("get_inverse_sqrt_schedule", w + 500, w, timescale=timescale)
    t = timescale or w or 10_000
    assert_matches(lf.inverse_sqrt(w, timescale=t, start=0.0), ref, range(w + 500))


@SETTINGS
@given(
    w=st.integers(1, 30),
    s=st.integers(0, 50),
    d=st.integers(1, 60),
    warmup_type=st.sampled_from(["linear", "cosine", "1-sqrt"]),
    decay_type=st.sampled_from(["linear", "cosine", "1-sqrt"]),
    m=st.sampled_from([0.0, 0.05, 0.3]),
)
def test_wsd(w: int, s: int, d: int, warmup_type: str, decay_type: str, m: float) -> None:
    total = w + s + d + EXTRA
    ref = hf(
        "get_wsd_schedule",
        total,
        w,
        d,
        num_stable_steps=s,
        warmup_type=warmup_type,
        decay_type=decay_type,
        min_lr_ratio=m,
    )
    sched = lf.wsd(
        w + s + d, warmup=w, decay=d, shape=decay_type, end=m, start=m, warmup_shape=warmup_type
    )
    assert_matches(sched, ref, range(total))


# -- conventions-cyclic.md ---------------------------------------------------------------


@SETTINGS
@given(w=st.integers(1, 20), length=st.integers(1, 40), c=st.integers(1, 6))
def test_hard_restarts(w: int, length: int, c: int) -> None:
    n = w + c * length
    ref = hf("get_cosine_with_hard_restarts_schedule_with_warmup", n + EXTRA, w, n, num_cycles=c)
    sched = lf.chain(lf.warmup(w, start=0.0), lf.restarts(length, cycles=c))
    assert_matches(sched, ref, range(n + EXTRA))


@SETTINGS
@given(w=st.integers(1, 20), n=st.integers(2, 150), c=st.integers(2, 7))
def test_hard_restarts_fractional_cycles(w: int, n: int, c: int) -> None:
    """``c`` not dividing ``N - W``: a stretched ``restarts(1)``, equal at every step but
    (by rounding) some cycle starts."""
    ref = hf(
        "get_cosine_with_hard_restarts_schedule_with_warmup", w + n + EXTRA, w, w + n, num_cycles=c
    )
    sched = lf.chain(lf.warmup(w, start=0.0), lf.stretch(lf.restarts(1, cycles=c), n / c))
    starts = {w + round(i * n / c) for i in range(c + 1)}
    steps = [k for k in range(w + n + EXTRA) if k not in starts]
    assert_matches(sched, ref, steps, rel=1e-7, abs=1e-9)


@settings(max_examples=200, deadline=None)
@given(ratio=st.floats(0.0, 1.0, exclude_max=True), n=st.integers(1, 10**9))
def test_warmup_ratio_is_frac(ratio: float, n: int) -> None:
    """``lf.frac`` rounds as ``TrainingArguments.get_warmup_steps`` (``warmup_ratio`` in
    transformers 4; a ``warmup_steps`` below 1 in transformers 5). The method itself is
    called, on a stand-in for the arguments: building ``TrainingArguments`` needs
    accelerate, which the peers environment leaves out."""
    get_warmup_steps = training_args.TrainingArguments.get_warmup_steps
    args = SimpleNamespace(warmup_ratio=ratio, warmup_steps=ratio)
    if "warmup_ratio" in inspect.getsource(get_warmup_steps):
        args.warmup_steps = 0  # transformers 4: the ratio applies when warmup_steps is 0
    assert lf.warmup(lf.frac(ratio)).bind(n).steps == get_warmup_steps(args, n)
