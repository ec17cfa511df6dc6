"""The lactation room door sign reads from 2 metres and carries a fold-over "in use / free" card."""

from __future__ import annotations

import re

import pytest
from pypdf import PdfReader

from .conftest import LANGUAGES, render_real_leaflet, text_runs

TITLE_MIN, RULE_MIN, OTHER_MIN = 40, 24, 18  # points: the reader's title and rules, the other language


@pytest.fixture(scope="module")
def sign(tmp_path_factory):
    """Render the real room sign in every language; return the pack, rendered pages and PDF paths."""
    return render_real_leaflet("room-sign", tmp_path_factory.mktemp("room-sign"))


def first_page_runs(path) -> list[tuple[str, float, int]]:
    """Return every piece of text on a PDF's first page with its size in points and its angle."""
    return text_runs(PdfReader(path).pages[0])


def squash(text: str) -> str:
    """Drop whitespace, so text split over lines compares equal."""
    return re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", text))


def sizes_of(runs, text: str) -> list[float]:
    """Return the sizes of the consecutive runs that together spell a text (fails if none do)."""
    wanted = squash(text)
    pieces = [squash(run[0]) for run in runs]
    for start in range(len(runs)):
        joined = ""
        for end in range(start, len(runs)):
            joined += pieces[end]
            if joined == wanted:
                return [run[1] for run in runs[start : end + 1]]
            if not wanted.startswith(joined):
                break
    raise AssertionError(f"{text!r} is not on the sign")


def rules(html: str) -> list[str]:
    """Return the room rules: the items of the page's first list."""
    first_list = re.search(r"<ul>(.*?)</ul>", html, re.S).group(1)
    return re.findall(r"<li>(.*?)</li>", first_list, re.S)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_readers_language_is_large_enough_to_read_from_two_metres(sign, lang):
    pack, pages, pdfs = sign
    runs = first_page_runs(pdfs[lang])
    assert len(PdfReader(pdfs[lang]).pages) == 1
    assert min(sizes_of(runs, pages[lang].page.title)) >= TITLE_MIN
    assert len(rules(pages[lang].html)) == 5
    for rule in rules(pages[lang].html):
        assert min(sizes_of(runs, rule)) >= RULE_MIN, rule


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_other_language_is_clearly_readable(sign, lang):
    pack, pages, pdfs = sign
    runs = first_page_runs(pdfs[lang])
    for other in (code for code in LANGUAGES if code != lang):
        assert min(sizes_of(runs, pages[other].page.title)) >= OTHER_MIN
        for rule in rules(pages[other].html):
            assert min(sizes_of(runs, rule)) >= OTHER_MIN, rule


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_card_shows_in_use_upright_and_free_upside_down(sign, lang):
    pack, pages, pdfs = sign
    runs = first_page_runs(pdfs[lang])
    words = {side: re.search(rf'<span class="{side}">(.*?)</span>', pages[lang].html).group(1) for side in ("in-use", "free")}
    in_use = [run for run in runs if run[0].strip() == words["in-use"]]
    free = [run for run in runs if run[0].strip() == words["free"]]
    assert in_use and in_use[0][1] >= TITLE_MIN and in_use[0][2] == 0
    assert free and free[0][1] >= TITLE_MIN and free[0][2] == 180


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_sign_has_no_health_service_footer(sign, lang):
    pack, pages, pdfs = sign
    text = PdfReader(pdfs[lang]).pages[0].extract_text()
    assert pack.organisation.name not in text
    assert str(pack.organisation.phone) not in text
    assert "119" not in text
