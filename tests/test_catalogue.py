"""The decay catalogue: wsd, cooldown, inverse_sqrt, noam, rex, tanh, interpolate,
inverse_time, kdecay, and the warmup shapes / cosine exponent of the core."""

from __future__ import annotations

import math
import pickle

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import lrfunc as lf

# One instance of each family, used by the table-driven property tests below.
DECAYS = {
    "wsd-linear": lf.wsd(100, warmup=0, decay=0.3),
    "wsd-cosine": lf.wsd(100, decay=40, shape="cosine", end=0.1),
    "wsd-1-sqrt": lf.wsd(100, decay=0.5, shape="1-sqrt"),
    "wsd-poly": lf.wsd(100, decay=0.5, shape="poly", power=3.0),
    "cooldown": lf.cooldown(lf.cosine(100), 30, 50, shape="1-sqrt", end=0.05),
    "inverse_sqrt": lf.inverse_sqrt(0, timescale=7.0),
    "rex": lf.rex(50, end=0.1),
    "tanh": lf.tanh(50, end=0.01),
    "interpolate": lf.interpolate([0, 10, 60], [1.0, 0.5, 0.0]),
    "interpolate-cosine": lf.interpolate([5, 10, 60], [1.0, 0.5, 0.0], shape="cosine"),
    "inverse_time": lf.inverse_time(0.3, every=4),
    "inverse_time-stair": lf.inverse_time(0.3, every=4, staircase=True),
    "kdecay": lf.kdecay(lf.cosine(60, end=0.1), 2.0),
    "cosine-exponent": lf.cosine(60, end=0.1, exponent=2.0),
    "noam-after-peak": lf.shift(lf.noam(64, 1), 0),
}
WARMUPS = {
    "warmup-linear": lf.warmup(20),
    "warmup-cosine": lf.warmup(20, shape="cosine"),
    "warmup-exponential": lf.warmup(20, shape="exponential", start=0.01),
    "warmup-1-sqrt": lf.warmup(20, shape="1-sqrt", start=0.0),
}
ALL = {
    **DECAYS,
    **WARMUPS,
    "wsd-full": lf.wsd(100, warmup=0.1, decay=0.2, start=0.0),
    "inverse_sqrt-warmup": lf.inverse_sqrt(10),
    "noam": lf.noam(512, 10),
}


def values(sched: lf.Schedule, n: int) -> list[float]:
    return [sched(k) for k in range(n)]


