"""Fill a leaflet's Jinja2 template with its rendered page, the organisation and a QR code."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import jinja2
from babel.dates import format_date

from . import EDITION
from .content import Leaflet, Pack, as_date
from .i18n import load_translations
from .qr import qr_data_uri
from .render import RenderedPage
from .urls import SiteUrls

MARKDOWN_LINK = re.compile(r'href="([^":#]+)\.md(#[^"]*)?"')


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


def template_environment(root: Path, lang: str) -> jinja2.Environment:
    """Return the leaflet template environment with the language's gettext catalog."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(root / "templates" / "leaflets"),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        undefined=jinja2.StrictUndefined,
    )
    environment.install_gettext_translations(load_translations(root, lang), newstyle=True)
    return environment


def absolute_links(html: str, stem: str, urls: SiteUrls, lang: str) -> str:
    """Point links between pages at the website, since a leaflet on paper has no neighbours."""

    def replace(match: re.Match) -> str:
        target = urls.resolve_relative(stem, match.group(1))
        return f'href="{urls.absolute(target, lang)}{match.group(2) or ""}"'

    return MARKDOWN_LINK.sub(replace, html)


def leaflet_html(pack: Pack, leaflet: Leaflet, rendered: RenderedPage, urls: SiteUrls) -> str:
    """Return the complete HTML of one leaflet in the language of its rendered page."""
    page = rendered.page
    lang = page.lang
    locale = pack.language(lang).locale
    environment = template_environment(pack.root, lang)
    template = environment.get_template(f"{leaflet.format}.html.j2")
    twin_url = urls.absolute(urls.page_path(page.stem), lang)
    organisation = dict(pack.organisation)
    if organisation["logo_path"]:
        organisation["logo_uri"] = Path(organisation["logo_path"]).as_uri()
    sources = [pack.sources[key] for key in page.meta.get("sources") or [] if key in pack.sources]
    return template.render(
        lang=lang,
        format=leaflet.format,
        audience=leaflet.audience,
        title=page.title,
        summary=page.meta.get("summary", ""),
        body_html=jinja2.utils.markupsafe.Markup(absolute_links(rendered.html, page.stem, urls, lang)),
        org=organisation,
        show_referrals=bool(leaflet.options.get("referrals")),
        twin_url=twin_url,
        qr_uri=qr_data_uri(twin_url),
        last_checked=format_date(as_date(page.meta.get("last_checked")), "long", locale=locale),
        next_review=format_date(as_date(page.meta.get("next_review")), "long", locale=locale),
        sources=sources,
        edition=EDITION,
        css_uri=(pack.root / "templates" / "leaflets" / "print.css").as_uri(),
    )
