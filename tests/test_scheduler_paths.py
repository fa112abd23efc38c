"""The adapter's host path and device path (DESIGN §4): the same values, exact resumes.

With tensor hyperparameters an eager step whose step is known on the host computes
``sched(k, base)`` in Python and writes each tensor with one ``fill_``; a traced or
captured step, or one after a tensor ``advance``, computes on the device.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
import torch
from schedule_examples import EXAMPLES, Example, all_steps
from torch.utils._python_dispatch import TorchDispatchMode

import lrfunc as lf

BASES = (0.1, 3e-4)
HOLD = torch.zeros((), dtype=torch.int64)  # a tensor advance of 0: the device path, same step
# The adapter adds no rounding of its own: each path is the schedule's own number or tensor
# path, rounded once into the lr's dtype. Where those two differ by more than an ulp of
# float64 the difference is the schedule's: noise's Box-Muller factor takes log/cos/sqrt
# from Python's math on one path and torch's kernels on the other (2 ulps at step 6).
LIBM_ULPS = {("noise", torch.float64): 2.0}


class _Ops(TorchDispatchMode):
    """The aten ops run inside the block."""

    def __init__(self) -> None:
        super().__init__()
        self.ops: list[str] = []

    def __torch_dispatch__(self, func: Any, types: Any, args: Any = (), kwargs: Any = None) -> Any:
        self.ops.append(str(func))
        return func(*args, **(kwargs or {}))


def optimizer(dtype: torch.dtype = torch.float32) -> torch.optim.SGD:
    return torch.optim.SGD(
        [
            {"params": [torch.nn.Parameter(torch.zeros(1))], "lr": torch.tensor(b, dtype=dtype)}
            for b in BASES
        ]
    )


def lrs(opt: torch.optim.Optimizer) -> list[torch.Tensor]:
    return [group["lr"].clone() for group in opt.param_groups]


def ulps(a: torch.Tensor, b: torch.Tensor) -> float:
    """How many units in the last place of their dtype ``a`` and ``b`` lie apart."""
    if torch.equal(a, b):
        return 0.0
    big = torch.maximum(a.abs(), b.abs())
    spacing = torch.nextafter(big, torch.tensor(math.inf, dtype=big.dtype)) - big
    return float((a - b).abs() / spacing)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=["float32", "float64"])
@pytest.mark.parametrize("example", EXAMPLES, ids=[e.name for e in EXAMPLES])
def test_host_path_equals_device_path(example: Example, dtype: torch.dtype) -> None:
    opt = optimizer(dtype)
    scheduler = lf.Scheduler(opt, example.schedule)
    allowed = LIBM_ULPS.get((example.name, dtype), 1.0)
    worst = 0.0
    for k in all_steps():
        scheduler.last_epoch = k  # known on the host: computed there
        host = lrs(opt)
        scheduler.step(advance=HOLD)  # a tensor advance: computed on the device
        device = lrs(opt)
        for h, d in zip(host, device, strict=True):
            assert h.dtype == d.dtype == dtype
            worst = max(worst, ulps(h, d))
            assert worst <= allowed, f"step {k}: host {h.item()!r} device {d.item()!r}"


def test_an_eager_step_is_one_fill_per_tensor() -> None:
    opt = optimizer()
    scheduler = lf.Scheduler(opt, lf.onecycle(100))
    with _Ops() as seen:
        scheduler.step()
    assert sorted(seen.ops) == ["aten.add_.Tensor", "aten.fill_.Scalar", "aten.fill_.Scalar"]


def test_after_a_tensor_advance_the_device_path_until_the_step_is_known() -> None:
    opt = optimizer()
    scheduler = lf.Scheduler(opt, lf.onecycle(100))
    scheduler.step(advance=torch.tensor(1))
    with _Ops() as seen:
        scheduler.step()  # the host does not know the step: no sync, on the device
    assert "aten.fill_.Scalar" not in seen.ops and len(seen.ops) > 3
    assert scheduler.last_epoch == 2  # one sync, and the host knows the step again
    with _Ops() as seen:
        scheduler.step()
    assert seen.ops.count("aten.fill_.Scalar") == 2
    torch.testing.assert_close(
        lrs(opt), [lf.onecycle(100)(torch.tensor(3), torch.tensor(b)) for b in BASES]
    )


@pytest.mark.parametrize("path", ["host", "device"])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=["float32", "float64"])
def test_resume_is_exact_on_each_path(path: str, dtype: torch.dtype) -> None:
    sched = lf.chain(lf.warmup(5), lf.cosine(30, end=0.05))
    advance: Any = 1 if path == "host" else torch.tensor(1)

    def run(scheduler: lf.Scheduler, opt: torch.optim.Optimizer, steps: int) -> list[Any]:
        out = []
        for _ in range(steps):
            scheduler.step(advance=advance)
            out.append(lrs(opt))
        return out

    opt = optimizer(dtype)
    scheduler = lf.Scheduler(opt, sched)
    head = run(scheduler, opt, 12)
    state = scheduler.state_dict()
    tail = run(scheduler, opt, 30)

    fresh = optimizer(dtype)
    resumed = lf.Scheduler(fresh, sched)
    resumed.load_state_dict(state)
    assert resumed.last_epoch == len(head)
    assert [[x.item() for x in v] for v in run(resumed, fresh, 30)] == [
        [x.item() for x in v] for v in tail
    ]