class TestWorkedValues:
    def test_wsd(self) -> None:
        sched = lf.wsd(10, warmup=2, decay=4, start=0.0)
        assert values(sched, 12) == [0.0, 0.5, 1.0, 1.0, 1.0, 1.0, 1.0, 0.75, 0.5, 0.25, 0.0, 0.0]
        assert sched.steps == 10

    def test_wsd_fractions_round_half_up(self) -> None:
        # decay 0.25 of 10 = 2.5 -> 3 updates; warmup 0.05 of 10 = 0.5 -> 1 update
        sched = lf.wsd(10, warmup=0.05, decay=0.25)
        assert sched(0) == 0.5  # warmup(1): start = 1/2
        assert sched(1) == 1.0 and sched(7) == 1.0
        assert sched(8) == pytest.approx(2 / 3) and sched(10) == 0.0

    @pytest.mark.parametrize(
        ("shape", "power", "expected"),
        [
            ("linear", None, 0.75),
            ("cosine", None, 0.5 * (1 + math.cos(math.pi / 4))),
            ("1-sqrt", None, 0.5),
            ("poly", None, 0.5625),
            ("poly", 3.0, 0.421875),
        ],
    )
    def test_wsd_shapes(self, shape: str, power: float | None, expected: float) -> None:
        sched = lf.wsd(8, decay=4, shape=shape, power=power)
        assert sched(5) == pytest.approx(expected, rel=1e-12)
        assert sched(4) == 1.0 and sched(8) == 0.0

    def test_wsd_end_and_warmup_shape(self) -> None:
        sched = lf.wsd(10, warmup=2, decay=2, end=0.1, start=0.1, warmup_shape="cosine")
        assert sched(0) == pytest.approx(0.1) and sched(1) == pytest.approx(0.55)
        assert sched(9) == pytest.approx(0.55) and sched(10) == pytest.approx(0.1)

    def test_cooldown_branches_at_any_step(self) -> None:
        base = lf.chain(lf.warmup(10), lf.cosine(1000, end=0.1))
        for at in (0, 5, 10, 437, 1010, 2000):
            sched = lf.cooldown(base, at, 20, end=0.0)
            peak = base(at, 3e-4)
            assert sched(at, 3e-4) == pytest.approx(peak, rel=1e-12)
            assert sched(at + 10, 3e-4) == pytest.approx(peak / 2, rel=1e-12)
            assert sched(at + 20, 3e-4) == 0.0 and sched(at + 500, 3e-4) == 0.0
            if at:
                assert sched(at - 1, 3e-4) == base(at - 1, 3e-4)
            assert sched.steps == at + 20

    def test_cooldown_end_is_a_factor_of_base_lr(self) -> None:
        sched = lf.cooldown(lf.constant(1.0), 4, 2, end=0.5)
        assert [sched(k, 2.0) for k in range(8)] == [2.0] * 5 + [1.5, 1.0, 1.0]

    def test_inverse_sqrt_fairseq_and_hf(self) -> None:
        sched = lf.inverse_sqrt(4, start=0.0)
        assert values(sched, 5) == [0.0, 0.25, 0.5, 0.75, 1.0]
        assert sched(16) == 0.5 and sched(400) == 0.1
        hf = lf.inverse_sqrt(4, timescale=10, start=0.0)
        assert hf(34) == 0.5  # sqrt(10 / (34 - 4 + 10))
        assert lf.inverse_sqrt(4)(0) == 0.2  # first update never 0 by default

    def test_noam(self) -> None:
        d, w = 512, 4000
        sched = lf.noam(d, w)
        for k in (0, 1, 3998, 3999, 4000, 10**6):
            n = k + 1
            assert sched(k) == pytest.approx(d**-0.5 * min(n**-0.5, n * w**-1.5), rel=1e-12)
        assert max(sched(k) for k in range(3990, 4010)) == sched(3999)
        annotated = lf.shift(sched, 1)  # the Annotated Transformer's rate(max(step, 1))
        assert annotated(0) == annotated(1) == sched(0)
        assert annotated(7) == sched(6)

    def test_rex(self) -> None:
        assert [round(x, 6) for x in values(lf.rex(4), 6)] == [1.0, 0.857143, 0.666667, 0.4, 0, 0]
        assert lf.rex(4, end=0.5)(4) == 0.5

    def test_tanh_matches_timm_curve_and_ends_exactly(self) -> None:
        sched = lf.tanh(10, end=0.1)
        for k in range(10):
            tr = k / 10
            ref = 0.1 + 0.5 * 0.9 * (1 - math.tanh(-7 * (1 - tr) + 3 * tr))
            assert sched(k) == pytest.approx(ref, rel=1e-12)
        assert sched(10) == 0.1 and sched(99) == 0.1

    def test_interpolate(self) -> None:
        sched = lf.interpolate([2, 6, 8], [0.0, 1.0, 0.5])
        assert values(sched, 10) == [0.0, 0.0, 0.0, 0.25, 0.5, 0.75, 1.0, 0.75, 0.5, 0.5]
        cos = lf.interpolate([0, 2], [1.0, 0.0], shape="cosine")
        assert [cos(k) for k in range(4)] == pytest.approx([1.0, 0.5, 0.0, 0.0], abs=1e-15)
        assert sched.steps == 8

    def test_inverse_time(self) -> None:
        assert lf.inverse_time(1.0, every=2)(3) == 0.4
        assert lf.inverse_time(1.0, every=2, staircase=True)(3) == 0.5

    def test_kdecay(self) -> None:
        sched = lf.kdecay(lf.cosine(10), 2.0)
        for t in range(12):
            ref = 0.5 * (1 + math.cos(math.pi * min(t, 10) ** 2 / 10**2))
            assert sched(t) == pytest.approx(ref, rel=1e-12, abs=1e-15)
        assert sched.steps == 10

    def test_cosine_exponent(self) -> None:
        sched = lf.cosine(10, end=0.2, exponent=3.0)
        for k in range(12):
            c = 0.5 * (1 + math.cos(math.pi * min(k, 10) / 10))
            assert sched(k) == pytest.approx(0.2 + 0.8 * c**3, rel=1e-12)

    @pytest.mark.parametrize(
        ("shape", "expected"),
        [
            ("linear", [0.2, 0.6, 1.0]),
            ("cosine", [0.2, 0.6, 1.0]),
            ("exponential", [0.2, math.sqrt(0.2), 1.0]),
            ("1-sqrt", [0.2, 0.2 + 0.8 * (1 - math.sqrt(0.5)), 1.0]),
        ],
    )
    def test_warmup_shapes(self, shape: str, expected: list[float]) -> None:
        sched = lf.warmup(2, start=0.2, shape=shape)
        assert [sched(k) for k in range(3)] == pytest.approx(expected, rel=1e-12)

    def test_warmup_default_formula_and_repr_unchanged(self) -> None:
        assert values(lf.warmup(3), 5) == [0.25, 0.5, 0.75, 1.0, 1.0]
        assert repr(lf.warmup(3)) == "warmup(3)"
        assert repr(lf.cosine(3)) == "cosine(3)"
        assert repr(lf.warmup(3, shape="cosine")) == "warmup(3, shape='cosine')"


