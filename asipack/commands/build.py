"""The build recipe: load, check everything, render, write the leaflets and the website."""

from __future__ import annotations

import datetime
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from asipack.commands.check import load_checked_pack
from asipack.leaflets.cache import LeafletCache
from asipack.leaflets.docx import write_docx
from asipack.leaflets.html import LeafletJob, LeafletResult
from asipack.leaflets.jobs import in_job_order, leaflet_jobs, reuse_cached, site_urls
from asipack.leaflets.pool import Rendering
from asipack.model.errors import ContentError, Problem
from asipack.model.files import atomic_directory
from asipack.model.fingerprint import (
    StampFile,
    build_stamp,
    cache_directory,
    environment_digest,
)
from asipack.model.pack import Pack
from asipack.render.markdown import PageRenderer, RenderedPage
from asipack.site.build import write_site
from asipack.site.downloads import (
    DOCX_SUFFIX,
    download_details,
    download_links,
    fill_details,
    write_bundles,
)


@dataclass
class BuildReport:
    """What a build made, how long it took, and what it warned about."""

    site_dir: Path
    leaflets: list[Any] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    reused: int = 0  # leaflets taken from the cache
    unchanged: bool = False  # nothing changed since the last build: nothing was written


def write_editable_documents(pack: Pack, rendered: dict[str, dict[str, RenderedPage]], downloads: Path) -> None:
    """Write the .docx of every leaflet the catalogue marks `docx: true`, in every language, from the same rendered page."""
    for leaflet in pack.leaflets.values():
        if leaflet.docx:
            for lang, page in rendered[leaflet.page].items():
                write_docx(page.html, title=page.page.title, lang=lang, target=downloads / lang / f"{leaflet.slug}{DOCX_SUFFIX}")


FULLEST_LAST_PAGE = 0.85  # a leaflet at its page budget keeps this much of its last page free to grow


def headroom_warnings(jobs: list[LeafletJob], results: list[LeafletResult]) -> list[Problem]:
    """Warn about every leaflet at its page budget whose last page is fuller than FULLEST_LAST_PAGE.

    Such a leaflet breaks its budget the day a translator lengthens a label or an organisation
    adds a contact; the warning names it and its fill while there is still room to act.
    """
    found = []
    for job, result in zip(jobs, results):
        if result.pages >= job.page_budget and result.fill > FULLEST_LAST_PAGE:
            edition = f" ({job.variant} edition)" if job.variant else ""
            found.append(
                Problem(
                    job.title,
                    None,
                    f"leaflet '{job.slug}'{edition} is at its budget of {job.page_budget} page(s) and its last page is "
                    f"{result.fill:.0%} full: keep it at most {FULLEST_LAST_PAGE:.0%} full, so a longer label or "
                    "contact still fits (shorten the page, or raise 'pages' in content/leaflets.yml)",
                    "warning",
                )
            )
    return found


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
    stamp = build_stamp(root, organisation_file, strict=strict, today=today)
    if stamp_file.matches(stamp):
        echo("nothing changed since the last build")
        return BuildReport(site_dir=site_dir, unchanged=True, seconds=time.perf_counter() - started)
    pack, problems = load_checked_pack(root, organisation_file=organisation_file, strict=strict, today=today, echo=echo)
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
        with Rendering([jobs[i] for i in to_render], keep=cache.keep) as rendering:  # in worker processes, while...
            echo("website")  # ...MkDocs builds the site here, with placeholders for each PDF's size and pages
            site_warnings = write_site(pack, rendered, out, staging / "docs", urls, *download_links(pack, jobs, urls))
            fresh = rendering.results(on_done=lambda job: progress(f"{job.lang}/{job.slug}.pdf"))
        report.leaflets, report.reused = in_job_order(jobs, reused, to_render, fresh), len(reused)
        for job, result in zip(jobs, report.leaflets):
            for source, message in result.warnings:
                report.warnings.append(Problem(source or job.title, None, f"WeasyPrint: {message}", "warning"))
        report.warnings += headroom_warnings(jobs, report.leaflets)
        report.warnings += [Problem("mkdocs.yml", None, f"MkDocs: {m}", "warning") for m in site_warnings]
        if strict and report.warnings:
            raise ContentError(report.warnings, strict=True)
        write_editable_documents(pack, rendered, downloads)
        bundled = write_bundles(pack, downloads)  # a zip of every leaflet per language, for printing a whole pack
        shutil.copytree(downloads, out / "downloads")
        fill_details(out, download_details(pack, report.leaflets, downloads, bundled))
    stamp_file.save(stamp)
    report.seconds = time.perf_counter() - started
    return report
