"""The adapter refuses what it cannot honour, at once and with one clear ValueError.

Shared tensors between a scheduled and an unscheduled group, two keys for one slot,
param groups added after construction, many-element ``advance`` or plateau metrics, and
tampered or foreign checkpoints: each is an error that names the place, and a state that
fails to load leaves the scheduler exactly as it was.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import lrfunc as lf

SCHED = lf.chain(lf.warmup(3), lf.cosine(20, end=0.1))


def two_groups(lr: Any = 0.1) -> torch.optim.Optimizer:
    groups = [{"params": [torch.zeros(1, requires_grad=True)]} for _ in range(2)]
    return torch.optim.Adam(groups, lr=lr)


# -- construction ------------------------------------------------------------------------------


def test_a_shared_tensor_cannot_be_left_alone_in_one_group() -> None:
    opt = two_groups(torch.tensor(0.1))  # Adam's default: one tensor in every group
    assert opt.param_groups[0]["lr"] is opt.param_groups[1]["lr"]
    with pytest.raises(ValueError, match=r"param_groups\[1\]\['lr'\] is left alone"):
        lf.Scheduler(opt, [SCHED, None])
    lf.Scheduler(opt, [SCHED, SCHED])  # the same schedule and base for both: one write


def test_a_shared_tuple_member_cannot_be_left_alone_either() -> None:
    beta = torch.tensor(0.9)
    groups = [
        {"params": [torch.zeros(1, requires_grad=True)], "betas": (beta, 0.999)} for _ in range(2)
    ]
    opt = torch.optim.Adam(groups, lr=0.1)
    with pytest.raises(ValueError, match=r"\['betas\[0\]'\] is left alone"):
        lf.Scheduler(opt, {"betas[0]": [lf.cosine(10), None]})


def test_two_keys_for_one_slot() -> None:
    with pytest.raises(ValueError, match="'betas\\[0\\]' and 'betas\\[00\\]' name the same"):
        lf.Scheduler(two_groups(), {"betas[0]": lf.cosine(10), "betas[00]": lf.constant(0.5)})


# -- stepping --------------------------------------------------------------------------------------


@pytest.mark.parametrize("lr", [0.1, torch.tensor(0.1)], ids=["float", "tensor"])
def test_a_group_added_later_is_not_silently_unscheduled(lr: Any) -> None:
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=lr)
    scheduler = lf.Scheduler(opt, SCHED)
    scheduler.step()
    opt.add_param_group({"params": [torch.zeros(1, requires_grad=True)], "lr": 0.5})
    with pytest.raises(ValueError, match="has 2 param groups but this Scheduler was built for 1"):
        scheduler.step()
    rebuilt = lf.Scheduler(opt, SCHED)
    rebuilt.last_epoch = scheduler.last_epoch  # the way out the message gives
    assert opt.param_groups[0]["lr"] == pytest.approx(SCHED(1, 0.1))


@pytest.mark.parametrize("lr", [0.1, torch.tensor(0.1)], ids=["host", "device"])
def test_a_many_element_advance_is_the_same_error_on_both_paths(lr: Any) -> None:
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=lr)
    scheduler = lf.Scheduler(opt, SCHED)
    with pytest.raises(ValueError, match=r"advance must be a one-element tensor .* shape \[2\]"):
        scheduler.step(advance=torch.tensor([1, 1]))
    assert scheduler.last_epoch == 0
    scheduler.step(advance=torch.tensor([1]))
    assert scheduler.last_epoch == 1


def test_a_plateau_metric_is_one_value() -> None:
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    scheduler = lf.Scheduler(opt, lf.plateau(patience=0))
    with pytest.raises(ValueError, match=r"metric must be a number or a one-element tensor"):
        scheduler.step(torch.tensor([1.0, 2.0]))
    scheduler.step(torch.tensor([1.0]))  # one element: fine, and the state keeps its shape
    state = scheduler.state_dict()
    lf.Scheduler(opt, lf.plateau(patience=0)).load_state_dict(state)


# -- loading a state ---------------------------------------------------------------------------------


def build() -> tuple[torch.optim.Optimizer, lf.Scheduler]:
    opt = two_groups()
    scheduler = lf.Scheduler(opt, {"lr": SCHED, "betas[0]": lf.linear(10)}, plateau=lf.plateau())
    for _ in range(4):
        scheduler.step(1.0)
    return opt, scheduler


def snapshot(opt: torch.optim.Optimizer, scheduler: lf.Scheduler) -> Any:
    return scheduler.state_dict(), [(g["lr"], g["betas"]) for g in opt.param_groups]


BAD_STATES = {
    "version-99": lambda s: s.update(version=99),
    "version-str": lambda s: s.update(version="1"),
    "no-version": lambda s: s.pop("version"),
    "step-float": lambda s: s.update(step=7.9),
    "step-huge": lambda s: s.update(step=10**400),
    "step-vector": lambda s: s.update(step=torch.tensor([1, 2])),
    "step-negative": lambda s: s.update(step=-3),
    "base-nan": lambda s: s["base_values"]["lr"].__setitem__(0, float("nan")),
    "base-inf": lambda s: s["base_values"]["lr"].__setitem__(1, float("inf")),
    "base-negative": lambda s: s["base_values"]["lr"].__setitem__(0, -0.1),
    "base-huge": lambda s: s["base_values"]["lr"].__setitem__(0, 10**400),
    "base-vector": lambda s: s["base_values"]["lr"].__setitem__(0, torch.ones(2)),
    "base-str": lambda s: s["base_values"]["lr"].__setitem__(0, "0.1"),
    "plateau-shape": lambda s: s["plateau"].update(factor=[1.0]),
    "plateau-junk": lambda s: s["plateau"].update(best="x"),
    "plateau-missing": lambda s: s.pop("plateau"),
}


@pytest.mark.parametrize("tamper", BAD_STATES.values(), ids=BAD_STATES.keys())
def test_a_tampered_state_is_one_value_error_and_changes_nothing(tamper: Any) -> None:
    _, scheduler = build()
    state = copy.deepcopy(scheduler.state_dict())
    tamper(state)
    other_opt, other = build()
    for _ in range(3):
        other.step(2.0)
    before = snapshot(other_opt, other)
    with pytest.raises(ValueError):
        other.load_state_dict(state)
    assert snapshot(other_opt, other) == before


JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**30), 10**30),
    st.floats(),
    st.text(max_size=3),
    st.lists(st.floats(allow_nan=False), max_size=3),
    st.builds(torch.randn, st.integers(0, 3)),
)


@settings(max_examples=100, deadline=None)
@given(data=st.data(), junk=JUNK)
def test_random_tampering_loads_or_raises_value_error_and_changes_nothing(
    data: st.DataObject, junk: Any
) -> None:
    opt, scheduler = build()
    state = copy.deepcopy(scheduler.state_dict())
    # Replace one leaf of the nested state with junk.
    paths: list[tuple[Any, Any]] = []
    for key, value in state.items():
        if isinstance(value, dict):
            for inner, leaf in value.items():
                if isinstance(leaf, list):
                    paths += [(leaf, i) for i in range(len(leaf))]
                paths.append((value, inner))
        else:
            paths.append((state, key))
    container, slot = data.draw(st.sampled_from(paths))
    container[slot] = junk
    before = snapshot(opt, scheduler)
    try:
        scheduler.load_state_dict(state)
    except ValueError:
        assert snapshot(opt, scheduler) == before
    else:  # junk that happens to be valid: the scheduler took it and still works
        scheduler.step(1.0)
