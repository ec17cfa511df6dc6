"""Facts have one source: facts.yml, formatted per language with Babel, on the web and on paper."""

from __future__ import annotations

import re

import pytest
import yaml
from pypdf import PdfReader

from asipack.commands.check import check
from asipack.model.errors import ContentError
from asipack.model.pack import Fact
from asipack.render.formatting import format_fact

from .conftest import LANGUAGES, PROJECT, TODAY, line_with, page

LOCALES = {"id": "id", "en": "en_GB"}
STORAGE_TABLE = (PROJECT / "content" / "partials" / "storage-table.en.md").read_text()
STORAGE_KEYS = sorted(set(re.findall(r"fact\(\"([^\"]+)\"\)", STORAGE_TABLE)))  # the facts the storage table shows


@pytest.mark.parametrize(
    ("fact", "indonesian", "english"),
    [
        (Fact("a", 4, "hour", "s", 1), "4 jam", "4 hours"),
        (Fact("b", 2, "week", "s", 1), "2 minggu", "2 weeks"),
        (Fact("c", [1, 2], "hour", "s", 1), "1–2 jam", "1–2 hours"),
        (Fact("d", 38.0, "celsius", "s", 1, decimals=1), "38,0°C", "38.0°C"),
        (Fact("e", [60, 120], "ml", "s", 1), "60–120 mL", "60–120 ml"),
        (Fact("f", -18, "celsius", "s", 1), "−18°C", "−18°C"),
        (Fact("g", 240000, "usd", "s", 1), "US$240.000", "US$240,000"),
    ],
)
def test_a_fact_is_written_the_way_each_language_writes_numbers(fact, indonesian, english):
    assert format_fact(fact, "id") == indonesian
    assert format_fact(fact, "en_GB") == english


def normalise(text: str) -> str:
    """Join the lines a PDF or HTML breaks text into."""
    return re.sub(r"\s+", " ", text)


def storage_facts():
    data = yaml.safe_load((PROJECT / "content" / "facts.yml").read_text())
    return {key: Fact(key, entry["value"], entry["unit"], entry["source"], 0, entry.get("decimals", 0)) for key, entry in data.items()}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_storage_numbers_on_the_web_page_and_in_the_leaflet_equal_facts_yml(site, lang):
    assert len(STORAGE_KEYS) >= 9
    facts = storage_facts()
    root = site if lang == "id" else site / "en"
    html = normalise(re.sub(r"<[^>]+>", " ", (root / "families" / "expressing-storing" / "index.html").read_text()))
    pdf = normalise(" ".join(page.extract_text() for page in PdfReader(site / "downloads" / lang / "expressing-storing.pdf").pages))
    for key in STORAGE_KEYS:
        shown = format_fact(facts[key], LOCALES[lang])
        assert shown in html, f"{key} ({shown}) is missing from the {lang} web page"
        assert shown in pdf, f"{key} ({shown}) is missing from the {lang} leaflet"


def test_an_unknown_fact_key_is_an_error_naming_the_file_and_line(tmp_pack):
    body = '# Test page\n\nMilk keeps for {{ fact("storage.fridge") }}.\nFrozen milk keeps for {{ fact("storage.freezer_typo") }}.\n'
    root = tmp_pack({"content/families/test.en.md": page("en", body)})
    with pytest.raises(ContentError) as caught:
        check(root, today=TODAY)
    line = line_with(root, "content/families/test.en.md", "freezer_typo")
    assert f"content/families/test.en.md:{line}: error: unknown fact 'storage.freezer_typo'" in str(caught.value).replace(
        str(root) + "/", ""
    )


def test_a_fact_without_a_source_is_an_error(tmp_pack):
    root = tmp_pack(
        {
            "content/facts.yml": """\
        storage.fridge:
          value: 4
          unit: day
        """
        }
    )
    with pytest.raises(ContentError, match=r"facts.yml:1: error: fact 'storage.fridge' has no source"):
        check(root, today=TODAY)
