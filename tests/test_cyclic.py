"""onecycle, cyclic, restarts (SGDR) and repeat: worked values, properties, exact cycle
boundaries at huge steps, and bad inputs."""

from __future__ import annotations

import math
import pickle
from fractions import Fraction

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from references import timm_cosine

import lrfunc as lf
from lrfunc import functional as F
from lrfunc._cyclic import cycle_position

SETTINGS = settings(max_examples=40, deadline=None)


def values(sched: lf.Schedule, steps, base_lr: float = 1.0) -> list[float]:
    return [sched(k, base_lr) for k in steps]


def close(a: list[float], b: list[float], rel: float = 1e-12, abs_: float = 1e-12) -> bool:
    return all(math.isclose(x, y, rel_tol=rel, abs_tol=abs_) for x, y in zip(a, b, strict=True))


# -- reference formulas, written independently of the kernels ----------------------------


def onecycle_reference(k: int, n: int, pct: float, div: float, fdiv: float, how: str, three: bool):
    """torch's OneCycleLR.get_lr loop (torch/optim/lr_scheduler.py), as factors of max_lr."""
    start, peak = 1.0 / div, 1.0
    end = start / fdiv
    if three:
        phases = [
            (float(pct * n) - 1, start, peak),
            (float(2 * pct * n) - 2, peak, start),
            (n - 1, start, end),
        ]
    else:
        phases = [(float(pct * n) - 1, start, peak), (n - 1, peak, end)]
    k = min(k, n - 1)
    begin = 0.0
    for i, (stop, a, b) in enumerate(phases):
        if k <= stop or i == len(phases) - 1:
            p = (k - begin) / (stop - begin)
            if how == "cos":
                return b + (a - b) / 2.0 * (math.cos(math.pi * p) + 1)
            return (b - a) * p + a
        begin = stop
    raise AssertionError


def sgdr_reference(k: int, period: int, mult: int, decay: float = 1.0, end: float = 0.0):
    """SGDR with integer arithmetic only: walk the cycles (torch's T_cur / T_i)."""
    start, length, i = 0, period, 0
    if mult == 1:
        i = k // period
        start = i * period
    while k >= start + length:
        start, length, i = start + length, length * mult, i + 1
    return end + (decay**i - end) * 0.5 * (1 + math.cos(math.pi * (k - start) / length))


# -- worked values ----------------------------------------------------------------------


