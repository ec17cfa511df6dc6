"""Danger signs from one registry (content/signs.yml): every sign once, with its level, so no two pages disagree.

Each sign says whom it is about (mother or baby), its level (routine, today, now), its words in
every language and its source. Pages show signs by key (see render/help_cards.py); the
registry decides the level and the words, on the web, on paper, in the booklet and the packs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic.dataclasses import dataclass as model

from asipack.model.errors import Problems
from asipack.model.schema import MODEL_CONFIG, validate
from asipack.model.yamlio import read_yaml

LEVELS = ("routine", "today", "now")  # the order the cards are shown in
ABOUT = ("mother", "baby")
SIGN_FIELDS = ("about", "level", "source", "icon", "note")  # every other key of a sign is a language


@model(frozen=True, config=MODEL_CONFIG)
class Sign:
    """One danger sign: whom it is about, how urgent it is, its words per language, its source."""

    key: str
    line: int
    about: Literal["mother", "baby"]
    level: Literal["routine", "today", "now"]
    words: dict[str, str]  # language code -> the sign in that language (may use {{ fact(...) }})
    source: str | None = None
    icon: str | None = None  # a pictogram in content/images/, shown where a page asks for icons
    note: str = ""


@model(config=MODEL_CONFIG)
class SignRegistry:
    """Every sign, and the heading of each level's card in every language (per audience)."""

    signs: dict[str, Sign] = Field(default_factory=dict)
    headings: dict[str, dict[str, dict[str, str]]] = Field(default_factory=dict)  # level -> audience -> lang -> text
    line: dict[str, int] = Field(default_factory=dict)  # level -> line of its heading entry
    icon_alt: dict[str, dict[str, str]] = Field(default_factory=dict)  # picture -> lang -> alt text (PDF/UA needs one)

    def heading(self, level: str, lang: str, audience: str) -> str:
        """Return the card heading of a level, for the page's audience if it has its own."""
        by_audience = self.headings.get(level, {})
        words = by_audience.get(audience) or by_audience.get("families") or {}
        return words.get(lang, "")


def load_signs(path: Path, problems: Problems) -> SignRegistry:
    """Read content/signs.yml into a registry whose signs remember their line."""
    registry = SignRegistry()
    if not path.is_file():
        return registry
    data, lines = read_yaml(path, problems)
    if data is None:
        return registry
    if not isinstance(data, dict) or not isinstance(data.get("signs"), dict):
        problems.error(path, 1, "signs.yml must have 'levels' (the card headings) and 'signs' (each sign by key)")
        return registry
    for level, by_audience in (data.get("levels") or {}).items():
        registry.line[str(level)] = lines.of("levels", level) or 1
        if not isinstance(by_audience, dict) or not all(isinstance(words, dict) for words in by_audience.values()):
            problems.error(path, registry.line[str(level)], f"level '{level}' needs its heading per audience and language")
            continue
        registry.headings[str(level)] = {str(a): {str(k): str(v) for k, v in words.items()} for a, words in by_audience.items()}
    registry.line["icons"] = lines.of("icons") or 1
    for picture, alt in (data.get("icons") or {}).items():
        registry.icon_alt[str(picture)] = {str(k): str(v) for k, v in alt.items()} if isinstance(alt, dict) else {}
    for key, entry in data["signs"].items():
        line = lines.of("signs", key) or 1
        if isinstance(entry, dict):  # the words per language are gathered under 'words'
            words = {str(k): str(v).strip() for k, v in entry.items() if k not in SIGN_FIELDS}
            entry = {**{k: v for k, v in entry.items() if k in SIGN_FIELDS}, "words": words}
        sign = validate(
            Sign,
            entry,
            path=path,
            lines=lines,
            at=("signs", key),
            problems=problems,
            what=f"sign '{key}'",
            given={"key": str(key), "line": line},
        )
        if sign is not None:
            registry.signs[sign.key] = sign
    return registry
