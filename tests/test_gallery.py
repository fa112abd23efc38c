"""docs/gallery.md: a picture of every public schedule, and the page up to date.

The pictures themselves are drawn by ``make gallery`` (matplotlib output varies across
versions, so they are not compared byte for byte); the page's text is.
"""

from __future__ import annotations

import pytest

import lrfunc as lf
from lrfunc._config import registry
from scripts import gallery


def test_every_public_schedule_has_a_picture() -> None:
    figures = {f.name: f for f in gallery.figures()}
    assert set(figures) == set(registry())
    missing = [
        f.picture for f in figures.values() if not (gallery.ROOT / "docs" / f.picture).is_file()
    ]
    assert not missing, f"run `make gallery`: no picture for {missing}"
    assert all(f.expressions for f in figures.values())


def test_the_page_is_current() -> None:
    written = gallery.PAGE.read_text()
    assert written == gallery.page(list(gallery.figures())), "run `make gallery`"


@pytest.mark.parametrize("figure", list(gallery.figures()), ids=lambda f: f.name)
def test_each_picture_shows_its_schedule(figure: gallery.Figure) -> None:
    for expression in figure.expressions:
        assert type(gallery._build(expression)).__name__ == figure.name


def test_the_readme_links_the_gallery() -> None:
    assert "(docs/gallery.md)" in (gallery.ROOT / "README.md").read_text()


def test_a_schedule_without_settings_is_drawn_from_its_docstring() -> None:
    assert gallery._docstring_examples("rex", lf.rex) == ["lf.rex(4)"]
