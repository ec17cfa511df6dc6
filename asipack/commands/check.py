"""The check recipe: load the content and check all of it, writing nothing."""

from __future__ import annotations

import datetime
from pathlib import Path

from asipack.checks import check_pack
from asipack.model.errors import Problem
from asipack.model.pack import load_pack


def check(root: Path, *, organisation_file: Path | None = None, strict: bool = False,
          today: datetime.date | None = None) -> list[Problem]:
    """Validate the content without writing anything; return the problems (raise if failing)."""
    pack = load_pack(root, organisation_file=organisation_file)
    problems = check_pack(pack, today=today)
    problems.raise_if_failing(strict=strict)
    return problems.items
