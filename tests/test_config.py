"""Schedules as data and as text: round trips, bad input, fuzzing.

The round trips run over a table of compositions, over every schedule that ``lrfunc``
exports (instances taken from the examples in their docstrings, so a new schedule is
covered as soon as it is exported and documented), and over Hypothesis-generated
compositions of the core schedules and combinators.
"""

from __future__ import annotations

import ast
import dataclasses
import doctest
import json
import math
import pickle
import time
from typing import Any

import pytest
import torch
from hydra.utils import instantiate
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from omegaconf import OmegaConf

import lrfunc as lf
from lrfunc._config import registry

# -- examples ----------------------------------------------------------------------------

COMPOSITIONS = {
    "warmup-cosine": lf.chain(lf.warmup(1000), lf.cosine(99000, end=0.1)),
    "wsd": lf.chain(lf.warmup(10), lf.constant(1.0, steps=70), lf.linear(20, end=0.0)),
    "chain-boundaries": lf.chain(lf.constant(1.0), lf.exp(0.5), boundaries=[3]),
    "nested-chain": lf.chain(lf.chain(lf.warmup(2), lf.linear(3)), lf.cosine(5, end=0.2)),
    "product": lf.step(2, gamma=0.5) * lf.linear(4, start=1.0, end=0.5) * lf.exp(0.9),
    "scale": lf.cosine(100) * 0.5,
    "scale-left": 0.25 * lf.poly(10, power=2.0),
    "scale-scale": lf.linear(4) * 0.5 * 0.25,
    "product-of-scale": lf.linear(3) * (lf.linear(4) * 0.5),
    "scaled-product": (lf.linear(3) * lf.linear(2)) * 0.5,
    "scale-first": lf.linear(3) * 0.5 * lf.cosine(4),
    "clip": lf.clip(lf.linear(10), min=0.2),
    "clip-lr": lf.clip(lf.cosine(10) * lf.exp(1.1), min_lr=1e-5, max=2.0),
    "shift": lf.shift(lf.linear(4), -2),
    "stretch": lf.stretch(lf.chain(lf.warmup(2), lf.linear(4)), 2.5),
    "piecewise": lf.piecewise_constant([2, 4], [1.0, 0.5, 0.1]),
    "multistep": lf.multistep([1, 3], gamma=0.5),
    "exp-all": lf.exp(0.5, every=2.5, staircase=True, begin=3, end=0.25),
    "warmup-start": lf.warmup(3, start=0.0),
    "constant": lf.constant(),
    "deep": lf.clip(
        lf.shift(lf.stretch(lf.chain(lf.warmup(5), lf.cosine(20) * 0.5), 2.0), 3) * lf.step(7),
        max_lr=1e-3,
    ),
}


def _docstring_examples() -> dict[str, list[lf.Schedule]]:
    """Instances of each exported schedule, from the ``lf.name(...)`` calls in docstrings."""
    reg = registry()
    found: dict[str, list[lf.Schedule]] = {name: [] for name in reg}
    namespace = {"lf": lf, "torch": torch, "math": math}
    sources = [lf.__doc__ or "", *(cls.__doc__ or "" for cls in reg.values())]
    for doc in sources:
        for example in doctest.DocTestParser().get_examples(doc):
            try:
                tree = ast.parse(example.source)
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                call = (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name)
                    and node.func.value.id == "lf"
                    and node.func.attr in reg
                )
                if not (call or (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult))):
                    continue
                try:
                    value = eval(compile(ast.Expression(node), "<doc>", "eval"), dict(namespace))
                except Exception:  # refers to names defined elsewhere in the example
                    continue
                if isinstance(value, lf.Schedule):
                    found[_name(value)].append(value)
    return found


def _name(sched: lf.Schedule) -> str:
    names = {cls: name for name, cls in registry().items()}
    return names[type(sched.call if isinstance(sched, lf.Recipe) else sched)]


DOC_EXAMPLES = _docstring_examples()
EVERY = [s for examples in DOC_EXAMPLES.values() for s in examples]


