"""Personal packs on the day they are made: past visits, moved visits, early returns, and the midwife's visit list."""

from __future__ import annotations

import csv
import datetime
import io
import re
import stat

import pytest
from babel.dates import format_date
from icalendar import Calendar

from asipack.commands.personal import make_packs
from asipack.model.register import Mother
from asipack.packs.plan import VISIT_KEYS, return_plan, visit_schedule
from asipack.packs.workdays import WorkingDays, working_days

from .conftest import TODAY
from .test_personal import FACTS, FIRST_LEAFLETS, PLAN_PAGE, ROWS, make, pack_path, run_cli, text_of, write_pack, write_register

DAY = datetime.timedelta(days=1)
# Fictional. Row 5: every visit has passed. Row 6: back at work 7 days after the pack is made.
PAST_ROW = "Ayu Contoh,id,2026-10-01,Ani Lestari,+62 812 0000 0101,,,"
EARLY_ROW = "Maya Example,en,2026-11-25,Yuli Hartati,(021) 000 0303,2026-12-05,9,"
LABELS = {
    "id": {
        "visit_1": "Kunjungan rumah 1",
        "visit_2": "Kunjungan rumah 2",
        "tele_1": "Telekonseling 1",
        "tele_2": "Telekonseling 2",
        "monitoring": "Pemantauan",
    },
    "en": {
        "visit_1": "Home visit 1",
        "visit_2": "Home visit 2",
        "tele_1": "Tele-counselling 1",
        "tele_2": "Tele-counselling 2",
        "monitoring": "Monitoring check",
    },
}
LANGS = {2: "id", 3: "id", 4: "en", 5: "id", 6: "en"}
LOCALES = {"id": "id", "en": "en_GB"}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """Packs and the visit list for the sample rows, a row whose visits have all passed and an early return."""
    base = tmp_path_factory.mktemp("calendar")
    root = write_pack(base / "pack", FIRST_LEAFLETS)
    register = write_register(base / "register.csv", [*ROWS, PAST_ROW, EARLY_ROW])
    report = make(root, register, base / "private" / "packs")
    return root, register, report


def events(report) -> list:
    return Calendar.from_ical((report.out_dir / "visits.ics").read_bytes()).walk("VEVENT")


def row_and_visit(event) -> tuple[int, str]:
    match = re.fullmatch(r"([a-z]+-\d)-row-(\d+)-[0-9a-f]{16}@asipack|(monitoring)-row-(\d+)-[0-9a-f]{16}@asipack", str(event["uid"]))
    assert match, str(event["uid"])
    key = (match.group(1) or match.group(3)).replace("-", "_")
    return int(match.group(2) or match.group(4)), key


# --- The visit list -----------------------------------------------------------------------------


def test_the_calendar_parses_back_with_one_event_per_visit_per_mother(run):
    _, _, report = run
    found = events(report)
    assert len(found) == len(VISIT_KEYS) * len(report.written) == 25
    assert len({str(event["uid"]) for event in found}) == len(found)
    assert {row_and_visit(event) for event in found} == {(row, key) for row in report.written for key in VISIT_KEYS}
    for event in found:
        row, key = row_and_visit(event)
        word = "baris" if LANGS[row] == "id" else "row"
        assert str(event["summary"]) == f"{LABELS[LANGS[row]][key]} · {word} {row}", "the visit and the row, nothing else"
        assert event.decoded("dtstamp") == datetime.datetime(2026, 11, 28, tzinfo=datetime.UTC)
        assert isinstance(event.decoded("dtstart"), datetime.date) and event.decoded("dtend") == event.decoded("dtstart") + DAY
    data = (report.out_dir / "visits.ics").read_bytes() + (report.out_dir / "visits.csv").read_bytes()
    for name in ("Siti", "Dewi", "Sarah", "Ayu", "Maya", "Contoh", "Example"):
        assert name.encode() not in data, "no names without --calendar-names"


def test_the_calendar_dates_match_the_packs(run):
    _, _, report = run
    for event in events(report):
        row, key = row_and_visit(event)
        lang = LANGS[row]
        day = format_date(event.decoded("dtstart"), "EEEE, d MMMM y", locale=LOCALES[lang])
        cover = text_of(pack_path(report, row), pages=[0])
        assert re.search(rf"{LABELS[lang][key]}: (paling lambat|sekitar|by|around) {day} \(", cover), (row, key, day)


