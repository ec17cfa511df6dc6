"""Shared fixtures: the real pack built once, and small temporary packs for seeded faults."""

from __future__ import annotations

import datetime
import logging
import shutil
import textwrap
from pathlib import Path

import pytest

from asipack.commands.build import build

PROJECT = Path(__file__).resolve().parent.parent
TODAY = datetime.date(2026, 11, 28)  # fixed, so review dates do not expire under the tests
LANGUAGES = ("id", "en")


WATCHED_LOGGERS = ("weasyprint", "mkdocs")


def pytest_configure(config):
    config.addinivalue_line("markers", "allow_warnings: the test expects WeasyPrint or MkDocs to log a warning")


@pytest.fixture(autouse=True)
def no_library_warnings(request):
    """Fail any test during which WeasyPrint or MkDocs logged a warning in this process (WeasyPrint's assert_no_logs).

    Leaflets rendered in worker processes report their warnings in the build's report, which
    the tests of the real build assert empty.
    """
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Keep(level=logging.WARNING)
    loggers = [logging.getLogger(name) for name in WATCHED_LOGGERS]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield records
    finally:
        for logger in loggers:
            logger.removeHandler(handler)
    if records and request.node.get_closest_marker("allow_warnings") is None:
        pytest.fail("a library logged a warning:\n" + "\n".join(f"{r.name}: {r.getMessage()}" for r in records))


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """Build the real content once for the whole session; return the build report.

    Not strict, so that the warnings land in the report, where a test asserts there are none.
    """
    site = tmp_path_factory.mktemp("real") / "site"
    return build(PROJECT, site_dir=site, today=TODAY, echo=lambda line: None)


@pytest.fixture(scope="session")
def site(built) -> Path:
    """The real website, built from the real content."""
    return built.site_dir


MINIMAL_PAGE = {
    "id": textwrap.dedent("""\
        ---
        title: Halaman uji
        audience: families
        summary: Ringkasan uji.
        last_checked: 2026-11-01
        next_review: 2027-11-01
        sources: [cdc-storage]
        leaflet: test-leaflet
        ---
        # Halaman uji

        ASI di kulkas tahan {{ fact("storage.fridge") }}.
        """),
    "en": textwrap.dedent("""\
        ---
        title: Test page
        audience: families
        summary: A test summary.
        last_checked: 2026-11-01
        next_review: 2027-11-01
        sources: [cdc-storage]
        leaflet: test-leaflet
        ---
        # Test page

        Milk keeps in the fridge for {{ fact("storage.fridge") }}.
        """),
}


def page(lang: str, body: str, **meta: str) -> str:
    """Return a minimal page in a language with a different body (and front matter changes)."""
    text = MINIMAL_PAGE[lang]
    for key, value in meta.items():
        text = "\n".join(f"{key}: {value}" if line.startswith(f"{key}:") else line for line in text.split("\n"))
    head, _, _ = text.partition("\n# ")
    return head + "\n" + body


def line_with(root, name: str, needle: str) -> int:
    """Return the number of the first line of a file that contains a text."""
    lines = (root / name).read_text().split("\n")
    return next(number for number, line in enumerate(lines, start=1) if needle in line)


MINIMAL_FILES = {
    "content/languages.yml": """\
        - {code: id, name: Bahasa Indonesia, locale: id}
        - {code: en, name: English, locale: en_GB}
        """,
    "content/sources.yml": """\
        cdc-storage:
          title: Breast milk storage
          publisher: CDC
          year: 2024
          url: https://www.cdc.gov/
        """,
    "content/facts.yml": """\
        storage.fridge:
          value: 4
          unit: day
          source: cdc-storage
        """,
    "content/leaflets.yml": """\
        test-leaflet:
          page: families/test
          audience: families
          format: a4
          pages: 2
        """,
    "content/organisation.yml": """\
        name: Puskesmas Uji
        phone: "(021) 555 0100"
        """,
    "content/style.yml": (PROJECT / "content" / "style.yml").read_text(encoding="utf-8"),
    "content/signs.yml": """\
        levels:
          routine:
            families: {id: "Tanyakan kepada bidan atau puskesmas jika:", en: "Ask your midwife or puskesmas if:"}
          today:
            families: {id: "Temui tenaga kesehatan hari ini jika:", en: "See a health worker today if:"}
          now:
            families: {id: "Pergi ke IGD atau telepon 119 sekarang jika:", en: "Go to the emergency department or call 119 now if:"}
        signs: {}
        """,
    "content/families/test.id.md": MINIMAL_PAGE["id"],
    "content/families/test.en.md": MINIMAL_PAGE["en"],
    "content/index.id.md": MINIMAL_PAGE["id"].replace("leaflet: test-leaflet\n", "").replace("families", "everyone"),
    "content/index.en.md": MINIMAL_PAGE["en"].replace("leaflet: test-leaflet\n", "").replace("families", "everyone"),
}


@pytest.fixture
def tmp_pack(tmp_path):
    """Return a function that writes a small content tree (files override the minimal pack)."""

    def make(files: dict[str, str | None] | None = None) -> Path:
        root = tmp_path / "pack"
        root.mkdir()
        shutil.copy(PROJECT / "mkdocs.yml", root / "mkdocs.yml")
        shutil.copytree(PROJECT / "templates", root / "templates")
        shutil.copytree(PROJECT / "translations", root / "translations")
        shutil.copy(PROJECT / "babel.cfg", root / "babel.cfg")
        (root / "content" / "images").mkdir(parents=True)
        merged = {**MINIMAL_FILES, **(files or {})}
        for name, text in merged.items():
            if text is None:
                continue
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return root

    return make
