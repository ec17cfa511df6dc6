"""Impose an A5 booklet on A4 sheets for duplex printing and folding (saddle stitch), with pypdf.

Pages are padded with blanks to a multiple of 4. Sheet k (counting from 0) carries, on its
front, pages n-1-2k (left) and 2k (right), and on its back pages 2k+1 (left) and n-2-2k
(right), so that the folded stack reads 1, 2, 3, … (page numbers counted from 0 here).
Print double-sided, flipping on the short edge, fold in half and staple on the fold.
"""

from __future__ import annotations

from pathlib import Path

from pypdf import PageObject, PdfReader, PdfWriter, Transformation


def saddle_stitch_order(pages: int) -> list[tuple[int | None, int | None]]:
    """Return (left, right) page indexes for each A4 side in printing order; None is a blank."""
    padded = -(-pages // 4) * 4
    sides = []
    for sheet in range(padded // 4):
        sides.append((padded - 1 - 2 * sheet, 2 * sheet))
        sides.append((2 * sheet + 1, padded - 2 - 2 * sheet))
    return [tuple(i if i < pages else None for i in side) for side in sides]


def impose_booklet(source: Path, target: Path) -> int:
    """Write source (A5 pages) two-up on A4 landscape sheets in saddle-stitch order; return sheet sides."""
    reader = PdfReader(source)
    width = float(reader.pages[0].mediabox.width)
    height = float(reader.pages[0].mediabox.height)
    writer = PdfWriter()
    order = saddle_stitch_order(len(reader.pages))
    for left, right in order:
        side = PageObject.create_blank_page(width=2 * width, height=height)
        for index, offset in ((left, 0.0), (right, width)):
            if index is not None:
                side.merge_transformed_page(reader.pages[index], Transformation().translate(tx=offset, ty=0))
        writer.add_page(side)
    for page in writer.pages:
        page.compress_content_streams()
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    writer.add_metadata({"/Title": f"{reader.metadata.title} (A4, print double-sided, fold)" if reader.metadata and reader.metadata.title else "Booklet for printing"})
    language = reader.trailer["/Root"].get("/Lang")
    if language:
        from pypdf.generic import NameObject, TextStringObject

        writer._root_object[NameObject("/Lang")] = TextStringObject(str(language))
    partial = target.with_name(target.name + ".part")
    with partial.open("wb") as handle:
        writer.write(handle)
    partial.replace(target)
    return len(order)
