"""Load the content tree: languages, pages with front matter, facts, sources, leaflets, organisation.

Loading only reads and parses; problems found while parsing (a malformed YAML file, a page
without front matter) are collected with their file and line, and checked later with the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import Field, field_validator
from pydantic.dataclasses import dataclass as model

from asipack.model.errors import Problems
from asipack.model.organisation import Organisation, load_organisation
from asipack.model.schema import MODEL_CONFIG, load_mapping, validate
from asipack.model.signs import SignRegistry, load_signs
from asipack.model.yamlio import read_yaml, split_front_matter

PAGE_SUFFIX = ".md"
NOT_PAGES = {"partials", "images"}  # folders under content/ that hold no pages
PHONE_PAGES_PER_PAGE = 8  # a phone edition's budget: this many of its pages for each page of the leaflet


@model(frozen=True, config=MODEL_CONFIG)
class Language:
    """A language the pack is published in; the first one is the default (content/languages.yml)."""

    code: str
    name: str
    locale: str = ""
    units: dict[str, str] = Field(default_factory=dict)  # fact unit -> its words, e.g. month: "{0} sasih" (where Babel has only symbols)
    line: int = 0  # where languages.yml lists it

    def __post_init__(self) -> None:
        if not self.locale:
            object.__setattr__(self, "locale", self.code)


@dataclass
class Page:
    """One page in one language: front matter, Markdown body, and where the body starts."""

    stem: str  # path under content/ without the .<lang>.md suffix, e.g. "families/expressing-storing"
    lang: str
    path: Path
    meta: dict[str, Any]
    body: str
    body_line: int  # line number in the file of the body's first line
    meta_lines: dict[str, int] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return str(self.meta.get("title", ""))


@model(config=MODEL_CONFIG)
class Fact:
    """A number a reader could act on, with its unit and source key (an entry of content/facts.yml)."""

    key: str
    value: int | float | list[int | float]
    unit: str
    source: str | None
    line: int
    decimals: int = Field(default=0, ge=0)
    note: str = ""

    @field_validator("value")
    @classmethod
    def a_range_has_two_ends(cls, value: Any) -> Any:
        if isinstance(value, list) and len(value) != 2:
            raise ValueError("a range is written [low, high]")
        return value


@model(frozen=True, config=MODEL_CONFIG)
class Source:
    """An entry of the bibliography (content/sources.yml) that facts, signs and pages cite by key."""

    key: str
    line: int
    title: str
    publisher: str
    year: int
    url: str | None = None
    used_for: str = ""
    number: str | None = None  # an official document's number, where its title does not carry it


@model(frozen=True, config=MODEL_CONFIG)
class Style:
    """The plain-language and WHO Code rules (content/style.yml)."""

    sentence_words: dict[str, int] = Field(default_factory=lambda: {"warning": 20, "error": 25})
    avoid: dict[str, dict[str, str] | None] = Field(default_factory=dict)  # language -> word -> what to write instead
    brands: list[str] = Field(default_factory=list)


@model(config=MODEL_CONFIG)
class Leaflet:
    """A catalogue entry: one printable leaflet built in every language (an entry of content/leaflets.yml)."""

    slug: str
    page: str
    audience: str
    format: str
    pages: int
    line: int
    contents: list[str] = Field(default_factory=list)  # an A5 booklet: the pages it holds, in order
    referrals: bool = False  # print the organisation's referral contacts
    docx: bool = False  # also offer the page as an editable Word document (a company's policy, a letter)
    phone: bool = False  # also write a phone edition (<slug>-phone.pdf): one column, large text, for WhatsApp

    @property
    def phone_pages(self) -> int:
        """Return the phone edition's page budget: a narrow page holds about a fifth of a side of A4."""
        return PHONE_PAGES_PER_PAGE * self.pages


@dataclass
class Pack:
    """Everything the build needs, loaded from one content tree."""

    root: Path  # the project directory
    content_dir: Path
    languages: list[Language]
    pages: dict[str, dict[str, Page]]  # stem -> lang -> page
    snippets: dict[str, dict[str, Page]]  # name -> lang -> snippet
    facts: dict[str, Fact]
    sources: dict[str, Source]
    leaflets: dict[str, Leaflet]
    organisation: Organisation
    organisation_path: Path
    problems: Problems
    signs: SignRegistry = field(default_factory=SignRegistry)

    @property
    def default_language(self) -> Language:
        return self.languages[0]

    def language(self, code: str) -> Language:
        return next(lang for lang in self.languages if lang.code == code)


