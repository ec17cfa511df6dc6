"""Write the website: stage each language's rendered pages, then build one Material site per language.

The default language is built at the site root, every other language under /<code>/. Each
build gets its own search index and interface language, and the language switch lands on the
same page in the other language. Besides the content pages, each language gets a downloads page
that lists every leaflet by audience and the zip of all its PDFs (see asipack.downloads), and a
contacts page; every page's footer carries the organisation's numbers (see asipack.site.contacts).
"""

from __future__ import annotations

from asipack import PACKAGE_DIR

import hashlib
import html
import json
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import material
import yaml
from babel import Locale
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config

from asipack.model.errors import logged_warnings
from asipack.model.fingerprint import cache_directory, files_digest, tool_versions
from asipack.model.pack import Pack
from asipack.render.i18n import audience_labels, load_translations
from asipack.render.markdown import RenderedPage
from asipack.site.contacts import CONTACTS_PAGE, contacts_page, footer_contacts
from asipack.site.urls import SiteUrls

SECTIONS = ("families", "caregivers", "midwives", "employers")  # home page and menu order; other folders follow
DOWNLOADS_PAGE = "leaflets"  # the generated page that lists every leaflet, per language
OWN_SEARCH_LANGUAGES = {"id"}  # lunr support that lunr-languages lacks, in templates/site/assets/javascripts/lunr/min/
MATERIAL_TEMPLATES = Path(material.__file__).resolve().parent / "templates"


def has_search_rules(lang: str) -> bool:
    """Tell whether the site's search knows a language's words (lunr-languages, English, or the pack's own)."""
    return lang == "en" or lang in OWN_SEARCH_LANGUAGES or (MATERIAL_TEMPLATES / "assets" / "javascripts" / "lunr" / "min" / f"lunr.{lang}.min.js").is_file()


def interface_strings(pack: Pack, lang: str) -> Path | None:
    """Return the theme's interface strings for a language (the pack's own copy first), or None if there are none."""
    for path in (pack.root / "templates" / "site" / "partials" / "languages" / f"{lang}.html",
                 MATERIAL_TEMPLATES / "partials" / "languages" / f"{lang}.html"):
        if path.is_file():
            return path
    return None


def short_language_name(locale: str) -> str:
    """Return a language's own short name, as the header's switch shows it: 'Indonesia', 'English'."""
    name = Locale.parse(locale).get_language_name(locale) or locale
    return name[:1].upper() + name[1:]


def section_of(pack: Pack, stem: str) -> str:
    """Return the menu section a page belongs in ('' for the top level).

    A page sits in its folder's section when the folder is an audience's or has an index page;
    a page in any other folder (cards/) sits with its audience, so families find the fridge card.
    """
    if "/" not in stem:
        return ""
    folder = stem.split("/")[0]
    if folder in SECTIONS or f"{folder}/index" in pack.pages:
        return folder
    page = pack.pages[stem].get(pack.default_language.code) or next(iter(pack.pages[stem].values()))
    audience = str(page.meta.get("audience", ""))
    return audience if audience in SECTIONS else folder


def reading_order(pack: Pack) -> list[str]:
    """Return every page stem in menu order: top-level pages, then each section.

    A section lists its index page first, then the pages of the leaflet catalogue in catalogue
    order (the order a family reads them in), then any other page by name.
    """
    catalogue = [leaflet.page for leaflet in pack.leaflets.values()]

    def key(stem: str) -> tuple:
        section = section_of(pack, stem)
        rank = SECTIONS.index(section) if section in SECTIONS else len(SECTIONS)
        position = catalogue.index(stem) if stem in catalogue else len(catalogue)
        index = f"{section}/index" if section else "index"
        return (section != "", rank, section, stem != index, position, stem)

    return sorted(pack.pages, key=key)


def site_nav(pack: Pack, lang: str) -> list[Any]:
    """Return one language's menu: pages, each section under its index page's title, the downloads and contacts pages."""
    labels = audience_labels(pack.root, lang)
    nav: list[Any] = []
    sections: dict[str, list[str]] = {}
    for stem in reading_order(pack):
        section = section_of(pack, stem)
        if not section:
            nav.append(f"{stem}.md")
            continue
        if section not in sections:
            index = pack.pages.get(f"{section}/index", {}).get(lang)
            title = index.title if index else labels.get(section, section.replace("-", " ").capitalize())
            sections[section] = []
            nav.append({title: sections[section]})
        sections[section].append(f"{stem}.md")
    if pack.leaflets:
        nav.append(f"{DOWNLOADS_PAGE}.md")
    nav.append(f"{CONTACTS_PAGE}.md")
    return nav


