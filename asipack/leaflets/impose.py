"""Impose an A5 booklet on A4 sheets for duplex printing and folding (saddle stitch), with pikepdf.

The booklet is padded to a multiple of 4 with blank pages inside, before its last page, so
the last page (the contacts and the QR code) stays the outside back cover. Sheet k (counting
from 0) carries, on its front, the n-1-2k-th and 2k-th of the padded sequence (left, right),
and on its back the 2k+1-th and n-2-2k-th, so that the folded stack reads 1, 2, 3, …
Each sheet is true A4 landscape, the two A5 pages centred on it with the fold in the middle.
Print double-sided, flipping on the short edge, fold in half and staple on the fold.
Each A5 page is placed as a form XObject, so fonts and pictures are stored once.
"""

from __future__ import annotations

from pathlib import Path

import pikepdf

from asipack.model.files import atomic_file

A4_LANDSCAPE = (841.89, 595.28)  # points: 297 x 210 mm


def saddle_stitch_order(pages: int) -> list[tuple[int | None, int | None]]:
    """Return (left, right) page indexes for each A4 side in printing order; None is a blank (padding inside, before the back cover)."""
    padded = -(-pages // 4) * 4
    sequence: list[int | None] = [*range(pages - 1), *[None] * (padded - pages), pages - 1] if pages else []
    sides = []
    for sheet in range(padded // 4):
        sides.append((sequence[padded - 1 - 2 * sheet], sequence[2 * sheet]))
        sides.append((sequence[2 * sheet + 1], sequence[padded - 2 - 2 * sheet]))
    return sides


def impose_booklet(source: Path, target: Path) -> int:
    """Write source (A5 pages) two-up on A4 landscape sheets in saddle-stitch order; return sheet sides."""
    with pikepdf.open(source) as booklet, pikepdf.new() as imposed:
        box = booklet.pages[0].mediabox
        width, height = float(box[2]) - float(box[0]), float(box[3]) - float(box[1])
        sheet_width, sheet_height = A4_LANDSCAPE
        fold, bottom = sheet_width / 2, (sheet_height - height) / 2
        order = saddle_stitch_order(len(booklet.pages))
        for left, right in order:
            imposed.add_blank_page(page_size=A4_LANDSCAPE)
            side = imposed.pages[-1]
            side.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary())
            drawing = []
            for index, offset in ((left, fold - width), (right, fold)):
                if index is not None:
                    # a fixed resource name per page (not pikepdf's random one), so the file is reproducible
                    side.obj.Resources.XObject[f"/Page{index + 1}"] = imposed.copy_foreign(booklet.pages[index].as_form_xobject())
                    drawing.append(f"q 1 0 0 1 {offset:.4f} {bottom:.4f} cm /Page{index + 1} Do Q")
            side.contents_add(imposed.make_stream("\n".join(drawing).encode("ascii")))
        title = str(booklet.docinfo.get("/Title", "Booklet"))
        imposed.docinfo["/Title"] = f"{title} (A4: print double-sided, flip on the short edge, fold)"
        if "/Lang" in booklet.Root:
            imposed.Root.Lang = booklet.Root.Lang
        with atomic_file(target) as partial:
            imposed.save(partial, deterministic_id=True, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return len(order)
