"""Make one pack per mother from a register: her cover, her return-to-work plan, the family leaflets.

The recipe follows the build's: load and check the content; read and check every row of the
register (each problem is reported with its row number); write the family leaflets once per
language and join them into one tagged "static pack"; then, in worker processes, lay out the
personal pages of a batch of mothers in one WeasyPrint document and put each mother's pages in
front of the static pack at the PDF-object level (packmerge), keeping the tags.

Privacy: packs are written only under the output folder (never inside site/), readable by the
owner only (0600). Nothing personal is logged or returned for printing: reports carry counts
and row numbers. A mother's data never goes to disk except in her own pack.
"""

from __future__ import annotations

import calendar
import contextlib
import csv
import datetime
import functools
import io
import math
import multiprocessing
import os
import re
import tempfile
import time
import unicodedata
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

from babel.dates import format_date

from . import EDITION
from .content import Fact, Leaflet, Pack
from .errors import AsipackError
from .facts import format_fact, format_number
from .workers import render_leaflets, worker_count

PACK_PATTERN = "row-{row:0{width}d}.pdf"
PACK_GLOB = re.compile(r"row-\d+\.pdf")
REQUIRED_COLUMNS = ("language", "baby_birth_date", "midwife_name", "midwife_phone")
OPTIONAL_COLUMNS = ("name", "return_to_work_date", "hours_away", "feeds_per_day")
MAX_TEXT = {"name": 80, "midwife_name": 80, "midwife_phone": 25}
FEEDS_RANGE = (4, 16)  # a plausible number of feeds in 24 hours, to catch typing slips
FAMILY_AUDIENCES = ("families", "caregivers")
FAMILY_FORMAT = "a4"
NO_BREAK_SPACE = "\u00a0"
ROUND_ML = 5  # milk amounts are printed to the nearest 5 mL ("about 95 mL")
BATCH_SIZE = 24  # at most this many mothers are laid out in one WeasyPrint document
MIN_BATCH = 4  # and at least this many (each document has a set-up cost)
DATE_PATTERN = "EEEE, d MMMM y"  # "Senin, 30 November 2026" / "Monday, 30 November 2026"

# Every fact the personal pages print or compute with: key -> what it is for (for the error).
PLAN_FACTS = {
    "programme.visit_1_within": "home visit 1, counted from the birth",
    "programme.visit_2_within": "home visit 2, counted from the birth",
    "programme.tele_1_at": "the baby's age at tele-counselling 1",
    "programme.tele_2_at": "the baby's age at tele-counselling 2",
    "programme.length": "the baby's age at the monitoring check",
    "work.practise_from": "the baby's age from which to practise expressing",
    "work.stock_start": "how long before the first day back to start a stock",
    "work.trial_run": "how many days before the first day back to have a trial day",
    "work.express_interval": "how often to express at work",
    "work.express_session": "how long one expressing session takes",
    "work.example_hours_away": "the hours away counted when the register gives none",
    "baby.milk_per_day": "the milk a baby drinks in a day",
    "feeds.per_day": "feeds in 24 hours (the low end is counted when the register gives none)",
    "storage.spare_portion": "the small spare portion",
    "storage.portion": "the portion size to freeze",
    "storage.fridge": "fresh milk in the fridge",
    "storage.leftover": "milk left after a feed",
}


class RegisterError(AsipackError):
    """The register cannot be read at all (not UTF-8 CSV, or a required column is missing)."""


class MissingFactError(AsipackError):
    """A fact the personal pages need is not in content/facts.yml."""


class OutputError(AsipackError):
    """The output folder is not a safe place for personal packs."""


# --- The register ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Mother:
    """One valid row of the register. Only her own pack ever shows these values."""

    row: int  # the row number as a spreadsheet shows it: the header is row 1
    lang: str
    name: str
    birth: datetime.date
    midwife_name: str
    midwife_phone: str
    return_date: datetime.date | None = None
    hours_away: float | None = None
    feeds_per_day: int | None = None


@dataclass(frozen=True)
class RowProblem:
    """Why a row was left out; it names the column, never the value (which may be personal)."""

    row: int
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.reason}"


