"""Remember what was built from what, so a rebuild renders only what changed.

Two fingerprints: the *environment* (code, templates, CSS, fonts, pictures, tool versions),
which every output depends on, and each leaflet's own HTML. A cached PDF is reused only when
both match, so a cached output is never stale. A *stamp* of every input lets a build with
nothing changed finish without loading anything."""

from __future__ import annotations

import datetime
import hashlib
import json
import sys
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

from asipack import PACKAGE_DIR

TOOL_PACKAGES = (
    "weasyprint",
    "pydyf",
    "fonttools",
    "tinycss2",
    "cssselect2",
    "tinyhtml5",
    "pillow",
    "mkdocs",
    "mkdocs-material",
    "markdown",
    "pymdown-extensions",
    "jinja2",
    "babel",
    "segno",
    "pyyaml",
    "pypdf",
    "pikepdf",
)


CACHE_VERSION = "2"  # 2: leaflet warnings name their file


def cache_directory(root: Path) -> Path:
    """Return the project's cache folder (not committed)."""
    return root / ".cache" / "asipack"


def files_digest(paths: Iterable[Path], base: Path) -> str:
    """Return one hash over the names and bytes of every file under the given paths."""
    digest = hashlib.sha256()
    for path in paths:
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path] if path.is_file() else []
        for file in files:
            if "__pycache__" in file.parts:
                continue
            name = file.relative_to(base).as_posix() if file.is_relative_to(base) else str(file)
            digest.update(name.encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()


def tool_versions() -> str:
    """Return the Python and tool versions every output depends on."""
    versions = [sys.version]
    for package in TOOL_PACKAGES:
        try:
            versions.append(f"{package}=={metadata.version(package)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{package} missing")
    return "\n".join(versions)


def environment_digest(root: Path, organisation_file: Path | None) -> str:
    """Fingerprint what a leaflet's HTML does not contain: code, templates, fonts, pictures, tools."""
    package = PACKAGE_DIR
    paths = [package, root / "templates" / "leaflets", root / "templates" / "site" / "assets" / "fonts", root / "content" / "images"]
    if organisation_file is not None:
        paths.append(organisation_file.resolve().parent)  # its logo lives beside it
    return hashlib.sha256((CACHE_VERSION + tool_versions() + files_digest(paths, root)).encode()).hexdigest()


def inputs_stamp(root: Path, organisation_file: Path | None, settings: str) -> str:
    """Fingerprint every input of a build, and its settings, without loading anything."""
    package = PACKAGE_DIR
    paths = [package, root / "content", root / "templates", root / "translations", root / "mkdocs.yml"]
    if organisation_file is not None:
        paths.append(organisation_file.resolve().parent)
    return hashlib.sha256((CACHE_VERSION + settings + tool_versions() + files_digest(paths, root)).encode()).hexdigest()


def build_stamp(root: Path, organisation_file: Path | None, *, strict: bool, today: datetime.date) -> str:
    """Fingerprint a build's inputs and settings (the day counts: review dates expire)."""
    return inputs_stamp(root, organisation_file, f"strict={strict} today={today.isoformat()}")


class StampFile:
    """Remember the inputs stamp of the last build into a site folder."""

    def __init__(self, root: Path, site_dir: Path):
        name = hashlib.sha256(str(site_dir.resolve()).encode()).hexdigest()[:16]
        self.path = cache_directory(root) / "stamps" / f"{name}.json"
        self.site_dir = site_dir

    def matches(self, stamp: str) -> bool:
        """Return True if the site folder holds the output of exactly these inputs."""
        if not self.site_dir.is_dir() or not self.path.is_file():
            return False
        return json.loads(self.path.read_text()).get("stamp") == stamp

    def save(self, stamp: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps({"stamp": stamp, "site_dir": str(self.site_dir.resolve())}))
