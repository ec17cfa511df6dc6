"""Fill a leaflet's Jinja2 template with its rendered page, the organisation and a QR code.

A leaflet is laid out in its catalogue format; one marked `phone: true` is also laid out in the
phone format (templates/leaflets/phone.html.j2), from the same page. Without a real website
(the organisation's, or mkdocs.yml's site_url once it is no longer the example) a leaflet has
no QR code, and its links to other pages are printed as plain text: nothing points at an
address that reaches nobody.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import jinja2
from babel.dates import format_date
from markupsafe import Markup

from asipack import EDITION
from asipack.leaflets.qr import qr_data_uri
from asipack.model.fingerprint import cache_directory
from asipack.model.organisation import tel_uri, whatsapp_uri
from asipack.model.pack import Leaflet, Pack
from asipack.model.yamlio import as_date
from asipack.render.i18n import audience_labels, load_translations, role_names
from asipack.render.markdown import RenderedPage
from asipack.site.urls import SiteUrls

MARKDOWN_LINK = re.compile(r'href="([^":#]+)\.md(#[^"]*)?"')
PAGE_ANCHOR = re.compile(r'<a href="[^":#]+\.md(?:#[^"]*)?"[^>]*>(.*?)</a>', re.DOTALL)
PHONE_FORMAT = "phone"  # the phone edition's template and style: phone.html.j2, phone.css


@dataclass
class LeafletJob:
    """Everything a worker needs to write one leaflet PDF in one language."""

    slug: str
    lang: str
    html: str
    base_url: str  # where relative image paths resolve (the staged page)
    target: Path
    page_budget: int
    title: str
    imposed_target: Path | None = None  # an A5 booklet is also imposed on A4 for duplex printing
    variant: str = ""  # "" for the leaflet in its catalogue format, PHONE_FORMAT for its phone edition
    fit_record: Path | None = None  # where its lines by part are kept each time it fits its budget


@dataclass
class LeafletResult:
    """What a rendered leaflet turned out to be."""

    slug: str
    lang: str
    target: Path
    pages: int
    size: int
    warnings: list[tuple[str | None, str]]  # (the file a warning is about, or None for the page; WeasyPrint's message)
    fill: float  # how full its last page is, from 0 to 1 (each column counted)


@functools.cache
def template_environment(root: Path, lang: str) -> jinja2.Environment:
    """Return the leaflet template environment with the language's gettext catalog (one per language)."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(root / "templates" / "leaflets"),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        undefined=jinja2.StrictUndefined,
    )
    environment.install_gettext_translations(load_translations(root, lang), newstyle=True)  # type: ignore[attr-defined]  # added by the i18n extension
    environment.filters["without_ids"] = without_ids
    environment.filters["sides"] = split_sides
    environment.filters["tel"] = tel_uri
    environment.filters["whatsapp"] = whatsapp_uri
    return environment


def without_ids(html: str) -> Markup:
    """Drop id attributes, for HTML shown more than once in one document (cards, booklets)."""
    return Markup(re.sub(r'\s+id="[^"]*"', "", str(html)))


def absolute_links(html: str, stem: str, urls: SiteUrls, lang: str) -> str:
    """Point links between pages at the website, since a leaflet on paper has no neighbours.

    While the website's address is the example, the links are dropped and their words kept.
    """
    if urls.is_example:
        return PAGE_ANCHOR.sub(lambda match: match.group(1), html)

    def replace(match: re.Match) -> str:
        target = urls.resolve_relative(stem, match.group(1))
        return f'href="{urls.absolute(target, lang)}{match.group(2) or ""}"'

    return MARKDOWN_LINK.sub(replace, html)


def split_cards(html: str) -> list[str]:
    """Split a page's HTML into cards, one per level-2 heading (text before the first is dropped)."""
    parts = re.split(r"(?=<h2[\s>])", html)
    return [part for part in parts if part.startswith("<h2")]


def intro_of(html: str) -> str:
    """Return a page's HTML before its first level-2 heading, without the page's own title (a flipchart's cover)."""
    head = re.split(r"(?=<h2[\s>])", html, maxsplit=1)[0]
    return re.sub(r"<h1[\s>].*?</h1>", "", head, count=1, flags=re.S)


