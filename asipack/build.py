"""The build recipe: load, check everything, render, write the leaflets and the website."""

from __future__ import annotations

import datetime
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import yaml

from .checks import check_pack
from .content import Pack, load_pack
from .errors import ContentError, Problem
from .leaflets import LeafletJob, leaflet_html
from .output import atomic_directory
from .render import PageRenderer, RenderedPage
from .site import write_site
from .urls import SiteUrls


@dataclass
class BuildReport:
    """What a build made, how long it took, and what it warned about."""

    site_dir: Path
    leaflets: list[Any] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    seconds: float = 0.0


def site_urls(pack: Pack) -> SiteUrls:
    """Return the website's address scheme: the organisation's website, else mkdocs.yml's site_url."""
    config = yaml.safe_load((pack.root / "mkdocs.yml").read_text(encoding="utf-8"))
    site_url = pack.organisation.get("website") or config.get("site_url") or "https://asi.example.org/"
    return SiteUrls(site_url, pack.default_language.code, bool(config.get("use_directory_urls", True)))


def leaflet_jobs(pack: Pack, rendered: dict[str, dict[str, RenderedPage]], urls: SiteUrls, downloads_dir: Path) -> list[LeafletJob]:
    """Return one job per leaflet per language."""
    jobs = []
    for leaflet in pack.leaflets.values():
        for language in pack.languages:
            page = rendered[leaflet.page][language.code]
            jobs.append(LeafletJob(
                slug=leaflet.slug,
                lang=language.code,
                html=leaflet_html(pack, leaflet, rendered, language.code, urls),
                base_url=page.page.path.as_uri(),
                target=downloads_dir / language.code / f"{leaflet.slug}.pdf",
                page_budget=leaflet.pages,
                title=f"{leaflet.page}.{language.code}.md",
            ))
    return jobs


def download_details(results, urls: SiteUrls, pack: Pack) -> dict[tuple[str, str], dict[str, Any]]:
    """Describe each PDF for its page's download button: link, pages and size."""
    from .i18n import load_translations

    details = {}
    for result in results:
        translations = load_translations(pack.root, result.lang)
        kilobytes = max(1, round(result.size / 1024))
        text = translations.ngettext("%(pages)d page", "%(pages)d pages", result.pages) % {"pages": result.pages}
        to_root = "../" * urls.language_root(result.lang).count("/")
        details[(result.slug, result.lang)] = {
            "href": to_root + urls.download_path(result.slug, result.lang),
            "details": f"PDF, {text}, {kilobytes} KB",
        }
    return details


def build(
    root: Path,
    *,
    site_dir: Path | None = None,
    organisation_file: Path | None = None,
    strict: bool = False,
    today: datetime.date | None = None,
    echo: Callable[[str], None] = print,
) -> BuildReport:
    """Build the website and every leaflet in every language into site_dir, atomically."""
    from .pdf import write_leaflet

    started = time.perf_counter()
    site_dir = site_dir or root / "site"
    pack = load_pack(root, organisation_file=organisation_file)
    problems = check_pack(pack, today=today)
    problems.raise_if_failing(strict=strict)
    report = BuildReport(site_dir=site_dir, warnings=list(problems.warnings))
    rendered = PageRenderer(pack).render_all()
    urls = site_urls(pack)
    with tempfile.TemporaryDirectory(prefix="asipack-") as scratch, atomic_directory(site_dir) as out:
        staging = Path(scratch)
        downloads = staging / "downloads"
        jobs = leaflet_jobs(pack, rendered, urls, downloads)
        for job in jobs:
            echo(f"leaflet {job.lang}/{job.slug}.pdf")
            result = write_leaflet(job)
            report.leaflets.append(result)
            for message in result.warnings:
                report.warnings.append(Problem(job.title, None, f"WeasyPrint: {message}", "warning"))
        echo("website")
        site_warnings = write_site(pack, rendered, out, staging / "docs", urls, download_details(report.leaflets, urls, pack))
        report.warnings += [Problem("mkdocs.yml", None, f"MkDocs: {m}", "warning") for m in site_warnings]
        if strict and report.warnings:
            raise ContentError(report.warnings, strict=True)
        shutil.copytree(downloads, out / "downloads")
    report.seconds = time.perf_counter() - started
    return report


def check(root: Path, *, organisation_file: Path | None = None, strict: bool = False,
          today: datetime.date | None = None) -> list[Problem]:
    """Validate the content without writing anything; return the problems (raise if failing)."""
    pack = load_pack(root, organisation_file=organisation_file)
    problems = check_pack(pack, today=today)
    problems.raise_if_failing(strict=strict)
    return problems.items
