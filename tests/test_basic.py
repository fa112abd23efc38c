"""Worked values for each core schedule, computed by hand from its closed form."""

from __future__ import annotations

import math

import pytest

import lrfunc as lf


def values(sched: lf.Schedule, steps: range | list[int], base_lr: float = 1.0) -> list[float]:
    return [sched(k, base_lr) for k in steps]


class TestConstant:
    def test_value_times_base_lr(self) -> None:
        assert lf.constant()(0) == 1.0
        assert lf.constant(0.5)(10, 0.1) == 0.05
        assert values(lf.constant(0.25), [0, 1, 10**9], 4.0) == [1.0, 1.0, 1.0]

    def test_length(self) -> None:
        assert lf.constant().steps is None
        assert lf.constant(0.3, steps=5).steps == 5
        assert lf.constant(0.3, steps=5)(100) == 0.3

    def test_zero_is_allowed(self) -> None:
        assert lf.constant(0.0)(3, 1e-3) == 0.0


class TestLinear:
    def test_decay_to_zero(self) -> None:
        # 1 + (0 - 1) * min(k, 4) / 4
        assert values(lf.linear(4), range(7)) == [1.0, 0.75, 0.5, 0.25, 0.0, 0.0, 0.0]

    def test_start_and_end(self) -> None:
        # 0.2 + 0.8 * k / 4
        sched = lf.linear(4, start=0.2, end=1.0)
        assert values(sched, range(6)) == pytest.approx([0.2, 0.4, 0.6, 0.8, 1.0, 1.0])

    def test_base_lr(self) -> None:
        assert lf.linear(4)(1, 0.4) == pytest.approx(0.3)

    def test_length(self) -> None:
        assert lf.linear(4).steps == 4


class TestWarmup:
    def test_default_start_never_zero(self) -> None:
        # (k + 1) / (n + 1) during the ramp, 1 after it
        assert values(lf.warmup(3), range(6)) == [0.25, 0.5, 0.75, 1.0, 1.0, 1.0]
        assert values(lf.warmup(1), range(3)) == [0.5, 1.0, 1.0]
        assert lf.warmup(999)(0) == pytest.approx(1e-3)

    def test_zero_start(self) -> None:
        # k / n: the HF transformers ramp
        assert values(lf.warmup(4, start=0.0), range(6)) == [0.0, 0.25, 0.5, 0.75, 1.0, 1.0]

    def test_given_start(self) -> None:
        # 0.2 + 0.8 * k / 4
        assert values(lf.warmup(4, start=0.2), range(5)) == pytest.approx([0.2, 0.4, 0.6, 0.8, 1.0])

    def test_base_lr_and_length(self) -> None:
        assert lf.warmup(3)(1, 3e-4) == pytest.approx(1.5e-4)
        assert lf.warmup(3).steps == 3


class TestStep:
    def test_every_and_gamma(self) -> None:
        # gamma ** floor(k / 3)
        sched = lf.step(3, gamma=0.5)
        assert values(sched, range(8)) == [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25, 0.25]

    def test_default_gamma(self) -> None:
        assert lf.step(10)(9) == 1.0
        assert lf.step(10)(10) == pytest.approx(0.1)
        assert lf.step(10)(25, 2.0) == pytest.approx(0.02)

    def test_growth_and_length(self) -> None:
        assert lf.step(1, gamma=2.0)(3) == 8.0
        assert lf.step(3).steps is None


class TestMultistep:
    def test_boundaries(self) -> None:
        # gamma ** (number of boundaries <= k)
        sched = lf.multistep([3, 5], gamma=0.5)
        assert values(sched, range(7)) == [1.0, 1.0, 1.0, 0.5, 0.5, 0.25, 0.25]

    def test_default_gamma(self) -> None:
        assert values(lf.multistep([1, 2, 3]), range(5)) == pytest.approx(
            [1.0, 0.1, 0.01, 0.001, 0.001]
        )

    def test_no_boundaries_is_constant(self) -> None:
        assert values(lf.multistep([]), [0, 10]) == [1.0, 1.0]

    def test_boundaries_are_stored_as_tuple(self) -> None:
        sched = lf.multistep([3, 5])
        assert sched.boundaries == (3, 5)
        assert sched == lf.multistep((3, 5))
        assert sched.steps is None