def test_the_csv_is_sorted_by_date_and_holds_the_calendar_s_visits(run):
    _, _, report = run
    rows = list(csv.DictReader(io.StringIO((report.out_dir / "visits.csv").read_text(encoding="utf-8-sig"))))
    assert [r["date"] for r in rows] == sorted(r["date"] for r in rows)
    from_calendar = {(event.decoded("dtstart").isoformat(), str(row_and_visit(event)[0])) for event in events(report)}
    assert {(r["date"], r["row"]) for r in rows} == from_calendar and len(rows) == 25
    assert {r["visit"] for r in rows if r["row"] == "2"} == set(LABELS["id"].values())
    moved = [r for r in rows if r["moved_from"]]
    assert ("2026-12-31", "2", "2027-01-01") in {(r["date"], r["row"], r["moved_from"]) for r in moved}, "New Year's Day"
    assert ("2026-12-17", "2", "2026-12-18") in {(r["date"], r["row"], r["moved_from"]) for r in moved}, "the organisation's closure"
    assert all(r["past"] == "yes" for r in rows if r["row"] == "5")


def test_the_visit_list_is_private_and_beside_the_packs(run):
    root, _, report = run
    for name in ("visits.ics", "visits.csv"):
        path = report.out_dir / name
        assert path.parent == report.out_dir and stat.S_IMODE(path.stat().st_mode) == 0o600
        assert root / "site" not in path.parents
    assert [path.name for path in report.visit_list] == ["visits.ics", "visits.csv"]


def test_the_same_register_gives_the_same_visit_list_bytes(run, tmp_path):
    root, register, report = run
    again = make(root, register, tmp_path / "again")
    for name in ("visits.ics", "visits.csv"):
        assert (again.out_dir / name).read_bytes() == (report.out_dir / name).read_bytes()


def test_the_command_takes_today_and_calendar_names(tmp_path, monkeypatch):
    root = write_pack(tmp_path / "pack")
    register = write_register(tmp_path / "r.csv", [*ROWS, PAST_ROW])
    out = tmp_path / "out"
    result = run_cli(monkeypatch, root, str(register), "--out", str(out), "--today", "2026-11-30", "--calendar-names")
    assert result.exit_code == 0, result.output
    assert "row 5: every visit date has passed; her pack shows them as past" in result.output
    assert "Visit list: visits.ics, visits.csv" in result.output
    calendar = Calendar.from_ical((out / "visits.ics").read_bytes())
    summaries = {str(event["summary"]) for event in calendar.walk("VEVENT")}
    assert "Kunjungan rumah 1 · baris 2 · Siti" in summaries and "Home visit 1 · row 4 · Sarah" in summaries
    data = (out / "visits.ics").read_bytes() + (out / "visits.csv").read_bytes()
    assert b"Contoh" not in data and b"Example" not in data, "the first name only"
    assert {event.decoded("dtstamp").date() for event in calendar.walk("VEVENT")} == {datetime.date(2026, 11, 30)}
    for value in ("Siti", "Contoh", "Ani Lestari", "0000 0101"):
        assert value not in result.output


# --- Dates on the day the pack is made ----------------------------------------------------------


def test_a_visit_that_has_passed_is_shown_as_past_and_a_row_whose_every_visit_passed_is_noted(run):
    _, _, report = run
    cover = text_of(pack_path(report, 5), pages=[0])
    assert cover.count("Tanggal ini sudah lewat.") == 5
    assert "row 5: every visit date has passed; her pack shows them as past" in [str(note) for note in report.notes]
    sample = text_of(pack_path(report, 2), pages=[0])
    assert sample.count("Tanggal ini sudah lewat.") == 2, "home visits 1 and 2 have passed, the rest are to come"
    assert all(note.row != 2 for note in report.notes)


def test_a_visit_due_on_the_day_the_pack_is_made_says_it_is_today(tmp_path):
    """Home visit 2 for a baby born on 24 November is due by Tuesday 1 December: a pack made that day says so."""
    root = write_pack(tmp_path / "pack", FIRST_LEAFLETS)
    register = write_register(tmp_path / "r.csv", ROWS[1:2])  # Dewi Contoh, born 2026-11-24
    report = make_packs(root, register, tmp_path / "out", today=datetime.date(2026, 12, 1), echo=lambda line: None)
    cover = text_of(pack_path(report, 2), pages=[0])
    assert "paling lambat Selasa, 1 Desember 2026 (dalam 1 minggu setelah lahir). Itu hari ini." in cover
    assert cover.count("Itu hari ini.") == 1 and cover.count("Tanggal ini sudah lewat.") == 1, "home visit 1 has passed"


