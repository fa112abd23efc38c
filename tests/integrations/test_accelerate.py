"""docs/integrations.md, "accelerate": its loop runs against the real accelerate; the
scheduler's resume through save_state/load_state, and its steps with 2 processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

with warnings.catch_warnings():  # the suite turns warnings into errors; not accelerate's
    warnings.simplefilter("ignore")
    accelerate = pytest.importorskip("accelerate")

import torch
from page import FRAMEWORK_WARNINGS, ROOT, fresh_accelerate_state, run_section
from torch.utils.data import DataLoader, TensorDataset

import lrfunc as lf

pytestmark = FRAMEWORK_WARNINGS

BOUND = lf.chain(lf.warmup(1), lf.cosine(7, end=0.1))  # the page's recipe, 8 updates


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    fresh_accelerate_state()
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(tmp_path_factory.mktemp("accelerate"))
        yield run_section("accelerate")
    fresh_accelerate_state()


def test_accumulation_advances_once_per_update(page: dict[str, Any]) -> None:
    scheduler = page["scheduler"]
    assert isinstance(scheduler, accelerate.scheduler.AcceleratedScheduler)
    assert scheduler.scheduler.schedules == {"lr": [BOUND]}
    assert page["lrs"] == [BOUND(k, 1e-2) for k in range(8)]  # 16 batches, k = 2
    assert scheduler.scheduler.last_epoch == 8


def train_epoch(accelerator: Any, model: Any, opt: Any, loader: Any, scheduler: Any) -> list[float]:
    lrs = []
    for x, y in loader:
        with accelerator.accumulate(model):
            accelerator.backward(torch.nn.functional.mse_loss(model(x), y))
            if accelerator.sync_gradients:
                lrs.append(opt.param_groups[0]["lr"])
            opt.step()
            scheduler.step()
            opt.zero_grad()
    return lrs


def prepared(page: dict[str, Any]) -> tuple[Any, ...]:
    fresh_accelerate_state()
    model = torch.nn.Linear(4, 1)
    loader = DataLoader(TensorDataset(torch.randn(64, 4), torch.randn(64, 1)), batch_size=8)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-2)
    scheduler = lf.Scheduler(opt, page["recipe"], total_steps=8)
    accelerator = accelerate.Accelerator(gradient_accumulation_steps=2, cpu=True)
    return (accelerator, *accelerator.prepare(model, opt, loader, scheduler))


def test_save_state_and_load_state_resume_the_schedule(
    page: dict[str, Any], tmp_path: Path
) -> None:
    accelerator, *run = prepared(page)
    first = train_epoch(accelerator, *run)
    accelerator.save_state(str(tmp_path / "state"))
    assert (tmp_path / "state" / "scheduler.bin").exists()
    second = train_epoch(accelerator, *run)
    assert first + second == [BOUND(k, 1e-2) for k in range(8)]

    accelerator, *resumed = prepared(page)
    accelerator.load_state(str(tmp_path / "state"))
    assert resumed[-1].scheduler.last_epoch == 4
    assert train_epoch(accelerator, *resumed) == second


@pytest.mark.slow
@pytest.mark.parametrize("split", [False, True], ids=["per-process-batches", "split-batches"])
def test_two_processes_step_once_per_process_unless_split_batches(
    split: bool, tmp_path: Path
) -> None:
    worker = Path(__file__).with_name("accelerate_worker.py")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone"]
    command += [
        "--nproc_per_node",
        "2",
        str(worker),
        "split" if split else "per-process",
        str(tmp_path),
    ]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    reports = [json.loads(path.read_text()) for path in sorted(tmp_path.glob("rank*.json"))]
    assert len(reports) == 2
    for report in reports:
        # 4 batches of 8: each process makes 2 updates (4 when each batch is split).
        assert report["processes"] == 2
        assert report["updates"] == (4 if split else 2)
        # Either way the scheduler counts the 4 batches of the loader before prepare.
        assert report["step"] == 4
        assert report["lr"] == lf.cosine(100)(4, 1e-2)
