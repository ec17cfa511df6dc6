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
from .signs import ABOUT, HAND_WRITTEN_CARD, LEVELS, sign_calls

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
    used.update(facts_used_by_code(pack))
    for sign in pack.signs.signs.values():
        used.update(key for words in sign.words.values() for key, _ in fact_calls(words))
    for fact in pack.facts.values():
        if fact.key not in used:
            problems.warning(facts_path, fact.line, f"fact '{fact.key}' is used by no page: use it or remove it")


def check_signs(pack: Pack, problems: Problems) -> None:
    """Every sign is complete; help cards show signs by key only; every sign is shown somewhere."""
    import difflib

    path = pack.content_dir / "signs.yml"
    registry = pack.signs
    codes = [language.code for language in pack.languages]
    for level in LEVELS:
        families = registry.headings.get(level, {}).get("families", {})
        missing = [code for code in codes if not families.get(code)]
        if missing:
            problems.error(path, registry.line.get(level, 1),
                           f"level '{level}' has no card heading for families in {', '.join(missing)}: add it under levels")
    for sign in registry.signs.values():
        if sign.about not in ABOUT:
            problems.error(path, sign.line, f"sign '{sign.key}' is about '{sign.about}'; use one of {', '.join(ABOUT)}")
        if sign.level not in LEVELS:
            problems.error(path, sign.line, f"sign '{sign.key}' has level '{sign.level}'; use one of {', '.join(LEVELS)}")
        if not sign.source:
            problems.error(path, sign.line, f"sign '{sign.key}' has no source: add 'source:' with a key of sources.yml")
        elif sign.source not in pack.sources:
            problems.error(path, sign.line, f"sign '{sign.key}' cites '{sign.source}', which is not in content/sources.yml")
        for code in codes:
            if not sign.words.get(code):
                problems.error(path, sign.line, f"sign '{sign.key}' has no {pack.language(code).name} words: add '{code}:'")
        for words in sign.words.values():
            for key, _ in fact_calls(words):
                if key not in pack.facts:
                    problems.error(path, sign.line, f"sign '{sign.key}' uses unknown fact '{key}': add it to content/facts.yml, or fix the key")
        if sign.icon and not (pack.content_dir / "images" / sign.icon).is_file():
            problems.error(path, sign.line, f"sign '{sign.key}' shows picture '{sign.icon}', which is not in content/images/")
        if sign.icon:
            alt = registry.icon_alt.get(sign.icon, {})
            for code in codes:
                if not alt.get(code):
                    problems.error(path, sign.line, f"sign '{sign.key}' shows picture '{sign.icon}', which has no {pack.language(code).name} alt text: add it under icons")
    shown: set[str] = set()
    for page in all_texts(pack):
        for match in HAND_WRITTEN_CARD.finditer(page.body):
            problems.error(page.path, line_of(page, match.start()),
                           "a help card written by hand: show signs with {{ help_cards(\"...\") }} using keys from content/signs.yml")
        for key, line in sign_calls(page.body, page.body_line):
            shown.add(key)
            if key not in registry.signs:
                nearest = difflib.get_close_matches(key, list(registry.signs), n=1)
                hint = f"did you mean '{nearest[0]}'?" if nearest else "add it to content/signs.yml"
                problems.error(page.path, line, f"unknown sign '{key}': {hint}")
    for sign in registry.signs.values():
        if sign.key not in shown:
            problems.warning(path, sign.line, f"sign '{sign.key}' is shown on no page: show it in a help card or remove it")


def facts_used_by_code(pack: Pack) -> set[str]:
    """Return the facts the leaflet templates and the personal packs use (not only pages do)."""
    from .personal import PLAN_FACTS

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
            problems.error(catalogue, leaflet.line, f"leaflet '{leaflet.slug}' has format '{leaflet.format}', which has no template {template.name}")
        for stem in leaflet.options.get("contents", []):
            if stem not in pack.pages:
                problems.error(catalogue, leaflet.line, f"leaflet '{leaflet.slug}' lists page '{stem}' in its contents, which does not exist")
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
    check_signs(pack, problems)
    check_images(pack, problems)
    check_leaflets(pack, problems)
    check_catalogs(pack, problems)
    check_catalog_template(pack, problems)
    check_parity(pack, problems)
    check_links(pack, problems)
    check_svgs(pack, problems)
    style = load_style(pack, problems)
    check_plain_language(pack, problems, style)
    check_who_code(pack, problems, style)
    return problems


# --- Parity, plain language, WHO Code, pictures, links, catalogs (quality gates) -------------

HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*(?:\{[^}]*\})?\s*$", re.MULTILINE)
PICTURE_FILE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)")
PAGE_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+?\.md)(#[^)\s]*)?\)")
EXPLICIT_ID = re.compile(r"\{[^}]*#([\w-]+)[^}]*\}")
SVG_ALLOWED_FILTERS = {"feOffset", "feBlend"}


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


def prose_lines(page: Page) -> list[tuple[int, str]]:
    """Return the prose of a page as (line, text) pieces: headings, paragraphs, list items, table cells."""
    pieces = []
    body = strip_code(page.body)
    body = re.sub(r"\{\{.*?\}\}", "7", body)  # a fact reads as one word
    body = re.sub(r"\{%.*?%\}", "", body)
    paragraph: list[str] = []
    start = 0
    for number, raw in enumerate(body.split("\n"), start=page.body_line):
        line = raw.strip()
        if line.startswith("<"):
            # a line of raw HTML (a table, a figure): each piece of text between tags stands alone
            if paragraph:
                pieces.append((start, " ".join(paragraph)))
                paragraph = []
            pieces += [(number, chunk.strip()) for chunk in re.split(r"<[^>]+>", line) if chunk.strip()]
            continue
        line = re.sub(r"<[^>]+>", " ", line)
        line = re.sub(r"!\[([^\]]*)\]\([^)]*\)(\{[^}]*\})?", "", line)  # alt text is not a sentence of the page
        line = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line)
        line = re.sub(r"\{[:#.][^}]*\}|\{ [.#][^}]*\}", "", line)
        starts_block = not line or re.match(r"^(#+|[-*+]|\d+\.|\||!!!|:)\s*", line)
        if starts_block and paragraph:
            pieces.append((start, " ".join(paragraph)))
            paragraph = []
        if not line:
            continue
        if line.startswith("|"):
            if not re.fullmatch(r"[|:\-\s]+", line):
                pieces += [(number, cell.strip()) for cell in line.strip("|").split("|")]
            continue
        if line.startswith("!!!"):
            title = re.search(r'"([^"]*)"', line)
            if title:
                pieces.append((number, title.group(1)))
            continue
        text = re.sub(r"^(#+|[-*+]|\d+\.|:)\s*", "", line)
        if not paragraph:
            start = number
        paragraph.append(text)
    if paragraph:
        pieces.append((start, " ".join(paragraph)))
    return pieces


def sentences(text: str) -> list[str]:
    """Split prose into sentences at . ! ? followed by a space and a capital or digit."""
    text = re.sub(r"\b(e\.g|i\.e|dr|Dr|No|no|Jl|dll|dsb|mis|St|vs)\.", r"\1", text)
    return [s for s in re.split(r"(?<=[.!?:;])[*_)\"']*\s+(?=[\"'(*_]*[A-Z0-9])", text) if s.strip()]


def load_style(pack: Pack, problems: Problems) -> dict:
    """Read content/style.yml (plain-language limits, words to avoid, brand names)."""
    from .content import read_yaml

    path = pack.content_dir / "style.yml"
    if not path.is_file():
        return {}
    data, _ = read_yaml(path, problems)
    return data or {}


def check_plain_language(pack: Pack, problems: Problems, style: dict) -> None:
    """Sentences stay short and avoid the words the style guide names, in every language."""
    limits = style.get("sentence_words", {"warning": 20, "error": 25})
    avoid = style.get("avoid", {})
    for page in all_texts(pack):
        words_to_avoid = avoid.get(page.lang, {}) or {}
        for line, text in prose_lines(page):
            for sentence in sentences(text):
                count = len(re.findall(r"[\w\u00C0-\u024F'’–-]+", sentence))
                if count > limits["error"]:
                    problems.error(page.path, line, f"a sentence of {count} words (limit {limits['error']}): split it: \"{shorten(sentence)}\"")
                elif count > limits["warning"]:
                    problems.warning(page.path, line, f"a sentence of {count} words (aim for {limits['warning']} or fewer): \"{shorten(sentence)}\"")
            for word, instead in words_to_avoid.items():
                if re.search(rf"(?<![\w]){re.escape(word)}(?![\w])", text, flags=re.IGNORECASE):
                    problems.warning(page.path, line, f"avoid \"{word}\": {instead}")


def shorten(sentence: str, limit: int = 60) -> str:
    """Return the start of a sentence, for a message."""
    return sentence if len(sentence) <= limit else sentence[:limit].rstrip() + "…"


