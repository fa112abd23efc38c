"""The mappings of docs/conventions-cyclic.md, each checked against the other library's
published formula, re-implemented here from its source (cited per function)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from references import timm_cosine

import lrfunc as lf
from lrfunc import _cyclic as F

SETTINGS = settings(max_examples=30, deadline=None)


def assert_close(
    sched: lf.Schedule, reference, steps, base_lr: float = 1.0, rel: float = 1e-9, misplaced=None
):
    """``sched`` equals ``reference`` on ``steps``, except where ``misplaced(k, want)``
    says the reference put step ``k`` in the wrong cycle."""
    for k in steps:
        want, got = reference(k), sched(k, base_lr)
        if misplaced is not None and misplaced(k, want):
            continue
        assert math.isclose(got, want, rel_tol=rel, abs_tol=1e-12), (k, got, want, sched)


def log_misplaced(period: int, mult: float, floor: float):
    """An uncorrected float log puts some exact cycle starts at the end of the previous
    cycle: there the reference gives the floor while lrfunc gives the new cycle's peak."""

    def check(k: int, want: float) -> bool:
        _, local, _ = F.cycle_position(float(k), period, mult)
        return local == 0 and math.isclose(want, floor, rel_tol=1e-6, abs_tol=1e-12)

    return check


# -- optax -------------------------------------------------------------------------------


def optax_piecewise_interpolate_cosine(init_value: float, boundaries_and_scales: dict):
    """optax/schedules/_schedule.py (0.2.8): piecewise_interpolate_schedule('cosine', ...)."""
    boundaries, scales = zip(*sorted(boundaries_and_scales.items()), strict=True)
    bounds = np.stack((0, *boundaries))
    values = np.cumprod(np.stack((init_value, *scales)))
    interval_sizes = np.maximum(bounds[1:] - bounds[:-1], 1)

    def interpolate(start, end, pct):  # _cosine_interpolate
        return end + (start - end) / 2.0 * (np.cos(np.pi * pct) + 1)

    def schedule(count):
        indicator = (bounds[:-1] <= count) & (count < bounds[1:])
        pct = (count - bounds[:-1]) / interval_sizes
        interp_vals = interpolate(values[:-1], values[1:], pct)
        return float(indicator.dot(interp_vals) + (bounds[-1] <= count) * values[-1])

    return schedule


def optax_cosine_onecycle(transition_steps, peak_value, pct_start, div_factor, final_div_factor):
    """optax/schedules/_schedule.py: cosine_onecycle_schedule."""
    return optax_piecewise_interpolate_cosine(
        peak_value / div_factor,
        {
            int(pct_start * transition_steps): div_factor,
            int(transition_steps): 1.0 / (div_factor * final_div_factor),
        },
    )


@SETTINGS
@given(
    T=st.integers(2, 300),
    pct=st.floats(0.05, 0.95),
    div=st.floats(1.5, 100.0),
    fdiv=st.floats(1.5, 1e4),
)
def test_optax_cosine_onecycle(T, pct, div, fdiv):
    if int(pct * T) == 0:
        return  # an empty rise in optax: not mapped
    ref = optax_cosine_onecycle(T, 0.5, pct, div, fdiv)
    sched = lf.onecycle(
        T + 1, pct_start=(int(pct * T) + 1) / (T + 1), div_factor=div, final_div_factor=fdiv
    )
    assert_close(sched, ref, range(T + 5), base_lr=0.5, rel=1e-7)


def optax_warmup_cosine_decay(init_value, peak_value, warmup_steps, decay_steps, end_value):
    """optax: warmup_cosine_decay_schedule = join(linear_schedule, cosine_decay_schedule)."""
    alpha = 0.0 if peak_value == 0.0 else end_value / peak_value

    def linear(count):  # polynomial_schedule(power=1)
        if warmup_steps <= 0:
            return init_value
        count = min(max(count, 0), warmup_steps)
        return (init_value - peak_value) * (1 - count / warmup_steps) + peak_value

    def cosine(count):  # cosine_decay_schedule
        n = decay_steps - warmup_steps
        count = min(count, n)
        return peak_value * ((1 - alpha) * 0.5 * (1 + math.cos(math.pi * count / n)) + alpha)

    return lambda step: linear(step) if step < warmup_steps else cosine(step - warmup_steps)


