"""Check the whole pack before anything is written, and report every problem at once.

Each check takes the loaded pack and records problems with the file and line to fix."""

from __future__ import annotations

import datetime

from asipack.checks.catalogs import check_catalog_template, check_catalogs
from asipack.checks.languages import check_language_files
from asipack.checks.picture_kit import check_picture_kit
from asipack.checks.pictures import check_svgs
from asipack.checks.prepass import check_prepass
from asipack.checks.prose import check_plain_language, check_who_code
from asipack.checks.structure import (
    check_facts,
    check_front_matter,
    check_images,
    check_languages,
    check_leaflets,
    check_links,
    check_parity,
    check_signs,
)
from asipack.model.errors import Problems
from asipack.model.pack import Pack, load_style


def check_pack(pack: Pack, *, today: datetime.date | None = None) -> Problems:
    """Run every check on a loaded pack and return all problems found, loading problems first."""
    today = today or datetime.date.today()
    problems = Problems()
    problems.extend(pack.problems)
    check_languages(pack, problems)
    check_language_files(pack, problems)
    check_front_matter(pack, problems, today)
    check_prepass(pack, problems)
    check_facts(pack, problems)
    check_signs(pack, problems)
    check_images(pack, problems)
    check_leaflets(pack, problems)
    check_catalogs(pack, problems)
    check_catalog_template(pack, problems)
    check_parity(pack, problems)
    check_links(pack, problems)
    check_svgs(pack, problems)
    check_picture_kit(pack.content_dir / "images", problems)
    style = load_style(pack.content_dir / "style.yml", problems)
    check_plain_language(pack, problems, style)
    check_who_code(pack, problems, style)
    return problems
