"""Parity of ``lf.from_torch`` with torch.optim.lr_scheduler.

For random parameters (Hypothesis) and an optimizer with 2-3 param groups of different
learning rates, ``scheds[g](k, group["initial_lr"])`` must equal torch's lr of group ``g``
after ``k`` calls of ``scheduler.step()``, for several hundred steps, on the number path
and on the tensor path.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.optim import lr_scheduler as tls
from torch.optim.swa_utils import SWALR

import lrfunc as lf

STEPS = 300
REL = 1e-6
# Absolute slack, as a fraction of the largest lr in play. torch's recursions compute a
# ratio such as ``1 + (end - start) / D`` or ``(1 + cos a) / (1 + cos b)`` that cancels to
# near 0 at the end of a decay or at a cosine trough: there its value carries an absolute
# error of a few ulps of the lr it multiplies (~1e-16 relative to base_lr), so a value
# that should be exactly 0 comes out as ~1e-17 * base_lr, and float64 underflow of
# gamma**k does the same. 1e-12 of the largest lr is far above that noise and far below
# any lr that matters.
ABS = 1e-12

PARITY = settings(max_examples=25, deadline=None)


# -- LambdaLR functions: module level (named in reprs), and working on tensors too ------


def decay_97(k: Any) -> Any:
    return 0.97**k


def inverse(k: Any) -> Any:
    return 1.0 / (1.0 + 0.1 * k)


def halve_every_50(k: Any) -> Any:
    return 0.5 ** (k // 50)


def rise(k: Any) -> Any:
    return 1.0 + 0.01 * k


LAMBDAS = [decay_97, inverse, halve_every_50, rise]


# -- torch side ------------------------------------------------------------------------


def make_optimizer(lrs: list[float]) -> torch.optim.Optimizer:
    groups = [{"params": [torch.zeros(1, requires_grad=True)], "lr": lr} for lr in lrs]
    return torch.optim.SGD(groups, lr=0.1)


Spec = tuple[type, dict[str, Any]]


def build(spec: Spec, opt: torch.optim.Optimizer) -> Any:
    cls, kwargs = spec
    if cls is tls.SequentialLR:
        children = [build(c, opt) for c in kwargs["schedulers"]]
        return tls.SequentialLR(opt, children, milestones=kwargs["milestones"])
    if cls is tls.ChainedScheduler:
        return tls.ChainedScheduler([build(c, opt) for c in kwargs["schedulers"]])
    if cls is tls.LambdaLR:
        fns = kwargs["lr_lambda"]
        fn = fns[: len(opt.param_groups)] if isinstance(fns, list) else fns
        return tls.LambdaLR(opt, lr_lambda=fn)
    return cls(opt, **kwargs)


def torch_trajectory(opt: torch.optim.Optimizer, scheduler: Any, steps: int) -> list[list[float]]:
    opt.step()  # an optimizer step first, so torch does not warn about the call order
    rows = []
    for _ in range(steps):
        rows.append([float(g["lr"]) for g in opt.param_groups])
        scheduler.step()
    return rows


def assert_parity(spec: Spec, lrs: list[float], steps: int = STEPS) -> list[lf.Schedule]:
    opt = make_optimizer(lrs)
    scheduler = build(spec, opt)
    scheds = lf.from_torch(scheduler)
    bases = [g["initial_lr"] for g in opt.param_groups]
    expected = torch_trajectory(opt, scheduler, steps)
    assert len(scheds) == len(opt.param_groups)
    scale = max([*bases, *(abs(v) for row in expected for v in row)])
    k_all = torch.arange(steps, dtype=torch.float64)
    for g, (sched, base) in enumerate(zip(scheds, bases, strict=True)):
        want = [row[g] for row in expected]
        got = [sched(k, base) for k in range(steps)]
        for k, (a, b) in enumerate(zip(got, want, strict=True)):
            assert math.isclose(a, b, rel_tol=REL, abs_tol=ABS * scale), (
                f"group {g} (initial_lr={base}) step {k}: lrfunc {a!r} != torch {b!r}; {sched!r}"
            )
        tensor = sched(k_all, base)
        assert tensor.dtype == torch.float64
        torch.testing.assert_close(
            tensor, torch.tensor(want, dtype=torch.float64), rtol=REL, atol=ABS * scale
        )
    return scheds


# -- strategies ------------------------------------------------------------------------

lrs_st = st.lists(st.one_of(st.just(0.0), st.floats(1e-5, 1.0)), min_size=2, max_size=3).filter(
    lambda xs: any(x > 0 for x in xs)
)
gamma_st = st.floats(0.05, 1.5)


def step_lr(max_size: int = 120) -> st.SearchStrategy[Spec]:
    return st.builds(
        lambda n, g: (tls.StepLR, {"step_size": n, "gamma": g}),
        st.integers(1, max_size),
        st.one_of(st.just(0.0), st.just(1.0), gamma_st),
    )


def multistep_lr(top: int = STEPS + 20) -> st.SearchStrategy[Spec]:
    # Unsorted, repeated and zero milestones on purpose: torch counts them all.
    return st.builds(
        lambda ms, g: (tls.MultiStepLR, {"milestones": ms, "gamma": g}),
        st.lists(st.integers(0, top), max_size=6),
        st.one_of(st.just(0.0), gamma_st),
    )


def constant_lr(top: int = STEPS + 20, low: int = 0) -> st.SearchStrategy[Spec]:
    # factor > 0: torch divides by it at total_iters.
    return st.builds(
        lambda f, n: (tls.ConstantLR, {"factor": f, "total_iters": n}),
        st.floats(0.01, 1.0),
        st.integers(low, top),
    )


def linear_lr(top: int = STEPS + 20, low: int = 0) -> st.SearchStrategy[Spec]:
    return st.builds(
        lambda s, e, n: (tls.LinearLR, {"start_factor": s, "end_factor": e, "total_iters": n}),
        st.floats(0.01, 1.0),
        st.one_of(st.just(0.0), st.floats(0.0, 1.0)),
        st.integers(low, top),
    )


def exponential_lr() -> st.SearchStrategy[Spec]:
    return st.builds(lambda g: (tls.ExponentialLR, {"gamma": g}), st.floats(0.5, 1.05))


def polynomial_lr(top: int = STEPS + 20, low: int = 0) -> st.SearchStrategy[Spec]:
    return st.builds(
        lambda n, p: (tls.PolynomialLR, {"total_iters": n, "power": p}),
        st.integers(low, top),
        st.one_of(st.just(0.0), st.floats(0.1, 5.0)),
    )


def cosine_lr(eta_min: st.SearchStrategy[float] | None = None) -> st.SearchStrategy[Spec]:
    # T_max well below STEPS: the trajectory rises after T_max and falls again.
    return st.builds(
        lambda t, e: (tls.CosineAnnealingLR, {"T_max": t, "eta_min": e}),
        st.integers(1, 100),
        eta_min if eta_min is not None else st.one_of(st.just(0.0), st.floats(0.0, 0.5)),
    )


def lambda_lr() -> st.SearchStrategy[Spec]:
    one = st.sampled_from(LAMBDAS)
    return st.builds(
        lambda fn: (tls.LambdaLR, {"lr_lambda": fn}),
        st.one_of(one, st.lists(one, min_size=3, max_size=3)),
    )


def sequence_child() -> st.SearchStrategy[Spec]:
    # total_iters >= 1: LinearLR/PolynomialLR(total_iters=0) after a milestone make torch
    # divide by zero (test_sequential_zero_total_iters).
    return st.one_of(
        step_lr(),
        multistep_lr(),
        constant_lr(),
        linear_lr(low=1),
        exponential_lr(),
        polynomial_lr(low=1),
        cosine_lr(),
        lambda_lr(),
    )


# -- SWALR (torch.optim.swa_utils) -----------------------------------------------------------

positive_lrs_st = st.lists(st.floats(1e-5, 1.0), min_size=2, max_size=3)


@PARITY
@given(
    swa=st.lists(st.floats(0.0, 1.0), min_size=3, max_size=3),
    epochs=st.integers(0, 40),
    strategy=st.sampled_from(["cos", "linear"]),
    lrs=positive_lrs_st,
)
def test_swalr(swa: list[float], epochs: int, strategy: str, lrs: list[float]) -> None:
    kwargs = {"swa_lr": swa[: len(lrs)], "anneal_epochs": epochs, "anneal_strategy": strategy}
    assert_parity((SWALR, kwargs), lrs, steps=60)


@pytest.mark.parametrize("strategy", ["cos", "linear"])
def test_swalr_taking_over_from_another_scheduler(strategy: str) -> None:
    """SWA's usage: a decay first, then SWALR anneals from wherever the lr got to."""
    opt = make_optimizer([0.1, 0.03])
    decay = tls.CosineAnnealingLR(opt, T_max=20)
    for _ in range(7):
        opt.step()
        decay.step()
    swa = SWALR(opt, swa_lr=[0.05, 0.01], anneal_epochs=5, anneal_strategy=strategy)
    scheds = lf.from_torch(swa)
    shape = "cosine" if strategy == "cos" else "linear"
    start = opt.param_groups[0]["lr"] / 0.1
    assert scheds[0] == lf.interpolate([0, 5], [start, 0.5], shape=shape)
    bases = [g["initial_lr"] for g in opt.param_groups]
    for k in range(12):
        for g, (sched, base) in enumerate(zip(scheds, bases, strict=True)):
            assert math.isclose(
                sched(k, base), opt.param_groups[g]["lr"], rel_tol=REL, abs_tol=1e-15
            )
        opt.step()
        swa.step()


