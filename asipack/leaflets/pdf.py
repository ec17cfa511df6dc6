"""Write leaflet PDFs with WeasyPrint (PDF/UA-1), enforcing each leaflet's page budget.

This module and leaflets/layout.py (which measures a laid-out page) are the only ones that
import WeasyPrint. A leaflet that needs more pages than its budget, or a fixed-height box whose
content spills out (WeasyPrint would clip it silently), fails with a message that says how much
is over and which part grew (page text, template strings, organisation block) since the last
layout that fitted; each layout that fits is remembered for that. PDFs are written to a
temporary name and renamed, so a failed render never leaves half a file.
"""

from __future__ import annotations

import functools
import json
import os
import re
import urllib.parse
from pathlib import Path

import weasyprint
from weasyprint.text.fonts import FontConfiguration

from asipack.leaflets.html import LeafletJob, LeafletResult
from asipack.leaflets.impose import impose_booklet
from asipack.leaflets.layout import clipped_boxes, growth, last_page_fill, lines_by_part
from asipack.model.errors import BudgetError, logged_warnings
from asipack.model.files import atomic_file, write_text_atomic

PDF_VARIANT = "pdf/ua-1"


# WeasyPrint's warning when no installed font has a glyph for a character (it draws an empty box)
NOTDEF = re.compile(r"\.notdef glyph rendered for Unicode string unsupported by fonts: .* \(U\+([0-9A-F]{4,6})\)")


def check_fit(document, job: LeafletJob) -> None:
    """Raise BudgetError if the leaflet needs more pages than its budget or a box clips content.

    The message says how much is over and which part grew since the last layout that fitted.
    """
    pages = len(document.pages)
    name = f"leaflet '{job.slug}' ({job.lang}{', ' + job.variant + ' edition' if job.variant else ''})"
    if pages > job.page_budget:
        extra = pages - job.page_budget - 1 + last_page_fill(document)
        raise BudgetError(
            f"{name} needs {pages} pages but its budget is {job.page_budget}: about {extra:.1f} page(s) too long. "
            f"{growth(read_fit(job.fit_record), lines_by_part(document))} "
            f"Shorten the page content/{job.title}, the template strings (templates/leaflets/, translations/{job.lang}/) "
            f"or the organisation's details, or raise 'pages' in content/leaflets.yml."
        )
    for number, page in enumerate(document.pages, start=1):
        for problem in clipped_boxes(page):
            raise BudgetError(f"{name}, page {number}: {problem}; it would be cut off in print.")


def read_fit(record: Path | None) -> dict[str, int] | None:
    """Return the lines by part of the last layout of a leaflet that fitted its budget (None: none kept, or unreadable)."""
    if record is None or not record.is_file():
        return None
    try:
        lines = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return lines if isinstance(lines, dict) else None


def keep_fit(record: Path | None, document) -> None:
    """Remember a layout that fitted its budget: its lines by part, for a later overflow message."""
    if record is not None:
        record.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(record, json.dumps(lines_by_part(document), sort_keys=True))


STYLESHEET = re.compile(r'<link rel="stylesheet" href="(file://[^"]+)"')
FILE_IN_MESSAGE = re.compile(r"(file://[^\s'\"]+?)['\"]?[:,;]?(?:\s|$)")


@functools.cache
def stylesheet_warnings(url: str) -> tuple[str, ...]:
    """Return what WeasyPrint says about one stylesheet on its own (parsed once per process)."""
    with logged_warnings("weasyprint") as messages:
        weasyprint.CSS(url=url, font_config=shared_font_config())
    return tuple(messages)


def attribute(messages: list[str], html: str) -> list[tuple[str | None, str]]:
    """Name the file each WeasyPrint warning is about: a stylesheet that says it on its own, or a file the message names.

    A warning with no file of its own (None) is about the leaflet's page.
    """
    sheets = STYLESHEET.findall(html)
    found: list[tuple[str | None, str]] = []
    for message in messages:
        source = next((urllib.parse.urlsplit(url).path for url in sheets if message in stylesheet_warnings(url)), None)
        named = FILE_IN_MESSAGE.search(message)
        if source is None and named:
            source = urllib.parse.unquote(urllib.parse.urlsplit(named.group(1)).path)
        found.append((source, message))
    return found


def write_leaflet(job: LeafletJob) -> LeafletResult:
    """Lay out one leaflet, check its budget, and write it atomically as PDF/UA-1."""
    with logged_warnings("weasyprint") as warnings:
        document = weasyprint.HTML(string=job.html, base_url=job.base_url).render(pdf_variant=PDF_VARIANT, font_config=shared_font_config())
        check_fit(document, job)
        keep_fit(job.fit_record, document)
        with atomic_file(job.target) as partial:
            document.write_pdf(partial, pdf_variant=PDF_VARIANT, uncompressed_pdf=False)
        if job.imposed_target is not None:
            impose_booklet(job.target, job.imposed_target)
    return LeafletResult(
        job.slug,
        job.lang,
        job.target,
        len(document.pages),
        job.target.stat().st_size,
        attribute(warnings, job.html),
        last_page_fill(document),
    )


_font_config = None
_font_config_pid: int | None = None
_inherited_font_configs: list = []  # what a forked worker inherited: kept, never used


def shared_font_config():
    """Return one FontConfiguration per process, so @font-face fonts are decoded once, not per render.

    WeasyPrint's own way to render many documents with the same fonts: each face is decoded
    and registered with Fontconfig the first time, and found again by its descriptors after.
    A forked worker makes its own. The one it inherits writes decoded fonts into its parent's
    folder, and two workers rewriting a font file there while another has it mapped crash with
    SIGBUS. The inherited one is kept, unused: dropping it would make its clean-up delete the
    parent's font files.
    """
    global _font_config, _font_config_pid
    if _font_config is None or _font_config_pid != os.getpid():
        if _font_config is not None:
            _inherited_font_configs.append(_font_config)
        _font_config = FontConfiguration()
        _font_config_pid = os.getpid()
    return _font_config


def unprintable_characters(warnings: list[str]) -> tuple[set[str], int]:
    """Split WeasyPrint's warnings: the characters no font could draw, and how many other warnings there were."""
    missing = set()
    others = 0
    for message in warnings:
        match = NOTDEF.fullmatch(message)
        if match:
            missing.add(chr(int(match.group(1), 16)))
        else:
            others += 1
    return missing, others


def render_personal_pages(html: str, base_url: str, anchors: list[str]) -> tuple[bytes, list[list[int]], int, set[str]]:
    """Lay out several people's personal pages in one PDF/UA-1 document, in memory.

    Each person's pages start with an element whose id is one of `anchors` (in order). Return
    the PDF bytes; per anchor, the indexes of that person's pages; how many warnings WeasyPrint
    gave; and the characters no installed font could draw (WeasyPrint drew an empty box for
    each). The PDF stays in memory because it holds several people's data (only each person's
    own pages go to disk, in her pack), and warnings are counted, not kept: their text could
    quote a page. The characters are only returned, to find whose details they came from.
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
    missing, others = unprintable_characters(warnings)
    return data, groups, others, missing


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
