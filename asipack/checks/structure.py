"""Check the pack's structure: languages, front matter, facts, pictures, leaflets, links, parity between twins."""

from __future__ import annotations

import datetime
import difflib
import posixpath
import re
from pathlib import Path

from markdown.extensions.toc import slugify

from asipack.model.errors import Problems
from asipack.model.pack import Pack, Page
from asipack.model.signs import LEVELS
from asipack.model.yamlio import as_date
from asipack.packs.plan import PLAN_FACTS
from asipack.render.formatting import UNITS
from asipack.render.help_cards import HAND_WRITTEN_CARD, sign_calls
from asipack.render.markdown import fact_calls, snippet_calls

REQUIRED_META = ("title", "audience", "summary", "last_checked", "next_review", "sources")


AUDIENCES = ("everyone", "families", "caregivers", "midwives", "employers")


IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)[^)]*\)")


def line_of(page: Page, offset: int) -> int:
    """Return the file line of a character offset in a page's body."""
    return page.body_line + page.body.count("\n", 0, offset)


def readable(pack: Pack, name: str) -> bool:
    """Tell whether a data file of content/ parsed; if not, its own error stands alone, without follow-on errors."""
    return pack.content_dir / name not in pack.problems.unreadable


def check_languages(pack: Pack, problems: Problems) -> None:
    """Every page exists in every language."""
    for stem, by_lang in pack.pages.items():
        for language in pack.languages:
            if language.code not in by_lang:
                some = next(iter(by_lang.values()))
                problems.error(
                    some.path,
                    None,
                    f"page '{stem}' has no {language.name} version: add content/{stem}.{language.code}.md",
                )
    for name, by_lang in pack.snippets.items():
        for language in pack.languages:
            if language.code not in by_lang:
                some = next(iter(by_lang.values()))
                problems.error(
                    some.path, None, f"snippet '{name}' has no {language.name} version: add content/partials/{name}.{language.code}.md"
                )


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
            checked, review = as_date(page.meta.get("last_checked")), as_date(page.meta.get("next_review"))
            if checked is not None and checked > today:
                problems.error(
                    page.path,
                    page.meta_lines.get("last_checked"),
                    f"last_checked {checked.isoformat()} is in the future: write the day the page was checked against its sources",
                )
            if checked is not None and review is not None and review <= checked:
                problems.error(
                    page.path,
                    page.meta_lines.get("next_review"),
                    f"next_review {review.isoformat()} is not after last_checked {checked.isoformat()}: set the next review later",
                )
            if review is not None and review < today:
                problems.warning(
                    page.path,
                    page.meta_lines.get("next_review"),
                    f"next_review {review.isoformat()} has passed: check the page against its sources and set a new date",
                )
            for key in page.meta.get("sources") or []:
                if key not in pack.sources and readable(pack, "sources.yml"):
                    problems.error(page.path, page.meta_lines.get("sources"), f"source '{key}' is not in content/sources.yml")


def check_facts(pack: Pack, problems: Problems) -> None:
    """Every fact has a known unit and source; every fact a page uses exists; unused facts warn."""
    facts_path = pack.content_dir / "facts.yml"
    for fact in pack.facts.values():
        if not fact.source:
            problems.error(facts_path, fact.line, f"fact '{fact.key}' has no source: add 'source:' with a key of sources.yml")
        elif fact.source not in pack.sources and readable(pack, "sources.yml"):
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
            if key not in pack.facts and readable(pack, "facts.yml"):
                problems.error(page.path, line, f"unknown fact '{key}': add it to content/facts.yml with its source, or fix the key")
        for name, line in snippet_calls(page.body, page.body_line):
            if name not in pack.snippets:
                problems.error(page.path, line, f"unknown snippet '{name}': add content/partials/{name}.<language>.md")
    used.update(facts_used_by_code(pack))
    for sign in pack.signs.signs.values():
        used.update(key for words in sign.words.values() for key, _ in fact_calls(words))
    for fact in pack.facts.values():
        if fact.key not in used:
            problems.warning(facts_path, fact.line, f"fact '{fact.key}' is used by no page: use it or remove it")