def optax_sgdr(cosine_kwargs):
    """optax/schedules/_schedule.py: sgdr_schedule (join_schedules of the cycles)."""
    schedules, boundaries, step = [], [], 0
    for kwargs in cosine_kwargs:
        schedules.append(optax_warmup_cosine_decay(**kwargs))
        boundaries.append(step + kwargs["decay_steps"])
        step += kwargs["decay_steps"]

    def schedule(count):
        out = schedules[0](count)
        for boundary, sched in zip(boundaries[:-1], schedules[1:], strict=True):
            out = out if count < boundary else sched(count - boundary)
        return out

    return schedule


@pytest.mark.parametrize("warmup", [0, 3], ids=["no-warmup", "warmup"])
def test_optax_sgdr(warmup):
    P, i, e, D, N, delta = 0.8, 0.1, 0.02, 10, 4, 0.7
    ref = optax_sgdr(
        [
            dict(
                init_value=i * delta**c,
                peak_value=P * delta**c,
                warmup_steps=warmup,
                decay_steps=D,
                end_value=e * delta**c,
            )
            for c in range(N)
        ]
    )
    cosine = lf.cosine(D - warmup, end=e / P)
    inner = lf.chain(lf.warmup(warmup, start=i / P), cosine) if warmup else cosine
    sched = lf.repeat(inner, N, decay=delta)
    assert_close(sched, ref, range(N * D + 10), base_lr=P)


# -- timm --------------------------------------------------------------------------------


@SETTINGS
@given(
    t_initial=st.integers(1, 30),
    cycle_mul=st.sampled_from([1.0, 1.5, 2.0, 3.0]),
    cycle_decay=st.floats(0.3, 1.0),
    cycle_limit=st.integers(0, 4),
    warmup_t=st.integers(0, 5),
    prefix=st.booleans(),
)
def test_timm_cosine(t_initial, cycle_mul, cycle_decay, cycle_limit, warmup_t, prefix):
    base, lr_min, init = 0.1, 1e-3, 1e-4
    cos = (
        lf.restarts(
            t_initial, mult=cycle_mul, decay=cycle_decay, end=lr_min / base, cycles=cycle_limit
        )
        if cycle_limit
        else lf.constant(lr_min / base)  # timm's cycle_limit=0 runs no cycle
    )
    if warmup_t:
        after = cos if prefix else lf.shift(cos, -warmup_t)
        sched = lf.chain(lf.warmup(warmup_t, start=init / base), after)
    else:
        sched = cos

    def ref(t):
        return timm_cosine(
            t,
            base=base,
            t_initial=t_initial,
            lr_min=lr_min,
            cycle_mul=cycle_mul,
            cycle_decay=cycle_decay,
            cycle_limit=cycle_limit,
            warmup_t=warmup_t,
            warmup_lr_init=init,
            warmup_prefix=prefix,
        )

    cosine_clock = warmup_t if prefix else 0  # the cosine's step 0, in global steps
    at_start = log_misplaced(t_initial, cycle_mul, lr_min)

    def misplaced(k, want):
        return k >= warmup_t and at_start(k - cosine_clock, want)

    assert_close(sched, ref, range(300), base_lr=base, misplaced=misplaced)


def test_timm_misplaces_an_exact_cycle_start():
    T, mult = 39, 3
    start = T * (mult**15 - 1) // (mult - 1)  # 279_803_667, the start of cycle 15
    assert start == 279_803_667
    timm = timm_cosine(start, base=1.0, t_initial=T, cycle_mul=mult, cycle_limit=20)
    assert timm < 1e-12  # timm: the last step of cycle 14
    assert lf.restarts(T, mult=float(mult))(start) == 1.0  # lrfunc: the peak of cycle 15


# -- HF transformers ---------------------------------------------------------------------


