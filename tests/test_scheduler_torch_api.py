"""lf.Scheduler where PyTorch code expects a torch LRScheduler: its attributes, torch's
SequentialLR around it, torch checkpoints, and the hints for keys users bring along."""

from __future__ import annotations

import io
from typing import Any

import pytest
import torch
from torch.optim import lr_scheduler as tls

import lrfunc as lf

BASES = (0.1, 0.2)


def sgd(tensor: bool = False) -> torch.optim.SGD:
    return torch.optim.SGD(
        [
            {"params": [torch.nn.Parameter(torch.zeros(1))], "lr": torch.tensor(b) if tensor else b}
            for b in BASES
        ],
        momentum=0.9,
    )


def lrs(opt: torch.optim.Optimizer) -> list[float]:
    return [float(group["lr"]) for group in opt.param_groups]


def roundtrip(state: Any) -> Any:
    buffer = io.BytesIO()
    torch.save(state, buffer)
    buffer.seek(0)
    return torch.load(buffer, weights_only=True)


TENSOR = pytest.mark.parametrize("tensor", [False, True], ids=["float", "tensor"])


class TestAttributes:
    @TENSOR
    def test_last_epoch_sets_the_step(self, tensor: bool) -> None:
        sched = lf.cosine(20)
        opt = sgd(tensor)
        scheduler = lf.Scheduler(opt, sched)
        scheduler.last_epoch = 7
        assert scheduler.last_epoch == 7
        assert lrs(opt) == pytest.approx([sched(7, b) for b in BASES], rel=1e-6)
        scheduler.step()
        assert scheduler.state_dict()["step"] == 8
        assert lrs(opt) == pytest.approx([sched(8, b) for b in BASES], rel=1e-6)

    def test_last_epoch_rejects_bad_steps(self) -> None:
        scheduler = lf.Scheduler(sgd(), lf.cosine(20))
        for bad in (-2, 1.5, True):
            with pytest.raises(ValueError, match="last_epoch must be an int"):
                scheduler.last_epoch = bad  # type: ignore[assignment]

    @TENSOR
    def test_base_lrs_set_the_bases(self, tensor: bool) -> None:
        sched = lf.linear(10)
        opt = sgd(tensor)
        scheduler = lf.Scheduler(opt, sched)
        scheduler.step()
        scheduler.base_lrs = [0.5, 0.25]
        assert [float(b) for b in scheduler.base_lrs] == [0.5, 0.25]
        assert [float(g["initial_lr"]) for g in opt.param_groups] == [0.5, 0.25]
        assert lrs(opt) == pytest.approx([sched(1, 0.5), sched(1, 0.25)], rel=1e-6)
        assert scheduler.state_dict()["base_values"] == {"lr": [0.5, 0.25]}
        with pytest.raises(ValueError, match="one value per param group"):
            scheduler.base_lrs = [0.5]

    def test_step_count_advances_on_each_step(self) -> None:
        scheduler = lf.Scheduler(sgd(), lf.cosine(20))
        assert scheduler._step_count == 1  # as torch's, after its initial step
        for _ in range(3):
            scheduler.step()
        scheduler.step(advance=0)
        assert scheduler._step_count == 5


