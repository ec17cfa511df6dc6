"""The website: both languages at their own address, a language switch, downloads, contacts, offline links, search set-up."""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import pytest
from pypdf import PdfReader

from asipack.commands.build import build
from asipack.model.pack import load_pack
from asipack.site.build import SECTIONS, reading_order, section_of
from asipack.site.downloads import DOCX_SUFFIX, PHONE_SUFFIX, PRINT_SUFFIX, write_bundles
from asipack.site.hooks import folder_to_index

from .conftest import LANGUAGES, PROJECT, TODAY
from .conftest import page as page_text

PAGE = "families/expressing-storing/index.html"
LOADS = re.compile(r'<(?:script|img|iframe|source|audio|video)\b[^>]*\bsrc="([^"]+)"|<link\b[^>]*\bhref="([^"]+)"[^>]*>')
LINKS = re.compile(r'<a\b[^>]*?\bhref="([^"]*)"')


def language_root(site: Path, lang: str) -> Path:
    return site if lang == "id" else site / lang


def pages_of(site: Path, lang: str) -> list[Path]:
    """Return every HTML page of one language's site."""
    pages = sorted(p for p in site.rglob("*.html"))
    if lang == "id":
        return [p for p in pages if p.relative_to(site).parts[0] not in {"en", "downloads"}]
    return [p for p in pages if p.relative_to(site).parts[0] == lang]


def resolve(page: Path, href: str) -> Path:
    """Resolve a relative link from a built page to a file, as a browser does from file://."""
    path = unquote(re.split(r"[#?]", href)[0])
    return (page.parent / path).resolve() if path else page.resolve()


@pytest.fixture(scope="module")
def pack():
    return load_pack(PROJECT)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_language_has_the_page_with_the_right_lang(site, lang):
    html = (language_root(site, lang) / PAGE).read_text()
    assert f'<html lang="{lang}"' in html


@pytest.mark.parametrize(("lang", "other"), [("id", "en"), ("en", "id")])
def test_the_language_switch_lands_on_the_same_page_in_the_other_language(site, lang, other):
    page = language_root(site, lang) / PAGE
    link = re.search(rf'<a class="asi-language__link" href="([^"]+)" hreflang="{other}"', page.read_text())
    assert link, "no language switch link"
    assert resolve(page, link.group(1)) == (language_root(site, other) / PAGE).resolve()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_search_engines_learn_each_pages_twin_from_the_sitemap(site, lang):
    sitemap = (language_root(site, lang) / "sitemap.xml").read_text()
    for twin in ("https://asi.example.org/families/expressing-storing/", "https://asi.example.org/en/families/expressing-storing/"):
        assert f'<xhtml:link rel="alternate" hreflang="{"en" if "/en/" in twin else "id"}" href="{twin}"/>' in sitemap
    assert 'rel="alternate"' not in (language_root(site, lang) / PAGE).read_text()  # Material would fetch a sitemap per link


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_page_offers_its_leaflet_in_the_readers_language(site, lang):
    page = language_root(site, lang) / PAGE
    link = re.search(r'<a class="md-button md-button--primary" href="([^"]+)" download>', page.read_text())
    assert link
    target = resolve(page, link.group(1))
    assert target == (site / "downloads" / lang / "expressing-storing.pdf").resolve()
    assert target.read_bytes().startswith(b"%PDF")


def test_no_page_loads_anything_from_another_host(site):
    for page in site.rglob("*.html"):
        html = page.read_text()
        for match in LOADS.finditer(html):
            url = match.group(1) or match.group(2)
            tag = match.group(0)
            if tag.startswith("<link") and re.search(r'rel="(canonical|alternate)"', tag):
                continue  # a link to the page's own address, not a load
            assert urlparse(urljoin("http://127.0.0.1/", url)).netloc == "127.0.0.1", f"{page}: {tag}"
    for css in site.rglob("*.css"):
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", css.read_text()), css


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_link_opens_a_file_from_disk(site, lang):
    """The offline copy: every link within the site names a file that exists, folders included."""
    broken = []
    for page in pages_of(site, lang):
        if page.name == "404.html":
            continue  # served by a web server at any address: its links start from the site root
        for href in LINKS.findall(page.read_text()):
            if re.match(r"[a-z][a-z0-9+.-]*:|//|#", href):
                continue
            if not resolve(page, href).is_file():
                broken.append(f"{page.relative_to(site)}: {href}")
    assert not broken, "\n".join(broken)


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("../families/", "../families/index.html"),
        (".", "./index.html"),
        ("..", "../index.html"),
        ("./#top", "./index.html#top"),
        ("x/?q=1", "x/index.html?q=1"),
        ("/en/", "/en/index.html"),
        ("../downloads/id/a.pdf", "../downloads/id/a.pdf"),
        ("#section", "#section"),
        ("https://www.who.int/", "https://www.who.int/"),
        ("mailto:a@example.org", "mailto:a@example.org"),
    ],
)
def test_a_link_to_a_folder_names_its_index_file(href, expected):
    assert folder_to_index(href) == expected


