"""The README's schedule tables are pinned to the code: every exported schedule has a row,
and each parameter and default a row shows is the schedule's own (one fact, stated in the
class, checked here rather than kept twice by hand)."""

from __future__ import annotations

import ast
import dataclasses
import re
from pathlib import Path

import pytest

import lrfunc as lf
from lrfunc._config import registry

README = (Path(__file__).parent.parent / "README.md").read_text()
# A row's first cell: `name(args)` (the product and scale rows are written as operators).
ROW = re.compile(r"^\| `(?P<name>[a-z_]+)\((?P<args>[^`]*)\)`", re.MULTILINE)
ROWS = {m["name"]: m["args"] for m in ROW.finditer(README)}
WRITTEN_AS_OPERATORS = {"product", "scale"}


def shown_parameters(args: str) -> dict[str, object]:
    """``name=default`` pairs and bare names of a row (``...`` and ``*`` skipped)."""
    shown: dict[str, object] = {}
    for part in (p.strip() for p in args.split(",")):
        if part in ("", "*", "..."):
            continue
        name, eq, default = part.partition("=")
        name = name.strip().lstrip("*")
        if re.fullmatch(r"f(_\w+)?", name):  # the wrapped schedule: f, f_0, f_N
            continue
        shown[name] = ast.literal_eval(default) if eq else dataclasses.MISSING
    return shown


def test_every_exported_schedule_has_a_row() -> None:
    missing = sorted(set(registry()) - set(ROWS) - WRITTEN_AS_OPERATORS)
    assert not missing, f"README.md has no table row for {missing}"


@pytest.mark.parametrize("name", sorted(set(ROWS) & set(registry())))
def test_row_matches_the_signature(name: str) -> None:
    fields = {f.name: f for f in dataclasses.fields(getattr(lf, name)) if f.init}
    for param, default in shown_parameters(ROWS[name]).items():
        assert param in fields, f"README row of {name} shows {param!r}, not a parameter"
        if default is not dataclasses.MISSING and fields[param].default is not dataclasses.MISSING:
            assert fields[param].default == default, (
                f"README row of {name}: {param}={default!r}, the code says "
                f"{fields[param].default!r}"
            )