def _holds_non_data(value: Any) -> bool:
    if isinstance(value, lf.Schedule) and dataclasses.is_dataclass(value):
        return any(
            _holds_non_data(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init
        )
    if isinstance(value, tuple):
        return any(_holds_non_data(v) for v in value)  # type: ignore[misc]
    return isinstance(value, torch.Tensor) or callable(value)


def assert_round_trips(sched: lf.Schedule) -> None:
    data = lf.to_config(sched)
    assert json.loads(json.dumps(data, allow_nan=False)) == data
    assert lf.from_config(json.loads(json.dumps(data))) == sched
    hydra = lf.to_config(sched, style="hydra")
    assert lf.from_config(json.loads(json.dumps(hydra))) == sched
    # Hydra itself, with its defaults, on plain data and on OmegaConf's containers.
    assert instantiate(hydra) == sched
    assert instantiate(OmegaConf.create(hydra)) == sched
    assert lf.from_config(OmegaConf.create(hydra)) == sched
    assert lf.parse(repr(sched)) == sched
    assert _length(lf.parse(repr(sched))) == _length(sched)


# -- round trips -------------------------------------------------------------------------


@pytest.mark.parametrize("sched", COMPOSITIONS.values(), ids=COMPOSITIONS.keys())
def test_round_trip_compositions(sched: lf.Schedule) -> None:
    assert_round_trips(sched)


def test_every_exported_schedule_has_an_example() -> None:
    missing = [name for name, examples in DOC_EXAMPLES.items() if not examples]
    assert not missing, f"no `lf.name(...)` example in the docstring of: {missing}"


def _length(sched: lf.Schedule) -> int | None:
    """``sched.steps``; a recipe's as bound to some total (whether it ends is the same)."""
    return (sched.bind(1000) if isinstance(sched, lf.Recipe) else sched).steps


@pytest.mark.parametrize("sched", EVERY, ids=[repr(s)[:60] for s in EVERY])
def test_round_trip_every_schedule(sched: lf.Schedule) -> None:
    if _holds_non_data(sched):
        with pytest.raises(lf.ConfigError, match="no config form") as info:
            lf.to_config(sched)
        assert type(sched).__name__ in str(info.value)
        return
    assert_round_trips(sched)
    # ... and inside each combinator.
    finite = sched if _length(sched) is not None else lf.chain(lf.constant(steps=3), sched)
    for outer in (
        lf.chain(lf.warmup(5), sched),
        lf.chain(finite, lf.cosine(4)) if _length(finite) is not None else finite,
        sched * lf.exp(0.9),
        lf.exp(0.9) * sched,
        sched * 0.5,
        lf.clip(sched * 0.5, max=2.0),
        lf.shift(sched, 3),
        lf.stretch(sched, 1.5),
    ):
        assert_round_trips(outer)


def test_plain_config_reads_like_the_expression() -> None:
    sched = lf.chain(lf.warmup(1000), lf.cosine(99000, end=0.1))
    assert lf.to_config(sched) == {
        "name": "chain",
        "schedules": [
            {"name": "warmup", "steps": 1000},
            {"name": "cosine", "steps": 99000, "end": 0.1},
        ],
    }
    assert lf.to_config(sched, style="hydra") == {
        "_target_": "lrfunc.chain",
        "_convert_": "all",
        "_args_": [
            {"_target_": "lrfunc.warmup", "steps": 1000},
            {"_target_": "lrfunc.cosine", "steps": 99000, "end": 0.1},
        ],
    }


@pytest.mark.parametrize(
    "data",
    [
        {
            "name": "chain",
            "args": [{"name": "warmup", "args": [10]}, {"name": "cosine", "steps": 90}],
        },
        {
            "name": "chain",
            "schedules": [{"name": "warmup", "steps": 10}, {"name": "cosine", "args": [90]}],
        },
        {
            "_target_": "lrfunc.chain",
            "_args_": [{"_target_": "warmup", "steps": 10}, {"name": "cosine", "steps": 90}],
        },
        {
            "_target_": "lrfunc._combinators.chain",
            "_recursive_": True,
            "_args_": [
                {"_target_": "lrfunc.warmup", "_args_": [10]},
                {"_target_": "lrfunc.cosine", "steps": 90},
            ],
        },
    ],
    ids=["positional", "plain", "hydra", "hydra-module-path"],
)
def test_other_shapes(data: dict[str, Any]) -> None:
    assert lf.from_config(data) == lf.chain(lf.warmup(10), lf.cosine(90))


def test_toml_config() -> None:
    tomllib = pytest.importorskip("tomllib")
    text = """
        name = "chain"
        boundaries = [100]
        [[schedules]]
        name = "warmup"
        steps = 100
        [[schedules]]
        name = "cosine"
        steps = 900
        end = 0.1
    """
    data = tomllib.loads("\n".join(line.strip() for line in text.splitlines()))
    assert lf.from_config(data) == lf.chain(
        lf.warmup(100), lf.cosine(900, end=0.1), boundaries=[100]
    )


def test_parse_accepts_layout_and_numbers() -> None:
    text = "\n  chain(\n    warmup(1_000),\n    cosine(99e3, end=+0.1,),\n  )\n"
    assert lf.parse(text) == lf.chain(lf.warmup(1000), lf.cosine(99000, end=0.1))
    assert lf.parse("shift(linear(4), -2)") == lf.shift(lf.linear(4), -2)
    assert lf.parse("multistep((1, 3))") == lf.multistep([1, 3])
    assert lf.parse("2 * linear(4)") == lf.linear(4) * 2.0


def test_config_error_pickles_and_is_a_value_error() -> None:
    with pytest.raises(ValueError) as info:
        lf.parse("cosin(3)")
    error = pickle.loads(pickle.dumps(info.value))
    assert isinstance(error, lf.ConfigError)
    assert str(error) == str(info.value)
    assert error.where == "line 1, column 1"


# -- Hypothesis: generated compositions --------------------------------------------------

lengths = st.integers(1, 10_000)
factors = st.floats(0.0, 4.0, allow_nan=False, allow_infinity=False)
positive = st.floats(0.01, 4.0, allow_nan=False, allow_infinity=False)


@st.composite
def boundaries(draw: st.DrawFn, min_size: int = 0, max_size: int = 4) -> list[int]:
    return sorted(draw(st.sets(st.integers(1, 10_000), min_size=min_size, max_size=max_size)))


@st.composite
def piecewise(draw: st.DrawFn) -> lf.Schedule:
    cuts = draw(boundaries())
    values = draw(st.lists(factors, min_size=len(cuts) + 1, max_size=len(cuts) + 1))
    return lf.piecewise_constant(cuts, values)


@st.composite
def exps(draw: st.DrawFn) -> lf.Schedule:
    gamma = draw(st.floats(0.5, 0.999))
    end = draw(st.none() | st.floats(0.01, 0.99))
    return lf.exp(
        gamma,
        every=draw(st.sampled_from([1, 2.5, 10])),
        staircase=draw(st.booleans()),
        begin=draw(st.integers(0, 100)),
        end=end,
    )


core = st.one_of(
    st.builds(lf.constant, factors, steps=st.none() | lengths),
    st.builds(lf.linear, lengths, start=factors, end=factors),
    st.builds(lf.warmup, lengths, start=st.none() | st.floats(0.0, 1.0)),
    st.builds(lf.step, lengths, gamma=positive),
    st.builds(lf.multistep, boundaries(min_size=1), gamma=positive),
    exps(),
    st.builds(lf.cosine, lengths, end=factors),
    st.builds(lf.poly, lengths, power=positive, end=factors),
    piecewise(),
)


@st.composite
def chains(draw: st.DrawFn, inner: st.SearchStrategy[lf.Schedule]) -> lf.Schedule:
    pieces = draw(st.lists(inner, min_size=1, max_size=3))
    if all(p.steps is not None for p in pieces[:-1]) and draw(st.booleans()):
        return lf.chain(*pieces)
    cuts = draw(st.sets(st.integers(1, 50_000), min_size=len(pieces) - 1, max_size=len(pieces) - 1))
    return lf.chain(*pieces, boundaries=sorted(cuts))


def combine(inner: st.SearchStrategy[lf.Schedule]) -> st.SearchStrategy[lf.Schedule]:
    return st.one_of(
        chains(inner),
        st.lists(inner, min_size=2, max_size=3).map(lambda s: lf.product(*s)),
        st.builds(lambda s, f: s * f, inner, factors),
        st.builds(lambda s, f: f * s, inner, factors),
        st.builds(lf.clip, inner, min=st.none() | st.floats(0, 0.5), max_lr=st.floats(0.5, 2)),
        st.builds(lf.shift, inner, st.integers(-100, 100)),
        st.builds(lf.stretch, inner, positive),
    )


schedules = st.recursive(core, combine, max_leaves=6)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schedules)
def test_round_trip_generated(sched: lf.Schedule) -> None:
    assert_round_trips(sched)


