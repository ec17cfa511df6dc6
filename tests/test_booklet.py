"""The family booklet prints in the right order when imposed on true A4 for duplex printing and folding, its back cover outside."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from pypdf import PdfReader

from asipack.leaflets.impose import impose_booklet, saddle_stitch_order


def test_eight_pages_are_imposed_in_saddle_stitch_order():
    # sheet 1 front: 8 | 1, back: 2 | 7; sheet 2 front: 6 | 3, back: 4 | 5 (pages counted from 0 below)
    assert saddle_stitch_order(8) == [(7, 0), (1, 6), (5, 2), (3, 4)]


def test_a_booklet_is_padded_inside_so_its_last_page_stays_the_outside_back_cover():
    # 6 pages padded to 8: blanks before the last page, which is printed beside the cover
    assert saddle_stitch_order(6) == [(5, 0), (1, None), (None, 2), (3, 4)]


def numbered_a5_pdf(path, pages: int) -> None:
    """Write an A5 PDF whose pages say 'Page 1', 'Page 2', … (with WeasyPrint)."""
    import weasyprint

    html = "".join(f'<p style="break-after: page">Page {n}</p>' for n in range(1, pages + 1))
    weasyprint.HTML(string=f"<html lang='en'><title>Booklet</title><style>@page {{ size: A5 }}</style>{html}</html>").write_pdf(path)


def halves(pdf_path, number: int, width: float, height: float) -> list[str]:
    """Return the text of the left and right half of an imposed side, as poppler reads them."""
    found = []
    for x in (0, width / 2):
        text = subprocess.run(
            [
                "pdftotext",
                "-f",
                str(number),
                "-l",
                str(number),
                "-x",
                str(int(x)),
                "-y",
                "0",
                "-W",
                str(int(width / 2)),
                "-H",
                str(int(height)),
                "-r",
                "72",
                str(pdf_path),
                "-",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        if text:
            found.append(text)
    return found


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils")
@pytest.mark.parametrize("pages", [8, 7])
def test_the_imposed_sheets_carry_the_pages_in_folding_order(tmp_path, pages):
    source, target = tmp_path / "a5.pdf", tmp_path / "a4.pdf"
    numbered_a5_pdf(source, pages)
    sides = impose_booklet(source, target)
    imposed = PdfReader(target)
    assert sides == len(imposed.pages) == 4
    width, height = float(imposed.pages[0].mediabox.width), float(imposed.pages[0].mediabox.height)
    assert (round(width, 2), round(height, 2)) == (841.89, 595.28), "true A4 landscape"
    expected = [["Page 8", "Page 1"], ["Page 2", "Page 7"], ["Page 6", "Page 3"], ["Page 4", "Page 5"]]
    if pages == 7:  # the last page (the back cover) still faces the cover; the blank is inside
        expected = [["Page 7", "Page 1"], ["Page 2"], ["Page 6", "Page 3"], ["Page 4", "Page 5"]]
    assert [halves(target, n, width, height) for n in range(1, len(imposed.pages) + 1)] == expected


WRITE_IN = {"id": "Telepon bidan / puskesmas", "en": "Phone of your midwife or puskesmas"}


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils")
@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_family_booklets_back_cover_carries_the_contacts_and_is_printed_outside(site, lang):
    booklet = site / "downloads" / lang / "family-booklet.pdf"
    back_cover = PdfReader(booklet).pages[-1].extract_text()
    assert WRITE_IN[lang] in back_cover and "119" in back_cover
    printed = booklet.with_name("family-booklet-a4-print.pdf")
    side = PdfReader(printed).pages[0]
    width, height = float(side.mediabox.width), float(side.mediabox.height)
    outside = halves(printed, 1, width, height)
    assert WRITE_IN[lang] in outside[0], "the first sheet's front carries the back cover on its left, beside the cover"
