"""from_torch parity for OneCycleLR, CyclicLR and CosineAnnealingWarmRestarts (lr of every
param group, and the momentum / beta1 cycling of the first two), for any valid
parameters Hypothesis finds."""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.optim.lr_scheduler import (
    CosineAnnealingWarmRestarts,
    CyclicLR,
    OneCycleLR,
    StepLR,
)

import lrfunc as lf

SETTINGS = settings(max_examples=25, deadline=None)
REL = 1e-6


def make_optimizer(lrs: list[float], adam: bool) -> torch.optim.Optimizer:
    groups = [{"params": [torch.zeros(1)], "lr": lr} for lr in lrs]
    if adam:
        return torch.optim.Adam(groups, lr=lrs[0])
    return torch.optim.SGD(groups, lr=lrs[0], momentum=0.9)


def momentum_of(optimizer: torch.optim.Optimizer, group: dict) -> float:
    return group["betas"][0] if "betas" in optimizer.defaults else group["momentum"]


def assert_parity(optimizer, scheduler, steps: int, momentum: bool) -> None:
    """Step torch's scheduler and compare every group's lr (and momentum) at every step."""
    scheds = lf.from_torch(scheduler)
    moms = lf.from_torch_momentum(scheduler) if momentum else None
    assert len(scheds) == len(optimizer.param_groups)
    for k in range(steps):
        for g, group in enumerate(optimizer.param_groups):
            want, got = group["lr"], scheds[g](k, group["initial_lr"])
            assert math.isclose(got, want, rel_tol=REL), (k, g, got, want, scheds[g])
            if moms is not None:
                want, got = momentum_of(optimizer, group), moms[g](k, group["max_momentum"])
                assert math.isclose(got, want, rel_tol=REL), (k, g, got, want, moms[g])
        if k + 1 < steps:
            optimizer.step()
            scheduler.step()


lr_lists = st.lists(st.floats(1e-4, 1.0), min_size=1, max_size=3)


@SETTINGS
@given(
    max_lrs=lr_lists,
    total=st.integers(1, 300),
    pct_start=st.floats(0.0, 1.0),
    anneal=st.sampled_from(["cos", "linear"]),
    three_phase=st.booleans(),
    div=st.floats(1.0, 1e3),
    final_div=st.floats(1.0, 1e5),
    base_m=st.floats(0.5, 0.9),
    max_m=st.floats(0.8, 0.999),
    adam=st.booleans(),
)
def test_onecycle_parity(
    max_lrs, total, pct_start, anneal, three_phase, div, final_div, base_m, max_m, adam
):
    if float(pct_start * total) - 1 == 0.0:
        return  # torch divides 0 by 0 at step 0 here
    opt = make_optimizer([0.1] * len(max_lrs), adam)
    sched = OneCycleLR(
        opt,
        max_lr=max_lrs,
        total_steps=total,
        pct_start=pct_start,
        anneal_strategy=anneal,
        three_phase=three_phase,
        div_factor=div,
        final_div_factor=final_div,
        base_momentum=base_m,
        max_momentum=max_m,
    )
    assert_parity(opt, sched, total, momentum=True)  # torch raises past total_steps


@SETTINGS
@given(
    lows=lr_lists,
    ratio=st.floats(0.1, 100.0),
    up=st.integers(1, 40),
    down=st.one_of(st.none(), st.integers(0, 40)),
    mode=st.sampled_from(["triangular", "triangular2", "exp_range"]),
    gamma=st.floats(0.9, 1.0),
    base_m=st.floats(0.5, 0.9),
    max_m=st.floats(0.8, 0.999),
    adam=st.booleans(),
)
def test_cyclic_parity(lows, ratio, up, down, mode, gamma, base_m, max_m, adam):
    opt = make_optimizer(lows, adam)
    sched = CyclicLR(
        opt,
        base_lr=lows,
        max_lr=[low * ratio for low in lows],
        step_size_up=up,
        step_size_down=down,
        mode=mode,
        gamma=gamma,
        base_momentum=base_m,
        max_momentum=max_m,
    )
    assert_parity(opt, sched, 300, momentum=True)


@SETTINGS
@given(
    lrs=lr_lists,
    t0=st.integers(1, 20),
    t_mult=st.integers(1, 4),
    eta_min=st.floats(0.0, 0.5),
)
def test_restarts_parity(lrs, t0, t_mult, eta_min):
    opt = make_optimizer(lrs, adam=False)
    sched = CosineAnnealingWarmRestarts(opt, T_0=t0, T_mult=t_mult, eta_min=eta_min)
    assert_parity(opt, sched, 400, momentum=False)


def test_restarts_parity_long_run():
    # T_mult > 1 over hundreds of steps, past several restarts.
    opt = make_optimizer([0.1, 0.05], adam=False)
    sched = CosineAnnealingWarmRestarts(opt, T_0=3, T_mult=2, eta_min=1e-4)
    assert lf.from_torch(sched)[0] == lf.restarts(3, mult=2.0, end=1e-4 / 0.1)
    assert_parity(opt, sched, 800, momentum=False)


