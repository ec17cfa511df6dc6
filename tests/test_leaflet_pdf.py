"""The leaflet is a real, accessible PDF: two pages, tagged, titled, in its language, fonts embedded."""

from __future__ import annotations

import re
import shutil
import subprocess
from urllib.parse import urlparse

import pytest
from pypdf import PdfReader

from asipack.commands.build import build
from asipack.model.errors import BudgetError
from asipack.model.pack import load_pack

from .conftest import LANGUAGES, PROJECT, TODAY, page

TITLES = {"id": "Memerah dan menyimpan ASI", "en": "Expressing and storing breast milk"}


def leaflet(site, lang, slug="expressing-storing") -> PdfReader:
    return PdfReader(site / "downloads" / lang / f"{slug}.pdf")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_leaflet_is_tagged_pages_within_its_budget_in_its_language_with_its_title(site, lang):
    pdf = leaflet(site, lang)
    root = pdf.trailer["/Root"]
    budget = load_pack(PROJECT).leaflets["expressing-storing"].pages
    assert 2 <= len(pdf.pages) <= budget
    assert root["/Lang"] == lang
    assert bool(root["/MarkInfo"]["/Marked"]) is True
    assert "/StructTreeRoot" in root
    assert pdf.metadata.title == TITLES[lang]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_font_in_the_leaflet_is_embedded(site, lang):
    pdf = leaflet(site, lang)
    fonts = {}
    for pdf_page in pdf.pages:
        for font in pdf_page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor") or font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            fonts[font["/BaseFont"]] = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    assert fonts and all(fonts.values()), fonts
    assert all("Atkinson-Hyperlegible" in name for name in fonts)


def link_targets(pdf: PdfReader) -> list[str]:
    return [a.get_object()["/A"]["/URI"] for page in pdf.pages for a in page.get("/Annots", []) if "/URI" in a.get_object().get("/A", {})]


@pytest.mark.skipif(not (shutil.which("zbarimg") and shutil.which("pdftoppm")), reason="needs zbar-tools and poppler-utils")
@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_qr_code_opens_the_same_page_on_the_website_in_the_same_language(site, lang, tmp_path):
    pdf_path = site / "downloads" / lang / "expressing-storing.pdf"
    last = str(len(leaflet(site, lang).pages))  # the contact block, with the QR code, closes the leaflet
    subprocess.run(["pdftoppm", "-png", "-r", "200", "-f", last, "-l", last, str(pdf_path), str(tmp_path / "p")], check=True)
    image = next(tmp_path.glob("p*.png"))
    decoded = subprocess.run(["zbarimg", "--raw", "-q", str(image)], capture_output=True, text=True, check=True).stdout.split()
    assert len(decoded) == 1
    url = decoded[0]
    path = urlparse(url).path
    expected = "/families/expressing-storing/" if lang == "id" else "/en/families/expressing-storing/"
    assert path == expected
    assert (site / path.lstrip("/") / "index.html").is_file()
    assert url in link_targets(leaflet(site, lang)), "the QR code is also a link a phone reader can tap"


def test_the_build_logged_no_weasyprint_or_mkdocs_warning(built):
    assert [str(w) for w in built.warnings] == []


def long_page(body: str) -> str:
    """Return the English test page with a body that follows a line using a fact."""
    return page("en", '# Test page\n\nMilk keeps in the fridge for {{ fact("storage.fridge") }}.\n\n' + body + "\n")


def test_a_leaflet_that_does_not_fit_its_budget_fails_and_says_how_much_is_over(tmp_pack, tmp_path):
    paragraph = "Milk keeps in the fridge for {{ fact('storage.fridge') }}. " * 40
    root = tmp_pack({"content/families/test.en.md": long_page("\n\n".join([paragraph] * 14))})
    site = tmp_path / "site"
    with pytest.raises(
        BudgetError, match=r"leaflet 'test-leaflet' \(en\) needs \d pages but its budget is 2: about \d\.\d page\(s\) too long"
    ):
        build(root, site_dir=site, today=TODAY, echo=lambda line: None)
    assert not site.exists(), "a failed build leaves no half-written output"


def test_a_fixed_height_box_that_clips_its_content_fails(tmp_pack, tmp_path):
    clipped = '<div style="height: 10mm; overflow: hidden" markdown>\n' + ("Some text that will not fit. " * 60) + "\n</div>"
    root = tmp_pack({"content/families/test.en.md": long_page(clipped)})
    with pytest.raises(BudgetError, match=r"page 1: <div> is \d+ mm too short for its content"):
        build(root, site_dir=tmp_path / "site", today=TODAY, echo=lambda line: None)


def test_every_leaflet_fits_its_budget_is_small_enough_for_whatsapp_and_is_accessible(site):
    import yaml

    from .conftest import PROJECT

    catalogue = yaml.safe_load((PROJECT / "content" / "leaflets.yml").read_text())
    for slug, entry in catalogue.items():
        for lang in LANGUAGES:
            path = site / "downloads" / lang / f"{slug}.pdf"
            pdf = PdfReader(path)
            assert len(pdf.pages) <= entry["pages"], f"{lang}/{slug}.pdf is over its page budget"
            assert path.stat().st_size <= 400 * 1024, f"{lang}/{slug}.pdf is {path.stat().st_size // 1024} KB"
            root = pdf.trailer["/Root"]
            assert root["/Lang"] == lang and "/StructTreeRoot" in root and pdf.metadata.title, f"{lang}/{slug}.pdf"


@pytest.mark.allow_warnings
def test_a_stylesheet_warning_names_the_stylesheet_not_the_page(tmp_pack, tmp_path):
    root = tmp_pack()
    css = root / "templates" / "leaflets" / "print.css"
    css.write_text(css.read_text() + "\n.body p { colr: red; }\n")
    report = build(root, site_dir=tmp_path / "site", today=TODAY, echo=lambda line: None)
    about_css = [str(problem) for problem in report.warnings if str(problem.path).endswith("templates/leaflets/print.css")]
    assert about_css and all("colr" in text for text in about_css), [str(p) for p in report.warnings]
    assert not [p for p in report.warnings if "colr" in p.message and str(p.path).endswith(".md")], "never blamed on a page"


def test_the_overflow_says_how_far_past_the_budget_the_text_runs(tmp_pack, tmp_path):
    """A little too long is a fraction of a page, not 'about 1.0 page' (the page footer is not content)."""
    paragraph = "Milk keeps in the fridge for {{ fact('storage.fridge') }}. " * 40
    amounts = []
    for paragraphs in (7, 8):
        root = tmp_pack({"content/families/test.en.md": long_page("\n\n".join([paragraph] * paragraphs))})
        with pytest.raises(BudgetError) as over:
            build(root, site_dir=tmp_path / f"site-{paragraphs}", today=TODAY, echo=lambda line: None)
        amounts.append(float(re.search(r"about (\d+\.\d) page", str(over.value)).group(1)))
        shutil.rmtree(root)
    assert 0 < amounts[0] < amounts[1] < 1.5, amounts
