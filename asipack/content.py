"""Load the content tree: languages, pages with front matter, facts, sources, leaflets, organisation.

Loading only reads and parses; problems found while parsing (a malformed YAML file, a page
without front matter) are collected with their file and line, and checked later with the rest.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import Problems
from .signs import SignRegistry, load_signs

YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: the same result, faster
PAGE_SUFFIX = ".md"
NOT_PAGES = {"partials", "images"}  # folders under content/ that hold no pages


@dataclass(frozen=True)
class Language:
    """A language the pack is published in; the first one is the default."""

    code: str
    name: str
    locale: str


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


@dataclass
class Fact:
    """A number a reader could act on, with its unit and source key."""

    key: str
    value: float | int | list
    unit: str
    source: str | None
    line: int
    decimals: int = 0
    note: str = ""


@dataclass
class Leaflet:
    """A catalogue entry: one printable leaflet built in every language."""

    slug: str
    page: str
    audience: str
    format: str
    pages: int
    line: int
    options: dict[str, Any] = field(default_factory=dict)


@dataclass
class Pack:
    """Everything the build needs, loaded from one content tree."""

    root: Path  # the project directory
    content_dir: Path
    languages: list[Language]
    pages: dict[str, dict[str, Page]]  # stem -> lang -> page
    snippets: dict[str, dict[str, Page]]  # name -> lang -> snippet
    facts: dict[str, Fact]
    sources: dict[str, dict[str, Any]]
    source_lines: dict[str, int]
    leaflets: dict[str, Leaflet]
    organisation: dict[str, Any]
    organisation_path: Path
    problems: Problems
    signs: SignRegistry = field(default_factory=SignRegistry)

    @property
    def default_language(self) -> Language:
        return self.languages[0]

    def language(self, code: str) -> Language:
        return next(lang for lang in self.languages if lang.code == code)


def read_yaml(path: Path, problems: Problems) -> tuple[Any, dict[str, int]]:
    """Read a YAML file; return its data and the line of each top-level key.

    A malformed file is recorded as an error naming its line, and gives (None, {}).
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.error(path, None, "file not found")
        return None, {}
    try:
        node = yaml.compose(text, Loader=YAML_LOADER)
        data = yaml.load(text, Loader=YAML_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        reason = getattr(exc, "problem", None) or str(exc)
        problems.error(path, line, f"this is not valid YAML ({reason}); check the indentation and quotes")
        return None, {}
    lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, _ in node.value:
            key = str(key_node.value)
            if key in lines:
                problems.error(path, key_node.start_mark.line + 1,
                               f"'{key}' is defined twice (first on line {lines[key]}); keep one")
            lines.setdefault(key, key_node.start_mark.line + 1)
    return data, lines


def split_front_matter(path: Path, text: str, problems: Problems) -> tuple[dict, dict[str, int], str, int]:
    """Split a page into front matter, the line of each front-matter key, body and body line."""
    if not text.startswith("---\n"):
        problems.error(path, 1, "a page must start with front matter between two '---' lines")
        return {}, {}, text, 1
    end = text.find("\n---\n", 4)
    if end == -1:
        problems.error(path, 1, "the front matter has no closing '---' line")
        return {}, {}, text, 1
    raw = text[4:end]
    body = text[end + 5 :]
    body_line = raw.count("\n") + 4
    try:
        node = yaml.compose(raw, Loader=YAML_LOADER)
        meta = yaml.load(raw, Loader=YAML_LOADER) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problems.error(path, (mark.line + 2) if mark else 1, "the front matter is not valid YAML")
        return {}, {}, body, body_line
    if not isinstance(meta, dict):
        problems.error(path, 2, "the front matter must be a mapping of keys to values")
        return {}, {}, body, body_line
    meta_lines = {}
    if isinstance(node, yaml.MappingNode):
        meta_lines = {str(k.value): k.start_mark.line + 2 for k, _ in node.value}
    return meta, meta_lines, body, body_line


def load_languages(content_dir: Path, problems: Problems) -> list[Language]:
    """Read content/languages.yml; the first language is the default."""
    data, _ = read_yaml(content_dir / "languages.yml", problems)
    if not data:
        return [Language("id", "Bahasa Indonesia", "id")]
    return [Language(str(d["code"]), str(d["name"]), str(d.get("locale", d["code"]))) for d in data]


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
    """Read facts.yml into Fact records that remember their line."""
    data, lines = read_yaml(path, problems)
    facts: dict[str, Fact] = {}
    if data is None:
        return facts
    if not isinstance(data, dict):
        problems.error(path, 1, "facts.yml must be a mapping of fact keys to their value, unit and source")
        return facts
    for key, entry in data.items():
        line = lines.get(str(key), 1)
        if not isinstance(entry, dict) or "value" not in entry or "unit" not in entry:
            problems.error(path, line, f"fact '{key}' needs at least 'value', 'unit' and 'source'")
            continue
        facts[str(key)] = Fact(
            key=str(key),
            value=entry["value"],
            unit=str(entry["unit"]),
            source=entry.get("source"),
            line=line,
            decimals=int(entry.get("decimals", 0)),
            note=str(entry.get("note", "")),
        )
    return facts


def load_leaflets(path: Path, problems: Problems) -> dict[str, Leaflet]:
    """Read the leaflet catalogue."""
    data, lines = read_yaml(path, problems)
    leaflets: dict[str, Leaflet] = {}
    for slug, entry in (data or {}).items():
        line = lines.get(str(slug), 1)
        missing = [k for k in ("page", "audience", "format", "pages") if k not in (entry or {})]
        if missing:
            problems.error(path, line, f"leaflet '{slug}' is missing {', '.join(missing)}")
            continue
        options = {k: v for k, v in entry.items() if k not in ("page", "audience", "format", "pages")}
        leaflets[str(slug)] = Leaflet(
            str(slug), str(entry["page"]), str(entry["audience"]), str(entry["format"]), int(entry["pages"]), line, options
        )
    return leaflets


def load_pack(root: Path, *, organisation_file: Path | None = None) -> Pack:
    """Load the whole content tree under root/content."""
    from .organisation import load_organisation

    problems = Problems()
    content_dir = root / "content"
    languages = load_languages(content_dir, problems)
    pages = load_pages(content_dir, languages, problems)
    snippets = load_snippets(content_dir / "partials", languages, problems)
    facts = load_facts(content_dir / "facts.yml", problems)
    sources, source_lines = read_yaml(content_dir / "sources.yml", problems)
    leaflets = load_leaflets(content_dir / "leaflets.yml", problems)
    organisation_path = organisation_file or content_dir / "organisation.yml"
    organisation = load_organisation(organisation_path, problems)
    signs = load_signs(content_dir / "signs.yml", problems, read_yaml)
    return Pack(
        root=root,
        content_dir=content_dir,
        languages=languages,
        pages=pages,
        snippets=snippets,
        facts=facts,
        sources=sources or {},
        source_lines=source_lines,
        leaflets=leaflets,
        organisation=organisation,
        organisation_path=organisation_path,
        problems=problems,
        signs=signs,
    )


def as_date(value: Any) -> datetime.date | None:
    """Return a front-matter date as a date, or None if it is not one."""
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        return None
