"""Lay out the personal pages of a batch of mothers at once, and join each to the family leaflets.

Each personal page (her cover, her plan) is a part of its own and is followed by a blank page,
so that when the pack is printed double-sided every part starts on the front of a sheet (the
static pack of leaflets is padded the same way when it is joined). Her cover comes first, then
the danger signs, then her plan (if she has one), then the rest of the static pack. A name that
the installed fonts cannot draw is found from WeasyPrint's own report of the characters it drew
as empty boxes: her pages are laid out again without it, and her row gets a note.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import io
import math
from collections.abc import Iterator, Sequence
from concurrent.futures import as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
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
from asipack.packs.plan import Visit, return_plan, visit_schedule
from asipack.packs.privacy import PACK_PATTERN, write_private
from asipack.packs.workdays import WorkingDays
from asipack.render.formatting import RANGE_DASH, format_fact, format_number
from asipack.render.i18n import load_translations, role_names

NO_BREAK_SPACE = "\u00a0"


BATCH_SIZE = 24  # at most this many mothers are laid out in one WeasyPrint document


MIN_BATCH = 4  # and at least this many (each document has a set-up cost)


DATE_PATTERN = "EEEE, d MMMM y"  # "Senin, 30 November 2026" / "Monday, 30 November 2026"


NAME_FIELDS = {"name": "the name", "midwife_name": "midwife_name"}  # register text that may be in any script


@dataclass
class PersonalContext:
    """What a worker needs to lay out personal pages and join packs; nothing personal."""

    root: Path
    locales: dict[str, str]
    organisation: Organisation
    facts: dict[str, Fact]
    static_packs: dict[str, Path]  # language -> the family leaflets joined, tagged
    contents: dict[str, list[tuple[str, int]]]  # language -> (leaflet title, first page) in the static pack
    plan_after: int = 0  # how many parts of the static pack come before her plan (the danger signs: 1)
    today: datetime.date | None = None  # the day the packs are made (None: nothing is past)
    days: WorkingDays = field(default_factory=WorkingDays)


WORD_JOINER = "\u2060"  # no line break here; drawn as nothing


def unbroken(text: str) -> str:
    """Keep an amount on one line: no break before its unit ("60–120 mL") or after a range's dash ("30–60")."""
    return text.replace(" ", NO_BREAK_SPACE).replace(RANGE_DASH, WORD_JOINER + RANGE_DASH + WORD_JOINER)


def amount(value: int | float | list[int | float], unit: str, locale: str, decimals: int = 0) -> str:
    """Format a computed amount like a fact, on one line: '380 mL' / '380 ml', '9,5 jam' / '9.5 hours'."""
    return unbroken(format_fact(Fact("computed", value, unit, None, 0, decimals=decimals), locale))


def visit_view(visit: Visit, day: str, today: datetime.date | None) -> dict[str, Any]:
    """Return what the cover shows of one visit (a visit due on the day the pack is made says so)."""
    return {
        "date": day,
        "by": visit.by,
        "past": visit.past,
        "today": visit.day == today,
        "no_working_day": visit.no_working_day and not visit.past,
    }


