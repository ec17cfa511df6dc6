"""Give the website's templates the same gettext catalogs as the leaflets (an MkDocs hook)."""

from __future__ import annotations

from pathlib import Path

from asipack.i18n import load_translations


def on_env(env, config, files):
    """Install the catalog of the language this build is for, so templates can use _()."""
    root = Path(config.extra["asipack_root"])
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_translations(load_translations(root, config.theme["language"]), newstyle=True)
    return env
