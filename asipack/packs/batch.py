"""Lay out the personal pages of a batch of mothers at once, and join each to the family leaflets."""

from __future__ import annotations

import datetime
import functools
import io
import math
from collections.abc import Iterator, Sequence
from concurrent.futures import as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pikepdf
from babel.dates import format_date

from asipack import EDITION
from asipack.leaflets.html import template_environment
from asipack.leaflets.pool import start_pool
from asipack.model.organisation import Organisation
from asipack.model.pack import Fact
from asipack.model.register import Mother
from asipack.packs import merge
from asipack.packs.plan import return_plan, visit_dates
from asipack.packs.privacy import PACK_PATTERN, write_private
from asipack.render.formatting import format_fact, format_number
from asipack.render.i18n import load_translations

NO_BREAK_SPACE = "\u00a0"


BATCH_SIZE = 24  # at most this many mothers are laid out in one WeasyPrint document


MIN_BATCH = 4  # and at least this many (each document has a set-up cost)


DATE_PATTERN = "EEEE, d MMMM y"  # "Senin, 30 November 2026" / "Monday, 30 November 2026"


@dataclass
class PersonalContext:
    """What a worker needs to lay out personal pages and join packs; nothing personal."""

    root: Path
    locales: dict[str, str]
    organisation: Organisation
    facts: dict[str, Fact]
    static_packs: dict[str, Path]  # language -> the family leaflets joined, tagged
    contents: dict[str, list[tuple[str, int]]]  # language -> (leaflet title, first page) in the static pack


def amount(value: int | float | list[int | float], unit: str, locale: str, decimals: int = 0) -> str:
    """Format a computed amount like a fact: '380 mL' / '380 ml', '9,5 jam' / '9.5 hours'."""
    return format_fact(Fact("computed", value, unit, None, 0, decimals=decimals), locale)


def mother_view(mother: Mother, facts: dict[str, Fact], locale: str) -> dict[str, Any]:
    """Return what the template shows for one mother, formatted for her language."""

    def day(value: datetime.date) -> str:
        return format_date(value, DATE_PATTERN, locale=locale)

    visits = visit_dates(mother.birth, facts)
    view: dict[str, Any] = {
        "anchor": f"mother-{mother.row}",
        "name": mother.name,
        "birth": day(mother.birth),
        "midwife_name": mother.midwife_name,
        "midwife_phone": mother.midwife_phone.replace(" ", NO_BREAK_SPACE),  # a number is never split
        "visits": {key: day(getattr(visits, key)) for key in ("visit_1", "visit_2", "tele_1", "tele_2", "monitoring")},
        "plan": None,
    }
    plan = return_plan(mother, facts)
    if plan:
        fractional = plan.hours_away != int(plan.hours_away)
        view["plan"] = {
            "first_day": day(plan.first_day),
            "practise_from": day(plan.practise_from) if plan.practise_from else None,
            "stock_from": day(plan.stock_from),
            "trial_from": day(plan.trial_from),
            "trial_to": day(plan.trial_to),
            "hours": amount(plan.hours_away, "hour", locale, decimals=1 if fractional else 0),
            "hours_counted": plan.hours_counted,
            "feeds": format_number(plan.feeds_per_day, locale),
            "per_feed": amount(plan.per_feed_ml, "ml", locale),
            "feeds_missed_text": format_number(plan.feeds_missed, locale),
            "milk": amount(plan.milk_ml, "ml", locale),
            "total": amount(list(plan.total_ml), "ml", locale),
            "breaks": plan.breaks,
        }
    return view


def expected_pages(mother: Mother) -> int:
    """Return how many personal pages a mother's pack starts with: the cover, and her plan."""
    return 2 if mother.return_date else 1


@functools.cache
def personal_template(root: Path, lang: str) -> Any:
    """Return the personal pages' template in a language, compiled once per process."""

    return template_environment(root, lang).get_template("personal.html.j2")


def personal_html(context: PersonalContext, mothers: Sequence[Mother], lang: str) -> str:
    """Return one HTML document with the personal pages of several mothers of one language."""
    locale = context.locales[lang]
    template = personal_template(context.root, lang)
    leaflets = context.root / "templates" / "leaflets"

    def fact(key: str) -> str:
        return format_fact(context.facts[key], locale)

    return template.render(
        lang=lang,
        mothers=[mother_view(mother, context.facts, locale) for mother in mothers],
        contents=[title for title, _ in context.contents[lang]],
        fact=fact,
        org=context.organisation,
        edition=EDITION,
        css_uri=(leaflets / "print.css").as_uri(),
        format_css_uri=(leaflets / "personal.css").as_uri(),
    )


_context: PersonalContext | None = None


