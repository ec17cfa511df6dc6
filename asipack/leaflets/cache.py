"""Keep rendered leaflet PDFs by the hash of their HTML and environment, so a rebuild renders only what changed."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from asipack.leaflets.html import LeafletJob, LeafletResult
from asipack.model.files import atomic_file, write_text_atomic
from asipack.model.fingerprint import cache_directory

RECORD_KEYS = {"pages", "warnings", "fill"}


class LeafletCache:
    """PDFs by the hash of their HTML and the environment, with their page count and warnings."""

    def __init__(self, root: Path, environment: str):
        self.directory = cache_directory(root) / "leaflets"
        self.environment = environment

    def key(self, html: str, page_budget: int) -> str:
        return hashlib.sha256(f"{self.environment}\0{page_budget}\0{html}".encode()).hexdigest()

    def fetch(self, key: str, target: Path) -> dict | None:
        """Copy a cached PDF to target and return its record, or None if it is not cached (or unreadable)."""
        pdf, record = self.directory / f"{key}.pdf", self.directory / f"{key}.json"
        if not (pdf.is_file() and record.is_file()):
            return None
        try:
            stored = json.loads(record.read_text())
        except ValueError:  # a record cut short: render again
            return None
        if not isinstance(stored, dict) or not RECORD_KEYS <= stored.keys():  # a record from an older asipack
            return None
        target.parent.mkdir(parents=True, exist_ok=True)
        with atomic_file(target) as partial:
            shutil.copyfile(pdf, partial)
        return stored

    def keep(self, job: LeafletJob, result: LeafletResult) -> None:
        """Keep a leaflet just rendered, by its job's HTML and budget, with its page count and warnings."""
        self.store(
            self.key(job.html, job.page_budget), result.target, {"pages": result.pages, "warnings": result.warnings, "fill": result.fill}
        )

    def store(self, key: str, source: Path, record: dict) -> None:
        """Keep a rendered PDF and its record (written atomically)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        with atomic_file(self.directory / f"{key}.pdf") as partial:
            shutil.copyfile(source, partial)
        write_text_atomic(self.directory / f"{key}.json", json.dumps(record))