def test_swalr_needs_a_positive_initial_lr() -> None:
    opt = make_optimizer([0.0, 0.1])
    with pytest.raises(ValueError, match="SWALR's group 0 to have initial_lr > 0"):
        lf.from_torch(SWALR(opt, swa_lr=0.05))


# -- parity, one class at a time -------------------------------------------------------


@PARITY
@given(spec=step_lr(), lrs=lrs_st)
def test_step_lr(spec: Spec, lrs: list[float]) -> None:
    assert_parity(spec, lrs)


@PARITY
@given(spec=multistep_lr(), lrs=lrs_st)
def test_multistep_lr(spec: Spec, lrs: list[float]) -> None:
    assert_parity(spec, lrs)


@PARITY
@given(spec=constant_lr(), lrs=lrs_st)
def test_constant_lr(spec: Spec, lrs: list[float]) -> None:
    assert_parity(spec, lrs)


@PARITY
@given(spec=linear_lr(), lrs=lrs_st)
def test_linear_lr(spec: Spec, lrs: list[float]) -> None:
    assert_parity(spec, lrs)


@PARITY
@given(spec=exponential_lr(), lrs=lrs_st)
def test_exponential_lr(spec: Spec, lrs: list[float]) -> None:
    assert_parity(spec, lrs)


