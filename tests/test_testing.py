"""lrfunc.testing itself: each assertion passes on a schedule with the property and fails,
naming the steps and values, on one without it; the strategies validate their options,
draw valid schedules with readable reprs, and shrink to small ones."""

from __future__ import annotations

import math
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from typing import Any

import pytest
import torch
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

import lrfunc as lf
from lrfunc.testing import (
    Jump,
    assert_bounded,
    assert_compiled_matches,
    assert_continuous,
    assert_finite,
    assert_matches_reference,
    assert_monotone,
    assert_paths_agree,
    assert_periodic,
    jumps,
)
from lrfunc.testing.strategies import FAMILIES, base_lrs, family, schedules, steps

SETTINGS = settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
CORE = [
    "constant",
    "linear",
    "warmup",
    "cosine",
    "poly",
    "step",
    "multistep",
    "exp",
    "piecewise_constant",
]


# -- schedules that lack a property on purpose -------------------------------------------


@dataclass(frozen=True, repr=False)
class sawtooth(lf.Schedule):
    """``(k mod period) / period``: periodic, and it jumps at every period."""

    period: int

    steps = None

    def formula(self, step: Any, base_lr: Any) -> Any:
        return base_lr * (step % self.period) / self.period


@dataclass(frozen=True, repr=False)
class tensor_differs(lf.Schedule):
    """0.5 on the number path; the tensor path says 0.75 from step 5 on."""

    steps = None

    def formula(self, step: Any, base_lr: Any) -> Any:
        if isinstance(step, torch.Tensor):
            return base_lr * torch.where(step >= 5, 0.75, 0.5)
        return base_lr * 0.5


@dataclass(frozen=True, repr=False)
class raises_late(lf.Schedule):
    """Raises on the number path past step 100 (it should hold its value)."""

    steps = None

    def formula(self, step: Any, base_lr: Any) -> Any:
        if not isinstance(step, torch.Tensor) and step > 100:
            raise OverflowError("step too large")
        return base_lr * 0.5 + 0 * step


@dataclass(frozen=True, repr=False)
class compiled_differs(lf.Schedule):
    """0.5 eagerly, 0.25 under torch.compile."""

    steps = None

    def formula(self, step: Any, base_lr: Any) -> Any:
        value = 0.25 if torch.compiler.is_compiling() else 0.5
        return base_lr * value + 0 * step


@dataclass(frozen=True, repr=False)
class graph_break(lf.Schedule):
    """A Python branch on a tensor value: no full graph."""

    steps = None

    def formula(self, step: Any, base_lr: Any) -> Any:
        if bool((step > 5).any()):
            return base_lr * 0.5 + 0 * step
        return base_lr + 0 * step


# -- assert_bounded ----------------------------------------------------------------------


def test_bounded_passes() -> None:
    assert_bounded(lf.cosine(100, end=0.1), 0, 300, low=0.1, high=1.0)
    assert_bounded(lf.cosine(100, end=0.1), 0, 300, low=3e-5, high=3e-4, base_lr=3e-4)
    assert_bounded(lf.exp(2.0, end=3.0), 0, 100, high=3.0)  # reaches its ceiling exactly


def test_bounded_fails_naming_first_and_worst_steps() -> None:
    with pytest.raises(AssertionError) as info:
        assert_bounded(lf.linear(10, end=2.0), 0, 20, high=1.5)
    msg = str(info.value)
    assert "linear(10, end=2.0) leaves [0.0, 1.5] on steps [0, 20)" in msg
    assert "14 steps out of bounds" in msg
    assert "first: lr(6) = 1.6" in msg
    assert "worst: lr(10) = 2.0" in msg


def test_bounded_fails_below_and_names_base_lr() -> None:
    with pytest.raises(AssertionError, match=r"base_lr=0\.1.*first: lr\(6\) = 0\.04"):
        assert_bounded(lf.linear(10), 0, 10, low=0.05, high=1.0, base_lr=0.1)


