"""A puskesmas brands the whole pack: its name and phone are on every leaflet of every format; the neutral default prints none."""

from __future__ import annotations

import re
import shutil

import pytest
from pypdf import PdfReader

from asipack.commands.build import build
from asipack.commands.check import check
from asipack.model.errors import ContentError

from .conftest import MINIMAL_PAGE, PROJECT, TODAY

FORMATS = {
    "content/cards/card.id.md": MINIMAL_PAGE["id"].replace("leaflet: test-leaflet\n", "").replace("# Halaman uji", "## Kartu"),
    "content/cards/card.en.md": MINIMAL_PAGE["en"].replace("leaflet: test-leaflet\n", "").replace("# Test page", "## Card"),
    "content/leaflets.yml": """\
        test-leaflet: {page: families/test, audience: families, format: a4, pages: 2, phone: true}
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
    assert len(pdfs) == 14  # 5 leaflets in 2 languages, the family leaflet's phone edition and the booklet imposed for printing in each
    for pdf in pdfs:
        text = text_of(pdf)
        assert "Puskesmas Kecamatan Contoh" in text, pdf.name
        assert "(021) 555 0142" in text, pdf.name
    cards = text_of(tmp_path / "site" / "downloads" / "id" / "test-cards.pdf")
    assert "Bidan Sari Wulandari" in cards, "the referral list is on the red-flag cards"
    assert report.warnings == []


@pytest.mark.parametrize(
    ("lang", "midwife", "counsellor"), [("id", "bidan", "konselor laktasi"), ("en", "midwife", "lactation counsellor")]
)
def test_referral_roles_are_printed_in_the_leaflets_language(tmp_pack, tmp_path, lang, midwife, counsellor):
    root = tmp_pack(
        {"content/leaflets.yml": "test-leaflet: {page: families/test, audience: families, format: a4, pages: 2, referrals: true}\n"}
    )
    example = tmp_path / "org"
    shutil.copytree(PROJECT / "docs" / "example-org", example)
    build(root, site_dir=tmp_path / "site", organisation_file=example / "organisation.yml", today=TODAY, echo=lambda line: None)
    text = text_of(tmp_path / "site" / "downloads" / lang / "test-leaflet.pdf")
    assert f"Bidan Sari Wulandari ({midwife}): +62 812 5550 1001" in text
    assert f"Ns. Dewi Anggraini ({counsellor})" in text


NEUTRAL = "name: Layanan Kesehatan Ibu dan Anak\n"
WRITE_IN = {"id": "Telepon bidan / puskesmas:", "en": "Phone of your midwife or puskesmas:"}


def test_the_neutral_organisation_prints_a_line_to_write_the_number_in_on_every_format_and_no_number(tmp_pack, tmp_path):
    root = tmp_pack({**FORMATS, "content/organisation.yml": NEUTRAL})
    said: list[str] = []
    report = build(root, site_dir=tmp_path / "site", today=TODAY, echo=said.append)
    pdfs = sorted((tmp_path / "site" / "downloads").rglob("*.pdf"))
    assert len(pdfs) == 14
    for pdf in pdfs:
        text = text_of(pdf)
        lang = pdf.parent.name
        assert WRITE_IN[lang] in text, pdf.name
        assert "(021)" not in text and "+62" not in text, pdf.name
    notes = [line for line in said if "neutral default organisation" in line]
    assert len(notes) == 1 and "give --org with your puskesmas's details" in notes[0].lower()
    assert len([line for line in said if "no QR codes" in line]) == 1
    assert report.warnings == []


def test_check_says_once_that_the_neutral_organisation_is_in_use(tmp_pack):
    said: list[str] = []
    check(tmp_pack({"content/organisation.yml": NEUTRAL}), today=TODAY, echo=said.append)
    assert len([line for line in said if "neutral default organisation is in use" in line]) == 1


def test_check_says_nothing_of_the_neutral_organisation_when_the_organisation_has_a_number(tmp_pack):
    said: list[str] = []
    check(tmp_pack(), today=TODAY, echo=said.append)
    assert not [line for line in said if "neutral" in line]


def test_an_unknown_referral_role_is_named_with_the_roles_there_are(tmp_pack):
    org = 'name: Puskesmas Uji\nphone: "(021) 555 0100"\nreferrals:\n  - {name: Bidan Sari, role: bidan, phone: "0812 0000 0001"}\n'
    with pytest.raises(ContentError) as failure:
        check(tmp_pack({"content/organisation.yml": org}), today=TODAY)
    assert "content/organisation.yml:3: error: 'referrals.0.role' must be 'midwife', 'lactation-counsellor', 'ibclc'" in str(failure.value)


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
