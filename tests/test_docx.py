"""Documents HR can edit: the model policy and the return-to-work letter as .docx, from the same HTML."""

from __future__ import annotations

import re

import docx
import pytest
from docx.oxml.ns import qn

from asipack.leaflets.docx import write_docx
from asipack.model.pack import load_pack
from asipack.render.formatting import format_fact
from asipack.render.markdown import PageRenderer

from .conftest import LANGUAGES, PROJECT

PAGES = ("employers/model-policy", "employers/return-to-work-letter")
HEADING_TAGS = {"h1": "Heading 1", "h2": "Heading 2", "h3": "Heading 3"}
FACTS_SHOWN = {"employers/model-policy": "leave.later_pay", "employers/return-to-work-letter": "work.express_session"}


@pytest.fixture(scope="module")
def renderer():
    """Render pages of the real pack (no cache, so the test sees the content as it is)."""
    return PageRenderer(load_pack(PROJECT))


def write(renderer, stem: str, lang: str, target):
    """Render one real page and write it as a .docx; return the HTML and the reopened document."""
    page = renderer.pack.pages[stem][lang]
    html = renderer.render(page).html
    write_docx(html, title=page.title, lang=lang, target=target)
    return html, docx.Document(str(target))


def plain(html: str) -> str:
    """Return the text of an HTML fragment, whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html)).strip()


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("stem", PAGES)
def test_the_page_headings_become_word_headings_in_order(renderer, stem, lang, tmp_path):
    html, document = write(renderer, stem, lang, tmp_path / "page.docx")
    expected = [(HEADING_TAGS[tag], plain(text)) for tag, text in re.findall(r"<(h[1-3])[^>]*>(.*?)</\1>", html)]
    found = [(p.style.name, p.text.strip()) for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert len(expected) >= 4
    assert found == expected
    assert found[0] == ("Heading 1", renderer.pack.pages[stem][lang].title)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("stem", PAGES)
def test_a_fact_is_written_the_way_the_language_writes_it(renderer, stem, lang, tmp_path):
    _, document = write(renderer, stem, lang, tmp_path / "page.docx")
    text = "\n".join(p.text for p in document.paragraphs)
    locale = renderer.pack.language(lang).locale
    shown = format_fact(renderer.pack.facts[FACTS_SHOWN[stem]], locale)
    assert shown in text


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("stem", PAGES)
def test_every_blank_is_a_field_to_fill_in(renderer, stem, lang, tmp_path):
    html, document = write(renderer, stem, lang, tmp_path / "page.docx")
    blanks = len(re.findall(r'<span class="blank[^"]*"', html))
    fields = [
        sdt for sdt in document.element.body.iter(qn("w:sdt")) if sdt.find(qn("w:sdtPr")).find(qn("w:tag")).get(qn("w:val")) == "blank"
    ]
    assert blanks >= 8
    assert len(fields) == blanks
    for field in fields:
        properties = field.find(qn("w:sdtPr"))
        assert properties.find(qn("w:text")) is not None  # a plain-text content control
        assert properties.find(qn("w:alias")).get(qn("w:val"))  # with a name Word shows
        run = field.find(qn("w:sdtContent")).find(qn("w:r"))
        assert run.find(qn("w:rPr")).find(qn("w:u")).get(qn("w:val")) == "single"  # and a visible line
    assert "____" not in "".join(p.text for p in document.paragraphs)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_document_says_its_title_and_language_and_has_no_clinic_footer(renderer, lang, tmp_path):
    _, document = write(renderer, "employers/model-policy", lang, tmp_path / "policy.docx")
    properties = document.core_properties
    assert properties.title == renderer.pack.pages["employers/model-policy"][lang].title
    assert properties.language == {"id": "id-ID", "en": "en-GB"}[lang]
    text = "\n".join(p.text for p in document.paragraphs)
    assert renderer.pack.organisation.name not in text
    assert not document.inline_shapes  # no QR code, no pictures
    assert round(document.sections[0].page_width.mm) == 210


def test_ticks_lines_and_tables_are_kept_for_writing(renderer, tmp_path):
    _, document = write(renderer, "employers/return-to-work-letter", "en", tmp_path / "letter.docx")
    tags = [sdt.find(qn("w:sdtPr")).find(qn("w:tag")).get(qn("w:val")) for sdt in document.element.body.iter(qn("w:sdt"))]
    assert tags.count("tick") == 2
    assert tags.count("lines") == 3
    table = document.tables[0]
    assert table.style.name == "Table Grid"
    assert table.rows[0].cells[0].paragraphs[0].runs[0].bold
    assert all(row.height is not None for row in table.rows[1:])


def test_a_two_line_write_in_area_keeps_two_ruled_lines(tmp_path):
    html = '<h1>T</h1><p>What works well:</p><div class="lines two"></div><p>Notes:</p><div class="lines"></div>'
    write_docx(html, title="T", lang="en", target=tmp_path / "t.docx")
    body = docx.Document(str(tmp_path / "t.docx")).element.body
    controls = [sdt for sdt in body.iter(qn("w:sdt")) if sdt.find(qn("w:sdtPr")).find(qn("w:tag")).get(qn("w:val")) == "lines"]
    assert [len(sdt.find(qn("w:sdtContent")).findall(qn("w:p"))) for sdt in controls] == [2, 3]


def test_the_same_page_gives_the_same_bytes(renderer, tmp_path):
    write(renderer, "employers/model-policy", "id", tmp_path / "one.docx")
    write(renderer, "employers/model-policy", "id", tmp_path / "two.docx")
    assert (tmp_path / "one.docx").read_bytes() == (tmp_path / "two.docx").read_bytes()


def test_underscores_in_the_text_become_fields_and_lists_restart(tmp_path):
    html = "<h1>T</h1><p>Name: ____ Date: ________</p><ol><li>a</li><li>b</li></ol><p>x</p><ol><li>c</li></ol>"
    write_docx(html, title="T", lang="en", target=tmp_path / "t.docx")
    document = docx.Document(str(tmp_path / "t.docx"))
    fields = list(document.element.body.iter(qn("w:sdt")))
    assert [f.find(qn("w:sdtPr")).find(qn("w:alias")).get(qn("w:val")) for f in fields] == ["Name", "Date"]
    numbered = [p for p in document.paragraphs if p.style.name == "List Number"]
    ids = [p._p.pPr.numPr.numId.val for p in numbered]
    assert ids[0] == ids[1] != ids[2]  # the second list starts again at 1


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_build_offers_each_editable_document_beside_its_pdf(site, lang):
    """HR finds the .docx on the page, on the downloads page, and it opens as the same policy."""
    root = site if lang == "id" else site / lang
    for slug, stem in (("model-policy", "employers/model-policy"), ("return-to-work-letter", "employers/return-to-work-letter")):
        target = site / "downloads" / lang / f"{slug}.docx"
        assert target.is_file()
        page = (root / stem / "index.html").read_text()
        assert f"downloads/{lang}/{slug}.docx" in page and "DOCX, " in page
        assert f"downloads/{lang}/{slug}.docx" in (root / "leaflets" / "index.html").read_text()
        headings = [p.text for p in docx.Document(str(target)).paragraphs if p.style.name.startswith("Heading")]
        assert headings, f"{target.name} has real Word headings"