@pytest.mark.parametrize("name", list(DECAYS))
def test_decays_are_monotone_and_bounded(name: str) -> None:
    sched = DECAYS[name]
    ys = sched(torch.arange(0, 300, dtype=torch.float64))
    assert torch.all(ys[1:] <= ys[:-1] + 1e-15), name
    assert torch.all(ys >= 0) and torch.all(ys <= 1.0 + 1e-15)


@pytest.mark.parametrize("name", list(WARMUPS))
def test_warmups_rise_to_one_and_hold(name: str) -> None:
    sched = WARMUPS[name]
    ys = sched(torch.arange(0, 40, dtype=torch.float64))
    assert torch.all(ys[1:] >= ys[:-1] - 1e-15)
    assert ys[20:].eq(1.0).all()


@pytest.mark.parametrize("name", list(ALL))
def test_number_path_equals_tensor_path(name: str) -> None:
    sched = ALL[name]
    steps = [0, 1, 2, 5, 9, 10, 11, 29, 30, 31, 59, 60, 99, 100, 101, 1000, 10**9]
    tensor = sched(torch.tensor(steps), torch.tensor(3e-4, dtype=torch.float64))
    numbers = torch.tensor([sched(k, 3e-4) for k in steps], dtype=torch.float64)
    torch.testing.assert_close(tensor, numbers, rtol=1e-12, atol=0)
    assert torch.isfinite(tensor).all()


@pytest.mark.parametrize("name", list(ALL))
def test_float32_result_and_negative_steps(name: str) -> None:
    sched = ALL[name]
    out = sched(torch.tensor([-5.0, 0.0, 7.0]), 1.0)
    assert out.dtype == torch.float32
    assert out[0] == out[1]


@pytest.mark.parametrize("name", list(ALL))
def test_pickle_eq_hash_repr(name: str) -> None:
    sched = ALL[name]
    again = pickle.loads(pickle.dumps(sched))
    assert again == sched and hash(again) == hash(sched) and repr(again) == repr(sched)


