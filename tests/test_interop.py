"""lf.Scheduler driven the way PyTorch Lightning and the HF Trainer drive a scheduler.

Neither library is installed: each test repeats the calls those libraries make (cited by
the function they come from), so a change that would break them fails here.
"""

from __future__ import annotations

import io
import warnings
from typing import Any

import pytest
import torch
from torch.optim.lr_scheduler import LRScheduler, ReduceLROnPlateau

import lrfunc as lf

SCHED = lf.chain(lf.warmup(4), lf.cosine(20, end=0.1))


def make(tensor: bool = False) -> tuple[torch.nn.Module, torch.optim.Optimizer, lf.Scheduler]:
    model = torch.nn.Linear(3, 1)
    lr: Any = torch.tensor(1e-3) if tensor else 1e-3
    opt = torch.optim.AdamW(model.parameters(), lr=lr)
    return model, opt, lf.Scheduler(opt, SCHED)


def batch_step(model: torch.nn.Module, opt: torch.optim.Optimizer) -> None:
    model(torch.ones(2, 3)).sum().backward()
    opt.step()
    opt.zero_grad()


class TestLightningStyle:
    def configure(self) -> tuple[torch.nn.Module, torch.optim.Optimizer, dict[str, Any]]:
        model, opt, scheduler = make()
        # LightningModule.configure_optimizers return value, stepped per batch.
        return model, opt, {"scheduler": scheduler, "interval": "step", "frequency": 1}

    def test_validation(self) -> None:
        _, opt, config = self.configure()
        scheduler = config["scheduler"]
        # core/optimizer.py _validate_scheduler_api: Stateful and an LRScheduler.
        assert callable(scheduler.state_dict) and callable(scheduler.load_state_dict)
        assert isinstance(scheduler, (LRScheduler, ReduceLROnPlateau))
        # _configure_schedulers_automatic_opt: not a plateau scheduler, so no monitor.
        assert not isinstance(scheduler, ReduceLROnPlateau)
        # _validate_scheduler_optimizer: the scheduler's optimizer is one of the optimizers.
        assert scheduler.optimizer is opt

    def test_per_batch_loop_checkpoint_and_restore(self) -> None:
        model, opt, config = self.configure()
        scheduler = config["scheduler"]
        seen = []
        for _ in range(7):
            batch_step(model, opt)
            # LightningModule.lr_scheduler_step(scheduler, metric=None)
            scheduler.step()
            # LearningRateMonitor._extract_lr / _extract_momentum
            group = scheduler.optimizer.param_groups[0]
            seen.append((group["lr"], group["betas"][0]))
        assert [lr for lr, _ in seen] == [SCHED(k, 1e-3) for k in range(1, 8)]
        # _CheckpointConnector.dump_checkpoint: "lr_schedulers" holds the state dicts.
        checkpoint = {
            "lr_schedulers": [scheduler.state_dict()],
            "optimizer_states": [opt.state_dict()],
        }
        buffer = io.BytesIO()
        torch.save(checkpoint, buffer)
        buffer.seek(0)
        loaded = torch.load(buffer, weights_only=True)
        # Restore: configure_optimizers again, then optimizer and scheduler states.
        _, opt2, config2 = self.configure()
        opt2.load_state_dict(loaded["optimizer_states"][0])
        config2["scheduler"].load_state_dict(loaded["lr_schedulers"][0])
        config2["scheduler"].step()
        scheduler.step()
        assert opt2.param_groups[0]["lr"] == opt.param_groups[0]["lr"] == SCHED(8, 1e-3)


class TestHFTrainerStyle:
    def test_training_loop(self) -> None:
        for tensor in (False, True):
            model, opt, scheduler = make(tensor)
            # Trainer(optimizers=(opt, scheduler)): create_scheduler keeps the given one.
            logged = []
            for _ in range(5):
                batch_step(model, opt)
                # _inner_training_loop: step unless the scheduler is a plateau scheduler.
                if not isinstance(scheduler, ReduceLROnPlateau):
                    scheduler.step()
                # Trainer._get_learning_rate
                last_lr = scheduler.get_last_lr()[0]
                if torch.is_tensor(last_lr):
                    last_lr = last_lr.item()
                logged.append(last_lr)
            want = [SCHED(k, 1e-3) for k in range(1, 6)]
            assert logged == (want if not tensor else pytest.approx(want, rel=1e-6))

    def test_save_and_load(self) -> None:
        model, opt, scheduler = make(tensor=True)
        for _ in range(3):
            batch_step(model, opt)
            scheduler.step()
        # Trainer._save_scheduler / _load_optimizer_and_scheduler (warnings recorded).
        buffer = io.BytesIO()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            torch.save(scheduler.state_dict(), buffer)
        assert not caught
        buffer.seek(0)
        _, opt2, scheduler2 = make(tensor=True)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            scheduler2.load_state_dict(torch.load(buffer, weights_only=True))
        assert not caught
        assert torch.equal(opt2.param_groups[0]["lr"], opt.param_groups[0]["lr"])

    def test_accelerate_counter(self) -> None:
        # accelerate's AcceleratedScheduler.step bumps _step_count on accumulation steps.
        _, opt, scheduler = make()
        scheduler._step_count += 1
        scheduler.step()
        assert opt.param_groups[0]["lr"] == SCHED(1, 1e-3)


def test_no_warning_in_any_call_order() -> None:
    model, opt, scheduler = make()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        scheduler.step()  # before any optimizer.step: torch's schedulers warn here
        batch_step(model, opt)
        scheduler.step()
        scheduler.get_lr()
        scheduler.get_last_lr()
    assert not hasattr(opt.step, "_wrapped_by_lr_sched")