def test_bounded_treats_nan_as_out_of_bounds() -> None:
    inf_times_zero = lf.exp(2.0) * lf.constant(0.0)  # 2**1024 overflows to inf
    with pytest.raises(AssertionError, match=r"first: lr\(1024\) = nan"):
        assert_bounded(inf_times_zero, 1_000, 1_030)


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"start": 5, "stop": 5}, ValueError),
        ({"start": -1, "stop": 5}, ValueError),
        ({"start": 0, "stop": "9"}, TypeError),
        ({"start": 0, "stop": 9, "low": 2.0, "high": 1.0}, ValueError),
        ({"start": 0, "stop": 9, "base_lr": -1.0}, ValueError),
    ],
    ids=["empty-range", "negative-start", "str-stop", "low-above-high", "negative-base-lr"],
)
def test_bounded_rejects_bad_arguments(kwargs: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error):
        assert_bounded(lf.cosine(10), **kwargs)


def test_assertions_reject_a_non_schedule() -> None:
    with pytest.raises(TypeError, match="must be an lrfunc Schedule"):
        assert_finite(lambda k: 1.0, 0, 10)  # type: ignore[arg-type]


# -- assert_finite -----------------------------------------------------------------------


def test_finite_passes() -> None:
    assert_finite(lf.exp(0.5), 0, 10_000, dtype=torch.float32)
    assert_finite(lf.chain(lf.warmup(10), lf.poly(100, power=0.5)), 0, 200)


def test_finite_fails_naming_the_first_step() -> None:
    with pytest.raises(AssertionError, match=r"76 steps; first: lr\(1024\) = inf"):
        assert_finite(lf.exp(2.0), 1_000, 1_100)
    with pytest.raises(AssertionError, match=r"first: lr\(128\) = inf"):
        assert_finite(lf.exp(2.0), 0, 200, dtype=torch.float32)


# -- assert_monotone ---------------------------------------------------------------------


def test_monotone_passes() -> None:
    assert_monotone(lf.warmup(100), 0, 100, increasing=True, strict=True)
    assert_monotone(lf.cosine(100), 0, 101, increasing=False, strict=True)
    assert_monotone(lf.chain(lf.warmup(10), lf.cosine(90)), 10, 200, increasing=False)


def test_monotone_fails_naming_the_first_rise() -> None:
    with pytest.raises(AssertionError) as info:
        assert_monotone(lf.chain(lf.warmup(10), lf.cosine(90)), 0, 200, increasing=False)
    msg = str(info.value)
    assert "is not non-increasing on steps [0, 200)" in msg
    assert "it rises 10 times" in msg
    assert "first at step 1: lr(0) = 0.0909091 < lr(1) = 0.181818" in msg


def test_monotone_fails_when_falling_but_promised_increasing() -> None:
    with pytest.raises(AssertionError, match=r"not non-decreasing.*falls 1 time;.*step 20"):
        assert_monotone(lf.step(20, gamma=0.5), 0, 30, increasing=True)


def test_monotone_strict_fails_on_a_plateau() -> None:
    with pytest.raises(AssertionError, match=r"not strictly decreasing.*stays 9 times"):
        assert_monotone(lf.cosine(10), 0, 20, increasing=False, strict=True)


def test_monotone_needs_two_steps() -> None:
    with pytest.raises(ValueError, match="at least two steps"):
        assert_monotone(lf.cosine(10), 3, 4, increasing=False)


# -- assert_periodic ---------------------------------------------------------------------


def test_periodic_passes() -> None:
    assert_periodic(sawtooth(10), 10, cycles=5)
    assert_periodic(sawtooth(10), 20, start=7)
    assert_periodic(lf.step(10, gamma=0.5), 1, start=10, cycles=2)  # a plateau


def test_periodic_fails_naming_both_steps() -> None:
    with pytest.raises(AssertionError) as info:
        assert_periodic(sawtooth(10), 7)
    msg = str(info.value)
    assert "sawtooth(10) is not periodic with period 7 from step 0 (3 cycles)" in msg
    assert "first: lr(0) = 0 but lr(7) = 0.7" in msg


