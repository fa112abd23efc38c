"""Eager adapter step: ``lf.Scheduler.step()`` against torch's equivalent scheduler.

Four schedules (StepLR, CosineAnnealingLR, OneCycleLR, SequentialLR of a LinearLR warmup
and a CosineAnnealingLR), each driving an SGD optimizer with two param groups, with a
float lr and with a tensor lr (one tensor per group). With tensor lrs the lrfunc step is
timed eagerly (the host path: the step is known on the host, one ``fill_`` per tensor),
eagerly on the device path (a tensor ``advance``, as with a GradScaler skip without sync),
and compiled (``torch.compile(scheduler.step, fullgraph=True)``), each beside torch's
eager step with ``lr=torch.tensor(...)``.

Before anything is timed, each lrfunc schedule is checked against torch over a whole
(short) run: every value equal within 1e-9 relative. After timing, both sides, having made
the same number of steps, must hold the same lrs.

Reproduce: ``python -m bench.bench_scheduler [--quick]``.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from typing import Any

import torch
from torch.optim import lr_scheduler as tls

import lrfunc as lf

from ._timing import Row, Timing, format_seconds, interleaved, ratio, run_alone

BASE_LRS = (0.1, 0.05)
GOAL = 0.5

#: What limits the figures; written under the table by ``make bench``.
NOTES = [
    "Adapter, float lr: per group the adapter calls the schedule's formula with its host "
    "step and base (checked once, at construction) and writes a float; torch 2.13's own "
    "step costs ~2-3 us for two groups. OneCycle's formula (phases picked in Python) is "
    "the slowest of the four.",
    "Adapter, tensor lr, eager: the host path computes sched(k, base) in Python and writes "
    "each tensor with one fill_ (plus one add_ on the device step); torch also fill_s and "
    "then clones each lr into _last_lr.",
    "Adapter, tensor lr, eager device path (after a tensor advance): each group runs the "
    "formula as tens of small tensor ops; that path is meant to be compiled or captured.",
    "Adapter, tensor lr, compiled: calling any compiled function on this CPU costs ~25 us "
    "(Dynamo's guards and Inductor's wrapper; see bench_depth's depth-1 compiled call), "
    "more than torch's eager step; inside a compiled training step the schedule is a few "
    "scalar ops of the graph (bench_compile).",
    "torch's recursive CosineAnnealingLR (alone and in SequentialLR) computes in the lr "
    "tensor's dtype: with a float32 tensor lr it drifts from the closed form (the "
    "'torch's float32 lr off by' notes; it stalls, then overshoots). With float lrs both "
    "sides agree to 1e-13.",
]

#: name -> (torch scheduler for ``total`` steps, the same schedule in lrfunc).
CASES: dict[str, tuple[Callable[[torch.optim.Optimizer, int], Any], Callable[[int], lf.Schedule]]]
CASES = {
    "StepLR": (
        lambda opt, n: tls.StepLR(opt, step_size=n // 10, gamma=0.5),
        lambda n: lf.step(n // 10, gamma=0.5),
    ),
    "CosineAnnealingLR": (
        lambda opt, n: tls.CosineAnnealingLR(opt, T_max=n),
        lambda n: lf.cosine(n),
    ),
    "OneCycleLR": (
        lambda opt, n: tls.OneCycleLR(
            opt, max_lr=list(BASE_LRS), total_steps=n, cycle_momentum=False
        ),
        lambda n: lf.onecycle(n),
    ),
    "SequentialLR": (
        lambda opt, n: tls.SequentialLR(
            opt,
            [
                tls.LinearLR(opt, start_factor=0.01, total_iters=n // 20),
                tls.CosineAnnealingLR(opt, T_max=n - n // 20),
            ],
            milestones=[n // 20],
        ),
        lambda n: lf.chain(lf.warmup(n // 20, start=0.01), lf.cosine(n - n // 20)),
    ),
}


def _optimizer(tensor: bool) -> torch.optim.SGD:
    # One tensor per group: torch would share a default tensor between the groups.
    groups = [
        {
            "params": [torch.nn.Parameter(torch.zeros(1))],
            "lr": torch.tensor(lr) if tensor else lr,
        }
        for lr in BASE_LRS
    ]
    return torch.optim.SGD(groups)


def _torch(name: str, total: int, tensor: bool) -> tuple[torch.optim.SGD, Any]:
    opt = _optimizer(tensor)
    scheduler = CASES[name][0](opt, total)
    opt.step()  # no grads: a no-op that marks the optimizer stepped (else torch warns)
    return opt, scheduler


def _lrfunc(name: str, total: int, tensor: bool) -> tuple[torch.optim.SGD, lf.Scheduler]:
    opt = _optimizer(tensor)
    return opt, lf.Scheduler(opt, CASES[name][1](total))


def _lrs(opt: torch.optim.Optimizer) -> list[float]:
    return [float(group["lr"]) for group in opt.param_groups]


def _worst(ours: list[float], theirs: list[float]) -> float:
    return max(abs(a - b) / abs(b) for a, b in zip(ours, theirs, strict=True))


def check_agreement(name: str, total: int = 400) -> float:
    """The largest relative difference to torch over a whole run of ``total`` steps."""
    (opt_t, sched_t), (opt_f, sched_f) = _torch(name, total, False), _lrfunc(name, total, False)
    worst = 0.0
    for _ in range(total):  # OneCycleLR raises past its end; the others hold or rise
        worst = max(worst, _worst(_lrs(opt_f), _lrs(opt_t)))
        sched_t.step()
        sched_f.step()
    assert worst <= 1e-9, f"{name}: lrfunc differs from torch by {worst:.1e} relative"
    return worst


def _row(name: str, figure: str, ours: Timing, theirs: Timing, note: str = "") -> Row:
    median, q1, q3 = ratio(ours, theirs)
    spread = (
        f"IQR {q1:.2f}-{q3:.2f}; per step {format_seconds(ours.median)} vs "
        f"{format_seconds(theirs.median)}"
    )
    return Row(
        f"adapter step, {name}",
        figure,
        f"{median:.2f}x",
        spread + (f"; {note}" if note else ""),
        f"<= {GOAL}x",
        "yes" if median <= GOAL else "no",
    )


def run(quick: bool = False) -> list[Row]:
    number, rounds = (50, 3) if quick else (1_000, 15)
    backend = "eager" if quick else "inductor"  # quick: a smoke test, no C++ compiles
    total = 1_000_000  # no schedule ends (or, for torch's cosine, rises again) while timed
    rows: list[Row] = []
    with warnings.catch_warnings():
        # Inductor's own imports warn on some torch versions; not ours.
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        for name in CASES:
            worst = check_agreement(name, 60 if quick else 400)
            # Float lrs: Python floats written into the param groups.
            opt_t, sched_t = _torch(name, total, False)
            opt_f, sched_f = _lrfunc(name, total, False)
            t = interleaved(
                {"torch": sched_t.step, "lrfunc": sched_f.step}, number=number, rounds=rounds
            )
            assert _worst(_lrs(opt_f), _lrs(opt_t)) <= 1e-9
            rows.append(
                _row(name, "float lr: lrfunc / torch", t["lrfunc"], t["torch"], f"{worst:.0e} off")
            )
            # Tensor lrs: updated in place; eager, and compiled as in a compiled loop.
            opt_t, sched_t = _torch(name, total, True)
            opt_e, sched_e = _lrfunc(name, total, True)
            opt_d, sched_d = _lrfunc(name, total, True)
            opt_c, sched_c = _lrfunc(name, total, True)
            one = torch.ones((), dtype=torch.int64)
            torch._dynamo.reset()
            compiled = torch.compile(sched_c.step, fullgraph=True, backend=backend)
            compiled()  # compile outside the timing (counted by the warm-up round too)
            sched_t.step()
            sched_e.step()
            sched_d.step(advance=one)  # from here the step is known on the device only
            t = interleaved(
                {
                    "torch": sched_t.step,
                    "lrfunc eager": sched_e.step,
                    "lrfunc device": functools.partial(sched_d.step, advance=one),
                    "lrfunc compiled": compiled,
                },
                number=number,
                rounds=rounds,
            )
            assert _worst(_lrs(opt_c), _lrs(opt_e)) <= 1e-6, name  # compiled == eager
            assert _worst(_lrs(opt_d), _lrs(opt_e)) <= 1e-6, name  # device path == host path
            # torch's recursive forms run in the tensor's float32 and drift (its cosine
            # stalls: a step's change is below float32 resolution); lrfunc is closed form.
            drift = _worst(_lrs(opt_t), _lrs(opt_e))
            rows.append(
                _row(
                    name,
                    "tensor lr, eager: lrfunc / torch",
                    t["lrfunc eager"],
                    t["torch"],
                    "host path: one fill_ per tensor"
                    + (f"; torch's float32 lr off by {drift:.0e}" if drift > 1e-6 else ""),
                )
            )
            rows.append(
                _row(
                    name,
                    "tensor lr, eager device path: lrfunc / torch",
                    t["lrfunc device"],
                    t["torch"],
                    "after a tensor advance: the formula as small tensor ops",
                )
            )
            rows.append(
                _row(
                    name,
                    "tensor lr, lrfunc compiled / torch eager",
                    t["lrfunc compiled"],
                    t["torch"],
                )
            )
    torch._dynamo.reset()
    return rows


if __name__ == "__main__":
    run_alone(run, __doc__)