@PARITY
@given(spec=polynomial_lr(), lrs=lrs_st)
def test_polynomial_lr(spec: Spec, lrs: list[float]) -> None:
    assert_parity(spec, lrs)


@PARITY
@given(spec=cosine_lr(), lrs=lrs_st)
def test_cosine_annealing_lr_rises_after_t_max(spec: Spec, lrs: list[float]) -> None:
    assert_parity(spec, lrs)


@PARITY
@given(spec=lambda_lr(), lrs=lrs_st)
def test_lambda_lr(spec: Spec, lrs: list[float]) -> None:
    scheds = assert_parity(spec, lrs)
    fns = spec[1]["lr_lambda"]
    for g, sched in enumerate(scheds):
        fn = fns[g] if isinstance(fns, list) else fns
        assert sched == lf.from_function(fn)
        assert repr(sched) == f"from_function({fn.__qualname__})"


@PARITY
@given(data=st.data(), lrs=lrs_st)
def test_sequential_lr(data: st.DataObject, lrs: list[float]) -> None:
    children = data.draw(st.lists(sequence_child(), min_size=2, max_size=3))
    milestones = sorted(
        data.draw(
            st.lists(
                st.integers(1, STEPS - 1),
                min_size=len(children) - 1,
                max_size=len(children) - 1,
                unique=True,
            )
        )
    )
    assert_parity((tls.SequentialLR, {"schedulers": children, "milestones": milestones}), lrs)