def test_periodic_rejects_bad_period() -> None:
    with pytest.raises(ValueError, match="period must be >= 1"):
        assert_periodic(sawtooth(10), 0)


# -- jumps and assert_continuous ---------------------------------------------------------


def test_continuous_passes_at_matching_joins() -> None:
    assert_continuous(lf.chain(lf.warmup(100), lf.cosine(900)))
    assert_continuous(lf.chain(lf.constant(1.0), lf.exp(0.5), boundaries=[3]))
    assert_continuous(lf.shift(lf.chain(lf.warmup(5), lf.linear(5), lf.constant(0.0)), 3))
    assert_continuous(lf.stretch(lf.chain(lf.warmup(3), lf.cosine(7)), 2.5) * 0.5)
    assert jumps(lf.cosine(10)) == []


def test_continuous_fails_listing_each_jump() -> None:
    sched = lf.chain(lf.cosine(100), lf.constant(0.1), boundaries=[50])
    with pytest.raises(AssertionError) as info:
        assert_continuous(sched)
    msg = str(info.value)
    assert "jumps at 1 join: step 50 (cosine(100) -> constant(0.1)): 0.5 -> 0.1" in msg


def test_jumps_are_found_through_combinators() -> None:
    inner = lf.chain(lf.linear(10), lf.constant(0.5, steps=10), lf.linear(10, start=0.5))
    found = jumps(lf.stretch(inner, 2.0) * 0.5)
    assert [j.step for j in found] == [20.0]
    (jump,) = found
    assert isinstance(jump, Jump)
    assert jump.before == pytest.approx(0.0, abs=1e-9)
    assert jump.after == pytest.approx(0.25)
    assert jump.join == "linear(10) -> constant(0.5, steps=10)"
    # The outer chain cuts the inner one at 15: the inner join at 20 is never reached.
    cut = lf.chain(lf.chain(lf.linear(10), lf.constant(1.0)), lf.constant(1.0), boundaries=[8])
    assert [j.step for j in jumps(cut)] == [8]


def test_jumps_at_given_steps() -> None:
    found = jumps(lf.step(10, gamma=0.5), at=[10, 15])
    assert [(j.step, j.before, j.after, j.join) for j in found] == [(10, 1.0, 0.5, "given step")]


# -- assert_paths_agree ------------------------------------------------------------------


def test_paths_agree_passes() -> None:
    sched = lf.chain(lf.warmup(1_000), lf.cosine(10**9, end=0.1))
    assert_paths_agree(sched, [0, 1, 999, 1_000, 10**8, 10**9, 2**53], base_lr=3e-4)
    assert_paths_agree(sched, range(0, 10**6, 9_973), dtype=torch.float32)
    assert_paths_agree(lf.exp(0.5, every=2.5), [0.0, 0.5, 7.25])


def test_paths_agree_fails_naming_steps_and_values() -> None:
    with pytest.raises(AssertionError) as info:
        assert_paths_agree(tensor_differs(), range(10))
    msg = str(info.value)
    assert "number path != torch.float64 tensor path at 5 of 10 steps" in msg
    assert "step 5: 0.5 vs 0.75" in msg


def test_paths_agree_fails_when_the_number_path_raises() -> None:
    with pytest.raises(AssertionError, match=r"number path raised at step 1000: OverflowError"):
        assert_paths_agree(raises_late(), [0, 1000])


# -- assert_matches_reference ------------------------------------------------------------


def test_matches_reference_passes() -> None:
    def ref(k: int) -> float:
        return 3e-4 * 0.5 * (1 + math.cos(math.pi * min(k, 100) / 100))

    assert_matches_reference(lf.cosine(100), ref, range(200), base_lr=3e-4)
    assert_matches_reference(lf.linear(4), [1.0, 0.75, 0.5, 0.25, 0.0], range(5))


