"""The docs run as written: every code block of README.md and docs/*.md is executed.

Conventions (what a block in the docs must follow):

* ```` ```python ```` blocks run in order, in one namespace per Markdown file, after
  :data:`PRELUDE` (the context the docs elide: ``model``, ``opt``, ``loader``, ``loss``...).
  A block whose first line starts with ``>>>`` is a doctest: its output is compared
  (``NORMALIZE_WHITESPACE``, ``ELLIPSIS``). After a block runs, each function it defined
  whose name starts with ``test_`` is called, as pytest would.
* ```` ```bash ```` / ```` ```sh ```` blocks run as one ``bash -e`` script; they must exit 0.
* ```` ```console ```` blocks: each line starting with ``$ `` is a command (a line ending in
  ``\\`` continues it); the lines after it, up to the next ``$ ``, are its output, compared
  with stdout + stderr (``...`` matches anything). A command shown without output must
  exit 0; one shown with output must exit 0 unless that output is an ``error:`` line.
* A ```` ```toml ````, ```` ```yaml ```` or ```` ```json ```` block whose first line is a
  comment naming a file (``# conf/train.toml``) is written to that file, for the blocks
  after it to read.
* ``<!-- doctest: skip (reason) -->`` on the line before a block leaves it out; the reason
  is required (a block that needs CUDA, or one that waits on a change made elsewhere).

Everything runs in a fresh temporary directory per file, holding an empty ``docs/``
(python blocks with it as the working directory), with this interpreter's ``bin/`` first on ``PATH`` (so ``lrfunc`` and
``python -m lrfunc`` are this checkout's) and ``MPLBACKEND=Agg``.
"""

from __future__ import annotations

import doctest
import inspect
import os
import re
import subprocess
import sys
import textwrap
import types
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
FILES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

