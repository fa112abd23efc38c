"""The page's framework blocks are all marked for make test-integrations, and no other is.

Runs in the main suite too (no framework needed): a block added to a framework section
without the marker would fail ``make test`` for want of the framework, and one marked
elsewhere would never run.
"""

from __future__ import annotations

from page import FRAMEWORKS, SKIP, sections


def test_framework_blocks_are_marked_and_the_rest_run_in_the_main_suite() -> None:
    found = sections()
    assert set(FRAMEWORKS) <= set(found)
    for title, section in found.items():
        for block in section:
            if block.lang != "python":
                continue
            if title in FRAMEWORKS:
                assert block.skip == SKIP, f"{block.where}: mark it '{SKIP}'"
            else:
                assert block.skip is None, f"{block.where}: runs in the main suite unmarked"


def test_each_framework_section_has_code() -> None:
    found = sections()
    for title in FRAMEWORKS:
        assert any(b.lang == "python" for b in found[title]), title
