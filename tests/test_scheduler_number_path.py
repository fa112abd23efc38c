"""The adapter's number path: values are ``sched(k, base)`` bit for bit, and the
scheduler still pickles and copies.
"""

from __future__ import annotations

import copy
import pickle

import pytest
import torch

import lrfunc as lf

SCHEDULES = {
    "step": lf.step(3, gamma=0.5),
    "cosine": lf.cosine(20, end=0.1, exponent=2.0),
    "onecycle": lf.onecycle(20),
    "onecycle_three_phase": lf.onecycle(20, three_phase=True, anneal="linear"),
    "warmup_cosine_shape": lf.warmup(5, shape="cosine"),
    "chain": lf.chain(lf.warmup(4, start=0.01), lf.cosine(16)),
    "product": lf.cosine(20) * lf.multistep([5, 10], gamma=0.5),
}
BASES = (0.1, 0.05)


def optimizer() -> torch.optim.SGD:
    return torch.optim.SGD(
        [{"params": [torch.nn.Parameter(torch.zeros(1))], "lr": b} for b in BASES]
    )


@pytest.mark.parametrize("sched", SCHEDULES.values(), ids=SCHEDULES.keys())
def test_number_path_is_sched_of_k(sched: lf.Schedule) -> None:
    opt = optimizer()
    scheduler = lf.Scheduler(opt, sched)
    for k in range(30):
        got = [group["lr"] for group in opt.param_groups]
        assert got == [sched(k, b) for b in BASES]
        assert all(type(v) is float for v in got)
        scheduler.step()


@pytest.mark.parametrize("clone", [pickle.loads, copy.deepcopy], ids=["pickle", "deepcopy"])
def test_scheduler_pickles_and_copies(clone: object) -> None:
    opt = optimizer()
    scheduler = lf.Scheduler(opt, SCHEDULES["onecycle"])
    for _ in range(7):
        scheduler.step()
    payload = pickle.dumps(scheduler) if clone is pickle.loads else scheduler
    twin = clone(payload)  # type: ignore[operator]
    for _ in range(5):
        scheduler.step()
        twin.step()
        mine = [group["lr"] for group in opt.param_groups]
        theirs = [group["lr"] for group in twin.optimizer.param_groups]
        assert mine == theirs
