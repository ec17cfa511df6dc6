"""Turn one set of Markdown content into a bilingual website and print-ready PDF leaflets."""

from pathlib import Path

__version__ = "0.1.0"
EDITION = "2026.1"
PACKAGE_DIR = Path(__file__).resolve().parent  # the code every output depends on (fingerprints, string extraction)
