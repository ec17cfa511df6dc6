"""Write "when to get help" cards from the danger-signs registry: one card per level, routine to now.

A page asks for signs by key, `{{ help_cards("baby.floppy", "mother.fever") }}` on a line of
its own; the cards are the pack's three help admonitions (NHS care-card style), each with the
registry's heading for the page's audience and the signs' own words in the page's language.
A form filled in by hand lists signs as tick boxes instead, `{{ sign_checklist("baby.floppy") }}`
(the referral slip): the same words, so a sign reads the same on a card and on a form.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from asipack.model.signs import LEVELS, Sign, SignRegistry

SIGN_FUNCTIONS = ("help_cards", "sign_checklist")  # the pre-pass functions that show signs by key
SIGN_CALL = re.compile(r"\b(help_cards|sign_checklist)\(([^)]*)\)")
STRING_LITERAL = re.compile(r"""["']([^"']+)["']""")
HAND_WRITTEN_CARD = re.compile(r"^!!!\s+help-(routine|today|now)\b", re.MULTILINE)


def sign_calls(text: str, first_line: int = 1, functions: tuple[str, ...] = SIGN_FUNCTIONS) -> list[tuple[str, int]]:
    """Return every sign key a text shows (in a help card or a tick-box list), with the line it is on."""
    calls = []
    for match in SIGN_CALL.finditer(text):
        if match.group(1) not in functions:
            continue
        line = first_line + text.count("\n", 0, match.start())
        calls += [(key.group(1), line) for key in STRING_LITERAL.finditer(match.group(2))]
    return calls


def help_cards_markdown(
    registry: SignRegistry,
    keys: tuple[str, ...],
    lang: str,
    audience: str,
    words_of: Callable[[Sign], str],
    icon_src: Callable[[str], str] | None = None,
    *,
    urgent_first: bool = False,
) -> str:
    """Return the Markdown of the help cards for the given signs: one card per level, routine to now (or now first)."""
    chosen = [registry.signs[key] for key in keys]
    cards = []
    for level in reversed(LEVELS) if urgent_first else LEVELS:
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


def sign_checklist_markdown(registry: SignRegistry, keys: tuple[str, ...], words_of: Callable[[Sign], str]) -> str:
    """Return the given signs as a list of empty tick boxes, in the call's order, for a form filled in by hand."""
    items = "\n".join(f"- {words_of(registry.signs[key])}" for key in keys)
    return f'<div class="checklist sign-checklist" markdown>\n\n{items}\n\n</div>'