# -- bad input ---------------------------------------------------------------------------

BAD_TEXT = [
    (
        "unknown-name",
        "cosin(10)",
        "line 1, column 1",
        "unknown schedule 'cosin'; did you mean 'cosine'",
    ),
    (
        "unknown-nested",
        "chain(warmup(10), cosin(10))",
        "line 1, column 19",
        "unknown schedule 'cosin'",
    ),
    ("wrong-type", "cosine('ten')", "line 1, column 8", "steps must be an int >= 0, got 'ten'"),
    (
        "wrong-type-schedule",
        "chain(warmup(10), 3)",
        "line 1, column 19",
        "schedules[1] must be a Schedule",
    ),
    ("missing", "cosine(end=0.1)", "line 1, column 1", "cosine is missing its parameter 'steps'"),
    (
        "extra-positional",
        "cosine(10, 0.1)",
        "line 1, column 12",
        "cosine takes 1 positional argument(s)",
    ),
    (
        "extra-keyword",
        "cosine(10, ends=0.1)",
        "line 1, column 17",
        "unknown parameter 'ends' for cosine; did you mean 'end'?",
    ),
    ("twice", "cosine(10, steps=10)", "line 1, column 18", "got two values for 'steps'"),
    (
        "out-of-range",
        "chain(warmup(10),\n  cosine(10, end=-1))",
        "line 2, column 18",
        "end must be >= 0, got -1.0",
    ),
    (
        "bad-boundary",
        "multistep([1, 0])",
        "line 1, column 15",
        "boundaries[1] must be a positive int, got 0",
    ),
    ("bad-piece", "chain(warmup(3), step(2), linear(3))", "line 1, column 18", "never ends"),
    ("negative-scale", "cosine(10) * -0.5", "line 1, column 14", "factor must be >= 0"),
    (
        "number-product",
        "2 * 3",
        "line 1, column 1",
        "* multiplies a schedule by a schedule or a number",
    ),
    ("string-product", "cosine(1) * 'x'", "line 1, column 1", "* multiplies a schedule"),
    ("other-operator", "cosine(1) + cosine(2)", "line 1, column 1", "an operator other than *"),
    ("not-a-schedule", "[1, 2]", "line 1, column 1", "expected a schedule"),
    ("bare-name", "chain(cosine)", "line 1, column 7", "cosine must be called"),
    ("malformed", "chain(warmup(10), ", "line 1", "malformed expression"),
    ("malformed-close", "cosine(10))", "line 1", "malformed expression"),
    ("empty", "", "line 1", "malformed expression"),
    ("import", "__import__('os').system('true')", "line 1, column 1", "attribute access"),
    ("import-call", "__import__('os')", "line 1, column 1", "unknown schedule '__import__'"),
    ("dunder-class", "().__class__", "line 1, column 1", "attribute access"),
    ("module-attr", "lf.cosine(10)", "line 1, column 1", "without the 'lf.' prefix"),
    ("module-path", "chain(lrfunc._basic.cosine(10))", "line 1, column 7", "'lrfunc._basic.'"),
    ("uncalled-attr", "chain(lf.cosine)", "line 1, column 7", "write cosine(...) without"),
    ("other-attr", "os.system('true')", "line 1, column 1", "attribute access"),
    ("subscript", "cosine(10)[0]", "line 1, column 1", "indexing"),
    ("lambda", "cosine(lambda: 1)", "line 1, column 8", "a lambda"),
    ("comprehension", "multistep([i for i in range(3)])", "line 1, column 11", "a comprehension"),
    ("dict", "cosine(**{'steps': 1})", "line 1, column 10", "**-unpacking"),
    ("star", "chain(*[cosine(1)])", "line 1, column 7", "*-unpacking"),
    ("walrus", "cosine((x := 3))", "line 1, column 9", "an assignment"),
    ("fstring", "cosine(f'{1}')", "line 1, column 8", "an f-string"),
    ("bytes", "cosine(b'1')", "line 1, column 8", "unsupported constant"),
    ("complex", "cosine(1j)", "line 1, column 8", "unsupported constant"),
    ("sign-on-string", "cosine(-'a')", "line 1, column 8", "a sign applies to numbers only"),
    ("null-byte", "cosine(1)\x00", "", "malformed expression"),
    ("big-int", "cosine(" + "9" * 5000 + ")", "", "malformed expression"),
    ("unicode-column", "chain('é', cosin(1))", "line 1, column 12", "unknown schedule"),
    # Columns count characters of the original text, leading non-ASCII whitespace included.
    (
        "ideographic-space",
        "\u3000cosine(10, ned=1)",
        "line 1, column 17",
        "unknown parameter 'ned'",
    ),
    ("two-wide-spaces", "\u3000\u3000cosine(10, ned=1)", "line 1, column 18", "'ned'"),
    ("wide-space-line-2", "\n\u3000 cosine(10, ned=1)", "line 2, column 18", "'ned'"),
    ("wide-space-syntax", "\u3000cosine(10", "line 1, column 8", "'(' was never closed"),
    # Python refuses a repeated keyword in its compiler; ast.parse lets it through.
    (
        "repeated-keyword",
        "cosine(10, end=0.1, end=0.2)",
        "line 1, column 21",
        "keyword argument repeated: 'end'",
    ),
    ("too-long", "cosine(1)" + " " * 200_000, "", "expression too long"),
    ("nested-parens", "(" * 500 + "cosine(1)" + ")" * 500, "line 1", "too many nested parentheses"),
    (
        "nested-calls",
        "scale(" * 150 + "cosine(1)" + ", 1.0)" * 150,
        "line 1",
        "nested more than 100 deep",
    ),
    (
        "nested-lists",
        "multistep(" + "[" * 150 + "1" + "]" * 150 + ")",
        "line 1",
        "nested more than 100 deep",
    ),
    ("deep-unary", "cosine(" + "-" * 50_000 + "1)", "", "nested too deeply"),
    ("long-product", " * ".join(["cosine(1)"] * 8000), "", "nested too deeply"),
    ("many-items", "multistep([" + "1," * 20_000 + "])", "line 1", "too many values"),
]


