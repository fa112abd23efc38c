"""The worked examples of docs/testing.md: the strategies find a planted bug in a custom
schedule, and a training loop's LR follows its schedule across a checkpoint resume."""

from __future__ import annotations

import io
from dataclasses import KW_ONLY, dataclass
from typing import Any, ClassVar

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import lrfunc as lf
from lrfunc.testing import (
    assert_bounded,
    assert_matches_reference,
    assert_monotone,
    assert_paths_agree,
)
from lrfunc.testing.strategies import schedules

# -- a custom schedule, with a bug planted for one parameter region -----------------------


@dataclass(frozen=True, repr=False)
class rsqrt(lf.Schedule):
    """Inverse-square-root decay from 1 towards a floor ``end``:
    ``end + (1 - end) / sqrt(1 + step / every)``."""

    every: int
    _: KW_ONLY
    end: float = 0.0
    shortcut: bool = True  # the planted bug; rsqrt(..., shortcut=False) is correct

    steps: ClassVar[None] = None

    def formula(self, step: Any, base_lr: Any) -> Any:
        if self.shortcut and self.end > 0.9:
            # "Nearly flat: its tangent at 0 is close enough" -- but a line never stops
            # falling, and goes negative after 2 * every / (1 - end) steps.
            return base_lr * (1.0 - (1.0 - self.end) * step / (2 * self.every))
        return base_lr * (self.end + (1.0 - self.end) * (1.0 + step / self.every) ** -0.5)


def rsqrts(*, shortcut: bool) -> st.SearchStrategy[rsqrt]:
    return st.builds(
        rsqrt, st.integers(1, 100), end=st.floats(0.0, 1.0), shortcut=st.just(shortcut)
    )


def never_negative_property(leaves: st.SearchStrategy[rsqrt], found: list[lf.Schedule]) -> Any:
    """The property of the docs page: the custom schedule, alone and composed, is never
    negative, and decays."""

    @settings(max_examples=500, deadline=None, database=None, derandomize=True)
    @given(schedules(leaves=leaves, families=["constant", "warmup", "cosine"], max_depth=1))
    def test_never_negative(sched: lf.Schedule) -> None:
        try:
            assert_bounded(sched, 0, 20_000, low=0.0)
        except AssertionError:
            found.append(sched)
            raise

    return test_never_negative


def test_the_strategies_find_the_planted_bug() -> None:
    found: list[lf.Schedule] = []
    with pytest.raises(AssertionError, match=r"leaves \[0\.0, inf\] on steps \[0, 20000\)"):
        never_negative_property(rsqrts(shortcut=True), found)()
    # Hypothesis replays the smallest failing example last: the bare custom schedule,
    # in the region where the bug lives.
    smallest = found[-1]
    assert isinstance(smallest, rsqrt), smallest
    assert smallest.end > 0.9


def test_the_fixed_schedule_passes_the_same_property() -> None:
    found: list[lf.Schedule] = []
    never_negative_property(rsqrts(shortcut=False), found)()
    assert found == []


@settings(max_examples=30, deadline=None, database=None)
@given(rsqrts(shortcut=False))
def test_the_fixed_schedule_decays_and_both_paths_agree(sched: rsqrt) -> None:
    assert_monotone(sched, 0, 10_000, increasing=False)
    assert_paths_agree(sched, [0, 1, sched.every, 10**6, 10**9])


# -- a training loop across a checkpoint resume -------------------------------------------

SCHED = lf.chain(lf.warmup(20), lf.cosine(80, end=0.1))
TOTAL, RESUME_AT, BASE_LR = 120, 37, 0.1


def make() -> tuple[torch.nn.Module, torch.optim.Optimizer]:
    torch.manual_seed(0)
    model = torch.nn.Linear(4, 1)
    opt = torch.optim.SGD(model.parameters(), lr=BASE_LR, momentum=0.9)
    return model, opt


def train(*, read_base_after_loading: bool = False) -> list[float]:
    """A plain loop that sets ``param_groups[g]["lr"]`` from the schedule before each
    update, saves a checkpoint at ``RESUME_AT`` and resumes from it in a fresh process-
    like setting (new model and optimizer). Returns the lr each update used."""
    model, opt = make()
    base = [g["lr"] for g in opt.param_groups]
    lrs: list[float] = []
    step = 0
    data = torch.randn(TOTAL, 4)
    while step < TOTAL:
        if step == RESUME_AT:
            buffer = io.BytesIO()
            torch.save({"step": step, "model": model.state_dict(), "opt": opt.state_dict()}, buffer)
            buffer.seek(0)
            model, opt = make()
            if not read_base_after_loading:
                base = [g["lr"] for g in opt.param_groups]
            checkpoint = torch.load(buffer, weights_only=True)
            model.load_state_dict(checkpoint["model"])
            opt.load_state_dict(checkpoint["opt"])
            if read_base_after_loading:  # the bug: the saved groups hold the decayed lr
                base = [g["lr"] for g in opt.param_groups]
            step = checkpoint["step"]
        for group, b in zip(opt.param_groups, base, strict=True):
            group["lr"] = SCHED(step, b)
        lrs.append(opt.param_groups[0]["lr"])
        model(data[step]).square().sum().backward()
        opt.step()
        opt.zero_grad()
        step += 1
    return lrs


def test_the_loop_follows_its_schedule_across_a_resume() -> None:
    assert_matches_reference(SCHED, train(), range(TOTAL), base_lr=BASE_LR)


def test_a_resume_that_rereads_the_base_lr_is_caught() -> None:
    with pytest.raises(AssertionError, match=r"schedule != reference at \d+ of 120 steps: step 37"):
        assert_matches_reference(
            SCHED, train(read_base_after_loading=True), range(TOTAL), base_lr=BASE_LR
        )