def downloads_page(pack: Pack, rendered: dict[str, dict[str, RenderedPage]], lang: str, urls: SiteUrls,
                   downloads: dict[tuple[str, str], dict[str, Any]], bundle: dict[str, Any] | None) -> str:
    """Return the Markdown of the page that lists every leaflet by audience, with its pages and size."""
    _ = load_translations(pack.root, lang).gettext
    labels = audience_labels(pack.root, lang)
    title = _("Download and print")
    meta = {
        "title": title,
        "summary": _("Every leaflet as a PDF, ready to print on A4 paper, in black and white too."),
        "asipack_downloads": True,
    }
    meta["description"] = meta["summary"]
    up = "../" if urls.use_directory_urls else ""  # from leaflets/index.html (or leaflets.html) to the language's root
    parts: list[str] = [f"# {title}", str(meta["summary"])]
    parts.append(html.escape(_(
        "Print a leaflet of 2 pages on both sides of one sheet. Print the booklet's A4 file double-sided, "
        "flipping on the short edge. Fold the sheets in half and staple them on the fold."
    )))
    if bundle:
        who = _("For midwives, cadres and clinics: every leaflet in one file, to print a whole pack.")
        button = _("Download all leaflets (ZIP)")
        parts.append(
            '<div class="asi-bundle">\n'
            f"<p>{html.escape(who)}</p>\n"
            f'<p><a class="md-button md-button--primary" href="{up}{bundle["href"]}" download>{html.escape(button)}</a>\n'
            f'<small>{html.escape(bundle["details"])}</small></p>\n'
            "</div>"
        )
    groups: dict[str, list[str]] = {}
    for leaflet in pack.leaflets.values():
        download = downloads.get((leaflet.slug, lang))
        page = rendered.get(leaflet.page, {}).get(lang)
        if download is None or page is None:
            continue
        others = "".join(
            f'<br><a href="{up}{other["href"]}" download>{html.escape(other["label"])}</a> <small>{html.escape(other["details"])}</small>'
            for other in download["others"]
        )
        groups.setdefault(leaflet.audience, []).append(
            f'<li><a href="{up}{download["href"]}" download>{html.escape(page.page.title)}</a>'
            f" <small>{html.escape(download['details'])}</small>{others}</li>"
        )
    order = [*SECTIONS, "everyone"]
    for audience in sorted(groups, key=lambda a: order.index(a) if a in order else len(order)):
        parts.append(f"## {labels.get(audience, audience)}")
        parts.append('<ul class="asi-leaflets">\n' + "\n".join(groups[audience]) + "\n</ul>")
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, default_flow_style=False)
    return f"---\n{front}---\n" + "\n\n".join(parts) + "\n"


def stage_language(pack: Pack, rendered: dict[str, dict[str, RenderedPage]], lang: str, staging: Path,
                   downloads: dict[tuple[str, str], dict[str, Any]], bundle: dict[str, Any] | None = None,
                   urls: SiteUrls | None = None) -> Path:
    """Write one language's pages (facts already in), its downloads and contacts pages and images into a docs folder."""
    docs = staging / lang
    if docs.exists():
        shutil.rmtree(docs)
    docs.mkdir(parents=True)
    for stem, by_lang in rendered.items():
        page = by_lang[lang]
        meta = dict(page.page.meta)
        meta.setdefault("description", meta.get("summary", ""))  # for search engines and link previews
        leaflet = meta.get("leaflet")
        if leaflet and (leaflet, lang) in downloads:
            meta["asipack_download"] = downloads[(leaflet, lang)]
        target = docs / f"{stem}.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, default_flow_style=False)
        target.write_text(f"---\n{front}---\n{page.markdown}", encoding="utf-8")
    if pack.leaflets:
        listing = downloads_page(pack, rendered, lang, urls or SiteUrls("", pack.default_language.code), downloads, bundle)
        (docs / f"{DOWNLOADS_PAGE}.md").write_text(listing, encoding="utf-8")
    (docs / f"{CONTACTS_PAGE}.md").write_text(contacts_page(pack, lang), encoding="utf-8")
    images = pack.content_dir / "images"
    if images.is_dir():
        shutil.copytree(images, docs / "images", ignore=shutil.ignore_patterns("*.md"))
    return docs


