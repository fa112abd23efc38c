"""A whole training step, schedule included, in a CUDA graph and under reduce-overhead.

The schedule is driven from a step counter that lives on the device: each training step
writes ``sched(step, base_lr)`` into the optimizer's tensor lr with ``copy_`` and then
increments the counter in place, so nothing touches the host and the step can be
captured once and replayed. Skipped without CUDA (run ``scripts/gpu_check.sh`` on a GPU).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
import torch
from torch import nn

import lrfunc as lf

pytestmark = [
    pytest.mark.cuda,
    pytest.mark.slow,
    pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device"),
    pytest.mark.filterwarnings("ignore::DeprecationWarning:torch"),
    pytest.mark.filterwarnings("ignore::UserWarning:torch"),
]

BASE_LR = 1e-2
WARMUP_ITERS = 3  # eager iterations before capture (optimizer state, cuBLAS handles)
# Compiled iterations before the checked ones: compile, recompile once the optimizer state
# exists, then CUDA-graph trees' warm-up and recording runs.
COMPILE_WARMUP_ITERS = 6
REPLAYS = 25
SCHEDULES = {
    # warmup + cosine, times a multistep (Python-number where branches) and a constant.
    "warmup_cosine_multistep": lf.chain(lf.warmup(5), lf.cosine(15, end=0.1))
    * lf.multistep([8, 14], gamma=0.5),
    "constant": lf.constant(0.5),
}


class Run:
    """A small model, AdamW with a device tensor lr, and a device step counter."""

    def __init__(self, sched: lf.Schedule, seed: int = 0) -> None:
        torch.manual_seed(seed)
        self.model = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 1)).cuda()
        generator = torch.Generator().manual_seed(seed)
        self.x = torch.randn(64, 8, generator=generator).cuda()
        self.y = torch.randn(64, 1, generator=generator).cuda()
        self.opt = torch.optim.AdamW(
            self.model.parameters(),
            lr=torch.tensor(BASE_LR, device="cuda"),
            capturable=True,
            foreach=True,
        )
        self.lr: torch.Tensor = self.opt.param_groups[0]["lr"]
        self.step = torch.zeros((), dtype=torch.int64, device="cuda")
        self.sched = sched
        self.lrs: list[torch.Tensor] = []

    def train_step(self) -> None:
        """Forward, backward, schedule update from the device step, optimizer step."""
        self.opt.zero_grad(set_to_none=True)
        loss = nn.functional.mse_loss(self.model(self.x), self.y)
        loss.backward()
        self.lr.copy_(self.sched(self.step, BASE_LR))
        self.opt.step()
        self.step.add_(1)

    def record(self) -> None:
        self.lrs.append(self.lr.clone())  # device-side copy: no sync

    def params(self) -> list[torch.Tensor]:
        return [p.detach().clone() for p in self.model.parameters()]


def _eager(sched: lf.Schedule, iters: int) -> Run:
    run = Run(sched)
    for _ in range(iters):
        run.train_step()
        run.record()
    torch.cuda.synchronize()
    return run


def _warm_up_on_side_stream(run: Run, fn: Callable[[], None]) -> None:
    stream = torch.cuda.Stream()
    stream.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(stream):
        for _ in range(WARMUP_ITERS):
            fn()
            run.record()
    torch.cuda.current_stream().wait_stream(stream)
    torch.cuda.synchronize()


def _check_same(run: Run, ref: Run, sched: lf.Schedule, rtol: float, atol: float) -> None:
    got, want = torch.stack(run.lrs).cpu(), torch.stack(ref.lrs).cpu()
    torch.testing.assert_close(got, want, rtol=rtol, atol=0)
    exact = torch.tensor([sched(k, BASE_LR) for k in range(len(ref.lrs))], dtype=got.dtype)
    torch.testing.assert_close(got, exact, rtol=2e-6, atol=0)
    for p, q in zip(run.params(), ref.params(), strict=True):
        torch.testing.assert_close(p, q, rtol=rtol, atol=atol)
    assert int(run.step) == len(ref.lrs)


class _NoSync:
    """``torch.cuda.set_sync_debug_mode("error")`` for a block, restored afterwards."""

    def __enter__(self) -> None:
        self.previous = torch.cuda.get_sync_debug_mode()
        torch.cuda.set_sync_debug_mode("error")

    def __exit__(self, *exc: object) -> None:
        torch.cuda.set_sync_debug_mode(self.previous)


@pytest.mark.parametrize("name", SCHEDULES)
def test_eager_training_step_makes_no_host_sync(name: str) -> None:
    run = Run(SCHEDULES[name])
    run.train_step()  # first step: lazy state and library handles
    torch.cuda.synchronize()
    with _NoSync():
        for _ in range(5):
            run.train_step()
            run.record()
    torch.cuda.synchronize()
    assert int(run.step) == 6


@pytest.mark.parametrize("name", SCHEDULES)
def test_cuda_graph_replay_equals_eager(name: str) -> None:
    sched = SCHEDULES[name]
    ref = _eager(sched, WARMUP_ITERS + REPLAYS)

    run = Run(sched)
    _warm_up_on_side_stream(run, run.train_step)
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):  # records only: the captured step does not run here
        run.train_step()
    with _NoSync():
        for _ in range(REPLAYS):
            graph.replay()
            run.record()
    torch.cuda.synchronize()
    _check_same(run, ref, sched, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("name", SCHEDULES)
def test_reduce_overhead_compile_equals_eager(name: str) -> None:
    sched = SCHEDULES[name]
    ref = _eager(sched, COMPILE_WARMUP_ITERS + REPLAYS)

    run = Run(sched)
    # The counter and the lr are mutated in place inside the graph: give them static
    # addresses so CUDA-graph trees keep them as inputs instead of skipping the graph.
    torch._dynamo.mark_static_address(run.step)
    torch._dynamo.mark_static_address(run.lr)
    torch._dynamo.reset()
    counters = torch._dynamo.utils.counters
    counters.clear()
    compiled = torch.compile(run.train_step, mode="reduce-overhead")

    def step() -> None:
        torch.compiler.cudagraph_mark_step_begin()
        compiled()

    for _ in range(COMPILE_WARMUP_ITERS):  # compiles, then records the CUDA graphs
        step()
        run.record()
    torch.cuda.synchronize()
    with torch._dynamo.config.patch(error_on_recompile=True), _NoSync():
        for _ in range(REPLAYS):
            step()
            run.record()
    torch.cuda.synchronize()
    _check_same(run, ref, sched, rtol=1e-5, atol=1e-6)
    assert counters["inductor"]["cudagraph_skips"] == 0, dict(counters["inductor"])
