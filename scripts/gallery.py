"""Draw the gallery: a picture of every public schedule and combinator, ``docs/gallery.md``.

Run ``make gallery`` (or ``.venv/bin/python -m scripts.gallery``) after adding or changing
a schedule. The schedules come from lrfunc's exports, so a new one appears without an
edit here: it is drawn from the ``lf.name(...)`` examples of its docstring until
:data:`SETTINGS` gives it a few settings at a readable scale. ``tests/test_gallery.py``
fails when a public schedule has no picture or the page is out of date.
"""

from __future__ import annotations

import ast
import doctest
import math
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import lrfunc as lf
from lrfunc._config import registry

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "gallery.md"
PICTURES = ROOT / "docs" / "gallery"

#: A few settings of each schedule, as the Python expression drawn and shown as the
#: caption. A schedule missing here is drawn from its docstring examples.
SETTINGS: dict[str, list[str]] = {
    "constant": ["lf.constant(1.0)", "lf.constant(0.5, steps=60)"],
    "linear": ["lf.linear(100)", "lf.linear(100, start=0.2, end=1.0)", "lf.linear(60, end=0.5)"],
    "warmup": [
        "lf.warmup(20)",
        "lf.warmup(20, shape='cosine')",
        "lf.warmup(20, shape='exponential')",
        "lf.warmup(20, start=0.0, shape='1-sqrt')",
    ],
    "step": ["lf.step(30, gamma=0.5)", "lf.step(20, gamma=0.8)"],
    "multistep": ["lf.multistep([30, 60, 80], gamma=0.3)"],
    "exp": [
        "lf.exp(0.97)",
        "lf.exp(0.5, every=25, staircase=True)",
        "lf.exp(0.95, begin=20, end=0.2)",
    ],
    "cosine": ["lf.cosine(100)", "lf.cosine(100, end=0.1)", "lf.cosine(100, exponent=2.0)"],
    "poly": ["lf.poly(100)", "lf.poly(100, power=2.0)", "lf.poly(100, power=0.5, end=0.1)"],
    "piecewise_constant": ["lf.piecewise_constant([25, 60, 85], [1.0, 0.5, 0.2, 0.05])"],
    "interpolate": [
        "lf.interpolate([0, 20, 100], [0.0, 1.0, 0.1])",
        "lf.interpolate([0, 20, 100], [0.0, 1.0, 0.1], shape='cosine')",
    ],
    "cosine_wave": ["lf.cosine_wave(40)", "lf.cosine_wave(40, end=0.2)"],
    "inverse_sqrt": [
        "lf.inverse_sqrt(20)",
        "lf.inverse_sqrt(20, timescale=5.0)",
        "lf.inverse_sqrt(20, timescale=10, start=0.0)",
    ],
    "noam": ["lf.noam(512, 20)", "lf.noam(512, 40)"],
    "rex": ["lf.rex(100)", "lf.rex(100, end=0.1)"],
    "tanh": ["lf.tanh(100)", "lf.tanh(100, end=0.05)"],
    "inverse_time": ["lf.inverse_time(0.1)", "lf.inverse_time(0.5, every=20, staircase=True)"],
    "wsd": [
        "lf.wsd(100, warmup=10, decay=0.2)",
        "lf.wsd(100, warmup=10, decay=0.3, shape='cosine')",
        "lf.wsd(100, warmup=10, decay=0.3, shape='1-sqrt', end=0.1)",
    ],
    "onecycle": ["lf.onecycle(100)", "lf.onecycle(100, anneal='linear', three_phase=True)"],
    "cyclic": [
        "lf.cyclic(10, low=0.1)",
        "lf.cyclic(10, low=0.1, mode='triangular2')",
        "lf.cyclic(10, low=0.1, mode='exp_range', gamma=0.97)",
    ],
    "restarts": [
        "lf.restarts(20, end=0.1)",
        "lf.restarts(10, mult=2.0)",
        "lf.restarts(20, decay=0.6, cycles=4)",
    ],
    "from_function": ["lf.from_function(lambda k: 0.5 ** (k / 20), steps=100)"],
    "chain": [
        "lf.chain(lf.warmup(10), lf.cosine(90, end=0.1))",
        "lf.chain(lf.warmup(10), lf.constant(steps=60), lf.linear(30))",
        "lf.chain(lf.constant(1.0), lf.exp(0.95), boundaries=[40])",
    ],
    "product": ["lf.warmup(10) * lf.multistep([50, 80], gamma=0.3)"],
    "scale": ["lf.cosine(100) * 0.5"],
    "clip": ["lf.clip(lf.cosine(100), min=0.2)", "lf.clip(lf.linear(100), max=0.6)"],
    "shift": ["lf.shift(lf.cosine(60), 30)", "lf.shift(lf.cosine(60), -20)"],
    "stretch": ["lf.stretch(lf.cosine(50), 2.0)", "lf.stretch(lf.cosine(50), 0.5)"],
    "in_epochs": [
        "lf.in_epochs(lf.cosine(10), 10)",
        "lf.in_epochs(lf.cosine(10), 10, held=False)",
    ],
    "repeat": [
        "lf.repeat(lf.chain(lf.warmup(5), lf.cosine(20)), decay=0.7)",
        "lf.repeat(lf.linear(15), mult=1.5)",
    ],
    "kdecay": ["lf.kdecay(lf.cosine(100), 2.0)", "lf.kdecay(lf.cosine(100), 0.5)"],
    "cooldown": [
        "lf.cooldown(lf.inverse_sqrt(10), 70, 30)",
        "lf.cooldown(lf.cosine(200), 60, 20, shape='1-sqrt')",
    ],
    "noise": ["lf.noise(lf.cosine(100), pct=0.1)", "lf.noise(lf.constant(0.5), pct=0.2, start=50)"],
}

