"""The house rules as tests: one definition per schedule (the functional kernels derive
from the classes), checks declared on the fields with the parameter as data, an explicit
tree, and a public extension point for users' own schedules."""

from __future__ import annotations

import dataclasses
import inspect
import math
from dataclasses import KW_ONLY, dataclass, field
from typing import Any

import pytest
import torch
from schedule_examples import EXAMPLES

import lrfunc as lf
from lrfunc import checks, ops
from lrfunc._config import registry

KERNELS = sorted(n for n in lf.functional.__all__)


# -- one definition per schedule ---------------------------------------------------------


@pytest.mark.parametrize("name", KERNELS)
def test_kernel_signature_is_the_schedules(name: str) -> None:
    kernel = getattr(lf.functional, name)
    cls = getattr(lf, name)
    params = list(inspect.signature(kernel).parameters.values())
    assert [p.name for p in params[:2]] == ["step", "base_lr"]
    fields = [f for f in dataclasses.fields(cls) if f.init]
    assert [p.name for p in params[2:]] == [f.name for f in fields]
    for p, f in zip(params[2:], fields, strict=True):
        expected = inspect.Parameter.empty if f.default is dataclasses.MISSING else f.default
        assert p.default == expected, (name, p.name)


@pytest.mark.parametrize("name", KERNELS)
def test_kernel_equals_schedule(name: str) -> None:
    examples = [e.schedule for e in EXAMPLES if type(e.schedule).__name__ == name]
    assert examples, f"no example of {name} in tests/schedule_examples.py"
    for sched in examples:
        params = {f.name: getattr(sched, f.name) for f in dataclasses.fields(sched) if f.init}
        kernel = getattr(lf.functional, name)
        for k in (0, 1, 7, 100, 12345):
            assert kernel(k, 0.5, **params) == sched(k, 0.5)
        t = torch.arange(0, 200, 7)
        torch.testing.assert_close(kernel(t, 0.5, **params), sched(t, 0.5), rtol=0, atol=0)


def test_kernel_checks_its_parameters() -> None:
    with pytest.raises(lf.ParameterValueError, match="end must be >= 0") as info:
        lf.functional.cosine(3, 1.0, steps=10, end=-1.0)
    assert info.value.param == "end"


# -- declared checks ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "param"),
    [
        (lambda: lf.cosine(10, end=-1.0), "end"),
        (lambda: lf.multistep([3, 2]), "boundaries[1]"),
        (lambda: lf.piecewise_constant([2], [1.0, -0.5]), "values[1]"),
        (lambda: lf.chain(lf.cosine(2), "x"), "schedules[1]"),  # type: ignore[arg-type]
        (lambda: lf.warmup(3, shape="square"), "shape"),
        (lambda: lf.exp(0.5, staircase=1), "staircase"),
        (lambda: lf.clip(lf.cosine(10), min=0.5, max=0.1), "min"),
    ],
    ids=["range", "boundary-index", "value-index", "schedule-index", "choice", "bool", "cross"],
)
def test_check_failures_name_the_parameter_as_data(build: Any, param: str) -> None:
    with pytest.raises(lf.ParameterError) as info:
        build()
    assert info.value.param == param
    assert isinstance(info.value, (ValueError, TypeError))


def test_every_field_of_every_schedule_declares_a_check() -> None:
    unchecked = [
        f"{name}.{f.name}"
        for name, cls in registry().items()
        for f in dataclasses.fields(cls)
        if f.init and "check" not in f.metadata and name not in {"from_function"}
    ]
    assert not unchecked, f"fields without a declared check: {unchecked}"


def test_misspelt_keyword_gets_a_hint() -> None:
    with pytest.raises(TypeError, match="unexpected keyword argument 'ned'; did you mean 'end'"):
        lf.cosine(1000, ned=0.1)  # type: ignore[call-arg]


# -- the tree ------------------------------------------------------------------------------


def test_children_and_joins_of_a_chain() -> None:
    sched = lf.chain(lf.warmup(10), lf.cosine(90), lf.constant(0.1))
    assert [(c.schedule, c.start, c.end) for c in sched.children()] == [
        (lf.warmup(10), 0, 10),
        (lf.cosine(90), 10, 100),
        (lf.constant(0.1), 100, math.inf),
    ]
    assert [(j.step, j.before, j.after) for j in lf.joins(sched)] == [
        (10, lf.warmup(10), lf.cosine(90)),
        (100, lf.cosine(90), lf.constant(0.1)),
    ]


def test_joins_follow_shift_stretch_and_products() -> None:
    inner = lf.chain(lf.warmup(4), lf.cosine(4))
    sched = lf.shift(lf.stretch(inner, 2.0), 3) * lf.constant(0.5)
    steps = [j.step for j in lf.joins(sched)]
    assert steps == [3.0, 3.0 + 8.0]


def test_joins_inside_a_truncated_piece_are_hidden() -> None:
    sched = lf.chain(lf.chain(lf.linear(5), lf.cosine(5)), lf.constant(0.1), boundaries=[3])
    assert [j.step for j in lf.joins(sched)] == [3]


def test_untimed_children_are_seen_but_not_placed() -> None:
    sched = lf.repeat(lf.chain(lf.warmup(2), lf.cosine(4)))
    (child,) = sched.children()
    assert not child.timed and child.schedule == lf.chain(lf.warmup(2), lf.cosine(4))
    assert lf.joins(sched) == []


# -- the extension point -------------------------------------------------------------------


@dataclass(frozen=True, repr=False)
class rsqrt(lf.Schedule):
    """``end + (1 - end) / sqrt(1 + step / every)``: a user's own schedule."""

    every: int = field(metadata=checks.PERIOD)
    _: KW_ONLY
    end: float = field(default=0.0, metadata=checks.FACTOR)

    steps = None

    def formula(self, step: Any, base_lr: Any) -> Any:
        return base_lr * (self.end + (1.0 - self.end) / ops.sqrt(1.0 + step / self.every))


def test_user_schedule_on_both_paths() -> None:
    sched = rsqrt(4, end=0.1)
    assert repr(sched) == "rsqrt(4, end=0.1)"
    assert sched(12, 2.0) == pytest.approx(2.0 * (0.1 + 0.9 / 2.0))
    t = torch.tensor([0, 12, -3])
    torch.testing.assert_close(
        sched(t, 2.0), torch.tensor([2.0, 2.0 * (0.1 + 0.9 / 2.0), 2.0]), rtol=1e-6, atol=0
    )
    with pytest.raises(lf.ParameterValueError) as info:
        rsqrt(0)
    assert info.value.param == "every"


@pytest.mark.slow
def test_user_schedule_compiles_inside_chain() -> None:
    sched = lf.chain(lf.warmup(3), rsqrt(4, end=0.1))
    compiled = torch.compile(lambda k: sched(k, 0.5), fullgraph=True)
    steps = torch.arange(0, 20)
    torch.testing.assert_close(compiled(steps), sched(steps, 0.5))
    assert [sched(k, 0.5) for k in range(20)] == pytest.approx(sched(steps, 0.5).tolist())