def init_worker(context: PersonalContext) -> None:
    """Keep the context in a worker process (each worker renders with its own WeasyPrint)."""
    global _context
    _context = context


@dataclass
class RowResult:
    """What became of one row: written, or why not (a reason without personal data)."""

    row: int
    reason: str | None = None


@dataclass
class BatchResult:
    """What became of a batch's rows, and how many warnings WeasyPrint gave (their text stays unseen)."""

    rows: list[RowResult]
    warnings: int = 0


@dataclass
class BatchTask:
    """A batch of mothers of one language for one worker."""

    lang: str
    mothers: list[Mother]
    targets: list[Path]


def outline_entries(context: PersonalContext, lang: str, personal_pages: int) -> list[tuple[str, int]]:
    """Return the bookmarks of a pack: the personal pages, then each leaflet."""

    _ = load_translations(context.root, lang).gettext
    entries = [(_("Your visits and contacts"), 0)]
    if personal_pages > 1:
        entries.append((_("Your return-to-work plan"), 1))
    return entries + [(title, page + personal_pages) for title, page in context.contents[lang]]


def make_batch(task: BatchTask) -> BatchResult:
    """Lay out a batch of mothers' personal pages once, then write each mother's pack.

    Each pack is the static pack with her pages inserted in front, saved, and taken out again.
    After any failure the static pack is opened afresh, so no pack can inherit a half-undone
    insertion from another mother's.
    """
    from asipack.leaflets.pdf import render_personal_pages  # here, not at the top: only workers import WeasyPrint

    context = _context
    assert context is not None, "init_worker was not called"
    try:
        html = personal_html(context, task.mothers, task.lang)
        data, groups, warnings = render_personal_pages(
            html, (context.root / "templates" / "leaflets").as_uri() + "/", [f"mother-{m.row}" for m in task.mothers]
        )
    except Exception as error:  # the message may quote the page: report the kind only
        return BatchResult([RowResult(m.row, f"its personal pages could not be laid out ({type(error).__name__})") for m in task.mothers])
    results = []
    with pikepdf.open(io.BytesIO(data)) as batch:
        source_tree = merge.structure(batch)
        base = pikepdf.open(context.static_packs[task.lang])
        try:
            for mother, pages, target in zip(task.mothers, groups, task.targets):
                if len(pages) != expected_pages(mother):
                    results.append(
                        RowResult(
                            mother.row,
                            (
                                f"its personal pages need {len(pages)} pages instead of {expected_pages(mother)}; "
                                "shorten the name or the midwife's details"
                            ),
                        )
                    )
                    continue
                try:
                    with merge.inserted(base, batch, pages, at=0, source_tree=source_tree):
                        merge.set_outline(base, outline_entries(context, task.lang, len(pages)))
                        write_private(target, functools.partial(merge.save, base))
                    results.append(RowResult(mother.row))
                except Exception as error:
                    results.append(RowResult(mother.row, f"its pack could not be written ({type(error).__name__})"))
                    base.close()
                    base = pikepdf.open(context.static_packs[task.lang])
        finally:
            base.close()
    return BatchResult(results, warnings)


def run_batches(tasks: list[BatchTask], context: PersonalContext, workers: int) -> Iterator[BatchResult]:
    """Run batches in worker processes; yield each batch's results as it finishes.

    A worker that dies does not hang the run: the rows of its unfinished batches are reported.
    """
    with start_pool(workers, init_worker, (context,)) as pool:
        futures = {pool.submit(make_batch, task): task for task in tasks}
        for future in as_completed(futures):
            try:
                yield future.result()
            except BrokenProcessPool:
                yield BatchResult([RowResult(m.row, "not made: a worker process stopped; run again") for m in futures[future].mothers])
            except Exception as error:  # never a traceback that could quote a register value
                yield BatchResult([RowResult(m.row, f"not made ({type(error).__name__})") for m in futures[future].mothers])


def batches(mothers: Sequence[Mother], out_dir: Path, size: int) -> list[BatchTask]:
    """Group mothers by language into batches of at most `size`, in row order."""
    width = max(4, len(str(max((m.row for m in mothers), default=0))))
    tasks = []
    for lang in sorted({m.lang for m in mothers}):
        group = [m for m in mothers if m.lang == lang]
        for start in range(0, len(group), size):
            chunk = group[start : start + size]
            tasks.append(BatchTask(lang, chunk, [out_dir / PACK_PATTERN.format(row=m.row, width=width) for m in chunk]))
    return tasks


def batch_size(count: int, workers: int) -> int:
    """Choose a batch size: big enough to share WeasyPrint's set-up, small enough to share work."""
    return max(1, min(BATCH_SIZE, max(MIN_BATCH, math.ceil(count / (workers * 4)))))
