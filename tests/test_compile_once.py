"""In compiled code a schedule's value is computed once per step (DESIGN §4).

Inductor fuses pointwise producers into their consumers, so ``p - lr * g`` could evaluate
the whole schedule (float64, ``cos`` and all) inside the loop over ``p``'s elements. The
detector compares the generated code of a compiled update with its *twin*, the same update
with the learning rates passed in as a tensor: the per-element code (the bodies of loops
on CPU, kernels over more than one element on GPU) must hold no more operations than the
twin's, where each lr is one load. A schedule inlined into a loop adds its whole formula
there, and the failure shows those lines.

Every example of :mod:`schedule_examples` goes through ONE compiled update (3 parameters
of 256x256, each updated by a third of the schedules), so a new schedule is covered by
adding it there.
"""

from __future__ import annotations

import collections
import functools
import re
from collections.abc import Callable, Sequence
from typing import Any

import pytest
import torch
from schedule_examples import EXAMPLES
from torch._inductor.utils import run_and_get_code

import lrfunc as lf
import lrfunc._step

pytestmark = [
    pytest.mark.slow,
    # Inductor's first use imports torch.jit internals that warn (filterwarnings = error).
    pytest.mark.filterwarnings("ignore::DeprecationWarning:torch"),
]

BASE_LR = 0.05
SHAPE = (256, 256)
N_PARAMS = 3

Tensors = Sequence[torch.Tensor]


def _update(params: Tensors, grads: Tensors, lrs: Sequence[Any]) -> list[torch.Tensor]:
    """SGD by each lr in turn, the i-th lr on parameter ``i % N_PARAMS``."""
    new = list(params)
    for i, lr in enumerate(lrs):
        j = i % len(new)
        new[j] = new[j] - lr * grads[j]
    return new


DEVICES = [
    "cpu",
    pytest.param(
        "cuda",
        marks=[
            pytest.mark.cuda,
            pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device"),
        ],
    ),
]


def _inputs(device: str = "cpu") -> tuple[list[torch.Tensor], list[torch.Tensor]]:
    g = torch.Generator().manual_seed(0)
    params = [torch.randn(SHAPE, generator=g).to(device) for _ in range(N_PARAMS)]
    grads = [torch.randn(SHAPE, generator=g).to(device) for _ in range(N_PARAMS)]
    return params, grads


def _code(fn: Callable[..., Any], *args: Any) -> str:
    torch._dynamo.reset()  # a fresh compile: run_and_get_code reads the code it writes
    _, sources = run_and_get_code(torch.compile(fn, fullgraph=True), *args)
    return "\n".join(sources)


_CPP_OP = re.compile(r"^\s*(auto tmp\d+ =|tmp\d+\.store\(|out_ptr\d+\[.*\] = )")
_TRITON_OP = re.compile(r"^\s*(tmp\d+ =|tl\.store\()")
_XNUMEL = re.compile(r"^\s*xnumel = (\d+)\s*$", re.MULTILINE)


def per_element_ops(code: str) -> list[str]:
    """The operations of ``code`` that run once per element of some tensor.

    C++ (CPU): every statement inside a ``for`` loop. Triton (GPU): every statement of a
    kernel launched over more than one element. The ``tmpN`` names are stripped, so that
    two programs can be compared line for line.
    """
    ops: list[str] = []
    for kernel in code.split("@triton.jit")[1:]:
        numel = _XNUMEL.search(kernel)
        if numel is None or int(numel.group(1)) > 1:
            ops += [line for line in kernel.splitlines() if _TRITON_OP.match(line)]
    depth = 0
    loop_depths: list[int] = []  # brace depth at which each enclosing for-loop opened
    for line in code.splitlines():
        stripped = line.strip()
        if stripped.startswith("for(") or stripped.startswith("for ("):
            loop_depths.append(depth)
        elif loop_depths and _CPP_OP.match(line):
            ops.append(line)
        depth += line.count("{") - line.count("}")
        while loop_depths and depth <= loop_depths[-1] and "}" in line:
            loop_depths.pop()
    return [re.sub(r"\b(tmp|in_ptr|out_ptr)\d+\b", r"\1", op.strip()) for op in ops]