@pytest.mark.parametrize("lang", LANGUAGES)
def test_search_works_from_disk_in_the_pages_language(site, lang):
    folder = language_root(site, lang) / "search"
    index = json.loads((folder / "search_index.json").read_text())
    script = (folder / "search_index.js").read_text()
    assert script.startswith("var __index = ") and json.loads(script[len("var __index = ") :]) == index
    assert index["config"]["lang"] == [lang]
    assert "stemmer" not in index["config"]["pipeline"]
    for doc in index["docs"]:
        assert (language_root(site, lang) / doc["location"].split("#")[0]).is_file(), doc["location"]
    titles = {doc["title"] for doc in index["docs"]}
    assert ("Memerah dan menyimpan ASI" in titles) == (lang == "id")
    assert ("Expressing and storing breast milk" in titles) == (lang == "en")


def test_indonesian_search_support_is_served_with_the_site(site):
    assert (site / "assets/javascripts/lunr/min/lunr.id.min.js").is_file()
    assert (site / "assets/javascripts/iframe-worker.js").is_file()
    assert 'src="assets/javascripts/iframe-worker.js"' in (site / "index.html").read_text()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_home_page_sends_each_audience_to_its_section(site, pack, lang):
    home = language_root(site, lang) / "index.html"
    cards = re.findall(r'<a class="asi-card[^"]*" href="([^"]+)"', home.read_text())
    targets = {resolve(home, href).relative_to(language_root(site, lang).resolve()).as_posix() for href in cards}
    sections = {stem.split("/")[0] for stem in pack.pages if "/" in stem}
    for section in sections & {"families", "caregivers", "midwives", "employers"}:
        assert any(target.startswith(section + "/") for target in targets), f"no card for {section}"
    assert "leaflets/index.html" in targets


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_downloads_page_lists_every_leaflet_with_its_pages_and_size(site, pack, lang):
    page = language_root(site, lang) / "leaflets" / "index.html"
    html = page.read_text()
    word = {"id": "halaman", "en": "pages?"}[lang]
    for slug in pack.leaflets:
        link = re.search(rf'<a href="([^"]*/{slug}\.pdf)" download>[^<]+</a> <small>PDF, (\d+) {word}, (\d+) KB</small>', html)
        assert link, f"{slug} is not on the downloads page"
        pdf = resolve(page, link.group(1))
        assert len(PdfReader(pdf).pages) == int(link.group(2))
        assert round(pdf.stat().st_size / 1024) == int(link.group(3))
    for audience in {leaflet.audience for leaflet in pack.leaflets.values()}:
        heading = {
            "id": {
                "families": "Untuk ibu dan keluarga",
                "midwives": "Untuk bidan dan kader kesehatan",
                "employers": "Untuk pemberi kerja dan HRD",
                "caregivers": "Untuk pengasuh",
            },
            "en": {
                "families": "For mothers and families",
                "midwives": "For midwives and health cadres",
                "employers": "For employers and HR",
                "caregivers": "For caregivers",
            },
        }[lang].get(audience)
        assert heading is None or f">{heading}</h2>" in html