@dataclass
class Register:
    """The rows of a register that can become packs, and the ones that cannot, with why."""

    mothers: list[Mother] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def failed_rows(self) -> list[int]:
        return sorted({problem.row for problem in self.problems})


DATE_FORM = re.compile(r"\d{4}-\d{2}-\d{2}")
PHONE_FORM = re.compile(r"\+?[0-9 ().\-/]+")


def parse_date(text: str) -> datetime.date | None:
    """Read a YYYY-MM-DD date; anything else (or an impossible date) gives None."""
    if not DATE_FORM.fullmatch(text):
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


def parse_number(text: str) -> float | None:
    """Read a number written with a decimal point or an Indonesian decimal comma."""
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def clean_text(text: str) -> str:
    """Normalise a cell: NFC, surrounding and repeated spaces collapsed."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def has_control_characters(text: str) -> bool:
    """Tell whether a cell holds characters that are not printable text."""
    return any(unicodedata.category(char) in ("Cc", "Cf", "Co", "Cs") for char in text)


def check_row(row: int, cells: dict[str, str], languages: Sequence[str],
              today: datetime.date) -> tuple[Mother | None, list[RowProblem]]:
    """Turn one row into a Mother, or say everything that is wrong with it."""
    problems: list[RowProblem] = []

    def problem(reason: str) -> None:
        problems.append(RowProblem(row, reason))

    values = {column: clean_text(cells.get(column) or "") for column in REQUIRED_COLUMNS + OPTIONAL_COLUMNS}
    for column in REQUIRED_COLUMNS:
        if not values[column]:
            problem(f"{column} is missing (it is required)")
    for column, text in values.items():
        if has_control_characters(text):
            problem(f"{column} contains a control character; retype it")
        elif column in MAX_TEXT and len(text) > MAX_TEXT[column]:
            problem(f"{column} is longer than {MAX_TEXT[column]} characters")

    lang = values["language"].lower()
    if lang and lang not in languages:
        problem(f"language must be one of: {', '.join(languages)}")
    phone = values["midwife_phone"]
    if phone and (not PHONE_FORM.fullmatch(phone) or sum(char.isdigit() for char in phone) < 6):
        problem("midwife_phone is not a phone number (digits, spaces, +, -, brackets)")

    birth = parse_date(values["baby_birth_date"]) if values["baby_birth_date"] else None
    if values["baby_birth_date"] and birth is None:
        problem("baby_birth_date is not a date in the form YYYY-MM-DD")
    elif birth and birth > today:
        problem("baby_birth_date is in the future")

    back = None
    if values["return_to_work_date"]:
        back = parse_date(values["return_to_work_date"])
        if back is None:
            problem("return_to_work_date is not a date in the form YYYY-MM-DD")
        elif birth and back < birth:
            problem("return_to_work_date is before baby_birth_date")

    hours = None
    if values["hours_away"]:
        hours = parse_number(values["hours_away"])
        if hours is None or not 0 < hours <= 24:
            problem("hours_away must be a number of hours above 0 and at most 24")
    feeds = None
    if values["feeds_per_day"]:
        number = parse_number(values["feeds_per_day"])
        low, high = FEEDS_RANGE
        if number is None or number != int(number) or not low <= number <= high:
            problem(f"feeds_per_day must be a whole number from {low} to {high}")
        else:
            feeds = int(number)
    if problems:
        return None, problems
    return Mother(row, lang, values["name"], birth, values["midwife_name"], phone, back, hours, feeds), []


def read_register(path: Path, languages: Sequence[str], *, today: datetime.date) -> Register:
    """Read a UTF-8 CSV register (comma or semicolon separated) and check every row.

    Rows are numbered as a spreadsheet numbers them: the header is row 1. Blank rows are skipped.
    """
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise RegisterError(f"{path}: the register does not exist") from None
    except UnicodeDecodeError:
        raise RegisterError(f"{path}: the register is not UTF-8 text; save it as 'CSV UTF-8'") from None
    first_line = text.split("\n", 1)[0]
    try:
        dialect: Any = csv.Sniffer().sniff(first_line, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        header = [clean_text(cell).lower() for cell in next(reader)]
    except StopIteration:
        raise RegisterError(f"{path}: the register is empty; it needs a header row") from None
    except csv.Error as error:
        raise RegisterError(f"{path}: the register is not valid CSV ({error})") from None
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise RegisterError(
            f"{path}: the register has no column {', '.join(repr(c) for c in missing)}; "
            f"the columns are {', '.join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)} (see docs/example-register.csv)"
        )
    duplicated = sorted({column for column in header if column and header.count(column) > 1})
    if duplicated:
        raise RegisterError(f"{path}: the column {', '.join(repr(c) for c in duplicated)} appears twice")
    register = Register(ignored_columns=[c for c in header if c and c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS])
    number = 1
    try:
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(header) and any(cell.strip() for cell in cells[len(header):]):
                register.problems.append(RowProblem(number, f"has {len(cells)} cells but the header has {len(header)}"))
                continue
            mother, problems = check_row(number, dict(zip(header, cells)), languages, today)
            register.problems += problems
            if mother:
                register.mothers.append(mother)
    except csv.Error as error:
        raise RegisterError(f"{path}: the register is not valid CSV after row {number} ({error})") from None
    return register


# --- The plan: dates and amounts computed from facts ------------------------------------------

def require_facts(pack: Pack) -> dict[str, Fact]:
    """Return the facts the personal pages need, or raise one error naming every missing one."""
    missing = [key for key in PLAN_FACTS if key not in pack.facts]
    if missing:
        lines = [f"  {key}: {PLAN_FACTS[key]}" for key in missing]
        raise MissingFactError(
            "content/facts.yml lacks fact(s) that personal packs need:\n" + "\n".join(lines)
            + "\nAdd each with its value, unit and source (see docs/personal.md)."
        )
    return {key: pack.facts[key] for key in PLAN_FACTS}


def low(fact: Fact) -> float:
    """Return a fact's value, or the low end of a range."""
    return fact.value[0] if isinstance(fact.value, list) else fact.value


