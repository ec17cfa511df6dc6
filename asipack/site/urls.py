"""Say where each page lives on the website, per language, as a path and as a full URL."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

EXAMPLE_SITE_URL = "https://asi.example.org/"  # mkdocs.yml's site_url until a real address is given

@dataclass(frozen=True)
class SiteUrls:
    """The website's address scheme: the default language at /, the others at /<code>/."""

    site_url: str
    default_lang: str
    use_directory_urls: bool = True

    @property
    def is_example(self) -> bool:
        """Say whether the address is still the example: then no QR code or link on paper points at it."""
        return self.site_url.rstrip("/") == EXAMPLE_SITE_URL.rstrip("/")

    def language_root(self, lang: str) -> str:
        """Return the folder of a language's site, relative to the site root ('' or 'en/')."""
        return "" if lang == self.default_lang else f"{lang}/"

    def to_root(self, lang: str) -> str:
        """Return the relative path from a language's site up to the site root ('' or '../')."""
        return "../" * self.language_root(lang).count("/")

    def page_path(self, stem: str) -> str:
        """Return a page's path within its language's site, e.g. 'families/expressing-storing/'."""
        if stem == "index" or stem.endswith("/index"):
            folder = stem[: -len("index")]
            return folder if self.use_directory_urls else folder + "index.html"
        return f"{stem}/" if self.use_directory_urls else f"{stem}.html"

    def absolute(self, path: str, lang: str) -> str:
        """Return the full URL of a page path in a language."""
        return self.site_url.rstrip("/") + "/" + self.language_root(lang) + path

    def download_path(self, slug: str, lang: str, suffix: str = ".pdf") -> str:
        """Return the path of a leaflet's file from the site root ('downloads/en/x.pdf', 'downloads/en/x-phone.pdf')."""
        return f"downloads/{lang}/{slug}{suffix}"

    def resolve_relative(self, stem: str, link: str) -> str:
        """Turn a Markdown link in a page ('../x/y', without .md) into the linked page's path."""
        target = posixpath.normpath(posixpath.join(posixpath.dirname(stem), link))
        return self.page_path(target)
