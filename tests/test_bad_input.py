"""Bad arguments raise TypeError or ValueError whose message names the parameter and
shows the value."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch
from schedule_examples import EXAMPLES, Example

import lrfunc as lf

nan, inf = math.nan, math.inf
a, b = lf.linear(4), lf.cosine(6)


def case(id: str, build: Callable[[], Any], error: type[Exception], name: str, shown: str) -> Any:
    """``build()`` raises ``error`` with ``name`` and then ``shown`` in its message."""
    pattern = re.escape(name) + r"(?!\w).*" + re.escape(shown)
    return pytest.param(build, error, pattern, id=id)


CASES = [
    # lengths
    case("steps-negative", lambda: lf.linear(-1), ValueError, "steps", "got -1"),
    case("steps-negative", lambda: lf.cosine(-5), ValueError, "steps", "got -5"),
    case("steps-nan", lambda: lf.cosine(nan), TypeError, "steps", "got nan"),
    case("steps-inf", lambda: lf.poly(inf), TypeError, "steps", "got inf"),
    case("steps-neg-inf", lambda: lf.linear(-inf), TypeError, "steps", "got -inf"),
    case("steps-fractional", lambda: lf.warmup(2.5), TypeError, "steps", "got 2.5 (float)"),
    case("steps-bool", lambda: lf.linear(True), TypeError, "steps", "got True (bool)"),
    case("steps-str", lambda: lf.linear("10"), TypeError, "steps", "got '10' (str)"),
    case("steps-none", lambda: lf.cosine(None), TypeError, "steps", "got None"),
    case("steps-tensor", lambda: lf.cosine(torch.tensor(5)), TypeError, "steps", "tensor(5)"),
    case("constant-steps-negative", lambda: lf.constant(steps=-2), ValueError, "steps", "got -2"),
    case("every-zero", lambda: lf.step(0), ValueError, "every", "got 0"),
    case("every-negative", lambda: lf.step(-2), ValueError, "every", "got -2"),
    case("every-fractional", lambda: lf.step(1.5), TypeError, "every", "got 1.5"),
    case("every-bool", lambda: lf.step(False), TypeError, "every", "got False"),
    case("exp-every-zero", lambda: lf.exp(0.5, every=0), ValueError, "every", "got 0.0"),
    case("exp-every-inf", lambda: lf.exp(0.5, every=inf), ValueError, "every", "got inf"),
    case("exp-every-str", lambda: lf.exp(0.5, every="2"), TypeError, "every", "got '2'"),
    # gamma
    case("gamma-zero", lambda: lf.step(3, gamma=0), ValueError, "gamma", "got 0.0"),
    case("gamma-negative", lambda: lf.exp(-0.5), ValueError, "gamma", "got -0.5"),
    case("gamma-nan", lambda: lf.exp(nan), ValueError, "gamma", "got nan"),
    case("gamma-inf", lambda: lf.exp(inf), ValueError, "gamma", "got inf"),
    case("gamma-str", lambda: lf.exp("0.5"), TypeError, "gamma", "got '0.5' (str)"),
    case("gamma-none", lambda: lf.exp(None), TypeError, "gamma", "got None"),
    case("multistep-gamma", lambda: lf.multistep([2], gamma=-1), ValueError, "gamma", "-1.0"),
    case(
        "gamma-int-tensor",
        lambda: lf.exp(torch.tensor(1)),
        TypeError,
        "gamma",
        "torch.int64",
    ),
    # exp's other parameters
    case("exp-end-above-1", lambda: lf.exp(0.5, end=2.0), ValueError, "end", "end=2.0"),
    case("exp-end-below-1", lambda: lf.exp(2.0, end=0.5), ValueError, "end", "end=0.5"),
    case("exp-end-gamma-1", lambda: lf.exp(1.0, end=0.5), ValueError, "end", "end=0.5"),
    case("exp-end-zero-growth", lambda: lf.exp(2.0, end=0.0), ValueError, "end", "end=0.0"),
    case("exp-begin-negative", lambda: lf.exp(0.5, begin=-1), ValueError, "begin", "got -1"),
    case("exp-begin-fraction", lambda: lf.exp(0.5, begin=0.5), TypeError, "begin", "got 0.5"),
    case("exp-staircase-int", lambda: lf.exp(0.5, staircase=1), TypeError, "staircase", "1"),
    # factors
    case("constant-negative", lambda: lf.constant(-1), ValueError, "value", "got -1.0"),
    case("constant-str", lambda: lf.constant("a"), TypeError, "value", "got 'a'"),
    case("linear-start-neg", lambda: lf.linear(4, start=-0.1), ValueError, "start", "-0.1"),
    case("linear-end-nan", lambda: lf.linear(4, end=nan), ValueError, "end", "got nan"),
    case("linear-end-bool", lambda: lf.linear(4, end=False), TypeError, "end", "False"),
    case("warmup-start-above-1", lambda: lf.warmup(4, start=1.5), ValueError, "start", "1.5"),
    case("warmup-start-neg", lambda: lf.warmup(4, start=-0.5), ValueError, "start", "-0.5"),
    case("cosine-end-negative", lambda: lf.cosine(4, end=-0.1), ValueError, "end", "-0.1"),
    case("cosine-end-inf", lambda: lf.cosine(4, end=inf), ValueError, "end", "got inf"),
    case("poly-power-zero", lambda: lf.poly(4, power=0), ValueError, "power", "got 0.0"),
    case("poly-power-neg", lambda: lf.poly(4, power=-1.0), ValueError, "power", "-1.0"),
    case("poly-end-str", lambda: lf.poly(4, end="0"), TypeError, "end", "got '0'"),
    # boundaries
    case(
        "boundaries-unsorted",
        lambda: lf.multistep([5, 3]),
        ValueError,
        "boundaries",
        "boundaries[0]=5 and boundaries[1]=3 in [5, 3]",
    ),
    case(
        "boundaries-duplicate",
        lambda: lf.multistep([2, 3, 3]),
        ValueError,
        "boundaries",
        "[2, 3, 3]",
    ),
    case("boundaries-zero", lambda: lf.multistep([0, 3]), ValueError, "boundaries[0]", "0"),
    case("boundaries-neg", lambda: lf.multistep([-2]), ValueError, "boundaries[0]", "-2"),
    case("boundaries-fraction", lambda: lf.multistep([1, 2.5]), TypeError, "boundaries[1]", "2.5"),
    case("boundaries-nan", lambda: lf.multistep([nan]), TypeError, "boundaries[0]", "nan"),
    case("boundaries-int", lambda: lf.multistep(3), TypeError, "boundaries", "got 3 (int)"),
    case("boundaries-str", lambda: lf.multistep("35"), TypeError, "boundaries", "got '35'"),
    case(
        "piecewise-unsorted",
        lambda: lf.piecewise_constant([4, 2], [1.0, 0.5, 0.1]),
        ValueError,
        "boundaries",
        "[4, 2]",
    ),
    case(
        "piecewise-too-few-values",
        lambda: lf.piecewise_constant([2, 4], [1.0, 0.5]),
        ValueError,
        "values",
        "got 2: [1.0, 0.5]",
    ),
    case(
        "piecewise-too-many-values",
        lambda: lf.piecewise_constant([2], [1.0, 0.5, 0.1]),
        ValueError,
        "values",
        "got 3: [1.0, 0.5, 0.1]",
    ),
    case(
        "piecewise-no-values",
        lambda: lf.piecewise_constant([], []),
        ValueError,
        "values",
        "got 0: []",
    ),
    case(
        "piecewise-negative-value",
        lambda: lf.piecewise_constant([2], [1.0, -0.5]),
        ValueError,
        "values[1]",
        "-0.5",
    ),
    case(
        "piecewise-values-number",
        lambda: lf.piecewise_constant([2], 1.0),
        TypeError,
        "values",
        "got 1.0",
    ),
    # chain
    case("chain-empty", lambda: lf.chain(), ValueError, "chain", "schedule, got none"),
    case(
        "chain-non-schedule",
        lambda: lf.chain(a, 3),
        TypeError,
        "schedules[1]",
        "got 3 (int)",
    ),
    case(
        "chain-kernel",
        lambda: lf.chain(lf.functional.cosine),
        TypeError,
        "schedules[0]",
        "<kernel lrfunc.functional.cosine>",
    ),
    case(
        "chain-too-many-boundaries",
        lambda: lf.chain(a, b, boundaries=[1, 2]),
        ValueError,
        "boundaries",
        "got 2: [1, 2]",
    ),
    case(
        "chain-too-few-boundaries",
        lambda: lf.chain(a, b, a, boundaries=[3]),
        ValueError,
        "boundaries",
        "got 1: [3]",
    ),
    case(
        "chain-empty-boundaries",
        lambda: lf.chain(a, b, boundaries=[]),
        ValueError,
        "boundaries",
        "got 0: []",
    ),
    case(
        "chain-unsorted-boundaries",
        lambda: lf.chain(a, b, a, boundaries=[5, 3]),
        ValueError,
        "boundaries",
        "[5, 3]",
    ),
    case(
        "chain-zero-boundary",
        lambda: lf.chain(a, b, boundaries=[0]),
        ValueError,
        "boundaries[0]",
        "got 0",
    ),
    case(
        "chain-boundaries-int",
        lambda: lf.chain(a, b, boundaries=3),
        TypeError,
        "boundaries",
        "got 3 (int)",
    ),
    case(
        "chain-endless-piece",
        lambda: lf.chain(lf.exp(0.5), a),
        ValueError,
        "schedules[0]",
        "exp(0.5) never ends",
    ),
    # product and scale
    case("product-number", lambda: lf.product(a, 2), TypeError, "schedules[1]", "got 2 (int)"),
    case("product-one", lambda: lf.product(a), ValueError, "schedules", "got 1"),
    case("scale-negative", lambda: a * -0.5, ValueError, "factor", "got -0.5"),
    case("scale-nan", lambda: 0.5 * a * nan, ValueError, "factor", "got nan"),
    case("scale-non-schedule", lambda: lf.scale(3, 0.5), TypeError, "schedule", "got 3 (int)"),
    case("mul-str", lambda: a * "x", TypeError, "multiply", "'linear'"),
    case("mul-bool", lambda: a * True, TypeError, "*", "'linear' and 'bool'"),
    # clip
    case("clip-no-bounds", lambda: lf.clip(a), ValueError, "min, max, min_lr, max_lr", "none"),
    case(
        "clip-min-above-max",
        lambda: lf.clip(a, min=0.5, max=0.1),
        ValueError,
        "min",
        "min=0.5 and max=0.1",
    ),
    case(
        "clip-min-lr-above-max-lr",
        lambda: lf.clip(a, min_lr=1e-3, max_lr=1e-4),
        ValueError,
        "min_lr",
        "min_lr=0.001 and max_lr=0.0001",
    ),
    case("clip-min-negative", lambda: lf.clip(a, min=-0.1), ValueError, "min", "got -0.1"),
    case("clip-max-lr-nan", lambda: lf.clip(a, max_lr=nan), ValueError, "max_lr", "got nan"),
    case("clip-min-str", lambda: lf.clip(a, min="0.1"), TypeError, "min", "got '0.1'"),
    case(
        "clip-non-schedule",
        lambda: lf.clip(0.5, min=0.1),
        TypeError,
        "schedule",
        "got 0.5 (float)",
    ),
    # shift and stretch
    case("shift-fraction", lambda: lf.shift(a, 1.5), TypeError, "by", "got 1.5 (float)"),
    case("shift-str", lambda: lf.shift(a, "2"), TypeError, "by", "got '2' (str)"),
    case("shift-bool", lambda: lf.shift(a, True), TypeError, "by", "got True"),
    case("shift-non-schedule", lambda: lf.shift(3, 2), TypeError, "schedule", "got 3 (int)"),
    case("stretch-zero", lambda: lf.stretch(a, 0), ValueError, "factor", "got 0.0"),
    case("stretch-negative", lambda: lf.stretch(a, -2.0), ValueError, "factor", "got -2.0"),
    case("stretch-inf", lambda: lf.stretch(a, inf), ValueError, "factor", "got inf"),
    case("stretch-none", lambda: lf.stretch(a, None), TypeError, "factor", "got None"),
    case("stretch-non-schedule", lambda: lf.stretch(1, 2), TypeError, "schedule", "got 1 (int)"),
    # the number path's step and base_lr
    case("call-step-negative", lambda: a(-1), ValueError, "step", "got -1"),
    case("call-step-nan", lambda: a(nan), ValueError, "step", "got nan"),
    case("call-step-inf", lambda: a(inf), ValueError, "step", "got inf"),
    case("call-step-str", lambda: a("3"), TypeError, "step", "got '3' (str)"),
    case("call-step-none", lambda: a(None), TypeError, "step", "got None"),
    case("call-base-lr-negative", lambda: a(3, -0.1), ValueError, "base_lr", "got -0.1"),
    case("call-base-lr-str", lambda: a(3, "0.1"), TypeError, "base_lr", "got '0.1'"),
    case(
        "kernel-step-negative",
        lambda: lf.functional.cosine(-2, 1.0, steps=4),
        ValueError,
        "step",
        "got -2",
    ),
]


@pytest.mark.parametrize(("build", "error", "pattern"), CASES)
def test_bad_input(build: Callable[[], Any], error: type[Exception], pattern: str) -> None:
    with pytest.raises(error, match=pattern):
        build()


@pytest.mark.parametrize(
    "step",
    [np.uint32(3), np.uint8(3), np.int64(3), np.float32(3.0), np.float64(3.0), 3],
    ids=["uint32", "uint8", "int64", "float32", "float64", "int"],
)
def test_scalar_steps_of_any_type_equal_the_python_number(step: object) -> None:
    # numpy unsigned steps used to wrap around inside the formula (shift: 3 - 3 ... - by).
    for sched in (
        lf.shift(lf.linear(6), 3),
        lf.shift(lf.linear(6), 5),
        lf.chain(lf.warmup(2), lf.cosine(8)),
    ):
        assert sched(step, 0.5) == sched(3, 0.5)


class _MyInt(int):
    pass


def test_int_subclass_step_equals_the_int() -> None:
    assert lf.shift(lf.linear(6), 5)(_MyInt(2)) == lf.shift(lf.linear(6), 5)(2)


# -- issue 13: one range, enforced at construction, and no NaN inside it --------------------


@pytest.mark.parametrize(
    ("build", "param"),
    [
        (lambda: lf.cosine(10**30), "steps"),
        (lambda: lf.warmup(2**53 + 1), "steps"),
        (lambda: lf.multistep([5, 2**60]), "boundaries[1]"),
        (lambda: lf.exp(0.5, begin=2**54), "begin"),
        (lambda: lf.exp(0.5, every=1e-300), "every"),
        (lambda: lf.stretch(lf.linear(4), 1e308), "factor"),
        (lambda: lf.stretch(lf.linear(4), 1e-300), "factor"),
        (lambda: lf.restarts(3, mult=2.0, cycles=2000), "cycles"),
        (lambda: lf.repeat(lf.linear(3), times=2**52), "times"),
        (lambda: lf.onecycle(100, final_div_factor=1e-310), "final_div_factor"),
        (lambda: lf.onecycle(100, div_factor=1e-310), "div_factor"),
        (lambda: lf.onecycle(100, div_factor=1e-30, final_div_factor=1e-9), "final_div_factor"),
        (lambda: lf.cyclic(1e-300, low=0.1), "up"),
    ],
    ids=[
        "length-1e30",
        "length-past-2**53",
        "boundary-past-2**53",
        "begin-past-2**53",
        "every-tiny",
        "stretch-huge",
        "stretch-tiny",
        "restarts-cycles-overflow",
        "repeat-times-overflow",
        "onecycle-end-inf",
        "onecycle-start-inf",
        "onecycle-end-past-float32",
        "cyclic-up-tiny",
    ],
)
def test_past_machine_range_is_refused_naming_the_parameter(build: Any, param: str) -> None:
    with pytest.raises(lf.ParameterValueError) as info:
        build()
    assert info.value.param == param


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.float32, torch.float64])
def test_no_nan_at_the_edges_of_the_range(dtype: torch.dtype) -> None:
    far = lf.cyclic(2, low=0.1, mode="exp_range", gamma=1.001)
    ints = [0, 1, 10**6, 10**6 + 1, 10**6 + 2]
    steps = torch.tensor(ints).to(dtype)  # float16 rounds 10**6 to inf: also no NaN
    for sched in (
        far,
        lf.exp(0.5, every=2**-24),
        lf.stretch(lf.cosine(10), 2**-24),
        lf.cosine(2**53),
        lf.cosine(100_000),  # longer than float16 reaches: the step is widened
        lf.onecycle(100, div_factor=1e-30, final_div_factor=1e-8),
    ):
        out = sched(steps, 0.1)
        assert not torch.isnan(out).any(), (sched, dtype, out)
        assert all(not math.isnan(sched(k, 0.1)) for k in ints)


def test_both_paths_agree_at_the_longest_length() -> None:
    sched = lf.chain(lf.warmup(1000), lf.cosine(2**53 - 1000, end=0.1))
    steps = [0, 999, 1000, 2**52, 2**53 - 1, 2**53]
    got = sched(torch.tensor(steps), torch.tensor(1.0, dtype=torch.float64)).tolist()
    assert got == pytest.approx([sched(k) for k in steps], rel=1e-12)


# -- tensor steps out of range: no host check, and still no NaN ---------------------------------


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.name)
def test_tensor_steps_out_of_range_act_as_the_nearest_end(example: Example) -> None:
    """NaN and negative steps act as 0; inf and steps past 2**53 as 2**53 (where a finite
    schedule holds its end): finite values for every schedule, periodic ones included."""
    sched = example.schedule
    odd = torch.tensor(
        [float("nan"), float("inf"), -float("inf"), 2.0**60, -5.0], dtype=torch.float64
    )
    same = torch.tensor([0.0, 2.0**53, 0.0, 2.0**53, 0.0], dtype=torch.float64)
    got = sched(odd, 0.5)
    assert torch.isfinite(got).all(), got
    torch.testing.assert_close(got, sched(same, 0.5), rtol=0, atol=0)
    huge = sched(torch.tensor([2**62, -(2**62)]), 0.5)
    torch.testing.assert_close(huge, sched(torch.tensor([2**53, 0]), 0.5), rtol=0, atol=0)
