"""The website: both languages at their own address, a language switch and a download on each page."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest

from .conftest import LANGUAGES

PAGE = "families/expressing-storing/index.html"


def language_root(site: Path, lang: str) -> Path:
    return site if lang == "id" else site / lang


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_language_has_the_page_with_the_right_lang(site, lang):
    html = (language_root(site, lang) / PAGE).read_text()
    assert f'<html lang="{lang}"' in html


def resolve(page: Path, href: str) -> Path:
    """Resolve a relative link from a built page to a file in the site."""
    target = (page.parent / href).resolve()
    return target / "index.html" if target.is_dir() else target


@pytest.mark.parametrize(("lang", "other"), [("id", "en"), ("en", "id")])
def test_the_language_switch_lands_on_the_same_page_in_the_other_language(site, lang, other):
    page = language_root(site, lang) / PAGE
    html = page.read_text()
    link = re.search(rf'<a href="([^"]+)" hreflang="{other}"', html)
    assert link, "no language switch link"
    assert resolve(page, link.group(1)) == (language_root(site, other) / PAGE).resolve()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_page_offers_its_leaflet_in_the_readers_language(site, lang):
    page = language_root(site, lang) / PAGE
    link = re.search(r'<a class="md-button md-button--primary" href="([^"]+)" download>', page.read_text())
    assert link
    target = resolve(page, link.group(1))
    assert target == (site / "downloads" / lang / "expressing-storing.pdf").resolve()
    assert target.read_bytes().startswith(b"%PDF")


LOADS = re.compile(r'<(?:script|img|iframe|source|audio|video)\b[^>]*\bsrc="([^"]+)"|<link\b[^>]*\bhref="([^"]+)"[^>]*>')


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
            assert not re.search(r"url\(\s*['\"]?https?://", css.read_text()), css
