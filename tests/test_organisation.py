"""A puskesmas brands the whole pack: its name and phone are on every leaflet of every format."""

from __future__ import annotations

import re
import shutil

from pypdf import PdfReader

from asipack.commands.build import build

from .conftest import MINIMAL_PAGE, PROJECT, TODAY

FORMATS = {
    "content/cards/card.id.md": MINIMAL_PAGE["id"].replace("leaflet: test-leaflet\n", "").replace("# Halaman uji", "## Kartu"),
    "content/cards/card.en.md": MINIMAL_PAGE["en"].replace("leaflet: test-leaflet\n", "").replace("# Test page", "## Card"),
    "content/leaflets.yml": """\
        test-leaflet: {page: families/test, audience: families, format: a4, pages: 2}
        test-form: {page: families/test, audience: midwives, format: a4-form, pages: 1}
        test-sign: {page: families/test, audience: employers, format: a4-bilingual, pages: 1}
        test-cards: {page: cards/card, audience: midwives, format: a6-cards, pages: 1, referrals: true}
        test-booklet: {page: families/test, audience: families, format: a5-booklet, pages: 8, contents: [families/test]}
        """,
}


def text_of(pdf) -> str:
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(pdf).pages))


def test_every_pdf_of_every_format_carries_the_organisations_name_and_phone(tmp_pack, tmp_path):
    root = tmp_pack(FORMATS)
    example = tmp_path / "org"
    shutil.copytree(PROJECT / "docs" / "example-org", example)
    report = build(root, site_dir=tmp_path / "site", organisation_file=example / "organisation.yml", today=TODAY, echo=lambda line: None)
    pdfs = sorted((tmp_path / "site" / "downloads").rglob("*.pdf"))
    assert len(pdfs) == 12  # 5 leaflets in 2 languages, and the booklet imposed for printing in each
    for pdf in pdfs:
        text = text_of(pdf)
        assert "Puskesmas Kecamatan Contoh" in text, pdf.name
        assert "(021) 555 0142" in text, pdf.name
    cards = text_of(tmp_path / "site" / "downloads" / "id" / "test-cards.pdf")
    assert "Bidan Sari Wulandari" in cards, "the referral list is on the red-flag cards"
    assert report.warnings == []


def test_the_qr_codes_open_the_organisations_own_website(tmp_pack, tmp_path):
    root = tmp_pack()
    example = tmp_path / "org"
    shutil.copytree(PROJECT / "docs" / "example-org", example)
    build(root, site_dir=tmp_path / "site", organisation_file=example / "organisation.yml", today=TODAY, echo=lambda line: None)
    links = [
        a.get_object()["/A"]["/URI"]
        for page in PdfReader(tmp_path / "site" / "downloads" / "en" / "test-leaflet.pdf").pages
        for a in page.get("/Annots", [])
        if "/URI" in a.get_object().get("/A", {})
    ]
    assert "https://asi.puskesmas-contoh.example/en/families/test/" in links
