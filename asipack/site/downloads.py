"""What the website offers to download, and what it says about each file.

Links are known before any PDF is written, so the website is built while the leaflets render:
each page names its PDF with a placeholder where the details go ('PDF, 2 pages, 830 KB'),
and `fill_details` writes the real details into the built site once the files exist. A zip of
every leaflet per language lets a clinic print a whole pack from one download.
"""

from __future__ import annotations

import functools
import html
import json
import os
import time
import zipfile
from pathlib import Path
from typing import Any

from babel.numbers import format_decimal

from asipack.model.errors import RenderError
from asipack.model.pack import Pack
from asipack.render.i18n import load_translations
from asipack.site.urls import SiteUrls

PRINT_SUFFIX = "-a4-print"  # an A5 booklet imposed on A4 for duplex printing (see asipack.impose)
PHONE_SUFFIX = "-phone"  # a leaflet's phone edition, for WhatsApp (catalogue flag phone: true)
DOCX_SUFFIX = ".docx"  # a leaflet an employer edits, beside its PDF (see asipack.leaflets.docx)
PLACEHOLDER = "@@asipack-details:{}@@"
FILLED_FILES = ("*.html", "search_index.json", "search_index.js")


def placeholder(name: str) -> str:
    """Return the text that stands for a download's details until the file exists."""
    return PLACEHOLDER.format(name)


def bundle_name(lang: str) -> str:
    """Return the file name of the zip of every leaflet in a language (in downloads/<lang>/)."""
    return f"asipack-{lang}.zip"


def bundle_path(lang: str) -> str:
    """Return the path, from the site root, of the zip of every leaflet in a language."""
    return f"downloads/{lang}/{bundle_name(lang)}"


def other_format(urls: SiteUrls, slug: str, lang: str, suffix: str, label: str, kind: str) -> dict[str, str]:
    """Return the link to one of a leaflet's other formats: its file, what it is for, a placeholder for its details."""
    return {
        "href": urls.to_root(lang) + urls.download_path(slug, lang, suffix),
        "label": label,
        "details": placeholder(f"{lang}/{slug}{suffix}"),
        "kind": kind,
    }


def download_links(pack: Pack, jobs, urls: SiteUrls) -> tuple[dict[tuple[str, str], dict[str, str]], dict[str, dict[str, str]]]:
    """Return each leaflet's download link (by slug and language) and each language's zip link.

    A link names the leaflet's PDF and its other formats: the phone edition, a booklet's print
    file, an editable .docx. The details of each file are placeholders, filled in by fill_details.
    """
    leaflets = {}
    for job in jobs:
        if job.variant:
            continue  # an edition of a leaflet is one of its other formats
        leaflet = pack.leaflets[job.slug]
        _ = load_translations(pack.root, job.lang).gettext
        other = functools.partial(other_format, urls, job.slug, job.lang)
        link: dict[str, Any] = {
            "href": urls.to_root(job.lang) + urls.download_path(job.slug, job.lang),
            "label": _("Download for printing (A4, PDF)") if leaflet.phone else _("Download the leaflet (PDF)"),
            "details": placeholder(f"{job.lang}/{job.slug}.pdf"),
            "others": [],
        }
        if leaflet.phone:
            link["others"].append(other(f"{PHONE_SUFFIX}.pdf", _("For your phone (WhatsApp): one column, large text (PDF)"), "phone"))
        if job.imposed_target is not None:
            label = _("For printing: A4, double-sided, flip on the short edge, fold in half (PDF)")
            link["others"].append(other(f"{PRINT_SUFFIX}.pdf", label, "print"))
        if leaflet.docx:
            link["others"].append(other(DOCX_SUFFIX, _("To edit: Word document (.docx)"), "docx"))
        leaflets[(job.slug, job.lang)] = link
    languages = {job.lang for job in jobs}
    bundles = {language.code: {"href": urls.to_root(language.code) + bundle_path(language.code),
                               "details": placeholder(bundle_path(language.code))}
               for language in pack.languages if language.code in languages}
    return leaflets, bundles


