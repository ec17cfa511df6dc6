"""Make the QR code that opens a leaflet's web twin, as an SVG data URI (segno)."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

import segno

from asipack.model.files import write_text_atomic


@functools.cache
def qr_data_uri(url: str, cache_dir: Path | None = None) -> str:
    """Return an SVG data URI of a QR code for a URL (kept in cache_dir: choosing the mask is slow)."""
    cached = cache_dir / f"{hashlib.sha256(url.encode()).hexdigest()}.txt" if cache_dir else None
    if cached is not None and cached.is_file():
        return cached.read_text(encoding="ascii")
    code = segno.make(url, error="m", micro=False)
    uri = code.svg_data_uri(scale=4, border=2, dark="#000000", light="#ffffff", omitsize=True)
    if cached is not None:
        write_text_atomic(cached, uri)
    return uri
