"""Turn rendered pages into leaflet jobs, and reuse or render them through the cache and the pool."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import yaml

from asipack.leaflets.cache import LeafletCache
from asipack.leaflets.html import PHONE_FORMAT, LeafletJob, LeafletResult, leaflet_html
from asipack.leaflets.impose import impose_booklet
from asipack.leaflets.pool import render_leaflets
from asipack.model.fingerprint import cache_directory
from asipack.model.pack import Leaflet, Pack
from asipack.render.markdown import RenderedPage
from asipack.site.downloads import PHONE_SUFFIX, PRINT_SUFFIX
from asipack.site.urls import EXAMPLE_SITE_URL, SiteUrls


def site_urls(pack: Pack) -> SiteUrls:
    """Return the website's address scheme: the organisation's website, else mkdocs.yml's site_url."""
    config = yaml.safe_load((pack.root / "mkdocs.yml").read_text(encoding="utf-8"))
    site_url = pack.organisation.website or config.get("site_url") or EXAMPLE_SITE_URL
    return SiteUrls(site_url, pack.default_language.code, bool(config.get("use_directory_urls", True)))


def leaflet_jobs(
    pack: Pack,
    rendered: dict[str, dict[str, RenderedPage]],
    urls: SiteUrls,
    downloads_dir: Path,
    *,
    leaflets: Iterable[Leaflet] | None = None,
    languages: Iterable[str] | None = None,
    phone_editions: bool = True,
) -> list[LeafletJob]:
    """Return one job per leaflet per language, and one more for its phone edition: every leaflet of the catalogue, or the ones given."""
    codes = list(languages) if languages is not None else [language.code for language in pack.languages]
    fits = cache_directory(pack.root) / "fits"  # each leaflet's lines by part when it last fitted its budget
    jobs = []
    for leaflet in pack.leaflets.values() if leaflets is None else leaflets:
        for lang in codes:
            page = rendered[leaflet.page][lang]
            jobs.append(
                LeafletJob(
                    slug=leaflet.slug,
                    lang=lang,
                    html=leaflet_html(pack, leaflet, rendered, lang, urls),
                    base_url=page.page.path.as_uri(),
                    target=downloads_dir / lang / f"{leaflet.slug}.pdf",
                    page_budget=leaflet.pages,
                    title=f"{leaflet.page}.{lang}.md",
                    imposed_target=downloads_dir / lang / f"{leaflet.slug}{PRINT_SUFFIX}.pdf" if leaflet.format == "a5-booklet" else None,
                    fit_record=fits / lang / f"{leaflet.slug}.json",
                )
            )
            if leaflet.phone and phone_editions:
                jobs.append(
                    LeafletJob(
                        slug=leaflet.slug,
                        lang=lang,
                        html=leaflet_html(pack, leaflet, rendered, lang, urls, layout=PHONE_FORMAT),
                        base_url=page.page.path.as_uri(),
                        target=downloads_dir / lang / f"{leaflet.slug}{PHONE_SUFFIX}.pdf",
                        page_budget=leaflet.phone_pages,
                        title=f"{leaflet.page}.{lang}.md",
                        variant=PHONE_FORMAT,
                        fit_record=fits / lang / f"{leaflet.slug}{PHONE_SUFFIX}.json",
                    )
                )
    return jobs


def reuse_cached(jobs: list[LeafletJob], cache: LeafletCache) -> tuple[dict[int, LeafletResult], list[int]]:
    """Put every cached leaflet in place; return their results by job index, and the indexes left to render."""
    reused, to_render = {}, []
    for index, job in enumerate(jobs):
        record = cache.fetch(cache.key(job.html, job.page_budget), job.target)
        if record is None:
            to_render.append(index)
            continue
        reused[index] = LeafletResult(
            job.slug,
            job.lang,
            job.target,
            record["pages"],
            job.target.stat().st_size,
            [(source, message) for source, message in record["warnings"]],
            record["fill"],
        )
        if job.imposed_target is not None:
            impose_booklet(job.target, job.imposed_target)
    return reused, to_render


def in_job_order(jobs: list[LeafletJob], reused: dict[int, LeafletResult], to_render: list[int], fresh: list) -> list:
    """Return every leaflet's result, reused or freshly rendered, in job order."""
    results = reused | dict(zip(to_render, fresh))
    return [results[index] for index in range(len(jobs))]


def render_with_cache(jobs: list[LeafletJob], cache: LeafletCache, progress: Callable[[str], None]) -> tuple[list, int]:
    """Reuse every cached leaflet, render the rest in parallel; return results and how many were reused."""
    reused, to_render = reuse_cached(jobs, cache)
    fresh = render_leaflets([jobs[i] for i in to_render], on_done=lambda job: progress(f"{job.lang}/{job.slug}.pdf"), keep=cache.keep)
    return in_job_order(jobs, reused, to_render, fresh), len(reused)
