"""Adapt each language's Material build to the pack: gettext in templates, and a site that works offline.

A midwife copies the built site to a clinic laptop or a phone and opens index.html with no
network. Material's offline plugin would do that by dropping the folder-style addresses
('families/latch-holds/') that the leaflets' QR codes print, and by loading its iframe-worker
shim from a CDN. These hooks do the same job and keep both: every link to a folder also names
its index.html, the search index is written as a script too, and the shim that runs search
from file:// is served from the site's own assets.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from jinja2 import FileSystemBytecodeCache
from mkdocs.plugins import event_priority

from asipack.model.fingerprint import cache_directory
from asipack.render.i18n import load_translations

# Scripts Material would take from a CDN, served from the site's own assets (MIT licensed):
POLYFILLS = [
    "assets/javascripts/iframe-worker.js",  # iframe-worker 1.0.4: runs the search worker from file://
    "assets/javascripts/resize-observer.js",  # loads resize-observer-polyfill 1.5.1 where a browser needs it
]
LINK = re.compile(r'(<(?:a|link)\s[^>]*?\bhref=")([^"]*)(")')
SCHEME = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//)")


def on_config(config):
    """Serve the scripts Material would fetch from a CDN from the site itself, the file:// worker shim first."""
    polyfills = list(config.extra.get("polyfills") or [])
    config.extra["polyfills"] = polyfills + [script for script in POLYFILLS if script not in polyfills]
    return config


def on_env(env, config, files):
    """Install the catalog of the language this build is for, so templates can use _().

    Compiled theme templates are kept in the project's cache (Jinja checks each template's
    source before it reuses one), so each build does not compile Material's templates again.
    """
    root = Path(config.extra["asipack_root"])
    compiled = cache_directory(root) / "jinja"
    compiled.mkdir(parents=True, exist_ok=True)
    env.bytecode_cache = FileSystemBytecodeCache(str(compiled))
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_translations(load_translations(root, config.theme["language"]), newstyle=True)
    return env


def folder_to_index(href: str) -> str:
    """Return a link to a folder as a link to its index.html, so that it opens from file://.

    '../families/' becomes '../families/index.html', '.' becomes './index.html' and
    'x/#a' becomes 'x/index.html#a'; links to files, anchors and other hosts stay as they are.
    """
    if SCHEME.match(href):
        return href
    parts = re.match(r"([^#?]*)([#?]?)(.*)", href, re.S)
    assert parts is not None  # every string matches: each group may be empty
    path, mark, rest = parts.groups()
    if not path:
        return href
    last = path.rsplit("/", 1)[-1]
    if last == "":
        path += "index.html"
    elif last in (".", ".."):
        path += "/index.html"
    return path + mark + rest


def link_files(html: str) -> str:
    """Point every link to a folder in a page at the folder's index.html."""
    return LINK.sub(lambda m: m.group(1) + folder_to_index(m.group(2)) + m.group(3), html)


def on_post_page(output, page, config):
    """Make a page's links work from file:// as well as on a web server."""
    return link_files(output)


def on_post_template(output_content, template_name, config):
    """Do the same for pages built from a template alone (the 404 page); name each page's twins in the sitemap."""
    if template_name == "sitemap.xml":
        return sitemap_with_languages(output_content, config)
    return link_files(output_content) if template_name.endswith(".html") else output_content


def sitemap_with_languages(xml: str, config) -> str:
    """Add every page's address in each language (hreflang) to the sitemap, where search engines find it.

    Not as <link rel="alternate"> in each page: Material's script fetches a sitemap for every
    such link on every page view, a request to the public host even from an offline copy.
    """
    here = config.site_url
    languages = config.extra["alternate"]

    def twins(match: re.Match) -> str:
        address = match.group(1)
        if not address.startswith(here):
            return match.group(0)
        path = address[len(here):]
        return match.group(0) + "".join(
            f'\n         <xhtml:link rel="alternate" hreflang="{language["lang"]}" href="{language["site_url"]}{path}"/>'
            for language in languages
        )

    xml = re.sub(r"<loc>([^<]*)</loc>", twins, xml)
    return xml.replace('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"',
                       '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml"', 1)


@event_priority(-100)  # after the search plugin has written search_index.json
def on_post_build(config):
    """Point search results at index.html files, and write the index as a script for file://.

    Material loads search/search_index.js instead of the JSON when the site is opened from disk.
    """
    folder = Path(config.site_dir) / "search"
    source = folder / "search_index.json"
    if not source.is_file():
        return
    index = json.loads(source.read_text(encoding="utf-8"))
    for doc in index.get("docs", []):
        doc["location"] = folder_to_index("./" + doc["location"])[2:]
    data = json.dumps(index, ensure_ascii=False, separators=(",", ":"))
    source.write_text(data, encoding="utf-8")
    (folder / "search_index.js").write_text(f"var __index = {data}", encoding="utf-8")