@settings(max_examples=40, deadline=None)
@given(
    st.integers(1, 500),
    st.floats(0.0, 1.0),
    st.floats(0.0, 1.0),
    st.sampled_from(["linear", "cosine", "1-sqrt", "poly"]),
    st.floats(0.0, 0.9),
)
def test_wsd_properties(steps: int, fw: float, fd: float, shape: str, end: float) -> None:
    decay = max(1, round(fd * steps))
    warmup = min(round(fw * steps), steps - decay)
    sched = lf.wsd(steps, warmup=warmup, decay=decay, shape=shape, end=end)
    ys = sched(torch.arange(0, steps + 5, dtype=torch.float64))
    assert ys[warmup : steps - decay + 1].eq(1.0).all()
    assert torch.all(ys[warmup + 1 :] <= ys[warmup:-1] + 1e-15)
    assert ys[steps:].eq(end).all()
    # homogeneous in base_lr
    assert sched(steps // 2, 0.5) == pytest.approx(0.5 * sched(steps // 2), rel=1e-15)


def test_giant_steps_are_finite_and_exact() -> None:
    big = torch.tensor([2**40, 2**53 - 1])
    for sched in ALL.values():
        out = sched(big, torch.tensor(1.0, dtype=torch.float64))
        assert torch.isfinite(out).all()
    inv = lf.inverse_sqrt(0, timescale=1.0)
    assert inv(torch.tensor(2**52 - 1), torch.tensor(1.0, dtype=torch.float64)).item() == (
        pytest.approx(2**-26, rel=1e-12)
    )


def test_gradients_are_finite_through_every_branch() -> None:
    end = torch.tensor(0.1, dtype=torch.float64, requires_grad=True)
    steps = torch.arange(0, 120, dtype=torch.float64)
    for sched in (
        lf.wsd(100, decay=50, shape="1-sqrt", end=end),
        lf.rex(100, end=end),
        lf.tanh(100, end=end),
        lf.cosine(100, end=end, exponent=torch.tensor(2.0, dtype=torch.float64)),
    ):
        (grad,) = torch.autograd.grad(sched(steps).sum(), end)
        assert torch.isfinite(grad)


BAD = [
    ("wsd-steps", lambda: lf.wsd(0), ValueError, "steps must be a positive int"),
    ("wsd-decay-0", lambda: lf.wsd(10, decay=0), ValueError, "decay must be at least one"),
    ("wsd-frac", lambda: lf.wsd(10, decay=1.5), ValueError, "decay must be"),
    ("wsd-fit", lambda: lf.wsd(10, warmup=8, decay=3), ValueError, "must fit in steps=10"),
    ("wsd-shape", lambda: lf.wsd(10, shape="sqrt"), ValueError, "shape must be one of"),
    ("wsd-power", lambda: lf.wsd(10, power=2.0), ValueError, "power applies to shape='poly'"),
    (
        "wsd-exp0",
        lambda: lf.wsd(10, warmup=2, start=0.0, warmup_shape="exponential"),
        ValueError,
        "start must be > 0",
    ),
    ("cooldown-sched", lambda: lf.cooldown(1.0, 3, 2), TypeError, "schedule must be a Schedule"),  # type: ignore[arg-type]
    ("cooldown-at", lambda: lf.cooldown(lf.constant(), -1, 2), ValueError, "at must be"),
    ("cooldown-decay", lambda: lf.cooldown(lf.constant(), 1, 0), ValueError, "decay must be"),
    ("inv-sqrt-0", lambda: lf.inverse_sqrt(0), ValueError, "needs a timescale"),
    ("inv-sqrt-ts", lambda: lf.inverse_sqrt(3, timescale=0.0), ValueError, "timescale must be"),
    ("inv-sqrt-start", lambda: lf.inverse_sqrt(3, start=2.0), ValueError, "start must be"),
    ("noam-d", lambda: lf.noam(0, 10), ValueError, "d_model must be a positive int"),
    ("noam-w", lambda: lf.noam(512, 0), ValueError, "warmup must be a positive int"),
    ("rex-steps", lambda: lf.rex(1.5), TypeError, "steps must be an int >= 0"),
    ("tanh-bounds", lambda: lf.tanh(10, lower=3.0, upper=3.0), ValueError, "lower must be <"),
    ("interp-len", lambda: lf.interpolate([0, 5], [1.0]), ValueError, "len(boundaries) = 2"),
    ("interp-one", lambda: lf.interpolate([5], [1.0]), ValueError, "at least 2"),
    ("interp-order", lambda: lf.interpolate([5, 5], [1.0, 0.0]), ValueError, "strictly incr"),
    (
        "interp-shape",
        lambda: lf.interpolate([0, 5], [1.0, 0.0], shape="step"),
        ValueError,
        "shape must be one of",
    ),
    ("interp-neg", lambda: lf.interpolate([0, 5], [1.0, -1.0]), ValueError, "values[1]"),
    ("inv-time-rate", lambda: lf.inverse_time(-1.0), ValueError, "rate must be"),
    ("inv-time-every", lambda: lf.inverse_time(1.0, every=0), ValueError, "every must be"),
    ("inv-time-stair", lambda: lf.inverse_time(1.0, staircase=1), TypeError, "staircase"),  # type: ignore[arg-type]
    ("kdecay-inf", lambda: lf.kdecay(lf.step(3), 2.0), ValueError, "needs a finite schedule"),
    ("kdecay-k", lambda: lf.kdecay(lf.cosine(3), 0.0), ValueError, "k must be"),
    ("warmup-shape", lambda: lf.warmup(3, shape="tanh"), ValueError, "shape must be one of"),
    (
        "warmup-exp0",
        lambda: lf.warmup(3, shape="exponential", start=0.0),
        ValueError,
        "start must be > 0",
    ),
    ("cosine-exponent", lambda: lf.cosine(3, exponent=0.0), ValueError, "exponent must be"),
]


@pytest.mark.parametrize(
    ("build", "error", "message"), [b[1:] for b in BAD], ids=[b[0] for b in BAD]
)
def test_bad_input(build, error, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error, match=None) as info:
        build()
    assert message in str(info.value)


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # torch's inductor imports jit
def test_compiled_equals_eager() -> None:
    # One graph for a representative of each new kernel; aot_eager traces with dynamo and
    # AOT autograd like inductor but skips code generation (minutes on 2 shared cores).
    # tests/test_noise.py compiles the integer hash with inductor.
    names = ["wsd-full", "cooldown", "inverse_sqrt-warmup", "noam", "rex", "tanh"]
    names += ["interpolate-cosine", "inverse_time-stair", "kdecay", "warmup-exponential"]
    scheds = [ALL[name] for name in names]
    scheds += [lf.noise(lf.cosine(100), pct=0.3, seed=7, kind=k) for k in ("normal", "uniform")]

    def all_lrs(step: torch.Tensor) -> torch.Tensor:
        return torch.stack([s(step, 1.0) for s in scheds])

    compiled = torch.compile(all_lrs, fullgraph=True, backend="aot_eager")
    torch._dynamo.config.error_on_recompile = True  # type: ignore[attr-defined]
    try:
        for k in (0, 7, 55, 1000):
            step = torch.tensor(k, dtype=torch.float64)
            torch.testing.assert_close(compiled(step), all_lrs(step), rtol=1e-6, atol=1e-12)
    finally:
        torch._dynamo.config.error_on_recompile = False  # type: ignore[attr-defined]


def test_vmap_over_parameters_and_steps() -> None:
    import lrfunc.functional as F

    steps = torch.arange(0, 130, dtype=torch.float64)
    ends = torch.tensor([0.0, 0.1, 0.5], dtype=torch.float64)
    kernels = {
        "wsd": lambda e: F.wsd(steps, 1.0, steps=100, warmup=10, decay=30, shape="1-sqrt", end=e),
        "rex": lambda e: F.rex(steps, 1.0, steps=100, end=e),
        "tanh": lambda e: F.tanh(steps, 1.0, steps=100, end=e),
        "cosine": lambda e: F.cosine(steps, 1.0, steps=100, end=e, exponent=2.0),
        "interpolate": lambda e: F.interpolate(steps, 1.0, boundaries=[0, 50], values=[1.0, e]),
        "noise": lambda p: F.noise(steps, 1.0, pct=p + 0.1, seed=3),
    }
    for name, fn in kernels.items():
        swept = torch.func.vmap(fn)(ends)
        looped = torch.stack([fn(e) for e in ends])
        torch.testing.assert_close(swept, looped, rtol=1e-12, atol=1e-15, msg=name)
    per_step = torch.func.vmap(lambda k: lf.wsd(100, decay=30)(k, 1.0))(steps)
    torch.testing.assert_close(per_step, lf.wsd(100, decay=30)(steps, 1.0))
    # grad with respect to a float parameter
    grad = torch.func.grad(lambda e: F.wsd(torch.tensor(90.0), 1.0, steps=100, decay=20, end=e))
    assert grad(torch.tensor(0.1, dtype=torch.float64)).item() == pytest.approx(0.5)
