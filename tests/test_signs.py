"""Danger signs come from one registry: the checker's messages, and every sign at its one level everywhere."""

from __future__ import annotations

import html
import re
import textwrap
from html.parser import HTMLParser

import pytest
from pypdf import PdfReader

from asipack.commands.check import check
from asipack.leaflets.jobs import site_urls
from asipack.model.errors import ContentError
from asipack.model.pack import load_pack
from asipack.render.help_cards import sign_calls
from asipack.render.markdown import PageRenderer

from .conftest import LANGUAGES, PROJECT, SIGN_LEVELS, TODAY, line_with, page

LEVELS = textwrap.indent(SIGN_LEVELS, "    ")  # as written inside the test's dedented registry
FLOPPY = """\
    baby.floppy:
      about: baby
      level: now
      id: bayi lemas atau tidak mau menyusu sama sekali
      en: the baby is floppy or will not feed at all
      source: cdc-storage
    """
FEVER = """\
    mother.fever:
      about: mother
      level: today
      id: 'suhu tubuh Ibu di atas {{ fact("storage.fridge") }}'
      en: 'the mother has a temperature above {{ fact("storage.fridge") }}'
      source: cdc-storage
    """


def registry(*signs: str, icons: str = "") -> str:
    """Return a signs.yml with the level headings and the given signs (YAML snippets)."""
    return textwrap.dedent(LEVELS) + icons + "signs:\n" + textwrap.indent("".join(textwrap.dedent(s) for s in signs), "  ")


def with_cards(lang: str, *keys: str) -> str:
    """Return the minimal page in a language with a help card showing the given signs."""
    title = {"id": "Halaman uji", "en": "Test page"}[lang]
    args = ", ".join(f'"{key}"' for key in keys)
    return page(lang, f"# {title}\n\nFridge: {{{{ fact('storage.fridge') }}}}.\n\n## Help\n\n{{{{ help_cards({args}) }}}}\n")


def problems_of(root, *, strict=False) -> str:
    """Run the checker on a pack and return its report as the author sees it (paths from the pack)."""
    try:
        problems = check(root, today=TODAY, strict=strict)
    except ContentError as error:
        return str(error).replace(str(root) + "/", "")
    return "\n".join(str(p) for p in problems).replace(str(root) + "/", "")


# --- The checker ---------------------------------------------------------------------------------


def test_a_help_card_written_by_hand_is_an_error_naming_its_file_and_line(tmp_pack):
    body = (
        "# Test page\n\nFridge: {{ fact('storage.fridge') }}.\n\n## Help\n\n!!! help-now \"Call 119 now if:\"\n    - the baby is floppy\n"
    )
    root = tmp_pack({"content/families/test.en.md": page("en", body)})
    line = line_with(root, "content/families/test.en.md", "!!! help-now")
    assert (
        f"content/families/test.en.md:{line}: error: a help card written by hand: show signs with "
        '{{ help_cards("...") }} using keys from content/signs.yml'
    ) in problems_of(root)


def test_an_unknown_sign_is_an_error_that_suggests_the_nearest_key(tmp_pack):
    root = tmp_pack(
        {
            "content/signs.yml": registry(FLOPPY),
            "content/families/test.id.md": with_cards("id", "baby.flopy"),
            "content/families/test.en.md": with_cards("en", "baby.flopy"),
        }
    )
    line = line_with(root, "content/families/test.en.md", "help_cards(")
    assert f"content/families/test.en.md:{line}: error: unknown sign 'baby.flopy': did you mean 'baby.floppy'?" in problems_of(root)


def test_a_sign_shown_on_no_page_is_a_warning_and_fails_strict(tmp_pack):
    root = tmp_pack(
        {
            "content/signs.yml": registry(FLOPPY, FEVER),
            "content/families/test.id.md": with_cards("id", "baby.floppy"),
            "content/families/test.en.md": with_cards("en", "baby.floppy"),
        }
    )
    line = line_with(root, "content/signs.yml", "mother.fever:")
    assert (
        f"content/signs.yml:{line}: warning: sign 'mother.fever' is shown on no page: show it in a help card or remove it"
    ) in problems_of(root)
    with pytest.raises(ContentError, match="--strict"):
        check(root, today=TODAY, strict=True)


