"""The conventions of DESIGN §1 that every schedule and combinator keeps.

Number path: Python float out, step checked. Tensor path: tensor out on the step's
device, broadcast with ``base_lr``, no host sync, negative/NaN steps act as 0, integer
steps never rounded. Both paths agree. Past the end a schedule holds. Schedules are
values: picklable, comparable, hashable, and their ``repr`` rebuilds them.
"""

from __future__ import annotations

import dataclasses
import math
import pickle
import re
import subprocess
import sys

import numpy as np
import pytest
import torch
from torch.overrides import TorchFunctionMode

import lrfunc as lf

SCHEDULES = [
    lf.constant(0.3),
    lf.constant(0.3, steps=5),
    lf.linear(10, start=0.1, end=0.9),
    lf.warmup(10),
    lf.warmup(10, start=0.0),
    lf.step(3, gamma=0.5),
    lf.multistep([3, 7], gamma=0.3),
    lf.multistep([]),
    lf.exp(0.9),
    lf.exp(0.5, every=2.5, staircase=True, begin=3, end=0.05),
    lf.exp(1.1, every=3, end=3.0),
    lf.exp(0.5, every=0.5, staircase=True),
    lf.cosine(100, end=0.1),
    lf.poly(50, power=2.5, end=0.05),
    lf.piecewise_constant([3, 7], [1.0, 0.4, 0.1]),
    lf.piecewise_constant([], [0.7]),
    lf.chain(lf.warmup(5), lf.cosine(95, end=0.1)),
    lf.chain(lf.linear(10), lf.exp(0.9), lf.constant(0.2), boundaries=[3, 20]),
    lf.chain(lf.warmup(5), lf.chain(lf.constant(1.0, steps=10), lf.linear(20))),
    lf.linear(10) * lf.cosine(50),
    lf.cosine(50) * 0.5,
    lf.linear(10) * lf.step(4, gamma=0.5) * 2.0,
    lf.clip(lf.cosine(50), min=0.1, max=0.8),
    lf.clip(lf.linear(100), min_lr=0.05, max_lr=0.5),
    lf.shift(lf.cosine(20), 5),
    lf.shift(lf.cosine(20), -5),
    lf.stretch(lf.step(3, gamma=0.5), 2.5),
    lf.stretch(lf.step(3, gamma=0.5), 0.4),
    lf.stretch(lf.cosine(10), 0.3),
]
IDS = [repr(s) for s in SCHEDULES]
# Schedules whose values are all factors of base_lr (no absolute *_lr bound).
FACTOR_ONLY = [s for s in SCHEDULES if not (isinstance(s, lf.clip) and s.min_lr is not None)]

KERNELS = [
    (lf.functional.constant, {"value": 0.3}),
    (lf.functional.linear, {"steps": 10, "start": 0.1, "end": 0.9}),
    (lf.functional.warmup, {"steps": 10}),
    (lf.functional.step, {"every": 3, "gamma": 0.5}),
    (lf.functional.multistep, {"boundaries": (3, 7), "gamma": 0.3}),
    (lf.functional.exp, {"gamma": 0.5, "every": 2.5, "staircase": True, "begin": 3}),
    (lf.functional.cosine, {"steps": 100, "end": 0.1}),
    (lf.functional.poly, {"steps": 50, "power": 2.5}),
    (lf.functional.piecewise_constant, {"boundaries": (3, 7), "values": (1.0, 0.4, 0.1)}),
]
KERNEL_IDS = [k.__name__ for k, _ in KERNELS]


def probe_steps(sched: lf.Schedule) -> list[int | float]:
    """Step 0, the boundaries of every piece here, fractional steps, and past the end."""
    steps: list[int | float] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 2.5, 9.75, 10, 11, 19, 20, 21]
    steps += [49, 50, 51, 99, 100, 101, 1000, 10**6]
    if sched.steps is not None:
        steps += [sched.steps - 1, sched.steps, sched.steps + 1, 10 * sched.steps]
    return steps