PHONE_LABEL = {"id": "Untuk ponsel (WhatsApp)", "en": "For your phone (WhatsApp)"}
PAGES = {"id": "halaman", "en": "pages?"}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_family_page_offers_its_leaflet_for_printing_and_for_a_phone_with_pages_and_size(site, pack, lang):
    phone_leaflets = [leaflet for leaflet in pack.leaflets.values() if leaflet.phone]
    assert phone_leaflets
    for leaflet in phone_leaflets:
        page = language_root(site, lang) / leaflet.page / "index.html"
        html = page.read_text()
        assert re.search(
            r'<a class="md-button md-button--primary" href="[^"]+/'
            + leaflet.slug
            + r'\.pdf" download>\s*(Unduh untuk dicetak|Download for printing) \(A4, PDF\)',
            html,
        ), page
        link = re.search(
            rf'<a class="asi-phone md-button" href="([^"]+)" download>{re.escape(PHONE_LABEL[lang])}[^<]*</a>\s*<small>PDF, (\d+) {PAGES[lang]}, (\d+) KB</small>',
            html,
        )
        assert link, f"{page} offers no phone edition"
        pdf = resolve(page, link.group(1))
        assert pdf == (site / "downloads" / lang / f"{leaflet.slug}{PHONE_SUFFIX}.pdf").resolve()
        assert len(PdfReader(pdf).pages) == int(link.group(2)) and round(pdf.stat().st_size / 1024) == int(link.group(3))
    listing = (language_root(site, lang) / "leaflets" / "index.html").read_text()
    for leaflet in phone_leaflets:
        assert re.search(
            rf'/{leaflet.slug}{PHONE_SUFFIX}\.pdf" download>{re.escape(PHONE_LABEL[lang])}[^<]*</a> <small>PDF, \d+ {PAGES[lang]}, \d+ KB</small>',
            listing,
        )
    assert {"id": "balik pada sisi pendek", "en": "flipping on the short edge"}[lang] in listing


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_shows_the_emergency_numbers_as_links_that_call_and_links_to_the_contacts_page(site, lang):
    for page in pages_of(site, lang):
        if page.name == "404.html":
            continue
        html = page.read_text()
        footer = html[html.index('<footer class="md-footer asi-footer">') :]
        assert 'href="tel:119">119</a>' in footer and 'href="tel:112">112</a>' in footer, page
        contacts = re.search(r'<a href="([^"]*index\.html)">(Semua kontak|All contacts)</a>', footer)
        assert contacts and resolve(page, contacts.group(1)) == (language_root(site, lang) / "contacts" / "index.html").resolve(), page
    assert "<h1" in (language_root(site, lang) / "contacts" / "index.html").read_text()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_call_119_in_a_help_cards_heading_is_a_link_that_calls(site, lang):
    html = (language_root(site, lang) / PAGE).read_text()
    words = {"id": "telepon 119", "en": "call 119"}[lang]
    assert re.search(rf'<p class="admonition-title">[^<]*<a href="tel:119">{words}</a>', html)


@pytest.mark.parametrize(
    ("lang", "midwife", "counsellor"), [("id", "bidan", "konselor laktasi"), ("en", "midwife", "lactation counsellor")]
)
def test_with_an_organisation_every_page_offers_its_phone_and_whatsapp_and_the_contacts_page_its_referrals(
    tmp_pack, tmp_path, lang, midwife, counsellor
):
    example = tmp_path / "org"
    shutil.copytree(PROJECT / "docs" / "example-org", example)
    site = tmp_path / "site"
    build(tmp_pack(), site_dir=site, organisation_file=example / "organisation.yml", today=TODAY, echo=lambda line: None)
    page = (language_root(site, lang) / "families" / "test" / "index.html").read_text()
    assert '<a class="asi-number" href="tel:0215550142">(021) 555 0142</a>' in page
    assert '<a class="asi-number" href="https://wa.me/6281255501420">+62 812 5550 1420</a>' in page
    assert 'IGD RSUD Contoh: <a class="asi-number" href="tel:0215550119">(021) 555 0119</a>' in page
    contacts = (language_root(site, lang) / "contacts" / "index.html").read_text()
    assert f'<strong>Bidan Sari Wulandari</strong> ({midwife}), Contoh: <a class="asi-number" href="tel:+6281255501001">' in contacts
    assert f"<strong>Ns. Dewi Anggraini</strong> ({counsellor})" in contacts


@pytest.mark.parametrize("lang", LANGUAGES)
def test_one_zip_per_language_holds_every_leaflet(site, pack, lang):
    bundle = site / "downloads" / lang / f"asipack-{lang}.zip"
    with zipfile.ZipFile(bundle) as archive:
        expected = [
            f"asipack-{lang}/{slug}{suffix}"
            for slug in pack.leaflets
            for suffix in (".pdf", f"{PHONE_SUFFIX}.pdf", f"{PRINT_SUFFIX}.pdf", DOCX_SUFFIX)
            if (site / "downloads" / lang / f"{slug}{suffix}").is_file()
        ]
        assert archive.namelist() == expected
        editable = sum(leaflet.docx for leaflet in pack.leaflets.values())
        phone = sum(leaflet.phone for leaflet in pack.leaflets.values())
        assert editable >= 2 and phone >= 9 and len(expected) == len(pack.leaflets) + phone + 1 + editable, (
            "every leaflet, each phone edition, the booklet's A4 print file, each .docx"
        )
        for name in archive.namelist():
            assert archive.read(name) == (site / "downloads" / lang / Path(name).name).read_bytes()
    listing = (language_root(site, lang) / "leaflets" / "index.html").read_text()
    assert f'/asipack-{lang}.zip" download>' in listing
    count = {"id": "lembar", "en": "leaflets"}[lang]
    assert re.search(rf"<small>ZIP, {len(expected)} {count}, (\d+ KB|\d+[.,]\d MB)</small>", listing)


