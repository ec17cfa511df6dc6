"""A leaflet keeps room to grow, and when it outgrows its budget the message says what grew.

A translator who lengthens a label, or a puskesmas that adds a referral contact, should not
break a leaflet it never touched: the build warns while a leaflet at its page budget has its
last page more than 85 % full, and an overflow compares the page text, the template strings
and the organisation block with the last layout that fitted.
"""

from __future__ import annotations

import json
import re
import shutil

import pytest

from asipack.commands.build import FULLEST_LAST_PAGE, build
from asipack.model.errors import BudgetError, ContentError
from asipack.model.fingerprint import cache_directory

from .conftest import PROJECT, TODAY, page

PARAGRAPH = "Milk keeps in the fridge for {{ fact('storage.fridge') }}, in the back where it is coldest. " * 12


def test_the_fill_of_a_last_page_counts_each_column_it_fills():
    import weasyprint

    from asipack.leaflets.layout import last_page_fill

    def fill(blocks: int, columns: int) -> float:
        html = (
            "<style>@page { size: A5; margin: 10mm } body { margin: 0 } "
            f"main {{ column-count: {columns}; column-gap: 8mm; column-fill: auto }} div {{ height: 10mm; margin: 0 }}</style>"
            "<main>" + "<div></div>" * blocks + "</main>"
        )
        return last_page_fill(weasyprint.HTML(string=html).render())

    height = (210 - 20) / 10  # blocks of 10 mm in the 190 mm content area
    assert fill(int(height / 2), 1) == pytest.approx(0.5, abs=0.03)
    assert fill(int(height), 2) == pytest.approx(0.5, abs=0.03), "the first of two columns full is half a page"
    assert fill(int(height * 1.5), 2) == pytest.approx(0.75, abs=0.03)
    assert fill(int(height * 2 + height / 4), 2) == pytest.approx(0.125, abs=0.03), "the last of two pages, a quarter column"


def form_leaflet(tmp_pack, body: str):
    """A one-page form leaflet (one column) with the given body."""
    return tmp_pack(
        {
            "content/leaflets.yml": "test-leaflet:\n  page: families/test\n  audience: families\n  format: a4-form\n  pages: 1\n",
            "content/families/test.en.md": page("en", "# Test page\n\nMilk keeps for {{ fact('storage.fridge') }}.\n\n" + body + "\n"),
        }
    )


def built_fill(root, site) -> tuple[float, list[str]]:
    """Build; return the English leaflet's last-page fill and the build's warnings."""
    report = build(root, site_dir=site, today=TODAY, echo=lambda line: None)
    result = next(r for r in report.leaflets if r.lang == "en" and r.slug == "test-leaflet")
    return result.fill, [str(w) for w in report.warnings]


def test_a_leaflet_at_its_budget_with_a_full_last_page_is_a_warning_and_strict_fails(tmp_pack, tmp_path):
    def spacer(mm: float) -> str:
        return f'<div style="height: {mm:.1f}mm"></div>'

    fills = []
    for mm in (0, 60):
        root = form_leaflet(tmp_pack, spacer(mm))
        fills.append(built_fill(root, tmp_path / f"site-{mm}")[0])
        shutil.rmtree(root)
    per_mm = (fills[1] - fills[0]) / 60
    assert 0 < fills[0] < fills[1] < FULLEST_LAST_PAGE and per_mm > 0, fills

    def spacer_for(fill: float) -> str:
        return spacer((fill - fills[0]) / per_mm)

    root = form_leaflet(tmp_pack, spacer_for(0.75))
    fill, warnings = built_fill(root, tmp_path / "site-roomy")
    assert fill == pytest.approx(0.75, abs=0.02)
    assert not [w for w in warnings if "full" in w], warnings
    shutil.rmtree(root)

    root = form_leaflet(tmp_pack, spacer_for(0.90))
    fill, warnings = built_fill(root, tmp_path / "site-full")
    assert fill == pytest.approx(0.90, abs=0.02)
    [warning] = [w for w in warnings if "full" in w]
    assert "families/test.en.md" in warning and "leaflet 'test-leaflet'" in warning, warning
    assert re.search(r"its last page is (8[89]|9[0-2])% full: keep it at most 85% full", warning), warning
    with pytest.raises(ContentError, match="at its budget of 1 page"):
        build(root, site_dir=tmp_path / "site-strict", strict=True, today=TODAY, echo=lambda line: None)


def fit_record(root, slug: str = "test-leaflet", lang: str = "en") -> dict[str, int]:
    return json.loads((cache_directory(root) / "fits" / lang / f"{slug}.json").read_text())


def test_an_overflow_names_the_page_text_and_how_many_lines_it_grew(tmp_pack, tmp_path):
    root = tmp_pack({"content/families/test.en.md": page("en", "# Test page\n\n" + PARAGRAPH + "\n")})
    build(root, site_dir=tmp_path / "site", today=TODAY, echo=lambda line: None)
    before = fit_record(root)
    (root / "content" / "families" / "test.en.md").write_text(page("en", "# Test page\n\n" + "\n\n".join([PARAGRAPH] * 40) + "\n"))
    with pytest.raises(BudgetError) as over:
        build(root, site_dir=tmp_path / "site", today=TODAY, echo=lambda line: None)
    message = str(over.value)
    grown = re.search(r"Since the last layout that fitted, the page text grew by (\d+) lines\.", message)
    assert grown and int(grown.group(1)) > 40, message
    assert "organisation block" not in message.split("Shorten")[0] and "template strings by" not in message, message
    assert "Shorten the page content/families/test.en.md" in message
    assert fit_record(root) == before, "a layout that does not fit is not remembered"
    assert (tmp_path / "site" / "downloads" / "en" / "test-leaflet.pdf").is_file(), "the good output is kept"


def test_the_organisation_block_is_counted_apart_from_the_page_text(tmp_pack, tmp_path):
    example = tmp_path / "org"
    shutil.copytree(PROJECT / "docs" / "example-org", example)  # a puskesmas with address, WhatsApp, referrals
    root = tmp_pack()
    build(root, site_dir=tmp_path / "site", today=TODAY, echo=lambda line: None)
    neutral = fit_record(root)
    build(root, site_dir=tmp_path / "site", organisation_file=example / "organisation.yml", today=TODAY, echo=lambda line: None)
    branded = fit_record(root)
    assert branded["page text"] == neutral["page text"] > 0
    assert branded["template strings"] > 0
    assert branded["organisation block"] != neutral["organisation block"] > 0, (neutral, branded)


def test_an_overflow_without_an_earlier_fit_gives_the_lines_of_each_part():
    from asipack.leaflets.layout import growth

    assert growth(None, {"page text": 90, "template strings": 12, "organisation block": 5}) == (
        "No earlier layout of it fitted to compare with; it has these lines: the page text 90, the template strings 12, the organisation block 5."
    )
    assert growth(
        {"page text": 90, "template strings": 12, "organisation block": 5},
        {"page text": 90, "template strings": 13, "organisation block": 9},
    ) == ("Since the last layout that fitted, the template strings grew by 1 line and the organisation block by 4 lines.")