def close(a: float, b: float, rel: float) -> bool:
    # the abs floor covers values that cancel to ~0 (cosine's end of 0): an ulp of 1
    return math.isclose(a, b, rel_tol=rel, abs_tol=1e-15)


# -- number path and tensor path ---------------------------------------------------------


@pytest.mark.parametrize("sched", SCHEDULES, ids=IDS)
def test_number_path_gives_python_float(sched: lf.Schedule) -> None:
    for step in (0, 3, 2.5, np.int64(7), np.float64(7.5), 10**12):
        for base_lr in (1.0, 3e-4, 2, np.float32(0.5)):
            out = sched(step, base_lr)
            assert type(out) is float, (step, base_lr, type(out))


class _NoTorch(TorchFunctionMode):
    """Fails on any torch function call, factories included."""

    def __torch_function__(self, func, types, args=(), kwargs=None):  # type: ignore[override]
        raise AssertionError(f"the number path called torch: {func}")


@pytest.mark.parametrize("sched", SCHEDULES, ids=IDS)
def test_number_path_does_not_dispatch_to_torch(sched: lf.Schedule) -> None:
    with _NoTorch():
        for k in probe_steps(sched):
            sched(k, 3e-4)


@pytest.mark.parametrize("sched", SCHEDULES, ids=IDS)
def test_tensor_path_gives_tensor_broadcast_with_base_lr(sched: lf.Schedule) -> None:
    steps = [0, 1, 4, 9, 30, 200]
    base = [0.1, 1.0, 3e-4]
    out = sched(torch.tensor(steps).reshape(-1, 1), torch.tensor(base, dtype=torch.float64))
    assert isinstance(out, torch.Tensor)
    assert out.shape == (len(steps), len(base))
    assert out.dtype == torch.float64
    for i, k in enumerate(steps):
        for j, b in enumerate(base):
            assert close(out[i, j].item(), sched(k, b), 1e-12)
    # a 0-dim step gives a 0-dim tensor; a number step with a tensor base_lr a tensor
    assert sched(torch.tensor(4)).shape == ()
    by_group = sched(4, torch.tensor(base, dtype=torch.float64))
    assert isinstance(by_group, torch.Tensor)
    assert by_group.tolist() == pytest.approx([sched(4, b) for b in base], rel=1e-12)


@pytest.mark.parametrize("sched", SCHEDULES, ids=IDS)
def test_tensor_path_stays_on_device_without_host_sync(sched: lf.Schedule) -> None:
    # Meta tensors have no values: any .item(), bool() or Python `if` on them raises.
    out = sched(torch.arange(10, device="meta"), torch.tensor(0.1, device="meta"))
    assert out.device.type == "meta"
    assert out.shape == (10,)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
@pytest.mark.cuda
@pytest.mark.parametrize("sched", SCHEDULES, ids=IDS)
def test_tensor_path_on_cuda(sched: lf.Schedule) -> None:
    steps = torch.arange(120, device="cuda")
    out = sched(steps, 0.1)
    assert out.device == steps.device
    assert torch.allclose(out.cpu(), sched(steps.cpu(), 0.1), rtol=1e-6, atol=1e-12)


def test_result_dtype() -> None:
    sched = lf.cosine(10)
    assert sched(torch.tensor(3)).dtype == torch.get_default_dtype()
    assert sched(torch.tensor(3), torch.tensor(0.1, dtype=torch.float64)).dtype == torch.float64
    assert sched(torch.tensor(3.0, dtype=torch.float64)).dtype == torch.float64
    assert sched(torch.tensor(3.0, dtype=torch.float64), torch.tensor(0.1)).dtype == (torch.float32)
    assert sched(torch.tensor(3, dtype=torch.int32), torch.tensor(1)).dtype == (
        torch.get_default_dtype()
    )


