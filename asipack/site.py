"""Write the website: stage each language's rendered pages, then build one Material site per language.

The default language is built at the site root, every other language under /<code>/. Each
build gets its own search index and interface language, and the language switch lands on the
same page in the other language.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import Any

import yaml
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config

from .content import Pack
from .render import RenderedPage
from .urls import SiteUrls

PACKAGE_DIR = Path(__file__).resolve().parent


def stage_language(pack: Pack, rendered: dict[str, dict[str, RenderedPage]], lang: str, staging: Path,
                   downloads: dict[tuple[str, str], dict[str, Any]]) -> Path:
    """Write one language's pages (facts already in) and images into a docs folder for MkDocs."""
    docs = staging / lang
    if docs.exists():
        shutil.rmtree(docs)
    docs.mkdir(parents=True)
    for stem, by_lang in rendered.items():
        page = by_lang[lang]
        meta = dict(page.page.meta)
        leaflet = meta.get("leaflet")
        if leaflet and (leaflet, lang) in downloads:
            meta["asipack_download"] = downloads[(leaflet, lang)]
        target = docs / f"{stem}.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, default_flow_style=False)
        target.write_text(f"---\n{front}---\n{page.markdown}", encoding="utf-8")
    images = pack.content_dir / "images"
    if images.is_dir():
        shutil.copytree(images, docs / "images", ignore=shutil.ignore_patterns("*.md"))
    return docs


def language_config(pack: Pack, lang: str, docs: Path, site_dir: Path, urls: SiteUrls):
    """Load mkdocs.yml for one language's build."""
    config = load_config(
        str(pack.root / "mkdocs.yml"),
        docs_dir=str(docs),
        site_dir=str(site_dir),
        site_url=urls.site_url.rstrip("/") + "/" + urls.language_root(lang),
        hooks=[str(PACKAGE_DIR / "mkdocs_hooks.py")],
    )
    config.theme["language"] = lang
    here = urls.language_root(lang)
    to_root = "../" * here.count("/")
    config.extra["asipack_root"] = str(pack.root)
    config.extra["alternate"] = [
        {"name": language.name, "lang": language.code, "root": to_root + urls.language_root(language.code)}
        for language in pack.languages
    ]
    config.extra["asipack_to_root"] = to_root
    return config


class CountWarnings(logging.Handler):
    """Keep MkDocs' warnings so the build can report them."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def write_site(pack: Pack, rendered: dict[str, dict[str, RenderedPage]], out: Path, staging: Path, urls: SiteUrls,
               downloads: dict[tuple[str, str], dict[str, Any]]) -> list[str]:
    """Build every language's site into out/ (default language first); return MkDocs' warnings."""
    handler = CountWarnings()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    try:
        for language in pack.languages:
            docs = stage_language(pack, rendered, language.code, staging, downloads)
            built = staging / "built" / language.code
            config = language_config(pack, language.code, docs, built, urls)
            mkdocs_build(config)
            shutil.copytree(built, out / urls.language_root(language.code), dirs_exist_ok=True)
    finally:
        logger.removeHandler(handler)
    return handler.messages