def high(fact: Fact) -> float:
    """Return a fact's value, or the high end of a range."""
    return fact.value[-1] if isinstance(fact.value, list) else fact.value


def add_months(day: datetime.date, months: int) -> datetime.date:
    """Return the same day some calendar months later (the 31st becomes the month's last day)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def shift(day: datetime.date, amount: float, unit: str) -> datetime.date:
    """Move a date by an amount of a fact's time unit (negative moves back)."""
    if unit == "month":
        return add_months(day, int(amount))
    hours = {"hour": 1, "day": 24, "week": 24 * 7}.get(unit)
    if hours is None:
        raise MissingFactError(f"a fact used as a time has the unit '{unit}'; use hour, day, week or month")
    return day + datetime.timedelta(days=math.floor(amount * hours / 24))


def round_ml(value: Fraction | float) -> int:
    """Round an amount of milk half up to the nearest ROUND_ML mL."""
    return int(Fraction(value) / ROUND_ML + Fraction(1, 2)) * ROUND_ML


@dataclass(frozen=True)
class Visits:
    """The dates of the programme's contacts, counted from the birth."""

    visit_1: datetime.date  # at the latest
    visit_2: datetime.date  # at the latest
    tele_1: datetime.date  # around
    tele_2: datetime.date  # around
    monitoring: datetime.date  # around


def visit_dates(birth: datetime.date, facts: dict[str, Fact]) -> Visits:
    """Return the visit schedule for a baby born on a date."""

    def after(key: str) -> datetime.date:
        return shift(birth, high(facts[key]), facts[key].unit)

    return Visits(after("programme.visit_1_within"), after("programme.visit_2_within"),
                  after("programme.tele_1_at"), after("programme.tele_2_at"), after("programme.length"))


@dataclass(frozen=True)
class ReturnPlan:
    """A mother's return-to-work plan: when to do what, and the milk for one work day."""

    first_day: datetime.date
    practise_from: datetime.date | None  # None when the stock has to start first
    stock_from: datetime.date
    trial_from: datetime.date
    trial_to: datetime.date
    hours_away: float
    hours_counted: bool  # True when the register gave no hours and the pack counts its usual day
    feeds_per_day: int
    per_feed_ml: int
    feeds_missed: int
    milk_ml: int
    total_ml: tuple[int, int]  # milk_ml plus the spare portion (low, high)
    breaks: int