def load_languages(content_dir: Path, problems: Problems) -> list[Language]:
    """Read content/languages.yml; the first language is the default."""
    path = content_dir / "languages.yml"
    data, lines = read_yaml(path, problems)
    if not isinstance(data, list) or not data:
        if data is not None:
            problems.error(path, 1, "languages.yml must be a list of languages, each with code and name (the default first)")
        return [Language("id", "Bahasa Indonesia", "id")]
    languages = [
        validate(
            Language,
            entry,
            path=path,
            lines=lines,
            at=(index,),
            problems=problems,
            what=f"language {index + 1}",
            given={"line": lines.of(index) or 1},
        )
        for index, entry in enumerate(data)
    ]
    return [language for language in languages if language is not None] or [Language("id", "Bahasa Indonesia", "id")]


def load_pages(directory: Path, languages: list[Language], problems: Problems) -> dict[str, dict[str, Page]]:
    """Read every <stem>.<lang>.md under a directory into stem -> lang -> Page."""
    codes = {lang.code for lang in languages}
    pages: dict[str, dict[str, Page]] = {}
    for path in sorted(directory.rglob(f"*{PAGE_SUFFIX}")):
        relative = path.relative_to(directory).as_posix()
        if relative.split("/")[0] in NOT_PAGES:
            continue
        name = relative[: -len(PAGE_SUFFIX)]
        stem, _, lang = name.rpartition(".")
        if not stem or lang not in codes:
            if path.name != "README.md":
                problems.error(path, None, f"a page file is named <page>.<language>.md with a language of {sorted(codes)}")
            continue
        text = path.read_text(encoding="utf-8")
        meta, meta_lines, body, body_line = split_front_matter(path, text, problems)
        pages.setdefault(stem, {})[lang] = Page(stem, lang, path, meta, body, body_line, meta_lines)
    return pages


def load_snippets(directory: Path, languages: list[Language], problems: Problems) -> dict[str, dict[str, Page]]:
    """Read shared Markdown snippets (no front matter) from content/partials/."""
    codes = {lang.code for lang in languages}
    snippets: dict[str, dict[str, Page]] = {}
    if not directory.is_dir():
        return snippets
    for path in sorted(directory.glob(f"*{PAGE_SUFFIX}")):
        stem, _, lang = path.name[: -len(PAGE_SUFFIX)].rpartition(".")
        if lang in codes:
            text = path.read_text(encoding="utf-8")
            snippets.setdefault(stem, {})[lang] = Page(stem, lang, path, {}, text, 1)
    return snippets


def load_facts(path: Path, problems: Problems) -> dict[str, Fact]:
    """Read facts.yml into Fact records that remember their line (a fact without a source is the checker's to explain)."""
    return load_mapping(
        Fact, path, problems, kind="fact", contents="fact keys to their value, unit and source", key_field="key", defaults={"source": None}
    )


def load_sources(path: Path, problems: Problems) -> dict[str, Source]:
    """Read the bibliography, each entry checked against the Source model."""
    return load_mapping(Source, path, problems, kind="source", contents="source keys to their title, publisher and year", key_field="key")


def load_style(path: Path, problems: Problems) -> Style:
    """Read content/style.yml (plain-language limits, words to avoid, brand names); none gives the defaults."""
    if not path.is_file():
        return Style()
    data, lines = read_yaml(path, problems)
    return validate(Style, data or {}, path=path, lines=lines, at=(), problems=problems, what="") or Style()


def load_leaflets(path: Path, problems: Problems) -> dict[str, Leaflet]:
    """Read the leaflet catalogue."""
    return load_mapping(
        Leaflet, path, problems, kind="leaflet", contents="leaflet names to their page, audience, format and pages", key_field="slug"
    )


def load_pack(root: Path, *, organisation_file: Path | None = None) -> Pack:
    """Load the whole content tree under root/content."""

    problems = Problems()
    content_dir = root / "content"
    languages = load_languages(content_dir, problems)
    pages = load_pages(content_dir, languages, problems)
    snippets = load_snippets(content_dir / "partials", languages, problems)
    facts = load_facts(content_dir / "facts.yml", problems)
    sources = load_sources(content_dir / "sources.yml", problems)
    leaflets = load_leaflets(content_dir / "leaflets.yml", problems)
    organisation_path = organisation_file or content_dir / "organisation.yml"
    organisation = load_organisation(organisation_path, problems)
    signs = load_signs(content_dir / "signs.yml", problems)
    return Pack(
        root=root,
        content_dir=content_dir,
        languages=languages,
        pages=pages,
        snippets=snippets,
        facts=facts,
        sources=sources,
        leaflets=leaflets,
        organisation=organisation,
        organisation_path=organisation_path,
        problems=problems,
        signs=signs,
    )