def language_config(pack: Pack, lang: str, docs: Path, site_dir: Path, urls: SiteUrls):
    """Load mkdocs.yml for one language's build: its menu, interface and search language."""
    config = load_config(
        str(pack.root / "mkdocs.yml"),
        docs_dir=str(docs),
        site_dir=str(site_dir),
        site_url=urls.site_url.rstrip("/") + "/" + urls.language_root(lang),
        hooks=[str(Path(__file__).resolve().with_name("hooks.py"))],
    )
    config.theme["language"] = lang
    config["nav"] = site_nav(pack, lang)
    home = pack.pages.get("index", {}).get(lang)
    if home is not None and home.meta.get("summary"):
        config["site_description"] = str(home.meta["summary"])
    search = config.plugins.get("material/search")
    if search is not None and lang in OWN_SEARCH_LANGUAGES:
        # Material's search accepts only lunr-languages' codes and would index Indonesian with the
        # English set-up; templates/site/assets/javascripts/lunr/min/lunr.<lang>.min.js supports it.
        search.config.lang = [lang]
        search.config.pipeline = ["trimmer", "stopWordFilter"]
    elif search is not None and not has_search_rules(lang):
        search.config.pipeline = []  # exact words only: no rules at all rather than English ones (check warns)
    to_root = urls.to_root(lang)
    site_path = urlsplit(urls.site_url).path.rstrip("/") + "/"
    config.extra["asipack_root"] = str(pack.root)
    config.extra["alternate"] = [
        {
            "name": language.name,
            "short_name": short_language_name(language.locale),  # what the header's switch says
            "lang": language.code,
            "root": to_root + urls.language_root(language.code),  # relative, from this language's root
            "home": site_path + urls.language_root(language.code),  # absolute path, for the 404 page
            "site_url": urls.absolute("", language.code),  # full address, for search engines' hreflang
        }
        for language in pack.languages
    ]
    config.extra["asipack_to_root"] = to_root
    config.extra["asipack_contacts"] = footer_contacts(pack.organisation)
    return config


def write_host_rules(pack: Pack, out: Path, urls: SiteUrls) -> None:
    """Tell common web servers to answer a missing address with the 404 page of its language.

    Apache (most shared hosting) reads .htaccess in each language's folder, Netlify reads
    _redirects; Cloudflare Pages serves the nearest 404.html by itself.
    """
    site_path = urlsplit(urls.site_url).path.rstrip("/") + "/"
    redirects = []
    for language in sorted(pack.languages, key=lambda language: language == pack.default_language):
        here = urls.language_root(language.code)
        (out / here / ".htaccess").write_text(f"ErrorDocument 404 {site_path}{here}404.html\n", encoding="utf-8")
        redirects.append(f"{site_path}{here}*  {site_path}{here}404.html  404")
    (out / "_redirects").write_text("\n".join(redirects) + "\n", encoding="utf-8")


def built_site_digest(pack: Pack, docs: Path, lang: str, urls: SiteUrls) -> str:
    """Fingerprint everything one language's MkDocs build reads: staged pages, theme, config, code, tools."""
    parts = [
        files_digest([docs], docs),
        files_digest([pack.root / "mkdocs.yml", pack.root / "templates" / "site", pack.root / "translations", PACKAGE_DIR], pack.root),
        tool_versions(), lang, urls.site_url, str(urls.use_directory_urls),
        ",".join(language.code for language in pack.languages),
        json.dumps(footer_contacts(pack.organisation), sort_keys=True),  # every page's footer
    ]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def write_site(pack: Pack, rendered: dict[str, dict[str, RenderedPage]], out: Path, staging: Path, urls: SiteUrls,
               downloads: dict[tuple[str, str], dict[str, Any]],
               bundles: dict[str, dict[str, Any]] | None = None) -> list[str]:
    """Build every language's site into out/ (default language first); return MkDocs' warnings.

    A language whose inputs are unchanged since the last build is copied from the cache
    instead of being built again, with the warnings its build gave.
    """
    warnings: list[str] = []
    for language in pack.languages:
        docs = stage_language(pack, rendered, language.code, staging, downloads, (bundles or {}).get(language.code), urls)
        cached = cache_directory(pack.root) / "site" / language.code
        record_file = cached / "record.json"
        digest = built_site_digest(pack, docs, language.code, urls)
        record = json.loads(record_file.read_text()) if record_file.is_file() else {}
        if record.get("digest") != digest:
            built = staging / "built" / language.code
            with logged_warnings("mkdocs") as messages:
                mkdocs_build(language_config(pack, language.code, docs, built, urls))
            record = {"digest": digest, "warnings": messages}
            shutil.rmtree(cached, ignore_errors=True)
            shutil.copytree(built, cached / "built")
            record_file.write_text(json.dumps(record))
        warnings += record["warnings"]
        shutil.copytree(cached / "built", out / urls.language_root(language.code), dirs_exist_ok=True)
    write_host_rules(pack, out, urls)
    return warnings
