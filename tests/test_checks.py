"""The checker catches what a careful reviewer would, naming the file, the line and the fix."""

from __future__ import annotations

import datetime

import pytest

from asipack.commands.check import check
from asipack.model.errors import ContentError

from .conftest import MINIMAL_PAGE, TODAY, line_with, page


def problems_of(root, *, strict=False, today=TODAY) -> str:
    """Run the checker on a pack and return its report as the author sees it (paths from the pack)."""
    try:
        problems = check(root, today=today, strict=strict)
    except ContentError as error:
        return str(error).replace(str(root) + "/", "")
    return "\n".join(str(p) for p in problems).replace(str(root) + "/", "")


def test_the_real_content_passes_the_checker():
    from .conftest import PROJECT

    check(PROJECT, today=TODAY)


def test_a_page_missing_in_one_language_is_an_error(tmp_pack):
    root = tmp_pack({"content/families/test.en.md": None})
    assert "page 'families/test' has no English version: add content/families/test.en.md" in problems_of(root)


def test_the_languages_must_use_the_same_facts(tmp_pack):
    root = tmp_pack(
        {
            "content/facts.yml": """\
            storage.fridge: {value: 4, unit: day, source: cdc-storage}
            storage.room: {value: 4, unit: hour, source: cdc-storage}
            """,
            "content/families/test.en.md": page(
                "en", "# Test page\n\nFridge: {{ fact('storage.fridge') }}. Room: {{ fact('storage.room') }}.\n"
            ),
        }
    )
    report = problems_of(root)
    assert (
        "content/families/test.en.md: error: the facts differ from the Bahasa Indonesia version: here ['storage.fridge', 'storage.room'], in test.id.md ['storage.fridge']"
        in report
    )


def test_the_languages_must_have_the_same_headings(tmp_pack):
    body = "# Test page\n\nFridge: {{ fact('storage.fridge') }}.\n\n## When to get help\n\nCall your midwife.\n"
    root = tmp_pack({"content/families/test.en.md": page("en", body)})
    report = problems_of(root)
    assert "the headings differ from the Bahasa Indonesia version: 2 headings here, 1 in test.id.md" in report


def test_a_malformed_facts_file_names_the_line(tmp_pack):
    root = tmp_pack({"content/facts.yml": "storage.fridge:\n  value: 4\n unit: day\n"})
    assert "content/facts.yml:3: error: this is not valid YAML" in problems_of(root)


def test_a_fact_defined_twice_is_an_error(tmp_pack):
    root = tmp_pack(
        {
            "content/facts.yml": """\
        storage.fridge: {value: 4, unit: day, source: cdc-storage}
        storage.fridge: {value: 5, unit: day, source: cdc-storage}
        """
        }
    )
    assert "content/facts.yml:2: error: 'storage.fridge' is defined twice (first on line 1); keep one" in problems_of(root)


def test_a_fact_used_nowhere_is_a_warning_and_fails_strict(tmp_pack):
    root = tmp_pack(
        {
            "content/facts.yml": """\
        storage.fridge: {value: 4, unit: day, source: cdc-storage}
        storage.unused: {value: 2, unit: week, source: cdc-storage}
        """
        }
    )
    assert "content/facts.yml:2: warning: fact 'storage.unused' is used by no page" in problems_of(root)
    with pytest.raises(ContentError, match="--strict"):
        check(root, today=TODAY, strict=True)


def test_a_fact_citing_an_unknown_source_is_an_error(tmp_pack):
    root = tmp_pack({"content/facts.yml": "storage.fridge: {value: 4, unit: day, source: blog-post}\n"})
    assert "content/facts.yml:1: error: fact 'storage.fridge' cites 'blog-post', which is not in content/sources.yml" in problems_of(root)


def test_a_missing_picture_and_missing_alt_text_are_errors(tmp_pack):
    body = "# Test page\n\nFridge: {{ fact('storage.fridge') }}.\n\n![](../images/none.svg)\n"
    root = tmp_pack({"content/families/test.en.md": page("en", body)})
    report = problems_of(root)
    assert (
        f"content/families/test.en.md:{line_with(root, 'content/families/test.en.md', 'none.svg')}: error: picture '../images/none.svg' has no alt text"
        in report
    )
    assert (
        f"content/families/test.en.md:{line_with(root, 'content/families/test.en.md', 'none.svg')}: error: picture '../images/none.svg' does not exist"
        in report
    )