@pytest.mark.parametrize(
    ("text", "where", "message"), [c[1:] for c in BAD_TEXT], ids=[c[0] for c in BAD_TEXT]
)
def test_bad_text(text: str, where: str, message: str) -> None:
    start = time.perf_counter()
    with pytest.raises(lf.ConfigError) as info:
        lf.parse(text)
    assert time.perf_counter() - start < 2.0
    assert info.value.where.startswith(where), str(info.value)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def _deep(levels: int) -> dict[str, Any]:
    data: dict[str, Any] = {"name": "constant"}
    for _ in range(levels):
        data = {"name": "scale", "schedule": data, "factor": 1.0}
    return data


def _cycle() -> dict[str, Any]:
    data: dict[str, Any] = {"name": "chain"}
    data["schedules"] = [data]
    return data


WARMUP = {"name": "warmup", "steps": 10}
BAD_DATA = [
    (
        "unknown-name",
        {"name": "cosin", "steps": 1},
        "name",
        "unknown schedule 'cosin'; did you mean 'cosine'",
    ),
    (
        "unknown-nested",
        {"name": "chain", "schedules": [WARMUP, {"name": "cosin"}]},
        "schedules[1].name",
        "unknown schedule",
    ),
    ("no-name", {"steps": 10}, "top level", "expected a schedule"),
    ("name-type", {"name": 3}, "name", "must be a string"),
    (
        "wrong-type",
        {"name": "chain", "schedules": [WARMUP, {"name": "cosine", "args": ["ten"]}]},
        "schedules[1].args[0]",
        "steps must be an int >= 0",
    ),
    (
        "wrong-type-kwargs",
        {
            "name": "chain",
            "args": [WARMUP, {"name": "cosine", "args": [9], "kwargs": {"end": "x"}}],
        },
        "args[1].kwargs.end",
        "end must be a real number",
    ),
    (
        "missing",
        {"name": "chain", "schedules": [WARMUP, {"name": "cosine"}]},
        "schedules[1]",
        "cosine is missing its parameter 'steps'",
    ),
    (
        "extra",
        {"name": "cosine", "steps": 1, "ends": 0.1},
        "ends",
        "unknown parameter 'ends' for cosine; did you mean 'end'?",
    ),
    (
        "extra-positional",
        {"name": "cosine", "args": [1, 2]},
        "args[1]",
        "takes 1 positional argument(s)",
    ),
    (
        "out-of-range",
        {"name": "chain", "schedules": [WARMUP, {"name": "cosine", "steps": 9, "end": -1}]},
        "schedules[1].end",
        "end must be >= 0",
    ),
    (
        "bad-item",
        {"name": "multistep", "boundaries": [1, 0]},
        "boundaries[1]",
        "boundaries[1] must be a positive int",
    ),
    (
        "bad-piece",
        {"name": "chain", "schedules": [{"name": "step", "every": 2}, WARMUP]},
        "schedules[0]",
        "never ends",
    ),
    (
        "varargs-not-list",
        {"name": "chain", "schedules": WARMUP},
        "schedules",
        "schedules must be a list",
    ),
    ("args-not-list", {"name": "cosine", "args": 3}, "args", "args must be a list"),
    ("not-a-table", [1, 2], "top level", "expected a schedule"),
    ("object", {"name": "cosine", "steps": object()}, "steps", "expected a number, string"),
    ("bytes", {"name": "cosine", "steps": b"1"}, "steps", "expected a number, string"),
    ("int-key", {"name": "cosine", 1: 2}, "top level", "keys must be strings"),
    (
        "hydra-foreign",
        {"_target_": "os.system", "_args_": ["true"]},
        "_target_",
        "must name an lrfunc schedule",
    ),
    (
        "hydra-partial",
        {"_target_": "lrfunc.cosine", "steps": 3, "_partial_": True},
        "_partial_",
        "unsupported Hydra key",
    ),
    (
        "hydra-unknown",
        {"_target_": "lrfunc.__import__"},
        "_target_",
        "unknown schedule '__import__'",
    ),
    ("deep", _deep(10_000), "schedule.schedule", "nested more than 100 deep"),
    ("cycle", _cycle(), "schedules[0]", "nested more than 100 deep"),
    (
        "huge",
        {"name": "multistep", "boundaries": list(range(1, 200_000))},
        "boundaries[",
        "too many values",
    ),
]


