"""Check the words: plain-language limits, words to avoid, and no formula, bottle or teat brand (WHO Code)."""

from __future__ import annotations

import re

from asipack.checks.structure import all_texts, line_of, strip_code
from asipack.model.errors import Problems
from asipack.model.pack import Pack, Page, Style


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


def check_plain_language(pack: Pack, problems: Problems, style: Style) -> None:
    """Sentences stay short and avoid the words the style guide names, in every language."""
    limits = style.sentence_words
    avoid = style.avoid
    for page in all_texts(pack):
        words_to_avoid = avoid.get(page.lang, {}) or {}
        for line, text in prose_lines(page):
            for sentence in sentences(text):
                count = len(re.findall(r"[\w\u00C0-\u024F'’–-]+", sentence))
                if count > limits["error"]:
                    problems.error(
                        page.path, line, f'a sentence of {count} words (limit {limits["error"]}): split it: "{shorten(sentence)}"'
                    )
                elif count > limits["warning"]:
                    problems.warning(
                        page.path, line, f'a sentence of {count} words (aim for {limits["warning"]} or fewer): "{shorten(sentence)}"'
                    )
            for word, instead in words_to_avoid.items():
                if re.search(rf"(?<![\w]){re.escape(word)}(?![\w])", text, flags=re.IGNORECASE):
                    problems.warning(page.path, line, f'avoid "{word}": {instead}')


def shorten(sentence: str, limit: int = 60) -> str:
    """Return the start of a sentence, for a message."""
    return sentence if len(sentence) <= limit else sentence[:limit].rstrip() + "…"


def brand_pattern(brands: list[str]) -> re.Pattern | None:
    """Match any listed brand as a whole word, in any case and common spellings: 'S-26', 's26', 'S 26', 'Dr Browns'."""
    if not brands:
        return None
    spellings = []
    for brand in brands:
        parts = re.findall(r"[^\W\d_]+|\d+", brand)  # the letters and the digits, whatever joins them
        spellings.append(r"[\s\-'’.]*".join(re.escape(part) for part in parts))
    return re.compile(rf"(?<![\w])(?:{'|'.join(spellings)})(?![\w])", flags=re.IGNORECASE)


def check_who_code(pack: Pack, problems: Problems, style: Style) -> None:
    """No formula, bottle or teat brand appears in any page, snippet, source or fact note."""
    pattern = brand_pattern(style.brands)
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