#: The x range of a figure whose schedules never end (and the least one for any figure).
SHOWN_STEPS = 100


@dataclass(frozen=True)
class Figure:
    """One schedule's picture: its name and the expressions drawn."""

    name: str
    expressions: tuple[str, ...]

    @property
    def picture(self) -> str:
        return f"gallery/{self.name}.png"


def _docstring_examples(name: str, cls: type) -> list[str]:
    """The ``lf.name(...)`` calls in ``cls``'s docstring that build a ``cls``."""
    found: list[str] = []
    for example in doctest.DocTestParser().get_examples(cls.__doc__ or ""):
        try:
            tree = ast.parse(example.source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "lf"
                and node.func.attr == name
            ):
                text = ast.unparse(node)
                if text not in found and isinstance(_build(text), cls):
                    found.append(text)
    return found


def _build(expression: str) -> lf.Schedule:
    """The schedule an expression of this file (or of a docstring) builds; a recipe is
    bound to ``SHOWN_STEPS`` updates."""
    value = eval(expression, {"lf": lf, "math": math})
    return value.bind(SHOWN_STEPS) if isinstance(value, lf.Recipe) else value


def figures() -> Iterator[Figure]:
    """Every public schedule, in the order lrfunc exports them, with what to draw."""
    for name, cls in registry().items():
        expressions = SETTINGS.get(name) or _docstring_examples(name, cls)
        yield Figure(name, tuple(expressions))


def page(found: list[Figure]) -> str:
    """The text of ``docs/gallery.md``."""
    lines = [
        "# Gallery",
        "",
        "Every public schedule and combinator, drawn as factors of `base_lr` (`base_lr=1`)",
        "from step 0. Generated by `make gallery` (`scripts/gallery.py`) from lrfunc's",
        "exports; `tests/test_gallery.py` fails when a schedule has no picture here. The",
        "formulas are in the README's tables and each docstring (`help(lf.cosine)`).",
        "",
    ]
    for figure in found:
        lines += [f"## `{figure.name}`", "", f"![{figure.name}]({figure.picture})", ""]
        lines += [f"- `{expression}`" for expression in figure.expressions]
        lines.append("")
    return "\n".join(lines)


def _last_step(schedules: list[lf.Schedule]) -> int:
    lengths = [s.steps for s in schedules]
    finite = [n for n in lengths if isinstance(n, int)]
    longest = max(finite, default=0)
    shown = math.ceil(longest * 1.15) + 5 if finite else SHOWN_STEPS
    return shown if len(finite) == len(lengths) else max(shown, SHOWN_STEPS)


def draw(figure: Figure) -> None:
    """Write ``docs/gallery/<name>.png``."""
    from matplotlib.figure import Figure as Canvas

    schedules = [_build(e) for e in figure.expressions]
    steps = _last_step(schedules)
    canvas = Canvas(figsize=(6.4, 2.6), layout="constrained")
    ax = canvas.subplots()
    for expression, sched in zip(figure.expressions, schedules, strict=True):
        lf.plot(sched, steps, ax=ax, label=expression)
    ax.set_title(figure.name, fontsize=10, loc="left")
    ax.set_ylabel("factor")
    ax.set_ylim(bottom=0)  # factors are >= 0: a curve's height reads against 0
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="best")
    canvas.savefig(ROOT / "docs" / figure.picture, dpi=80)


def main() -> int:
    found = list(figures())
    PICTURES.mkdir(exist_ok=True)
    for figure in found:
        draw(figure)
    PAGE.write_text(page(found))
    print(
        f"wrote {PAGE.relative_to(ROOT)} and {len(found)} pictures in {PICTURES.relative_to(ROOT)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
