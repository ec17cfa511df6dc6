"""Danger signs from one registry: every sign once, with its level, so no two pages disagree.

content/signs.yml holds each sign with who it is about (mother or baby), its level (routine,
today, now), its words in every language and its source. A page shows signs by key with
`{{ help_cards("baby.floppy", ...) }}`; the registry decides the level and the words, and
the cards are written as the pack's three help admonitions, in the order routine, today, now.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .errors import Problems

LEVELS = ("routine", "today", "now")  # the order the cards are shown in
ABOUT = ("mother", "baby")
HELP_CARDS_CALL = re.compile(r"help_cards\(([^)]*)\)")
STRING_LITERAL = re.compile(r"""["']([^"']+)["']""")
HAND_WRITTEN_CARD = re.compile(r"^!!!\s+help-(routine|today|now)\b", re.MULTILINE)


@dataclass
class Sign:
    """One danger sign: whom it is about, how urgent it is, its words per language, its source."""

    key: str
    about: str
    level: str
    words: dict[str, str]  # language code -> the sign in that language (may use {{ fact(...) }})
    source: str | None
    line: int
    icon: str | None = None  # a picture in content/images/, shown beside the sign where cards show icons


@dataclass
class SignRegistry:
    """Every sign, and the heading of each level's card in every language (per audience)."""

    signs: dict[str, Sign] = field(default_factory=dict)
    headings: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)  # level -> audience -> lang -> text
    line: dict[str, int] = field(default_factory=dict)  # level -> line of its heading entry
    icon_alt: dict[str, dict[str, str]] = field(default_factory=dict)  # picture -> lang -> alt text (PDF/UA needs one)

    def heading(self, level: str, lang: str, audience: str) -> str:
        """Return the card heading of a level, for the page's audience if it has its own."""
        by_audience = self.headings.get(level, {})
        words = by_audience.get(audience) or by_audience.get("families") or {}
        return words.get(lang, "")


def load_signs(path: Path, problems: Problems, read_yaml: Callable) -> SignRegistry:
    """Read content/signs.yml into a registry that remembers each sign's line."""
    registry = SignRegistry()
    if not path.is_file():
        return registry
    data, _ = read_yaml(path, problems)
    if data is None:
        return registry
    if not isinstance(data, dict) or not isinstance(data.get("signs"), dict):
        problems.error(path, 1, "signs.yml must have 'levels' (the card headings) and 'signs' (each sign by key)")
        return registry
    text = path.read_text(encoding="utf-8")
    for level, by_audience in (data.get("levels") or {}).items():
        registry.line[str(level)] = line_of_key(text, str(level), 1)
        if not isinstance(by_audience, dict):
            problems.error(path, registry.line[str(level)], f"level '{level}' needs its heading per audience and language")
            continue
        registry.headings[str(level)] = {str(a): {str(k): str(v) for k, v in (w or {}).items()} for a, w in by_audience.items()}
    for picture, alt in (data.get("icons") or {}).items():
        registry.icon_alt[str(picture)] = {str(k): str(v) for k, v in (alt or {}).items()} if isinstance(alt, dict) else {}
    for key, entry in data["signs"].items():
        line = line_of_key(text, str(key), 2)
        if not isinstance(entry, dict):
            problems.error(path, line, f"sign '{key}' needs 'about', 'level', 'source' and its words in every language")
            continue
        words = {str(k): str(v).strip() for k, v in entry.items() if k not in ("about", "level", "source", "icon", "note")}
        registry.signs[str(key)] = Sign(
            key=str(key),
            about=str(entry.get("about", "")),
            level=str(entry.get("level", "")),
            words=words,
            source=entry.get("source"),
            line=line,
            icon=entry.get("icon"),
        )
    return registry


def line_of_key(text: str, key: str, indent: int) -> int:
    """Return the line of a mapping key written at an indent of `indent` levels of two spaces."""
    match = re.search(rf"^{' ' * (2 * indent - 2)}{re.escape(key)}:", text, flags=re.MULTILINE)
    if match is None:
        match = re.search(rf"^\s*{re.escape(key)}:", text, flags=re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def sign_calls(text: str, first_line: int = 1) -> list[tuple[str, int]]:
    """Return every sign key a text shows in a help card, with the line it is on."""
    calls = []
    for match in HELP_CARDS_CALL.finditer(text):
        line = first_line + text.count("\n", 0, match.start())
        calls += [(key.group(1), line) for key in STRING_LITERAL.finditer(match.group(1))]
    return calls


def help_cards_markdown(registry: SignRegistry, keys: tuple[str, ...], lang: str, audience: str,
                        words_of: Callable[[Sign], str], icon_src: Callable[[str], str] | None = None) -> str:
    """Return the Markdown of the help cards for the given signs: one card per level, routine to now."""
    chosen = [registry.signs[key] for key in keys]
    cards = []
    for level in LEVELS:
        signs = [sign for sign in chosen if sign.level == level]
        if not signs:
            continue
        lines = [f'!!! help-{level} "{registry.heading(level, lang, audience)}"']
        for sign in signs:
            icon = ""
            if icon_src is not None and sign.icon:
                # a Markdown image, not raw HTML, so MkDocs rewrites its address for the page's URL;
                # with alt text, which a tagged PDF (PDF/UA) requires of every picture
                alt = registry.icon_alt.get(sign.icon, {}).get(lang, "")
                icon = f"![{alt}]({icon_src(sign.icon)}){{ .sign-icon }} "
            lines.append(f"    - {icon}{words_of(sign)}")
        cards.append("\n".join(lines))
    return "\n\n".join(cards)
