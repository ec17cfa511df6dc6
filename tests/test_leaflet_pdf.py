"""The leaflet is a real, accessible PDF: two pages, tagged, titled, in its language, fonts embedded; its phone edition reads at 360 px."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
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
def test_the_qr_code_opens_the_same_page_on_the_website_in_the_same_language(tmp_pack, tmp_path, lang):
    example = tmp_path / "org"
    shutil.copytree(PROJECT / "docs" / "example-org", example)  # a real website: the QR codes point at it
    site = tmp_path / "site"
    build(tmp_pack(), site_dir=site, organisation_file=example / "organisation.yml", today=TODAY, echo=lambda line: None)
    pdf_path = site / "downloads" / lang / "test-leaflet.pdf"
    subprocess.run(["pdftoppm", "-png", "-r", "200", "-f", "1", "-l", "1", str(pdf_path), str(tmp_path / "p")], check=True)
    image = next(tmp_path.glob("p*.png"))
    decoded = subprocess.run(["zbarimg", "--raw", "-q", str(image)], capture_output=True, text=True, check=True).stdout.split()
    assert len(decoded) == 1
    url = decoded[0]
    path = urlparse(url).path
    assert path == ("/families/test/" if lang == "id" else "/en/families/test/")
    assert (site / path.lstrip("/") / "index.html").is_file()
    assert url in link_targets(PdfReader(pdf_path)), "the QR code is also a link a phone reader can tap"


def pdf_text(pdf: PdfReader) -> str:
    return re.sub(r"\s+", " ", " ".join(pdf_page.extract_text() for pdf_page in pdf.pages))


def test_a_default_build_prints_no_placeholder_number_no_example_address_and_no_qr_code(site):
    """The neutral organisation gives no number and the site_url is the example: nothing points at either."""
    pdfs = sorted((site / "downloads").rglob("*.pdf"))
    assert len(pdfs) > 40
    for path in pdfs:
        pdf = PdfReader(path)
        text = pdf_text(pdf)
        assert "000 0000" not in text and "(021)" not in text, path.name
        assert "example.org" not in text and not [uri for uri in link_targets(pdf) if "example.org" in uri], path.name
    if shutil.which("pdftotext"):
        for path in pdfs:
            text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
            assert "000 0000" not in text and "example.org" not in text, path.name


def text_sizes(pdf_page) -> Counter:
    """Count the characters of a page by the size they are printed at, in points."""
    sizes: Counter = Counter()

    def visit(text, cm, tm, font, size):
        scale = abs(cm[0] * cm[3] - cm[1] * cm[2]) ** 0.5 * abs(tm[0] * tm[3] - tm[1] * tm[2]) ** 0.5
        if text.strip():
            sizes[round(size * scale, 1)] += len(text.strip())

    pdf_page.extract_text(visitor_text=visit)
    return sizes


PHONE_WIDTH_PX = 360  # a common Android phone's width in CSS pixels


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_phone_edition_is_one_narrow_tagged_column_whose_text_shows_15_px_tall_at_360_px(site, lang, tmp_path):
    path = site / "downloads" / lang / "expressing-storing-phone.pdf"
    pdf = PdfReader(path)
    width, height = float(pdf.pages[0].mediabox.width), float(pdf.pages[0].mediabox.height)
    assert 89.9 <= width / 72 * 25.4 <= 100 and abs(height / width - 16 / 9) < 0.05, "about 90-100 mm wide, 9:16"
    root = pdf.trailer["/Root"]
    assert root["/Lang"] == lang and bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root
    assert pdf.metadata.title == TITLES[lang]
    assert path.stat().st_size <= 300 * 1024
    sizes = sum((text_sizes(pdf_page) for pdf_page in pdf.pages), Counter())
    body = sizes.most_common(1)[0][0]
    assert body * PHONE_WIDTH_PX / width >= 15, f"body text {body} pt shows {body * PHONE_WIDTH_PX / width:.1f} px tall at 360 px"
    assert len(pdf.pages) > 2 * len(leaflet(site, lang).pages), "one narrow column: the same text on more, smaller pages"
    if shutil.which("pdftoppm"):
        shown = tmp_path / "phone"
        subprocess.run(
            ["pdftoppm", "-png", "-f", "1", "-l", "1", "-scale-to-x", "360", "-scale-to-y", "-1", str(path), str(shown)], check=True
        )
        png = next(tmp_path.glob("phone*.png")).read_bytes()
        assert int.from_bytes(png[16:20], "big") == PHONE_WIDTH_PX  # the PNG header's width


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

    from asipack.model.pack import PHONE_PAGES_PER_PAGE

    catalogue = yaml.safe_load((PROJECT / "content" / "leaflets.yml").read_text())
    for slug, entry in catalogue.items():
        for lang in LANGUAGES:
            editions = [(f"{slug}.pdf", entry["pages"], 400)]
            if entry.get("phone"):
                editions.append((f"{slug}-phone.pdf", PHONE_PAGES_PER_PAGE * entry["pages"], 300))
            for name, budget, kilobytes in editions:
                path = site / "downloads" / lang / name
                pdf = PdfReader(path)
                assert len(pdf.pages) <= budget, f"{lang}/{name} is over its page budget"
                assert path.stat().st_size <= kilobytes * 1024, f"{lang}/{name} is {path.stat().st_size // 1024} KB"
                root = pdf.trailer["/Root"]
                assert root["/Lang"] == lang and "/StructTreeRoot" in root and pdf.metadata.title, f"{lang}/{name}"


def test_every_family_and_caregiver_leaflet_has_a_phone_edition():
    import yaml

    catalogue = yaml.safe_load((PROJECT / "content" / "leaflets.yml").read_text())
    missing = [
        slug
        for slug, entry in catalogue.items()
        if entry["audience"] in ("families", "caregivers") and entry["format"] != "a5-booklet" and not entry.get("phone")
    ]
    assert not missing, "the booklet's pages have theirs; every other family leaflet needs phone: true"


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