def return_plan(mother: Mother, facts: dict[str, Fact]) -> ReturnPlan | None:
    """Compute a mother's plan from the facts, or None when she gave no return date.

    - Practise expressing from the baby's age in work.practise_from, start the stock
      work.stock_start before the first day, a trial day work.trial_run days before it; no date
      falls before the birth.
    - Milk per feed: baby.milk_per_day divided by her feeds a day (the low end of
      feeds.per_day when the register gives none), to the nearest 5 mL.
    - Feeds missed: her hours away divided by the time between feeds, rounded up; times the
      milk per feed, plus one spare portion (storage.spare_portion).
    - Breaks at work: she feeds before leaving and on coming home, and expresses at least every
      high-end work.express_interval hours in between.
    """
    if mother.return_date is None:
        return None
    first_day, birth = mother.return_date, mother.birth

    def before(key: str, value: float | None = None) -> datetime.date:
        fact = facts[key]
        return max(birth, shift(first_day, -(high(fact) if value is None else value), fact.unit))

    stock_from = before("work.stock_start")
    practise_from = shift(birth, low(facts["work.practise_from"]), facts["work.practise_from"].unit)
    hours_counted = mother.hours_away is None
    hours = Fraction(str(mother.hours_away)) if mother.hours_away is not None else Fraction(high(facts["work.example_hours_away"]))
    feeds = mother.feeds_per_day or int(low(facts["feeds.per_day"]))
    per_feed = round_ml(Fraction(high(facts["baby.milk_per_day"])) / feeds)
    feeds_missed = math.ceil(hours * feeds / 24)
    milk = feeds_missed * per_feed
    spare = facts["storage.spare_portion"]
    interval = Fraction(high(facts["work.express_interval"]))
    return ReturnPlan(
        first_day=first_day,
        practise_from=practise_from if practise_from < stock_from else None,
        stock_from=stock_from,
        trial_from=before("work.trial_run"),
        trial_to=before("work.trial_run", low(facts["work.trial_run"])),
        hours_away=float(hours),
        hours_counted=hours_counted,
        feeds_per_day=feeds,
        per_feed_ml=per_feed,
        feeds_missed=feeds_missed,
        milk_ml=milk,
        total_ml=(milk + int(low(spare)), milk + int(high(spare))),
        breaks=max(0, math.ceil(hours / interval) - 1),
    )


# --- The personal pages (HTML) -----------------------------------------------------------------

@dataclass
class PersonalContext:
    """What a worker needs to lay out personal pages and join packs; nothing personal."""

    root: Path
    locales: dict[str, str]
    organisation: dict[str, Any]
    facts: dict[str, Fact]
    static_packs: dict[str, Path]  # language -> the family leaflets joined, tagged
    contents: dict[str, list[tuple[str, int]]]  # language -> (leaflet title, first page) in the static pack


def amount(value: float, unit: str, locale: str, decimals: int = 0) -> str:
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


@functools.lru_cache(maxsize=None)
def personal_template(root: Path, lang: str) -> Any:
    """Return the personal pages' template in a language, compiled once per process."""
    from .leaflets import template_environment

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


# --- The output folder -------------------------------------------------------------------------

def check_output_dir(out_dir: Path, root: Path, *, replace: bool) -> Path:
    """Refuse an output folder that is published, could be committed, or holds an earlier run's packs.

    Inside the project, packs go under private/ (which git ignores); site/ is refused by name.
    """
    resolved = out_dir.expanduser().resolve()
    project = root.resolve()
    site = project / "site"
    if resolved == site or site in resolved.parents:
        raise OutputError(f"{out_dir}: personal packs never go inside site/ (it is published); "
                          f"choose a private folder, e.g. private/packs")
    private = project / "private"
    if (resolved == project or project in resolved.parents) and not (resolved == private or private in resolved.parents):
        raise OutputError(f"{out_dir}: inside the project, personal packs go under private/ (git ignores it), "
                          f"so they are never published or committed; e.g. private/packs")
    if resolved.exists() and not resolved.is_dir():
        raise OutputError(f"{out_dir}: this is a file, not a folder")
    earlier = [p for p in resolved.iterdir() if PACK_GLOB.fullmatch(p.name)] if resolved.is_dir() else []
    if earlier and not replace:
        raise OutputError(f"{out_dir}: this folder holds {len(earlier)} pack(s) from an earlier run; "
                          f"choose an empty folder, or pass --replace to delete them first")
    return resolved