def test_an_svg_feature_weasyprint_drops_is_an_error(tmp_pack):
    svg = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 240 240">\n<filter id="f"><feGaussianBlur stdDeviation="2"/></filter>\n</svg>\n'
    root = tmp_pack({"content/images/blurry.svg": svg})
    assert "content/images/blurry.svg:2: error: <feGaussianBlur> is dropped by WeasyPrint" in problems_of(root)


def test_a_link_to_a_missing_page_or_anchor_is_an_error(tmp_pack):
    body_id = "# Halaman uji\n\nKulkas: {{ fact('storage.fridge') }}. Lihat [beranda](../index.md#tidak-ada) dan [x](nowhere.md).\n"
    body_en = "# Test page\n\nFridge: {{ fact('storage.fridge') }}. See [home](../index.md#not-there) and [x](nowhere.md).\n"
    root = tmp_pack({"content/families/test.id.md": page("id", body_id), "content/families/test.en.md": page("en", body_en)})
    report = problems_of(root)
    assert (
        f"content/families/test.en.md:{line_with(root, 'content/families/test.en.md', 'not-there')}: error: link to '../index.md#not-there': that page has no heading with this anchor"
        in report
    )
    assert (
        f"content/families/test.id.md:{line_with(root, 'content/families/test.id.md', 'nowhere')}: error: link to 'nowhere.md' finds no page content/families/nowhere.id.md"
        in report
    )


def test_a_review_date_in_the_past_is_a_warning(tmp_pack):
    root = tmp_pack({"content/families/test.en.md": MINIMAL_PAGE["en"].replace("next_review: 2027-11-01", "next_review: 2026-01-01")})
    assert "content/families/test.en.md:6: warning: next_review 2026-01-01 has passed" in problems_of(
        root, today=datetime.date(2026, 11, 28)
    )


def test_long_sentences_warn_then_fail_and_words_to_avoid_warn(tmp_pack):
    long = " ".join(["word"] * 22) + "."
    too_long = " ".join(["word"] * 27) + "."
    body = f"# Test page\n\nFridge: {{{{ fact('storage.fridge') }}}}.\n\n{long}\n\n{too_long}\n\nYou should rest.\n"
    root = tmp_pack({"content/families/test.en.md": page("en", body)})
    report = problems_of(root)
    assert (
        f"content/families/test.en.md:{line_with(root, 'content/families/test.en.md', long)}: warning: a sentence of 22 words (aim for 20 or fewer)"
        in report
    )
    assert (
        f"content/families/test.en.md:{line_with(root, 'content/families/test.en.md', too_long)}: error: a sentence of 27 words (limit 25): split it"
        in report
    )
    assert f'content/families/test.en.md:{line_with(root, "content/families/test.en.md", "should")}: warning: avoid "should"' in report


def test_a_formula_or_bottle_brand_is_an_error(tmp_pack):
    body = "# Test page\n\nFridge: {{ fact('storage.fridge') }}. Use a Tommee Tippee bottle.\n"
    root = tmp_pack({"content/families/test.en.md": page("en", body)})
    assert (
        f"content/families/test.en.md:{line_with(root, 'content/families/test.en.md', 'Tommee')}: error: names the brand 'Tommee Tippee'"
        in problems_of(root)
    )


def test_an_untranslated_or_fuzzy_catalog_string_is_an_error(tmp_pack):
    root = tmp_pack()
    catalog = root / "translations" / "id" / "LC_MESSAGES" / "messages.po"
    text = catalog.read_text().replace('msgstr "Terakhir diperiksa"', 'msgstr ""').replace('msgid "Phone"', '#, fuzzy\nmsgid "Phone"')
    catalog.write_text(text)
    report = problems_of(root)
    assert "'Last checked' has no Bahasa Indonesia translation" in report
    assert "translation of 'Phone' is marked fuzzy" in report


def test_a_template_string_missing_from_the_catalog_template_is_an_error(tmp_pack):
    root = tmp_pack()
    template = root / "templates" / "leaflets" / "a4.html.j2"
    template.write_text(template.read_text() + '{{ _("A brand-new label") }}\n')
    assert "'A brand-new label' is used in a template but missing from messages.pot" in problems_of(root)


def test_an_organisation_file_with_a_missing_or_unknown_key_or_logo_is_an_error(tmp_pack):
    root = tmp_pack({"content/organisation.yml": "phone: '(021) 555 0100'\nfax: '021'\nlogo: logo.svg\n"})
    report = problems_of(root)
    assert "content/organisation.yml: error: required key 'name' is missing" in report
    assert "content/organisation.yml:2: error: unknown key 'fax'" in report
    assert "content/organisation.yml:3: error: logo 'logo.svg' does not exist" in report
