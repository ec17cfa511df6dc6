"""Read a register of mothers (CSV) and check every row against the Mother model.

A problem names the row and the column, never a value: a register holds personal data.
"""

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
from typing import Annotated, Any

from pydantic import ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator
from pydantic.dataclasses import dataclass as model
from pydantic_core import PydanticCustomError

from asipack.model.errors import AsipackError
from asipack.model.schema import adapter

REQUIRED_COLUMNS = ("language", "baby_birth_date", "midwife_name", "midwife_phone")


OPTIONAL_COLUMNS = ("name", "return_to_work_date", "hours_away", "feeds_per_day")


MAX_TEXT = {"name": 80, "midwife_name": 80, "midwife_phone": 25}


FEEDS_RANGE = (4, 16)  # a plausible number of feeds in 24 hours, to catch typing slips


# Digits of an Indonesian number after +62 or the trunk 0: a mobile number has 9 to 12 (8xx and
# 6 to 9 more), a landline 8 to 10 (a 2- or 3-digit area code and 5 to 8 more); one spare each way.
NATIONAL_DIGITS = (8, 13)


INTERNATIONAL_DIGITS = (8, 15)  # another country's number after its + (E.164 allows 15 digits at most)


class RegisterError(AsipackError):
    """The register cannot be read at all (not UTF-8 CSV, or a required column is missing)."""


def row_error(message: str) -> PydanticCustomError:
    """Return a validation error whose message names the column's rule, never the value."""
    return PydanticCustomError("register_row", message)


@model(frozen=True, config=ConfigDict(hide_input_in_errors=True, populate_by_name=True, extra="ignore", defer_build=True))
class Mother:
    """One valid row of the register, validated from its cells. Only her own pack ever shows these values.

    The fields are read from the register's columns (the aliases); every rule's message names
    the column and what it needs, never what was typed. The validation context gives the
    pack's languages and today's date.
    """

    row: int  # the row number as a spreadsheet shows it: the header is row 1
    lang: Annotated[str, Field(alias="language")]
    name: str
    birth: Annotated[datetime.date, Field(alias="baby_birth_date")]
    midwife_name: str
    midwife_phone: str
    return_date: datetime.date | None = Field(default=None, alias="return_to_work_date")
    hours_away: float | None = None
    feeds_per_day: int | None = None

    @field_validator("lang", "name", "midwife_name", "midwife_phone", mode="before")
    @classmethod
    def printable_and_short(cls, text: str, info: ValidationInfo) -> str:
        column = ALIASES.get(str(info.field_name), str(info.field_name))
        if has_control_characters(text):
            raise row_error(f"{column} contains a control character; retype it")
        if column in MAX_TEXT and len(text) > MAX_TEXT[column]:
            raise row_error(f"{column} is longer than {MAX_TEXT[column]} characters")
        return text

    @field_validator("lang", mode="after")
    @classmethod
    def a_language_of_the_pack(cls, lang: str, info: ValidationInfo) -> str:
        languages = (info.context or {}).get("languages")
        if languages is not None and lang.lower() not in languages:
            raise row_error(f"language must be one of: {', '.join(languages)}")
        return lang.lower()

    @field_validator("midwife_phone", mode="after")
    @classmethod
    def a_phone_number(cls, phone: str) -> str:
        if not PHONE_FORM.fullmatch(phone) or sum(char.isdigit() for char in phone) < 6:
            raise row_error("midwife_phone is not a phone number (digits, spaces, +, -, brackets)")
        if not plausible_phone(phone):
            low, high = NATIONAL_DIGITS
            raise row_error(
                f"midwife_phone has too few or too many digits for a phone number "
                f"(an Indonesian number has {low} to {high} digits after +62 or the leading 0)"
            )
        return phone

    @field_validator("birth", "return_date", mode="before")
    @classmethod
    def a_written_date(cls, text: str | datetime.date | None, info: ValidationInfo) -> datetime.date | None:
        if text is None or isinstance(text, datetime.date):
            return text
        day = parse_date(text)
        if day is None:
            raise row_error(f"{ALIASES[str(info.field_name)]} is not a date in the form YYYY-MM-DD")
        return day

    @field_validator("birth", mode="after")
    @classmethod
    def born_already(cls, birth: datetime.date, info: ValidationInfo) -> datetime.date:
        today = (info.context or {}).get("today")
        if today is not None and birth > today:
            raise row_error("baby_birth_date is in the future")
        return birth

    @field_validator("hours_away", mode="before")
    @classmethod
    def hours_in_a_day(cls, text: str | float | None) -> float | None:
        if text is None:
            return None
        hours = float(text) if isinstance(text, (int, float)) else parse_number(text)
        if hours is None or not 0 < hours <= 24:
            raise row_error("hours_away must be a number of hours above 0 and at most 24")
        return hours

    @field_validator("feeds_per_day", mode="before")
    @classmethod
    def plausible_feeds(cls, text: str | int | None) -> int | None:
        if text is None:
            return None
        number = float(text) if isinstance(text, int) else parse_number(text)
        low, high = FEEDS_RANGE
        if number is None or number != int(number) or not low <= number <= high:
            raise row_error(f"feeds_per_day must be a whole number from {low} to {high}")
        return int(number)

    @model_validator(mode="after")
    def back_after_the_birth(self) -> Mother:
        if self.return_date is not None and self.return_date < self.birth:
            raise row_error("return_to_work_date is before baby_birth_date")
        return self


ALIASES = {"lang": "language", "birth": "baby_birth_date", "return_date": "return_to_work_date"}


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


def plausible_phone(phone: str) -> bool:
    """Tell whether a phone number has a plausible count of digits (+62 or 0 first, or another country's +)."""
    digits = "".join(char for char in phone if char.isdigit())
    if phone.lstrip().startswith("+") and not digits.startswith("62"):
        low, high = INTERNATIONAL_DIGITS
        return low <= len(digits) <= high
    national = digits[2:] if phone.lstrip().startswith("+") or digits.startswith("62") else digits.removeprefix("0")
    low, high = NATIONAL_DIGITS
    return low <= len(national) <= high


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
    """Turn one row into a Mother, or say everything that is wrong with it (missing columns first)."""
    values = {column: clean_text(cells.get(column) or "") for column in REQUIRED_COLUMNS + OPTIONAL_COLUMNS}
    given: dict[str, str | None] = {
        column: text for column, text in values.items() if text or column == "name"
    }  # an empty cell is a missing one
    given |= {column: None for column in OPTIONAL_COLUMNS if column not in given}
    try:
        mother = adapter(Mother).validate_python({**given, "row": row}, context={"languages": tuple(languages), "today": today})
    except ValidationError as error:
        reasons = []
        for item in error.errors():
            column = ".".join(str(part) for part in item["loc"]) or "the row"
            missing = item["type"] == "missing"
            reasons.append((not missing, f"{column} is missing (it is required)" if missing else item["msg"]))
        return None, [RowProblem(row, reason) for _, reason in sorted(reasons, key=lambda pair: pair[0])]
    return mother, []


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