@PARITY
@given(
    data=st.data(),
    lrs=lrs_st,
    children=st.lists(
        st.one_of(
            step_lr(),
            multistep_lr(),
            constant_lr(),
            linear_lr(),
            exponential_lr(),
            polynomial_lr(),
        ),
        min_size=2,
        max_size=3,
    ),
)
def test_chained_scheduler(data: st.DataObject, lrs: list[float], children: list[Spec]) -> None:
    if data.draw(st.booleans(), label="nested"):
        children = [(tls.ChainedScheduler, {"schedulers": children[:2]}), *children[2:]]
    assert_parity((tls.ChainedScheduler, {"schedulers": children}), lrs)


@PARITY
@given(data=st.data(), lrs=lrs_st, t_max=st.integers(1, 100))
def test_chained_scheduler_with_cosine_past_t_max(
    data: st.DataObject, lrs: list[float], t_max: int
) -> None:
    # Children that stop changing the lr by T_max: torch's cosine restart then drops them.
    others = data.draw(
        st.lists(
            st.one_of(
                constant_lr(top=t_max, low=1),
                linear_lr(top=t_max, low=1),
                polynomial_lr(top=t_max, low=1),
                multistep_lr(top=t_max),
            ),
            min_size=1,
            max_size=2,
        )
    )
    cos = (tls.CosineAnnealingLR, {"T_max": t_max, "eta_min": 0.0})
    where = data.draw(st.integers(0, len(others)))
    children = [*others[:where], cos, *others[where:]]
    assert_parity((tls.ChainedScheduler, {"schedulers": children}), lrs)


# -- worked conversions and quirks ------------------------------------------------------


def convert(spec: Spec, lrs: tuple[float, ...] = (0.1, 0.01)) -> list[lf.Schedule]:
    return lf.from_torch(build(spec, make_optimizer(list(lrs))))


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ((tls.StepLR, {"step_size": 30, "gamma": 0.5}), lf.step(30, gamma=0.5)),
        ((tls.MultiStepLR, {"milestones": [30, 80]}), lf.multistep([30, 80], gamma=0.1)),
        (
            (tls.MultiStepLR, {"milestones": [80, 30, 30, 0], "gamma": 0.5}),
            lf.piecewise_constant([30, 80], [0.5, 0.125, 0.0625]),
        ),
        (
            (tls.ConstantLR, {"factor": 0.5, "total_iters": 4}),
            lf.piecewise_constant([4], [0.5, 1.0]),
        ),
        ((tls.ConstantLR, {"factor": 0.5, "total_iters": 0}), lf.constant(0.5)),
        (
            (tls.LinearLR, {"start_factor": 0.1, "total_iters": 10}),
            lf.linear(10, start=0.1, end=1.0),
        ),
        ((tls.LinearLR, {"start_factor": 0.1, "total_iters": 0}), lf.constant(0.1)),
        ((tls.ExponentialLR, {"gamma": 0.9}), lf.exp(0.9)),
        ((tls.PolynomialLR, {"total_iters": 10, "power": 2.0}), lf.poly(10, power=2.0)),
        ((tls.CosineAnnealingLR, {"T_max": 10}), lf.cosine_wave(10)),
        (
            (tls.CosineAnnealingLR, {"T_max": 10, "eta_min": 1e-4}),
            lf.cosine_wave(10, end_lr=1e-4),
        ),
    ],
    ids=lambda v: v[0].__name__ if isinstance(v, tuple) else None,
)
def test_conversion_is_the_expected_expression(spec: Spec, expected: lf.Schedule) -> None:
    assert convert(spec) == [expected, expected]


def test_sequential_lr_is_a_chain_at_the_milestones() -> None:
    spec = (
        tls.SequentialLR,
        {
            "schedulers": [
                (tls.LinearLR, {"start_factor": 0.1, "total_iters": 5}),
                (tls.CosineAnnealingLR, {"T_max": 95, "eta_min": 1e-5}),
            ],
            "milestones": [5],
        },
    )
    expected = lf.chain(
        lf.linear(5, start=0.1, end=1.0), lf.cosine_wave(95, end_lr=1e-5), boundaries=[5]
    )
    assert convert(spec) == [expected, expected]


