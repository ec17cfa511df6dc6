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

from .cache import LeafletCache, StampFile, cache_directory, environment_digest, inputs_stamp
from .checks import check_pack
from .content import Pack, load_pack
from .errors import ContentError, Problem
from .impose import impose_booklet
from .leaflets import LeafletJob, leaflet_html
from .output import atomic_directory
from .render import PageRenderer, RenderedPage
from .site import PRINT_SUFFIX, write_bundles, write_site
from .urls import SiteUrls
from .workers import render_leaflets


@dataclass
class BuildReport:
    """What a build made, how long it took, and what it warned about."""

    site_dir: Path
    leaflets: list[Any] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    reused: int = 0  # leaflets taken from the cache
    unchanged: bool = False  # nothing changed since the last build: nothing was written


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
                imposed_target=downloads_dir / language.code / f"{leaflet.slug}{PRINT_SUFFIX}.pdf" if leaflet.format == "a5-booklet" else None,
            ))
    return jobs


def download_details(results, urls: SiteUrls, pack: Pack) -> dict[tuple[str, str], dict[str, Any]]:
    """Describe each PDF for its page's download button: link, pages and size (and a booklet's print file)."""
    from .i18n import load_translations
    from .site import PRINT_SUFFIX

    details = {}
    for result in results:
        translations = load_translations(pack.root, result.lang)
        to_root = urls.to_root(result.lang)

        def describe(path: Path, pages: int) -> str:
            text = translations.ngettext("%(pages)d page", "%(pages)d pages", pages) % {"pages": pages}
            return f"PDF, {text}, {max(1, round(path.stat().st_size / 1024))} KB"

        details[(result.slug, result.lang)] = {
            "href": to_root + urls.download_path(result.slug, result.lang),
            "details": describe(result.target, result.pages),
        }
        printed = result.target.with_name(f"{result.slug}{PRINT_SUFFIX}.pdf")
        if printed.is_file():
            sheets = -(-result.pages // 4) * 2  # A4 sides
            details[(result.slug, result.lang)].update(
                print_href=to_root + urls.download_path(f"{result.slug}{PRINT_SUFFIX}", result.lang),
                print_details=describe(printed, sheets),
            )
    return details


def render_with_cache(jobs: list[LeafletJob], cache: LeafletCache, progress: Callable[[str], None]) -> tuple[list, int]:
    """Reuse every cached leaflet, render the rest in parallel; return results and how many were reused."""
    from .pdf import LeafletResult

    results: list = [None] * len(jobs)
    keys = [cache.key(job.html, job.page_budget) for job in jobs]
    to_render = []
    for index, (job, key) in enumerate(zip(jobs, keys)):
        record = cache.fetch(key, job.target)
        if record is None:
            to_render.append(index)
        else:
            results[index] = LeafletResult(job.slug, job.lang, job.target, record["pages"], job.target.stat().st_size, record["warnings"])
            if job.imposed_target is not None:
                impose_booklet(job.target, job.imposed_target)
    rendered = render_leaflets([jobs[i] for i in to_render], on_done=lambda job: progress(f"{job.lang}/{job.slug}.pdf"))
    for index, result in zip(to_render, rendered):
        results[index] = result
        cache.store(keys[index], result.target, {"pages": result.pages, "warnings": result.warnings})
    return results, len(jobs) - len(to_render)


def build(
    root: Path,
    *,
    site_dir: Path | None = None,
    organisation_file: Path | None = None,
    strict: bool = False,
    today: datetime.date | None = None,
    echo: Callable[[str], None] = print,
    progress: Callable[[str], None] = lambda label: None,
) -> BuildReport:
    """Build the website and every leaflet in every language into site_dir, atomically.

    Steps: stamp the inputs (nothing changed: done), load, check everything, render pages,
    write the leaflets (cached ones reused, the rest in parallel), write the website, swap.
    """
    started = time.perf_counter()
    site_dir = site_dir or root / "site"
    today = today or datetime.date.today()
    stamp_file = StampFile(root, site_dir)
    stamp = inputs_stamp(root, organisation_file, f"strict={strict} today={today.isoformat()}")
    if stamp_file.matches(stamp):
        echo("nothing changed since the last build")
        return BuildReport(site_dir=site_dir, unchanged=True, seconds=time.perf_counter() - started)
    pack = load_pack(root, organisation_file=organisation_file)
    problems = check_pack(pack, today=today)
    problems.raise_if_failing(strict=strict)
    report = BuildReport(site_dir=site_dir, warnings=list(problems.warnings))
    rendered = PageRenderer(pack, cache_dir=cache_directory(root) / "markdown").render_all()
    urls = site_urls(pack)
    cache = LeafletCache(root, environment_digest(root, organisation_file))
    with tempfile.TemporaryDirectory(prefix="asipack-") as scratch, atomic_directory(site_dir) as out:
        staging = Path(scratch)
        downloads = staging / "downloads"
        jobs = leaflet_jobs(pack, rendered, urls, downloads)
        echo(f"{len(jobs)} leaflets")
        report.leaflets, report.reused = render_with_cache(jobs, cache, progress)
        for job, result in zip(jobs, report.leaflets):
            for message in result.warnings:
                report.warnings.append(Problem(job.title, None, f"WeasyPrint: {message}", "warning"))
        bundles = write_bundles(pack, downloads, urls)  # a zip of every leaflet per language, for printing a whole pack
        echo("website")
        site_warnings = write_site(pack, rendered, out, staging / "docs", urls, download_details(report.leaflets, urls, pack),
                                   bundles)
        report.warnings += [Problem("mkdocs.yml", None, f"MkDocs: {m}", "warning") for m in site_warnings]
        if strict and report.warnings:
            raise ContentError(report.warnings, strict=True)
        shutil.copytree(downloads, out / "downloads")
    stamp_file.save(stamp)
    report.seconds = time.perf_counter() - started
    return report


def check(root: Path, *, organisation_file: Path | None = None, strict: bool = False,
          today: datetime.date | None = None) -> list[Problem]:
    """Validate the content without writing anything; return the problems (raise if failing)."""
    pack = load_pack(root, organisation_file=organisation_file)
    problems = check_pack(pack, today=today)
    problems.raise_if_failing(strict=strict)
    return problems.items