class TestExp:
    def test_per_step(self) -> None:
        # gamma ** k
        assert values(lf.exp(0.5), range(4)) == [1.0, 0.5, 0.25, 0.125]
        assert lf.exp(0.9)(2, 10.0) == pytest.approx(8.1)

    def test_every_is_a_rate(self) -> None:
        # gamma ** (k / every)
        sched = lf.exp(0.5, every=2)
        assert sched(1) == pytest.approx(math.sqrt(0.5))
        assert sched(2) == 0.5
        assert sched(5) == pytest.approx(0.5**2.5)

    def test_staircase(self) -> None:
        # gamma ** floor(k / every)
        sched = lf.exp(0.5, every=2, staircase=True)
        assert values(sched, range(6)) == [1.0, 1.0, 0.5, 0.5, 0.25, 0.25]

    def test_fractional_every_with_staircase(self) -> None:
        # floor(k / 2.5): 0, 0, 0, 1 at k = 3 (1.2), 2 at k = 5
        sched = lf.exp(0.5, every=2.5, staircase=True)
        assert values(sched, [0, 2, 3, 4, 5]) == [1.0, 1.0, 0.5, 0.5, 0.25]

    def test_begin(self) -> None:
        # gamma ** max(k - begin, 0)
        sched = lf.exp(0.5, begin=3)
        assert values(sched, range(7)) == [1.0, 1.0, 1.0, 1.0, 0.5, 0.25, 0.125]

    def test_begin_every_staircase(self) -> None:
        # floor(max(k - 1, 0) / 2)
        sched = lf.exp(0.5, every=2, staircase=True, begin=1)
        assert values(sched, range(7)) == [1.0, 1.0, 1.0, 0.5, 0.5, 0.25, 0.25]

    def test_end_is_a_floor_for_decay(self) -> None:
        sched = lf.exp(0.5, end=0.125)
        assert values(sched, [0, 2, 3, 4, 100, 10**9]) == [1.0, 0.25, 0.125, 0.125, 0.125, 0.125]

    def test_end_is_a_ceiling_for_growth(self) -> None:
        sched = lf.exp(2.0, end=8.0)
        assert values(sched, [0, 1, 3, 4, 50]) == [1.0, 2.0, 8.0, 8.0, 8.0]

    def test_end_between_stairs(self) -> None:
        # the bound is reached mid-stair and holds: min(floor(k/2), log 0.3 / log 0.5)
        sched = lf.exp(0.5, every=2, staircase=True, end=0.3)
        assert values(sched, [0, 2, 3, 4, 8]) == pytest.approx([1.0, 0.5, 0.5, 0.3, 0.3])

    def test_every_normalised(self) -> None:
        assert lf.exp(0.5, every=2.0) == lf.exp(0.5, every=2)
        assert repr(lf.exp(0.5, every=2.0)) == "exp(0.5, every=2)"

    def test_length(self) -> None:
        assert lf.exp(0.5, end=0.1).steps is None


class TestCosine:
    def test_half_cosine_to_zero(self) -> None:
        # (1 + cos(pi k / 6)) / 2
        sched = lf.cosine(6)
        expected = [1.0, (1 + math.sqrt(3) / 2) / 2, 0.75, 0.5, 0.25, (1 - math.sqrt(3) / 2) / 2]
        assert values(sched, range(6)) == pytest.approx(expected)
        assert sched(6) == pytest.approx(0.0, abs=1e-16)

    def test_end(self) -> None:
        # 0.1 + 0.9 (1 + cos(pi k / 4)) / 2
        sched = lf.cosine(4, end=0.1)
        expected = [1.0, 0.1 + 0.45 * (1 + math.sqrt(0.5)), 0.55, 0.1 + 0.45 * (1 - math.sqrt(0.5))]
        assert values(sched, range(4)) == pytest.approx(expected)
        assert values(sched, [4, 5, 10**6]) == pytest.approx([0.1, 0.1, 0.1])

    def test_base_lr_and_length(self) -> None:
        assert lf.cosine(4, end=0.1)(2, 2e-3) == pytest.approx(1.1e-3)
        assert lf.cosine(4).steps == 4


