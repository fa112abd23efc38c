"""lf.Scheduler under DistributedDataParallel, saved and resumed with torch.distributed.checkpoint.

The test starts 2 CPU processes (gloo) itself; each trains a small DDP model with a float-lr
and a tensor-lr optimizer, checkpoints model, optimizer and scheduler with
``torch.distributed.checkpoint``, resumes into fresh objects, and checks that every rank
holds the same LRs, equal to the schedule's, before and after the resume.
"""

from __future__ import annotations

import os
import socket
import time
from datetime import timedelta
from pathlib import Path

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp

import lrfunc as lf

pytestmark = pytest.mark.slow

WORLD = 2
SCHED = lf.chain(lf.warmup(3), lf.cosine(10, end=0.1))
WD = lf.linear(8)
BEFORE, AFTER = 5, 6


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _build(tensor: bool) -> tuple[torch.nn.Module, torch.optim.Optimizer, lf.Scheduler]:
    from torch.nn.parallel import DistributedDataParallel

    torch.manual_seed(0)
    model = DistributedDataParallel(torch.nn.Linear(4, 1))
    value = torch.tensor if tensor else float
    opt = torch.optim.AdamW(model.parameters(), lr=value(0.01), weight_decay=value(0.1))
    return model, opt, lf.Scheduler(opt, {"lr": SCHED, "weight_decay": WD})


def _train(model: torch.nn.Module, opt: torch.optim.Optimizer, scheduler: lf.Scheduler) -> None:
    rank = dist.get_rank()
    x = torch.full((8, 4), float(rank + 1))
    model(x).square().mean().backward()
    opt.step()
    opt.zero_grad()
    scheduler.step()


def _check(opt: torch.optim.Optimizer, step: int) -> None:
    group = opt.param_groups[0]
    mine = [float(group["lr"]), float(group["weight_decay"])]
    everyone: list[list[float] | None] = [None] * WORLD
    dist.all_gather_object(everyone, mine)
    assert all(other == mine for other in everyone), everyone
    want = [SCHED(step, 0.01), WD(step, 0.1)]
    torch.testing.assert_close(mine, want, rtol=1e-6, atol=0)


def _worker(rank: int, port: int, directory: str) -> None:
    import torch.distributed.checkpoint as dcp
    from torch.distributed.checkpoint.state_dict import get_state_dict, set_state_dict

    os.environ["MASTER_ADDR"] = "127.0.0.1"
    os.environ["MASTER_PORT"] = str(port)
    dist.init_process_group("gloo", rank=rank, world_size=WORLD, timeout=timedelta(seconds=30))
    try:
        for tensor in (False, True):
            model, opt, scheduler = _build(tensor)
            assert (scheduler.step_tensor is not None) == tensor
            for k in range(BEFORE):
                _check(opt, k)
                _train(model, opt, scheduler)
            _check(opt, BEFORE)
            model_state, optim_state = get_state_dict(model, opt)
            state = {"model": model_state, "optim": optim_state, "sched": scheduler.state_dict()}
            checkpoint = os.path.join(directory, f"tensor={tensor}")
            dcp.save(state, checkpoint_id=checkpoint)

            model, opt, scheduler = _build(tensor)
            model_state, optim_state = get_state_dict(model, opt)
            state = {"model": model_state, "optim": optim_state, "sched": scheduler.state_dict()}
            dcp.load(state, checkpoint_id=checkpoint)
            set_state_dict(
                model, opt, model_state_dict=state["model"], optim_state_dict=state["optim"]
            )
            scheduler.load_state_dict(state["sched"])
            assert scheduler.last_epoch == BEFORE
            for k in range(BEFORE, BEFORE + AFTER):
                _check(opt, k)
                _train(model, opt, scheduler)
            _check(opt, BEFORE + AFTER)
        # Both ranks leave together: a rank that tears gloo down while the other is still
        # in a collective aborts ("terminate called without an active exception").
        dist.barrier()
    finally:
        dist.destroy_process_group()


def test_ddp_save_resume_with_distributed_checkpoint(tmp_path: Path) -> None:
    context = mp.start_processes(
        _worker,
        args=(_free_port(), str(tmp_path)),
        nprocs=WORLD,
        join=False,
        start_method="spawn",
    )
    deadline = time.monotonic() + 90
    while not context.join(timeout=1):
        if time.monotonic() > deadline:
            for process in context.processes:
                process.kill()
            pytest.fail("the distributed workers did not finish within 90 s")
