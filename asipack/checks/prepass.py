"""Check each page's Jinja pre-pass before anything is rendered: broken tags and unknown functions, at their line.

A page may call fact(...), snippet(...), help_cards(...) and sign_checklist(...), and read lang. A tag that does not
parse, or a name the pre-pass does not know (a typo such as fakt), is reported with the page's
file and the line in that file, so the build never stops in a traceback.
"""

from __future__ import annotations

import hashlib
import re

import jinja2
from jinja2 import meta

from asipack.checks.structure import all_texts
from asipack.model.errors import Problems
from asipack.model.fingerprint import cache_directory
from asipack.model.pack import Pack, Page
from asipack.render.markdown import content_environment

PREPASS_NAMES = ("fact", "snippet", "help_cards", "sign_checklist", "lang")  # what render.markdown.PageRenderer.prepass offers


def check_prepass(pack: Pack, problems: Problems) -> None:
    """Every page and snippet parses as a Jinja template and uses only the pre-pass's own functions.

    Parsing is the slow part: a page text that passed is remembered in the cache and not parsed again.
    """
    environment = content_environment()
    passed = cache_directory(pack.root) / "prepass-ok"
    for page in all_texts(pack):
        marker = passed / hashlib.sha256(f"{jinja2.__version__}\0{PREPASS_NAMES}\0{page.body}".encode()).hexdigest()
        if marker.is_file():
            continue
        if check_page_template(environment, page, problems):
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.touch()


def check_page_template(environment: jinja2.Environment, page: Page, problems: Problems) -> bool:
    """Report a tag that does not parse, or a name the pre-pass does not know, with its line in the file; True if none."""
    try:
        tree = environment.parse(page.body)
    except jinja2.TemplateSyntaxError as error:
        line = page.body_line + (error.lineno or 1) - 1
        problems.error(page.path, line, f"a {{{{ ... }}}} tag does not parse ({error.message}): check its brackets and quotes")
        return False
    unknown = sorted(meta.find_undeclared_variables(tree) - set(PREPASS_NAMES))
    for name in unknown:
        use = re.search(rf"\b{re.escape(name)}\b", page.body)
        line = page.body_line + page.body.count("\n", 0, use.start()) if use else page.body_line
        known = ", ".join(f"{n}(...)" for n in PREPASS_NAMES if n != "lang")
        problems.error(page.path, line, f"unknown name '{name}' in a {{{{ ... }}}} tag: a page can use {known} and lang")
    return not unknown
