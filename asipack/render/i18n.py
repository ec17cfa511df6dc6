"""Load the gettext catalogs for template strings, straight from the .po files, with Babel; name referral roles per language."""

from __future__ import annotations

import functools
import gettext
import io
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

CATALOG_DOMAIN = "messages"


def catalog_path(root: Path, lang: str) -> Path:
    """Return where a language's catalog lives: translations/<lang>/LC_MESSAGES/messages.po."""
    return root / "translations" / lang / "LC_MESSAGES" / f"{CATALOG_DOMAIN}.po"


@functools.cache
def load_translations(root: Path, lang: str) -> gettext.GNUTranslations:
    """Compile a language's .po catalog in memory (no .mo file is committed or needed)."""
    with catalog_path(root, lang).open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def audience_labels(root: Path, lang: str) -> dict[str, str]:
    """Return the name of each audience in a language: the one place the website and every leaflet take it from."""
    _ = load_translations(root, lang).gettext
    return {
        "families": _("For mothers and families"),
        "caregivers": _("For caregivers"),
        "midwives": _("For midwives and health cadres"),
        "employers": _("For employers and HR"),
        "everyone": _("For everyone"),
    }


def role_names(translations: gettext.NullTranslations) -> dict[str, str]:
    """Return what each referral role (model/organisation.py ROLES) is called in a catalog's language."""
    _ = translations.gettext
    return {
        "midwife": _("midwife"),
        "lactation-counsellor": _("lactation counsellor"),
        "ibclc": _("IBCLC lactation consultant"),
        "doctor": _("doctor"),
        "paediatrician": _("paediatrician"),
        "nurse": _("nurse"),
        "cadre": _("health cadre"),
        "puskesmas": _("puskesmas"),
        "hospital": _("hospital"),
    }