def test_a_sign_without_words_in_a_language_is_an_error(tmp_pack):
    root = tmp_pack(
        {
            "content/signs.yml": registry(FLOPPY.replace("      en: the baby is floppy or will not feed at all\n", "")),
            "content/families/test.id.md": with_cards("id", "baby.floppy"),
            "content/families/test.en.md": with_cards("en", "baby.floppy"),
        }
    )
    line = line_with(root, "content/signs.yml", "baby.floppy:")
    assert f"content/signs.yml:{line}: error: 1 sign(s) have no English words (baby.floppy): add 'en:' to each" in problems_of(root)


def test_twins_that_show_different_signs_are_an_error(tmp_pack):
    root = tmp_pack(
        {
            "content/signs.yml": registry(FLOPPY, FEVER),
            "content/families/test.id.md": with_cards("id", "baby.floppy", "mother.fever"),
            "content/families/test.en.md": with_cards("en", "mother.fever", "baby.floppy"),
        }
    )
    assert (
        "content/families/test.en.md: error: the signs differ from the Bahasa Indonesia version: "
        "here ['mother.fever', 'baby.floppy'], in test.id.md ['baby.floppy', 'mother.fever']"
    ) in problems_of(root)


def test_a_sign_pictogram_without_alt_text_in_a_language_is_an_error(tmp_pack):
    root = tmp_pack(
        {
            "content/signs.yml": registry(
                FLOPPY.rstrip() + "\n      icon: icon-emergency.svg\n", icons="icons:\n  icon-emergency.svg: {id: Darurat}\n"
            ),
            "content/images/icon-emergency.svg": (PROJECT / "content" / "images" / "icon-emergency.svg").read_text(),
            "content/families/test.id.md": with_cards("id", "baby.floppy"),
            "content/families/test.en.md": with_cards("en", "baby.floppy"),
        }
    )
    line = line_with(root, "content/signs.yml", "icons:")
    assert (
        f"content/signs.yml:{line}: error: picture(s) icon-emergency.svg have no English alt text: add 'en:' to each under icons"
    ) in problems_of(root)


def test_the_real_content_has_no_help_card_written_by_hand():
    pack = load_pack(PROJECT)
    for by_lang in pack.pages.values():
        for p in by_lang.values():
            assert not re.search(r"^!!!\s+help-", p.body, flags=re.MULTILINE), p.path


# --- Every sign at its registry level, on the web and on paper -----------------------------------


class HelpCards(HTMLParser):
    """Collect the list items of each help card of a page: [(level, text of the item)]."""

    def __init__(self):
        super().__init__()
        self.items: list[tuple[str, str]] = []
        self.depth = 0  # depth of <div> nesting inside the current help card
        self.level = None
        self.text: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag == "div":
            if self.level is not None:
                self.depth += 1
            elif "admonition" in classes:
                level = next((c.removeprefix("help-") for c in classes if c.startswith("help-")), None)
                if level:
                    self.level, self.depth = level, 0
        elif tag == "li" and self.level is not None:
            self.text = []

    def handle_endtag(self, tag):
        if tag == "li" and self.text is not None:
            self.items.append((self.level, " ".join("".join(self.text).split())))
            self.text = None
        elif tag == "div" and self.level is not None:
            if self.depth:
                self.depth -= 1
            else:
                self.level = None

    def handle_data(self, data):
        if self.text is not None:
            self.text.append(data)


@pytest.fixture(scope="module")
def real():
    """The real pack, and each sign's words as a reader sees them, per language (facts filled in)."""
    pack = load_pack(PROJECT)
    renderer = PageRenderer(pack)
    words = {}
    for sign in pack.signs.signs.values():
        for lang in LANGUAGES:
            rendered = renderer.to_html(renderer.prepass(sign.words[lang], lang))
            words[sign.key, lang] = " ".join(html.unescape(re.sub(r"<[^>]+>", "", rendered)).split())
    return pack, words


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_sign_is_in_its_registry_levels_card_on_every_web_page_that_shows_it(site, real, lang):
    pack, words = real
    urls = site_urls(pack)
    checked = 0
    for stem, by_lang in pack.pages.items():
        keys = [key for key, _ in sign_calls(by_lang[lang].body, functions=("help_cards",))]
        if not keys:
            continue
        path = site / urls.language_root(lang) / urls.page_path(stem)
        parser = HelpCards()
        parser.feed((path / "index.html" if path.is_dir() else path).read_text(encoding="utf-8"))
        for key in keys:
            level = pack.signs.signs[key].level
            where = [lvl for lvl, text in parser.items if text == words[key, lang]]
            assert where and set(where) == {level}, f"{stem} ({lang}): '{key}' is in {where or 'no'} card(s), not only in help-{level}"
            checked += 1
        shown = {(lvl, text) for lvl, text in parser.items}
        assert len(shown) == len({key for key in keys}), f"{stem} ({lang}): a help card holds an item that is not one of its signs"
    assert checked > 100  # every family, caregiver and midwife page with help cards was read


