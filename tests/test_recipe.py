"""Recipes: lengths as fractions of training (``lf.frac``), bound to a step count later.

The contract: the rounding rule (HF's ``warmup_ratio``: ``ceil(f * N)``), chains whose
fractions add up to exactly N, a bound recipe that is an ordinary schedule, recipes that
survive repr/parse, pickle and the config round trip unbound, clear errors for an unbound
recipe used as a schedule, ``lf.Scheduler(..., total_steps=n)`` and the CLI's
``--steps``; and ``lf.in_epochs`` for schedules written in epochs.
"""

from __future__ import annotations

import dataclasses
import json
import math
import pickle
from decimal import Decimal

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from schedule_examples import EXAMPLES, Example

import lrfunc as lf
from lrfunc.__main__ import main
from lrfunc._fraction import steps_of
from lrfunc._schedule import varargs_of
from lrfunc._validate import counts_steps
from lrfunc.testing.strategies import recipes

SETTINGS = settings(max_examples=60, deadline=None)


def hf_warmup_steps(ratio: float, total: int) -> int:
    """HF ``TrainingArguments.get_warmup_steps`` for a ratio, as written there:
    ``math.ceil(num_training_steps * ratio)`` (checked against transformers itself by
    ``tests/fidelity/test_peer_hf.py``, ``make fidelity``)."""
    return math.ceil(total * ratio)


# -- the rounding rule -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ratio", "total", "expected"),
    [
        (0.03, 1000, 30),
        (0.03, 1001, 31),  # 30.03 rounds up
        (0.07, 100, 8),  # 0.07 * 100 == 7.000000000000001 in floating point: HF says 8 too
        (0.1, 10, 1),
        (0.0, 500, 0),
        (1.0, 777, 777),
        (0.5, 1, 1),
    ],
)
def test_a_fraction_rounds_up_as_hf_warmup_ratio(ratio: float, total: int, expected: int) -> None:
    assert lf.warmup(lf.frac(ratio)).bind(total).steps == expected
    assert hf_warmup_steps(ratio, total) == expected


@SETTINGS
@given(st.floats(0.0, 1.0), st.integers(1, 10**9))
def test_rounding_is_hf_warmup_ratio(ratio: float, total: int) -> None:
    assert lf.warmup(lf.frac(ratio)).bind(total).steps == hf_warmup_steps(ratio, total)


@st.composite
def partitions(draw: st.DrawFn) -> list[float]:
    """Fractions that add up to 1: cut points anywhere in [0, 1], or round hundredths."""
    if draw(st.booleans()):
        cents = draw(st.lists(st.integers(0, 100), min_size=1, max_size=7))
        cuts = sorted({min(c, 100) for c in cents} | {100})
        return [(b - a) / 100 for a, b in zip([0, *cuts], cuts, strict=False)]
    points = sorted(draw(st.lists(st.floats(0.0, 1.0), min_size=0, max_size=6)))
    fractions = [b - a for a, b in zip([0.0, *points], points, strict=False)]
    return [*fractions, 1.0 - math.fsum(fractions)] if math.fsum(fractions) < 1 else fractions


@SETTINGS
@given(partitions(), st.integers(1, 10**9))
def test_a_chain_of_fractions_that_add_up_to_one_takes_exactly_n_steps(
    fractions: list[float], total: int
) -> None:
    recipe = lf.chain(*(lf.cosine(lf.frac(f)) for f in fractions))
    bound = recipe.bind(total)
    assert bound.steps == total
    lengths = [piece.steps for piece in bound.schedules]
    assert all(n >= 0 for n in lengths) and sum(lengths) == total


def leaf_lengths(sched: lf.Schedule) -> list[int]:
    """The lengths of the leaves of a bound chain, nested chains flattened."""
    if isinstance(sched, lf.chain):
        return [n for piece in sched.schedules for n in leaf_lengths(piece)]
    assert isinstance(sched.steps, int)
    return [sched.steps]


@SETTINGS
@given(partitions(), st.integers(1, 10**9), st.data())
def test_nesting_a_chain_does_not_change_its_lengths(
    fractions: list[float], total: int, data: st.DataObject
) -> None:
    pieces = [lf.linear(lf.frac(f)) for f in fractions]
    cut = data.draw(st.integers(0, len(pieces)))
    nested = [p for p in (pieces[:cut], pieces[cut:]) if p]
    grouped = lf.chain(*(lf.chain(*group) for group in nested))
    flat = lf.chain(*pieces)
    assert leaf_lengths(grouped.bind(total)) == leaf_lengths(flat.bind(total))