def mother_view(
    mother: Mother,
    facts: dict[str, Fact],
    locale: str,
    *,
    today: datetime.date | None = None,
    days: WorkingDays | None = None,
    omit: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """Return what the template shows for one mother, formatted for her language.

    `omit` names register fields left out (their characters cannot be printed).
    """

    def day(value: datetime.date) -> str:
        return format_date(value, DATE_PATTERN, locale=locale)

    schedule = visit_schedule(mother.birth, facts, today=today, days=days or WorkingDays())
    view: dict[str, Any] = {
        "anchor": f"mother-{mother.row}",
        "name": "" if "name" in omit else mother.name,
        "birth": day(mother.birth),
        "midwife_name": "" if "midwife_name" in omit else mother.midwife_name,
        "midwife_phone": mother.midwife_phone,  # printed by contact.number(): a link that never breaks (print.css .number)
        "visits": {visit.key: visit_view(visit, day(visit.day), today) for visit in schedule},
        "plan": None,
    }
    plan = return_plan(mother, facts, today=today)
    if plan:
        fractional = plan.hours_away != int(plan.hours_away)
        view["plan"] = {
            "first_day": day(plan.first_day),
            "caution": plan.caution,
            "days_left": plan.days_left,
            "practise_from": day(plan.practise_from) if plan.practise_from else None,
            "stock_from": day(plan.stock_from),
            "trial_from": day(plan.trial_from) if plan.trial_from else None,
            "trial_to": day(plan.trial_to) if plan.trial_to else None,
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
    """Return how many personal pages are laid out for a mother: the cover, and her plan."""
    return 2 if mother.return_date else 1


@functools.cache
def personal_template(root: Path, lang: str) -> Any:
    """Return the personal pages' template in a language, compiled once per process."""

    return template_environment(root, lang).get_template("personal.html.j2")


def plan_page(context: PersonalContext, lang: str, static_pages: int) -> int:
    """Return the page of the static pack before which her plan goes (0: right after her cover)."""
    parts = context.contents[lang]
    return parts[context.plan_after][1] if context.plan_after < len(parts) else static_pages


def part_titles(context: PersonalContext, lang: str, *, with_plan: bool) -> list[str]:
    """Return the titles of the parts after her cover, in pack order, for the cover's "In this pack"."""
    titles = [title for title, _ in context.contents[lang]]
    if with_plan:
        _ = load_translations(context.root, lang).gettext
        titles.insert(context.plan_after, _("Your return-to-work plan"))
    return titles


def personal_html(context: PersonalContext, mothers: Sequence[Mother], lang: str, omit: dict[int, frozenset[str]] | None = None) -> str:
    """Return one HTML document with the personal pages of several mothers of one language.

    `omit` maps a row to the register fields its pages leave out.
    """
    locale = context.locales[lang]
    omit = omit or {}
    template = personal_template(context.root, lang)
    leaflets = context.root / "templates" / "leaflets"

    def fact(key: str) -> str:
        return unbroken(format_fact(context.facts[key], locale))

    return template.render(
        lang=lang,
        mothers=[
            mother_view(mother, context.facts, locale, today=context.today, days=context.days, omit=omit.get(mother.row, frozenset()))
            for mother in mothers
        ],
        contents=part_titles(context, lang, with_plan=False),
        contents_with_plan=part_titles(context, lang, with_plan=True),
        fact=fact,
        org=context.organisation,
        roles=role_names(load_translations(context.root, lang)),
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
    notes: list[str] = field(default_factory=list)  # about a pack that was made (without its values)


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


def outline_entries(context: PersonalContext, lang: str, plan_at: int | None) -> list[tuple[str, int]]:
    """Return the bookmarks of a pack: her cover, each leaflet, and her plan (at page plan_at, if she has one)."""

    _ = load_translations(context.root, lang).gettext
    cover = 2  # her cover and the blank page behind it
    entries = [(_("Your visits and contacts"), 0)]
    for title, page in context.contents[lang]:
        entries.append((title, page + cover + (2 if plan_at is not None and page + cover >= plan_at else 0)))
    if plan_at is not None:
        entries.append((_("Your return-to-work plan"), plan_at))
    return sorted(entries, key=lambda entry: entry[1])


def unprintable_fields(mother: Mother, missing: set[str]) -> frozenset[str]:
    """Return the register fields of a mother that hold a character no font could draw."""
    return frozenset(name for name in NAME_FIELDS if missing & set(getattr(mother, name)))


def lay_out(context: PersonalContext, task: BatchTask) -> tuple[bytes, list[list[int]], int, dict[int, frozenset[str]]]:
    """Lay out a batch's personal pages; lay them out again without any name the fonts cannot draw.

    Return the PDF, each mother's pages, WeasyPrint's other warnings, and the fields left out per row.
    """
    from asipack.leaflets.pdf import render_personal_pages  # here, not at the top: only workers import WeasyPrint

    base_url = (context.root / "templates" / "leaflets").as_uri() + "/"
    anchors = [f"mother-{m.row}" for m in task.mothers]
    data, groups, warnings, missing = render_personal_pages(personal_html(context, task.mothers, task.lang), base_url, anchors)
    omit = {m.row: fields for m in task.mothers if (fields := unprintable_fields(m, missing))}
    if omit:
        data, groups, warnings, missing = render_personal_pages(personal_html(context, task.mothers, task.lang, omit), base_url, anchors)
    return data, groups, warnings + len(missing), omit


def with_blanks(batch: pikepdf.Pdf, pages: list[int]) -> list[int]:
    """Return a mother's pages with a blank page after each (blank pages are added to the batch)."""
    padded = []
    for page in pages:
        padded += [page, merge.add_blank_page(batch, batch.pages[page])]
    return padded


def make_batch(task: BatchTask) -> BatchResult:
    """Lay out a batch of mothers' personal pages once, then write each mother's pack.

    Each pack is the static pack with her pages inserted in front, saved, and taken out again.
    After any failure the static pack is opened afresh, so no pack can inherit a half-undone
    insertion from another mother's.
    """
    context = _context
    assert context is not None, "init_worker was not called"
    try:
        data, groups, warnings, omit = lay_out(context, task)
    except Exception as error:  # the message may quote the page: report the kind only
        return BatchResult([RowResult(m.row, f"its personal pages could not be laid out ({type(error).__name__})") for m in task.mothers])
    results = []
    with pikepdf.open(io.BytesIO(data)) as batch:
        source_tree = merge.structure(batch)
        base = pikepdf.open(context.static_packs[task.lang])
        static_plan_page = plan_page(context, task.lang, len(base.pages))
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
                notes = [
                    f"{NAME_FIELDS[name]} has characters the pack font cannot print; the pack was made without it (write it in by hand)"
                    for name in sorted(omit.get(mother.row, ()))
                ]
                try:
                    cover, plan = with_blanks(batch, pages[:1]), with_blanks(batch, pages[1:])
                    plan_at = static_plan_page + len(cover)
                    with merge.inserted(base, batch, cover, at=0, source_tree=source_tree):
                        with merge.inserted(base, batch, plan, at=plan_at, source_tree=source_tree) if plan else contextlib.nullcontext():
                            merge.set_outline(base, outline_entries(context, task.lang, plan_at if plan else None))
                            write_private(target, functools.partial(merge.save, base))
                    results.append(RowResult(mother.row, notes=notes))
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