class TestSequentialLR:
    WARM, DECAY = lf.warmup(5, start=0.1), lf.cosine(20, end=0.1)
    EXPECTED = lf.chain(WARM, DECAY, boundaries=[5])

    def build(self, opt: torch.optim.Optimizer) -> tls.SequentialLR:
        parts = [lf.Scheduler(opt, self.WARM), lf.Scheduler(opt, self.DECAY)]
        return tls.SequentialLR(opt, parts, milestones=[5])

    @TENSOR
    def test_trajectory_is_the_chain(self, tensor: bool) -> None:
        opt = sgd(tensor)
        sequential = self.build(opt)
        for k in range(30):
            want = [self.EXPECTED(k, b) for b in BASES]
            assert lrs(opt) == (want if not tensor else pytest.approx(want, rel=1e-6)), k
            assert sequential.get_last_lr() == pytest.approx(want, rel=1e-6)
            opt.step()
            sequential.step()

    @pytest.mark.parametrize("at", [3, 5, 12])
    def test_checkpoint_resumes(self, at: int) -> None:
        opt = sgd()
        sequential = self.build(opt)
        for _ in range(at):
            sequential.step()
        state = roundtrip(sequential.state_dict())
        fresh = sgd()
        resumed = self.build(fresh)
        resumed.load_state_dict(state)
        for _ in range(10):
            assert lrs(fresh) == lrs(opt)
            sequential.step()
            resumed.step()


class TestTorchCheckpoint:
    def torch_state(self, steps: int, opt: torch.optim.Optimizer | None = None) -> dict[str, Any]:
        opt = opt or sgd()
        torch_scheduler = tls.CosineAnnealingLR(opt, T_max=20)
        for _ in range(steps):
            opt.step()
            torch_scheduler.step()
        return roundtrip(torch_scheduler.state_dict())

    @TENSOR
    def test_last_epoch_carries_over_when_the_bases_match(self, tensor: bool) -> None:
        state = self.torch_state(7)
        opt = sgd(tensor)
        scheduler = lf.Scheduler(opt, lf.cosine(20))
        scheduler.load_state_dict(state)
        assert scheduler.last_epoch == 7
        assert lrs(opt) == pytest.approx([float(v) for v in state["_last_lr"]], rel=1e-6)

    def test_other_bases_say_how_to_carry_the_step(self) -> None:
        state = self.torch_state(7)
        opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.5)
        opt.add_param_group({"params": [torch.nn.Parameter(torch.zeros(1))], "lr": 0.2})
        scheduler = lf.Scheduler(opt, lf.cosine(20))
        with pytest.raises(ValueError, match=r"scheduler\.last_epoch = state\['last_epoch'\]"):
            scheduler.load_state_dict(state)
        scheduler.last_epoch = state["last_epoch"]  # what the message says
        assert lrs(opt) == [lf.cosine(20)(7, 0.5), lf.cosine(20)(7, 0.2)]

    def test_reduce_lr_on_plateau_state_is_refused(self) -> None:
        opt = sgd()
        torch_scheduler = tls.ReduceLROnPlateau(opt)
        torch_scheduler.step(1.0)
        scheduler = lf.Scheduler(sgd(), lf.plateau())
        with pytest.raises(ValueError, match="ReduceLROnPlateau"):
            scheduler.load_state_dict(torch_scheduler.state_dict())


def adam() -> torch.optim.Adam:
    return torch.optim.Adam([torch.nn.Parameter(torch.zeros(1))], lr=1e-3, weight_decay=0.01)


@pytest.mark.parametrize(
    ("schedules", "error", "match"),
    [
        ({"learning_rate": lf.cosine(5)}, ValueError, r"did you mean 'lr'\?"),
        ({"beta1": lf.cosine(5)}, ValueError, r"did you mean 'betas\[0\]'\?"),
        ({"beta2": lf.cosine(5)}, ValueError, r"did you mean 'betas\[1\]'\?"),
        ({"betas": lf.cosine(5)}, TypeError, r"'betas\[0\]' or 'betas\[1\]'"),
        ({"weight_decy": lf.cosine(5)}, ValueError, r"did you mean 'weight_decay'\?"),
        ("cosine(100)", TypeError, r"lf\.parse\('cosine\(100\)'\)"),
        ({"lr": "cosine(100)"}, TypeError, r"lf\.parse\('cosine\(100\)'\)"),
    ],
    ids=["learning_rate", "beta1", "beta2", "betas", "typo", "string", "string-in-dict"],
)
def test_key_and_form_hints(schedules: Any, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        lf.Scheduler(adam(), schedules)