class TestOnecycle:
    def test_linear_two_phase(self):
        sched = lf.onecycle(
            10, pct_start=0.3, div_factor=10.0, final_div_factor=1e4, anneal="linear"
        )
        # Rises over steps 0..2 (pct_start * steps - 1 = 2), falls over 2..9.
        want = [0.1, 0.55, 1.0] + [1.0 - (1.0 - 1e-5) * j / 7 for j in range(1, 8)]
        assert close(values(sched, range(10)), want)
        assert sched(10) == sched(9) == sched(10**9) == pytest.approx(1e-5)

    def test_degenerate_first_phase_gives_the_start(self):
        # pct_start * steps == 1 puts the rise's end at step 0 (torch divides 0 by 0).
        assert lf.onecycle(10, pct_start=0.1, div_factor=5.0)(0) == pytest.approx(0.2)

    def test_cos_peak_and_ends(self):
        sched = lf.onecycle(100)
        assert sched(0, 0.1) == pytest.approx(0.1 / 25)
        assert sched(29, 0.1) == pytest.approx(0.1)
        assert sched(99, 0.1) == pytest.approx(0.1 / 25 / 1e4)
        assert sched.steps == 100

    def test_three_phase(self):
        sched = lf.onecycle(
            20,
            pct_start=0.25,
            div_factor=4.0,
            final_div_factor=10.0,
            anneal="linear",
            three_phase=True,
        )
        # Phase ends: 4, 8, 19.
        got = values(sched, [0, 2, 4, 6, 8, 19])
        assert close(got, [0.25, 0.625, 1.0, 0.625, 0.25, 0.025])

    @SETTINGS
    @given(
        n=st.integers(1, 300),
        pct=st.floats(0.0, 1.0),
        div=st.floats(1.0, 1e3),
        fdiv=st.floats(1.0, 1e5),
        how=st.sampled_from(["cos", "linear"]),
        three=st.booleans(),
    )
    def test_matches_torch_loop(self, n, pct, div, fdiv, how, three):
        if float(pct * n) - 1 == 0.0:
            return  # torch divides 0 by 0 here
        sched = lf.onecycle(
            n, pct_start=pct, div_factor=div, final_div_factor=fdiv, anneal=how, three_phase=three
        )
        for k in sorted({0, 1, n // 3, n // 2, n - 2, n - 1} - {-1}):
            want = onecycle_reference(k, n, pct, div, fdiv, how, three)
            assert sched(k) == pytest.approx(want, rel=1e-9, abs=1e-15)


class TestCyclic:
    def test_triangular(self):
        sched = lf.cyclic(2, low=0.2)
        assert close(values(sched, range(9)), [0.2, 0.6, 1.0, 0.6, 0.2, 0.6, 1.0, 0.6, 0.2])

    def test_asymmetric(self):
        sched = lf.cyclic(1, down=3, low=0.0)
        assert close(values(sched, range(5)), [0.0, 1.0, 2 / 3, 1 / 3, 0.0])

    def test_sawtooth_down_zero(self):
        sched = lf.cyclic(4, down=0, low=0.0)
        assert close(values(sched, range(6)), [0.0, 0.25, 0.5, 0.75, 0.0, 0.25])

    def test_triangular2_halves_each_cycle(self):
        sched = lf.cyclic(2, low=0.0, mode="triangular2")
        assert values(sched, [2, 6, 10]) == [1.0, 0.5, 0.25]

    def test_exp_range(self):
        sched = lf.cyclic(2, low=0.0, mode="exp_range", gamma=0.9)
        assert sched(2) == pytest.approx(0.81)
        assert sched(6) == pytest.approx(0.9**6)

    @pytest.mark.parametrize(("up", "down"), [(3, 4), (1000, 1), (2000, 2000)])
    def test_huge_steps_keep_float32_precision(self, up, down):
        total = up + down
        steps = [total * m + j for m in (10**9 // total, 123_456_789 // total) for j in (0, 1, up)]
        want = [min(j, up) / up for j in (0, 1, up)] * 2
        got = lf.cyclic(up, down=down, low=0.0)(torch.tensor(steps))
        assert got.dtype == torch.float32
        torch.testing.assert_close(
            got.double(), torch.tensor(want, dtype=torch.float64), rtol=1e-6, atol=0
        )

    def test_amplitude_schedules_reproduce_the_modes(self):
        steps = range(50)
        tri2 = lf.cyclic(3, down=2, low=0.1, mode="triangular2")
        by_cycle = lf.cyclic(3, down=2, low=0.1, amplitude=lf.exp(0.5))
        assert close(values(tri2, steps), values(by_cycle, steps))
        exp_range = lf.cyclic(3, down=2, low=0.1, mode="exp_range", gamma=0.97)
        by_step = lf.cyclic(3, down=2, low=0.1, amplitude=lf.exp(0.97), amplitude_by="step")
        assert close(values(exp_range, steps), values(by_step, steps))

    @SETTINGS
    @given(
        up=st.integers(1, 50),
        down=st.integers(0, 50),
        low=st.floats(0.0, 1.0),
        k=st.integers(0, 10**6),
    )
    def test_periodic_and_bounded(self, up, down, low, k):
        sched = lf.cyclic(up, down=down, low=low)
        v = sched(k)
        assert low - 1e-12 <= v <= 1.0 + 1e-12
        assert v == pytest.approx(sched(k + up + down), abs=1e-9)


class TestRestarts:
    def test_torch_doc_example(self):
        # T_0=2, T_mult=2: cycles of 2, 4, 8 steps starting at 0, 2, 6.
        sched = lf.restarts(2, mult=2.0)
        got = values(sched, range(7))
        assert close(got, [sgdr_reference(k, 2, 2) for k in range(7)])
        assert got[0] == got[2] == got[6] == 1.0

    def test_decay_end_and_cycle_limit(self):
        sched = lf.restarts(4, decay=0.5, end=0.1, cycles=2)
        assert sched.steps == 8
        assert sched(4) == pytest.approx(0.5)  # second peak: decay ** 1
        assert sched(8) == sched(10**9) == pytest.approx(0.1)  # hold the floor
        assert sched(2) == pytest.approx(0.1 + 0.9 * 0.5)

    def test_float_mult_matches_timm(self):
        sched = lf.restarts(10, mult=1.5, decay=0.8, end=0.05)
        want = [
            timm_cosine(
                t,
                base=1.0,
                t_initial=10,
                cycle_mul=1.5,
                cycle_decay=0.8,
                lr_min=0.05,
                cycle_limit=100,  # more cycles than 300 steps hold (timm's 0 runs none)
            )
            for t in range(300)
        ]
        assert close(values(sched, range(300)), want, rel=1e-9, abs_=1e-12)

    def test_float_mult_length(self):
        assert lf.restarts(10, mult=1.5, cycles=3).steps == math.ceil(10 + 15 + 22.5)

    def test_shape(self):
        sched = lf.restarts(4, mult=2.0, shape=lf.linear(2), end=0.2)
        # Cycle 0 spans 0..3 (linear stretched 2 -> 4), cycle 1 spans 4..11.
        assert close(values(sched, [0, 2, 4, 8, 10]), [1.0, 0.6, 1.0, 0.6, 0.4])

    @SETTINGS
    @given(
        period=st.integers(1, 30),
        mult=st.integers(1, 4),
        decay=st.floats(0.3, 1.0),
        end=st.floats(0.0, 0.5),
        k=st.integers(0, 5000),
    )
    def test_integer_mult_matches_walk(self, period, mult, decay, end, k):
        sched = lf.restarts(period, mult=float(mult), decay=decay, end=end)
        want = sgdr_reference(k, period, mult, decay, end)
        assert sched(k) == pytest.approx(want, rel=1e-12, abs=1e-12)

    @SETTINGS
    @given(period=st.integers(1, 50), end=st.floats(0.0, 1.0), k=st.integers(0, 10**7))
    def test_periodic_without_mult(self, period, end, k):
        sched = lf.restarts(period, end=end)
        assert sched(k) == pytest.approx(sched(k + period), abs=1e-12)
        assert min(end, 1.0) - 1e-12 <= sched(k) <= 1.0 + 1e-12


class TestRepeat:
    def test_repeats_with_decay(self):
        inner = lf.chain(lf.warmup(2), lf.linear(2))
        sched = lf.repeat(inner, decay=0.5)
        one = values(inner, range(4))
        assert close(values(sched, range(8)), one + [0.5 * v for v in one])

    def test_times_then_hold(self):
        sched = lf.repeat(lf.linear(4, end=0.2), times=2)
        assert sched.steps == 8
        assert values(sched, [3, 4, 7, 8, 100]) == pytest.approx([0.4, 1.0, 0.4, 0.2, 0.2])

    def test_step_functions_switch_exactly(self):
        # Integer local steps reach the inner schedule unrounded: StepLR inside switches
        # on the same step in every repetition.
        inner = lf.chain(lf.step(3, gamma=0.5), lf.constant(1.0, steps=3), boundaries=[9])
        sched = lf.repeat(inner, mult=3.0)  # the second repetition spans steps 12..47
        assert [sched(k) for k in (2, 3, 12, 20, 21)] == [1.0, 0.5, 1.0, 1.0, 0.5]

    def test_mult_stretches(self):
        sched = lf.repeat(lf.linear(4), mult=2.0)
        assert values(sched, [4, 6, 8, 12]) == [1.0, 0.75, 0.5, 1.0]

    def test_base_lr_reaches_absolute_bounds(self):
        sched = lf.repeat(lf.clip(lf.linear(4), min_lr=0.01))
        assert sched(3, 0.02) == 0.01


# -- exact cycle boundaries at huge steps -----------------------------------------------


def _boundaries(period: int, mult: int, limit: int = 2 * 10**9) -> list[int]:
    out, start, length = [], 0, period
    while start < limit:
        out.append(start)
        start, length = start + length, length * mult
    return out


@pytest.mark.parametrize(
    ("period", "mult"),
    [(3, 2), (7, 3), (1, 2), (5, 1), (1000, 1)],
    ids=["3x2", "7x3", "1x2", "5x1", "1000x1"],
)
def test_cycle_boundaries_exact_at_huge_steps(period, mult):
    sched = lf.restarts(period, mult=float(mult), end=0.25)
    if mult == 1:
        starts = [period * m for m in (10**6, 10**8 // period, 999_999_937 // period)]
    else:
        starts = [s for s in _boundaries(period, mult) if s > 10**6]
    steps = [s + d for s in starts for d in (-1, 0, 1)]
    want = [sgdr_reference(k, period, mult, end=0.25) for k in steps]
    number = [sched(k) for k in steps]
    int64 = torch.tensor(steps, dtype=torch.int64)
    wide = sched(int64, torch.tensor(1.0, dtype=torch.float64))
    narrow = sched(int64)
    for j, s in enumerate(starts):
        assert number[3 * j + 1] == 1.0, f"step {s} starts a cycle"
        assert number[3 * j] < 0.5 < number[3 * j + 2], f"step {s - 1} ends a cycle"
    assert close(number, want, rel=1e-12, abs_=1e-15)
    assert close(wide.tolist(), number, rel=1e-12, abs_=1e-15)
    assert narrow.dtype == torch.float32
    assert torch.allclose(narrow.double(), wide, rtol=1e-6, atol=0)


def test_float_mult_boundaries_are_consistent_at_huge_steps():
    # With a float mult the starts are period * (mult**i - 1) / (mult - 1), rounded; on
    # both sides of each start the index agrees with that rounded start.
    period, mult = 3, 1.7
    for i in range(20, 36):
        start = period * (mult**i - 1.0) / (mult - 1.0)
        k_in = math.ceil(start)
        index, local, length = cycle_position(float(k_in), period, mult)
        assert index == i and 0 <= local < length
        index, _, _ = cycle_position(float(k_in - 1), period, mult)
        assert index == i - 1
        t_index, _, _ = cycle_position(
            torch.tensor([k_in - 1, k_in], dtype=torch.float64), period, mult
        )
        assert t_index.tolist() == [i - 1, i]


# -- number path == tensor path, homogeneity --------------------------------------------

SCHEDULES = [
    lf.onecycle(50),
    lf.onecycle(37, pct_start=0.4, anneal="linear", three_phase=True),
    lf.cyclic(3, down=5, low=0.1, mode="triangular2"),
    lf.cyclic(4, low=0.0, mode="exp_range", gamma=0.99),
    lf.cyclic(2, down=1, low=0.3, amplitude=lf.cosine(10), amplitude_by="step"),
    lf.restarts(5, mult=2.0, decay=0.7, end=0.1),
    lf.restarts(4, mult=1.5, cycles=4, shape=lf.chain(lf.warmup(1), lf.cosine(3))),
    lf.repeat(lf.chain(lf.warmup(3), lf.cosine(7)), times=3, mult=2.0, decay=0.5),
]
IDS = [
    "onecycle",
    "onecycle3",
    "triangular2",
    "exp_range",
    "amplitude",
    "sgdr",
    "sgdr-shape",
    "repeat",
]


@pytest.mark.parametrize("sched", SCHEDULES, ids=IDS)
def test_number_path_equals_tensor_path(sched):
    steps = [*range(0, 400, 3), 10**6, 10**9]
    number = [sched(k, 0.3) for k in steps]
    tensor = sched(torch.tensor(steps), 0.3)
    assert tensor.dtype == torch.get_default_dtype()
    assert torch.allclose(
        tensor.double(), torch.tensor(number, dtype=torch.float64), rtol=1e-6, atol=1e-12
    )
    wide = sched(torch.tensor(steps), torch.tensor(0.3, dtype=torch.float64))
    assert close(wide.tolist(), number, rel=1e-12, abs_=1e-15)
    assert sched(torch.tensor(-5), 0.3).item() == pytest.approx(sched(0, 0.3))


@pytest.mark.parametrize("sched", SCHEDULES, ids=IDS)
def test_value_semantics(sched):
    assert pickle.loads(pickle.dumps(sched)) == sched
    assert hash(pickle.loads(pickle.dumps(sched))) == hash(sched)
    assert all(math.isfinite(sched(k)) and sched(k) >= 0 for k in range(0, 300, 7))


def test_reprs():
    assert repr(lf.onecycle(100, three_phase=True)) == "onecycle(100, three_phase=True)"
    assert repr(lf.cyclic(2000, low=0.1)) == "cyclic(2000, low=0.1)"
    assert repr(lf.restarts(10, mult=2, cycles=3)) == "restarts(10, mult=2.0, cycles=3)"
    assert repr(lf.repeat(lf.linear(4), 2)) == "repeat(linear(4), 2)"


def test_kernels_match_schedules():
    assert F.onecycle(7, 0.1, steps=20) == lf.onecycle(20)(7, 0.1)
    assert F.cyclic(7, 0.1, up=3, low=0.2) == lf.cyclic(3, low=0.2)(7, 0.1)
    assert F.restarts(7, 0.1, period=3, mult=2.0) == lf.restarts(3, mult=2.0)(7, 0.1)


def test_grad_and_vmap_over_parameters():
    decay = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
    value = lf.restarts(4, decay=decay)(torch.tensor(4), 1.0)  # peak of cycle 1: decay
    (grad,) = torch.autograd.grad(value, decay)
    assert value.item() == pytest.approx(0.5) and grad.item() == pytest.approx(1.0)
    for sched in SCHEDULES:
        over_steps = torch.func.vmap(lambda k, s=sched: s(k, 0.1))(torch.arange(50))
        assert torch.equal(over_steps, sched(torch.arange(50), 0.1)), sched
    lows = torch.tensor([0.0, 0.5], dtype=torch.float64)
    out = torch.func.vmap(lambda low: lf.cyclic(2, low=low)(torch.tensor(1), 1.0))(lows)
    assert out.tolist() == [0.5, 0.75]


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # raised inside inductor
def test_compiled_equals_eager_without_recompiles():
    import torch._dynamo

    def trajectory(step):
        return torch.stack([s(step, 0.1) for s in SCHEDULES])

    compiled = torch.compile(trajectory, fullgraph=True)
    torch._dynamo.reset()
    with torch._dynamo.config.patch(error_on_recompile=True):
        for k in (0, 7, 130, 10**9):
            step = torch.tensor(k)
            torch.testing.assert_close(compiled(step), trajectory(step))


# -- bad inputs -------------------------------------------------------------------------

BAD = [
    (lambda: lf.onecycle(0), ValueError, "steps must be a positive int, got 0"),
    (lambda: lf.onecycle(10, pct_start=1.5), ValueError, r"pct_start must be in \[0, 1\]"),
    (lambda: lf.onecycle(10, div_factor=0), ValueError, "div_factor must be"),
    (lambda: lf.onecycle(10, anneal="cosine"), ValueError, "anneal must be one of 'cos', 'lin"),
    (lambda: lf.onecycle(10, three_phase=1), TypeError, "three_phase must be a bool"),
    (lambda: lf.cyclic(0, low=0.1), ValueError, "up must be > 0, got 0.0"),
    (lambda: lf.cyclic(2, down=-1, low=0.1), ValueError, "down must be"),
    (lambda: lf.cyclic(2, low=-0.1), ValueError, "low must be"),
    (lambda: lf.cyclic(2), TypeError, "low"),
    (lambda: lf.cyclic(2, low=0.1, mode="tri"), ValueError, "mode must be one of"),
    (lambda: lf.cyclic(2, low=0.1, gamma=0.0), ValueError, "gamma must be"),
    (lambda: lf.cyclic(2, low=0.1, amplitude=0.5), TypeError, "amplitude must be a Schedule"),
    (
        lambda: lf.cyclic(2, low=0.1, mode="triangular2", amplitude=lf.exp(0.5)),
        ValueError,
        "give mode or amplitude, not both",
    ),
    (
        lambda: lf.cyclic(2, low=0.1, amplitude_by="epoch"),
        ValueError,
        "amplitude_by must be one of",
    ),
    (lambda: lf.restarts(0), ValueError, "period must be a positive int"),
    (lambda: lf.restarts(2.5), TypeError, "period must be a positive int"),
    (lambda: lf.restarts(10, mult=0.5), ValueError, "mult must be >= 1"),
    (lambda: lf.restarts(10, mult=torch.tensor(2.0)), TypeError, "mult must be a Python number"),
    (lambda: lf.restarts(10, decay=0.0), ValueError, "decay must be"),
    (lambda: lf.restarts(10, end=-1.0), ValueError, "end must be >= 0"),
    (lambda: lf.restarts(10, cycles=0), ValueError, "cycles must be a positive int"),
    (lambda: lf.restarts(10, shape=lf.exp(0.5)), ValueError, "shape must be a finite schedule"),
    (lambda: lf.restarts(10, shape=min), TypeError, "shape must be a Schedule"),
    (lambda: lf.restarts(10, decay_mode="floor"), ValueError, "decay_mode must be one of"),
    (lambda: lf.repeat(lf.step(3)), ValueError, "schedule must be a finite schedule"),
    (lambda: lf.repeat(lf.linear(3), times=-1), ValueError, "times must be a positive int"),
    (lambda: lf.repeat(lf.linear(3), mult=0.9), ValueError, "mult must be"),
    (lambda: lf.repeat(lf.linear(3), decay=-1.0), ValueError, "decay must be"),
    (lambda: lf.restarts(10)(-1), ValueError, "step must be finite and >= 0"),
]
BAD_IDS = [
    "onecycle-steps",
    "onecycle-pct",
    "onecycle-div",
    "onecycle-anneal",
    "onecycle-three-phase",
    "cyclic-up",
    "cyclic-down",
    "cyclic-low",
    "cyclic-no-low",
    "cyclic-mode",
    "cyclic-gamma",
    "cyclic-amplitude-type",
    "cyclic-mode-and-amplitude",
    "cyclic-amplitude-by",
    "restarts-period",
    "restarts-float-period",
    "restarts-mult",
    "restarts-tensor-mult",
    "restarts-decay",
    "restarts-end",
    "restarts-cycles",
    "restarts-infinite-shape",
    "restarts-shape-type",
    "restarts-decay-mode",
    "repeat-infinite",
    "repeat-times",
    "repeat-mult",
    "repeat-decay",
    "negative-step",
]


@pytest.mark.parametrize(("build", "error", "message"), BAD, ids=BAD_IDS)
def test_bad_input(build, error, message):
    with pytest.raises(error, match=message):
        build()


# -- exact cycle starts for every mult (timm cycle_mul, Keras t_mul) ----------------------


def _exact_start(period: int, mult: float, i: int) -> Fraction:
    """``T (mu^i - 1) / (mu - 1)`` in exact rational arithmetic of the float ``mult``."""
    mu = Fraction(mult)
    if mu == 1:
        return Fraction(period * i)
    return period * (mu**i - 1) / (mu - 1)


@settings(max_examples=300, deadline=None)
@given(
    period=st.integers(1, 50),
    mult=st.floats(1.0, 4.0, allow_nan=False, allow_infinity=False),
    i=st.integers(1, 8),
)
def test_every_cycle_starts_at_its_first_step_for_float_mult(
    period: int, mult: float, i: int
) -> None:
    start = _exact_start(period, mult, i)
    # The cycle's first step; a start within 16 ulps of an integer is that integer (the
    # documented rounding of _cycle_start: a float cannot tell them apart).
    nearest = round(start)
    snapped = abs(start - nearest) <= 16 * 2.0**-52 * max(start, 1)
    first = nearest if snapped else math.ceil(start)
    index, _, _ = cycle_position(float(first), period, mult)
    t_index, _, _ = cycle_position(torch.tensor(first).to(torch.float64), period, mult)
    assert index == i and float(t_index) == i, (start, first)
    before = first - 1
    if before >= _exact_start(period, mult, i - 1) + 1:
        assert cycle_position(float(before), period, mult)[0] == i - 1
    if snapped:  # an integer start: the step gets the cycle's peak
        sched = lf.restarts(period, mult=mult, decay=0.5)
        assert sched(first) == 0.5**i
        assert sched(torch.tensor(first)).item() == 0.5**i


def test_the_reported_float_mult_start() -> None:
    # restarts(3, mult=2.62...) put step 3 at the end of cycle 0 (0.0) before the fix.
    sched = lf.restarts(3, mult=2.6238033163805885)
    assert sched(3) == 1.0 and sched(torch.tensor(3)).item() == 1.0


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.int64])
@pytest.mark.parametrize("k", [2**29 + 5, 2**40 + 3, 2**53])
def test_cycles_stay_finite_at_huge_steps(dtype: torch.dtype, k: int) -> None:
    for sched in (
        lf.restarts(10),
        lf.restarts(1),
        lf.restarts(7, mult=1.5),
        lf.repeat(lf.linear(3)),
    ):
        out = sched(torch.tensor(k, dtype=dtype))
        assert torch.isfinite(out), (sched, k, dtype)
        assert math.isfinite(sched(k))
    assert lf.restarts(1)(2**53) == 1.0  # mult == 1: a plain modulo, exact