def prepare_output_dir(resolved: Path, *, replace: bool) -> None:
    """Create the folder for the owner only, and delete earlier packs when asked to."""
    resolved.mkdir(mode=0o700, parents=True, exist_ok=True)
    if replace:
        for path in resolved.iterdir():
            if PACK_GLOB.fullmatch(path.name):
                path.unlink()


def write_private(target: Path, write: Callable[[io.BufferedWriter], None]) -> None:
    """Write a file readable by its owner only (0600), atomically: a temporary name, then rename."""
    partial = target.with_name(f".{target.name}.part")
    try:
        with os.fdopen(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600), "wb") as handle:
            os.fchmod(handle.fileno(), 0o600)  # whatever the umask
            write(handle)
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


# --- Workers -----------------------------------------------------------------------------------

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
    from .i18n import load_translations

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
    import pikepdf

    from . import packmerge
    from .pdf import render_personal_pages

    context = _context
    assert context is not None, "init_worker was not called"
    try:
        html = personal_html(context, task.mothers, task.lang)
        data, groups, warnings = render_personal_pages(
            html, (context.root / "templates" / "leaflets").as_uri() + "/", [f"mother-{m.row}" for m in task.mothers])
    except Exception as error:  # the message may quote the page: report the kind only
        return BatchResult([RowResult(m.row, f"its personal pages could not be laid out ({type(error).__name__})")
                            for m in task.mothers])
    results = []
    with pikepdf.open(io.BytesIO(data)) as batch:
        source_tree = packmerge.structure(batch)
        base = pikepdf.open(context.static_packs[task.lang])
        try:
            for mother, pages, target in zip(task.mothers, groups, task.targets):
                if len(pages) != expected_pages(mother):
                    results.append(RowResult(mother.row, (
                        f"its personal pages need {len(pages)} pages instead of {expected_pages(mother)}; "
                        "shorten the name or the midwife's details")))
                    continue
                try:
                    with packmerge.inserted(base, batch, pages, at=0, source_tree=source_tree):
                        packmerge.set_outline(base, outline_entries(context, task.lang, len(pages)))
                        write_private(target, lambda handle: packmerge.save(base, handle))
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
    pool_context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=pool_context, initializer=init_worker,
                             initargs=(context,)) as pool:
        futures = {pool.submit(make_batch, task): task for task in tasks}
        for future in as_completed(futures):
            try:
                yield future.result()
            except BrokenProcessPool:
                yield BatchResult([RowResult(m.row, "not made: a worker process stopped; run again")
                                   for m in futures[future].mothers])
            except Exception as error:  # never a traceback that could quote a register value
                yield BatchResult([RowResult(m.row, f"not made ({type(error).__name__})")
                                   for m in futures[future].mothers])


def batches(mothers: Sequence[Mother], out_dir: Path, size: int) -> list[BatchTask]:
    """Group mothers by language into batches of at most `size`, in row order."""
    width = max(4, len(str(max((m.row for m in mothers), default=0))))
    tasks = []
    for lang in sorted({m.lang for m in mothers}):
        group = [m for m in mothers if m.lang == lang]
        for start in range(0, len(group), size):
            chunk = group[start:start + size]
            tasks.append(BatchTask(lang, chunk, [out_dir / PACK_PATTERN.format(row=m.row, width=width) for m in chunk]))
    return tasks


def batch_size(count: int, workers: int) -> int:
    """Choose a batch size: big enough to share WeasyPrint's set-up, small enough to share work."""
    return max(1, min(BATCH_SIZE, max(MIN_BATCH, math.ceil(count / (workers * 4)))))


