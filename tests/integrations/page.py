"""Run the code blocks of docs/integrations.md section by section, for the tests to check.

A section is the text under one ``## `` heading. :func:`run_section` executes its
```` ```python ```` blocks in order in one fresh module namespace, with the working
directory where the test put it, and returns that namespace. The blocks that need a
framework carry :data:`SKIP` (so ``make test``'s docs runner leaves them out); the others
run there and need no test here.
"""

from __future__ import annotations

import sys
import types
from pathlib import Path
from typing import Any

import pytest

from tests.test_docs_run import Block, blocks, run_python

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "integrations.md"
SKIP = "needs Lightning/transformers/accelerate: run by make test-integrations"
FRAMEWORKS = ("PyTorch Lightning", "HF Trainer (transformers)", "accelerate")

#: The frameworks' own notices (deprecations inside them, few workers, no val loader) are
#: not what these tests check; the suite would turn them into errors.
FRAMEWORK_WARNINGS = [
    pytest.mark.filterwarnings("ignore::UserWarning"),
    pytest.mark.filterwarnings("ignore::FutureWarning"),
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
]


def fresh_accelerate_state() -> None:
    """accelerate keeps its state per process; each test that builds an Accelerator (the
    HF Trainer does) starts from none."""
    from accelerate.state import AcceleratorState, GradientState

    AcceleratorState._reset_state(True)
    GradientState._reset_state()


def sections() -> dict[str, list[Block]]:
    """The page's blocks under each ``## `` heading (those before the first: ``""``)."""
    lines = PAGE.read_text().splitlines()
    headings = [(i + 1, line[3:].strip()) for i, line in enumerate(lines) if line.startswith("## ")]
    found: dict[str, list[Block]] = {"": [], **{title: [] for _, title in headings}}
    for block in blocks(PAGE):
        title = ""
        for line, heading in headings:
            if line < block.line:
                title = heading
        found[title].append(block)
    return found


def run_section(title: str) -> dict[str, Any]:
    """Execute the section's python blocks in order; return the namespace."""
    module = types.ModuleType(f"docs_integrations_{len(sys.modules)}")
    # A real module: classes a block defines get a module that pickle and inspect can find.
    sys.modules[module.__name__] = module
    try:
        for block in sections()[title]:
            if block.lang == "python":
                run_python(block, module.__dict__)
    finally:
        del sys.modules[module.__name__]
    return module.__dict__
