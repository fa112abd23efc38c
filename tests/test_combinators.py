"""Worked values for the combinators: chain, product and scale, clip, shift, stretch."""

from __future__ import annotations

import pytest

import lrfunc as lf


def values(sched: lf.Schedule, steps: range | list[int], base_lr: float = 1.0) -> list[float]:
    return [sched(k, base_lr) for k in steps]


class TestChain:
    def test_lengths_set_the_boundaries(self) -> None:
        # warmup(2): 1/3, 2/3; then linear(2) from its own step 0: 1, 0.5, 0
        sched = lf.chain(lf.warmup(2), lf.linear(2))
        assert values(sched, range(6)) == pytest.approx([1 / 3, 2 / 3, 1.0, 0.5, 0.0, 0.0])
        assert sched.steps == 4
        assert sched.boundaries is None
        assert sched.starts == (2,)

    def test_three_pieces(self) -> None:
        sched = lf.chain(lf.warmup(2), lf.constant(1.0, steps=3), lf.linear(4))
        assert sched.starts == (2, 5)
        assert sched.steps == 9
        assert values(sched, [0, 2, 4, 5, 6, 7, 9, 100]) == pytest.approx(
            [1 / 3, 1.0, 1.0, 1.0, 0.75, 0.5, 0.0, 0.0]
        )

    def test_boundaries_are_global_starts_with_local_time(self) -> None:
        # SequentialLR(milestones=[3]) / optax.join_schedules(boundaries=[3]): the second
        # piece starts at global step 3 and sees local step k - 3.
        sched = lf.chain(lf.constant(1.0), lf.exp(0.5), boundaries=[3])
        assert values(sched, range(7)) == [1.0, 1.0, 1.0, 1.0, 0.5, 0.25, 0.125]
        assert sched.steps is None

    def test_boundary_cuts_a_piece_short(self) -> None:
        # linear(10) is cut at step 2; cosine(4) starts fresh at 1.0
        sched = lf.chain(lf.linear(10), lf.cosine(4), boundaries=[2])
        assert values(sched, range(7)) == pytest.approx(
            [1.0, 0.9, 1.0, 0.8535533905932737, 0.5, 0.1464466094067262, 0.0]
        )
        assert sched.steps == 6

    def test_a_piece_holds_until_the_next_boundary(self) -> None:
        sched = lf.chain(lf.linear(2), lf.constant(0.3), boundaries=[5])
        assert values(sched, range(7)) == [1.0, 0.5, 0.0, 0.0, 0.0, 0.3, 0.3]

    def test_boundaries_match_lengths(self) -> None:
        derived = lf.chain(lf.warmup(3), lf.cosine(5))
        given = lf.chain(lf.warmup(3), lf.cosine(5), boundaries=[3])
        assert values(derived, range(10)) == values(given, range(10))
        assert derived.steps == given.steps == 8

    def test_single_piece(self) -> None:
        sched = lf.chain(lf.linear(4))
        assert sched.steps == 4
        assert values(sched, range(6)) == values(lf.linear(4), range(6))

    def test_infinite_last_piece(self) -> None:
        assert lf.chain(lf.warmup(2), lf.exp(0.5)).steps is None

    def test_holds_past_the_end(self) -> None:
        sched = lf.chain(lf.warmup(2), lf.linear(4, end=0.1))
        last = sched(sched.steps)
        assert last == pytest.approx(0.1)
        assert values(sched, [7, 100, 10**9]) == [last] * 3

    def test_base_lr_multiplies_every_piece(self) -> None:
        sched = lf.chain(lf.warmup(2), lf.linear(2))
        assert values(sched, range(5), 0.3) == pytest.approx([0.1, 0.2, 0.3, 0.15, 0.0])

    def test_nested_chain_uses_local_time(self) -> None:
        inner = lf.chain(lf.constant(0.5, steps=2), lf.linear(2))
        sched = lf.chain(lf.warmup(1, start=0.0), inner)
        assert values(sched, range(6)) == [0.0, 0.5, 0.5, 1.0, 0.5, 0.0]
        assert sched.steps == 5


class TestProduct:
    def test_product_of_factors(self) -> None:
        # 0.5 ** floor(k / 2) * (1 - 0.5 k / 4)
        sched = lf.step(2, gamma=0.5) * lf.linear(4, start=1.0, end=0.5)
        assert values(sched, range(5)) == [1.0, 0.875, 0.375, 0.3125, 0.125]

    def test_base_lr_applies_once(self) -> None:
        sched = lf.linear(4) * lf.linear(4)
        assert sched(2, 0.1) == pytest.approx(0.025)

    def test_flattening(self) -> None:
        a, b, c = lf.linear(4), lf.cosine(5), lf.exp(0.9)
        flat = lf.product(a, b, c)
        assert (a * b) * c == flat
        assert a * (b * c) == flat
        assert flat.schedules == (a, b, c)
        assert lf.product(a * b, c * a).schedules == (a, b, c, a)

    def test_length(self) -> None:
        assert (lf.linear(4) * lf.cosine(6)).steps == 6
        assert (lf.linear(4) * lf.exp(0.5)).steps is None

    def test_repr(self) -> None:
        a, b = lf.linear(4), lf.cosine(6, end=0.1)
        assert repr(a * b) == "linear(4) * cosine(6, end=0.1)"
        assert repr(a * b * 0.5) == "linear(4) * cosine(6, end=0.1) * 0.5"
        assert repr(a * (b * 0.5)) == "linear(4) * (cosine(6, end=0.1) * 0.5)"
        assert repr(a * 0.5 * b) == "linear(4) * 0.5 * cosine(6, end=0.1)"
        assert repr(lf.clip(a * b, min=0.1)) == "clip(linear(4) * cosine(6, end=0.1), min=0.1)"