# --- The static pack ---------------------------------------------------------------------------

def family_leaflets(pack: Pack) -> list[Leaflet]:
    """Return the leaflets every family gets: audience families or caregivers, A4 format."""
    return [leaflet for leaflet in pack.leaflets.values()
            if leaflet.audience in FAMILY_AUDIENCES and leaflet.format == FAMILY_FORMAT]


def static_leaflet_jobs(pack: Pack, languages: Iterable[str], scratch: Path) -> list[Any]:
    """Return the jobs that write the family leaflets in the languages the register needs."""
    from .build import site_urls
    from .leaflets import LeafletJob, leaflet_html
    from .render import PageRenderer

    leaflets = family_leaflets(pack)
    stems = {stem for leaflet in leaflets for stem in [leaflet.page, *leaflet.options.get("contents", [])]}
    renderer = PageRenderer(pack)
    rendered = {stem: {lang: renderer.render(page) for lang, page in pack.pages[stem].items()} for stem in stems}
    urls = site_urls(pack)
    return [
        LeafletJob(
            slug=leaflet.slug, lang=lang, html=leaflet_html(pack, leaflet, rendered, lang, urls),
            base_url=rendered[leaflet.page][lang].page.path.as_uri(),
            target=scratch / lang / f"{leaflet.slug}.pdf", page_budget=leaflet.pages,
            title=f"{leaflet.page}.{lang}.md",
        )
        for lang in languages for leaflet in leaflets
    ]


def join_static_pack(pack: Pack, lang: str, leaflet_files: Sequence[tuple[str, Path]], target: Path) -> list[tuple[str, int]]:
    """Join a language's family leaflets into one tagged PDF; return (title, first page) of each."""
    import pikepdf

    from . import packmerge
    from .i18n import load_translations

    _ = load_translations(pack.root, lang).gettext
    (first_title, first_path), *others = leaflet_files
    with contextlib.ExitStack() as stack:
        base = stack.enter_context(pikepdf.open(first_path))
        contents = [(first_title, 0)]
        for title, path in others:
            contents.append((title, len(base.pages)))
            packmerge.append_pdf(base, stack.enter_context(pikepdf.open(path)))
        packmerge.set_metadata(base, title=_("Your breastfeeding pack"), author=str(pack.organisation.get("name") or ""))
        packmerge.set_outline(base, contents)
        packmerge.save(base, target)
    return contents


# --- The recipe --------------------------------------------------------------------------------

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
    from .checks import check_pack
    from .content import load_pack

    started = time.perf_counter()
    today = today or current_date()
    resolved = check_output_dir(out_dir, root, replace=replace)
    pack = load_pack(root, organisation_file=organisation_file)
    problems = check_pack(pack, today=today)
    problems.raise_if_failing(strict=strict)
    facts = require_facts(pack)
    if not family_leaflets(pack):
        raise AsipackError("content/leaflets.yml lists no family leaflet (audience families or caregivers, format a4)")
    register = read_register(register_path, [lang.code for lang in pack.languages], today=today)
    report = PersonalReport(resolved, rows=len(register.mothers) + len(register.failed_rows),
                            problems=list(register.problems), ignored_columns=register.ignored_columns)
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
            from .build import render_with_cache
            from .cache import LeafletCache, environment_digest

            results, _ = render_with_cache(jobs, LeafletCache(root, environment_digest(root, organisation_file)),
                                           lambda label: None)
        else:
            results = render_leaflets(jobs, processes=workers)
        for result in results:
            report.warnings += [f"{result.lang}/{result.slug}.pdf: WeasyPrint: {m}" for m in result.warnings]
        context = PersonalContext(
            root=root, locales={lang.code: lang.locale for lang in pack.languages}, organisation=pack.organisation,
            facts=facts, static_packs={}, contents={},
        )
        for lang in languages:
            files = [(pack.pages[leaflet.page][lang].title, scratch / "leaflets" / lang / f"{leaflet.slug}.pdf")
                     for leaflet in family_leaflets(pack)]
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
