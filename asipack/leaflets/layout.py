"""Measure a laid-out leaflet: clipped boxes, how full its last page is, and its lines by part.

WeasyPrint lays a document out as a tree of boxes per page. Three measures are read from it:

* *clipped boxes*: a fixed-height box whose content reaches past its bottom edge (WeasyPrint
  would clip it silently in print);
* the *fill* of a page: the share of its content area that holds content. The page is cut into
  thin vertical strips, and each strip is full down to the lowest line or picture in it, so two
  columns filled one after the other count as two (the last page of an A4 leaflet with its
  second column empty is about half full). The gaps between columns do not count;
* *lines by part*: how many lines of text the leaflet has in each part a person edits in a
  different place: the page text (content/), the template strings (templates/ and the
  translations) and the organisation block (the --org file). An overflow message compares them
  with the last layout that fitted, so it can say what grew.

Only worker processes import this module (it is imported by leaflets/pdf.py).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator

from weasyprint.formatting_structure.boxes import LineBox, MarginBox, ReplacedBox

MM_PER_PX = 25.4 / 96
TOLERANCE_PX = 1.0
STRIPS = 120  # vertical strips across a page's content area when measuring its fill

PAGE_TEXT = "page text"
TEMPLATE_STRINGS = "template strings"
ORGANISATION_BLOCK = "organisation block"
PARTS = (PAGE_TEXT, TEMPLATE_STRINGS, ORGANISATION_BLOCK)

# The elements each part is made of, by class (base.html.j2, contact.html.j2 and the format templates)
PART_BY_CLASS = {
    "masthead": TEMPLATE_STRINGS,
    "colophon": TEMPLATE_STRINGS,
    "about": TEMPLATE_STRINGS,
    "call": ORGANISATION_BLOCK,
    "contact": ORGANISATION_BLOCK,
    "contacts": ORGANISATION_BLOCK,
    "online": ORGANISATION_BLOCK,
}


def box_label(box) -> str:
    """Describe a layout box for a person: its element and classes."""
    element = getattr(box, "element", None)
    if element is None:
        return type(box).__name__
    classes = element.get("class")
    return f"<{element.tag}{' class=' + repr(classes) if classes else ''}>"


def descendants(box) -> Iterator:
    """Yield every box inside a box."""
    for child in getattr(box, "children", []) or []:
        yield child
        yield from descendants(child)


def flow_boxes(box) -> Iterator:
    """Yield every box of a page's own flow: the page-margin boxes (running footer, page number) left out."""
    for child in getattr(box, "children", []) or []:
        if isinstance(child, MarginBox):
            continue
        yield child
        yield from flow_boxes(child)


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


def content_boxes(box) -> Iterator:
    """Yield the boxes in a page's flow that hold what a reader sees: lines of text, pictures, and empty blocks (rules, boxes drawn by CSS)."""
    for child in getattr(box, "children", []) or []:
        if isinstance(child, MarginBox):
            continue
        if isinstance(child, LineBox):
            if child.children:
                yield child
        elif isinstance(child, ReplacedBox) or (not getattr(child, "children", None) and hasattr(child, "margin_height")):
            yield child
        else:
            yield from content_boxes(child)


def strip_bottoms(page) -> list[float | None]:
    """Return, for each vertical strip of a page's content area, the bottom of the lowest content in it (None: nothing)."""
    page_box = page._page_box
    left, width = page_box.content_box_x(), page_box.width
    bottoms: list[float | None] = [None] * STRIPS
    for box in content_boxes(page_box):
        first = max(0, math.floor((box.position_x - left) / width * STRIPS))
        last = min(STRIPS, math.ceil((box.position_x + box.margin_width() - left) / width * STRIPS))
        bottom = box.position_y + box.margin_height()
        for strip in range(first, last):
            current = bottoms[strip]
            bottoms[strip] = bottom if current is None else max(current, bottom)
    return bottoms


def column_gap_strips(page) -> set[int]:
    """Return the strips of a page that fall in the gap between columns of a multi-column box."""
    page_box = page._page_box
    left, width = page_box.content_box_x(), page_box.width
    gaps: set[int] = set()
    for box in flow_boxes(page_box):
        count = box.style["column_count"] if hasattr(box, "style") else "auto"
        if not isinstance(count, int) or count < 2:
            continue
        gap = box.style["column_gap"]
        gap = box.style["font_size"] if gap == "normal" else gap.value  # WeasyPrint computes lengths to px
        column = (box.width - (count - 1) * gap) / count
        for number in range(1, count):
            start = box.content_box_x() + number * column + (number - 1) * gap
            gaps.update(strip for strip in range(STRIPS) if start <= left + (strip + 0.5) * width / STRIPS < start + gap)
    return gaps


def last_page_fill(document) -> float:
    """Return how full the last page of a document is, from 0 to 1, counting each column it fills."""
    page = document.pages[-1]
    page_box = page._page_box
    top, height = page_box.content_box_y(), page_box.height
    gaps = column_gap_strips(page)
    columns = [bottom for strip, bottom in enumerate(strip_bottoms(page)) if strip not in gaps]
    if not columns or height <= 0:
        return 0.0
    return sum(max(0.0, min(1.0, ((bottom or top) - top) / height)) for bottom in columns) / len(columns)


def part_of(box, inherited: str) -> str:
    """Return the part a box belongs to: its element's class names it, else its parent's part."""
    element = getattr(box, "element", None)
    classes = (element.get("class") or "").split() if element is not None else []
    return next((PART_BY_CLASS[name] for name in classes if name in PART_BY_CLASS), inherited)


def lines_by_part(document) -> dict[str, int]:
    """Return how many lines of text the document has in each part (page text, template strings, organisation block)."""
    counts: Counter[str] = Counter({part: 0 for part in PARTS})

    def walk(box, part: str) -> None:
        part = part_of(box, part)
        if isinstance(box, LineBox):
            counts[part] += 1 if box.children else 0
            return
        for child in getattr(box, "children", []) or []:
            if not isinstance(child, MarginBox):
                walk(child, part)

    for page in document.pages:
        walk(page._page_box, PAGE_TEXT)
    return dict(counts)


def growth(before: dict[str, int] | None, now: dict[str, int]) -> str:
    """Say which parts have more lines than in the last layout that fitted, and by how many."""
    if not before:
        counts = ", ".join(f"the {part} {now.get(part, 0)}" for part in PARTS)
        return f"No earlier layout of it fitted to compare with; it has these lines: {counts}."
    grown = [(part, now.get(part, 0) - before.get(part, 0)) for part in PARTS]
    named = [(part, f"{lines} line{'s' if lines != 1 else ''}") for part, lines in grown if lines > 0]
    if not named:
        return "No part has more lines than in the last layout that fitted (a picture, a table or the styles may have grown)."
    first, *others = named
    said = f"the {first[0]} grew by {first[1]}"
    if others:
        said += "".join(f", the {part} by {lines}" for part, lines in others[:-1]) + f" and the {others[-1][0]} by {others[-1][1]}"
    return f"Since the last layout that fitted, {said}."
