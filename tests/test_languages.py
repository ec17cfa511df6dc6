"""A maintainer adds a third language: check lists every file it needs, before any build."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from asipack.commands.check import check
from asipack.leaflets.html import second_languages
from asipack.model.errors import ContentError
from asipack.model.pack import load_pack
from asipack.render.formatting import format_fact

from .conftest import PROJECT, TODAY

SUNDANESE = "- code: su\n  name: Basa Sunda\n  locale: su\n"


@pytest.fixture
def with_sundanese(tmp_path) -> Path:
    """Return a copy of the real pack with Sundanese added to languages.yml and nothing else."""
    root = tmp_path / "pack"
    for name in ("content", "templates", "translations"):
        shutil.copytree(PROJECT / name, root / name)
    for name in ("mkdocs.yml", "babel.cfg"):
        shutil.copy(PROJECT / name, root / name)
    languages = root / "content" / "languages.yml"
    languages.write_text(languages.read_text() + SUNDANESE)
    return root


def test_check_lists_exactly_what_a_new_language_needs(with_sundanese):
    with pytest.raises(ContentError) as failed:
        check(with_sundanese, today=TODAY)
    problems = [p for p in failed.value.problems if "Basa Sunda" in p.message or ".su." in p.message or " su" in p.message]
    assert problems == failed.value.problems, "nothing else is reported"
    messages = [p.message for p in problems]
    pack = load_pack(PROJECT)
    expected_pages = {f"content/{stem}.su.md" for stem in pack.pages} | {f"content/partials/{name}.su.md" for name in pack.snippets}
    named_pages = {m.split("add ")[-1] for m in messages if "has no Basa Sunda version" in m}
    assert named_pages == expected_pages, "every page and snippet, each once"
    assert any("no catalog for Basa Sunda: run pybabel init" in m for m in messages)
    assert any("interface strings in Basa Sunda" in m and "templates/site/partials/languages/su.html" in m for m in messages)
    units = next(m for m in messages if "as symbols only" in m)
    assert re.search(r"\bmonth\b", units) and "units:" in units
    assert any(m.startswith(f"{len(pack.signs.signs)} sign(s) have no Basa Sunda words") for m in messages)
    assert any("have no Basa Sunda alt text" in m for m in messages)
    assert any("card heading for families in su" in m for m in messages)
    warnings = [p.message for p in problems if p.level == "warning"]
    assert warnings == [
        "the site's search has no word rules for Basa Sunda: it matches exact words only; "
        "add templates/site/assets/javascripts/lunr/min/lunr.su.min.js to improve it"
    ]


def test_unit_words_given_in_languages_yml_are_printed_instead_of_symbols(with_sundanese):
    languages = with_sundanese / "content" / "languages.yml"
    words = '  units: {day: "{0} dinten", week: "{0} minggu", month: "{0} sasih", hour: "{0} jam", year: "{0} taun"}\n'
    languages.write_text(languages.read_text() + words)
    with pytest.raises(ContentError) as failed:
        check(with_sundanese, today=TODAY)
    assert not [p for p in failed.value.problems if "as symbols only" in p.message]
    pack = load_pack(with_sundanese)
    sundanese = pack.language("su")
    assert format_fact(pack.facts["breastfeeding.exclusive"], sundanese.locale, sundanese.units) == "6 sasih"


def test_a_bilingual_sign_shows_two_languages_the_organisation_chooses(with_sundanese):
    pack = load_pack(with_sundanese)
    assert [second_languages(pack, code) for code in ("id", "en", "su")] == [["en"], ["id"], ["id"]], "by default the first two"
    organisation = with_sundanese / "content" / "organisation.yml"
    organisation.write_text(organisation.read_text() + "sign_languages: [id, su]\n")
    pack = load_pack(with_sundanese)
    assert [second_languages(pack, code) for code in ("id", "en", "su")] == [["su"], ["id"], ["id"]]