@pytest.mark.parametrize("adam", [False, True], ids=["sgd-momentum", "adam-beta1"])
@pytest.mark.parametrize("kind", ["onecycle", "cyclic"])
def test_adapter_replays_torch_with_momentum(kind, adam):
    def build():
        opt = make_optimizer([0.01, 0.02], adam)
        if kind == "onecycle":
            return opt, OneCycleLR(opt, max_lr=[0.5, 1.0], total_steps=40, three_phase=True)
        return opt, CyclicLR(opt, base_lr=[0.01, 0.02], max_lr=0.3, step_size_up=3)

    ref_opt, ref = build()
    opt, torch_sched = build()  # converted, then driven by lf.Scheduler instead
    key = "betas[0]" if adam else "momentum"
    # The group now holds max_momentum and initial_lr: the bases the schedules expect.
    schedules = {"lr": lf.from_torch(torch_sched), key: lf.from_torch_momentum(torch_sched)}
    driver = lf.Scheduler(opt, schedules)
    for _ in range(40):
        for mine, theirs in zip(opt.param_groups, ref_opt.param_groups, strict=True):
            assert math.isclose(mine["lr"], theirs["lr"], rel_tol=REL)
            assert math.isclose(momentum_of(opt, mine), momentum_of(ref_opt, theirs), rel_tol=REL)
        ref_opt.step()
        ref.step()
        opt.step()
        driver.step()


def test_cyclic_without_momentum_cycling():
    opt = make_optimizer([0.01], adam=False)
    sched = CyclicLR(opt, base_lr=0.01, max_lr=0.1, step_size_up=5, cycle_momentum=False)
    assert_parity(opt, sched, 50, momentum=False)
    with pytest.raises(ValueError, match="cycle_momentum=False"):
        lf.from_torch_momentum(sched)


def test_converted_reprs():
    opt = make_optimizer([0.1], adam=False)
    sched = OneCycleLR(opt, max_lr=1.0, total_steps=100)
    assert repr(lf.from_torch(sched)) == "[onecycle(100) * 25.0]"
    opt = make_optimizer([0.1], adam=False)
    sched = CyclicLR(opt, base_lr=0.1, max_lr=0.4, step_size_up=10, mode="triangular2")
    assert repr(lf.from_torch(sched)) == "[cyclic(10, low=0.25, mode='triangular2') * 4.0]"


def _custom_scale(x: float) -> float:
    return 1.0 / x


@pytest.mark.parametrize(
    ("build", "convert", "error", "message"),
    [
        (
            lambda opt: CyclicLR(opt, 0.01, 0.1, scale_fn=_custom_scale),
            lf.from_torch,
            ValueError,
            "custom scale_fn has no closed form",
        ),
        (
            lambda opt: CyclicLR(opt, 0.0, 0.1),
            lf.from_torch,
            ValueError,
            "base_lr must be > 0",
        ),
        (
            lambda opt: OneCycleLR(opt, 1.0, total_steps=10, base_momentum=0.0),
            lf.from_torch_momentum,
            ValueError,
            "base_momentum must be > 0",
        ),
        (
            lambda opt: StepLR(opt, 3),
            lf.from_torch_momentum,
            TypeError,
            "supports OneCycleLR and CyclicLR, got StepLR",
        ),
    ],
    ids=["custom-scale-fn", "zero-base-lr", "zero-base-momentum", "not-cycling"],
)
def test_unconvertible(build, convert, error, message):
    opt = make_optimizer([0.1], adam=False)
    with pytest.raises(error, match=message):
        convert(build(opt))


@pytest.mark.parametrize(
    "make_cyclic",
    [
        lambda opt: CyclicLR(opt, base_lr=[0.01, 0.002], max_lr=[0.1, 0.05], step_size_up=7),
        lambda opt: OneCycleLR(opt, max_lr=[0.1, 0.05], total_steps=120),
        lambda opt: CosineAnnealingWarmRestarts(opt, T_0=7, T_mult=2, eta_min=1e-3),
    ],
    ids=["CyclicLR", "OneCycleLR", "CosineAnnealingWarmRestarts"],
)
def test_after_a_sequential_milestone(make_cyclic) -> None:
    # Inside SequentialLR the group's initial_lr is the first scheduler's base, not the
    # cyclic scheduler's own base_lr: the factors must be of initial_lr all the same.
    optimizer = make_optimizer([0.3, 0.1], adam=False)
    first = StepLR(optimizer, step_size=4, gamma=0.5)
    scheduler = torch.optim.lr_scheduler.SequentialLR(
        optimizer, [first, make_cyclic(optimizer)], milestones=[10]
    )
    assert_parity(optimizer, scheduler, 100, momentum=False)
