"""Turn one set of Markdown content into a bilingual website and print-ready PDF leaflets."""

__version__ = "0.1.0"
EDITION = "2026.1"
