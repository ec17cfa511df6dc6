"""The check recipe: load the content and check all of it, writing nothing."""

from __future__ import annotations

import datetime
from pathlib import Path

from asipack.checks import check_pack
from asipack.model.errors import Problem, Problems
from asipack.model.pack import Pack, load_pack


def load_checked_pack(
    root: Path, *, organisation_file: Path | None = None, strict: bool = False, today: datetime.date | None = None
) -> tuple[Pack, Problems]:
    """Load the content and check all of it; raise ContentError if it fails, else return it and its warnings.

    Every command that uses the content opens this way: build, check and personal.
    """
    pack = load_pack(root, organisation_file=organisation_file)
    problems = check_pack(pack, today=today)
    problems.raise_if_failing(strict=strict)
    return pack, problems


def check(root: Path, *, organisation_file: Path | None = None, strict: bool = False, today: datetime.date | None = None) -> list[Problem]:
    """Validate the content without writing anything; return the problems (raise if failing)."""
    return load_checked_pack(root, organisation_file=organisation_file, strict=strict, today=today)[1].items
