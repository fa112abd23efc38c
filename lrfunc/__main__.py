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

Every failure is one line on stderr (``lrfunc: error: ...``) and a non-zero exit status,
never a traceback; outputs that would be huge are refused with the limit named.
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn, cast

from . import __version__
from ._config import ConfigError, from_config
from ._parse import parse
from ._plot import INSTALL_HINT, points, resolve_steps, sample, switches
from ._plot import plot as plot_schedule
from ._recipe import Recipe
from ._schedule import Schedule
from ._textplot import text_plot
from ._validate import MAX_STEPS

__all__ = ["main"]

#: Most rows ``table`` prints: a billion-row table runs for hours and fills a disk, so a
#: longer one is refused with the ``--every K`` that brings it under.
MAX_ROWS = 1_000_000

#: Most rows or columns of the terminal plot (``show --width/--height``).
MAX_TEXT_SIZE = 1_000

#: Most pixels on a side of a ``plot`` image (``--width`` or ``--height`` times ``--dpi``):
#: the raster is allocated whole, 4 bytes a pixel.
MAX_PIXELS = 10_000

#: Largest config file read: configs are a few KB; this stops a wrong path (a dataset, a
#: device) from being read whole into memory.
MAX_CONFIG_BYTES = 16 * 2**20


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
            raw = f.read(MAX_CONFIG_BYTES + 1)
    except OSError as exc:
        raise _Fail(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(raw) > MAX_CONFIG_BYTES:
        raise _Fail(f"cannot read {path}: larger than the limit of {MAX_CONFIG_BYTES:,} bytes")
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


def _finite_values(sched: Schedule, xs: list[int], base_lr: float) -> list[float]:
    """``sample(sched, xs, base_lr)``, refused if a value is inf or NaN.

    A schedule that overflows float64 (``exp(1.001)`` over a million steps) is a mistake
    to report, not to draw: a plot has no scale for inf, JSON cannot hold it, and a CSV
    of ``inf`` would be read back as a learning rate. So all three commands stop here.
    """
    values = sample(sched, xs, base_lr)
    bad = next((i for i, v in enumerate(values) if not math.isfinite(v)), None)
    if bad is None:
        return values
    step, value = xs[bad], values[bad]
    if bad > 0:  # xs may skip steps (--every, thinning): find where it turns
        step, value = _first_not_finite(sched, xs[bad - 1], step, value, base_lr)
    raise _Fail(
        f"{sched!r:.200} is {value} at step {step}, not a finite number; "
        "show fewer steps (--steps N) or lower --base-lr"
    )


def _first_not_finite(
    sched: Schedule, good: int, bad: int, bad_value: float, base_lr: float
) -> tuple[int, float]:
    """The step after ``good`` (finite) from which ``sched`` is not finite up to ``bad``,
    by bisection: exact for a schedule that overflows once, as one that grows does."""
    while bad - good > 1:
        mid = (good + bad) // 2
        value = sample(sched, [mid], base_lr)[0]
        if math.isfinite(value):
            good = mid
        else:
            bad, bad_value = mid, value
    return bad, bad_value


def _show(args: argparse.Namespace) -> None:
    sched = _load(args.expr, args.key, args.steps)
    steps = _steps(sched, args.steps)
    xs = points(sched, steps)
    values = _finite_values(sched, xs, args.base_lr)
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
    for sched, steps in zip(scheds, lengths, strict=True):
        _finite_values(sched, points(sched, steps), args.base_lr)  # before drawing any
    try:
        from matplotlib.figure import Figure
    except ModuleNotFoundError:
        raise _Fail(f"plot needs matplotlib: {INSTALL_HINT}") from None
    _check_image_size(args.width, args.height, args.dpi)
    # Any: matplotlib's stubs leave the **kwargs of Figure/Axes methods untyped (unknown).
    fig: Any = Figure(figsize=(args.width, args.height), dpi=args.dpi, layout="constrained")
    _check_out(args.out, fig.canvas.get_supported_filetypes())
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


def _check_image_size(width: float, height: float, dpi: int) -> None:
    """Refuse an image too big to allocate (``--width 1000 --dpi 1000``: 10**12 pixels)."""
    wide, high = width * dpi, height * dpi  # floats: inf for --width 1e308
    if max(wide, high) > MAX_PIXELS:
        raise _Fail(
            f"an image of {wide:,.0f} x {high:,.0f} pixels (--width and --height times "
            f"--dpi) is over the limit of {MAX_PIXELS:,} a side; lower them"
        )


def _check_out(out: str, formats: dict[str, str]) -> None:
    """Refuse an ``--out`` that matplotlib would not write as named: a directory, or a
    name without a known extension (it would append ``.png`` and write another file)."""
    if os.path.isdir(out):
        raise _Fail(f"cannot write {out}: it is a directory")
    ext = os.path.splitext(out)[1][1:].lower()
    if ext not in formats:
        known = ", ".join(f".{e}" for e in sorted(formats))
        raise _Fail(f"cannot write {out}: the extension must name an image format ({known})")


def _table(args: argparse.Namespace) -> None:
    sched = _load(args.expr, args.key, args.steps)
    steps = _steps(sched, args.steps)
    rows = steps // args.every + 1
    if rows > MAX_ROWS:
        raise _Fail(
            f"the table would have {rows:,} rows, over the limit of {MAX_ROWS:,}; "
            f"print every K-th step with --every K (K >= {steps // MAX_ROWS + 1})"
        )
    xs = list(range(0, steps + 1, args.every))
    values = _finite_values(sched, xs, args.base_lr)
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


def _at_most(limit: int, shown: str) -> Callable[[str], int]:
    """An argparse type: a positive int no larger than ``limit`` (``shown`` in messages),
    so that a huge value is a usage error, not a huge allocation later."""

    def parse(text: str) -> int:
        value = _positive_int(text)
        if value > limit:
            raise argparse.ArgumentTypeError(f"expected at most {shown}, got {text!r}")
        return value

    return parse


def _finite(*, above_zero: bool) -> Callable[[str], float]:
    """An argparse type: a finite number >= 0 (``> 0`` with ``above_zero``); matplotlib
    and the schedules refuse inf and NaN with a traceback, so they stop here."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
        if not (value > 0 if above_zero else value >= 0) or not math.isfinite(value):
            bound = "> 0" if above_zero else ">= 0"
            raise argparse.ArgumentTypeError(f"expected a finite number {bound}, got {text!r}")
        return value

    return parse


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
            type=_at_most(MAX_STEPS, "2**53, the most steps float64 holds exactly"),
            metavar="N",
            help="last step shown (default: the schedule's length); a recipe (lengths "
            "as fractions of training, frac(...)) is bound to N updates",
        )
        p.add_argument(
            "--base-lr",
            type=_finite(above_zero=False),
            default=1.0,
            metavar="X",
            help="default 1 (factors)",
        )
        p.add_argument(
            "--key", metavar="A.B", help="dotted path of the schedule's table in a config file"
        )

    show = sub.add_parser("show", help="terminal plot and key points")
    show.add_argument("expr", metavar="EXPR")
    common(show)
    text_size = _at_most(MAX_TEXT_SIZE, f"{MAX_TEXT_SIZE:,}")
    show.add_argument("--width", type=text_size, default=64, help="columns of the plot")
    show.add_argument("--height", type=text_size, default=12, help="rows of the plot")
    show.set_defaults(run=_show)

    png = sub.add_parser("plot", help="draw one or more schedules into an image file")
    png.add_argument("expr", metavar="EXPR", nargs="+")
    common(png)
    png.add_argument("--out", required=True, metavar="FILE", help="image file (.png, .svg, .pdf)")
    png.add_argument("--title")
    png.add_argument("--width", type=_finite(above_zero=True), default=8.0, help="inches")
    png.add_argument("--height", type=_finite(above_zero=True), default=4.5, help="inches")
    png.add_argument("--dpi", type=_at_most(MAX_PIXELS, f"{MAX_PIXELS:,}"), default=100)
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
    except KeyboardInterrupt:  # Ctrl-C: one line, the shell's status for SIGINT
        print("lrfunc: interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
