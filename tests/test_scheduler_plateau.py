"""``Scheduler`` with a ``plateau``: torch's ReduceLROnPlateau through ``step(metric)``."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import lrfunc as lf

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")  # torch's call-order hint


def _optimizer(lrs: list[float], tensor: bool = False) -> torch.optim.Optimizer:
    groups = [
        {"params": [torch.zeros(1, requires_grad=True)], "lr": torch.tensor(lr) if tensor else lr}
        for lr in lrs
    ]
    return torch.optim.SGD(groups, lr=0.1)


configs = st.fixed_dictionaries(
    {
        "mode": st.sampled_from(["min", "max"]),
        "factor": st.sampled_from([0.1, 0.5, 0.9]),
        "patience": st.integers(0, 3),
        "threshold": st.sampled_from([0.0, 1e-4, 0.1]),
        "threshold_mode": st.sampled_from(["rel", "abs"]),
        "cooldown": st.integers(0, 2),
        "min_lr": st.sampled_from([0.0, 1e-3]),
    }
)
metrics = st.lists(st.sampled_from([1.0, 0.9, 0.95, 1.1, 0.5, 0.5, 2.0]), min_size=1, max_size=30)


@settings(max_examples=60, deadline=None)
@given(config=configs, values=metrics)
def test_matches_reduce_lr_on_plateau(config: dict, values: list[float]) -> None:
    ours_opt, torch_opt = _optimizer([0.1, 0.02]), _optimizer([0.1, 0.02])
    scheduler = lf.Scheduler(ours_opt, lf.plateau(**config))
    reference = torch.optim.lr_scheduler.ReduceLROnPlateau(torch_opt, **config)
    for value in values:
        scheduler.step(value)
        reference.step(value)
        ours = [g["lr"] for g in ours_opt.param_groups]
        theirs = [g["lr"] for g in torch_opt.param_groups]
        assert ours == pytest.approx(theirs, rel=1e-12, abs=0.0)


def test_tensor_lrs_follow_the_plateau_in_place() -> None:
    opt = _optimizer([0.1], tensor=True)
    lr = opt.param_groups[0]["lr"]
    scheduler = lf.Scheduler(opt, lf.plateau(patience=0, factor=0.5))
    for value in (1.0, 2.0, 2.0):
        scheduler.step(torch.tensor(value))
    assert opt.param_groups[0]["lr"] is lr
    assert lr.item() == pytest.approx(0.025)


def test_plateau_multiplies_a_schedule() -> None:
    opt = _optimizer([1.0])
    scheduler = lf.Scheduler(
        opt, lf.linear(10, end=0.0), plateau=lf.plateau(patience=0, factor=0.5)
    )
    scheduler.step(1.0)  # step 1, first metric is an improvement
    assert opt.param_groups[0]["lr"] == pytest.approx(0.9)
    scheduler.step(2.0)  # step 2, a bad epoch past patience 0: halve
    assert opt.param_groups[0]["lr"] == pytest.approx(0.8 * 0.5)
    scheduler.step(3.0, advance=0)  # a metric without an update: halve again, same step
    assert opt.param_groups[0]["lr"] == pytest.approx(0.8 * 0.25)


@pytest.mark.parametrize("tensor", [False, True], ids=["float", "tensor"])
def test_state_round_trip_resumes_exactly(tensor: bool, tmp_path) -> None:
    config = lf.plateau(patience=1, factor=0.5, cooldown=1)
    values = [1.0, 0.9, 0.95, 0.96, 0.97, 0.98, 0.5, 0.6, 0.7, 0.8]
    opt = _optimizer([0.1, 0.01], tensor)
    scheduler = lf.Scheduler(opt, config)
    trajectory = []
    for value in values:
        scheduler.step(value)
        trajectory.append([float(g["lr"]) for g in opt.param_groups])
    resumed_opt = _optimizer([0.1, 0.01], tensor)
    first = lf.Scheduler(resumed_opt, config)
    for value in values[:4]:
        first.step(value)
    torch.save(first.state_dict(), tmp_path / "state.pt")
    second_opt = _optimizer([0.1, 0.01], tensor)
    second = lf.Scheduler(second_opt, config)
    second.load_state_dict(torch.load(tmp_path / "state.pt", weights_only=True))
    for i, value in enumerate(values[4:], start=4):
        second.step(value)
        assert [float(g["lr"]) for g in second_opt.param_groups] == trajectory[i]


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda opt: lf.Scheduler(opt, lf.cosine(5)).step(1.0), TypeError, "no plateau"),
        (lambda opt: lf.Scheduler(opt), TypeError, "schedules, a plateau"),
        (lambda opt: lf.Scheduler(opt, plateau="min"), TypeError, "plateau must be"),
        (
            lambda opt: lf.Scheduler(opt, lf.plateau(), plateau=lf.plateau()),
            TypeError,
            "give the plateau once",
        ),
        (
            lambda opt: lf.Scheduler(opt, {"momentum": lf.cosine(5)}, plateau=lf.plateau()),
            ValueError,
            "no param group's 'lr'",
        ),
        (
            lambda opt: lf.Scheduler(opt, lf.plateau()).load_state_dict(
                lf.Scheduler(opt, lf.cosine(3)).state_dict()
            ),
            ValueError,
            "must carry",
        ),
    ],
    ids=["metric-without-plateau", "nothing", "not-a-plateau", "twice", "no-lr", "state-without"],
)
def test_bad_use_is_a_clear_error(call, error, match) -> None:
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1, momentum=0.9)
    with pytest.raises(error, match=match):
        call(opt)