@pytest.mark.parametrize(
    ("children", "milestones"),
    [
        # A milestone 0: the first child never runs, the second starts at construction.
        ([(tls.ExponentialLR, {"gamma": 0.9}), (tls.StepLR, {"step_size": 3})], [0]),
        # A repeated milestone: the child between the two never runs.
        (
            [
                (tls.ExponentialLR, {"gamma": 0.9}),
                (tls.ConstantLR, {"factor": 0.2, "total_iters": 3}),
                (tls.StepLR, {"step_size": 3}),
            ],
            [7, 7],
        ),
        # Restarted at a milestone through the closed form at epoch 0: ConstantLR with
        # total_iters=0 is 1 there (0.3 forever when built), MultiStepLR counts its
        # milestones <= 0, negative ones too (only those == 0 when built).
        (
            [
                (tls.ExponentialLR, {"gamma": 0.9}),
                (tls.ConstantLR, {"factor": 0.3, "total_iters": 0}),
                (tls.MultiStepLR, {"milestones": [-4, 0, 5, 5], "gamma": 0.5}),
            ],
            [4, 9],
        ),
        (
            [
                (tls.ConstantLR, {"factor": 0.3, "total_iters": 0}),
                (tls.ExponentialLR, {"gamma": 0.9}),
            ],
            [6],
        ),
        (
            [
                (tls.MultiStepLR, {"milestones": [-4, 0, 5], "gamma": 0.5}),
                (tls.ExponentialLR, {"gamma": 0.9}),
            ],
            [9],
        ),
    ],
    ids=[
        "milestone-0",
        "repeated-milestone",
        "restart-forms",
        "constant-0-first",
        "multistep-first",
    ],
)
def test_sequential_lr_quirks(children: list[Spec], milestones: list[int]) -> None:
    assert_parity(
        (tls.SequentialLR, {"schedulers": children, "milestones": milestones}), [0.1, 0.02], 40
    )


@pytest.mark.parametrize("cls", [tls.LinearLR, tls.PolynomialLR])
def test_sequential_zero_total_iters_fails_in_torch_too(cls: type) -> None:
    spec: Spec = (
        tls.SequentialLR,
        {
            "schedulers": [(tls.ExponentialLR, {"gamma": 0.9}), (cls, {"total_iters": 0})],
            "milestones": [3],
        },
    )
    with pytest.raises(ValueError, match="divides by zero"):
        convert(spec)
    opt = make_optimizer([0.1])
    with pytest.raises(ZeroDivisionError):
        torch_trajectory(opt, build(spec, opt), 5)


def test_chained_scheduler_ending_with_lambda_lr_is_that_lambda() -> None:
    children = [(tls.ExponentialLR, {"gamma": 0.9}), (tls.LambdaLR, {"lr_lambda": inverse})]
    scheds = assert_parity((tls.ChainedScheduler, {"schedulers": children}), [0.1, 0.3], 50)
    assert scheds == [lf.from_function(inverse)] * 2


def test_cosine_annealing_lr_with_zero_initial_lr_rises_to_eta_min() -> None:
    assert_parity((tls.CosineAnnealingLR, {"T_max": 7, "eta_min": 0.05}), [0.0, 0.2], 50)


# -- what from_torch refuses ----------------------------------------------------------


class MyStepLR(tls.StepLR):
    """A user subclass: it may override get_lr, so it is not converted as a StepLR."""


@pytest.mark.parametrize(
    ("make", "name"),
    [
        (lambda opt: tls.ReduceLROnPlateau(opt), "ReduceLROnPlateau"),
        (lambda opt: MyStepLR(opt, step_size=3), "MyStepLR"),
        (lambda opt: tls.MultiplicativeLR(opt, lr_lambda=decay_97), "MultiplicativeLR"),
        (
            lambda opt: tls.SequentialLR(
                opt, [tls.ExponentialLR(opt, 0.9), MyStepLR(opt, step_size=3)], milestones=[2]
            ),
            "MyStepLR",
        ),
        (lambda opt: object(), "object"),
    ],
    ids=["ReduceLROnPlateau", "subclass", "MultiplicativeLR", "child", "not-a-scheduler"],
)
def test_unsupported_class_is_a_type_error_naming_it(make: Any, name: str) -> None:
    with pytest.raises(TypeError, match=rf"does not support the .*\b{name}\b"):
        lf.from_torch(make(make_optimizer([0.1, 0.01])))