@pytest.mark.parametrize("sched", SCHEDULES, ids=IDS)
def test_number_path_equals_tensor_path_float64(sched: lf.Schedule) -> None:
    steps = probe_steps(sched)
    as_float64 = sched(torch.tensor(steps, dtype=torch.float64), 0.3)
    integral = [k for k in steps if float(k).is_integer()]
    int_steps = sched(torch.tensor(integral), torch.tensor(0.3, dtype=torch.float64))
    assert as_float64.dtype == int_steps.dtype == torch.float64
    for k, got in zip(steps, as_float64.tolist(), strict=True):
        assert close(got, sched(k, 0.3), 1e-12), (k, got, sched(k, 0.3))
    for k, got in zip(integral, int_steps.tolist(), strict=True):
        assert close(got, sched(k, 0.3), 1e-12), (k, got, sched(k, 0.3))


@pytest.mark.parametrize("sched", SCHEDULES, ids=IDS)
def test_number_path_equals_tensor_path_float32(sched: lf.Schedule) -> None:
    steps = [k for k in probe_steps(sched) if float(k).is_integer()]
    out = sched(torch.tensor(steps), 0.3)
    assert out.dtype == torch.float32
    for k, got in zip(steps, out.tolist(), strict=True):
        assert math.isclose(got, sched(k, 0.3), rel_tol=1e-6, abs_tol=1e-12), k


@pytest.mark.parametrize(("kernel", "params"), KERNELS, ids=KERNEL_IDS)
def test_kernels_number_path_equals_tensor_path(kernel, params) -> None:
    steps = [0, 1, 2, 2.5, 3, 7, 10, 49, 50, 99, 100, 101, 10**6]
    out = kernel(torch.tensor(steps, dtype=torch.float64), 0.3, **params)
    assert out.dtype == torch.float64
    for k, got in zip(steps, out.tolist(), strict=True):
        number = kernel(k, 0.3, **params)
        assert type(number) is float
        assert close(got, number, 1e-12), k


# -- precision for large integer steps -------------------------------------------------


def _cosine_ref(k: int, n: int, end: float) -> float:
    return end + (1 - end) * 0.5 * (1 + math.cos(math.pi * min(k, n) / n))


