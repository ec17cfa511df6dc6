"""The counselling flipchart: each topic's script is printed on the back of the sheet before its picture.

The chart is printed double-sided, bound at the top and stood on a table like an easel. When sheet
k is turned over the top, its back faces the counsellor while the front of sheet k+1 faces the
family. Page p is on sheet (p + 1) // 2, on its front when p is odd and its back when p is even.
"""

from __future__ import annotations

import re

import pytest
from pypdf import PdfReader

from asipack.leaflets.html import split_cards, split_sides

from .conftest import LANGUAGES, render_real_leaflet, text_runs

TITLE_MIN_PT = 28  # the family reads the title from across a table
TITLE_WORDS = (3, 6)


def plain(html: str) -> str:
    """Return the text of some HTML, entities for quotes and ampersands undone."""
    text = re.sub(r"<[^>]+>", "", html)
    return text.replace("&quot;", '"').replace("&#34;", '"').replace("&amp;", "&").replace("&#39;", "'")


def squash(text: str) -> str:
    """Drop whitespace, so text broken over lines compares equal."""
    return re.sub(r"\s+", "", text)


def sheet_of(page: int) -> int:
    return (page + 1) // 2


def is_front(page: int) -> bool:
    return page % 2 == 1


@pytest.fixture(scope="module")
def flipchart(tmp_path_factory):
    """Render the real flipchart in every language; return, per language, its topics and each page's text runs."""
    pack, pages, pdfs = render_real_leaflet("flipchart", tmp_path_factory.mktemp("flipchart"))
    charts = {}
    for lang in LANGUAGES:
        topics = []
        for card in split_cards(pages[lang].html):
            _, script, title = split_sides(card)
            first_item = re.search(r"<li>(.*?)</li>", str(script), flags=re.S)
            assert first_item, f"the topic '{title}' ({lang}) has no script after its ### heading"
            topics.append((plain(str(title)).strip(), " ".join(plain(first_item.group(1)).split()[:6])))
        runs = [[(text, size) for text, size, _ in text_runs(p)] for p in PdfReader(pdfs[lang]).pages]
        charts[lang] = (pages[lang].page.title, topics, runs, pack.leaflets["flipchart"].pages)
    return charts


def page_text(runs) -> str:
    return squash("".join(text for text, _ in runs))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_script_is_on_the_back_of_the_sheet_before_its_picture(flipchart, lang):
    title, topics, pages, budget = flipchart[lang]
    texts = [page_text(runs) for runs in pages]
    assert len(topics) == 9
    assert len(pages) == 2 * (len(topics) + 1) == budget, "a cover, one sheet a topic, two pages a sheet"
    assert squash(title) in texts[0], "page 1 is the cover"
    for number, (topic, first_message) in enumerate(topics, start=1):
        picture = [n for n, text in enumerate(texts, start=1) if text == squash(topic)]
        script = [n for n, text in enumerate(texts, start=1) if squash(first_message) in text]
        assert len(picture) == 1, f"topic {number} '{topic}': one picture page with only its title, found {picture}"
        assert len(script) == 1, f"topic {number} '{topic}': one page with its script, found {script}"
        picture_page, script_page = picture[0], script[0]
        assert is_front(picture_page), f"topic {number}: the picture is on page {picture_page}, a back"
        assert not is_front(script_page), f"topic {number}: the script is on page {script_page}, a front"
        assert sheet_of(script_page) == sheet_of(picture_page) - 1, (
            f"topic {number}: the picture is on sheet {sheet_of(picture_page)}, the script on sheet {sheet_of(script_page)}"
        )
        assert squash(topic) in texts[script_page - 1], "the script names the picture the family sees"
    assert is_front(2 * len(topics) + 1) and "WHO" in texts[-1], "the back of the last sheet carries the colophon"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_family_title_is_short_and_large(flipchart, lang):
    _, topics, pages, _ = flipchart[lang]
    for topic, _ in topics:
        assert TITLE_WORDS[0] <= len(topic.split()) <= TITLE_WORDS[1], f"'{topic}': a family title has 3-6 words"
        runs = next(runs for runs in pages if page_text(runs) == squash(topic))
        smallest = min(size for _, size in runs)
        assert smallest >= TITLE_MIN_PT, f"'{topic}' prints at {smallest:.0f} pt"