#: What the docs leave out: a small model, its optimizer and data. Blocks may rebind these.
PRELUDE = """
import torch
import lrfunc as lf

torch.manual_seed(0)
model = torch.nn.Linear(4, 1)
opt = torch.optim.AdamW(model.parameters(), lr=3e-4)
loader = [torch.randn(8, 4) for _ in range(3)]   # three batches


def loss(batch):
    return model(batch).square().mean()


device = "cpu"
epochs = 2
val_loss = 1.0
schedules = {"lr": lf.cosine(1_000)}
"""

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,})(?P<info>[^`\n]*)$")
_SKIP = re.compile(r"^\s*<!--\s*doctest:\s*skip\s*\((?P<reason>.*)\)\s*-->\s*$")
_MARKER = re.compile(r"<!--\s*doctest:")
_FILE = re.compile(r"^#\s*(?P<path>[\w./-]+\.(?:toml|ya?ml|json))\s*$")
SHELL = {"bash", "sh", "shell"}
DATA = {"toml", "yaml", "yml", "json"}


@dataclass(frozen=True)
class Block:
    path: Path
    line: int  # 1-based line of the first line of code
    lang: str
    code: str
    skip: str | None  # the reason, when marked

    @property
    def where(self) -> str:
        return f"{os.path.relpath(self.path, ROOT)}:{self.line}"


def blocks(path: Path) -> list[Block]:
    """The fenced blocks of a Markdown file, dedented (blocks may sit in list items)."""
    lines = path.read_text().splitlines()
    found: list[Block] = []
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if not m:
            if _MARKER.search(lines[i]) and not _SKIP.match(lines[i]):
                raise AssertionError(f"{path.name}:{i + 1}: malformed marker {lines[i]!r}")
            i += 1
            continue
        fence, indent = m["fence"], m["indent"]
        lang = m["info"].strip().split(" ")[0].lower()
        end = i + 1
        while end < len(lines) and lines[end].strip() != fence:
            end += 1
        code = textwrap.dedent("\n".join(lines[i + 1 : end])) + "\n"
        assert all(not s.strip() or s.startswith(indent) for s in lines[i + 1 : end]), (
            f"{path.name}:{i + 1}: a line of the block is less indented than its fence"
        )
        k = i - 1
        while k >= 0 and not lines[k].strip():
            k -= 1
        marker = _SKIP.match(lines[k]) if k >= 0 else None
        skip = marker["reason"].strip() if marker else None
        assert skip is None or skip, f"{path.name}:{k + 1}: a skip marker needs a reason"
        found.append(Block(path, i + 2, lang, code, skip))
        i = end + 1
    return found


# -- python ------------------------------------------------------------------------------


def run_python(block: Block, namespace: dict[str, Any]) -> None:
    before = set(namespace)
    if block.code.lstrip().startswith(">>>"):
        run_doctest(block, namespace)
    else:
        # Padded so that a traceback names the line of the Markdown file.
        source = "\n" * (block.line - 1) + block.code
        exec(compile(source, str(block.path), "exec"), namespace)
    for name in sorted(set(namespace) - before):
        value = namespace[name]
        if name.startswith("test_") and inspect.isfunction(value):
            value()


def run_doctest(block: Block, namespace: dict[str, Any]) -> None:
    test = doctest.DocTestParser().get_doctest(
        block.code, namespace, block.where, str(block.path), block.line - 1
    )
    flags = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS
    runner = doctest.DocTestRunner(optionflags=flags)
    report: list[str] = []
    runner.run(test, out=report.append, clear_globs=False)
    assert runner.failures == 0, "".join(report)


# -- shell -------------------------------------------------------------------------------


def shell_env() -> dict[str, str]:
    bin_dir = str(Path(sys.executable).parent)
    return {**os.environ, "PATH": bin_dir + os.pathsep + os.environ["PATH"], "MPLBACKEND": "Agg"}


def sh(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-e", "-c", command],
        cwd=cwd,
        env=shell_env(),
        capture_output=True,
        text=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )


def run_bash(block: Block, cwd: Path) -> None:
    result = sh(block.code, cwd)
    assert result.returncode == 0, (
        f"{block.where}: exit {result.returncode}\n{result.stdout}{result.stderr}"
    )


def console_commands(code: str) -> list[tuple[str, str]]:
    """``(command, expected output)`` pairs of a console block."""
    pairs: list[tuple[str, list[str]]] = []
    lines = code.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("$ "):
            command = [line[2:]]
            while command[-1].endswith("\\") and i + 1 < len(lines):
                i += 1
                command.append(lines[i])
            pairs.append(("\n".join(command), []))
        elif pairs:
            pairs[-1][1].append(line)
        elif line.strip():
            raise AssertionError(f"output before the first '$ ' command: {line!r}")
        i += 1
    return [(c, "\n".join(out).strip("\n")) for c, out in pairs]


def run_console(block: Block, cwd: Path) -> None:
    checker = doctest.OutputChecker()
    for command, expected in console_commands(block.code):
        result = sh(command, cwd)
        got = (result.stdout + result.stderr).rstrip("\n")
        where = f"{block.where}: $ {command}"
        if not expected or "error:" not in expected:
            assert result.returncode == 0, f"{where}\nexit {result.returncode}\n{got}"
        if expected:
            ok = checker.check_output(expected + "\n", got + "\n", doctest.ELLIPSIS)
            assert ok, f"{where}\n--- expected\n{expected}\n--- got\n{got}"


# -- the tests ---------------------------------------------------------------------------


def write_file(block: Block, cwd: Path) -> None:
    first = block.code.splitlines()[0] if block.code.strip() else ""
    m = _FILE.match(first)
    if m:
        target = cwd / m["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(block.code)


@pytest.mark.slow
@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(ROOT)) for p in FILES])
def test_doc_runs(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("hypothesis")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    # A real module, so that classes a page defines (dataclasses) can find their module.
    module = types.ModuleType(f"docs_{path.stem.replace('-', '_')}")
    monkeypatch.setitem(sys.modules, module.__name__, module)
    namespace: dict[str, Any] = module.__dict__
    (tmp_path / "docs").mkdir()  # where the command that drew docs/schedule.png writes
    # Families a page registers must not leak into the other tests of this process.
    from lrfunc.testing.strategies import FAMILIES

    families = dict(FAMILIES)
    try:
        run_blocks(path, tmp_path, namespace)
    finally:
        FAMILIES.clear()
        FAMILIES.update(families)
        plt = sys.modules.get("matplotlib.pyplot")
        if plt is not None:
            plt.close("all")  # type: ignore[attr-defined]


def run_blocks(path: Path, tmp_path: Path, namespace: dict[str, Any]) -> None:
    for block in blocks(path):
        if block.skip is not None:
            continue
        if block.lang == "python":
            if "loss" not in namespace:
                exec(PRELUDE, namespace)
            run_python(block, namespace)
        elif block.lang in SHELL:
            run_bash(block, tmp_path)
        elif block.lang == "console":
            run_console(block, tmp_path)
        elif block.lang in DATA:
            write_file(block, tmp_path)


def test_every_skip_marker_names_a_block_and_a_reason() -> None:
    skipped = [b for path in FILES for b in blocks(path) if b.skip is not None]
    for block in skipped:
        assert block.lang in {"python", "console", *SHELL}, block.where
        assert len(block.skip or "") >= 10, f"{block.where}: say why it is skipped"


def test_console_blocks_are_parsed_as_commands_and_output() -> None:
    code = "$ lrfunc a \\\n    --b 1\nout 1\nout 2\n$ lrfunc c\n"
    assert console_commands(code) == [("lrfunc a \\\n    --b 1", "out 1\nout 2"), ("lrfunc c", "")]


def test_a_blocks_test_functions_are_called_and_doctests_compared() -> None:
    namespace: dict[str, Any] = {}
    code = "calls = []\n\ndef test_it():\n    calls.append(1)\n"
    run_python(Block(ROOT / "README.md", 1, "python", code, None), namespace)
    assert namespace["calls"] == [1]
    with pytest.raises(AssertionError, match="Expected"):
        run_python(Block(ROOT / "README.md", 1, "python", ">>> 1 + 1\n3\n", None), namespace)


def test_skip_markers_are_read_with_their_reason(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("<!-- doctest: skip (needs CUDA (a GPU)) -->\n\n```python\nx = 1\n```\n")
    (block,) = blocks(page)
    assert (block.skip, block.code, block.line) == ("needs CUDA (a GPU)", "x = 1\n", 4)
    page.write_text("<!-- doctest: skp (typo) -->\n```python\nx = 1\n```\n")
    with pytest.raises(AssertionError, match="malformed marker"):
        blocks(page)
