"""Render pages: a Jinja pre-pass puts facts and snippets in, then Markdown becomes HTML.

The Markdown configuration is the one in mkdocs.yml, so the website and the leaflets turn the
same text into the same blocks and cannot disagree.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import markdown
from mkdocs.config import load_config

from asipack.model.files import write_text_atomic
from asipack.model.pack import Pack, Page
from asipack.model.signs import Sign
from asipack.render.formatting import format_fact
from asipack.render.help_cards import help_cards_markdown, sign_checklist_markdown

FACT_CALL = re.compile(r"""fact\(\s*["']([^"']+)["']\s*\)""")
SNIPPET_CALL = re.compile(r"""snippet\(\s*["']([^"']+)["']\s*\)""")


@dataclass
class RenderedPage:
    """A page after the pre-pass: Markdown with facts in, and its HTML body."""

    page: Page
    markdown: str
    html: str


def content_environment() -> jinja2.Environment:
    """Return the Jinja environment for content: strict, no autoescape, comments as {## ##}.

    Jinja's own comment marker '{#' would clash with Markdown attribute lists such as {#id}.
    """
    return jinja2.Environment(
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        comment_start_string="{##",
        comment_end_string="##}",
    )


def fact_calls(text: str, first_line: int = 1) -> list[tuple[str, int]]:
    """Return every fact key a text uses, with the line it is on."""
    return [(m.group(1), first_line + text.count("\n", 0, m.start())) for m in FACT_CALL.finditer(text)]


def snippet_calls(text: str, first_line: int = 1) -> list[tuple[str, int]]:
    """Return every snippet a text includes, with the line it is on."""
    return [(m.group(1), first_line + text.count("\n", 0, m.start())) for m in SNIPPET_CALL.finditer(text)]


def markdown_settings(root: Path) -> tuple[list[Any], dict[str, Any]]:
    """Read the Markdown extensions and their settings from mkdocs.yml."""

    config = load_config(str(root / "mkdocs.yml"), hooks=[])
    return list(config["markdown_extensions"]), dict(config["mdx_configs"])


class PageRenderer:
    """Render pages of one pack, per language, with one Markdown configuration."""

    def __init__(self, pack: Pack, *, cache_dir: Path | None = None):
        self.pack = pack
        self.environment = content_environment()
        self.extensions, self.extension_configs = markdown_settings(pack.root)
        self.cache_dir = cache_dir  # pages already rendered, by the hash of their text and inputs
        self._inputs: str | None = None
        settings = f"{markdown.__version__}\0{self.extensions!r}\0{sorted(self.extension_configs.items())!r}"
        self.settings_digest = hashlib.sha256(settings.encode()).hexdigest()

    def prepass(self, text: str, lang: str, *, stem: str = "", audience: str = "families") -> str:
        """Put facts, snippets, help cards and sign tick boxes into a Markdown text, formatted for the language."""
        language = self.pack.language(lang)

        def fact(key: str) -> str:
            return format_fact(self.pack.facts[key], language.locale, language.units)

        def snippet(name: str) -> str:
            return self.prepass(self.pack.snippets[name][lang].body, lang, stem=stem, audience=audience).strip("\n")

        def icon_src(name: str) -> str:
            return posixpath.relpath(f"images/{name}", posixpath.dirname(stem) or ".")

        def words_of(sign: Sign) -> str:
            return self.prepass(sign.words[lang], lang)

        def help_cards(*keys: str, icons: bool = False, urgent_first: bool = False) -> str:
            return help_cards_markdown(
                self.pack.signs, keys, lang, audience, words_of, icon_src if icons else None, urgent_first=urgent_first
            )

        def sign_checklist(*keys: str) -> str:
            return sign_checklist_markdown(self.pack.signs, keys, words_of)

        return self.environment.from_string(text).render(
            fact=fact, snippet=snippet, help_cards=help_cards, sign_checklist=sign_checklist, lang=lang
        )

    def to_html(self, text: str) -> str:
        """Convert Markdown to HTML with the site's extensions."""
        converter = markdown.Markdown(extensions=self.extensions, extension_configs=self.extension_configs)
        return converter.convert(text)

    def inputs_digest(self) -> str:
        """Fingerprint what a page's rendering depends on besides its own text: facts, snippets, languages, code."""
        content = self.pack.content_dir
        paths = [content / "facts.yml", content / "languages.yml", content / "signs.yml", content / "partials", Path(__file__).parent]
        digest = hashlib.sha256(self.settings_digest.encode())
        for path in paths:
            for file in sorted(path.glob("*")) if path.is_dir() else [path]:
                if file.is_file():
                    digest.update(file.name.encode() + b"\0" + file.read_bytes())
        return digest.hexdigest()

    def render(self, page: Page) -> RenderedPage:
        """Render one page in its language (reusing an earlier render of the same text and inputs)."""
        audience = str(page.meta.get("audience", "families"))
        if self.cache_dir is None:
            text = self.prepass(page.body, page.lang, stem=page.stem, audience=audience)
            return RenderedPage(page, text, self.to_html(text))
        if self._inputs is None:
            self._inputs = self.inputs_digest()
        key = hashlib.sha256(f"{self._inputs}\0{page.lang}\0{page.stem}\0{audience}\0{page.body}".encode()).hexdigest()
        cached = self.cache_dir / f"{key}.json"
        if cached.is_file():
            record = json.loads(cached.read_text(encoding="utf-8"))
            return RenderedPage(page, record["markdown"], record["html"])
        text = self.prepass(page.body, page.lang, stem=page.stem, audience=audience)
        rendered = RenderedPage(page, text, self.to_html(text))
        write_text_atomic(cached, json.dumps({"markdown": text, "html": rendered.html}))
        return rendered

    def render_all(self) -> dict[str, dict[str, RenderedPage]]:
        """Render every page in every language."""
        return {stem: {lang: self.render(page) for lang, page in by_lang.items()} for stem, by_lang in self.pack.pages.items()}
