"""The organisation that hands the pack out: its name, phone, contacts, logo and closing days (content/organisation.yml).

A puskesmas or hospital brands the whole pack by pointing the build at its own copy (--org).
Every missing or unknown key is reported with its line, and a logo must be an SVG that exists.
The neutral default names no service and gives no number: leaflets then print lines to write
the midwife's or puskesmas's number in, never a placeholder that reaches nobody.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Literal, get_args

from pydantic import Field
from pydantic.dataclasses import dataclass as model

from asipack.model.errors import Problems
from asipack.model.schema import MODEL_CONFIG, validate
from asipack.model.yamlio import Lines, read_yaml

Text = str
Role = Literal["midwife", "lactation-counsellor", "ibclc", "doctor", "paediatrician", "nurse", "cadre", "puskesmas", "hospital"]
ROLES: tuple[str, ...] = get_args(Role)  # a referral's role, printed in each language (render/i18n.py role_names)


@model(frozen=True, config=MODEL_CONFIG)
class Contact:
    """An emergency number: who answers, and the number."""

    name: Text = Field(min_length=1)
    phone: Text = Field(min_length=1)


@model(frozen=True, config=MODEL_CONFIG)
class Referral:
    """A referral contact for the red-flag cards and the booklet: a person or place, its role and number."""

    name: Text = Field(min_length=1)
    phone: Text = Field(min_length=1)
    role: Role | None = None
    kecamatan: Text | None = None


@model(frozen=True, config=MODEL_CONFIG)
class Organisation:
    """The organisation's details as every leaflet prints them."""

    name: Text = Field(min_length=1)
    phone: Text | None = Field(default=None, min_length=1)  # none: leaflets print a line to write the number in
    address: Text | None = None
    whatsapp: Text | None = None
    email: Text | None = None
    website: Text | None = None
    logo: Text | None = None
    emergency: list[Contact] = Field(default_factory=list)
    referrals: list[Referral] = Field(default_factory=list)
    sign_languages: list[str] = Field(default_factory=list)  # the two languages of a bilingual sign (default: the first two)
    closures: list[datetime.date] = Field(default_factory=list)  # local closing days, besides Sundays and public holidays
    logo_path: Path | None = None  # set by the loader once the logo is found, never written in the file

    @property
    def logo_uri(self) -> str | None:
        return self.logo_path.as_uri() if self.logo_path else None

    @property
    def has_number(self) -> bool:
        """Say whether a family can call or message the organisation (a phone or WhatsApp number)."""
        return bool(self.phone or self.whatsapp)


NEUTRAL = Organisation(name="-")  # stands in when the file is unusable; the errors stop the build
COUNTRY_CODE = "62"  # Indonesia: a number written 0812… is +62 812… to WhatsApp


def tel_uri(number: str) -> str:
    """Return the address that calls a number: '(021) 555 0142' is 'tel:0215550142', '+62 812 5550 1001' is 'tel:+6281255501001'."""
    digits = "".join(character for character in number if character.isdigit())
    return f"tel:{'+' if number.strip().startswith('+') else ''}{digits}"


def whatsapp_uri(number: str) -> str:
    """Return the address that opens a WhatsApp chat with a number: https://wa.me/<country code and number, digits only>."""
    digits = "".join(character for character in number if character.isdigit())
    if not number.strip().startswith("+") and digits.startswith("0"):
        digits = COUNTRY_CODE + digits[1:]
    return f"https://wa.me/{digits}"  # stands in when the file is unusable; the errors stop the build


def load_organisation(path: Path, problems: Problems) -> Organisation:
    """Read an organisation file; record every missing or unknown key and a missing logo."""
    data, lines = read_yaml(path, problems)
    if data is None:
        data = {}
    logo_path = None
    if isinstance(data, dict):
        if "logo_path" in data:
            problems.error(path, lines.of("logo_path"), "unknown key 'logo_path'; give the logo as 'logo'")
            data = {key: value for key, value in data.items() if key != "logo_path"}
        if isinstance(data.get("logo"), str):
            logo_path = find_logo(path, data["logo"], lines, problems)
    organisation = validate(
        Organisation,
        data,
        path=path,
        lines=lines,
        at=(),
        problems=problems,
        what="",
        given={"logo_path": logo_path},
        internal=("logo_path",),
    )
    return organisation or NEUTRAL


def find_logo(path: Path, logo: str, lines: Lines, problems: Problems) -> Path | None:
    """Return the logo's path beside the organisation file, or record why it cannot be used."""
    found = (path.parent / logo).resolve()
    if not found.is_file():
        problems.error(path, lines.of("logo"), f"logo '{logo}' does not exist (looked for {found})")
    elif found.suffix.lower() != ".svg":
        problems.error(path, lines.of("logo"), f"logo '{logo}' must be an SVG file")
    else:
        return found
    return None
