"""Make one pack per mother from a register: her cover, her return-to-work plan, the family leaflets.

The recipe follows the build's: load and check the content; read and check every row of the
register (each problem is reported with its row number); date every mother's visits and plan
on the day the packs are made (notes by row: visits all past, a plan that starts now, a visit
with no working day); write the family leaflets once per language and join them into one
tagged "static pack" (the danger signs first, then the fridge card, then the A4 leaflets, each
starting on a front side); then, in worker processes, lay out the personal pages of a batch of
mothers in one WeasyPrint document and put each mother's pages in front of the static pack at
the PDF-object level (packs.merge), keeping the tags; last, the midwife's visit list.

Privacy: packs are written only under the output folder (never inside site/), readable by the
owner only (0600). Nothing personal is logged or returned for printing: reports carry counts
and row numbers. A mother's data never goes to disk except in her own pack."""

from __future__ import annotations

import contextlib
import datetime
import hashlib
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
from asipack.model.pack import Fact, Leaflet, Pack
from asipack.model.register import Mother, RowProblem, read_register
from asipack.packs import merge
from asipack.packs.batch import PersonalContext, batch_size, batches, run_batches
from asipack.packs.plan import VISIT_NAMES, require_facts, return_plan, visit_schedule
from asipack.packs.privacy import check_output_dir, prepare_output_dir
from asipack.packs.visitlist import write_visit_list
from asipack.packs.workdays import WorkingDays, working_days
from asipack.render.i18n import load_translations
from asipack.render.markdown import PageRenderer

FAMILY_AUDIENCES = ("families", "caregivers")


FAMILY_FORMAT = "a4"


DANGER_SIGNS = "danger-signs"  # by catalogue slug: right after her cover, when the catalogue has it


FIRST_LEAFLETS = (DANGER_SIGNS, "fridge-card")  # the danger signs, her plan, then the fridge card: before the other leaflets


def family_leaflets(pack: Pack) -> list[Leaflet]:
    """Return the leaflets every family gets, in pack order: the danger signs and the fridge card
    (when the catalogue has them), then every A4 leaflet for families or caregivers."""
    first = [pack.leaflets[slug] for slug in FIRST_LEAFLETS if slug in pack.leaflets]
    return first + [
        leaflet
        for leaflet in pack.leaflets.values()
        if leaflet.audience in FAMILY_AUDIENCES and leaflet.format == FAMILY_FORMAT and leaflet.slug not in FIRST_LEAFLETS
    ]


def plan_after(leaflets: Sequence[Leaflet]) -> int:
    """Return how many leaflets of the pack come before her plan: the danger signs (right after her cover), if there."""
    return 1 if leaflets and leaflets[0].slug == DANGER_SIGNS else 0


def static_leaflet_jobs(pack: Pack, languages: Iterable[str], scratch: Path) -> list[Any]:
    """Return the jobs that write the family leaflets in the languages the register needs."""

    leaflets = family_leaflets(pack)
    stems = {stem for leaflet in leaflets for stem in [leaflet.page, *leaflet.contents]}
    renderer = PageRenderer(pack)
    rendered = {stem: {lang: renderer.render(page) for lang, page in pack.pages[stem].items()} for stem in stems}
    return leaflet_jobs(pack, rendered, site_urls(pack), scratch, leaflets=leaflets, languages=languages, phone_editions=False)


def join_static_pack(pack: Pack, lang: str, leaflet_files: Sequence[tuple[str, Path]], target: Path) -> list[tuple[str, int]]:
    """Join a language's family leaflets into one tagged PDF; return (title, first page) of each.

    A leaflet with an odd number of pages is followed by a blank page, so every leaflet starts
    on a front side and the joined PDF has an even number of pages.
    """

    _ = load_translations(pack.root, lang).gettext
    (first_title, first_path), *others = leaflet_files
    with contextlib.ExitStack() as stack:
        base = stack.enter_context(pikepdf.open(first_path))
        contents = [(first_title, 0)]
        for title, path in others:
            merge.pad_to_even(base)
            contents.append((title, len(base.pages)))
            merge.append_pdf(base, stack.enter_context(pikepdf.open(path)))
        merge.pad_to_even(base)
        merge.set_metadata(base, title=_("Your breastfeeding pack"), author=pack.organisation.name)
        merge.set_outline(base, contents)
        merge.save(base, target)
    return contents


