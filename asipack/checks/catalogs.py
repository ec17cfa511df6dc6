"""Check the gettext catalogs: every template string translated, not fuzzy, and messages.pot current."""

from __future__ import annotations

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from asipack import PACKAGE_DIR
from asipack.model.errors import Problems
from asipack.model.fingerprint import cache_directory, files_digest
from asipack.model.pack import Pack
from asipack.render.i18n import catalog_path


def check_catalogs(pack: Pack, problems: Problems) -> None:
    """Every template string is translated, and not fuzzy, in every language's catalog."""

    for language in pack.languages:
        path = catalog_path(pack.root, language.code)
        if not path.is_file():
            problems.error(
                path,
                None,
                f"no catalog for {language.name}: run pybabel init -i translations/messages.pot -d translations -l {language.code}",
            )
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
                problems.error(
                    path,
                    message.lineno,
                    f"'{message.id if isinstance(message.id, str) else message.id[0]}' has no {language.name} translation",
                )


def check_catalog_template(pack: Pack, problems: Problems) -> None:
    """translations/messages.pot holds exactly the strings the templates and code use."""

    pot = pack.root / "translations" / "messages.pot"
    config = pack.root / "babel.cfg"
    if not pot.is_file() or not config.is_file():
        problems.error(pot, None, "translations/messages.pot or babel.cfg is missing")
        return
    # extracting every string is the slow part of the checker: remember inputs that passed
    inputs = [PACKAGE_DIR, pack.root / "templates", config, pack.root / "translations"]
    passed = cache_directory(pack.root) / "catalogs-current" / files_digest(inputs, pack.root)
    if passed.is_file():
        return
    before = len(problems.items)
    with config.open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2)}
    # the templates are the pack's own; the code's strings come from the installed package
    code_map = [(pattern, method) for pattern, method in method_map if method == "python"]
    template_map = [(pattern, method) for pattern, method in method_map if method != "python"]
    used = set()
    for folder, mapping in ((pack.root, template_map), (PACKAGE_DIR.parent, code_map)):
        for _, _, message, _, _ in extract_from_dir(str(folder), mapping, options_map, keywords=keywords):
            used.add(message if isinstance(message, str) else message[0])
    with pot.open("rb") as handle:
        listed = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    update = "run the pybabel extract and update commands in the README"
    for text in sorted(used - listed):
        problems.error(pot, None, f"'{text}' is used in a template but missing from messages.pot: {update}")
    for text in sorted(listed - used):
        problems.error(pot, None, f"'{text}' is in messages.pot but no template uses it: {update}")
    for language in pack.languages:
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
