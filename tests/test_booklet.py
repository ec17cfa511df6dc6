"""The family booklet prints in the right order when imposed on A4 for duplex printing and folding."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from pypdf import PdfReader

from asipack.leaflets.impose import impose_booklet, saddle_stitch_order


def test_eight_pages_are_imposed_in_saddle_stitch_order():
    # sheet 1 front: 8 | 1, back: 2 | 7; sheet 2 front: 6 | 3, back: 4 | 5 (pages counted from 0 below)
    assert saddle_stitch_order(8) == [(7, 0), (1, 6), (5, 2), (3, 4)]


def test_a_booklet_is_padded_with_blank_pages_to_a_multiple_of_four():
    assert saddle_stitch_order(6) == [(None, 0), (1, None), (5, 2), (3, 4)]


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
    assert width > height, "A4 landscape"
    expected = [["Page 8", "Page 1"], ["Page 2", "Page 7"], ["Page 6", "Page 3"], ["Page 4", "Page 5"]]
    if pages == 7:
        expected = [["Page 1"], ["Page 2", "Page 7"], ["Page 6", "Page 3"], ["Page 4", "Page 5"]]
    assert [halves(target, n, width, height) for n in range(1, len(imposed.pages) + 1)] == expected
