"""Check that every language has what a build needs, before any build: a new language is told every file to add.

Pages and snippets in every language are checked with the structure (checks/structure.py) and
catalogs with the translations (checks/catalogs.py); here: the theme's interface strings, the
words for units where Babel has only symbols ("6 m" could be read as metres), and whether the
site's search knows the language's words.
"""

from __future__ import annotations

from asipack.model.errors import Problems
from asipack.model.pack import Pack
from asipack.render.formatting import unit_words_of
from asipack.site.build import MATERIAL_TEMPLATES, has_search_rules, interface_strings


def check_language_files(pack: Pack, problems: Problems) -> None:
    """Every language has interface strings, unit words and (or a warning) search rules."""
    path = pack.content_dir / "languages.yml"
    for language in pack.languages:
        line = language.line or None
        if interface_strings(pack, language.code) is None:
            english = MATERIAL_TEMPLATES / "partials" / "languages" / "en.html"
            problems.error(
                path,
                line,
                f"the website has no interface strings in {language.name}: copy {english} to "
                f"templates/site/partials/languages/{language.code}.html and translate it",
            )
        units = sorted({fact.unit for fact in pack.facts.values()})
        missing = [unit for unit in units if unit not in language.units and unit_words_of(unit, language.locale) is None]
        if missing:
            example = ", ".join(f'{unit}: "{{0}} ..."' for unit in missing)
            problems.error(
                path,
                line,
                f"Babel writes {', '.join(missing)} in {language.name} as symbols only (a reader may take months for metres): "
                f"give the words under units: in languages.yml, e.g. units: {{{example}}}",
            )
        if not has_search_rules(language.code):
            problems.warning(
                path,
                line,
                f"the site's search has no word rules for {language.name}: it matches exact words only; "
                f"add templates/site/assets/javascripts/lunr/min/lunr.{language.code}.min.js to improve it",
            )