def check_signs(pack: Pack, problems: Problems) -> None:
    """Every sign is complete; help cards show signs by key only; every sign is shown somewhere."""
    path = pack.content_dir / "signs.yml"
    registry = pack.signs
    codes = [language.code for language in pack.languages]
    for level in LEVELS if path.is_file() else ():  # a pack without signs.yml shows no help cards
        families = registry.headings.get(level, {}).get("families", {})
        missing = [code for code in codes if not families.get(code)]
        if missing:
            problems.error(
                path,
                registry.line.get(level, 1),
                f"level '{level}' has no card heading for families in {', '.join(missing)}: add it under levels",
            )
    for sign in registry.signs.values():
        if not sign.source:
            problems.error(path, sign.line, f"sign '{sign.key}' has no source: add 'source:' with a key of sources.yml")
        elif sign.source not in pack.sources and readable(pack, "sources.yml"):
            problems.error(path, sign.line, f"sign '{sign.key}' cites '{sign.source}', which is not in content/sources.yml")
        for words in sign.words.values():
            for key, _ in fact_calls(words):
                if key not in pack.facts:
                    problems.error(
                        path, sign.line, f"sign '{sign.key}' uses unknown fact '{key}': add it to content/facts.yml, or fix the key"
                    )
        if sign.icon and not (pack.content_dir / "images" / sign.icon).is_file():
            problems.error(path, sign.line, f"sign '{sign.key}' shows picture '{sign.icon}', which is not in content/images/")

    for code in codes:  # one message per language, so a new language is told once, with the count
        wordless = [sign for sign in registry.signs.values() if not sign.words.get(code)]
        if wordless:
            first = ", ".join(sign.key for sign in wordless[:3]) + (", …" if len(wordless) > 3 else "")
            problems.error(
                path,
                wordless[0].line,
                f"{len(wordless)} sign(s) have no {pack.language(code).name} words ({first}): add '{code}:' to each",
            )
        pictures = sorted({sign.icon for sign in registry.signs.values() if sign.icon})
        no_alt = [picture for picture in pictures if not registry.icon_alt.get(picture, {}).get(code)]
        if no_alt:
            problems.error(
                path,
                registry.line.get("icons", 1),
                f"picture(s) {', '.join(no_alt)} have no {pack.language(code).name} alt text: add '{code}:' to each under icons",
            )
    shown: set[str] = set()
    for page in all_texts(pack):
        for match in HAND_WRITTEN_CARD.finditer(page.body):
            problems.error(
                page.path,
                line_of(page, match.start()),
                'a help card written by hand: show signs with {{ help_cards("...") }} using keys from content/signs.yml',
            )
        for key, line in sign_calls(page.body, page.body_line):
            shown.add(key)
            if key not in registry.signs and readable(pack, "signs.yml"):
                nearest = difflib.get_close_matches(key, list(registry.signs), n=1)
                hint = f"did you mean '{nearest[0]}'?" if nearest else "add it to content/signs.yml"
                problems.error(page.path, line, f"unknown sign '{key}': {hint}")
    for sign in registry.signs.values():
        if sign.key not in shown:
            problems.warning(path, sign.line, f"sign '{sign.key}' is shown on no page: show it in a help card or remove it")


def facts_used_by_code(pack: Pack) -> set[str]:
    """Return the facts the leaflet templates and the personal packs use (not only pages do)."""

    used = set(PLAN_FACTS)
    for template in (pack.root / "templates" / "leaflets").glob("*.j2"):
        used.update(key for key, _ in fact_calls(template.read_text(encoding="utf-8")))
    return used


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
            problems.error(
                catalogue, leaflet.line, f"leaflet '{leaflet.slug}' has format '{leaflet.format}', which has no template {template.name}"
            )
        for stem in leaflet.contents:
            if stem not in pack.pages:
                problems.error(
                    catalogue, leaflet.line, f"leaflet '{leaflet.slug}' lists page '{stem}' in its contents, which does not exist"
                )
        if leaflet.pages < 1:
            problems.error(catalogue, leaflet.line, f"leaflet '{leaflet.slug}' needs a page budget of at least 1")


HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*(?:\{[^}]*\})?\s*$", re.MULTILINE)


PICTURE_FILE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)")


PAGE_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+?\.md)(#[^)\s]*)?\)")


EXPLICIT_ID = re.compile(r"\{[^}]*#([\w-]+)[^}]*\}")


def parity_signature(page: Page) -> dict[str, list]:
    """Return what must be the same in every language of a page."""
    body = page.body
    return {
        "facts": sorted({key for key, _ in fact_calls(body)}),
        "snippets": sorted({name for name, _ in snippet_calls(body)}),
        "pictures": sorted(Path(src).name for src in PICTURE_FILE.findall(body)),
        "signs": [key for key, _ in sign_calls(body)],
        "headings": [len(m.group(1)) for m in HEADING.finditer(strip_code(body))],
        "links": sorted(link for link, _ in PAGE_LINK.findall(body)),
    }


def check_parity(pack: Pack, problems: Problems) -> None:
    """Every language of a page uses the same facts, pictures, help levels, links and headings."""
    default = pack.default_language.code
    for by_lang in list(pack.pages.values()) + list(pack.snippets.values()):
        if default not in by_lang:
            continue
        reference = parity_signature(by_lang[default])
        for lang, page in by_lang.items():
            if lang == default:
                continue
            signature = parity_signature(page)
            for what, expected in reference.items():
                if signature[what] != expected:
                    if what == "headings":
                        detail = f"{len(signature[what])} headings here, {len(expected)} in {by_lang[default].path.name}"
                    else:
                        detail = f"here {signature[what]}, in {by_lang[default].path.name} {expected}"
                    problems.error(page.path, None, f"the {what} differ from the {pack.language(default).name} version: {detail}")


def strip_code(text: str) -> str:
    """Remove fenced code blocks, which hold no prose."""
    return re.sub(r"```.*?```", "", text, flags=re.DOTALL)


def anchors_of(page: Page) -> set[str]:
    """Return the anchors a page's headings get (as the toc extension makes them), plus explicit ids."""

    anchors = set()
    for match in HEADING.finditer(strip_code(page.body)):
        title = re.sub(r"\{\{.*?\}\}|[*_`]", "", match.group(2))
        anchors.add(slugify(title, "-"))
    anchors.update(EXPLICIT_ID.findall(page.body))
    return anchors


def check_links(pack: Pack, problems: Problems) -> None:
    """Links between pages point at pages and anchors that exist, in the same language."""

    for by_lang in pack.pages.values():
        for page in by_lang.values():
            folder = posixpath.dirname(page.stem)
            for match in PAGE_LINK.finditer(page.body):
                link, anchor = match.group(1), (match.group(2) or "")[1:]
                stem = posixpath.normpath(posixpath.join(folder, link[: -len(".md")]))
                line = line_of(page, match.start())
                target = pack.pages.get(stem, {}).get(page.lang)
                if target is None:
                    problems.error(page.path, line, f"link to '{link}' finds no page content/{stem}.{page.lang}.md")
                elif anchor and anchor not in anchors_of(target):
                    problems.error(page.path, line, f"link to '{link}#{anchor}': that page has no heading with this anchor")
