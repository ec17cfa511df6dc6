"""Read a register of mothers (CSV) and check every row; a problem names the row and column, never a value."""

from __future__ import annotations

import csv
import datetime
import io
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from asipack.model.errors import AsipackError

REQUIRED_COLUMNS = ("language", "baby_birth_date", "midwife_name", "midwife_phone")


OPTIONAL_COLUMNS = ("name", "return_to_work_date", "hours_away", "feeds_per_day")


MAX_TEXT = {"name": 80, "midwife_name": 80, "midwife_phone": 25}


FEEDS_RANGE = (4, 16)  # a plausible number of feeds in 24 hours, to catch typing slips


class RegisterError(AsipackError):
    """The register cannot be read at all (not UTF-8 CSV, or a required column is missing)."""


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


def check_row(row: int, cells: dict[str, str], languages: Sequence[str], today: datetime.date) -> tuple[Mother | None, list[RowProblem]]:
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
    if problems or birth is None:
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
            if len(cells) > len(header) and any(cell.strip() for cell in cells[len(header) :]):
                register.problems.append(RowProblem(number, f"has {len(cells)} cells but the header has {len(header)}"))
                continue
            mother, problems = check_row(number, dict(zip(header, cells)), languages, today)
            register.problems += problems
            if mother:
                register.mothers.append(mother)
    except csv.Error as error:
        raise RegisterError(f"{path}: the register is not valid CSV after row {number} ({error})") from None
    return register
