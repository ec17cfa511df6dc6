"""Load and check the organisation file that brands the pack (name, phone, contacts, logo)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from asipack.model.errors import Problems
from asipack.model.yamlio import read_yaml

REQUIRED_KEYS = ("name", "phone")
OPTIONAL_KEYS = ("address", "whatsapp", "email", "website", "logo", "emergency", "referrals")
REFERRAL_KEYS = ("name", "role", "phone", "kecamatan")
EMERGENCY_KEYS = ("name", "phone")


def load_organisation(path: Path, problems: Problems) -> dict[str, Any]:
    """Read an organisation file; record every missing or unknown key and a missing logo."""

    data, lines = read_yaml(path, problems)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        problems.error(path, 1, "the organisation file must be a mapping with at least 'name' and 'phone'")
        data = {}
    for key in REQUIRED_KEYS:
        if not str(data.get(key) or "").strip():
            problems.error(path, None, f"required key '{key}' is missing: every leaflet prints it in its contact block")
    for key in data:
        if key not in REQUIRED_KEYS + OPTIONAL_KEYS:
            known = ", ".join(REQUIRED_KEYS + OPTIONAL_KEYS)
            problems.error(path, lines.get(key), f"unknown key '{key}'; the keys are: {known}")
    for list_key, allowed in (("referrals", REFERRAL_KEYS), ("emergency", EMERGENCY_KEYS)):
        for index, entry in enumerate(data.get(list_key) or [], start=1):
            if not isinstance(entry, dict):
                problems.error(path, lines.get(list_key), f"{list_key} entry {index} must be a mapping")
                continue
            for key in entry:
                if key not in allowed:
                    problems.error(path, lines.get(list_key), f"unknown key '{key}' in {list_key} entry {index}; use {', '.join(allowed)}")
            if not entry.get("name") or not entry.get("phone"):
                problems.error(path, lines.get(list_key), f"{list_key} entry {index} needs a name and a phone")
    if data.get("logo"):
        logo = (path.parent / str(data["logo"])).resolve()
        if not logo.is_file():
            problems.error(path, lines.get("logo"), f"logo '{data['logo']}' does not exist (looked for {logo})")
        elif logo.suffix.lower() != ".svg":
            problems.error(path, lines.get("logo"), f"logo '{data['logo']}' must be an SVG file")
        else:
            data["logo_path"] = logo
    return {**{key: None for key in OPTIONAL_KEYS}, "logo_path": None, "logo_uri": None, **data}