def hf_hard_restarts(step, num_warmup_steps, num_training_steps, num_cycles):
    """transformers/optimization.py:
    _get_cosine_with_hard_restarts_schedule_with_warmup_lr_lambda."""
    if step < num_warmup_steps:
        return float(step) / float(max(1, num_warmup_steps))
    progress = float(step - num_warmup_steps) / float(max(1, num_training_steps - num_warmup_steps))
    if progress >= 1.0:
        return 0.0
    return max(0.0, 0.5 * (1.0 + math.cos(math.pi * ((float(num_cycles) * progress) % 1.0))))


def hf_cosine(step, num_warmup_steps, num_training_steps, num_cycles=0.5):
    """transformers/optimization.py: _get_cosine_schedule_with_warmup_lr_lambda."""
    if step < num_warmup_steps:
        return float(step) / float(max(1, num_warmup_steps))
    progress = float(step - num_warmup_steps) / float(max(1, num_training_steps - num_warmup_steps))
    return max(0.0, 0.5 * (1.0 + math.cos(math.pi * float(num_cycles) * 2.0 * progress)))


@SETTINGS
@given(w=st.integers(1, 20), length=st.integers(1, 40), c=st.integers(1, 6))
def test_hf_hard_restarts(w, length, c):
    T = w + c * length
    sched = lf.chain(lf.warmup(w, start=0.0), lf.restarts(length, cycles=c))
    assert_close(sched, lambda k: hf_hard_restarts(k, w, T, c), range(T + 10))


@SETTINGS
@given(w=st.integers(1, 20), n=st.integers(1, 200))
def test_hf_cosine(w, n):
    sched = lf.chain(lf.warmup(w, start=0.0), lf.cosine(n))
    assert_close(sched, lambda k: hf_cosine(k, w, w + n), range(w + n + 1))


def test_hf_hard_restarts_with_fractional_cycles():
    w, T, c = 5, 105, 3  # cycles of 100 / 3 steps
    sched = lf.chain(lf.warmup(w, start=0.0), lf.stretch(lf.restarts(1, cycles=c), (T - w) / c))
    assert_close(sched, lambda k: hf_hard_restarts(k, w, T, c), range(T + 5), rel=1e-9)


# -- Keras -------------------------------------------------------------------------------


def keras_cosine_decay_restarts(
    step, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0
):
    """keras/src/optimizers/schedules/learning_rate_schedule.py: CosineDecayRestarts."""
    completed_fraction = step / first_decay_steps
    if t_mul == 1.0:
        i_restart = math.floor(completed_fraction)
        completed_fraction -= i_restart
    else:
        i_restart = math.floor(math.log(1.0 - completed_fraction * (1.0 - t_mul)) / math.log(t_mul))
        sum_r = (1.0 - t_mul**i_restart) / (1.0 - t_mul)
        completed_fraction = (completed_fraction - sum_r) / t_mul**i_restart
    m_fac = m_mul**i_restart
    cosine_decayed = 0.5 * m_fac * (1.0 + math.cos(math.pi * completed_fraction))
    decayed = (1 - alpha) * cosine_decayed + alpha
    return initial_learning_rate * decayed


@SETTINGS
@given(
    T=st.integers(1, 30),
    t_mul=st.sampled_from([1.0, 1.5, 2.0, 3.0]),
    m_mul=st.floats(0.3, 1.0),
    alpha=st.floats(0.0, 0.5),
)
def test_keras_cosine_decay_restarts(T, t_mul, m_mul, alpha):
    sched = lf.restarts(T, mult=t_mul, decay=m_mul, end=alpha, decay_mode="amplitude")
    ref = lambda k: keras_cosine_decay_restarts(k, 0.1, T, t_mul, m_mul, alpha)  # noqa: E731
    misplaced = log_misplaced(T, t_mul, 0.1 * alpha)
    assert_close(sched, ref, range(300), base_lr=0.1, misplaced=misplaced)