@pytest.mark.parametrize(
    ("data", "where", "message"), [c[1:] for c in BAD_DATA], ids=[c[0] for c in BAD_DATA]
)
def test_bad_data(data: Any, where: str, message: str) -> None:
    start = time.perf_counter()
    with pytest.raises(lf.ConfigError) as info:
        lf.from_config(data)
    assert time.perf_counter() - start < 2.0
    assert info.value.where.startswith(where), str(info.value)
    assert message in str(info.value)


def test_non_data_is_named() -> None:
    with pytest.raises(lf.ConfigError, match=r"^schedules\[1\]\.end: cosine holds a tensor"):
        lf.to_config(lf.chain(lf.warmup(3), lf.cosine(5, end=torch.tensor(0.1))))

    @dataclasses.dataclass(frozen=True, repr=False)
    class mine(lf.Schedule):
        steps = None

    with pytest.raises(lf.ConfigError, match=r"^schedule: .*mine is not a schedule that lrfunc"):
        lf.to_config(lf.shift(mine(), 2))
    with pytest.raises(lf.ConfigError, match="expected a Schedule"):
        lf.to_config("cosine(3)")  # type: ignore[arg-type]


# -- fuzzing: only ConfigError, and fast --------------------------------------------------

NAMES = sorted(registry())
TOKENS = [
    *NAMES,
    "(",
    ")",
    "[",
    "]",
    ",",
    "*",
    "=",
    "-",
    " ",
    "1",
    "0.5",
    "1e9",
    "'a'",
    "None",
    "True",
    "end",
    "steps",
    "boundaries",
    ".",
    "__class__",
    "lambda",
    ":",
    "**",
    "\n",
]


