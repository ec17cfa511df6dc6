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
from .downloads import PRINT_SUFFIX, download_details, download_links, fill_details, write_bundles
from .errors import ContentError, Problem
from .impose import impose_booklet
from .leaflets import LeafletJob, LeafletResult, leaflet_html
from .output import atomic_directory
from .render import PageRenderer, RenderedPage
from .site import write_site
from .urls import SiteUrls
from .workers import Rendering, render_leaflets


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


def reuse_cached(jobs: list[LeafletJob], cache: LeafletCache) -> tuple[dict[int, Any], list[int]]:
    """Put every cached leaflet in place; return their results by job index, and the indexes left to render."""
    reused, to_render = {}, []
    for index, job in enumerate(jobs):
        record = cache.fetch(cache.key(job.html, job.page_budget), job.target)
        if record is None:
            to_render.append(index)
            continue
        reused[index] = LeafletResult(job.slug, job.lang, job.target, record["pages"], job.target.stat().st_size, record["warnings"])
        if job.imposed_target is not None:
            impose_booklet(job.target, job.imposed_target)
    return reused, to_render


def keep_rendered(jobs: list[LeafletJob], cache: LeafletCache, reused: dict[int, Any], to_render: list[int],
                  fresh: list) -> list:
    """Store freshly rendered leaflets in the cache; return every leaflet's result, reused or fresh, in job order."""
    for index, result in zip(to_render, fresh):
        cache.store(cache.key(jobs[index].html, jobs[index].page_budget), result.target,
                    {"pages": result.pages, "warnings": result.warnings})
    results = reused | dict(zip(to_render, fresh))
    return [results[index] for index in range(len(jobs))]


def render_with_cache(jobs: list[LeafletJob], cache: LeafletCache, progress: Callable[[str], None]) -> tuple[list, int]:
    """Reuse every cached leaflet, render the rest in parallel; return results and how many were reused."""
    reused, to_render = reuse_cached(jobs, cache)
    fresh = render_leaflets([jobs[i] for i in to_render], on_done=lambda job: progress(f"{job.lang}/{job.slug}.pdf"))
    return keep_rendered(jobs, cache, reused, to_render, fresh), len(reused)


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
    reuse cached leaflets, render the rest in worker processes while MkDocs writes the website,
    zip each language's leaflets, fill in each download's size and pages, swap.
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
        reused, to_render = reuse_cached(jobs, cache)
        echo(f"{len(jobs)} leaflets, {len(to_render)} to render")
        with Rendering([jobs[i] for i in to_render]) as rendering:  # in worker processes, while...
            echo("website")  # ...MkDocs builds the site here, with placeholders for each PDF's size and pages
            site_warnings = write_site(pack, rendered, out, staging / "docs", urls, *download_links(pack, jobs, urls))
            fresh = rendering.results(on_done=lambda job: progress(f"{job.lang}/{job.slug}.pdf"))
        report.leaflets, report.reused = keep_rendered(jobs, cache, reused, to_render, fresh), len(reused)
        for job, result in zip(jobs, report.leaflets):
            for message in result.warnings:
                report.warnings.append(Problem(job.title, None, f"WeasyPrint: {message}", "warning"))
        report.warnings += [Problem("mkdocs.yml", None, f"MkDocs: {m}", "warning") for m in site_warnings]
        if strict and report.warnings:
            raise ContentError(report.warnings, strict=True)
        bundled = write_bundles(pack, downloads)  # a zip of every leaflet per language, for printing a whole pack
        shutil.copytree(downloads, out / "downloads")
        fill_details(out, download_details(pack, report.leaflets, downloads, bundled))
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