class TestScale:
    def test_both_sides(self) -> None:
        a = lf.linear(4)
        assert a * 0.5 == lf.scale(a, 0.5)
        assert 0.5 * a == lf.scale(a, 0.5)
        assert (a * 0.5)(2) == 0.25
        assert (2 * a)(1, 0.1) == pytest.approx(0.15)

    def test_int_factor_is_a_float(self) -> None:
        assert (lf.linear(4) * 2).factor == 2.0
        assert repr(lf.linear(4) * 2) == "linear(4) * 2.0"

    def test_length_and_hold(self) -> None:
        sched = lf.cosine(4, end=0.2) * 0.5
        assert sched.steps == 4
        assert values(sched, [4, 10**6]) == pytest.approx([0.1, 0.1])

    def test_scale_of_a_product(self) -> None:
        sched = lf.linear(4) * lf.linear(4) * 0.5
        assert isinstance(sched, lf.scale)
        assert sched(2) == 0.125


class TestClip:
    def test_min_factor(self) -> None:
        sched = lf.clip(lf.linear(10), min=0.2)
        assert values(sched, [0, 5, 8, 9, 20]) == pytest.approx([1.0, 0.5, 0.2, 0.2, 0.2])

    def test_max_factor(self) -> None:
        sched = lf.clip(lf.linear(10), max=0.5)
        assert values(sched, [0, 5, 6]) == pytest.approx([0.5, 0.5, 0.4])

    def test_factors_scale_with_base_lr(self) -> None:
        sched = lf.clip(lf.linear(10), min=0.2, max=0.5)
        assert values(sched, [0, 6, 9], 2.0) == pytest.approx([1.0, 0.8, 0.4])

    def test_absolute_bounds_do_not_scale(self) -> None:
        sched = lf.clip(lf.linear(10), min_lr=0.3)
        assert sched(9, 2.0) == pytest.approx(0.3)  # max(0.2, 0.3)
        assert sched(9, 10.0) == pytest.approx(1.0)  # max(1.0, 0.3)
        assert lf.clip(lf.cosine(10), min_lr=1e-5)(10, 3e-4) == 1e-5
        assert lf.clip(lf.constant(), max_lr=1e-3)(0, 3e-3) == 1e-3

    def test_length_and_repr(self) -> None:
        sched = lf.clip(lf.cosine(10), min=0.1, max_lr=0.5)
        assert sched.steps == 10
        assert repr(sched) == "clip(cosine(10), min=0.1, max_lr=0.5)"


class TestShift:
    def test_delay_holds_the_first_value(self) -> None:
        sched = lf.shift(lf.linear(4), 2)
        assert values(sched, range(8)) == [1.0, 1.0, 1.0, 0.75, 0.5, 0.25, 0.0, 0.0]
        assert sched.steps == 6

    def test_negative_starts_later_in_the_schedule(self) -> None:
        sched = lf.shift(lf.linear(4), -2)
        assert values(sched, range(4)) == [0.5, 0.25, 0.0, 0.0]
        assert sched.steps == 2

    def test_negative_past_the_end(self) -> None:
        sched = lf.shift(lf.linear(4), -10)
        assert values(sched, [0, 5]) == [0.0, 0.0]
        assert sched.steps == 1

    def test_infinite_and_int_float(self) -> None:
        assert lf.shift(lf.exp(0.5), 3).steps is None
        assert lf.shift(lf.exp(0.5), 3.0) == lf.shift(lf.exp(0.5), 3)
        assert lf.shift(lf.exp(0.5), 3)(4) == 0.5


class TestStretch:
    def test_twice_as_long(self) -> None:
        # linear(4) at k / 2
        sched = lf.stretch(lf.linear(4), 2.0)
        assert values(sched, range(10)) == [
            1.0, 0.875, 0.75, 0.625, 0.5, 0.375, 0.25, 0.125, 0.0, 0.0
        ]  # fmt: skip
        assert sched.steps == 8

    def test_half_as_long(self) -> None:
        sched = lf.stretch(lf.linear(4), 0.5)
        assert values(sched, range(4)) == [1.0, 0.5, 0.0, 0.0]
        assert sched.steps == 2

    def test_fractional_length_rounds_up(self) -> None:
        sched = lf.stretch(lf.linear(3), 1.5)
        assert sched.steps == 5  # ceil(4.5): the line ends at 4.5
        assert sched(4) == pytest.approx(1 / 9)
        assert sched(5) == 0.0

    def test_discrete_schedule(self) -> None:
        # step(2, gamma=0.5) at k / 2: a decay every 4 updates
        sched = lf.stretch(lf.step(2, gamma=0.5), 2)
        assert values(sched, range(9)) == [1.0] * 4 + [0.5] * 4 + [0.25]
        assert sched.steps is None