def _parse_or_error(text: str) -> None:
    start = time.perf_counter()
    try:
        result = lf.parse(text)
    except lf.ConfigError as exc:
        assert "\n" not in str(exc)
    else:
        assert isinstance(result, lf.Schedule)
        assert lf.parse(repr(result)) == result
    assert time.perf_counter() - start < 2.0


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200) | st.binary(max_size=200).map(lambda b: b.decode("latin-1")))
def test_fuzz_text(text: str) -> None:
    _parse_or_error(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=40).map("".join))
def test_fuzz_tokens(text: str) -> None:
    _parse_or_error(text)


KEYS = [
    "name",
    "_target_",
    "_args_",
    "args",
    "kwargs",
    "steps",
    "end",
    "schedules",
    "schedule",
    "boundaries",
    "gamma",
    "factor",
    "values",
    "min",
    "by",
    "every",
]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(),
    st.sampled_from(NAMES),
    st.sampled_from(["lrfunc." + n for n in NAMES]),
    st.text(max_size=10),
)
trees = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=5), inner, max_size=4)
        | st.fixed_dictionaries(
            {"name": st.sampled_from(NAMES)}, optional={k: inner for k in KEYS[2:]}
        )
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(trees)
def test_fuzz_data(data: Any) -> None:
    start = time.perf_counter()
    try:
        result = lf.from_config(data)
    except lf.ConfigError:
        pass
    else:
        assert isinstance(result, lf.Schedule)
        assert lf.from_config(lf.to_config(result)) == result
    assert time.perf_counter() - start < 2.0
