"""docs/conventions.md, tested: each library's schedule, re-implemented from its published
formula (source named above each reference), next to the lrfunc expression that
reproduces it. Steps follow each library's own counter; all of them (HF and Composer via
LambdaLR, optax's ``count``, Keras's ``optimizer.iterations``, detectron2's
``LRMultiplier.last_epoch``, timm's ``num_updates``) give the LR of update k (from 0) as
f(k), lrfunc's convention, except where a test says otherwise.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest

import lrfunc as lf

STEPS = [*range(0, 40), 99, 100, 101, 149, 150, 151, 199, 200, 201, 250, 299, 300, 301, 500]


def check(sched: lf.Schedule, ref: Callable[[int], float], steps=STEPS, base=1.0) -> None:  # type: ignore[no-untyped-def]
    for k in steps:
        assert sched(k, base) == pytest.approx(ref(k), rel=1e-9, abs=1e-15), k


# -- HF transformers: src/transformers/optimization.py (lambdas under LambdaLR) ------------


def hf_warmup(k: int, w: int) -> float:
    return k / max(1, w)


@pytest.mark.parametrize("w", [0, 1, 10])
def test_hf_constant_with_warmup(w: int) -> None:
    check(
        lf.warmup(w, start=0.0) if w else lf.constant(), lambda k: hf_warmup(k, w) if k < w else 1.0
    )


@pytest.mark.parametrize(("w", "n"), [(0, 200), (10, 200), (1, 2)])
def test_hf_linear_with_warmup(w: int, n: int) -> None:
    def ref(k: int) -> float:  # _get_linear_schedule_with_warmup_lr_lambda
        if k < w:
            return hf_warmup(k, w)
        return max(0.0, (n - k) / max(1, n - w))

    sched = lf.chain(lf.warmup(w, start=0.0), lf.linear(n - w)) if w else lf.linear(n)
    check(sched, ref)


def hf_cosine(k: int, w: int, n: int, min_lr_rate: float = 0.0) -> float:
    # _get_cosine_schedule_with_warmup_lr_lambda (num_cycles=0.5) and the min_lr variant
    if k < w:
        return hf_warmup(k, w)
    progress = (k - w) / max(1, n - w)
    factor = 0.5 * (1.0 + math.cos(math.pi * 0.5 * 2.0 * progress))
    return max(0.0, factor * (1 - min_lr_rate) + min_lr_rate)


@pytest.mark.parametrize("min_lr_rate", [0.0, 0.1])
def test_hf_cosine_with_warmup(min_lr_rate: float) -> None:
    w, n = 10, 200
    sched = lf.chain(lf.warmup(w, start=0.0), lf.cosine(n - w, end=min_lr_rate))
    check(sched, lambda k: hf_cosine(k, w, n, min_lr_rate), steps=[k for k in STEPS if k <= n])
    # Past num_training_steps HF's cosine rises again; lrfunc holds the end value.
    assert hf_cosine(n + 50, w, n, min_lr_rate) > sched(n + 50) == pytest.approx(min_lr_rate)


def test_hf_polynomial_decay_with_warmup() -> None:
    w, n, lr_init, lr_end, power = 10, 200, 1e-3, 1e-7, 2.0

    def ref(k: int) -> float:  # _get_polynomial_decay_schedule_with_warmup_lr_lambda
        if k < w:
            return hf_warmup(k, w)
        if k > n:
            return lr_end / lr_init
        pct_remaining = 1 - (k - w) / (n - w)
        return ((lr_init - lr_end) * pct_remaining**power + lr_end) / lr_init

    check(lf.chain(lf.warmup(w, start=0.0), lf.poly(n - w, power=power, end=lr_end / lr_init)), ref)


@pytest.mark.parametrize(("w", "timescale"), [(10, None), (10, 40), (0, None)])
def test_hf_inverse_sqrt(w: int, timescale: int | None) -> None:
    tau = timescale if timescale is not None else (w or 10_000)

    def ref(k: int) -> float:  # _get_inverse_sqrt_schedule_lr_lambda
        if k < w:
            return k / max(1, w)
        shift = tau - w
        return 1.0 / math.sqrt((k + shift) / tau)

    check(lf.inverse_sqrt(w, timescale=tau, start=0.0), ref)


@pytest.mark.parametrize("warmup_type", ["linear", "cosine", "1-sqrt"])
@pytest.mark.parametrize("decay_type", ["linear", "cosine", "1-sqrt"])
@pytest.mark.parametrize("m", [0.0, 0.05])
def test_hf_wsd(warmup_type: str, decay_type: str, m: float) -> None:
    w, s, d = 20, 100, 80

    def ref(k: int) -> float:  # _get_wsd_scheduler_lambda (num_cycles=0.5)
        if k < w:
            p = k / max(1, w)
            f = {
                "linear": p,
                "cosine": 0.5 * (1 - math.cos(math.pi * p)),
                "1-sqrt": 1 - math.sqrt(1 - p),
            }
            return max(0.0, f[warmup_type] * (1 - m) + m)
        if k < w + s:
            return 1.0
        if k < w + s + d:
            p = (k - w - s) / max(1, d)
            f = {
                "linear": 1 - p,
                "cosine": 0.5 * (1 + math.cos(math.pi * p)),
                "1-sqrt": 1 - math.sqrt(p),
            }
            return max(0.0, f[decay_type] * (1 - m) + m)
        return m

    sched = lf.wsd(
        w + s + d, warmup=w, decay=d, shape=decay_type, end=m, start=m, warmup_shape=warmup_type
    )
    check(sched, ref)


# -- optax: optax/schedules/_schedule.py and _join.py -------------------------------------


@pytest.mark.parametrize("staircase", [False, True])
@pytest.mark.parametrize(("rate", "end_value"), [(0.5, None), (0.5, 0.2), (1.5, 3.0)])
def test_optax_exponential_decay(staircase: bool, rate: float, end_value: float | None) -> None:
    init, t_steps, begin = 2.0, 7, 13

    def ref(count: int) -> float:  # exponential_decay
        decreased = count - begin
        p = decreased / t_steps
        if staircase:
            p = math.floor(p)
        value = init if decreased <= 0 else init * rate**p
        if end_value is not None:
            value = max(value, end_value) if rate < 1 else min(value, end_value)
        return value

    end = None if end_value is None else end_value / init
    check(lf.exp(rate, every=t_steps, begin=begin, staircase=staircase, end=end), ref, base=init)


def optax_linear(init: float, end: float, steps: int, begin: int = 0, power: float = 1.0):  # type: ignore[no-untyped-def]
    def schedule(count: int) -> float:  # polynomial_schedule (linear_schedule: power 1)
        c = min(max(count - begin, 0), steps)
        return (init - end) * (1 - c / steps) ** power + end

    return schedule


def optax_join(schedules, boundaries):  # type: ignore[no-untyped-def]
    def schedule(step: int) -> float:  # join_schedules
        out = schedules[0](step)
        for boundary, s in zip(boundaries, schedules[1:], strict=True):
            out = out if step < boundary else s(step - boundary)
        return out

    return schedule


@pytest.mark.parametrize("exponent", [1.0, 2.0])
def test_optax_warmup_cosine_decay(exponent: float) -> None:
    init, peak, w, decay_steps, end = 0.01, 2.0, 20, 200, 0.1

    def cosine(count: int) -> float:  # cosine_decay_schedule(peak, decay_steps - w, alpha)
        n, alpha = decay_steps - w, end / peak
        c = min(count, n)
        return peak * ((1 - alpha) * (0.5 * (1 + math.cos(math.pi * c / n))) ** exponent + alpha)

    ref = optax_join([optax_linear(init, peak, w), cosine], [w])
    # optax's decay_steps counts the warmup; Keras's CosineDecay(decay_steps) does not.
    sched = lf.chain(
        lf.warmup(w, start=init / peak),
        lf.cosine(decay_steps - w, end=end / peak, exponent=exponent),
    )
    check(sched, ref, base=peak)


def test_optax_polynomial_and_linear() -> None:
    check(
        lf.shift(lf.poly(50, power=2.0, end=0.25), 10),
        optax_linear(4.0, 1.0, 50, 10, 2.0),
        base=4.0,
    )
    check(lf.shift(lf.linear(50, end=0.25), 10), optax_linear(4.0, 1.0, 50, 10), base=4.0)


def test_optax_warmup_exponential_decay() -> None:
    init, peak, w, t, rate, begin, end = 0.0, 1.0, 10, 5, 0.9, 3, 0.3

    def exp_decay(count: int) -> float:
        decreased = count - begin
        value = peak if decreased <= 0 else peak * rate ** (decreased / t)
        return max(value, end)

    ref = optax_join([optax_linear(init, peak, w), exp_decay], [w])
    check(lf.chain(lf.warmup(w, start=0.0), lf.exp(rate, every=t, begin=begin, end=end)), ref)


@pytest.mark.parametrize("kind", ["linear", "cosine"])
def test_optax_piecewise_interpolate(kind: str) -> None:
    init, bounds_scales = 2.0, {30: 0.5, 100: 0.1, 250: 3.0}
    bounds = [0, *bounds_scales]
    values = [init]
    for scale in bounds_scales.values():
        values.append(values[-1] * scale)

    def ref(count: int) -> float:  # piecewise_interpolate_schedule
        if count >= bounds[-1]:
            return values[-1]
        i = max(j for j in range(len(bounds) - 1) if bounds[j] <= count)
        pct = (count - bounds[i]) / (bounds[i + 1] - bounds[i])
        a, b = values[i], values[i + 1]
        if kind == "linear":
            return a + pct * (b - a)
        return b + (a - b) / 2.0 * (math.cos(math.pi * pct) + 1)

    check(lf.interpolate(bounds, [v / init for v in values], shape=kind), ref, base=init)


# -- timm: timm/scheduler/{cosine,tanh,poly}_lr.py (cycle_limit=1, t = num_updates) -------


def timm(
    curve: Callable[[float, float], float],
    t_initial: int,
    warmup_t: int,
    warmup_lr_init: float,
    prefix: bool,
    lr_min: float,
    base: float = 1.0,
    ramp_to_decay: bool = False,
):  # type: ignore[no-untyped-def]
    """``ramp_to_decay``: without the prefix, the ramp ends at the decay's value at
    ``warmup_t`` (TanhLRScheduler) instead of the base lr (Cosine-, PolyLRScheduler)."""

    def main(t: int) -> float:
        if prefix:
            t = t - warmup_t
        i, t_curr = t // t_initial, t - t_initial * (t // t_initial)
        return lr_min + (base - lr_min) * curve(t_curr, t_initial) if i < 1 else lr_min

    target = main(warmup_t) if ramp_to_decay and not prefix else base
    slope = (target - warmup_lr_init) / warmup_t if warmup_t else 1.0

    def lr(t: int) -> float:
        return warmup_lr_init + t * slope if t < warmup_t else main(t)

    return lr


def timm_lf(
    decay: lf.Schedule,
    warmup_t: int,
    warmup_lr_init: float,
    prefix: bool,
    ramp_to_decay: bool = False,
) -> lf.Schedule:
    if not warmup_t:
        return decay
    if prefix:
        return lf.chain(lf.warmup(warmup_t, start=warmup_lr_init), decay)
    # Without the prefix the decay runs on global time; the ramp ends at the base lr, or
    # (tanh) at the decay's value at warmup_t.
    end = decay(warmup_t) if ramp_to_decay else 1.0
    return lf.chain(lf.linear(warmup_t, start=warmup_lr_init, end=end), lf.shift(decay, -warmup_t))


CASES = [(0, 0.0, False), (10, 0.01, False), (10, 0.01, True)]


@pytest.mark.parametrize(("warmup_t", "w0", "prefix"), CASES)
@pytest.mark.parametrize("k_decay", [1.0, 2.0])
def test_timm_cosine(warmup_t: int, w0: float, prefix: bool, k_decay: float) -> None:
    def curve(t: float, n: float) -> float:
        return 0.5 * (1 + math.cos(math.pi * t**k_decay / n**k_decay))

    decay = (
        lf.kdecay(lf.cosine(150, end=0.05), k_decay) if k_decay != 1 else lf.cosine(150, end=0.05)
    )
    check(timm_lf(decay, warmup_t, w0, prefix), timm(curve, 150, warmup_t, w0, prefix, 0.05))


@pytest.mark.parametrize(("warmup_t", "w0", "prefix"), CASES)
def test_timm_tanh(warmup_t: int, w0: float, prefix: bool) -> None:
    def curve(t: float, n: float) -> float:
        tr = t / n
        return 0.5 * (1 - math.tanh(-7.0 * (1.0 - tr) + 3.0 * tr))

    steps = [k for k in STEPS if k > 0]  # at t=0 timm sets base_lr, the curve 1 - 8.3e-7
    check(
        timm_lf(lf.tanh(150, end=0.05), warmup_t, w0, prefix, ramp_to_decay=True),
        timm(curve, 150, warmup_t, w0, prefix, 0.05, ramp_to_decay=True),
        steps,
    )


@pytest.mark.parametrize(("warmup_t", "w0", "prefix"), CASES)
@pytest.mark.parametrize("k_decay", [1.0, 1.5])
def test_timm_poly(warmup_t: int, w0: float, prefix: bool, k_decay: float) -> None:
    def curve(t: float, n: float) -> float:
        return (1 - t**k_decay / n**k_decay) ** 0.5

    decay = lf.kdecay(lf.poly(150, power=0.5, end=0.05), k_decay)
    check(timm_lf(decay, warmup_t, w0, prefix), timm(curve, 150, warmup_t, w0, prefix, 0.05))


# -- Keras 3: keras/src/optimizers/schedules/learning_rate_schedule.py --------------------


@pytest.mark.parametrize("staircase", [False, True])
def test_keras_exponential_and_inverse_time(staircase: bool) -> None:
    init, decay_steps, rate = 0.1, 7, 0.6

    def p(step: int) -> float:
        return math.floor(step / decay_steps) if staircase else step / decay_steps

    check(
        lf.exp(rate, every=decay_steps, staircase=staircase),
        lambda s: init * rate ** p(s),
        base=init,
    )
    check(
        lf.inverse_time(rate, every=decay_steps, staircase=staircase),
        lambda s: init / (1 + rate * p(s)),
        base=init,
    )


def test_keras_polynomial_decay() -> None:
    init, decay_steps, end, power = 0.1, 150, 1e-4, 3.0

    def ref(step: int) -> float:  # PolynomialDecay(cycle=False)
        s = min(step, decay_steps)
        return (init - end) * (1 - s / decay_steps) ** power + end

    check(lf.poly(decay_steps, power=power, end=end / init), ref, base=init)


@pytest.mark.parametrize("warmup_steps", [0, 20])
def test_keras_cosine_decay(warmup_steps: int) -> None:
    init, decay_steps, alpha, target = 0.0, 150, 0.1, 0.5

    def ref(step: int) -> float:  # CosineDecay with warmup_target
        if warmup_steps == 0:
            s = min(step, decay_steps)
            return init_or_target * (
                (1 - alpha) * 0.5 * (1 + math.cos(math.pi * s / decay_steps)) + alpha
            )
        s = min(step, decay_steps + warmup_steps)
        if s < warmup_steps:
            return (target - init) * (s / warmup_steps) + init
        s -= warmup_steps
        return target * ((1 - alpha) * 0.5 * (1 + math.cos(math.pi * s / decay_steps)) + alpha)

    init_or_target = target
    decay = lf.cosine(decay_steps, end=alpha)
    sched = lf.chain(lf.warmup(warmup_steps, start=init / target), decay) if warmup_steps else decay
    check(sched, ref, base=target)


def test_keras_piecewise_constant_switches_one_step_later() -> None:
    boundaries, values = [100, 110], [1.0, 0.5, 0.1]

    def ref(step: int) -> float:  # PiecewiseConstantDecay: value i+1 once step > boundary i
        return values[sum(step > b for b in boundaries)]

    check(lf.piecewise_constant([b + 1 for b in boundaries], values), ref, steps=range(0, 130))


# -- fvcore / detectron2: fvcore/common/param_scheduler.py, detectron2/solver/lr_scheduler.py


def fv_cosine(start: float, end: float):  # type: ignore[no-untyped-def]
    return lambda where: end + 0.5 * (start - end) * (1 + math.cos(math.pi * where))


def fv_linear(start: float, end: float):  # type: ignore[no-untyped-def]
    return lambda where: end * where + start * (1 - where)


def fv_composite(schedulers, lengths, scaling):  # type: ignore[no-untyped-def]
    def schedule(where: float) -> float:  # CompositeParamScheduler.__call__
        i, running_total = 0, lengths[0]
        while (where + 1e-6) > running_total and i < len(schedulers) - 1:
            i += 1
            running_total += lengths[i]
        w = where
        if scaling[i] == "rescaled":
            w = (where - (running_total - lengths[i])) / lengths[i]
        return schedulers[i](w)

    return schedule


def test_fvcore_composite_rescaled() -> None:
    n = 300
    ref = fv_composite(
        [fv_linear(0.01, 1.0), fv_cosine(1.0, 0.0)], [0.1, 0.9], ["rescaled", "rescaled"]
    )
    check(
        lf.chain(lf.linear(30, start=0.01, end=1.0), lf.cosine(270)),
        lambda k: ref(k / n),
        steps=range(n),
    )
    # fvcore's 1e-6 look-ahead moves a switch earlier once max_iter >= 1e6: floor(1e-6 N)
    # steps when 1e-6 N is not whole, one fewer when it is.
    for big, early in [(2_500_000, 2), (3_000_000, 2), (3_500_000, 3)]:
        step = fv_composite([lambda w: 1.0, lambda w: 0.0], [0.1, 0.9], ["fixed"] * 2)
        first = next(k for k in range(big // 10 - 5, big // 10 + 1) if step(k / big) == 0.0)
        assert first == big // 10 - early, big


def test_detectron2_warmup_cosine() -> None:
    n, w, factor = 300, 10, 0.001

    cosine = fv_cosine(1.0, 0.0)

    def warmup_param_scheduler(where: float) -> float:  # WarmupParamScheduler(linear)
        warm = fv_linear(factor * cosine(0.0), cosine(w / n))
        return fv_composite([warm, cosine], [w / n, 1 - w / n], ["rescaled", "fixed"])(where)

    decay = lf.cosine(n)
    sched = lf.chain(lf.linear(w, start=factor, end=decay(w)), lf.shift(decay, -w))
    check(
        sched, lambda k: warmup_param_scheduler(k / n), steps=range(n)
    )  # LRMultiplier: k / max_iter


# -- Composer: composer/optim/scheduler.py -------------------------------------------------


def test_composer_linear_with_warmup() -> None:
    w, n, a_i, a_f = 10, 200, 0.8, 0.1

    def ref(t: int) -> float:  # LinearWithWarmupScheduler
        if t < w:
            return t / w * a_i  # LinearScheduler(alpha_i=0, alpha_f=alpha_i, t_max=t_warmup)
        frac = min(1.0, (t - w) / (n - w))
        return a_i + frac * (a_f - a_i)

    check(lf.chain(lf.warmup(w, start=0.0) * a_i, lf.linear(n - w, start=a_i, end=a_f)), ref)


def test_composer_cosine_and_multistep_with_warmup() -> None:
    w, n, a_f = 10, 200, 0.05

    def cos_ref(t: int) -> float:  # CosineAnnealingWithWarmupScheduler
        if t < w:
            return t / w
        x = min(max((t - w) / (n - w), 0.0), 1.0)
        return a_f + (1 - a_f) * (1 + math.cos(x * math.pi)) / 2

    check(lf.chain(lf.warmup(w, start=0.0), lf.cosine(n - w, end=a_f)), cos_ref)

    milestones, gamma = [5, 50, 150], 0.5

    def ms_ref(t: int) -> float:  # MultiStepWithWarmupScheduler
        return t / w if t < w else gamma ** sum(t >= m for m in milestones)

    check(
        lf.chain(lf.warmup(w, start=0.0), lf.shift(lf.multistep(milestones, gamma=gamma), -w)),
        ms_ref,
    )


@pytest.mark.parametrize("power", [0.5, 2.0])
def test_composer_polynomial_holds_past_t_max(power: float) -> None:
    t_max, a_f = 100, 0.1

    def ref(t: int) -> float:  # PolynomialScheduler (0.32.1): t / t_max clipped at 1
        return a_f + (1 - min(1.0, t / t_max)) ** power * (1 - a_f)

    check(lf.poly(t_max, power=power, end=a_f), ref)
