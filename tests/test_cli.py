"""The command line, ``python -m lrfunc``: end to end through a subprocess, and in-process
through ``main(argv)`` for the many small cases."""

from __future__ import annotations

import importlib.util
import json
import math
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

import lrfunc as lf
from lrfunc.__main__ import main
from lrfunc._plot import MAX_POINTS, points, resolve_steps
from lrfunc._textplot import text_plot

WSD = "chain(warmup(1000), cosine(99000, end=0.1))"


def run(
    *args: str, cwd: Path | None = None, code: str | None = None
) -> subprocess.CompletedProcess[str]:
    command = (
        [sys.executable, "-c", code, *args] if code else [sys.executable, "-m", "lrfunc", *args]
    )
    env = {**os.environ, "MPLBACKEND": "Agg"}
    return subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=cwd, env=env)


def assert_one_line_error(result: subprocess.CompletedProcess[str], status: int, text: str) -> None:
    assert result.returncode == status, result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("lrfunc"), lines[0]
    assert text in lines[0]
    assert "Traceback" not in result.stderr


# -- subprocess, end to end --------------------------------------------------------------


@pytest.mark.slow
def test_show_end_to_end() -> None:
    result = run("show", WSD, "--base-lr", "3e-4")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.splitlines()[0] == WSD
    assert "*" in out
    assert "peak:  0.0003 at step 1000" in out
    assert "end:   3e-05 at step 100000" in out
    assert "phases switch at: 1000 (0.0003)" in out
    assert "holds 3e-05 from step 100000" in out


@pytest.mark.slow
def test_plot_writes_a_png_showing_the_curves(tmp_path: Path) -> None:
    image = pytest.importorskip("matplotlib.image")
    out = tmp_path / "lr.png"
    result = run("plot", WSD, "step(20000, gamma=0.5)", "--steps", "100000", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert out.stat().st_size > 10_000
    pixels = image.imread(str(out))
    height, width, _ = pixels.shape
    assert (height, width) == (450, 800)
    area = pixels[int(0.1 * height) : int(0.85 * height), int(0.15 * width) : int(0.95 * width), :3]
    ink = (area < 0.9).any(axis=-1)
    assert ink.sum() > 2_000, "the plot area is (nearly) blank"
    _, counts = __import__("numpy").unique(
        (area * 7).round().reshape(-1, 3), axis=0, return_counts=True
    )
    assert (counts > 100).sum() >= 3, "expected the background and two coloured curves"
    blue = (abs(area - [0.12, 0.47, 0.71]) < 0.08).all(axis=-1)  # matplotlib's first colour
    assert blue.sum() > 300
    # The first curve spans the plot: ink in the left, middle and right thirds.
    columns = blue.any(axis=0).nonzero()[0]
    assert columns.min() < area.shape[1] * 0.1 and columns.max() > area.shape[1] * 0.9


@pytest.mark.slow
def test_errors_end_to_end() -> None:
    assert_one_line_error(
        run("show", "chain(warmup(10), cosin(90))"),
        1,
        "lrfunc: error: expression: line 1, column 19: unknown schedule 'cosin'",
    )


@pytest.mark.slow
def test_import_and_plot_without_matplotlib(tmp_path: Path) -> None:
    code = (
        "import sys, runpy, lrfunc; assert 'matplotlib' not in sys.modules, 'imported'; "
        "sys.modules['matplotlib'] = None; sys.argv[0] = 'lrfunc'; "
        "runpy.run_module('lrfunc', run_name='__main__')"
    )
    result = run("plot", "cosine(10)", "--out", str(tmp_path / "x.png"), code=code)
    assert_one_line_error(result, 1, "plot needs matplotlib: pip install 'lrfunc[plot]'")
    assert not (tmp_path / "x.png").exists()


@pytest.mark.slow
def test_table_from_toml_file_with_the_console_script(tmp_path: Path) -> None:
    config = tmp_path / "train.toml"
    config.write_text(
        "[optim.schedule]\n"
        'name = "chain"\n'
        "[[optim.schedule.schedules]]\n"
        'name = "warmup"\n'
        "steps = 2\n"
        "start = 0.0\n"
        "[[optim.schedule.schedules]]\n"
        'name = "linear"\n'
        "steps = 2\n"
    )
    # Through the console script when it is installed (pip install lrfunc), else -m.
    script = Path(sys.executable).with_name("lrfunc")
    args = ["table", str(config), "--key", "optim.schedule", "--format", "json"]
    if script.exists():
        result = subprocess.run([str(script), *args], capture_output=True, text=True, timeout=120)
    else:
        result = run(*args)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        {"step": 0, "lr": 0.0},
        {"step": 1, "lr": 0.5},
        {"step": 2, "lr": 1.0},
        {"step": 3, "lr": 0.5},
        {"step": 4, "lr": 0.0},
    ]