def split_sides(html: str) -> tuple[Markup, Markup, Markup]:
    """Split a flipchart section at its first level-3 heading: (the family's side, the counsellor's side, the title).

    A section is its `##` title (a few words for the family), its picture, then from the first
    `###` heading (`### For the counsellor`) the counsellor's script. The family's side shows the
    title as a large caption under the `##` of the counsellor's side, which keeps one heading per
    topic in the document's structure. A section with no `###` has no script.
    """
    front, back = split_at_script(str(html))
    title = re.search(r"<h2[^>]*>(.*?)</h2>", front, flags=re.S)
    picture_side = re.sub(r"<h2[^>]*>(.*?)</h2>", r'<p class="family-title">\1</p>', front, count=1, flags=re.S)
    return Markup(picture_side), Markup(back), Markup(title.group(1) if title else "")


def split_at_script(html: str) -> tuple[str, str]:
    """Split at the first level-3 heading, or at the cover's `how-to` paragraph (a heading there would skip a level)."""
    parts = re.split(r'(?=<h3[\s>]|<p class="how-to">)', html, maxsplit=1)
    return parts[0], parts[1] if len(parts) > 1 else ""


def page_view(pack: Pack, rendered: RenderedPage, urls: SiteUrls) -> dict:
    """Return what a template needs to show one page in its language."""
    page = rendered.page
    locale = pack.language(page.lang).locale
    twin_url = urls.absolute(urls.page_path(page.stem), page.lang)
    body = absolute_links(rendered.html, page.stem, urls, page.lang)
    return {
        "lang": page.lang,
        "stem": page.stem,
        "title": page.title,
        "summary": page.meta.get("summary", ""),
        "body_html": Markup(body),
        "cards": [without_ids(card) for card in split_cards(body)],
        "intro_html": without_ids(intro_of(body)),
        "twin_url": twin_url,
        "checked_on": as_date(page.meta.get("last_checked")),
        "review_on": as_date(page.meta.get("next_review")),
        "last_checked": format_date(as_date(page.meta.get("last_checked")), "long", locale=locale),
        "next_review": format_date(as_date(page.meta.get("next_review")), "long", locale=locale),
        "source_keys": list(page.meta.get("sources") or []),
    }


def second_languages(pack: Pack, lang: str) -> list[str]:
    """Return the other language a bilingual leaflet (a door sign) shows: one, the organisation's choice.

    A sign has room for two languages: the organisation's `sign_languages`, else the pack's first two.
    """
    chosen = pack.organisation.sign_languages or [language.code for language in pack.languages[:2]]
    return [code for code in chosen if code != lang][:1]


def leaflet_html(
    pack: Pack, leaflet: Leaflet, rendered: dict[str, dict[str, RenderedPage]], lang: str, urls: SiteUrls, *, layout: str | None = None
) -> str:
    """Return the complete HTML of one leaflet in one language, in its format or the layout given (PHONE_FORMAT).

    A leaflet shows its page; a bilingual leaflet also shows the page in the other languages;
    a booklet (option 'contents') shows several pages in turn.
    """
    locale = pack.language(lang).locale
    layout = layout or leaflet.format
    translations = load_translations(pack.root, lang)
    template = template_environment(pack.root, lang).get_template(f"{layout}.html.j2")
    main = page_view(pack, rendered[leaflet.page][lang], urls)
    main["qr_uri"] = None if urls.is_example else qr_data_uri(main["twin_url"], cache_directory(pack.root) / "qr")
    others = [page_view(pack, rendered[leaflet.page][other], urls) for other in second_languages(pack, lang)]
    parts = [page_view(pack, rendered[stem][lang], urls) for stem in leaflet.contents]
    shown = [main] + parts
    source_keys = list(dict.fromkeys(key for view in shown for key in view["source_keys"]))
    organisation = pack.organisation
    format_css = pack.root / "templates" / "leaflets" / f"{layout}.css"
    return template.render(
        **main,
        page=main,
        translations=others,
        parts=parts,
        last_checked_all=format_date(min(v["checked_on"] for v in shown), "long", locale=locale),
        next_review_all=format_date(min(v["review_on"] for v in shown), "long", locale=locale),
        sources=[pack.sources[key] for key in source_keys if key in pack.sources],
        format=layout,
        audience=leaflet.audience,
        audience_label=audience_labels(pack.root, lang).get(leaflet.audience, leaflet.audience),
        org=organisation,
        roles=role_names(translations),
        show_referrals=leaflet.referrals,
        edition=EDITION,
        css_uri=(pack.root / "templates" / "leaflets" / "print.css").as_uri(),
        format_css_uri=format_css.as_uri() if format_css.is_file() else None,
    )