@pytest.mark.parametrize(
    "middle",
    [
        pytest.param(lambda f: lf.clip(lf.cosine(f), min_lr=1e-5), id="clip"),
        pytest.param(lambda f: lf.cosine(f) * 0.5, id="scale"),
        pytest.param(lambda f: lf.cosine(f) * lf.linear(f, end=0.5), id="product"),
        pytest.param(lambda f: lf.chain(lf.constant(steps=f)), id="chain"),
    ],
)
def test_a_wrapped_piece_still_adds_up(middle) -> None:  # type: ignore[no-untyped-def]
    recipe = lf.chain(lf.warmup(lf.frac(0.05)), middle(lf.frac(0.8)), lf.linear(lf.frac(0.15)))
    for total in (1, 3, 7, 19, 99, 1001, 123_457, 10**9 + 7):
        assert recipe.bind(total).steps == total


def test_nested_chains_count_from_where_the_fractions_before_them_end() -> None:
    flat = lf.chain(
        lf.warmup(lf.frac(0.05)), lf.constant(steps=lf.frac(0.75)), lf.linear(lf.frac(0.2))
    )
    nested = lf.chain(
        lf.warmup(lf.frac(0.05)),
        lf.chain(lf.constant(steps=lf.frac(0.75)), lf.linear(lf.frac(0.2))),
    )
    for total in (1, 7, 99, 1001, 123_457):
        a, b = flat.bind(total), nested.bind(total)
        assert a.steps == b.steps == total
        assert [a(k) for k in range(0, total + 2, max(1, total // 50))] == [
            b(k) for k in range(0, total + 2, max(1, total // 50))
        ]


@pytest.mark.parametrize(
    ("fractions", "total", "lengths"),
    [
        ([0.1, 0.2, 0.7], 10, [1, 2, 7]),  # not 1, 3, 6: 0.1 + 0.2 is 0.3 as written
        ([0.1] * 10, 10, [1] * 10),  # never an empty piece from binary sums
        ([0.05, 0.02, 0.93], 100, [5, 2, 93]),
        ([0.07, 0.93], 100, [8, 92]),  # the first is HF's: 0.07 * 100 rounds up to 8 there
        ([1 / 3] * 3, 10**15, [333333333333334, 333333333333333, 333333333333333]),
    ],
)
def test_a_chain_splits_as_its_decimal_fractions_say(
    fractions: list[float], total: int, lengths: list[int]
) -> None:
    bound = lf.chain(*(lf.linear(lf.frac(f)) for f in fractions)).bind(total)
    assert [piece.steps for piece in bound.schedules] == lengths


def test_the_rule_is_stated_once() -> None:
    assert steps_of(0.03, 1001) == 31
    assert steps_of(0.97, 1001, before=[0.03]) == 970
    # Binary sums a hair over 1 end at N, not N + 1.
    assert (
        steps_of(0.8, 1000, before=[0.05, 0.15])
        + steps_of(0.05, 1000)
        + steps_of(0.15, 1000, before=[0.05])
        == 1000
    )


# -- binding equals writing the lengths by hand ------------------------------------------------


def by_hand(recipe: lf.Schedule, total: int) -> lf.Schedule:
    """The recipe written with integer lengths computed from the documented rule."""
    pieces = list(recipe.call.schedules) if isinstance(recipe.call, lf.chain) else [recipe]
    fractions = [p.call.steps.fraction for p in pieces]
    first = math.ceil(fractions[0] * total)  # HF's ceil(ratio * N), in floating point
    ends = [first]
    for i in range(2, len(pieces) + 1):  # later ends: the decimal sum as written, exactly
        whole = sum((Decimal(repr(f)) for f in fractions[:i]), Decimal(0))
        whole = Decimal(1) if abs(whole - 1) <= Decimal("1e-9") else whole
        ends.append(max(first, math.ceil(whole * total)))
    lengths = [b - a for a, b in zip([0, *ends], ends, strict=False)]
    written = [dataclasses.replace(p.call, steps=n) for p, n in zip(pieces, lengths, strict=True)]
    return written[0] if len(written) == 1 else lf.chain(*written)


@SETTINGS
@given(recipes(), st.integers(1, 100_000), st.data())
def test_binding_then_evaluating_equals_the_integer_lengths_by_hand(
    recipe: lf.Schedule, total: int, data: st.DataObject
) -> None:
    bound, hand = recipe.bind(total), by_hand(recipe, total)
    assert bound == hand
    assert repr(bound) == repr(hand)
    ks = data.draw(st.lists(st.integers(0, total + 10), min_size=1, max_size=20))
    assert [bound(k, 0.1) for k in ks] == [hand(k, 0.1) for k in ks]
    t = torch.tensor(ks)
    torch.testing.assert_close(bound(t, 0.1), hand(t, 0.1), rtol=0, atol=0)


@SETTINGS
@given(recipes(), st.integers(1, 100_000))
def test_recipes_round_trip_unbound(recipe: lf.Schedule, total: int) -> None:
    assert isinstance(recipe, lf.Recipe)
    assert lf.parse(repr(recipe)) == recipe
    for style in ("plain", "hydra"):
        data = json.loads(json.dumps(lf.to_config(recipe, style=style)))
        assert lf.from_config(data) == recipe
    assert pickle.loads(pickle.dumps(recipe)) == recipe
    assert lf.from_config(lf.to_config(recipe)).bind(total) == recipe.bind(total)


# -- positions and other lengths ---------------------------------------------------------------


def test_positions_bind_like_lengths() -> None:
    total = 1000
    assert lf.cooldown(lf.constant(), lf.frac(0.8), lf.frac(0.2)).bind(total) == lf.cooldown(
        lf.constant(), 800, 200
    )
    recipe = lf.chain(
        lf.warmup(lf.frac(0.05)),
        lf.constant(),
        lf.linear(lf.frac(0.2)),
        boundaries=[lf.frac(0.05), lf.frac(0.8)],
    )
    assert recipe.bind(total) == lf.chain(
        lf.warmup(50), lf.constant(), lf.linear(200), boundaries=[50, 800]
    )
    assert lf.shift(lf.cosine(lf.frac(0.5)), lf.frac(0.1)).bind(total) == lf.shift(
        lf.cosine(500), 100
    )
    assert lf.multistep([lf.frac(0.5), lf.frac(0.75)], gamma=0.1).bind(total) == lf.multistep(
        [500, 750], gamma=0.1
    )
    wsd = lf.wsd(lf.frac(1.0), warmup=lf.frac(0.05), decay=lf.frac(0.2), shape="1-sqrt")
    assert wsd.bind(total) == lf.wsd(1000, warmup=50, decay=200, shape="1-sqrt")
    assert (lf.cosine(lf.frac(1.0)) * 0.5).bind(total) == lf.cosine(1000) * 0.5


def test_a_recipe_mixes_fractions_and_numbers() -> None:
    recipe = lf.chain(lf.warmup(500), lf.cosine(lf.frac(1.0), end=0.1))
    assert recipe.bind(20_000) == lf.chain(lf.warmup(500), lf.cosine(20_000, end=0.1))
    assert lf.cosine(100).bind(20_000) == lf.cosine(100)  # an ordinary schedule: as it is


def test_a_bound_recipe_is_an_ordinary_schedule() -> None:
    bound = lf.chain(lf.warmup(lf.frac(0.1)), lf.cosine(lf.frac(0.9))).bind(100)
    assert type(bound) is lf.chain and not isinstance(bound, lf.Recipe)
    assert bound == lf.chain(lf.warmup(10), lf.cosine(90))
    assert hash(bound) == hash(lf.chain(lf.warmup(10), lf.cosine(90)))
    assert lf.parse(repr(bound)) == bound == lf.from_config(lf.to_config(bound))
    assert [j.step for j in lf.joins(bound)] == [10]


def test_a_toml_recipe() -> None:
    text = """
    [schedule]
    name = "chain"
    schedules = [
      { name = "warmup", steps = { frac = 0.05 } },
      { name = "cosine", steps = { frac = 0.95 }, end = 0.1 },
    ]
    """
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    recipe = lf.from_config(tomllib.loads(text)["schedule"])
    assert recipe == lf.chain(lf.warmup(lf.frac(0.05)), lf.cosine(lf.frac(0.95), end=0.1))
    assert recipe.bind(2000) == lf.chain(lf.warmup(100), lf.cosine(1900, end=0.1))


# -- errors --------------------------------------------------------------------------------------

RECIPE = lf.chain(lf.warmup(lf.frac(0.05)), lf.cosine(lf.frac(0.95)))


@pytest.mark.parametrize(
    "use",
    [
        pytest.param(lambda: RECIPE(10), id="call"),
        pytest.param(lambda: RECIPE(torch.arange(3)), id="call-tensor"),
        pytest.param(lambda: RECIPE.steps, id="steps"),
        pytest.param(lambda: list(lf.walk(RECIPE)), id="walk"),
        pytest.param(lambda: lf.repeat(RECIPE).steps, id="inside-a-combinator"),
    ],
)
def test_an_unbound_recipe_says_how_to_bind_it(use) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(
        lf.UnboundRecipeError, match=r"fractions of training.*recipe\.bind\(total_steps\)"
    ):
        use()


def test_the_scheduler_needs_total_steps_for_a_recipe() -> None:
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    with pytest.raises(lf.UnboundRecipeError, match=r"schedules\['lr'\].*total_steps=n"):
        lf.Scheduler(opt, RECIPE)
    with pytest.raises(lf.UnboundRecipeError, match=r"schedules\['weight_decay'\]\[0\]"):
        lf.Scheduler(opt, {"weight_decay": [RECIPE]})


@pytest.mark.parametrize(
    ("build", "error", "param", "message"),
    [
        pytest.param(
            lambda: lf.cosine(10, end=lf.frac(0.5)),
            lf.ParameterTypeError,
            "end",
            "does not count updates",
            id="not-a-length",
        ),
        pytest.param(
            lambda: lf.chain(lf.warmup(lf.frac(0.1)), lf.cosine(lf.frac(1.0))),
            lf.ParameterValueError,
            "schedules",
            "add up to 1.1, more than the whole",
            id="more-than-whole",
        ),
        pytest.param(
            lambda: lf.frac(5), lf.ParameterValueError, "fraction", r"frac\(0.05\)", id="percent"
        ),
        pytest.param(
            lambda: lf.frac(float("nan")),
            lf.ParameterValueError,
            "fraction",
            "in \\[0, 1\\]",
            id="nan",
        ),
        pytest.param(
            lambda: lf.frac("0.1"), lf.ParameterTypeError, "fraction", "real number", id="str"
        ),
        pytest.param(
            lambda: lf.cosine(lf.frac(0.5), end=-1),
            lf.ParameterValueError,
            "end",
            ">= 0",
            id="eager",
        ),
        pytest.param(
            lambda: RECIPE.bind(0),
            lf.ParameterValueError,
            "total_steps",
            "positive int",
            id="bind-0",
        ),
        pytest.param(
            lambda: lf.onecycle(lf.frac(0.001)).bind(100) and lf.onecycle(lf.frac(0.0)).bind(100),
            lf.ParameterValueError,
            "steps",
            r"positive int, got 0 \(in onecycle\(frac\(0.0\)\) bound to total_steps=100\)",
            id="bound-out-of-range",
        ),
    ],
)
def test_bad_recipes(build, error, param, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error, match=message) as info:
        build()
    assert info.value.param == param


@pytest.mark.parametrize("call", [5, lf.cosine(10), lf.cosine(lf.frac(0.5))], ids=repr)
def test_a_recipe_is_not_built_by_hand(call: object) -> None:
    with pytest.raises(lf.ParameterTypeError, match="not built by hand") as info:
        lf.Recipe(call)  # type: ignore[arg-type]
    assert info.value.param == "call"


def test_a_misspelt_keyword_in_a_recipe_gets_a_hint() -> None:
    with pytest.raises(TypeError, match="did you mean 'end'"):
        lf.cosine(lf.frac(0.5), ennd=0.1)


def test_config_errors_point_at_the_fraction() -> None:
    with pytest.raises(lf.ConfigError, match=r"^steps\.frac: frac: fraction must be in \[0, 1\]"):
        lf.from_config({"name": "cosine", "steps": {"frac": 2}})
    with pytest.raises(lf.ConfigError, match="expected a schedule"):
        lf.parse("frac(0.5)")


# -- the adapter and the CLI ---------------------------------------------------------------------


def test_scheduler_binds_a_recipe_to_total_steps() -> None:
    total = 40
    recipe = lf.chain(lf.warmup(lf.frac(0.1)), lf.cosine(lf.frac(0.9), end=0.1))
    bound = recipe.bind(total)
    model = torch.nn.Linear(2, 1)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    scheduler = lf.Scheduler(opt, {"lr": recipe, "weight_decay": lf.cosine(10)}, total_steps=total)
    assert scheduler.schedules == {"lr": [bound], "weight_decay": [lf.cosine(10)]}
    seen = []
    for _ in range(total + 2):
        seen.append(opt.param_groups[0]["lr"])
        opt.step()
        scheduler.step()
    assert seen == [bound(k, 3e-3) for k in range(total + 2)]


def test_cli_show_binds_a_recipe_to_steps(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "chain(warmup(frac(0.05)), cosine(frac(0.95)))", "--steps", "1000"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "chain(warmup(50), cosine(950))"
    assert "phases switch at: 50 (1)" in out
    assert main(["show", "chain(warmup(frac(0.05)), cosine(frac(0.95)))"]) == 1
    assert "give --steps N to bind it" in capsys.readouterr().err


# -- epochs ---------------------------------------------------------------------------------------


def test_in_epochs_holds_each_epochs_value() -> None:
    sched = lf.in_epochs(lf.step(2, gamma=0.5), steps_per_epoch=3)
    assert [sched(k) for k in range(13)] == [1.0] * 6 + [0.5] * 6 + [0.25]
    t = torch.arange(13)
    assert sched(t).tolist() == [sched(k) for k in range(13)]


def test_in_epochs_continuous_is_stretch() -> None:
    sched = lf.in_epochs(lf.cosine(5, end=0.1), steps_per_epoch=7, held=False)
    same = lf.stretch(lf.cosine(5, end=0.1), 7.0)
    assert sched.steps == same.steps == 35
    assert [sched(k) for k in range(40)] == [same(k) for k in range(40)]


def test_a_schedule_in_epochs_stepped_per_update_matches_torch_stepped_per_epoch() -> None:
    """torch's tutorial loop (``scheduler.step()`` once per epoch) and an update-level loop
    with ``in_epochs`` see the same lr at every update."""
    epochs, per_epoch = 7, 5
    w = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.1)
    torch_sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    expected = []
    for _ in range(epochs):
        for _ in range(per_epoch):
            expected.append(opt.param_groups[0]["lr"])
            opt.step()
        torch_sched.step()

    opt = torch.optim.SGD([w], lr=0.1)
    scheduler = lf.Scheduler(opt, lf.in_epochs(lf.step(2, gamma=0.5), per_epoch))
    seen = []
    for _ in range(epochs * per_epoch):
        seen.append(opt.param_groups[0]["lr"])
        opt.step()
        scheduler.step()
    assert seen == pytest.approx(expected, rel=1e-15)


def test_a_recipe_in_epochs_binds_to_the_epochs_of_the_run() -> None:
    """Fractions inside ``in_epochs`` are of the epochs: N updates are ceil(N / s) epochs."""
    recipe = lf.in_epochs(lf.chain(lf.warmup(lf.frac(0.1)), lf.cosine(lf.frac(0.9))), 100)
    assert recipe.bind(2000) == lf.in_epochs(lf.chain(lf.warmup(2), lf.cosine(18)), 100)
    assert recipe.bind(1901) == lf.in_epochs(lf.chain(lf.warmup(2), lf.cosine(18)), 100)
    sched = recipe.bind(2000)
    assert sched.steps == 2000 and sched(199) == sched(100) != sched(200)
    outer = lf.chain(lf.warmup(lf.frac(0.5)), lf.in_epochs(lf.cosine(lf.frac(1.0)), 10))
    assert outer.bind(100) == lf.chain(lf.warmup(50), lf.in_epochs(lf.cosine(10), 10))


# -- every parameter that counts updates takes a fraction -------------------------------------

TOTAL = 2**20  # v / TOTAL is exact in binary, so ceil(v / TOTAL * TOTAL) == v


def as_fractions(value: object) -> object:
    """An int count of updates as the fraction of TOTAL that binds back to it."""
    if isinstance(value, tuple):
        return tuple(as_fractions(v) for v in value)
    if isinstance(value, int) and 0 <= value <= TOTAL:
        return lf.frac(value / TOTAL)
    return value


def counts_as_fractions(sched: lf.Schedule) -> dict[str, object]:
    """The fields of ``sched`` that count updates with an int, given as fractions of TOTAL."""
    changed: dict[str, object] = {}
    for f in dataclasses.fields(sched):
        if f.init and counts_steps(f):
            value = as_fractions(getattr(sched, f.name))
            if value != getattr(sched, f.name):
                changed[f.name] = value
    return changed


# Examples without an int count of updates (a chain of pieces, a scale) have none to give.
COUNTED = [e for e in EXAMPLES if counts_as_fractions(e.schedule)]


@pytest.mark.parametrize("example", COUNTED, ids=lambda e: e.name)
def test_every_count_of_updates_takes_a_fraction(example: Example) -> None:
    sched = example.schedule
    fields = {f.name: getattr(sched, f.name) for f in dataclasses.fields(sched) if f.init}
    fields.update(counts_as_fractions(sched))
    args = fields.pop(varargs_of(sched)) if varargs_of(sched) else ()
    recipe = type(sched)(*args, **fields)
    assert isinstance(recipe, lf.Recipe), recipe
    if not isinstance(sched, lf.from_function):  # a Python function has no text form
        assert lf.parse(repr(recipe)) == recipe
    assert recipe.bind(TOTAL) == sched


def test_most_examples_have_a_count_of_updates() -> None:
    assert len(COUNTED) >= len(EXAMPLES) * 3 // 4