def pdf_text(path) -> str:
    """Return the text of a PDF without any whitespace, so line breaks in the layout do not matter."""
    return re.sub(r"\s+", "", " ".join(p.extract_text() for p in PdfReader(path).pages))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_leaflet_prints_the_words_of_every_sign_its_pages_show(site, real, lang):
    pack, words = real
    for leaflet in pack.leaflets.values():
        stems = [leaflet.page, *leaflet.contents]
        keys = {key for stem in stems for key, _ in sign_calls(pack.pages[stem][lang].body)}
        if not keys:
            continue
        text = pdf_text(site / "downloads" / lang / f"{leaflet.slug}.pdf")
        for key in sorted(keys):
            assert re.sub(r"\s+", "", words[key, lang]) in text, f"{leaflet.slug} ({lang}) does not print '{key}'"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_danger_signs_sheet_shows_every_go_now_sign_with_its_pictogram(site, real, lang):
    pack, words = real
    urls = site_urls(pack)
    now = {key for key, sign in pack.signs.signs.items() if sign.level == "now"}
    on_cards = {key for key, _ in sign_calls(pack.pages["midwives/red-flag-cards"][lang].body)}
    assert now <= on_cards, f"the red-flag cards miss {sorted(now - on_cards)}"
    page_html = (site / urls.language_root(lang) / urls.page_path("families/danger-signs") / "index.html").read_text()
    shown = [key for key, _ in sign_calls(pack.pages["families/danger-signs"][lang].body)]
    icons = re.findall(r'<img alt="([^"]+)" class="sign-icon" src="\.\./\.\./images/((?:icon|sign)-[\w-]+\.svg)"', page_html)
    assert len(icons) == len(shown)
    assert all((site / "images" / name).is_file() for _, name in icons)


def text_runs(path) -> list[tuple[str, float, float]]:
    """Return the first page's text as drawn: each run's text and where it starts (x, y from the bottom), in points."""
    runs: list[tuple[str, float, float]] = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            runs.append((" ".join(text.split()), cm[4] + tm[4] * cm[0], cm[5] + tm[5] * cm[3]))

    PdfReader(path).pages[0].extract_text(visitor_text=visit)
    return runs


@pytest.mark.parametrize("lang", LANGUAGES)
def test_on_the_printed_danger_signs_sheet_every_sign_sits_under_its_levels_heading(site, real, lang):
    """A card continued in the next column would show signs without the words that say how urgent they are."""
    pack, words = real
    sheet = site / "downloads" / lang / "danger-signs.pdf"
    width = float(PdfReader(sheet).pages[0].mediabox.width)
    runs = text_runs(sheet)

    def start_of(text: str) -> tuple[float, float]:
        """Where the first line of a text is drawn: the longest run the text starts with (a hyphen at a line's end aside)."""
        text = " ".join(text.split())
        found = sorted((len(run), x, y) for run, x, y in runs if len(run) > 8 and text.startswith(run.removesuffix("-")))
        assert found, f"danger-signs ({lang}): '{text[:30]}' is not printed at the start of a line"
        return found[-1][1], found[-1][2]

    shown = [key for key, _ in sign_calls(pack.pages["families/danger-signs"][lang].body)]
    for level in ("now", "today"):
        heading_x, heading_y = start_of(pack.signs.heading(level, lang, "families"))
        for key in (key for key in shown if pack.signs.signs[key].level == level):
            x, y = start_of(words[key, lang])
            assert (x < width / 2) == (heading_x < width / 2) and y < heading_y, (
                f"danger-signs ({lang}): '{key}' is not under the '{level}' heading (a card broke across columns)"
            )