def chained(*specs: Spec) -> Spec:
    return (tls.ChainedScheduler, {"schedulers": list(specs)})


COS = (tls.CosineAnnealingLR, {"T_max": 10})
EXP = (tls.ExponentialLR, {"gamma": 0.9})


@pytest.mark.parametrize(
    ("spec", "match"),
    [
        (chained((tls.CosineAnnealingLR, {"T_max": 10, "eta_min": 1e-3}), EXP), "eta_min=0.001"),
        (chained(COS, EXP), "still changing: \\['ExponentialLR'\\]"),
        (chained(COS, (tls.LinearLR, {"total_iters": 20})), "still changing: \\['LinearLR'\\]"),
        (chained(COS, COS), "2 CosineAnnealingLR"),
        (
            chained((tls.LambdaLR, {"lr_lambda": rise}), EXP),
            "LambdaLR only when it is the last child",
        ),
        (
            chained(EXP, (tls.SequentialLR, {"schedulers": [EXP, COS], "milestones": [3]})),
            "SequentialLR inside a ChainedScheduler",
        ),
        (
            (tls.SequentialLR, {"schedulers": [EXP, chained(EXP, COS)], "milestones": [3]}),
            "ChainedScheduler inside a SequentialLR",
        ),
        ((tls.SequentialLR, {"schedulers": [EXP, COS, EXP], "milestones": [5, 3]}), "in order"),
        ((tls.StepLR, {"step_size": 0}), "StepLR.step_size an int >= 1, got 0"),
        ((tls.LinearLR, {"total_iters": 2.5}), "LinearLR.total_iters an int >= 0, got 2.5"),
        ((tls.ExponentialLR, {"gamma": -0.5}), "ExponentialLR.gamma a finite number >= 0"),
        ((tls.CosineAnnealingLR, {"T_max": 10, "eta_min": -1.0}), "eta_min a finite number"),
    ],
    ids=[
        "chained-cosine-eta-min",
        "chained-cosine-exp",
        "chained-cosine-longer",
        "chained-two-cosines",
        "chained-lambda-first",
        "chained-sequential",
        "sequential-chained",
        "sequential-unsorted",
        "step-size-0",
        "fractional-total-iters",
        "negative-gamma",
        "negative-eta-min",
    ],
)
def test_no_closed_form_is_a_value_error_saying_why(spec: Spec, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        convert(spec)


def test_a_stepped_scheduler_is_refused() -> None:
    opt = make_optimizer([0.1])
    scheduler = tls.StepLR(opt, step_size=3)
    torch_trajectory(opt, scheduler, 2)
    with pytest.raises(ValueError, match="last_epoch=2"):
        lf.from_torch(scheduler)


def test_chained_scheduler_with_onecycle_before_others_is_refused() -> None:
    opt = make_optimizer([0.1, 0.01])
    onecycle = tls.OneCycleLR(opt, max_lr=0.1, total_steps=100)
    chain = tls.ChainedScheduler([onecycle, tls.ExponentialLR(opt, gamma=0.9)])
    with pytest.raises(ValueError, match="OneCycleLR only when it is the last child"):
        lf.from_torch(chain)


class MyExponentialLR(tls.ExponentialLR):
    """A subclass someone registered a converter for."""


def test_chained_scheduler_with_a_child_of_unknown_update_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from lrfunc import _from_torch

    monkeypatch.setitem(_from_torch._CONVERTERS, MyExponentialLR, lambda s: [lf.exp(s.gamma)] * 2)
    opt = make_optimizer([0.1, 0.01])
    mine = MyExponentialLR(opt, gamma=0.9)
    assert lf.from_torch(mine) == [lf.exp(0.9)] * 2
    chain = tls.ChainedScheduler([tls.StepLR(opt, step_size=3), mine])
    with pytest.raises(ValueError, match="whether MyExponentialLR's update"):
        lf.from_torch(chain)
