"""Write leaflet PDFs with WeasyPrint (PDF/UA-1), enforcing each leaflet's page budget.

This is the only module that imports WeasyPrint. A leaflet that needs more pages than its
budget, or a fixed-height box whose content spills out (WeasyPrint would clip it silently),
fails with a message that says how much is over. PDFs are written to a temporary name and
renamed, so a failed render never leaves half a file.
"""

from __future__ import annotations

import weasyprint
from weasyprint.formatting_structure import boxes
from weasyprint.text.fonts import FontConfiguration

from asipack.leaflets.html import LeafletJob, LeafletResult
from asipack.leaflets.impose import impose_booklet
from asipack.model.errors import BudgetError, logged_warnings
from asipack.model.files import atomic_file

PDF_VARIANT = "pdf/ua-1"
MM_PER_PX = 25.4 / 96
TOLERANCE_PX = 1.0


def box_label(box) -> str:
    """Describe a layout box for a person: its element and classes."""
    element = getattr(box, "element", None)
    if element is None:
        return type(box).__name__
    classes = element.get("class")
    return f"<{element.tag}{' class=' + repr(classes) if classes else ''}>"


def descendants(box):
    """Yield every box inside a box."""
    for child in getattr(box, "children", []) or []:
        yield child
        yield from descendants(child)


def clipped_boxes(page) -> list[str]:
    """Find fixed-height boxes on a page whose content reaches past their bottom edge."""
    found = []
    for box in descendants(page._page_box):
        height = box.style["height"] if hasattr(box, "style") else "auto"
        if height == "auto" or not hasattr(box, "content_box_y"):
            continue
        bottom = box.content_box_y() + box.height
        lowest = max(
            (child.position_y + child.margin_height() for child in descendants(box) if hasattr(child, "margin_height")),
            default=bottom,
        )
        if lowest > bottom + TOLERANCE_PX:
            found.append(f"{box_label(box)} is {(lowest - bottom) * MM_PER_PX:.0f} mm too short for its content")
    return found


def used_height_fraction(page) -> float:
    """Return how much of a page's content area its boxes fill, from 0 to 1 (the running title and page number not counted)."""
    page_box = page._page_box
    top = page_box.content_box_y()
    flow = [child for child in page_box.children if not isinstance(child, boxes.MarginBox)]
    lowest = max(
        (b.position_y + b.margin_height() for child in flow for b in (child, *descendants(child)) if hasattr(b, "margin_height")),
        default=top,
    )
    return max(0.0, min(1.0, (lowest - top) / page_box.height))


def check_fit(document, job: LeafletJob) -> None:
    """Raise BudgetError if the leaflet needs more pages than its budget or a box clips content."""
    pages = len(document.pages)
    name = f"leaflet '{job.slug}' ({job.lang}{', ' + job.variant + ' edition' if job.variant else ''})"
    if pages > job.page_budget:
        extra = pages - job.page_budget - 1 + used_height_fraction(document.pages[-1])
        raise BudgetError(
            f"{name} needs {pages} pages but its budget is {job.page_budget}: "
            f"about {extra:.1f} page(s) too long. Shorten the page content/{job.title} "
            f"or raise 'pages' in content/leaflets.yml."
        )
    for number, page in enumerate(document.pages, start=1):
        for problem in clipped_boxes(page):
            raise BudgetError(f"{name}, page {number}: {problem}; it would be cut off in print.")


def write_leaflet(job: LeafletJob) -> LeafletResult:
    """Lay out one leaflet, check its budget, and write it atomically as PDF/UA-1."""
    with logged_warnings("weasyprint") as warnings:
        document = weasyprint.HTML(string=job.html, base_url=job.base_url).render(pdf_variant=PDF_VARIANT, font_config=shared_font_config())
        check_fit(document, job)
        with atomic_file(job.target) as partial:
            document.write_pdf(partial, pdf_variant=PDF_VARIANT, uncompressed_pdf=False)
        if job.imposed_target is not None:
            impose_booklet(job.target, job.imposed_target)
    return LeafletResult(job.slug, job.lang, job.target, len(document.pages), job.target.stat().st_size, warnings)


_font_config = None


def shared_font_config():
    """Return one FontConfiguration per process, so @font-face fonts are decoded once, not per render.

    WeasyPrint's own way to render many documents with the same fonts: each face is decoded
    and registered with Fontconfig the first time, and found again by its descriptors after.
    """
    global _font_config
    if _font_config is None:
        _font_config = FontConfiguration()
    return _font_config


def render_personal_pages(html: str, base_url: str, anchors: list[str]) -> tuple[bytes, list[list[int]], int]:
    """Lay out several people's personal pages in one PDF/UA-1 document, in memory.

    Each person's pages start with an element whose id is one of `anchors` (in order). Return
    the PDF bytes; per anchor, the indexes of that person's pages; and how many warnings
    WeasyPrint gave. The PDF stays in memory because it holds several people's data (only each
    person's own pages go to disk, in her pack), and warnings are counted, not kept: their text
    could quote a page.
    """
    with logged_warnings("weasyprint") as warnings:
        document = weasyprint.HTML(string=html, base_url=base_url).render(pdf_variant=PDF_VARIANT, font_config=shared_font_config())
        data = document.write_pdf(pdf_variant=PDF_VARIANT, uncompressed_pdf=False)
    wanted = set(anchors)
    starts: dict[str, int] = {}
    for number, page in enumerate(document.pages):
        for anchor in page.anchors:
            if anchor in wanted:
                starts.setdefault(anchor, number)
    bounds = [starts.get(anchor) for anchor in anchors]
    groups = []
    for index, start in enumerate(bounds):
        end = next((b for b in bounds[index + 1 :] if b is not None), len(document.pages))
        groups.append([] if start is None else list(range(start, end)))
    return data, groups, len(warnings)


def render_joined(parts: list[tuple[str, str]]) -> bytes:
    """Lay out several HTML documents and write their pages as one PDF/UA-1 file, in memory.

    This is the slow, simple way to make a pack (every page laid out and written each time);
    bench/personal.py measures it against joining pre-written PDFs (asipack.packmerge).
    """
    font_config = shared_font_config()
    documents = [
        weasyprint.HTML(string=html, base_url=base_url).render(pdf_variant=PDF_VARIANT, font_config=font_config) for html, base_url in parts
    ]
    joined = documents[0].copy([page for document in documents for page in document.pages])
    return joined.write_pdf(pdf_variant=PDF_VARIANT, uncompressed_pdf=False)
