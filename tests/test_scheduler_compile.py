"""The adapter's tensor path under torch.compile(fullgraph=True) and in CUDA graphs.

A graph break would fail ``fullgraph=True``, and a host sync (``.item()``, ``bool`` of a
tensor) is a graph break, so a full graph is also the no-sync check on CPU.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import torch

import lrfunc as lf

pytestmark = [
    pytest.mark.slow,
    # Inductor's own imports warn on torch 2.13; not ours to fix.
    pytest.mark.filterwarnings("ignore:.*torch.jit.script_method.*:DeprecationWarning"),
]

SCHEDULES = {
    "lr": lf.chain(lf.warmup(3), lf.cosine(10, end=0.1)),
    "weight_decay": lf.linear(5),
    "betas[0]": [lf.constant(0.5), lf.exp(0.9)],
}


@pytest.fixture
def no_recompiles() -> Iterator[None]:
    torch._dynamo.reset()
    with torch._dynamo.config.patch(error_on_recompile=True):
        yield
    torch._dynamo.reset()


def adamw(device: str = "cpu") -> torch.optim.AdamW:
    def t(x: float) -> torch.Tensor:
        return torch.tensor(x, device=device)

    p = [torch.nn.Parameter(torch.zeros(2, device=device)) for _ in range(2)]
    return torch.optim.AdamW(
        [
            {"params": [p[0]], "lr": t(0.1), "weight_decay": t(0.01), "betas": (t(0.9), t(0.99))},
            {"params": [p[1]], "lr": t(0.2), "weight_decay": t(0.0), "betas": (t(0.8), t(0.9))},
        ],
    )


def values(opt: torch.optim.Optimizer) -> list[float]:
    return [
        float(v)
        for g in opt.param_groups
        for v in (g["lr"], g["weight_decay"], g["betas"][0], g["betas"][1])
    ]


def expected(advances: list[int]) -> list[list[float]]:
    """The values an eager scheduler holds after each of ``advances``."""
    opt = adamw()
    scheduler = lf.Scheduler(opt, SCHEDULES)
    out = []
    for a in advances:
        scheduler.step(advance=a)
        out.append(values(opt))
    return out


ADVANCES = [1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1]


def test_step_compiles_without_recompiles(no_recompiles: None) -> None:
    opt = adamw()
    scheduler = lf.Scheduler(opt, SCHEDULES)
    tensors = [g["lr"] for g in opt.param_groups]
    step = torch.compile(scheduler.step, fullgraph=True)
    for a, want in zip(ADVANCES, expected(ADVANCES), strict=True):
        step(advance=torch.tensor(a))  # a skipped update (GradScaler) holds the step
        torch.testing.assert_close(values(opt), want, rtol=1e-6, atol=0)
    assert [g["lr"] for g in opt.param_groups] == tensors
    assert scheduler.last_epoch == sum(ADVANCES)
    # A load re-fills the same tensors: the compiled step is still valid.
    scheduler.load_state_dict(scheduler.state_dict() | {"step": 2})
    step(advance=torch.tensor(1))
    torch.testing.assert_close(values(opt), expected([1, 1, 1])[-1], rtol=1e-6, atol=0)


def test_training_step_with_scheduler_and_functional_helper(no_recompiles: None) -> None:
    model = torch.nn.Linear(3, 1)
    opt = torch.optim.SGD(model.parameters(), lr=torch.tensor(0.1), momentum=torch.tensor(0.9))
    ref_opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1, momentum=0.9)
    schedules: Any = {"lr": SCHEDULES["lr"], "momentum": lf.linear(8, end=0.5)}
    scheduler = lf.Scheduler(opt, schedules)
    reference = lf.Scheduler(ref_opt, schedules)

    base = lf.base_values(opt, schedules)
    step = torch.zeros((), dtype=torch.int64)

    @torch.compile(fullgraph=True, backend="eager")
    def set_hyperparameters() -> None:
        lf.apply_schedules(opt, schedules, step, base)

    # torch's optimizer.step() always breaks the graph (torch/optim/optimizer.py,
    # _use_grad), so the whole update is compiled without fullgraph: no recompiles either.
    @torch.compile(backend="eager")
    def update_by_hand() -> None:
        opt.step()
        step.add_(1)

    @torch.compile(backend="eager")
    def update() -> None:
        opt.step()
        scheduler.step()

    # Make SGD's momentum buffers first (their creation is a recompile of torch's own).
    for p in model.parameters():
        p.grad = torch.zeros_like(p)
    opt.step()
    opt.zero_grad()

    for by_hand in (False, True):
        step.zero_()
        scheduler.load_state_dict(scheduler.state_dict() | {"step": 0})
        reference.load_state_dict(reference.state_dict() | {"step": 0})
        for _ in range(6):
            # The lr used by this update: the hand-written loop writes it first.
            if by_hand:
                set_hyperparameters()
            got = [float(opt.param_groups[0][k]) for k in ("lr", "momentum")]
            want = [ref_opt.param_groups[0][k] for k in ("lr", "momentum")]
            torch.testing.assert_close(got, want, rtol=1e-6, atol=0)
            model(torch.ones(4, 3)).square().mean().backward()
            update_by_hand() if by_hand else update()
            opt.zero_grad()
            reference.step()
        assert int(step) == (6 if by_hand else 0)


cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")


@pytest.mark.cuda
@cuda
def test_cuda_graph_replay_matches_eager() -> None:
    opt = adamw("cuda")
    scheduler = lf.Scheduler(opt, SCHEDULES)
    assert scheduler.step_tensor is not None and scheduler.step_tensor.is_cuda
    advance = torch.ones((), device="cuda")
    stream = torch.cuda.Stream()
    stream.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(stream):  # warm up off the default stream, as capture wants
        scheduler.step(advance=advance)
    torch.cuda.current_stream().wait_stream(stream)
    scheduler.load_state_dict(scheduler.state_dict() | {"step": 0})
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        scheduler.step(advance=advance)
    scheduler.load_state_dict(scheduler.state_dict() | {"step": 0})
    torch.cuda.set_sync_debug_mode("error")
    try:
        got = []
        for a in ADVANCES:
            advance.fill_(a)
            graph.replay()
            got.append(values(opt))
    finally:
        torch.cuda.set_sync_debug_mode("default")
    torch.testing.assert_close(got, expected(ADVANCES), rtol=1e-6, atol=0)