def test_an_early_return_gets_a_caution_in_the_plan_and_on_the_console(run):
    _, _, report = run
    assert "row 6: return in 7 days: the plan starts expressing now" in [str(note) for note in report.notes]
    plan = text_of(pack_path(report, 6), pages=[PLAN_PAGE])
    assert "Your first day back is in 7 days, sooner than this plan usually starts. So start expressing and storing milk now." in plan
    assert "From Saturday, 28 November 2026: practise expressing, then express and store milk every day" in plan
    assert "Between Saturday, 28 November 2026 and Tuesday, 1 December 2026: one day as a trial" in plan


def mother(birth: datetime.date, back: datetime.date | None) -> Mother:
    return Mother(2, "en", "", birth, "Ani", "0812 0000 0101", return_date=back, hours_away=9)


def test_a_return_before_the_plan_s_first_step_drops_no_step_silently():
    birth = datetime.date(2026, 11, 20)
    soon = return_plan(mother(birth, birth + 10 * DAY), FACTS, today=birth)  # 10 days after the birth
    assert soon.caution == "now" and soon.console_caution == "return in 10 days: the plan starts expressing now"
    assert soon.practise_from is None and soon.stock_from == birth  # practising goes with the stock, from now
    assert (soon.trial_from, soon.trial_to) == (birth + 3 * DAY, birth + 6 * DAY)
    together = return_plan(mother(birth, datetime.date(2027, 1, 1)), FACTS, today=birth)  # 6 weeks: 1 month is after the stock starts
    assert together.caution == "together" and together.practise_from is None and together.stock_from == datetime.date(2026, 12, 18)
    passed = return_plan(mother(birth, datetime.date(2026, 12, 1)), FACTS, today=datetime.date(2026, 12, 2))
    assert passed.caution == "passed" and passed.trial_from is None and passed.milk_ml > 0
    usual = return_plan(mother(birth, datetime.date(2027, 2, 22)), FACTS, today=TODAY)
    assert usual.caution is None and usual.practise_from == datetime.date(2026, 12, 20)


def test_moved_dates_avoid_sundays_and_holidays_and_stay_in_their_window():
    days = working_days(range(2026, 2029))
    assert not days.is_working(datetime.date(2027, 1, 1)) and not days.is_working(datetime.date(2026, 11, 22))  # a holiday, a Sunday
    birth = datetime.date(2026, 1, 1)
    while birth < datetime.date(2028, 1, 1):
        for visit in visit_schedule(birth, FACTS, today=birth, days=days):
            assert visit.earliest <= visit.day <= visit.latest
            assert visit.no_working_day or days.is_working(visit.day), (birth, visit)
            if visit.by:
                assert visit.day <= visit.due, "a home visit has a deadline: it only moves earlier"
            if visit.key == "visit_1":
                assert visit.day <= birth + 3 * DAY, "never past 72 hours"
        birth += DAY


def test_the_72_hour_visit_never_moves_past_72_hours_and_says_so_when_no_day_fits(tmp_path):
    birth = datetime.date(2026, 11, 20)  # a Friday: the 72 hours end on Monday 23 November
    closed = WorkingDays(frozenset({birth + DAY, birth + 3 * DAY}))  # Saturday and Monday closed; Sunday is too
    visit = visit_schedule(birth, FACTS, today=birth, days=closed)[0]
    assert visit.no_working_day and visit.day == visit.due == birth + 3 * DAY and not visit.past
    organisation = 'name: Puskesmas Uji\nphone: "(021) 555 0100"\nclosures: [2026-11-21, 2026-11-23]\n'
    root = write_pack(tmp_path / "pack", {"content/organisation.yml": organisation})
    register = write_register(tmp_path / "r.csv", ["Siti Contoh,en,2026-11-20,Ani,+62 812 0000 0101,,,"])
    report = make_packs(root, register, tmp_path / "out", today=birth, echo=lambda line: None)
    assert "row 2: home visit 1: no working day falls in its window" in str(report.notes[0])
    cover = text_of(pack_path(report, 2), pages=[0])
    assert "Home visit 1: by Monday, 23 November 2026 (within 72 hours of the birth) No working day falls in this time" in cover


def test_a_visit_still_to_come_never_moves_into_the_past():
    birth = datetime.date(2026, 11, 19)  # home visit 1 is due on Sunday 22 November
    visit = visit_schedule(birth, FACTS, today=datetime.date(2026, 11, 22))[0]
    assert visit.due == datetime.date(2026, 11, 22) and not visit.past
    assert visit.no_working_day, "Saturday has passed, so no working day fits: the due day is kept and the pack says so"
    earlier = visit_schedule(birth, FACTS, today=birth)[0]
    assert earlier.day == datetime.date(2026, 11, 21) and earlier.moved
