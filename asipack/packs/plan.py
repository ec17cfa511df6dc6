"""Compute a mother's visit dates and return-to-work plan from the facts (pure arithmetic, no I/O)."""

from __future__ import annotations

import calendar
import datetime
import math
from dataclasses import dataclass
from fractions import Fraction

from asipack.model.errors import AsipackError
from asipack.model.pack import Fact, Pack
from asipack.model.register import Mother

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