# -- in process ------------------------------------------------------------------------


def test_table_csv(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["table", "cosine(10, end=0.1)", "--every", "5", "--base-lr", "2"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == [
        "step,lr",
        "0,2.0",
        f"5,{lf.cosine(10, end=0.1)(5, 2.0)!r}",
        "10,0.2",
    ]


def test_table_steps_for_an_endless_schedule(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["table", "step(2, gamma=0.5) * 0.5", "--steps", "4", "--format", "json"]) == 0
    values = [row["lr"] for row in json.loads(capsys.readouterr().out)]
    assert values == [0.5, 0.5, 0.25, 0.25, 0.125]


def test_show_lists_nested_phase_switches(capsys: pytest.CaptureFixture[str]) -> None:
    expr = "shift(chain(warmup(10), constant(1.0, steps=20), linear(30)), 5) * exp(0.99)"
    assert main(["show", expr, "--steps", "100", "--width", "40", "--height", "6"]) == 0
    out = capsys.readouterr().out
    assert "phases switch at: 5 (" in out
    assert ", 15 (" in out and ", 35 (" in out and ", 65 (" in out
    plot_lines = out.splitlines()[1:8]
    assert all(len(line) <= 9 + 40 for line in plot_lines)
    assert "^" in plot_lines[-1]


def test_json_config_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sched = lf.chain(lf.warmup(3), lf.cosine(5)) * 0.5
    path = tmp_path / "s.json"
    path.write_text(json.dumps(lf.to_config(sched, style="hydra")))
    assert main(["table", str(path)]) == 0
    rows = capsys.readouterr().out.splitlines()[1:]
    assert [float(r.split(",")[1]) for r in rows] == [sched(k) for k in range(9)]


def test_plot_in_process(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("matplotlib")
    path = tmp_path / "s.json"
    path.write_text(json.dumps(lf.to_config(lf.linear(50))))
    out = tmp_path / "two.svg"
    assert main(["plot", str(path), "cosine(100)", "--out", str(out), "--title", "t"]) == 0
    assert capsys.readouterr().out == f"wrote {out}\n"
    svg = out.read_text()
    assert "linear(50)" in svg and "cosine(100)" in svg


def test_plot_function() -> None:
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    ax = Figure().subplots()
    sched = lf.chain(lf.warmup(10), lf.cosine(30_000))
    assert lf.plot(sched, ax=ax, base_lr=0.1) is ax
    (line,) = ax.get_lines()
    xs, ys = line.get_data()
    assert xs[0] == 0 and xs[-1] == 30_010 and len(xs) < 21_000
    assert 10 in xs and 9 in xs  # the switch point is kept when thinning
    assert max(ys) == pytest.approx(0.1)
    assert line.get_label() == repr(sched)
    with pytest.raises(ValueError, match="never ends"):
        lf.plot(lf.exp(0.9), ax=ax)


def test_plot_function_without_matplotlib_says_how_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A None entry in sys.modules makes the import fail as if matplotlib were absent.
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ModuleNotFoundError, match=r"pip install 'lrfunc\[plot\]'"):
        lf.plot(lf.cosine(10))


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out == f"lrfunc {lf.__version__}\n"


@pytest.mark.slow
def test_version_end_to_end() -> None:
    result = run("--version")
    assert (result.returncode, result.stdout) == (0, f"lrfunc {lf.__version__}\n")


def _bad_files(tmp: Path) -> list[tuple[str, list[str], str]]:
    (tmp / "bad.json").write_text("{not json")
    (tmp / "bad.toml").write_text("name = ")
    (tmp / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    (tmp / "ok.json").write_text('{"name": "cosine", "steps": 10, "end": -1}')
    (tmp / "conf.yaml").write_text("name: cosine")
    return [
        ("missing-file", ["show", str(tmp / "nope.toml")], "cannot read"),
        ("bad-json", ["show", str(tmp / "bad.json")], "is not valid JSON"),
        ("bad-toml", ["show", str(tmp / "bad.toml")], "is not valid TOML"),
        ("deep-json", ["show", str(tmp / "deep.json")], "is not valid JSON"),
        ("bad-value", ["show", str(tmp / "ok.json")], "ok.json: end: cosine: end must be >= 0"),
        ("bad-key", ["show", str(tmp / "ok.json"), "--key", "a.b"], "has no table 'a.b'"),
        ("yaml", ["show", str(tmp / "conf.yaml")], "must end in .json or .toml"),
        ("endless", ["show", "exp(0.9)"], "never ends: give the number of steps"),
        ("malformed", ["table", "cosine(10"], "malformed expression"),
        ("lf-prefix", ["show", "lf.cosine(100)"], "write cosine(...) without the 'lf.' prefix"),
        ("not-a-schedule", ["table", "42"], "expected a schedule"),
        ("bad-out", ["plot", "cosine(3)", "--out", str(tmp / "no" / "dir.png")], "cannot write"),
        ("bad-format", ["plot", "cosine(3)", "--out", str(tmp / "x.nope")], "cannot write"),
    ]


@pytest.mark.parametrize("case", range(13), ids=lambda i: str(i))
def test_bad_input_one_line(case: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    name, argv, text = _bad_files(tmp_path)[case]
    if argv[0] == "plot":
        pytest.importorskip("matplotlib")
    assert main(argv) == 1, name
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(captured.err.splitlines()) == 1, captured.err
    assert captured.err.startswith("lrfunc: error: ")
    assert text in captured.err, captured.err


@pytest.mark.parametrize(
    "argv",
    [
        ["show", "cosine(3)", "--steps", "0"],
        ["show", "cosine(3)", "--steps", "ten"],
        ["show", "cosine(3)", "--base-lr", "-1"],
        ["table", "cosine(3)", "--format", "xml"],
        ["plot", "cosine(3)"],
        ["frobnicate"],
        [],
    ],
    ids=["steps-zero", "steps-text", "base-lr", "format", "no-out", "command", "nothing"],
)
def test_usage_errors(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1, err
    assert "error:" in err


# -- hostile input: one line on stderr, never a traceback, never a huge allocation --------

#: (id, command line after ``lrfunc``, exit status, fragment of the one stderr line);
#: ``{tmp}`` is a fresh directory holding ``latin1.toml`` and a directory ``dir.toml``.
HOSTILE: list[tuple[str, str, int, str]] = [
    # Values that overflow float64: refused by every command, naming where they turn.
    ("show-inf", "show exp(1.001) --steps 1000000", 1, "exp(1.001) is inf at step 710138"),
    ("table-inf", "table exp(1.001) --steps 1000000 --every 100000", 1, "inf at step 710138"),
    (
        "json-inf",
        "table exp(1.001) --steps 800000 --every 9 --format json",
        1,
        "inf at step 710138",
    ),
    ("plot-inf", "plot exp(1.001) --steps 1000000 --out {tmp}/x.png", 1, "inf at step 710138"),
    ("lr-inf", "show exp(1.5) --steps 2000 --base-lr 1e308", 1, "inf at step 2, not a finite"),
    ("inf-at-0", "table 'cosine(10) * 1e10' --base-lr 1e300", 1, "is inf at step 0"),
    # Outputs too big to make.
    ("rows", "table constant() --steps 1000000000000", 1, "1,000,000,000,001 rows, over"),
    ("rows-hint", "table constant() --steps 1000000000000", 1, "--every K (K >= 1000001)"),
    ("rows-edge", "table constant() --steps 1000000", 1, "1,000,001 rows, over the limit"),
    ("steps-2**53", f"show constant() --steps {2**53 + 1}", 2, "--steps: expected at most 2**53"),
    ("steps-10**400", f"table constant() --steps 1{'0' * 400}", 2, "expected at most 2**53"),
    ("steps-negative", "show cosine(10) --steps -5", 2, "expected a positive int, got '-5'"),
    ("every-zero", "table cosine(10) --every 0", 2, "--every: expected a positive int"),
    ("show-height", "show cosine(10) --height 1000000000", 2, "--height: expected at most 1,000"),
    ("show-width", "show cosine(10) --width 1001", 2, "--width: expected at most 1,000"),
    ("show-width-0", "show cosine(10) --width 0", 2, "--width: expected a positive int"),
    ("pixels", "plot cosine(10) --out {tmp}/x.png --width 1000 --dpi 1000", 1, "1,000,000 x 4,500"),
    ("pixels-inf", "plot cosine(9) --out {tmp}/x.png --width 1e308", 1, "an image of inf x 450"),
    ("dpi-huge", f"plot cosine(9) --out {{tmp}}/x.png --dpi 1{'0' * 400}", 2, "at most 10,000"),
    # Numbers matplotlib would choke on.
    ("width-nan", "plot cosine(9) --out {tmp}/x.png --width nan", 2, "number > 0, got 'nan'"),
    ("width-inf", "plot cosine(9) --out {tmp}/x.png --width inf", 2, "number > 0, got 'inf'"),
    (
        "height-neg",
        "plot cosine(9) --out {tmp}/x.png --height -1",
        2,
        "--height: expected a finite",
    ),
    ("height-0", "plot cosine(9) --out {tmp}/x.png --height 0", 2, "--height: expected a finite"),
    ("width-text", "plot cosine(9) --out {tmp}/x.png --width wide", 2, "a number, got 'wide'"),
    ("dpi-0", "plot cosine(9) --out {tmp}/x.png --dpi 0", 2, "--dpi: expected a positive int"),
    ("lr-inf-arg", "show cosine(10) --base-lr inf", 2, "--base-lr: expected a finite number"),
    ("lr-nan", "table cosine(10) --base-lr nan", 2, "--base-lr: expected a finite number"),
    # An --out that matplotlib would not write as named.
    ("out-dir", "plot cosine(10) --out {tmp}", 1, "it is a directory"),
    ("out-no-ext", "plot cosine(10) --out {tmp}/lr", 1, "must name an image format (.avif"),
    ("out-bad-ext", "plot cosine(10) --out {tmp}/lr.xyz", 1, "must name an image format"),
    ("out-no-dir", "plot cosine(10) --out {tmp}/no/lr.png", 1, "cannot write"),
    # Bad files and expressions.
    ("toml-latin1", "show {tmp}/latin1.toml", 1, "latin1.toml is not valid TOML"),
    ("toml-dir", "show {tmp}/dir.toml", 1, "cannot read"),
    ("expr-huge", f"show {'cosine(' * 15_000}", 1, "expression too long"),
    ("int-huge", f"show cosine(1{'0' * 5000})", 1, "malformed expression"),
]


def run_main(argv: list[str]) -> int:
    """``main(argv)``'s exit status, whether returned (1) or raised by argparse (2)."""
    try:
        return main(argv)
    except SystemExit as exc:
        assert isinstance(exc.code, int)
        return exc.code


@pytest.mark.parametrize(
    ("line", "status", "text"), [c[1:] for c in HOSTILE], ids=[c[0] for c in HOSTILE]
)
def test_hostile_input_one_line(
    line: str, status: int, text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = shlex.split(line.replace("{tmp}", str(tmp_path)))
    if argv[0] == "plot":
        pytest.importorskip("matplotlib")
    (tmp_path / "latin1.toml").write_bytes(b"name = '\xe9'\n")
    (tmp_path / "dir.toml").mkdir()
    before = sorted(tmp_path.iterdir())
    assert run_main(argv) == status
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "Traceback" not in captured.err
    assert len(captured.err.splitlines()) == 1, captured.err
    assert re.match(r"lrfunc( show| plot| table)?: error: ", captured.err), captured.err
    assert text in captured.err, captured.err
    assert sorted(tmp_path.iterdir()) == before  # nothing written (no lr.png beside lr)


def test_table_row_limit_boundary(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("lrfunc.__main__.MAX_ROWS", 5)
    assert main(["table", "constant()", "--steps", "4"]) == 0  # 5 rows: at the limit
    assert len(capsys.readouterr().out.splitlines()) == 1 + 5
    assert main(["table", "constant()", "--steps", "5"]) == 1
    assert (
        "6 rows, over the limit of 5; print every K-th step with --every K (K >= 2)"
        in capsys.readouterr().err
    )
    assert main(["table", "constant()", "--steps", "5", "--every", "2"]) == 0
    assert capsys.readouterr().out.splitlines()[1:] == ["0,1.0", "2,1.0", "4,1.0"]


def test_config_size_limit(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "s.json"
    path.write_text('{"name": "cosine", "steps": 10}')
    monkeypatch.setattr("lrfunc.__main__.MAX_CONFIG_BYTES", 16)
    assert main(["show", str(path)]) == 1
    assert (
        capsys.readouterr().err
        == f"lrfunc: error: cannot read {path}: larger than the limit of 16 bytes\n"
    )


@pytest.mark.parametrize("steps", ["1000000000000", str(2**53)])
def test_show_and_plot_thin_huge_ranges(
    steps: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # points() samples about MAX_POINTS steps however long the range: fast, memory-flat.
    assert len(points(lf.chain(lf.warmup(10), lf.constant()), int(steps))) < MAX_POINTS + 200
    assert main(["show", "chain(warmup(10), constant())", "--steps", steps]) == 0
    assert f"end:   1 at step {steps}" in capsys.readouterr().out
    if importlib.util.find_spec("matplotlib"):
        out = tmp_path / "lr.png"
        assert main(["plot", "constant()", "--steps", steps, "--out", str(out)]) == 0
        assert out.stat().st_size > 1000


def test_out_extension_case_is_kept(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    out = tmp_path / "lr.SVG"
    assert main(["plot", "cosine(10)", "--out", str(out)]) == 0
    assert [p.name for p in tmp_path.iterdir()] == ["lr.SVG"]


def test_library_checks_behind_the_cli() -> None:
    with pytest.raises(ValueError, match="finite"):
        text_plot([1.0, math.inf])
    with pytest.raises(ValueError, match="finite"):
        text_plot([math.nan])
    with pytest.raises(ValueError, match=r"steps must be <= 2\*\*53"):
        resolve_steps(lf.constant(), 2**53 + 1)


def test_ctrl_c_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("lrfunc.__main__.sample", interrupted)
    assert main(["show", "cosine(100)"]) == 130
    err = capsys.readouterr().err
    assert err == "lrfunc: interrupted\n"
