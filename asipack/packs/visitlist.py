"""The midwife's visit list beside the packs: visits.ics (RFC 5545) and visits.csv, sorted by date.

One event per visit per mother, with the same dates as her pack. A phone calendar often syncs
to the cloud, so by default an event names only the visit, its window and the register row
("Kunjungan rumah 1 · baris 7", in the mother's language); with names=True it adds her first
name. The files are the packs' kind: owner-only (0600), written atomically, and the same input
gives the same bytes (DTSTAMP is the day the packs are made, UIDs come from the visit, the row
and a digest of the register, so two months' registers never share a UID).
"""

from __future__ import annotations

import csv
import datetime
import functools
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from babel.dates import format_date
from icalendar import Calendar, Event

from asipack import EDITION
from asipack.model.pack import Fact
from asipack.model.register import Mother
from asipack.packs.plan import VISIT_KEYS, Visit, visit_schedule
from asipack.packs.privacy import VISIT_FILES, write_private
from asipack.packs.workdays import WorkingDays
from asipack.render.i18n import load_translations

DATE_PATTERN = "EEEE, d MMMM y"  # as on the cover


CSV_COLUMNS = ("date", "row", "visit", "window_from", "window_to", "moved_from", "past")


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # a cell a spreadsheet would run as a formula


@dataclass(frozen=True)
class Entry:
    """One visit of one mother, with the words of her language."""

    mother: Mother
    visit: Visit
    label: str  # the visit's name
    summary: str
    description: str


def visit_labels(gettext: Callable[[str], str]) -> dict[str, str]:
    """Return each visit's name in a language (the cover's words)."""
    _ = gettext
    return {
        "visit_1": _("Home visit 1"),
        "visit_2": _("Home visit 2"),
        "tele_1": _("Tele-counselling 1"),
        "tele_2": _("Tele-counselling 2"),
        "monitoring": _("Monitoring check"),
    }


def first_name(mother: Mother) -> str:
    """Return the first word of her name ('' without a name)."""
    return mother.name.split()[0] if mother.name.split() else ""


def entries(
    root: Path,
    mothers: Sequence[Mother],
    facts: dict[str, Fact],
    *,
    today: datetime.date,
    days: WorkingDays,
    locales: dict[str, str],
    names: bool,
) -> list[Entry]:
    """Return every visit of every mother, sorted by date, then row, then the programme's order."""
    found = []
    for mother in mothers:
        _ = load_translations(root, mother.lang).gettext
        labels = visit_labels(_)
        locale = locales[mother.lang]

        def day(value: datetime.date, locale: str = locale) -> str:
            return format_date(value, DATE_PATTERN, locale=locale)

        for visit in visit_schedule(mother.birth, facts, today=today, days=days):
            name = first_name(mother) if names else ""
            if name:
                summary = _("%(visit)s · row %(row)s · %(name)s") % {"visit": labels[visit.key], "row": mother.row, "name": name}
            else:
                summary = _("%(visit)s · row %(row)s") % {"visit": labels[visit.key], "row": mother.row}
            lines = [_("Window: %(start)s to %(end)s.") % {"start": day(visit.earliest), "end": day(visit.latest)}]
            if visit.moved:
                lines.append(_("Moved from %(date)s, a Sunday or a day the service is closed.") % {"date": day(visit.due)})
            if visit.no_working_day and not visit.past:
                lines.append(_("No working day falls in the window: agree the day with the family."))
            if visit.past:
                lines.append(_("This date has passed."))
            found.append(Entry(mother, visit, labels[visit.key], summary, " ".join(lines)))
    return sorted(found, key=lambda entry: (entry.visit.day, entry.mother.row, VISIT_KEYS.index(entry.visit.key)))


def calendar_bytes(found: Sequence[Entry], *, today: datetime.date, register_digest: str) -> bytes:
    """Return an RFC 5545 calendar: one all-day event per visit, the same bytes for the same input."""
    calendar = Calendar()
    calendar.add("prodid", f"-//asipack//visit list {EDITION}//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    stamp = datetime.datetime.combine(today, datetime.time(), tzinfo=datetime.UTC)
    for entry in found:
        event = Event()
        event.add("uid", f"{entry.visit.key.replace('_', '-')}-row-{entry.mother.row}-{register_digest[:16]}@asipack")
        event.add("dtstamp", stamp)
        event.add("dtstart", entry.visit.day)
        event.add("dtend", entry.visit.day + datetime.timedelta(days=1))
        event.add("summary", entry.summary)
        event.add("description", entry.description)
        event.add("transp", "TRANSPARENT")  # a reminder, not a busy slot: the midwife agrees the time
        calendar.add_component(event)
    return calendar.to_ical()


def spreadsheet_cell(text: str) -> str:
    """Return text a spreadsheet shows as text, never runs as a formula."""
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_bytes(found: Sequence[Entry], *, names: bool) -> bytes:
    """Return the visit list as CSV (UTF-8 with a byte-order mark, so spreadsheets read the names)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS + (("first_name",) if names else ()))
    for entry in found:
        visit = entry.visit
        row = [
            visit.day.isoformat(),
            entry.mother.row,
            entry.label,
            visit.earliest.isoformat(),
            visit.latest.isoformat(),
            visit.due.isoformat() if visit.moved else "",
            "yes" if visit.past else "",
        ]
        writer.writerow(row + ([spreadsheet_cell(first_name(entry.mother))] if names else []))
    return buffer.getvalue().encode("utf-8-sig")


def write_visit_list(
    root: Path,
    mothers: Sequence[Mother],
    facts: dict[str, Fact],
    out_dir: Path,
    *,
    today: datetime.date,
    days: WorkingDays,
    locales: dict[str, str],
    register_digest: str,
    names: bool = False,
) -> list[Path]:
    """Write visits.ics and visits.csv into the packs' folder (0600); return their paths."""
    found = entries(root, mothers, facts, today=today, days=days, locales=locales, names=names)
    ics, table = (out_dir / name for name in VISIT_FILES)
    for target, data in (
        (ics, calendar_bytes(found, today=today, register_digest=register_digest)),
        (table, csv_bytes(found, names=names)),
    ):
        write_private(target, functools.partial(write_bytes, data=data))
    return [ics, table]


def write_bytes(handle: io.BufferedWriter, *, data: bytes) -> None:
    """Write bytes to an open file (for write_private)."""
    handle.write(data)