def test_keras_misplaces_an_exact_cycle_start():
    """The float64 formula misplaces step 211; Keras 3 itself (float32) gives the peak
    there (tests/fidelity/test_peer_keras.py)."""
    start = 211  # 16 * (1.5**5 - 1) / 0.5, the start of cycle 5
    assert keras_cosine_decay_restarts(start, 1.0, 16, 1.5) < 1e-12
    assert lf.restarts(16, mult=1.5)(start) == 1.0


def keras_cosine_decay(step, initial_learning_rate, decay_steps, alpha=0.0):
    """keras/src/optimizers/schedules/learning_rate_schedule.py: CosineDecay (no warmup)."""
    step = min(step, decay_steps)
    cosine_decay = 0.5 * (1.0 + math.cos(math.pi * step / decay_steps))
    return initial_learning_rate * ((1 - alpha) * cosine_decay + alpha)


def test_keras_cosine_decay():
    ref = lambda k: keras_cosine_decay(k, 0.1, 37, 0.2)  # noqa: E731
    assert_close(lf.cosine(37, end=0.2), ref, range(50), base_lr=0.1)


# -- TensorFlow Addons -------------------------------------------------------------------


def tfa_cyclical(step, initial, maximal, step_size, scale_fn, scale_mode="cycle"):
    """tensorflow_addons/optimizers/cyclical_learning_rate.py: CyclicalLearningRate."""
    cycle = math.floor(1 + step / (2 * step_size))
    x = abs(step / step_size - 2 * cycle + 1)
    mode_step = cycle if scale_mode == "cycle" else step
    return initial + (maximal - initial) * max(0, 1 - x) * scale_fn(mode_step)


@pytest.mark.parametrize(
    ("scale_fn", "scale_mode", "kwargs"),
    [
        (lambda x: 1.0, "cycle", {}),
        (lambda x: 1 / (2.0 ** (x - 1)), "cycle", {"mode": "triangular2"}),
        (lambda x: 0.99**x, "iterations", {"mode": "exp_range", "gamma": 0.99}),
        (lambda x: 1 / (2.0 ** (x - 1)), "cycle", {"amplitude": lf.exp(0.5)}),
    ],
    ids=["triangular", "triangular2", "exp_range", "amplitude"],
)
def test_tfa_cyclical(scale_fn, scale_mode, kwargs):
    sched = lf.cyclic(4, low=0.01 / 0.1, **kwargs)
    ref = lambda k: tfa_cyclical(k, 0.01, 0.1, 4, scale_fn, scale_mode)  # noqa: E731
    assert_close(sched, ref, range(100), base_lr=0.1)


# -- Composer ----------------------------------------------------------------------------


def composer_warm_restarts(step, t_0, t_mult=1.0, alpha_f=0.0):
    """composer/optim/scheduler.py: CosineAnnealingWarmRestartsScheduler (in batches)."""
    current_interval_len = t_0
    current_interval_end = t_0
    while current_interval_end <= step:
        current_interval_len = int(t_mult * current_interval_len)
        current_interval_end += current_interval_len
    current_interval_start = current_interval_end - current_interval_len
    frac = (step - current_interval_start) / current_interval_len
    return alpha_f + (1.0 - alpha_f) * (1 + math.cos(frac * math.pi)) / 2


@SETTINGS
@given(t_0=st.integers(1, 30), t_mult=st.integers(1, 3), alpha_f=st.floats(0.0, 0.5))
def test_composer_warm_restarts(t_0, t_mult, alpha_f):
    sched = lf.restarts(t_0, mult=float(t_mult), end=alpha_f)
    assert_close(sched, lambda k: composer_warm_restarts(k, t_0, t_mult, alpha_f), range(400))


def test_composer_truncates_float_multipliers():
    def lengths(step_limit):
        out, k, start = [], 0, 0
        while k < step_limit:
            if composer_warm_restarts(k, 10, 1.5) == 1.0 and k > start:
                out.append(k - start)
                start = k
            k += 1
        return out

    assert lengths(90) == [10, 15, 22, 33]
    assert lf.restarts(10, mult=1.5, cycles=4).steps == math.ceil(10 + 15 + 22.5 + 33.75)
