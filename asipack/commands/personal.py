"""Make one pack per mother from a register: her cover, her return-to-work plan, the family leaflets.

The recipe follows the build's: load and check the content; read and check every row of the
register (each problem is reported with its row number); write the family leaflets once per
language and join them into one tagged "static pack"; then, in worker processes, lay out the
personal pages of a batch of mothers in one WeasyPrint document and put each mother's pages in
front of the static pack at the PDF-object level (packmerge), keeping the tags.

Privacy: packs are written only under the output folder (never inside site/), readable by the
owner only (0600). Nothing personal is logged or returned for printing: reports carry counts
and row numbers. A mother's data never goes to disk except in her own pack."""

from __future__ import annotations

import contextlib
import datetime
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pikepdf

from asipack.commands.check import load_checked_pack
from asipack.leaflets.cache import LeafletCache
from asipack.leaflets.jobs import leaflet_jobs, render_with_cache, site_urls
from asipack.leaflets.pool import render_leaflets, worker_count
from asipack.model.errors import AsipackError
from asipack.model.fingerprint import environment_digest
from asipack.model.pack import Leaflet, Pack
from asipack.model.register import RowProblem, read_register
from asipack.packs import merge
from asipack.packs.batch import PersonalContext, batch_size, batches, run_batches
from asipack.packs.plan import require_facts
from asipack.packs.privacy import check_output_dir, prepare_output_dir
from asipack.render.i18n import load_translations
from asipack.render.markdown import PageRenderer

FAMILY_AUDIENCES = ("families", "caregivers")


FAMILY_FORMAT = "a4"


def family_leaflets(pack: Pack) -> list[Leaflet]:
    """Return the leaflets every family gets: audience families or caregivers, A4 format."""
    return [leaflet for leaflet in pack.leaflets.values() if leaflet.audience in FAMILY_AUDIENCES and leaflet.format == FAMILY_FORMAT]


def static_leaflet_jobs(pack: Pack, languages: Iterable[str], scratch: Path) -> list[Any]:
    """Return the jobs that write the family leaflets in the languages the register needs."""

    leaflets = family_leaflets(pack)
    stems = {stem for leaflet in leaflets for stem in [leaflet.page, *leaflet.contents]}
    renderer = PageRenderer(pack)
    rendered = {stem: {lang: renderer.render(page) for lang, page in pack.pages[stem].items()} for stem in stems}
    return leaflet_jobs(pack, rendered, site_urls(pack), scratch, leaflets=leaflets, languages=languages, phone_editions=False)


def join_static_pack(pack: Pack, lang: str, leaflet_files: Sequence[tuple[str, Path]], target: Path) -> list[tuple[str, int]]:
    """Join a language's family leaflets into one tagged PDF; return (title, first page) of each."""

    _ = load_translations(pack.root, lang).gettext
    (first_title, first_path), *others = leaflet_files
    with contextlib.ExitStack() as stack:
        base = stack.enter_context(pikepdf.open(first_path))
        contents = [(first_title, 0)]
        for title, path in others:
            contents.append((title, len(base.pages)))
            merge.append_pdf(base, stack.enter_context(pikepdf.open(path)))
        merge.set_metadata(base, title=_("Your breastfeeding pack"), author=pack.organisation.name)
        merge.set_outline(base, contents)
        merge.save(base, target)
    return contents


def current_date() -> datetime.date:
    """Return today's date: a birth date after it is an error (tests put a fixed date here)."""
    return datetime.date.today()


@dataclass
class PersonalReport:
    """What a run made: counts and row numbers only."""

    out_dir: Path
    rows: int = 0
    written: list[int] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # about the static leaflets (no personal data)
    personal_warnings: int = 0  # WeasyPrint warnings on personal pages: counted, never shown
    seconds: float = 0.0
    static_seconds: float = 0.0

    @property
    def failed_rows(self) -> list[int]:
        return sorted({problem.row for problem in self.problems})


def make_packs(
    root: Path,
    register_path: Path,
    out_dir: Path,
    *,
    organisation_file: Path | None = None,
    today: datetime.date | None = None,
    replace: bool = False,
    strict: bool = False,
    workers: int | None = None,
    cache: bool = True,
    echo: Callable[[str], None] = print,
    progress: Callable[[int, int], None] | None = None,
) -> PersonalReport:
    """Make one pack per valid row of a register, under out_dir; report rows that failed.

    The family leaflets come from the build's leaflet cache when they are there (cache=False
    renders them afresh); each is written at most once per run.
    """

    started = time.perf_counter()
    today = today or current_date()
    resolved = check_output_dir(out_dir, root, replace=replace)
    pack, _ = load_checked_pack(root, organisation_file=organisation_file, strict=strict, today=today)
    facts = require_facts(pack)
    if not family_leaflets(pack):
        raise AsipackError("content/leaflets.yml lists no family leaflet (audience families or caregivers, format a4)")
    register = read_register(register_path, [lang.code for lang in pack.languages], today=today)
    report = PersonalReport(
        resolved,
        rows=len(register.mothers) + len(register.failed_rows),
        problems=list(register.problems),
        ignored_columns=register.ignored_columns,
    )
    prepare_output_dir(resolved, replace=replace)
    if not register.mothers:
        report.seconds = time.perf_counter() - started
        return report
    workers = workers or worker_count(len(register.mothers))
    languages = sorted({m.lang for m in register.mothers}, key=[lang.code for lang in pack.languages].index)
    with tempfile.TemporaryDirectory(prefix="asipack-personal-") as scratch_name:
        scratch = Path(scratch_name)
        jobs = static_leaflet_jobs(pack, languages, scratch / "leaflets")
        echo(f"family leaflets: {len(jobs)} PDFs in {len(languages)} language(s)")
        if cache:
            results, _ = render_with_cache(jobs, LeafletCache(root, environment_digest(root, organisation_file)), lambda label: None)
        else:
            results = render_leaflets(jobs, processes=workers)
        for result in results:
            report.warnings += [f"{result.lang}/{result.slug}.pdf: WeasyPrint: {m}" for m in result.warnings]
        context = PersonalContext(
            root=root,
            locales={lang.code: lang.locale for lang in pack.languages},
            organisation=pack.organisation,
            facts=facts,
            static_packs={},
            contents={},
        )
        for lang in languages:
            files = [
                (pack.pages[leaflet.page][lang].title, scratch / "leaflets" / lang / f"{leaflet.slug}.pdf")
                for leaflet in family_leaflets(pack)
            ]
            context.static_packs[lang] = scratch / f"static-{lang}.pdf"
            context.contents[lang] = join_static_pack(pack, lang, files, context.static_packs[lang])
        report.static_seconds = time.perf_counter() - started
        tasks = batches(register.mothers, resolved, batch_size(len(register.mothers), workers))
        echo(f"packs: {len(register.mothers)} in {len(tasks)} batch(es) on {workers} worker(s)")
        done = 0
        for batch_result in run_batches(tasks, context, workers):
            for result in batch_result.rows:
                if result.reason:
                    report.problems.append(RowProblem(result.row, result.reason))
                else:
                    report.written.append(result.row)
            report.personal_warnings += batch_result.warnings
            done += len(batch_result.rows)
            if progress:
                progress(done, len(register.mothers))
    report.written.sort()
    report.problems.sort(key=lambda problem: problem.row)
    report.seconds = time.perf_counter() - started
    return report