def test_the_zips_are_the_same_for_the_same_leaflets(site, pack, tmp_path):
    copies = []
    for name in ("first", "second"):
        downloads = tmp_path / name
        for lang in LANGUAGES:
            (downloads / lang).mkdir(parents=True)
            for slug in pack.leaflets:
                shutil.copy(site / "downloads" / lang / f"{slug}.pdf", downloads / lang)
        write_bundles(pack, downloads)
        copies.append([(downloads / lang / f"asipack-{lang}.zip").read_bytes() for lang in LANGUAGES])
    assert copies[0] == copies[1]


@pytest.mark.parametrize(("lang", "heading"), [("id", "Halaman tidak ditemukan"), ("en", "Page not found")])
def test_the_404_page_is_in_the_readers_language(site, lang, heading):
    html = (language_root(site, lang) / "404.html").read_text()
    assert f'<html lang="{lang}"' in html
    assert f"<h1>{heading}</h1>" in html
    switch = re.search(r'<a class="asi-language__link" href="([^"]+)"', html).group(1)
    assert switch == ("/en/index.html" if lang == "id" else "/index.html")


def test_web_servers_are_told_which_404_page_to_show(site):
    assert (site / ".htaccess").read_text() == "ErrorDocument 404 /404.html\n"
    assert (site / "en" / ".htaccess").read_text() == "ErrorDocument 404 /en/404.html\n"
    assert (site / "_redirects").read_text() == "/en/*  /en/404.html  404\n/*  /404.html  404\n"


class Images(HTMLParser):
    """Collect the attributes of every img element."""

    def __init__(self):
        super().__init__()
        self.images: list[dict] = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.images.append(dict(attrs))


def test_every_picture_has_alt_text(site):
    missing = []
    for page in site.rglob("*.html"):
        parser = Images()
        parser.feed(page.read_text())
        missing += [f"{page.relative_to(site)}: {img.get('src')}" for img in parser.images if not (img.get("alt") or "").strip()]
    assert not missing, "\n".join(missing)


def test_the_menu_follows_the_sections_and_the_catalogue(tmp_pack):
    """Home first; then each audience's section: its index, its leaflets in catalogue order, other pages by name."""
    files = {}
    for stem, audience in [
        ("index", "everyone"),
        ("families/index", "families"),
        ("families/zebra", "families"),
        ("families/alpha", "families"),
        ("families/notes", "families"),
        ("cards/fridge", "families"),
        ("midwives/index", "midwives"),
        ("midwives/visit", "midwives"),
    ]:
        for lang in ("id", "en"):
            files[f"content/{stem}.{lang}.md"] = page_text(lang, "# Page\n\nText.\n", audience=audience)
    files["content/leaflets.yml"] = (
        "\n".join(
            f"{slug}: {{page: {stem}, audience: {audience}, format: a4, pages: 2}}"
            for slug, stem, audience in [
                ("zebra", "families/zebra", "families"),
                ("alpha", "families/alpha", "families"),
                ("fridge", "cards/fridge", "families"),
                ("visit", "midwives/visit", "midwives"),
            ]
        )
        + "\n"
    )
    files["content/families/test.id.md"] = files["content/families/test.en.md"] = None
    pack = load_pack(tmp_pack(files))
    assert reading_order(pack) == [
        "index",
        "families/index",
        "families/zebra",
        "families/alpha",
        "cards/fridge",
        "families/notes",
        "midwives/index",
        "midwives/visit",
    ]


def test_a_page_outside_the_audience_folders_sits_with_its_audience(pack):
    for stem, by_lang in pack.pages.items():
        folder = stem.split("/")[0] if "/" in stem else ""
        if folder and folder not in SECTIONS and f"{folder}/index" not in pack.pages:
            audience = next(iter(by_lang.values())).meta.get("audience")
            assert section_of(pack, stem) == (audience if audience in SECTIONS else folder)
