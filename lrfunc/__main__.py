"""``python -m lrfunc`` (or ``lrfunc``): look at a schedule before training with it.

Examples::

    lrfunc show "chain(warmup(1000), cosine(99000, end=0.1))" --base-lr 3e-4
    lrfunc plot "cosine(10000)" "step(2000, gamma=0.5)" --steps 10000 --out lr.png
    lrfunc table schedule.toml --every 1000 --format json
    lrfunc show "chain(warmup(frac(0.05)), cosine(frac(0.95)))" --steps 20000
    lrfunc --version

``EXPR`` is an expression as ``repr`` prints it, or the path of a ``.json`` or ``.toml``
file holding a config (see :func:`lrfunc.from_config`); ``--key a.b`` picks a table
inside the file.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn, cast

from . import __version__
from ._config import ConfigError, from_config
from ._parse import parse
from ._plot import INSTALL_HINT, points, resolve_steps, sample, switches
from ._plot import plot as plot_schedule
from ._recipe import Recipe
from ._schedule import Schedule
from ._textplot import text_plot

__all__ = ["main"]


class _Fail(Exception):
    """A user error: printed as one line, exit status 1."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One line, not argparse's usage block: the usage is one ``--help`` away.
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _load_file(path: str, key: str | None) -> Any:
    ext = os.path.splitext(path)[1].lower()
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as exc:
        raise _Fail(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        if ext == ".json":
            data = json.loads(raw)
        else:
            if sys.version_info >= (3, 11):
                import tomllib
            else:  # pragma: no cover - Python 3.10
                try:
                    tomllib = importlib.import_module("tomli")  # optional backport
                except ModuleNotFoundError:
                    raise _Fail(
                        f"reading {path} needs Python 3.11+ or the tomli package "
                        "(pip install tomli)"
                    ) from None
            data = tomllib.loads(raw.decode("utf-8"))
    except _Fail:
        raise
    except (ValueError, RecursionError, MemoryError) as exc:
        # json.JSONDecodeError, tomllib.TOMLDecodeError and UnicodeDecodeError are ValueErrors.
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise _Fail(f"{path} is not valid {ext[1:].upper()}: {first}") from None
    if key:
        for part in key.split("."):
            if not isinstance(data, dict) or part not in data:
                raise _Fail(f"{path} has no table {key!r} (missing {part!r})")
            data = cast("dict[str, Any]", data)[part]  # a TOML/JSON table
    return data


def _load(expr: str, key: str | None, steps: int | None) -> Schedule:
    """The schedule ``expr`` (an expression or a config file) describes; a recipe is bound
    to ``--steps``."""
    is_file = expr.lower().endswith((".json", ".toml"))
    if not is_file and os.path.isfile(expr):
        raise _Fail(f"cannot read {expr}: config files must end in .json or .toml")
    source = expr if is_file else "expression"
    try:
        sched = from_config(_load_file(expr, key)) if is_file else parse(expr)
    except ConfigError as exc:
        raise _Fail(f"{source}: {exc}") from None
    if not isinstance(sched, Recipe):
        return sched
    if steps is None:
        raise _Fail(
            f"{source} is a recipe, {sched!r:.200}: its lengths are fractions of training; "
            "give --steps N to bind it to N updates"
        )
    try:
        return sched.bind(steps)
    except ValueError as exc:
        raise _Fail(f"{source}: {exc}") from None


def _steps(sched: Schedule, steps: int | None) -> int:
    try:
        return resolve_steps(sched, steps)
    except ValueError as exc:
        raise _Fail(f"{exc} (--steps N)") from None


def _fmt(x: float) -> str:
    return f"{x:.6g}"


def _show(args: argparse.Namespace) -> None:
    sched = _load(args.expr, args.key, args.steps)
    steps = _steps(sched, args.steps)
    xs = points(sched, steps)
    values = sample(sched, xs, args.base_lr)
    cuts = [k for k in switches(sched) if k < steps and k != sched.steps]
    print(repr(sched))
    print(text_plot(values, last_step=steps, width=args.width, height=args.height, marks=cuts))
    peak = max(range(len(values)), key=values.__getitem__)
    low = min(range(len(values)), key=values.__getitem__)
    print(f"start: {_fmt(values[0])} at step 0")
    print(f"peak:  {_fmt(values[peak])} at step {xs[peak]}")
    print(f"min:   {_fmt(values[low])} at step {xs[low]}")
    print(f"end:   {_fmt(values[-1])} at step {steps}")
    if cuts:
        at = sample(sched, cuts, args.base_lr)
        listed = ", ".join(f"{k} ({_fmt(v)})" for k, v in zip(cuts, at, strict=True))
        print(f"phases switch at: {listed}")
    if sched.steps is not None and sched.steps <= steps:
        print(
            f"holds {_fmt(sample(sched, [sched.steps], args.base_lr)[0])} from step {sched.steps}"
        )


def _plot(args: argparse.Namespace) -> None:
    scheds = [_load(e, args.key, args.steps) for e in args.expr]
    lengths = [_steps(s, args.steps) for s in scheds]
    try:
        from matplotlib.figure import Figure
    except ModuleNotFoundError:
        raise _Fail(f"plot needs matplotlib: {INSTALL_HINT}") from None
    # Any: matplotlib's stubs leave the **kwargs of Figure/Axes methods untyped (unknown).
    fig: Any = Figure(figsize=(args.width, args.height), dpi=args.dpi, layout="constrained")
    ax: Any = fig.subplots()
    for expr, sched, steps in zip(args.expr, scheds, lengths, strict=True):
        label = repr(sched) if expr.lower().endswith((".json", ".toml")) else expr
        plot_schedule(sched, steps, ax=ax, base_lr=args.base_lr, label=label)
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small")
    ax.set_xlim(0, max(lengths))
    if args.title:
        ax.set_title(args.title)
    try:
        fig.savefig(args.out)
    except (OSError, ValueError) as exc:
        raise _Fail(f"cannot write {args.out}: {exc}") from None
    print(f"wrote {args.out}")


def _table(args: argparse.Namespace) -> None:
    sched = _load(args.expr, args.key, args.steps)
    steps = _steps(sched, args.steps)
    xs = list(range(0, steps + 1, args.every))
    values = sample(sched, xs, args.base_lr)
    if args.format == "json":
        print(json.dumps([{"step": k, "lr": v} for k, v in zip(xs, values, strict=True)]))
        return
    lines = ["step,lr", *(f"{k},{v!r}" for k, v in zip(xs, values, strict=True))]
    print("\n".join(lines))


def _positive_int(text: str) -> int:
    try:
        value = int(text.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive int, got {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive int, got {text!r}")
    return value


def _base_lr(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a finite number >= 0, got {text!r}")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="lrfunc",
        description="Look at a learning-rate schedule: a terminal plot, a PNG or a table. "
        "EXPR is an expression such as 'chain(warmup(1000), cosine(99000, end=0.1))' "
        "or a .json/.toml config file.",
    )
    parser.add_argument("--version", action="version", version=f"lrfunc {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--steps",
            type=_positive_int,
            metavar="N",
            help="last step shown (default: the schedule's length); a recipe (lengths "
            "as fractions of training, frac(...)) is bound to N updates",
        )
        p.add_argument(
            "--base-lr", type=_base_lr, default=1.0, metavar="X", help="default 1 (factors)"
        )
        p.add_argument(
            "--key", metavar="A.B", help="dotted path of the schedule's table in a config file"
        )

    show = sub.add_parser("show", help="terminal plot and key points")
    show.add_argument("expr", metavar="EXPR")
    common(show)
    show.add_argument("--width", type=_positive_int, default=64, help="columns of the plot")
    show.add_argument("--height", type=_positive_int, default=12, help="rows of the plot")
    show.set_defaults(run=_show)

    png = sub.add_parser("plot", help="draw one or more schedules into an image file")
    png.add_argument("expr", metavar="EXPR", nargs="+")
    common(png)
    png.add_argument("--out", required=True, metavar="FILE", help="image file (.png, .svg, .pdf)")
    png.add_argument("--title")
    png.add_argument("--width", type=float, default=8.0, help="inches")
    png.add_argument("--height", type=float, default=4.5, help="inches")
    png.add_argument("--dpi", type=_positive_int, default=100)
    png.set_defaults(run=_plot)

    table = sub.add_parser("table", help="print the values")
    table.add_argument("expr", metavar="EXPR")
    common(table)
    table.add_argument(
        "--every", type=_positive_int, default=1, metavar="K", help="print every K-th step"
    )
    table.add_argument("--format", choices=["csv", "json"], default="csv")
    table.set_defaults(run=_table)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0, 1 for a bad input, 2 for usage)."""
    args = _parser().parse_args(argv)
    try:
        args.run(args)
    except _Fail as exc:
        print(f"lrfunc: error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # `lrfunc table ... | head`
        sys.stderr.close()
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