def human_size(size: int, locale: str) -> str:
    """Return a file size as a reader says it: '830 KB', '1,4 MB'."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{format_decimal(size / (1024 * 1024), format='#,##0.0', locale=locale)} MB"


def download_details(pack: Pack, results, downloads_dir: Path, bundled: dict[str, int]) -> dict[str, str]:
    """Describe every written file for its placeholder: 'PDF, 2 pages, 830 KB', 'ZIP, 22 leaflets, 4,1 MB'.

    `bundled` is how many files each language's zip holds (as write_bundles returns it).
    """
    details = {}
    locales = {language.code: language.locale for language in pack.languages}
    for result in results:
        ngettext = load_translations(pack.root, result.lang).ngettext

        def describe(path: Path, pages: int) -> str:
            text = ngettext("%(pages)d page", "%(pages)d pages", pages) % {"pages": pages}
            return f"PDF, {text}, {human_size(path.stat().st_size, locales[result.lang])}"

        details[placeholder(f"{result.lang}/{result.target.name}")] = describe(result.target, result.pages)
        printed = result.target.with_name(f"{result.slug}{PRINT_SUFFIX}.pdf")
        if printed.is_file():
            sheets = -(-result.pages // 4) * 2  # A4 sides
            details[placeholder(f"{result.lang}/{result.slug}{PRINT_SUFFIX}.pdf")] = describe(printed, sheets)
        editable = result.target.with_name(f"{result.slug}{DOCX_SUFFIX}")
        if editable.is_file():
            details[placeholder(f"{result.lang}/{result.slug}{DOCX_SUFFIX}")] = f"DOCX, {human_size(editable.stat().st_size, locales[result.lang])}"
    for language in pack.languages:
        count = bundled.get(language.code)
        if count:
            bundle = downloads_dir / language.code / bundle_name(language.code)
            ngettext = load_translations(pack.root, language.code).ngettext
            text = ngettext("%(count)d leaflet", "%(count)d leaflets", count) % {"count": count}
            details[placeholder(bundle_path(language.code))] = f"ZIP, {text}, {human_size(bundle.stat().st_size, language.locale)}"
    return details


def fill_details(site: Path, details: dict[str, str]) -> None:
    """Write the details of every download into the built site's pages and search index."""
    marker = PLACEHOLDER.split("{")[0]
    for pattern in FILLED_FILES:
        for file in site.rglob(pattern):
            text = file.read_text(encoding="utf-8")
            if marker not in text:
                continue
            escape = html.escape if file.suffix == ".html" else lambda value: json.dumps(value, ensure_ascii=False)[1:-1]
            for name, value in details.items():
                text = text.replace(name, escape(value))
            if marker in text:
                left = text[text.index(marker) + len(marker):].split("@@")[0]
                raise RenderError(f"{file.relative_to(site)} names a download that was not written ({left})")
            file.write_text(text, encoding="utf-8")


def bundle_date() -> tuple[int, int, int, int, int, int]:
    """Return the date stamped on files in a zip: SOURCE_DATE_EPOCH if set, so zips are reproducible."""
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "315532800"))  # 1980-01-01, the earliest a zip can say
    return time.gmtime(max(epoch, 315532800))[:6]


def write_bundles(pack: Pack, downloads_dir: Path) -> dict[str, int]:
    """Zip every language's leaflets (PDFs, phone editions, print files, .docx) into downloads/<lang>/asipack-<lang>.zip; return how many files each holds.

    Midwives and clinics print the whole pack: one file per language saves them a download per
    leaflet. The zip is byte-identical for identical PDFs.
    """
    bundled = {}
    for language in pack.languages:
        target = downloads_dir / language.code / bundle_name(language.code)
        pdfs = [downloads_dir / language.code / f"{slug}{suffix}" for slug in pack.leaflets for suffix in (".pdf", f"{PHONE_SUFFIX}.pdf", f"{PRINT_SUFFIX}.pdf", DOCX_SUFFIX)]
        pdfs = [pdf for pdf in pdfs if pdf.is_file()]
        if not pdfs:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        folder = target.stem
        with zipfile.ZipFile(target, "w") as archive:
            for pdf in pdfs:
                info = zipfile.ZipInfo(f"{folder}/{pdf.name}", date_time=bundle_date())
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, pdf.read_bytes(), compresslevel=9)
        bundled[language.code] = len(pdfs)
    return bundled
