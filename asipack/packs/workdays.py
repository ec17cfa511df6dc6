"""Working days of the health service: not a Sunday, an Indonesian public holiday or a local closure.

Public holidays come from the `holidays` package (its Indonesian calendar, the public category:
national days and the religious days the government sets, estimated where the date is not yet
decreed). Joint leave days (cuti bersama) are not counted: an organisation that closes on them,
or on a local day, lists them under `closures` in its organisation file.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

import holidays

SUNDAY = 6  # datetime.date.weekday()


@dataclass(frozen=True)
class WorkingDays:
    """The closed days a visit is moved away from (Sundays are always closed)."""

    closed: frozenset[datetime.date] = frozenset()

    def is_working(self, day: datetime.date) -> bool:
        """Tell whether the health service works on a day."""
        return day.weekday() != SUNDAY and day not in self.closed


def working_days(years: Iterable[int], closures: Iterable[datetime.date] = ()) -> WorkingDays:
    """Return the working days of some years: Indonesia's public holidays and the local closures are closed."""
    public = holidays.country_holidays("ID", years=sorted(set(years)))
    return WorkingDays(frozenset(public) | frozenset(closures))