def test_matches_reference_fails_naming_steps_and_values() -> None:
    with pytest.raises(AssertionError) as info:
        assert_matches_reference(lf.step(2, gamma=0.5), lambda k: 0.5 ** (k // 3), range(12))
    msg = str(info.value)
    assert "schedule != reference at 9 of 12 steps" in msg
    assert "step 2: 0.5 vs 1.0" in msg
    assert "and 4 more" in msg


def test_matches_reference_checks_lengths() -> None:
    with pytest.raises(ValueError, match="3 values but steps has 4"):
        assert_matches_reference(lf.linear(4), [1.0, 0.75, 0.5], range(4))


# -- assert_compiled_matches (the cheap "eager" backend: tracing only) -------------------


@pytest.mark.slow
def test_compiled_matches_passes_and_fails() -> None:
    scheds = [lf.chain(lf.warmup(10), lf.cosine(90)), lf.step(30, gamma=0.5)]
    assert_compiled_matches(scheds, range(0, 200, 7), backend="eager")
    with pytest.raises(AssertionError, match=r"compiled != eager at 4 of 4 steps: step 0: 0.25"):
        assert_compiled_matches(compiled_differs(), [0, 1, 2, 3], backend="eager")
    with pytest.raises(AssertionError, match=r"fullgraph=True.*failed on graph_break\(\)"):
        assert_compiled_matches(graph_break(), [0, 10], backend="eager")


# -- strategies ------------------------------------------------------------------------


def test_import_lrfunc_does_not_import_hypothesis_and_strategies_name_the_extra() -> None:
    code = textwrap.dedent(
        """
        import sys
        import lrfunc, lrfunc.testing
        assert "hypothesis" not in sys.modules, "import lrfunc imported hypothesis"
        sys.modules["hypothesis"] = None  # as if it were not installed
        try:
            import lrfunc.testing.strategies
        except ImportError as err:
            assert "pip install lrfunc[testing]" in str(err), err
        else:
            raise SystemExit("no ImportError")
        """
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


@pytest.mark.parametrize(
    "strategy",
    [
        lambda: schedules(families=["cosin"]),
        lambda: schedules(families="cosine"),
        lambda: schedules(families=[]),
        lambda: schedules(max_depth=-1),
        lambda: schedules(max_depth=1.5),
        lambda: schedules(max_steps=0),
        lambda: schedules(finite_only="yes"),
        lambda: schedules(families=["step", "exp"], finite_only=True),
        lambda: schedules(leaves=lf.cosine(3)),  # type: ignore[arg-type]
        lambda: steps(max_value=-1),
        lambda: steps(min_value=5, max_value=4),
        lambda: base_lrs(min_value=-1.0),
        lambda: base_lrs(max_value=math.inf),
    ],
    ids=[
        "unknown-family",
        "families-str",
        "no-families",
        "negative-depth",
        "float-depth",
        "zero-max-steps",
        "finite-only-str",
        "finite-only-infinite-families",
        "leaves-not-strategy",
        "negative-max-step",
        "min-above-max-step",
        "negative-base-lr",
        "infinite-base-lr",
    ],
)
def test_strategies_reject_bad_options(strategy: Any) -> None:
    with pytest.raises(InvalidArgument):
        strategy().validate()


def test_unknown_family_error_lists_the_known_ones() -> None:
    with pytest.raises(InvalidArgument, match=r"unknown family 'cosin'.*known: constant, "):
        schedules(families=["cosin"]).validate()


def test_registry_has_the_core_families() -> None:
    assert set(CORE) <= set(FAMILIES)


@SETTINGS
@given(schedules())
def test_drawn_schedules_read_back_from_their_repr(sched: lf.Schedule) -> None:
    namespace = {name: getattr(lf, name) for name in dir(lf) if not name.startswith("_")}
    again = eval(repr(sched), namespace)
    assert again == sched
    assert hash(again) == hash(sched)


@SETTINGS
@given(schedules(families=["cosine", "warmup"], max_depth=0, max_steps=50))
def test_depth_zero_draws_single_members(sched: lf.Schedule) -> None:
    assert type(sched) in (lf.cosine, lf.warmup)
    assert sched.steps is not None and 1 <= sched.steps <= 50


@SETTINGS
@given(schedules(finite_only=True))
def test_finite_only_draws_schedules_with_a_length(sched: lf.Schedule) -> None:
    assert isinstance(sched.steps, int)


@SETTINGS
@given(schedules(leaves=st.builds(sawtooth, st.integers(1, 9)), families=["constant"]))
def test_leaves_are_drawn_and_composed(sched: lf.Schedule) -> None:
    assert "sawtooth(" in repr(sched) or "constant(" in repr(sched)


@pytest.mark.parametrize("name", list(FAMILIES))
def test_every_family_draws(name: str) -> None:
    found = find(
        schedules(families=[name], max_depth=0),
        lambda s: True,
        settings=settings(database=None),
    )
    assert type(found).__name__ == name


def test_family_registers_a_builder() -> None:
    @family("half")
    def _half(o: Any) -> Any:
        return st.just(lf.constant(0.5, steps=1))

    try:
        found = find(
            schedules(families=["half"], finite_only=True),
            lambda s: True,
            settings=settings(database=None),
        )
        assert found == lf.constant(0.5, steps=1)
    finally:
        del FAMILIES["half"]


def test_family_refuses_to_replace_a_built_in_family() -> None:
    original = FAMILIES["rex"]
    with pytest.raises(InvalidArgument, match=r"'rex' is a built-in family.*replace=True"):

        @family("rex")
        def _rex(o: Any) -> Any:
            return st.just(lf.rex(10))

    assert FAMILIES["rex"] is original


def test_family_replaces_a_built_in_family_when_asked() -> None:
    original = FAMILIES["rex"]

    @family("rex", replace=True)
    def _rex(o: Any) -> Any:
        return st.just(lf.rex(10))

    try:
        assert FAMILIES["rex"] is _rex
        found = find(schedules(families=["rex"]), lambda s: True, settings=settings(database=None))
        assert found == lf.rex(10)
    finally:
        FAMILIES["rex"] = original


def test_family_may_register_a_users_name_again() -> None:
    # Re-running a notebook cell or re-importing a conftest registers the same name twice.
    try:
        for value in (0.5, 0.25):

            @family("half")
            def _half(o: Any, value: float = value) -> Any:
                return st.just(lf.constant(value, steps=1))

        assert FAMILIES["half"] is _half
    finally:
        del FAMILIES["half"]


@pytest.mark.parametrize("name", ["", None, 3])
def test_family_name_must_be_a_string(name: Any) -> None:
    with pytest.raises(InvalidArgument, match="non-empty str"):
        family(name)


def _parts(sched: lf.Schedule) -> list[lf.Schedule]:
    inner = getattr(sched, "schedules", None) or [getattr(sched, "schedule", None)]
    return [sched] + [p for s in inner if isinstance(s, lf.Schedule) for p in _parts(s)]


def test_failing_compositions_shrink_to_a_small_schedule() -> None:
    # Usually to the bare leaf; at worst a two-piece composition of minimal leaves.
    found = find(
        schedules(),
        lambda s: any(isinstance(p, lf.cosine) for p in _parts(s)),
        settings=settings(database=None, max_examples=1_000, derandomize=True),
    )
    assert len(_parts(found)) <= 3, found
    assert [p.steps for p in _parts(found) if isinstance(p, lf.cosine)] == [1], found
    found = find(
        schedules(finite_only=True),
        lambda s: s.steps > 5_000,
        settings=settings(database=None, max_examples=1_000, derandomize=True),
    )
    assert len(_parts(found)) <= 3 and found.steps <= 5_010, found


@SETTINGS
@given(steps(max_value=100), base_lrs(min_value=1e-4, max_value=0.1))
def test_steps_and_base_lrs_stay_in_range(k: int, base_lr: float) -> None:
    assert isinstance(k, int) and 0 <= k <= 100
    assert 1e-4 <= base_lr <= 0.1