BIG = [
    # (schedule, float64 reference from the closed form with math)
    (lf.exp(1 - 1e-9), lambda k: math.pow(1 - 1e-9, k)),
    (lf.exp(0.5, every=3e8), lambda k: math.pow(0.5, k / 3e8)),
    (lf.cosine(2 * 10**9, end=0.01), lambda k: _cosine_ref(k, 2 * 10**9, 0.01)),
    (lf.linear(2 * 10**9), lambda k: 1 - min(k, 2 * 10**9) / (2 * 10**9)),
    (lf.poly(10**9 + 1, power=2.0), lambda k: (1 - min(k, 10**9 + 1) / (10**9 + 1)) ** 2),
    (lf.step(7, gamma=0.9999999), lambda k: math.pow(0.9999999, k // 7)),
    (lf.warmup(10**9 + 3), lambda k: (min(k, 10**9 + 3) + 1) / (10**9 + 4)),
    (
        lf.chain(lf.warmup(10**8), lf.cosine(10**9, end=0.1)),
        lambda k: (k + 1) / (10**8 + 1) if k < 10**8 else _cosine_ref(k - 10**8, 10**9, 0.1),
    ),
]


@pytest.mark.parametrize(("sched", "ref"), BIG, ids=[repr(s) for s, _ in BIG])
def test_large_integer_steps_keep_precision(sched: lf.Schedule, ref) -> None:
    steps = [0, 10**8 - 1, 10**8, 10**8 + 1, 5 * 10**8 + 3, 10**9 - 7, 10**9, 10**9 + 1]
    steps += [10**9 + 2, 1_999_999_989]
    f32 = sched(torch.tensor(steps, dtype=torch.int64), 1.0)
    f64 = sched(torch.tensor(steps, dtype=torch.int64), torch.tensor(1.0, dtype=torch.float64))
    assert f32.dtype == torch.float32
    for k, lo, hi in zip(steps, f32.tolist(), f64.tolist(), strict=True):
        want = ref(k)
        assert math.isclose(lo, want, rel_tol=1e-6), (k, lo, want)
        assert math.isclose(hi, want, rel_tol=1e-12), (k, hi, want)
        assert math.isclose(sched(k), want, rel_tol=1e-12), (k, sched(k), want)


def test_neighbouring_large_steps_stay_distinct() -> None:
    # float32 cannot tell 10**9 from 10**9 + 1; the int64 step must not pass through it.
    sched = lf.linear(2 * 10**9)
    out = sched(torch.tensor([10**9, 10**9 + 1]), torch.tensor(1.0, dtype=torch.float64))
    assert out[0].item() - out[1].item() == pytest.approx(1 / (2 * 10**9), rel=1e-6)


# -- steps outside the domain ----------------------------------------------------------


@pytest.mark.parametrize("sched", SCHEDULES, ids=IDS)
def test_negative_and_nan_tensor_steps_act_as_zero(sched: lf.Schedule) -> None:
    at_zero = sched(0, 0.3)
    floats = torch.tensor([-1.0, -0.5, -1e12, float("nan"), -math.inf], dtype=torch.float64)
    assert sched(floats, 0.3).tolist() == pytest.approx([at_zero] * 5, rel=1e-12)
    ints = torch.tensor([-1, -(10**12), -(2**63)])
    assert sched(ints, 0.3).tolist() == pytest.approx([at_zero] * 3, rel=1e-6)


BAD_NUMBER_STEPS = [-1, -0.5, -(10**12), math.nan, math.inf, -math.inf, np.float64("nan")]


@pytest.mark.parametrize("sched", SCHEDULES, ids=IDS)
def test_bad_number_steps_raise(sched: lf.Schedule) -> None:
    for step in BAD_NUMBER_STEPS:
        with pytest.raises(ValueError, match=r"^step must be .*got " + re.escape(repr(step))):
            sched(step, 0.1)
    for step in ("3", None, True, [1, 2]):
        with pytest.raises(TypeError, match=r"^step must be .*got " + re.escape(repr(step))):
            sched(step, 0.1)


@pytest.mark.parametrize(("kernel", "params"), KERNELS, ids=KERNEL_IDS)
def test_kernels_check_number_steps(kernel, params) -> None:
    for step in (-1, math.nan, math.inf):
        with pytest.raises(ValueError, match="step"):
            kernel(step, 0.1, **params)


@pytest.mark.parametrize("base_lr", [-0.1, math.nan, math.inf])
def test_bad_number_base_lr_raises(base_lr: float) -> None:
    with pytest.raises(ValueError, match=r"base_lr .*" + re.escape(repr(base_lr))):
        lf.cosine(10)(3, base_lr)


# -- homogeneity and the end -----------------------------------------------------------


@pytest.mark.parametrize("sched", FACTOR_ONLY, ids=[repr(s) for s in FACTOR_ONLY])
def test_homogeneous_in_base_lr(sched: lf.Schedule) -> None:
    for k in probe_steps(sched):
        one = sched(k)
        for c in (0.0, 3e-4, 0.5, 7.0):
            assert close(sched(k, c), c * one, 1e-12), (k, c)


FINITE = [s for s in SCHEDULES if s.steps is not None]


@pytest.mark.parametrize("sched", FINITE, ids=[repr(s) for s in FINITE])
def test_past_the_end_holds(sched: lf.Schedule) -> None:
    assert isinstance(sched.steps, int) and sched.steps > 0
    last = sched(sched.steps, 0.3)
    later = [sched.steps + 1, sched.steps + 7, 2 * sched.steps, 10**9, 10**15, 1e300]
    assert [sched(k, 0.3) for k in later] == pytest.approx([last] * len(later), rel=1e-12)
    tensor = sched(torch.tensor([sched.steps, *later[:-1]], dtype=torch.float64), 0.3)
    assert tensor.tolist() == pytest.approx([last] * len(later), rel=1e-12)


@pytest.mark.parametrize("sched", SCHEDULES, ids=IDS)
def test_huge_steps_never_raise(sched: lf.Schedule) -> None:
    for k in (10**12, 2**63 - 1, 10**30, 1e300, sys.float_info.max):
        value = sched(k, 0.3)
        assert value >= 0.0
    out = sched(torch.tensor([2**62, 2**63 - 1]), 0.3)
    assert not torch.isnan(out).any()
    out = sched(torch.tensor([1e300, math.inf], dtype=torch.float64), 0.3)
    assert not torch.isnan(out).any()


# -- schedules are values ---------------------------------------------------------------


@pytest.mark.parametrize("sched", SCHEDULES, ids=IDS)
def test_pickle_round_trip(sched: lf.Schedule) -> None:
    copy = pickle.loads(pickle.dumps(sched))
    assert copy == sched
    assert hash(copy) == hash(sched)
    assert copy.steps == sched.steps
    assert [copy(k) for k in probe_steps(sched)] == [sched(k) for k in probe_steps(sched)]


@pytest.mark.parametrize("sched", SCHEDULES, ids=IDS)
def test_repr_rebuilds_an_equal_value(sched: lf.Schedule) -> None:
    text = repr(sched)
    # eval only here, in the test, to show the repr is the expression that built it
    rebuilt = eval(text, dict(vars(lf)))
    assert rebuilt == sched
    assert hash(rebuilt) == hash(sched)
    assert repr(rebuilt) == text
    assert not text.startswith("<")


@pytest.mark.parametrize("sched", SCHEDULES, ids=IDS)
def test_immutable(sched: lf.Schedule) -> None:
    field = dataclasses.fields(sched)[0].name  # type: ignore[arg-type]
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(sched, field, None)


def test_equality_follows_parameters() -> None:
    assert lf.cosine(10, end=0.1) == lf.cosine(10.0, end=0.1)
    assert lf.linear(4, start=1) == lf.linear(4)
    assert lf.cosine(10) != lf.cosine(11)
    assert lf.cosine(10) != lf.linear(10)
    assert lf.cosine(10) != lf.cosine(10, end=0.1)
    assert lf.chain(lf.warmup(2), lf.linear(3)) == lf.chain(lf.warmup(2), lf.linear(3))
    assert lf.chain(lf.warmup(2), lf.linear(3)) != lf.chain(lf.linear(3), lf.warmup(2))
    assert lf.linear(4) * lf.cosine(4) != lf.cosine(4) * lf.linear(4)  # the order is kept
    assert len({lf.cosine(10), lf.cosine(10), lf.cosine(10.0), lf.linear(10)}) == 2


def test_repr_examples() -> None:
    assert repr(lf.chain(lf.warmup(1000), lf.cosine(99000, end=0.1))) == (
        "chain(warmup(1000), cosine(99000, end=0.1))"
    )
    assert repr(lf.multistep((3, 5), gamma=0.5)) == "multistep([3, 5], gamma=0.5)"
    assert repr(lf.exp(0.5, every=2, staircase=True, begin=3, end=0.1)) == (
        "exp(0.5, every=2, staircase=True, begin=3, end=0.1)"
    )
    assert repr(lf.chain(lf.constant(), lf.exp(0.5), boundaries=(3,))) == (
        "chain(constant(1.0), exp(0.5), boundaries=[3])"
    )
    assert repr(lf.shift(lf.linear(4), -2)) == "shift(linear(4), -2)"
    assert repr(lf.stretch(lf.linear(4), 2)) == "stretch(linear(4), 2.0)"


# -- import cost ------------------------------------------------------------------------


def test_import_pulls_no_optional_dependency() -> None:
    code = (
        "import sys, lrfunc, lrfunc.functional\n"
        "lrfunc.chain(lrfunc.warmup(3), lrfunc.cosine(5))(2)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('matplotlib', 'hypothesis'))\n"
        "print(','.join(bad))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.strip() == ""
