"""The midwife and cadre kit: national postnatal contacts, the referral slip, the training plan and the tele-counselling sheet."""

from __future__ import annotations

import html
import re

import pytest
from pypdf import PdfReader

from asipack.leaflets.jobs import leaflet_jobs, site_urls
from asipack.leaflets.pdf import write_leaflet
from asipack.model.pack import Pack, load_pack
from asipack.render.help_cards import sign_calls
from asipack.render.markdown import PageRenderer

from .conftest import LANGUAGES, PROJECT

KIT = ("visit-plan", "referral-slip", "cadre-training", "tele-counselling")  # the leaflets these tests lay out


@pytest.fixture(scope="module")
def kit(tmp_path_factory) -> tuple[Pack, PageRenderer, dict[tuple[str, str], str]]:
    """The real pack, its renderer, and the text of the kit's leaflets as written within their budgets (no whitespace)."""
    pack = load_pack(PROJECT)
    renderer = PageRenderer(pack)
    rendered = renderer.render_all()
    out = tmp_path_factory.mktemp("kit")
    leaflets = [pack.leaflets[slug] for slug in KIT]
    texts = {}
    for job in leaflet_jobs(pack, rendered, site_urls(pack), out, leaflets=leaflets):
        result = write_leaflet(job)  # raises BudgetError if the leaflet does not fit its page budget
        texts[job.slug, job.lang] = re.sub(r"\s+", "", " ".join(p.extract_text() for p in PdfReader(result.target).pages))
    return pack, renderer, texts


def words(renderer: PageRenderer, text: str, lang: str) -> str:
    """Return a sign's words as a reader sees them, without whitespace (facts filled in, tags dropped)."""
    rendered = renderer.to_html(renderer.prepass(text, lang))
    return re.sub(r"\s+", "", html.unescape(re.sub(r"<[^>]+>", "", rendered)))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_visit_plan_names_every_kf_and_kn_contact_and_the_buku_kia(kit, lang):
    _, _, texts = kit
    text = texts["visit-plan", lang]
    for contact in ("KF1", "KF2", "KF3", "KF4", "KN1", "KN2", "KN3", "BukuKIA"):
        assert contact in text, f"the visit plan ({lang}) does not name {contact}"


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("slug", ["referral-slip", "cadre-training"])
def test_the_referral_slip_and_the_training_plan_fit_and_list_every_go_now_sign(kit, slug, lang):
    pack, renderer, texts = kit
    now = [sign for sign in pack.signs.signs.values() if sign.level == "now"]
    missing = [sign.key for sign in now if words(renderer, sign.words[lang], lang) not in texts[slug, lang]]
    assert not missing, f"{slug} ({lang}) does not print {missing}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_referral_slip_ticks_signs_from_the_registry_not_from_a_card(kit, lang):
    pack, renderer, _ = kit
    body = pack.pages["midwives/referral-slip"][lang].body
    assert not sign_calls(body, functions=("help_cards",))
    listed = [key for key, _ in sign_calls(body)]
    assert {s.key for s in pack.signs.signs.values() if s.level == "now"} <= set(listed)
    page_html = renderer.render(pack.pages["midwives/referral-slip"][lang]).html
    assert page_html.count('<div class="checklist sign-checklist">') == 4  # now and today, for the mother and the baby
    assert page_html.count('class="cut-line"') == 2  # a reply to cut off each slip


@pytest.mark.parametrize("lang", LANGUAGES)
def test_tele_counselling_asks_for_no_latch_score(kit, lang):
    pack, _, texts = kit
    body = pack.pages["midwives/tele-counselling"][lang].body
    assert "latch.total" not in body
    rows = [line for line in body.splitlines() if line.startswith("|")]
    assert rows and not [row for row in rows if "LATCH" in row], "a row of the tele-counselling sheet asks about LATCH"
    no_score = "givesnoLATCHscore" if lang == "en" else "tidakmemberiskorLATCH"
    assert no_score in texts["tele-counselling", lang]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_latch_sheet_and_the_monitoring_form_score_latch_at_the_same_contacts(lang):
    pack = load_pack(PROJECT)
    codes = ("HV1", "HV2", "MC") if lang == "en" else ("KR1", "KR2", "PM")
    latch = pack.pages["midwives/latch-assessment"][lang].body
    assert f"| {' | '.join(codes)} |" in latch
    monitoring = pack.pages["midwives/monitoring-form"][lang].body
    row = next(line for line in monitoring.splitlines() if "latch.total" in line)
    cells = re.findall(r"<td( class=\"na\")?>", row)[1:]  # the label cell first
    header = re.search(r"<thead><tr><th>[^<]*</th>(.*?)</tr></thead>", monitoring).group(1)
    columns = re.findall(r"<th>([^<]+)</th>", header)
    scored = [column for column, grey in zip(columns, cells) if not grey]
    assert tuple(scored) == codes


def test_sign_checklist_prints_the_registrys_words_as_tick_boxes_and_counts_as_showing_the_sign():
    pack = load_pack(PROJECT)
    renderer = PageRenderer(pack)
    text = '{{ sign_checklist("baby.floppy", "mother.fever") }}'
    assert [key for key, _ in sign_calls(text)] == ["baby.floppy", "mother.fever"]
    assert sign_calls(text, functions=("help_cards",)) == []
    page_html = renderer.to_html(renderer.prepass(text, "en"))
    items = re.findall(r"<li>(.*?)</li>", page_html)
    expected = [renderer.prepass(pack.signs.signs[key].words["en"], "en") for key in ("baby.floppy", "mother.fever")]
    assert page_html.startswith('<div class="checklist sign-checklist">')
    assert [html.unescape(item) for item in items] == expected


def test_the_kit_prints_no_phone_number_of_its_own(kit):
    pack, _, _ = kit
    phone = re.compile(r"\(0\d{2,3}\)|\+62|\b08\d{2}")
    for stem, by_lang in pack.pages.items():
        if stem.startswith("midwives/"):
            for lang, page in by_lang.items():
                assert not phone.search(page.body), f"{stem} ({lang}) types a phone number: leave a line to write one in"


def test_every_kit_page_says_who_uses_it():
    pack = load_pack(PROJECT)
    for stem, by_lang in pack.pages.items():
        if stem.startswith("midwives/") and stem != "midwives/index":
            assert re.search(r"\*\*Who uses th(is|ese) ", by_lang["en"].body), stem
            assert "**Dipakai oleh:**" in by_lang["id"].body, stem
