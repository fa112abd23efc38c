"""Representative instances of every public schedule, shared by the compile and func tests.

Add an entry here for each new public schedule class or combinator exported from
``lrfunc``: ``test_every_public_schedule_has_an_example`` fails naming any class that has
no example whose outermost type it is, and the compile, vmap and grad tests pick the new
entries up without being edited.

``EXAMPLES`` are plain schedules (float parameters); each example's ``points`` are the
steps where it changes behaviour (boundaries, ends), checked together with
``COMMON_STEPS``. ``GRAD_CASES`` build a schedule from float *tensor* parameters, for
``torch.func.grad``/``vmap``; a class whose parameters can never be tensors is listed in
``NO_TENSOR_PARAMS`` with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import lrfunc as lf

__all__ = [
    "COMMON_STEPS",
    "EXAMPLES",
    "GRAD_CASES",
    "NO_TENSOR_PARAMS",
    "Example",
    "GradCase",
    "all_steps",
    "public_schedule_classes",
]


@dataclass(frozen=True)
class Example:
    """A schedule, named for test ids, with the steps where it changes behaviour."""

    name: str
    schedule: lf.Schedule
    points: tuple[int, ...] = ()


@dataclass(frozen=True)
class GradCase:
    """``build(**params)`` -> schedule, differentiable in each float parameter.

    ``points`` are the steps where gradients are checked (step 0, boundaries, past the
    end are added automatically from the built schedule's length).
    """

    name: str
    build: Callable[..., lf.Schedule]
    params: Mapping[str, float]
    points: tuple[int, ...] = field(default=())


def _halving(step: Any) -> Any:
    """A user's LambdaLR-style factor, written with operators only (numbers and tensors)."""
    return 0.5 ** (step // 2)


# Steps every example is checked at, besides its own points: the start, early steps and
# far past any end (integer steps up to 1e9 must stay exact).
COMMON_STEPS: tuple[int, ...] = (0, 1, 2, 10**6, 10**9)


EXAMPLES: tuple[Example, ...] = (
    Example("constant", lf.constant(0.5)),
    Example("constant_phase", lf.constant(0.7, steps=5), (4, 5, 6)),
    Example("linear", lf.linear(10, start=0.2, end=0.9), (5, 9, 10, 11)),
    Example("warmup", lf.warmup(8), (4, 7, 8, 9)),
    Example("warmup_start0", lf.warmup(8, start=0.0), (4, 8)),
    Example("step", lf.step(3, gamma=0.5), (3, 5, 6, 100)),
    Example("multistep", lf.multistep([4, 9], gamma=0.3), (3, 4, 8, 9, 10)),
    Example("exp", lf.exp(0.9), (5, 100)),
    Example(
        "exp_staircase_end",
        lf.exp(0.5, every=2, staircase=True, begin=3, end=0.1),
        (3, 4, 5, 6, 9, 12),
    ),
    Example("cosine", lf.cosine(12, end=0.1), (6, 11, 12, 13)),
    Example("poly", lf.poly(10, power=2.0, end=0.05), (5, 9, 10, 11)),
    Example("piecewise_constant", lf.piecewise_constant([3, 7], [1.0, 0.4, 0.05]), (3, 7)),
    Example(
        "chain",
        lf.chain(lf.warmup(4), lf.constant(1.0, steps=4), lf.cosine(8, end=0.05)),
        (3, 4, 7, 8, 12, 15, 16, 17),
    ),
    Example(
        "chain_boundaries",
        lf.chain(lf.constant(1.0), lf.exp(0.8), boundaries=[5]),
        (4, 5, 6, 50),
    ),
    Example(
        "chain_bound_recipe",  # a recipe bound to 23 updates: warmup(3), constant(16), linear(4)
        lf.chain(
            lf.warmup(lf.frac(0.1)),
            lf.constant(1.0, steps=lf.frac(0.7)),
            lf.linear(lf.frac(0.2), end=0.1),
        ).bind(23),
        (2, 3, 18, 19, 22, 23, 24),
    ),
    Example("product", lf.step(4, gamma=0.5) * lf.linear(12, end=0.5), (4, 8, 12)),
    Example("scale", lf.cosine(10) * 0.25, (5, 10)),
    Example("clip", lf.clip(lf.linear(10), min=0.2, max=0.8), (2, 8, 10)),
    Example("clip_lr", lf.clip(lf.cosine(10), min_lr=1e-2), (5, 10)),
    Example("shift", lf.shift(lf.linear(6), 3), (2, 3, 6, 9, 10)),
    Example("shift_back", lf.shift(lf.cosine(10), -4), (2, 6, 7)),
    Example("stretch", lf.stretch(lf.cosine(5), 2.0), (5, 9, 10, 11)),
    Example("in_epochs", lf.in_epochs(lf.step(2, gamma=0.5), 3), (2, 3, 5, 6, 12)),
    Example("in_epochs_continuous", lf.in_epochs(lf.cosine(4), 3, held=False), (5, 6, 12, 13)),
    Example("cosine_wave", lf.cosine_wave(6, end=0.1), (6, 12, 13, 18)),
    Example("cosine_wave_lr", lf.cosine_wave(6, end_lr=1e-3), (6, 7)),
    Example("from_function", lf.from_function(_halving, steps=6), (5, 6, 7)),
    Example("inverse_sqrt", lf.inverse_sqrt(4), (3, 4, 5, 16)),
    Example("inverse_sqrt_hf", lf.inverse_sqrt(4, timescale=10, start=0.0), (3, 4, 5)),
    Example("noam", lf.noam(64, 8), (7, 8, 9)),
    Example("rex", lf.rex(10, end=0.1), (5, 9, 10, 11)),
    Example("tanh", lf.tanh(10, end=0.05), (5, 9, 10, 11)),
    Example("interpolate", lf.interpolate([0, 3, 9], [0.1, 1.0, 0.2]), (2, 3, 8, 9, 10)),
    Example("interpolate_cosine", lf.interpolate([2, 6], [1.0, 0.0], shape="cosine"), (2, 4, 6)),
    Example("inverse_time", lf.inverse_time(0.5, every=2, staircase=True), (1, 2, 3, 4)),
    Example("kdecay", lf.kdecay(lf.cosine(10), 2.0), (5, 9, 10, 11)),
    Example(
        "wsd", lf.wsd(20, warmup=4, decay=0.25, shape="cosine", end=0.1), (3, 4, 14, 15, 19, 20)
    ),
    Example("wsd_1sqrt", lf.wsd(20, decay=5, shape="1-sqrt"), (14, 15, 19, 20)),
    Example("cooldown", lf.cooldown(lf.inverse_sqrt(4), 10, 6, shape="cosine"), (9, 10, 15, 16)),
    Example(
        "noise", lf.noise(lf.cosine(12), pct=0.2, std=0.5, seed=3, start=2), (1, 2, 11, 12, 13)
    ),
    Example("noise_uniform", lf.noise(lf.linear(10), kind="uniform", seed=7), (0, 9, 10)),
    Example("onecycle", lf.onecycle(20, pct_start=0.25), (3, 4, 5, 19, 20)),
    Example(
        "onecycle_three_phase",
        lf.onecycle(20, pct_start=0.3, anneal="linear", three_phase=True),
        (5, 10, 19),
    ),
    Example("cyclic", lf.cyclic(3, down=5, low=0.1, mode="triangular2"), (3, 8, 11, 16)),
    Example("cyclic_exp_range", lf.cyclic(4, low=0.0, mode="exp_range", gamma=0.99), (4, 8)),
    Example(
        "cyclic_amplitude",
        lf.cyclic(2, low=0.2, amplitude=lf.cosine(5), amplitude_by="cycle"),
        (2, 4, 10, 20),
    ),
    Example("restarts", lf.restarts(3, mult=2.0, decay=0.7, end=0.1), (2, 3, 8, 9, 21)),
    Example(
        "restarts_float_mult_limit",
        lf.restarts(4, mult=1.5, cycles=3, shape=lf.chain(lf.warmup(1), lf.cosine(3))),
        (3, 4, 9, 10, 18, 19),
    ),
    Example(
        "repeat",
        lf.repeat(lf.chain(lf.warmup(2), lf.cosine(4)), 3, mult=2.0, decay=0.5),
        (2, 5, 6, 17, 18, 41, 42),
    ),
)


GRAD_CASES: tuple[GradCase, ...] = (
    GradCase("constant", lambda value: lf.constant(value), {"value": 0.5}),
    GradCase(
        "linear",
        lambda start, end: lf.linear(10, start=start, end=end),
        {"start": 0.2, "end": 0.9},
    ),
    GradCase("warmup", lambda start: lf.warmup(8, start=start), {"start": 0.1}),
    GradCase("step", lambda gamma: lf.step(3, gamma=gamma), {"gamma": 0.5}, (3, 6)),
    GradCase("multistep", lambda gamma: lf.multistep([4, 9], gamma=gamma), {"gamma": 0.3}, (4, 9)),
    GradCase(
        "exp",
        lambda gamma, every, end: lf.exp(gamma, every=every, begin=3, end=end),
        {"gamma": 0.8, "every": 2.0, "end": 0.1},
        (3, 4, 23),
    ),
    GradCase(
        "exp_staircase",
        lambda gamma: lf.exp(gamma, every=2, staircase=True),
        {"gamma": 0.7},
        (2, 3),
    ),
    GradCase("cosine", lambda end: lf.cosine(12, end=end), {"end": 0.1}, (6,)),
    GradCase(
        "poly",
        lambda power, end: lf.poly(10, power=power, end=end),
        {"power": 2.0, "end": 0.05},
        (5, 9),
    ),
    GradCase(
        "piecewise_constant",
        lambda a, b, c: lf.piecewise_constant([3, 7], [a, b, c]),
        {"a": 1.0, "b": 0.4, "c": 0.05},
        (3, 7),
    ),
    GradCase(
        "chain",
        lambda start, end: lf.chain(lf.warmup(4, start=start), lf.cosine(8, end=end)),
        {"start": 0.1, "end": 0.05},
        (3, 4, 8, 12),
    ),
    GradCase(
        "product",
        lambda gamma, end: lf.step(4, gamma=gamma) * lf.poly(12, power=2.0, end=end),
        {"gamma": 0.5, "end": 0.1},
        (4, 12),
    ),
    GradCase("scale", lambda factor: lf.scale(lf.cosine(10), factor), {"factor": 0.25}),
    GradCase(
        "clip",
        lambda low, high, low_lr: lf.clip(lf.linear(10), min=low, max=high, min_lr=low_lr),
        {"low": 0.2, "high": 0.8, "low_lr": 0.1},
        (2, 8),
    ),
    GradCase("shift", lambda end: lf.shift(lf.cosine(6, end=end), 3), {"end": 0.2}, (3, 9)),
    GradCase("stretch", lambda factor: lf.stretch(lf.cosine(5), factor), {"factor": 2.0}, (5, 10)),
    GradCase("in_epochs", lambda end: lf.in_epochs(lf.cosine(4, end=end), 3), {"end": 0.1}, (5, 6)),
    GradCase("cosine_wave", lambda end: lf.cosine_wave(6, end=end), {"end": 0.1}, (6, 12)),
    GradCase(
        "cosine_wave_lr", lambda end_lr: lf.cosine_wave(6, end_lr=end_lr), {"end_lr": 1e-3}, (6,)
    ),
    GradCase(
        "inverse_sqrt",
        lambda start: lf.inverse_sqrt(4, timescale=10, start=start),
        {"start": 0.1},
        (3, 4, 5),
    ),
    GradCase("rex", lambda end: lf.rex(10, end=end), {"end": 0.1}, (5, 10)),
    GradCase(
        "tanh",
        lambda end, lower, upper: lf.tanh(10, end=end, lower=lower, upper=upper),
        {"end": 0.05, "lower": -6.0, "upper": 2.0},
        (5, 10),
    ),
    GradCase(
        "interpolate",
        lambda a, b, c: lf.interpolate([0, 3, 9], [a, b, c]),
        {"a": 0.1, "b": 1.0, "c": 0.2},
        (3, 9),
    ),
    GradCase("inverse_time", lambda rate: lf.inverse_time(rate, every=2), {"rate": 0.5}, (2, 4)),
    GradCase("kdecay", lambda k: lf.kdecay(lf.cosine(10), k), {"k": 2.0}, (5, 10)),
    GradCase(
        "wsd",
        lambda end: lf.wsd(20, warmup=4, decay=0.25, shape="cosine", end=end),
        {"end": 0.1},
        (4, 15, 19),
    ),
    GradCase(
        "cooldown",
        lambda end: lf.cooldown(lf.inverse_sqrt(4), 10, 6, shape="cosine", end=end),
        {"end": 0.05},
        (10, 15),
    ),
    GradCase(
        "noise",
        lambda pct, std: lf.noise(lf.cosine(12), pct=pct, std=std, seed=3),
        {"pct": 0.2, "std": 0.5},
        (6, 11, 12),
    ),
    GradCase(
        "onecycle",
        lambda pct_start, div_factor, final_div_factor: lf.onecycle(
            20, pct_start=pct_start, div_factor=div_factor, final_div_factor=final_div_factor
        ),
        {"pct_start": 0.3, "div_factor": 25.0, "final_div_factor": 100.0},
        (3, 10),
    ),
    GradCase(
        "cyclic",
        lambda low, gamma: lf.cyclic(3, down=5, low=low, mode="exp_range", gamma=gamma),
        {"low": 0.1, "gamma": 0.9},
        (2, 5, 9),
    ),
    GradCase(
        "restarts",
        lambda decay, end: lf.restarts(3, mult=2.0, decay=decay, end=end),
        {"decay": 0.7, "end": 0.1},
        (4, 10),
    ),
    GradCase(
        "repeat",
        lambda decay: lf.repeat(lf.cosine(4), mult=2.0, decay=decay),
        {"decay": 0.5},
        (5, 13),
    ),
)


# Public classes whose parameters can never be tensors, with the reason.
NO_TENSOR_PARAMS: Mapping[str, str] = {
    "from_function": "its only parameter is a Python function",
    "noam": "its parameters, d_model and the warmup length, are ints",
}


def public_schedule_classes() -> dict[str, type]:
    """Every ``Schedule`` subclass exported from ``lrfunc`` (the base itself excluded)."""
    return {
        name: obj
        for name, obj in vars(lf).items()
        if not name.startswith("_")
        and isinstance(obj, type)
        and issubclass(obj, lf.Schedule)
        and obj is not lf.Schedule
        and obj is not lf.Recipe  # a recipe is not a schedule until bound (test_recipe.py)
    }


def all_steps() -> tuple[int, ...]:
    """The union of every example's points and the common steps, sorted."""
    steps = set(COMMON_STEPS)
    for example in EXAMPLES:
        steps.update(example.points)
        if example.schedule.steps is not None:
            n = example.schedule.steps
            steps.update((n // 2, n - 1, n, n + 1, 3 * n))
    return tuple(sorted(steps))


def grad_steps(case: GradCase, schedule: Any) -> tuple[int, ...]:
    """Where a grad case is checked: 0, its points, and its end and past it."""
    steps = {0, 1, 10**6, *case.points}
    n = getattr(schedule, "steps", None)
    if isinstance(n, int):
        steps.update((n - 1, n, n + 1))
    return tuple(sorted(steps))
