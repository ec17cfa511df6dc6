"""Compute a mother's visit dates and return-to-work plan from the facts (pure arithmetic, no I/O).

A pack is made on a day (today): a visit dated before it is past, never upcoming; a plan step
that should have started before it starts on it, and the plan says why (a caution). Visits that
fall on a closed day move to the nearest working day inside their window; home visits, which
have a deadline, only ever move earlier.
"""

from __future__ import annotations

import calendar
import datetime
import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from asipack.model.errors import AsipackError
from asipack.model.pack import Fact, Pack
from asipack.model.register import Mother
from asipack.packs.workdays import WorkingDays

ROUND_ML = 5  # milk amounts are printed to the nearest 5 mL ("about 95 mL")


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


class MissingFactError(AsipackError):
    """A fact the personal pages need is not in content/facts.yml."""


def require_facts(pack: Pack) -> dict[str, Fact]:
    """Return the facts the personal pages need, or raise one error naming every missing one."""
    missing = [key for key in PLAN_FACTS if key not in pack.facts]
    if missing:
        lines = [f"  {key}: {PLAN_FACTS[key]}" for key in missing]
        raise MissingFactError(
            "content/facts.yml lacks fact(s) that personal packs need:\n"
            + "\n".join(lines)
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

    return Visits(
        after("programme.visit_1_within"),
        after("programme.visit_2_within"),
        after("programme.tele_1_at"),
        after("programme.tele_2_at"),
        after("programme.length"),
    )


VISIT_KEYS = ("visit_1", "visit_2", "tele_1", "tele_2", "monitoring")  # in the order of the programme


VISIT_NAMES = {  # for the console (English, like every console line)
    "visit_1": "home visit 1",
    "visit_2": "home visit 2",
    "tele_1": "tele-counselling 1",
    "tele_2": "tele-counselling 2",
    "monitoring": "the monitoring check",
}


DEADLINES = ("visit_1", "visit_2")  # "by" a date; the others are "around" one


AROUND_DAYS = 3  # a contact "around" a date may move this many days either way to a working day


@dataclass(frozen=True)
class Visit:
    """One contact of the programme: when it is due, the window it may move in, and the day shown."""

    key: str
    by: bool  # a deadline ("by" the due date) rather than "around" it
    due: datetime.date  # counted from the birth
    earliest: datetime.date  # the window the day may move in
    latest: datetime.date
    day: datetime.date  # the day printed: the due date, or the nearest working day in the window
    no_working_day: bool  # no working day fits the window, so the due date is kept
    past: bool  # the day is before the day the pack is made

    @property
    def moved(self) -> bool:
        return self.day != self.due


def windows(birth: datetime.date, visits: Visits) -> dict[str, tuple[datetime.date, datetime.date]]:
    """Return each contact's window: home visit 1 from the day after the birth to its deadline,
    home visit 2 after that to its deadline, the others AROUND_DAYS either side."""
    around = datetime.timedelta(days=AROUND_DAYS)
    spans = {
        "visit_1": (min(birth + datetime.timedelta(days=1), visits.visit_1), visits.visit_1),
        "visit_2": (min(visits.visit_1 + datetime.timedelta(days=1), visits.visit_2), visits.visit_2),
    }
    for key in VISIT_KEYS[2:]:
        due = getattr(visits, key)
        spans[key] = (due - around, due + around)
    return spans


def nearest_working_day(due: datetime.date, earliest: datetime.date, latest: datetime.date, days: WorkingDays) -> datetime.date | None:
    """Return the working day nearest to a due date inside a window (the earlier of two as near), or None."""
    candidates = [earliest + datetime.timedelta(days=offset) for offset in range((latest - earliest).days + 1)]
    working = [day for day in candidates if days.is_working(day)]
    return min(working, key=lambda day: (abs((day - due).days), day), default=None)


def visit_schedule(
    birth: datetime.date, facts: dict[str, Fact], *, today: datetime.date | None = None, days: WorkingDays = WorkingDays()
) -> tuple[Visit, ...]:
    """Return the programme's contacts for a baby born on a date, as a pack made on `today` shows them.

    A contact on a closed day moves to the nearest working day in its window. A contact still
    to come never moves before today (so it is not shown as past); when no working day fits,
    the due date is kept and no_working_day says so. Without `today`, nothing is past.
    """
    visits = visit_dates(birth, facts)
    made_on = today or birth
    schedule = []
    for key, (earliest, latest) in windows(birth, visits).items():
        due = getattr(visits, key)
        if due >= made_on:
            earliest = max(earliest, made_on)
        day = due if days.is_working(due) else nearest_working_day(due, earliest, latest, days)
        schedule.append(
            Visit(
                key=key,
                by=key in DEADLINES,
                due=due,
                earliest=earliest,
                latest=latest,
                day=day or due,
                no_working_day=day is None,
                past=(day or due) < made_on,
            )
        )
    return tuple(schedule)


Caution = Literal["passed", "now", "together"]


CAUTIONS: dict[str, str] = {  # for the console, after "row N: return in D days: "
    "passed": "the return to work date is today or has passed, so the plan gives no steps before it",
    "now": "the plan starts expressing now",
    "together": "practising and building a stock start together",
}


@dataclass(frozen=True)
class ReturnPlan:
    """A mother's return-to-work plan: when to do what, and the milk for one work day."""

    first_day: datetime.date
    practise_from: datetime.date | None  # None when practising starts with the stock (see caution)
    stock_from: datetime.date
    trial_from: datetime.date | None  # None when the first day back is today or has passed
    trial_to: datetime.date | None
    hours_away: float
    hours_counted: bool  # True when the register gave no hours and the pack counts its usual day
    feeds_per_day: int
    per_feed_ml: int
    feeds_missed: int
    milk_ml: int
    total_ml: tuple[int, int]  # milk_ml plus the spare portion (low, high)
    breaks: int
    days_left: int = 0  # days from the day the pack is made to the first day back
    caution: Caution | None = None  # why a step starts sooner or together with another, or is left out

    @property
    def console_caution(self) -> str | None:
        """Return the caution as the console says it (no value but the days left)."""
        if self.caution is None:
            return None
        if self.caution == "passed":
            return CAUTIONS["passed"]
        return f"return in {self.days_left} day{'s' if self.days_left != 1 else ''}: {CAUTIONS[self.caution]}"


def return_plan(mother: Mother, facts: dict[str, Fact], *, today: datetime.date | None = None) -> ReturnPlan | None:
    """Compute a mother's plan from the facts, or None when she gave no return date.

    - Practise expressing from the baby's age in work.practise_from, start the stock
      work.stock_start before the first day, a trial day work.trial_run days before it; no date
      falls before the birth or before `today` (the day the pack is made; the birth without it).
      A step moved to today, or practising that would come after the stock starts, gives a
      caution ("now", "together"); a first day back that is today or past gives "passed" and
      no steps. No step is dropped without one.
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
    start = max(birth, today or birth)  # no step is dated before this

    def before(key: str, value: float | None = None) -> datetime.date:
        fact = facts[key]
        return shift(first_day, -(high(fact) if value is None else value), fact.unit)

    stock_due = before("work.stock_start")
    stock_from = max(start, stock_due)
    practise_from: datetime.date | None = max(start, shift(birth, low(facts["work.practise_from"]), facts["work.practise_from"].unit))
    trial_from: datetime.date | None = max(start, before("work.trial_run"))
    trial_to: datetime.date | None = min(
        max(before("work.trial_run", low(facts["work.trial_run"])), start), first_day - datetime.timedelta(days=1)
    )
    caution: Caution | None = None
    if first_day <= start:
        caution, practise_from, trial_from, trial_to = "passed", None, None, None
    else:
        if stock_due < start:
            caution = "now"
        if practise_from is not None and practise_from >= stock_from:
            practise_from = None
            caution = caution or "together"
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
        practise_from=practise_from,
        stock_from=stock_from,
        trial_from=trial_from,
        trial_to=trial_to,
        hours_away=float(hours),
        hours_counted=hours_counted,
        feeds_per_day=feeds,
        per_feed_ml=per_feed,
        feeds_missed=feeds_missed,
        milk_ml=milk,
        total_ml=(milk + int(low(spare)), milk + int(high(spare))),
        breaks=max(0, math.ceil(hours / interval) - 1),
        days_left=(first_day - (today or birth)).days,
        caution=caution,
    )