class TestPoly:
    def test_power_two(self) -> None:
        # (1 - k / 4) ** 2
        assert values(lf.poly(4, power=2.0), range(6)) == [1.0, 0.5625, 0.25, 0.0625, 0.0, 0.0]

    def test_default_power_is_linear(self) -> None:
        assert values(lf.poly(4), range(5)) == values(lf.linear(4), range(5))

    def test_power_and_end(self) -> None:
        # 0.2 + 0.8 * sqrt(1 - k / 4)
        sched = lf.poly(4, power=0.5, end=0.2)
        expected = [1.0, 0.2 + 0.8 * math.sqrt(0.75), 0.2 + 0.8 * math.sqrt(0.5), 0.6, 0.2, 0.2]
        assert values(sched, range(6)) == pytest.approx(expected)

    def test_length(self) -> None:
        assert lf.poly(7, power=3.0).steps == 7


class TestPiecewiseConstant:
    def test_values_between_boundaries(self) -> None:
        sched = lf.piecewise_constant([2, 4], [1.0, 0.5, 0.1])
        assert values(sched, range(6)) == [1.0, 1.0, 0.5, 0.5, 0.1, 0.1]
        assert sched(10**9, 2.0) == 0.2

    def test_single_value(self) -> None:
        assert values(lf.piecewise_constant([], [0.3]), [0, 100]) == [0.3, 0.3]

    def test_values_may_rise(self) -> None:
        sched = lf.piecewise_constant([1], [0.1, 1.0])
        assert values(sched, range(3)) == [0.1, 1.0, 1.0]

    def test_stored_as_tuples(self) -> None:
        sched = lf.piecewise_constant([2, 4], [1, 0.5, 0.1])
        assert sched.boundaries == (2, 4)
        assert sched.values == (1.0, 0.5, 0.1)
        assert sched.steps is None


KERNEL_CASES = [
    (lf.functional.constant, {"value": 0.5}, lf.constant(0.5)),
    (lf.functional.linear, {"steps": 4, "end": 0.2}, lf.linear(4, end=0.2)),
    (lf.functional.warmup, {"steps": 3}, lf.warmup(3)),
    (lf.functional.step, {"every": 2, "gamma": 0.5}, lf.step(2, gamma=0.5)),
    (lf.functional.multistep, {"boundaries": (1, 3)}, lf.multistep([1, 3])),
    (lf.functional.exp, {"gamma": 0.5, "every": 2}, lf.exp(0.5, every=2)),
    (lf.functional.cosine, {"steps": 4, "end": 0.1}, lf.cosine(4, end=0.1)),
    (lf.functional.poly, {"steps": 4, "power": 2.0}, lf.poly(4, power=2.0)),
    (
        lf.functional.piecewise_constant,
        {"boundaries": (2,), "values": (1.0, 0.5)},
        lf.piecewise_constant([2], [1.0, 0.5]),
    ),
]


class TestFunctionalKernels:
    """The kernels of lrfunc.functional give the same values as the schedule objects."""

    @pytest.mark.parametrize(
        ("kernel", "params", "sched"), KERNEL_CASES, ids=[c[0].__name__ for c in KERNEL_CASES]
    )
    def test_kernel_matches_schedule(self, kernel, params, sched) -> None:
        for k in range(6):
            assert kernel(k, 0.3, **params) == sched(k, 0.3)