def assert_no_more_per_element_work(code: str, twin: str) -> None:
    ops, floor = per_element_ops(code), per_element_ops(twin)
    assert floor, "the detector found no per-element code in the twin (codegen changed?)"
    extra = collections.Counter(ops) - collections.Counter(floor)
    assert len(ops) <= len(floor), (
        f"{len(ops)} per-element operations vs {len(floor)} with the lrs given as a tensor: "
        "a schedule is evaluated inside a loop over parameter elements; extra lines:\n"
        + "\n".join(sorted(extra.elements())[:40])
    )


# -- every public schedule, in one compiled update --------------------------------------


def _all_schedules_step(params: Tensors, grads: Tensors, step: torch.Tensor) -> list[torch.Tensor]:
    return _update(params, grads, [e.schedule(step, BASE_LR) for e in EXAMPLES])


def _all_lrs_given_step(params: Tensors, grads: Tensors, lrs: torch.Tensor) -> list[torch.Tensor]:
    return _update(params, grads, [lrs[i] for i in range(len(EXAMPLES))])


def test_every_schedule_is_computed_once_per_step() -> None:
    params, grads = _inputs()
    step = torch.tensor(7)
    code = _code(_all_schedules_step, params, grads, step)
    lrs = torch.tensor([e.schedule(7, BASE_LR) for e in EXAMPLES])
    twin = _code(_all_lrs_given_step, params, grads, lrs)
    assert_no_more_per_element_work(code, twin)


# -- one schedule, through each way of using it -----------------------------------------

SCHED = lf.chain(lf.warmup(100), lf.cosine(9_900, end=0.1))


def _one_lr_given(params: Tensors, grads: Tensors, lr: torch.Tensor) -> list[torch.Tensor]:
    return _update(params, grads, [lr] * N_PARAMS)


@functools.cache
def _one_lr_twin(device: str = "cpu") -> str:
    params, grads = _inputs(device)
    return _code(_one_lr_given, params, grads, torch.tensor(BASE_LR, device=device))


def _functional_step(params: Tensors, grads: Tensors, step: torch.Tensor) -> list[torch.Tensor]:
    return _update(params, grads, [SCHED(step, BASE_LR)] * N_PARAMS)


@pytest.mark.parametrize("device", DEVICES)
def test_functional_schedule_is_computed_once_per_step(device: str) -> None:
    params, grads = _inputs(device)
    step = torch.tensor(7, device=device)
    assert_no_more_per_element_work(
        _code(_functional_step, params, grads, step), _one_lr_twin(device)
    )


def test_the_detector_sees_a_schedule_inlined_into_the_update(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(lrfunc._step, "realized", lambda value: value)
    params, grads = _inputs()
    code = _code(_functional_step, params, grads, torch.tensor(7))
    with pytest.raises(AssertionError, match="evaluated inside a loop"):
        assert_no_more_per_element_work(code, _one_lr_twin())


def _sgd_with_tensor_lr() -> torch.optim.Optimizer:
    return torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=torch.tensor(BASE_LR))


def test_apply_schedules_value_is_computed_once_per_step() -> None:
    opt = _sgd_with_tensor_lr()
    base = lf.base_values(opt, SCHED)

    def train_step(params: Tensors, grads: Tensors, step: torch.Tensor) -> list[torch.Tensor]:
        lf.apply_schedules(opt, SCHED, step, base)
        return _update(params, grads, [opt.param_groups[0]["lr"]] * N_PARAMS)

    params, grads = _inputs()
    assert_no_more_per_element_work(
        _code(train_step, params, grads, torch.tensor(7)), _one_lr_twin()
    )


def test_scheduler_value_is_computed_once_per_step() -> None:
    opt = _sgd_with_tensor_lr()
    scheduler = lf.Scheduler(opt, SCHED)

    def train_step(params: Tensors, grads: Tensors) -> list[torch.Tensor]:
        scheduler.step()
        return _update(params, grads, [opt.param_groups[0]["lr"]] * N_PARAMS)

    params, grads = _inputs()
    assert_no_more_per_element_work(_code(train_step, params, grads), _one_lr_twin())
