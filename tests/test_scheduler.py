"""lf.Scheduler: the stateful adapter of DESIGN §3, on its number and tensor paths."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.optim.lr_scheduler import LRScheduler

import lrfunc as lf

SCHED = lf.chain(lf.warmup(3), lf.cosine(10, end=0.1))


def params(n: int = 1) -> list[torch.nn.Parameter]:
    return [torch.nn.Parameter(torch.zeros(2)) for _ in range(n)]


def sgd(lr: Any = 0.1, **kw: Any) -> torch.optim.SGD:
    return torch.optim.SGD(
        [{"params": params()}, {"params": params(), "lr": lr * 2 if not kw else lr}],
        lr=lr,
        **kw,
    )


def adamw(tensor: bool) -> torch.optim.AdamW:
    t = torch.tensor if tensor else float
    return torch.optim.AdamW(
        [
            {"params": params(), "lr": t(0.1), "weight_decay": t(0.01)},
            {"params": params(), "lr": t(0.2), "weight_decay": t(0.0), "betas": (t(0.8), t(0.9))},
        ],
        betas=(t(0.9), t(0.99)),
    )


def lrs(opt: torch.optim.Optimizer, key: str = "lr") -> list[float]:
    out = []
    for group in opt.param_groups:
        name, _, member = key.partition("[")
        value = group[name] if not member else group[name][int(member[:-1])]
        out.append(float(value))
    return out


class TestNumberPath:
    def test_values_after_construction_and_each_step(self) -> None:
        opt = sgd(0.1)
        scheduler = lf.Scheduler(opt, SCHED)
        for k in range(15):
            assert lrs(opt) == [SCHED(k, 0.1), SCHED(k, 0.2)]
            assert all(type(g["lr"]) is float for g in opt.param_groups)
            opt.step()
            scheduler.step()

    def test_one_schedule_per_group_and_none(self) -> None:
        opt = sgd(0.1)
        scheduler = lf.Scheduler(opt, [lf.linear(4), None])
        scheduler.step()
        assert lrs(opt) == [lf.linear(4)(1, 0.1), 0.2]

    def test_any_key_and_tuple_members(self) -> None:
        opt = adamw(tensor=False)
        scheduler = lf.Scheduler(
            opt,
            {"lr": SCHED, "weight_decay": lf.linear(4), "betas[1]": [lf.exp(0.5), None]},
        )
        for _ in range(2):
            scheduler.step()
        assert lrs(opt) == [SCHED(2, 0.1), SCHED(2, 0.2)]
        assert lrs(opt, "weight_decay") == [0.005, 0.0]
        assert opt.param_groups[0]["betas"] == (0.9, 0.99 * 0.25)
        assert opt.param_groups[1]["betas"] == (0.8, 0.9)
        assert type(opt.param_groups[0]["betas"]) is tuple

    def test_momentum(self) -> None:
        opt = torch.optim.SGD(params(), lr=0.1, momentum=0.9)
        scheduler = lf.Scheduler(opt, {"momentum": lf.linear(2, start=1.0, end=0.5)})
        scheduler.step()
        assert opt.param_groups[0]["momentum"] == pytest.approx(0.675)
        assert opt.param_groups[0]["lr"] == 0.1

    def test_advance_holds_the_step(self) -> None:
        opt = sgd(0.1)
        scheduler = lf.Scheduler(opt, SCHED)
        scheduler.step(advance=0)
        scheduler.step(advance=False)
        scheduler.step(advance=torch.tensor(0.0))
        assert scheduler.last_epoch == 0
        scheduler.step(advance=torch.tensor(1.0))
        scheduler.step(advance=2)
        assert scheduler.last_epoch == 3
        assert lrs(opt)[0] == SCHED(3, 0.1)

    def test_gradient_accumulation_steps_once_per_update(self) -> None:
        model = torch.nn.Linear(2, 1)
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        scheduler = lf.Scheduler(opt, SCHED)
        accumulate = 4
        for micro in range(12):
            model(torch.ones(1, 2)).sum().backward()
            if (micro + 1) % accumulate == 0:
                opt.step()
                opt.zero_grad()
                scheduler.step()
        assert scheduler.last_epoch == 3

    def test_mixed_float_and_tensor_values(self) -> None:
        lr = torch.tensor(0.2)
        opt = torch.optim.SGD([{"params": params()}, {"params": params(), "lr": lr}], lr=0.1)
        scheduler = lf.Scheduler(opt, SCHED)
        assert scheduler.step_tensor is None
        scheduler.step()
        assert type(opt.param_groups[0]["lr"]) is float
        assert opt.param_groups[1]["lr"] is lr
        assert lrs(opt) == [SCHED(1, 0.1), pytest.approx(SCHED(1, 0.2))]


class TestTensorPath:
    def test_in_place_and_no_aliasing(self) -> None:
        opt = adamw(tensor=True)
        before = [(g["lr"], g["weight_decay"], g["betas"][0]) for g in opt.param_groups]
        scheduler = lf.Scheduler(opt, {"lr": SCHED, "weight_decay": SCHED, "betas[0]": SCHED})
        step = scheduler.step_tensor
        assert step is not None and step.dtype == torch.int64
        for k in range(1, 6):
            scheduler.step()
            for g, group in enumerate(opt.param_groups):
                assert group["lr"] is before[g][0]
                assert group["weight_decay"] is before[g][1]
                assert group["betas"][0] is before[g][2]
                torch.testing.assert_close(
                    group["lr"], SCHED(torch.tensor(k), torch.tensor([0.1, 0.2])[g]), rtol=0, atol=0
                )
        # The stored bases are the scheduler's own tensors.
        stored = {t.base.data_ptr() for t in scheduler._plan.targets}  # type: ignore[union-attr]
        live = {g[k].data_ptr() for g in opt.param_groups for k in ("lr", "weight_decay")}
        assert not stored & live
        assert len(stored) == len(scheduler._plan.targets)
        last = scheduler.get_last_lr()
        assert last[0] is not opt.param_groups[0]["lr"] and torch.equal(
            last[0], opt.param_groups[0]["lr"]
        )

    def test_shared_default_tensor_same_schedule_is_written_once(self) -> None:
        opt = torch.optim.SGD([{"params": params()}, {"params": params()}], lr=torch.tensor(0.1))
        shared = opt.param_groups[0]["lr"]
        assert opt.param_groups[1]["lr"] is shared
        scheduler = lf.Scheduler(opt, SCHED)
        scheduler.step()
        assert opt.param_groups[0]["lr"] is shared
        assert shared.item() == pytest.approx(SCHED(1, 0.1))

    def test_shared_tensor_with_different_schedules_is_an_error(self) -> None:
        opt = torch.optim.SGD([{"params": params()}, {"params": params()}], lr=torch.tensor(0.1))
        with pytest.raises(ValueError, match=r"same tensor.*param_groups\[0\]\['lr'\]"):
            lf.Scheduler(opt, [lf.linear(3), lf.cosine(3)])

    def test_advance_tensor(self) -> None:
        opt = torch.optim.SGD(params(), lr=torch.tensor(0.1))
        scheduler = lf.Scheduler(opt, SCHED)
        for advance in [1.0, 0.0, 1.0, 0.0]:
            scheduler.step(advance=torch.tensor(advance))
        assert scheduler.last_epoch == 2
        assert opt.param_groups[0]["lr"].item() == SCHED(torch.tensor(2), torch.tensor(0.1)).item()

    def test_several_devices_is_an_error(self) -> None:
        opt = torch.optim.SGD(
            [{"params": params(), "lr": torch.tensor(0.1, device="meta")}, {"params": params()}],
            lr=torch.tensor(0.1),
        )
        with pytest.raises(ValueError, match="several devices"):
            lf.Scheduler(opt, SCHED)


class TestTorchContract:
    def test_is_an_lr_scheduler_that_patches_nothing(self) -> None:
        opt = sgd(0.1)
        step = opt.step
        scheduler = lf.Scheduler(opt, SCHED)
        assert isinstance(scheduler, LRScheduler)
        assert opt.step == step and not hasattr(opt.step, "_wrapped_by_lr_sched")
        # Stepping the scheduler first would make torch warn; pytest turns warnings to errors.
        scheduler.step()
        scheduler.step()
        opt.step()
        assert scheduler.get_last_lr() == scheduler.get_lr() == lrs(opt)

    def test_initial_lr_and_base_lrs(self) -> None:
        opt = sgd(0.1)
        scheduler = lf.Scheduler(opt, SCHED)
        assert [g["initial_lr"] for g in opt.param_groups] == [0.1, 0.2]
        assert scheduler.base_lrs == [0.1, 0.2]

    def test_base_lr_from_initial_lr(self) -> None:
        # An optimizer restored before the scheduler is built holds a scheduled lr.
        opt = sgd(0.1)
        lf.Scheduler(opt, SCHED).step()
        saved = opt.state_dict()
        fresh = sgd(0.1)
        fresh.load_state_dict(saved)
        scheduler = lf.Scheduler(fresh, SCHED)
        assert scheduler.base_lrs == [0.1, 0.2]

    def test_metric_is_reserved(self) -> None:
        scheduler = lf.Scheduler(sgd(0.1), SCHED)
        with pytest.raises(TypeError, match="metric"):
            scheduler.step(3)

    def test_writes_into_groups_replaced_by_optimizer_load(self) -> None:
        opt = adamw(tensor=True)
        scheduler = lf.Scheduler(opt, SCHED)
        opt.load_state_dict(adamw(tensor=True).state_dict())  # new group dicts and tensors
        scheduler.step()
        assert lrs(opt) == pytest.approx([SCHED(1, 0.1), SCHED(1, 0.2)])


class TestBadInput:
    @pytest.mark.parametrize(
        ("schedules", "error", "match"),
        [
            (0.1, TypeError, "schedules must be"),
            ({}, ValueError, "at least one"),
            ([SCHED], ValueError, "1 entries but the optimizer has 2"),
            ([SCHED, 0.5], TypeError, r"schedules\['lr'\]\[1\]"),
            ({"lr": "cosine"}, TypeError, r"schedules\['lr'\]"),
            ({"gamma": SCHED}, ValueError, "has no key 'gamma'"),
            ({"betas[x]": SCHED}, ValueError, "bad hyperparameter key"),
            ({"betas[2]": SCHED}, ValueError, "only 2 members"),
            ({"lr[0]": SCHED}, ValueError, "not a tuple"),
            ({"amsgrad": SCHED}, TypeError, "real number or a tensor"),
            ({1: SCHED}, TypeError, "must be a str"),
        ],
        ids=lambda v: None if not isinstance(v, str) else v[:20],
    )
    def test_table(self, schedules: Any, error: type, match: str) -> None:
        opt = adamw(tensor=False)
        with pytest.raises(error, match=match):
            lf.Scheduler(opt, schedules)

    def test_not_an_optimizer(self) -> None:
        with pytest.raises(TypeError, match=r"torch\.optim\.Optimizer"):
            lf.Scheduler(object(), SCHED)  # type: ignore[arg-type]

    def test_integer_tensor(self) -> None:
        opt = torch.optim.SGD(params(), lr=0.1)
        opt.param_groups[0]["lr"] = torch.tensor(1)
        with pytest.raises(TypeError, match="floating-point"):
            lf.Scheduler(opt, SCHED)

    def test_negative_advance(self) -> None:
        with pytest.raises(ValueError, match="advance"):
            lf.Scheduler(sgd(0.1), SCHED).step(advance=-1)


def roundtrip(state: dict[str, Any]) -> dict[str, Any]:
    buffer = io.BytesIO()
    torch.save(state, buffer)
    buffer.seek(0)
    return torch.load(buffer, weights_only=True)


class TestState:
    def test_plain_data(self) -> None:
        opt = adamw(tensor=True)
        scheduler = lf.Scheduler(opt, {"lr": SCHED, "betas[0]": [None, SCHED]})
        scheduler.step()
        state = scheduler.state_dict()
        assert json.loads(json.dumps(state)) == state
        assert roundtrip(state) == state
        assert state["step"] == 1
        assert state["base_values"]["betas[0]"][0] is None

    @pytest.mark.parametrize(
        ("change", "match"),
        [
            (lambda s: s.update(param_groups=3), "3 param groups"),
            (lambda s: s["base_values"].update(momentum=[1.0, 1.0]), "keys"),
            (lambda s: s["base_values"].update(lr=[0.1, None]), r"param_groups\[1\]\['lr'\]"),
            (lambda s: s["base_values"].update(lr=[0.1]), "one value per param group"),
            (lambda s: s.update(step=-1), "step must be an int"),
            (lambda s: s.pop("step"), "not a state"),
            (lambda s: s["base_values"].update(lr=["x", 0.1]), "must be a number"),
        ],
        ids=["groups", "keys", "none", "length", "step", "missing", "value"],
    )
    def test_mismatch_is_a_clear_error(self, change: Any, match: str) -> None:
        scheduler = lf.Scheduler(sgd(0.1), SCHED)
        state = scheduler.state_dict()
        change(state)
        with pytest.raises(ValueError, match=match):
            scheduler.load_state_dict(state)

    def test_bases_come_from_the_state(self) -> None:
        # The resumed optimizer's lr is the checkpoint's current lr, not the base.
        opt = sgd(0.1)
        scheduler = lf.Scheduler(opt, SCHED)
        for _ in range(5):
            scheduler.step()
        state, opt_state = scheduler.state_dict(), opt.state_dict()
        fresh = sgd(0.1)
        fresh.load_state_dict(opt_state)
        for group in fresh.param_groups:
            del group["initial_lr"]
        resumed = lf.Scheduler(fresh, SCHED)  # reads the scheduled lr as a base...
        resumed.load_state_dict(roundtrip(state))  # ...and the state puts the base back
        assert lrs(fresh) == lrs(opt)
        assert resumed.base_lrs == [0.1, 0.2]


_PIECES = st.one_of(
    st.builds(lf.warmup, st.integers(1, 20)),
    st.builds(lf.linear, st.integers(1, 30), end=st.floats(0, 1)),
    st.builds(lf.cosine, st.integers(1, 30), end=st.floats(0, 1)),
    st.builds(lf.exp, st.floats(0.5, 1.0)),
    st.builds(lf.step, st.integers(1, 10), gamma=st.floats(0.1, 1.0)),
    st.builds(lf.constant, st.floats(0, 2)),
)
_SCHEDULES = st.one_of(
    _PIECES,
    st.builds(lambda a, b: lf.chain(a, b, boundaries=[7]), _PIECES, _PIECES),
    st.builds(lambda a, b: a * b, _PIECES, _PIECES),
)


@settings(max_examples=40, deadline=None)
@given(
    sched=_SCHEDULES,
    wd=_SCHEDULES,
    resume=st.integers(0, 40),
    tensor=st.booleans(),
)
def test_resume_is_bit_identical(
    sched: lf.Schedule, wd: lf.Schedule, resume: int, tensor: bool
) -> None:
    total = 45
    schedules = {"lr": sched, "weight_decay": [wd, None], "betas[1]": wd}

    def trajectory(opt: torch.optim.Optimizer, scheduler: lf.Scheduler, steps: int) -> list[Any]:
        out = []
        for _ in range(steps):
            scheduler.step()
            out.append([(g["lr"], g["weight_decay"], g["betas"][1]) for g in opt.param_groups])
            out[-1] = [tuple(float(v) for v in values) for values in out[-1]]
        return out

    opt = adamw(tensor)
    scheduler = lf.Scheduler(opt, schedules)
    head = trajectory(opt, scheduler, resume)
    state = roundtrip(scheduler.state_dict())
    tail = trajectory(opt, scheduler, total - resume)

    fresh = adamw(tensor)
    resumed = lf.Scheduler(fresh, schedules)
    resumed.load_state_dict(state)
    assert resumed.last_epoch == resume == len(head)
    assert trajectory(fresh, resumed, total - resume) == tail


class TestFunctional:
    def test_hand_written_loop(self) -> None:
        opt = adamw(tensor=True)
        schedules = {"lr": SCHED, "betas[0]": lf.linear(5)}
        base = lf.base_values(opt, schedules)
        step = torch.zeros((), dtype=torch.int64)
        reference = adamw(tensor=True)
        scheduler = lf.Scheduler(reference, schedules)
        for _ in range(6):
            lf.apply_schedules(opt, schedules, step, base)
            assert lrs(opt) == lrs(reference)
            assert lrs(opt, "betas[0]") == lrs(reference, "betas[0]")
            step.add_(1)
            scheduler.step()

    def test_number_step(self) -> None:
        opt = sgd(0.1)
        base = lf.base_values(opt, SCHED)
        lf.apply_schedules(opt, SCHED, 4, base)
        assert lrs(opt) == [SCHED(4, 0.1), SCHED(4, 0.2)]

    def test_tensor_step_needs_tensor_values(self) -> None:
        opt = sgd(0.1)
        with pytest.raises(TypeError, match="make the hyperparameter a tensor"):
            lf.apply_schedules(opt, SCHED, torch.tensor(1), lf.base_values(opt, SCHED))

    def test_base_values_must_match(self) -> None:
        opt = sgd(0.1)
        with pytest.raises(ValueError, match=r"lf\.base_values"):
            lf.apply_schedules(opt, {"momentum": SCHED}, 1, lf.base_values(opt, SCHED))


def test_grad_scaler_skip_holds_the_step() -> None:
    model = torch.nn.Linear(2, 1)
    opt = torch.optim.SGD(model.parameters(), lr=torch.tensor(0.1))
    scheduler = lf.Scheduler(opt, SCHED)
    scaler = torch.amp.GradScaler("cpu", init_scale=2.0**4)
    for poison in (False, True, False):
        loss = model(torch.ones(1, 2)).sum() * (float("inf") if poison else 1.0)
        scaler.scale(loss).backward()
        scaler.step(opt)
        found_inf = sum(scaler._found_inf_per_device(opt).values())
        scaler.update()
        opt.zero_grad()
        scheduler.step(advance=1 - found_inf)
    assert scheduler.last_epoch == 2
    assert opt.param_groups[0]["lr"].item() == SCHED(torch.tensor(2), torch.tensor(0.1)).item()