def brand_pattern(brands: list[str]) -> re.Pattern | None:
    """Match any listed brand as a whole word: all-capital names exactly, others in any case."""
    if not brands:
        return None
    exact = [re.escape(b) for b in brands if b.isupper()]
    folded = [re.escape(b) for b in brands if not b.isupper()]
    parts = []
    if exact:
        parts.append(rf"(?<![\w])(?:{'|'.join(exact)})(?![\w])")
    if folded:
        parts.append(rf"(?i:(?<![\w])(?:{'|'.join(folded)})(?![\w]))")
    return re.compile("|".join(parts))


def check_who_code(pack: Pack, problems: Problems, style: dict) -> None:
    """No formula, bottle or teat brand appears in any page, snippet, source or fact note."""
    pattern = brand_pattern(style.get("brands") or [])
    if pattern is None:
        return
    message = "names the brand '{}': the WHO Code allows no formula, bottle or teat brand; remove it"
    for page in all_texts(pack):
        for match in pattern.finditer(page.body):
            problems.error(page.path, line_of(page, match.start()), message.format(match.group(0)))
        for key, value in page.meta.items():
            for match in pattern.finditer(str(value)):
                problems.error(page.path, page.meta_lines.get(key), message.format(match.group(0)))
    for name in ("sources.yml", "facts.yml", "organisation.yml", "leaflets.yml"):
        path = pack.content_dir / name
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            for match in pattern.finditer(text):
                problems.error(path, text.count("\n", 0, match.start()) + 1, message.format(match.group(0)))


def check_svgs(pack: Pack, problems: Problems) -> None:
    """Pictures use no SVG feature that WeasyPrint drops, nor anything loaded from elsewhere."""
    images = pack.content_dir / "images"
    for path in sorted(images.glob("*.svg")) if images.is_dir() else []:
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"<(fe\w+|foreignObject)\b", text):
            element = match.group(1)
            if element not in SVG_ALLOWED_FILTERS:
                problems.error(path, text.count("\n", 0, match.start()) + 1,
                               f"<{element}> is dropped by WeasyPrint in the leaflets: draw it with plain shapes")
        for match in re.finditer(r"""(?:href|src)\s*=\s*["'](https?:)?//""", text):
            problems.error(path, text.count("\n", 0, match.start()) + 1, "the picture loads something from another host")


def anchors_of(page: Page) -> set[str]:
    """Return the anchors a page's headings get (as the toc extension makes them), plus explicit ids."""
    from markdown.extensions.toc import slugify

    anchors = set()
    for match in HEADING.finditer(strip_code(page.body)):
        title = re.sub(r"\{\{.*?\}\}|[*_`]", "", match.group(2))
        anchors.add(slugify(title, "-"))
    anchors.update(EXPLICIT_ID.findall(page.body))
    return anchors


def check_links(pack: Pack, problems: Problems) -> None:
    """Links between pages point at pages and anchors that exist, in the same language."""
    import posixpath

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


def check_catalog_template(pack: Pack, problems: Problems) -> None:
    """translations/messages.pot holds exactly the strings the templates and code use."""
    from babel.messages.extract import extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg
    from babel.messages.pofile import read_po

    from .cache import cache_directory, files_digest

    pot = pack.root / "translations" / "messages.pot"
    config = pack.root / "babel.cfg"
    if not pot.is_file() or not config.is_file():
        problems.error(pot, None, "translations/messages.pot or babel.cfg is missing")
        return
    # extracting every string is the slow part of the checker: remember inputs that passed
    inputs = [pack.root / "asipack", pack.root / "templates", config, pack.root / "translations"]
    passed = cache_directory(pack.root) / "catalogs-current" / files_digest(inputs, pack.root)
    if passed.is_file():
        return
    before = len(problems.items)
    with config.open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2)}
    used = set()
    for _, _, message, _, _ in extract_from_dir(str(pack.root), method_map, options_map, keywords=keywords):
        used.add(message if isinstance(message, str) else message[0])
    with pot.open("rb") as handle:
        listed = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    update = "run the pybabel extract and update commands in the README"
    for text in sorted(used - listed):
        problems.error(pot, None, f"'{text}' is used in a template but missing from messages.pot: {update}")
    for text in sorted(listed - used):
        problems.error(pot, None, f"'{text}' is in messages.pot but no template uses it: {update}")
    for language in pack.languages:
        from .i18n import catalog_path

        path = catalog_path(pack.root, language.code)
        if not path.is_file():
            continue
        with path.open("rb") as handle:
            translated = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle, locale=language.code) if m.id}
        for text in sorted(listed - translated):
            problems.error(path, None, f"'{text}' is missing from the {language.name} catalog: {update}")
    if len(problems.items) == before:
        passed.parent.mkdir(parents=True, exist_ok=True)
        passed.touch()