def current_date() -> datetime.date:
    """Return today's date: a birth date after it is an error (tests put a fixed date here)."""
    return datetime.date.today()


def visit_years(mothers: Sequence[Mother]) -> range:
    """Return the years the mothers' visits can fall in (the last one is weeks after the birth)."""
    years = [m.birth.year for m in mothers]
    return range(min(years), max(years) + 2)


def row_notes(mothers: Sequence[Mother], facts: dict[str, Fact], today: datetime.date, days: WorkingDays) -> list[RowProblem]:
    """Return what the midwife should know about rows whose packs are made: by row, without values."""
    notes = []
    for mother in mothers:
        schedule = visit_schedule(mother.birth, facts, today=today, days=days)
        if all(visit.past for visit in schedule):
            notes.append(RowProblem(mother.row, "every visit date has passed; her pack shows them as past"))
        for visit in schedule:
            if visit.no_working_day and not visit.past:
                notes.append(
                    RowProblem(
                        mother.row,
                        f"{VISIT_NAMES[visit.key]}: no working day falls in its window (Sundays, holidays, closures); "
                        "the pack keeps the date and says the midwife agrees the day",
                    )
                )
        plan = return_plan(mother, facts, today=today)
        if plan and plan.console_caution:
            notes.append(RowProblem(mother.row, plan.console_caution))
    return notes


@dataclass
class PersonalReport:
    """What a run made: counts and row numbers only."""

    out_dir: Path
    rows: int = 0
    written: list[int] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    notes: list[RowProblem] = field(default_factory=list)  # about packs that were made: dates past, plans that start now
    visit_list: list[Path] = field(default_factory=list)  # visits.ics and visits.csv
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
    calendar_names: bool = False,
    strict: bool = False,
    workers: int | None = None,
    cache: bool = True,
    echo: Callable[[str], None] = print,
    progress: Callable[[int, int], None] | None = None,
) -> PersonalReport:
    """Make one pack per valid row of a register, under out_dir; report rows that failed.

    The family leaflets come from the build's leaflet cache when they are there (cache=False
    renders them afresh); each is written at most once per run. Dates are as on `today` (the
    day the packs are made). Beside the packs go visits.ics and visits.csv, the midwife's list
    of every visit of every pack made (with each mother's first name only with calendar_names).
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
    days = working_days(visit_years(register.mothers), pack.organisation.closures)
    report.notes = row_notes(register.mothers, facts, today, days)
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
            report.warnings += [f"{source or f'{result.lang}/{result.slug}.pdf'}: WeasyPrint: {m}" for source, m in result.warnings]
        context = PersonalContext(
            root=root,
            locales={lang.code: lang.locale for lang in pack.languages},
            organisation=pack.organisation,
            facts=facts,
            static_packs={},
            contents={},
            today=today,
            days=days,
        )
        for lang in languages:
            files = [
                (pack.pages[leaflet.page][lang].title, scratch / "leaflets" / lang / f"{leaflet.slug}.pdf")
                for leaflet in family_leaflets(pack)
            ]
            context.static_packs[lang] = scratch / f"static-{lang}.pdf"
            context.contents[lang] = join_static_pack(pack, lang, files, context.static_packs[lang])
        context.plan_after = plan_after(family_leaflets(pack))
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
                report.notes += [RowProblem(result.row, note) for note in result.notes]
            report.personal_warnings += batch_result.warnings
            done += len(batch_result.rows)
            if progress:
                progress(done, len(register.mothers))
    report.written.sort()
    report.problems.sort(key=lambda problem: problem.row)
    made = set(report.written)
    report.notes = sorted((note for note in report.notes if note.row in made), key=lambda note: note.row)
    report.visit_list = write_visit_list(
        pack.root,
        [m for m in register.mothers if m.row in made],
        facts,
        resolved,
        today=today,
        days=days,
        locales={lang.code: lang.locale for lang in pack.languages},
        register_digest=hashlib.sha256(Path(register_path).read_bytes()).hexdigest(),
        names=calendar_names,
    )
    report.seconds = time.perf_counter() - started
    return report
