"""Check the whole pack before anything is written, and report every problem at once.

Each check takes the loaded pack and records problems with the file and line to fix.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

from .content import Pack, Page, as_date
from .errors import Problems
from .facts import UNITS
from .render import fact_calls, snippet_calls

REQUIRED_META = ("title", "audience", "summary", "last_checked", "next_review", "sources")
AUDIENCES = ("everyone", "families", "caregivers", "midwives", "employers")
IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)[^)]*\)")
HTML_IMAGE = re.compile(r"<img\b[^>]*>")


def line_of(page: Page, offset: int) -> int:
    """Return the file line of a character offset in a page's body."""
    return page.body_line + page.body.count("\n", 0, offset)


def check_languages(pack: Pack, problems: Problems) -> None:
    """Every page exists in every language."""
    for stem, by_lang in pack.pages.items():
        for language in pack.languages:
            if language.code not in by_lang:
                some = next(iter(by_lang.values()))
                problems.error(
                    some.path, None,
                    f"page '{stem}' has no {language.name} version: add content/{stem}.{language.code}.md",
                )
    for name, by_lang in pack.snippets.items():
        for language in pack.languages:
            if language.code not in by_lang:
                some = next(iter(by_lang.values()))
                problems.error(some.path, None, f"snippet '{name}' has no {language.name} version: add content/partials/{name}.{language.code}.md")


def check_front_matter(pack: Pack, problems: Problems, today: datetime.date) -> None:
    """Every page has the front matter a leaflet prints, with dates that are dates."""
    for by_lang in pack.pages.values():
        for page in by_lang.values():
            for key in REQUIRED_META:
                if key not in page.meta:
                    problems.error(page.path, 1, f"front matter has no '{key}'")
            audience = page.meta.get("audience")
            if audience is not None and audience not in AUDIENCES:
                problems.error(page.path, page.meta_lines.get("audience"), f"audience '{audience}' is not one of {', '.join(AUDIENCES)}")
            for key in ("last_checked", "next_review"):
                if key in page.meta and as_date(page.meta[key]) is None:
                    problems.error(page.path, page.meta_lines.get(key), f"'{key}' must be a date written YYYY-MM-DD")
            review = as_date(page.meta.get("next_review"))
            if review is not None and review < today:
                problems.warning(page.path, page.meta_lines.get("next_review"),
                                 f"next_review {review.isoformat()} has passed: check the page against its sources and set a new date")
            for key in page.meta.get("sources") or []:
                if key not in pack.sources:
                    problems.error(page.path, page.meta_lines.get("sources"), f"source '{key}' is not in content/sources.yml")


def check_facts(pack: Pack, problems: Problems) -> None:
    """Every fact has a known unit and source; every fact a page uses exists; unused facts warn."""
    facts_path = pack.content_dir / "facts.yml"
    for fact in pack.facts.values():
        if not fact.source:
            problems.error(facts_path, fact.line, f"fact '{fact.key}' has no source: add 'source:' with a key of sources.yml")
        elif fact.source not in pack.sources:
            problems.error(facts_path, fact.line, f"fact '{fact.key}' cites '{fact.source}', which is not in content/sources.yml")
        if fact.unit not in UNITS:
            problems.error(facts_path, fact.line, f"fact '{fact.key}' has unit '{fact.unit}'; use one of {', '.join(UNITS)}")
        values = fact.value if isinstance(fact.value, list) else [fact.value]
        if not values or not all(isinstance(v, (int, float)) for v in values):
            problems.error(facts_path, fact.line, f"fact '{fact.key}' needs a number or a [low, high] range as its value")
    used: set[str] = set()
    for page in all_texts(pack):
        for key, line in fact_calls(page.body, page.body_line):
            used.add(key)
            if key not in pack.facts:
                problems.error(page.path, line, f"unknown fact '{key}': add it to content/facts.yml with its source, or fix the key")
        for name, line in snippet_calls(page.body, page.body_line):
            if name not in pack.snippets:
                problems.error(page.path, line, f"unknown snippet '{name}': add content/partials/{name}.<language>.md")
    for fact in pack.facts.values():
        if fact.key not in used:
            problems.warning(facts_path, fact.line, f"fact '{fact.key}' is used by no page: use it or remove it")


def all_texts(pack: Pack) -> list[Page]:
    """Return every page and snippet in every language."""
    texts = [page for by_lang in pack.pages.values() for page in by_lang.values()]
    texts += [snippet for by_lang in pack.snippets.values() for snippet in by_lang.values()]
    return texts


def check_images(pack: Pack, problems: Problems) -> None:
    """Every picture a page shows exists and has alt text."""
    for page in all_texts(pack):
        for match in IMAGE.finditer(page.body):
            alt, src = match.group(1).strip(), match.group(2)
            line = line_of(page, match.start())
            if not alt:
                problems.error(page.path, line, f"picture '{src}' has no alt text: describe what it shows, in this page's language")
            if "://" in src:
                problems.error(page.path, line, f"picture '{src}' loads from another host; put the file in content/images/")
                continue
            if not (page.path.parent / src).resolve().is_file():
                problems.error(page.path, line, f"picture '{src}' does not exist")


def check_leaflets(pack: Pack, problems: Problems) -> None:
    """Every leaflet names a page that exists and a format that has a template."""
    catalogue = pack.content_dir / "leaflets.yml"
    for leaflet in pack.leaflets.values():
        if leaflet.page not in pack.pages:
            problems.error(catalogue, leaflet.line, f"leaflet '{leaflet.slug}' names page '{leaflet.page}', which does not exist")
        template = pack.root / "templates" / "leaflets" / f"{leaflet.format}.html.j2"
        if not template.is_file():
            problems.error(catalogue, leaflet.line, f"leaflet '{leaflet.slug}' has format '{leaflet.format}', which has no template {template.name}")
        if leaflet.pages < 1:
            problems.error(catalogue, leaflet.line, f"leaflet '{leaflet.slug}' needs a page budget of at least 1")


def check_catalogs(pack: Pack, problems: Problems) -> None:
    """Every template string is translated, and not fuzzy, in every language's catalog."""
    from babel.messages.pofile import read_po

    from .i18n import catalog_path

    for language in pack.languages:
        path = catalog_path(pack.root, language.code)
        if not path.is_file():
            problems.error(path, None, f"no catalog for {language.name}: run pybabel init -i translations/messages.pot -d translations -l {language.code}")
            continue
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=language.code)
        for message in catalog:
            if not message.id:
                continue
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if message.fuzzy:
                problems.error(path, message.lineno, f"translation of '{message.id}' is marked fuzzy: check it, then remove the fuzzy flag")
            elif not all(strings):
                problems.error(path, message.lineno, f"'{message.id if isinstance(message.id, str) else message.id[0]}' has no {language.name} translation")


def check_pack(pack: Pack, *, today: datetime.date | None = None) -> Problems:
    """Run every check on a loaded pack and return all problems found, loading problems first."""
    today = today or datetime.date.today()
    problems = Problems()
    problems.extend(pack.problems)
    check_languages(pack, problems)
    check_front_matter(pack, problems, today)
    check_facts(pack, problems)
    check_images(pack, problems)
    check_leaflets(pack, problems)
    check_catalogs(pack, problems)
    return problems
