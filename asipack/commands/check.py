"""The check recipe: load the content and check all of it, writing nothing; say what a printer must know."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path

from asipack.checks import check_pack
from asipack.leaflets.jobs import site_urls
from asipack.model.errors import Problem, Problems
from asipack.model.pack import Pack, load_pack
from asipack.site.urls import EXAMPLE_SITE_URL


def notices(pack: Pack) -> list[str]:
    """Return what the person printing must know, which is no fault in the content: one line each.

    The neutral default organisation gives no number (the leaflets print lines to write one in),
    and without a real website the leaflets carry no QR code.
    """
    said = []
    organisation = pack.organisation_path
    if organisation.resolve().is_relative_to(pack.root.resolve()):
        organisation = organisation.resolve().relative_to(pack.root.resolve())
    if not pack.organisation.has_number:
        said.append(
            f"{organisation}: note: the neutral default organisation is in use: no phone number, so every leaflet prints "
            "lines to write the midwife's or puskesmas's number in. Printing for families? Give --org with your "
            "puskesmas's details (see docs/example-org/organisation.yml)."
        )
    if site_urls(pack).is_example:
        said.append(
            f"{organisation}: note: no QR codes: the organisation gives no 'website' and mkdocs.yml's site_url is still "
            f"the example {EXAMPLE_SITE_URL}, so leaflets carry no QR code and no link to the website."
        )
    return said


def load_checked_pack(
    root: Path,
    *,
    organisation_file: Path | None = None,
    strict: bool = False,
    today: datetime.date | None = None,
    echo: Callable[[str], None] = lambda line: None,
) -> tuple[Pack, Problems]:
    """Load the content and check all of it; raise ContentError if it fails, else return it and its warnings.

    Every command that uses the content opens this way: build, check and personal. Each says
    its notices once, through echo.
    """
    pack = load_pack(root, organisation_file=organisation_file)
    problems = check_pack(pack, today=today)
    problems.raise_if_failing(strict=strict)
    for line in notices(pack):
        echo(line)
    return pack, problems


def check(
    root: Path,
    *,
    organisation_file: Path | None = None,
    strict: bool = False,
    today: datetime.date | None = None,
    echo: Callable[[str], None] = lambda line: None,
) -> list[Problem]:
    """Validate the content without writing anything; return the problems (raise if failing)."""
    return load_checked_pack(root, organisation_file=organisation_file, strict=strict, today=today, echo=echo)[1].items
